"""MLIR contexts that know flagtree's dialects, and TTIR text in and out of them.

`make_context()` is the one place a context is set up; parsing reports MLIR diagnostics.
"""

from __future__ import annotations

from mlir import ir

# Import order matters: `mlir.ir` loads libMLIRPythonCAPI.so, which the extension
# links against; loading it first keeps a single copy of MLIR in the process.
from flagtree import _flagtree_mlir

_DIALECT_PREFIX = "flagtree.mlir.dialects"
_prefix_registered = False


def _register_dialect_search_prefix() -> None:
    """Let contexts find flagtree's generated op classes (`flagtree.mlir.dialects.tt`)."""
    global _prefix_registered
    if not _prefix_registered:
        from mlir._mlir_libs import _mlir

        _mlir.globals.append_dialect_search_prefix(_DIALECT_PREFIX)
        _prefix_registered = True


def make_context() -> ir.Context:
    """A new context with every upstream dialect and flagtree's `tt` dialect loaded."""
    _register_dialect_search_prefix()
    context = ir.Context()
    _flagtree_mlir.register_dialects(context)
    return context


def parse_module(text: str, context: ir.Context) -> ir.Module:
    """Parse (and verify) MLIR text; raises `mlir.ir.MLIRError` with diagnostics on failure.

    Locations without a `loc(...)` of their own name the buffer "-", as in mlir-opt on stdin.
    """
    with context:
        return ir.Module.parse(text)


def print_module(module: ir.Module, *, debug_info: bool = True) -> str:
    """Print a module the way Triton prints TTIR: locations as aliases, SSA names from them."""
    return module.operation.get_asm(enable_debug_info=debug_info, use_name_loc_as_prefix=True)
