"""Manifests: TOML files listing kernels x specializations x targets for `flagtree compile`.

    targets = ["cpu", "cuda:90"]          # default for every kernel below
    [[kernel]]
    source = "kernels.py:add_kernel"      # or "package.module:add_kernel"; paths are relative
    signatures = ["*fp32:16, *fp32:16, *fp32:16, i32, 1024"]   # or signature = "..."
    num_warps = 4                         # launch options (see kernels.OPTION_NAMES)
    targets = ["hip:gfx942"]              # optional, replaces the default
    grid = "n_elements / 1024, 1, 1"      # optional grid rule for the C launchers

`--capture` writes one with `dump_manifest`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import tomllib

from flagtree.aot.batch import Request
from flagtree.aot.errors import AOTError, ManifestError
from flagtree.aot.kernels import OPTION_NAMES, absolute_reference
from flagtree.aot.targets import Target, parse_targets

_KERNEL_KEYS = {"source", "signature", "signatures", "targets", "grid", *OPTION_NAMES}


def _targets(value: Any, where: str) -> tuple[Target, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"{where}: targets must be a list of target names")
    try:
        return tuple(parse_targets(",".join(value)))
    except AOTError as exc:
        raise ManifestError(f"{where}: {exc}") from None


def load_manifest(path: str | Path, targets: list[Target] | None = None) -> list[Request]:
    """The requests of manifest `path`; `targets` (from --target) replace the file's targets."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read it: {exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"targets", "kernel"})
    if unknown:
        raise ManifestError(f"{path}: unknown top-level key(s) {', '.join(unknown)} "
                            "(expected targets and [[kernel]] tables)")
    default = _targets(data["targets"], f"{path}: targets") if "targets" in data else None
    kernels = data.get("kernel", [])
    if not isinstance(kernels, list) or not kernels:
        raise ManifestError(f"{path}: no [[kernel]] tables")
    requests = []
    for index, table in enumerate(kernels):
        where = f"{path}: kernel {index + 1}"
        if not isinstance(table, dict) or not isinstance(table.get("source"), str):
            raise ManifestError(f"{where}: needs source = \"FILE.py:KERNEL\" or "
                                "\"package.module:KERNEL\"")
        where = f"{path}: kernel {table['source']}"
        unknown = sorted(set(table) - _KERNEL_KEYS)
        if unknown:
            raise ManifestError(f"{where}: unknown key(s) {', '.join(unknown)} (known: "
                                f"{', '.join(sorted(_KERNEL_KEYS))})")
        signatures = table.get("signatures", [])
        if "signature" in table:
            signatures = [table["signature"], *signatures]
        if not signatures or not all(isinstance(s, str) for s in signatures):
            raise ManifestError(f"{where}: needs signature = \"...\" or signatures = [...]")
        kernel_targets = targets or (_targets(table["targets"], where) if "targets" in table
                                     else default)
        if not kernel_targets:
            raise ManifestError(f"{where}: no targets (set targets = [...] or pass --target)")
        grid = table.get("grid")
        if grid is not None and not isinstance(grid, str):
            raise ManifestError(f"{where}: grid must be a string such as \"n / 1024, 1, 1\"")
        options = {k: v for k, v in table.items() if k in OPTION_NAMES}
        import_ref = absolute_reference(table["source"], path.parent.resolve())
        for signature in signatures:
            requests.append(Request(table["source"], import_ref, signature,
                                    tuple(kernel_targets), options, grid))
    return requests


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {value!r} to TOML")


def dump_manifest(kernels: list[dict], targets: list[str], comment: str = "") -> str:
    """TOML text for `kernels` ({source, signatures, options...}) and default `targets`."""
    lines = [f"# {line}" for line in comment.splitlines()]
    lines.append(f"targets = {_toml_value(targets)}")
    for kernel in kernels:
        lines += ["", "[[kernel]]", f"source = {_toml_value(kernel['source'])}"]
        lines.append("signatures = [")
        lines += [f"  {_toml_value(s)}," for s in kernel["signatures"]]
        lines.append("]")
        for name in OPTION_NAMES:
            if name in kernel.get("options", {}):
                lines.append(f"{name} = {_toml_value(kernel['options'][name])}")
    return "\n".join(lines) + "\n"
