"""The `tt-strip-debug-ops` pass: removes device-side debugging ops from TTIR.

Drops `tt.print` and (unless `keep-asserts=true`) `tt.assert`, as a release build wants.
"""

from __future__ import annotations

from mlir import ir

ARGUMENT = "tt-strip-debug-ops"
SUMMARY = "Remove tt.print and tt.assert (device-side debugging) from kernels."
OPTIONS = {"keep-asserts": "keep tt.assert ops (true/false, default false)"}

_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off"}


def _as_bool(name: str, value: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ValueError(f"option '{name}' takes true or false, got '{value}'")


def run(op: ir.Operation, **options: str) -> None:
    """Erase the debugging ops nested in `op` (a module)."""
    keep_asserts = _as_bool("keep-asserts", options.get("keep-asserts", "false"))
    doomed = {"tt.print"} if keep_asserts else {"tt.print", "tt.assert"}
    found: list[ir.Operation] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name in doomed:
            found.append(nested)
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    for nested in found:
        nested.erase()
