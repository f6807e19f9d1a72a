"""One compile job of `flagtree compile`: a kernel specialization for one target -> an archive
entry (its manifest record and files). Runs in a worker process; never raises.

GPU binaries come from Triton's own `triton.compile` (offline, no GPU); cpu entries also get a
native `.so` (flagtree.aot.native). What @jit would compile for the same call is derived from
@jit itself (its `jit_cache_hook`), so the entry can serve @jit calls later (flagtree.aot.cache).
"""

from __future__ import annotations

import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flagtree.aot.errors import AOTError
from flagtree.aot.signature import Signature, parse_signature
from flagtree.aot.targets import Target


@dataclass(frozen=True)
class Job:
    """What one worker compiles. `ref` is the reference as the user wrote it; `import_ref` the
    one the worker imports (file paths made absolute)."""

    ref: str
    import_ref: str
    kernel: str
    signature: str
    target: dict
    fixed: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    grid: str | None = None
    key: str = ""

    @property
    def target_name(self) -> str:
        return Target.from_json(self.target).name

    @property
    def label(self) -> str:
        fixed = "".join(f", {k}={v}" for k, v in self.fixed.items())
        options = "".join(f", {k}={v}" for k, v in self.options.items())
        return f"{self.kernel}[{self.signature}{fixed}{options}] for {self.target_name}"


def symbol_for(kernel: str, signature: Signature, options: dict, target: Target) -> str:
    """A C identifier unique to the specialization and target: `<kernel>_<hash8>`."""
    text = json.dumps([signature.text, options, target.name], sort_keys=True, default=str)
    return f"{kernel}_{hashlib.sha256(text.encode()).hexdigest()[:8]}"


class _FakePointer:
    """Stands for a tensor argument when asking @jit how it would specialize a call."""

    def __init__(self, dtype: Any, address: int) -> None:
        self.dtype = dtype
        self._address = address

    def data_ptr(self) -> int:
        return self._address


def _fake_argument(param) -> Any:
    import triton.language as tl

    ty, aligned = param.type, param.hint == 16
    if ty.startswith("*k"):
        return None  # @jit never makes const pointers from a call
    if ty.startswith("*"):
        try:
            element = tl.dtype(ty[1:])
        except (AssertionError, ValueError, TypeError):
            return None
        return _FakePointer(element, 4096 if aligned else 4104)
    base = {"i32": 4096, "i64": 1 << 40, "u64": 1 << 63}.get(ty)
    if base is not None:
        return base if aligned else base + 1
    if aligned:
        return None
    return {"i1": True, "fp32": 1.5}.get(ty)


def jit_inputs(fn: Any, signature: Signature, options: dict) -> tuple[dict, dict, dict] | None:
    """(signature, constexprs, attrs) exactly as @jit builds them for a call matching
    `signature`, found by asking @jit (its `jit_cache_hook` stops before compiling); None
    when no Python call specializes that way (e.g. fp16 scalars)."""
    import triton

    kwargs: dict[str, Any] = {}
    for p in signature.params:
        if p.is_constexpr:
            value = p.value
            kwargs[p.name] = value.to_triton() if hasattr(value, "to_triton") else value
        else:
            value = _fake_argument(p)
            if value is None:
                return None
            kwargs[p.name] = value
    seen: dict = {}

    def hook(*, compile, **_):
        seen.update(compile)
        return True  # do not compile

    knobs = triton.knobs.runtime
    previous = knobs.jit_cache_hook
    knobs.jit_cache_hook = hook
    try:
        fn.run(grid=(1,), warmup=True, **kwargs, **options)
    except Exception:  # noqa: BLE001 - a call @jit refuses: compile from the notation instead
        return None
    finally:
        knobs.jit_cache_hook = previous
    if not seen:
        return None
    expected, constexprs, _ = signature.ast_inputs()
    if seen["signature"] != expected:
        return None
    by_index = {fn.arg_names[k[0]]: v for k, v in seen["constants"].items() if len(k) == 1}
    if set(by_index) != set(constexprs):
        return None
    return seen["signature"], seen["constants"], seen["configs"][0]


def jit_options(fn: Any, backend: Any, options: dict) -> dict:
    """The options @jit passes to `triton.compile` for a launch with `options`: its own
    defaults added, parsed by the target's backend (as @jit parses them for its device)."""
    import triton

    raw = dict(options)
    raw["debug"] = raw.get("debug", fn.debug) or triton.knobs.runtime.debug
    for name in ("instrumentation_mode", "fpsan_homomorphic_casts"):
        if hasattr(triton.knobs.compilation, name):
            raw[name] = getattr(triton.knobs.compilation, name)
    return dict(backend.parse_options(raw).__dict__)


def _launch_metadata(metadata: dict) -> dict:
    keys = ("num_warps", "num_ctas", "num_stages", "shared", "warp_size", "global_scratch_size",
            "global_scratch_align", "profile_scratch_size", "tmem_size", "launch_cooperative_grid",
            "launch_pdl")
    return {k: metadata[k] for k in keys if k in metadata}


def build(job: Job) -> dict:
    """Compile `job`; returns {"entry", "files": {path: bytes}} (ok) or {"error"}, with
    "seconds". Never raises: a failure is reported, the other jobs go on."""
    start = time.perf_counter()
    try:
        result = _build(job)
    except AOTError as exc:
        result = {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001 - Triton/flagtree compile errors, reported per job
        result = {"error": _describe_failure(exc)}
    result["seconds"] = time.perf_counter() - start
    return result


def _describe_failure(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    if type(exc).__name__ in ("CompilationError", "BuildError"):
        return text
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {text}{where}"


def _build(job: Job) -> dict:
    import triton
    from triton.compiler import ASTSource, make_backend

    import flagtree
    from flagtree.aot import cgen, native
    from flagtree.aot.kernels import resolve, unwrap

    fn, _ = unwrap(resolve(job.import_ref), job.ref)
    signature = parse_signature(job.signature, fn.arg_names, kernel=job.kernel,
                                constexpr_names=[fn.arg_names[i] for i in fn.constexprs],
                                fixed=job.fixed)
    target = Target.from_json(job.target)
    backend = make_backend(target.gpu_target())
    derived = jit_inputs(fn, signature, job.options)
    src = ASTSource(fn, *(derived or signature.ast_inputs()))
    compiled = triton.compile(src, target=target.gpu_target(),
                              options=jit_options(fn, backend, job.options))
    metadata_path = next(p for name, p in compiled.metadata_group.items()
                         if name.endswith(".json"))
    metadata_text = Path(metadata_path).read_text()
    metadata = json.loads(metadata_text)
    binary = compiled.asm[backend.binary_ext]
    if isinstance(binary, str):
        binary = binary.encode()

    symbol = symbol_for(job.kernel, signature, {**job.fixed, **job.options}, target)
    folder = f"kernels/{job.kernel}/{target.slug}"
    entry = {
        "symbol": symbol,
        "kernel": job.kernel,
        "triton_name": compiled.name,
        "source": job.ref,
        "source_hash": fn.cache_key,
        "signature": signature.text,
        "params": signature.to_json(),
        "options": dict(job.options),
        "grid": job.grid,
        "target": target.to_json(),
        "target_name": target.name,
        "launch": _launch_metadata(metadata),
        "versions": {"flagtree": flagtree.__version__, "triton": triton.__version__},
        "triton_hash": metadata["hash"] if derived is not None else None,
        "build_key": job.key,
        "notes": [],
    }
    files: dict[str, bytes] = {f"{folder}/{symbol}.json": metadata_text.encode()}
    entry["files"] = {"metadata": f"{folder}/{symbol}.json"}
    header_path = f"include/{target.slug}/{symbol}.h"
    source_path = f"src/{target.slug}/{symbol}.c"
    if target.backend == "cpu":
        entry["versions"].update(native.tool_versions())
        entry["versions"]["opt_level"] = metadata.get("opt_level", 2)
        llmlir_path = f"{folder}/{symbol}.{backend.binary_ext}"
        so_path = f"{folder}/{symbol}.so"
        entry["files"].update(binary=so_path, jit_binary=llmlir_path, header=header_path,
                              c_source=source_path)
        header, source = cgen.cpu_launcher(entry, signature)
        files[llmlir_path] = binary
        files[so_path] = native.build_shared_object(job.kernel, binary.decode(), source, target,
                                                    entry["versions"]["opt_level"])
        files[header_path] = header.encode()
        files[source_path] = source.encode()
    else:
        binary_path = f"{folder}/{symbol}.{backend.binary_ext}"
        entry["files"].update(binary=binary_path, jit_binary=binary_path)
        files[binary_path] = binary
        try:
            header, source = cgen.gpu_launcher(entry, signature, binary, metadata)
        except ValueError as exc:
            entry["notes"].append(f"no C launcher: {exc}")
        else:
            entry["files"].update(header=header_path, c_source=source_path)
            files[header_path] = header.encode()
            files[source_path] = source.encode()
    return {"entry": entry, "files": files}
