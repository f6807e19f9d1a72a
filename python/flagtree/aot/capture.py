"""`flagtree compile --capture MANIFEST -- command...`: run a program and record every kernel
specialization it JIT-compiles, as a manifest that `flagtree compile` recompiles.

The program (and any Python process it starts) gets `capture_site/` first on PYTHONPATH; its
sitecustomize sets Triton's public `jit_post_compile_hook` once `triton.knobs` is imported,
and each compile appends one JSON line to a file per process in FLAGTREE_AOT_CAPTURE.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from flagtree.aot.signature import format_value

_SITE = Path(__file__).parent / "capture_site"
_installed = False


# ------------------------------------------------------------------------------------------
# In the captured program
# ------------------------------------------------------------------------------------------


def install_from_env() -> None:
    """Start recording if FLAGTREE_AOT_CAPTURE names a folder (set by run_capture)."""
    from flagtree import knobs

    if knobs.aot.capture:
        install(knobs.aot.capture)


def install(folder: str) -> None:
    """Record into `folder`, now if Triton is imported, else right after `triton.knobs` is."""
    global _installed
    if _installed:
        return
    _installed = True
    if "triton.knobs" in sys.modules and hasattr(sys.modules["triton.knobs"], "runtime"):
        _set_hook(folder)
    else:
        sys.meta_path.insert(0, _AfterTritonKnobs(folder))


class _AfterTritonKnobs(importlib.abc.MetaPathFinder):
    """Finds `triton.knobs` with the other finders and sets the hook once it has run."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def find_spec(self, fullname, path, target=None):
        if fullname != "triton.knobs":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module
        folder = self.folder

        def exec_then_hook(module):
            exec_module(module)
            _set_hook(folder, module)

        spec.loader.exec_module = exec_then_hook
        return spec


def _set_hook(folder: str, knobs_module: Any = None) -> None:
    if knobs_module is None:
        import triton.knobs as knobs_module
    runtime = knobs_module.runtime
    previous = runtime.jit_post_compile_hook
    path = Path(folder) / f"{os.getpid()}.jsonl"

    def record(*, key, repr, fn, compile, is_manual_warmup, already_compiled):
        try:
            line = json.dumps(describe(fn, compile))
        except Exception as exc:  # noqa: BLE001 - never break the program being captured
            line = json.dumps({"qualname": getattr(fn, "name", "?"),
                               "unsupported": f"{type(exc).__name__}: {exc}"})
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
        if previous is not None:
            return previous(key=key, repr=repr, fn=fn, compile=compile,
                            is_manual_warmup=is_manual_warmup, already_compiled=already_compiled)
        return None

    runtime.jit_post_compile_hook = record


def _dtype_literal(value: Any) -> str | None:
    import triton.language as tl

    if not isinstance(value, tl.dtype):
        return None
    names = sorted(a for a in dir(tl) if isinstance(getattr(tl, a, None), tl.dtype)
                   and getattr(tl, a) == value)
    return f"tl.{names[0]}" if names else None


def _chosen_options(compile: dict, target: dict) -> dict:
    """The launch options that differ from the capturing backend's defaults: those the program
    chose, so that other targets keep their own defaults (num_warps 4 on GPUs, 1 on cpu)."""
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend

    defaults = make_backend(GPUTarget(**target)).parse_options({})
    return {k: compile[k] for k in ("num_warps", "num_stages", "num_ctas")
            if k in compile and compile[k] != getattr(defaults, k, None)}


def describe(fn: Any, compile: dict) -> dict:
    """One record: the kernel, its specialization in signature notation, options, target."""
    jit = fn.jit_function
    target = dict(json.loads(compile["specialization_data"])["target"])
    record = {"module": fn.module, "qualname": fn.name, "file": jit.fn.__code__.co_filename,
              "options": _chosen_options(compile, target), "target": target}
    if "<locals>" in fn.name:
        record["unsupported"] = "the kernel is defined inside a function: it cannot be imported"
        return record
    signature, constants, attrs = compile["signature"], compile["constants"], compile["configs"][0]
    items = []
    for index, name in enumerate(jit.arg_names):
        ty = signature[name]
        if isinstance(ty, tuple):
            record["unsupported"] = f"argument {name} is a tuple"
            return record
        if ty == "constexpr":
            value = constants.get((index,))
            literal = _dtype_literal(value)
            if literal is None:
                try:
                    literal = format_value(value)
                except Exception:  # noqa: BLE001
                    record["unsupported"] = f"constexpr {name}={value!r} has no notation"
                    return record
            items.append(literal)
        elif ty.startswith("tensordesc"):
            record["unsupported"] = f"argument {name} is a tensor descriptor"
            return record
        else:
            hinted = ["tt.divisibility", 16] in attrs.get((index,), [])
            items.append(f"{ty}:16" if hinted else ty)
    record["signature"] = ", ".join(items)
    return record


# ------------------------------------------------------------------------------------------
# In `flagtree compile`
# ------------------------------------------------------------------------------------------


def _reference(record: dict, base: Path) -> str:
    """`package.module:kernel` for kernels in packages, else `path/to/file.py:kernel`
    (relative to the manifest's folder when below it)."""
    file = Path(record["file"])
    if record["module"] != "__main__" and (file.parent / "__init__.py").exists():
        return f"{record['module']}:{record['qualname']}"
    try:
        path = os.path.relpath(file, base)
    except ValueError:
        path = str(file)
    return f"{path}:{record['qualname']}"


def _target_name(target: dict) -> str:
    if target.get("backend") == "cpu":
        return "cpu"
    return f"{target['backend']}:{target['arch']}"


def manifest_from_records(records: list[dict], base: Path, command: list[str]) -> tuple[str, int,
                                                                                       list[str]]:
    """(manifest text, number of specializations, notes on what could not be recorded)."""
    from flagtree.aot.manifest import dump_manifest

    tables: dict[tuple, dict] = {}
    targets: list[str] = []
    notes: list[str] = []
    seen = set()
    for record in records:
        if "unsupported" in record:
            notes.append(f"{record.get('qualname', '?')}: {record['unsupported']}")
            continue
        ref = _reference(record, base)
        options = record["options"]
        identity = (ref, record["signature"], json.dumps(options, sort_keys=True))
        if identity in seen:
            continue
        seen.add(identity)
        target = _target_name(record["target"])
        if target not in targets:
            targets.append(target)
        table = tables.setdefault((ref, identity[2]), {"source": ref, "signatures": [],
                                                       "options": options})
        table["signatures"].append(record["signature"])
    comment = ("Recorded by `flagtree compile --capture` from: " + shlex.join(command) +
               "\nRecompile with: flagtree compile THIS.toml --out DIR [--target ...]")
    return dump_manifest(list(tables.values()), targets, comment), len(seen), notes


def run_capture(command: list[str], manifest: str | os.PathLike) -> tuple[int, int]:
    """Run `command` with recording on; write `manifest`; (exit status, specializations)."""
    from flagtree.utils import atomic_write_text

    manifest = Path(manifest)
    with tempfile.TemporaryDirectory(prefix="flagtree-capture-") as folder:
        env = dict(os.environ)
        env["FLAGTREE_AOT_CAPTURE"] = folder
        env["PYTHONPATH"] = os.pathsep.join([str(_SITE)] + [p for p in
                                            env.get("PYTHONPATH", "").split(os.pathsep) if p])
        try:
            status = subprocess.run(command, env=env, check=False).returncode
        except OSError as exc:
            from flagtree.aot.errors import ManifestError

            raise ManifestError(f"cannot run {shlex.join(command)}: {exc}") from None
        records = []
        for path in sorted(Path(folder).glob("*.jsonl")):
            records += [json.loads(line) for line in path.read_text().splitlines() if line]
    base = manifest.parent.resolve()
    text, count, notes = manifest_from_records(records, base, command)
    for note in notes:
        print(f"flagtree compile --capture: not recorded: {note}", file=sys.stderr)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(manifest, text)
    return status, count
