"""Entry point of the `tt-to-linalg` pass: translate, parse back, replace the module body.

Unsupported ops raise `LoweringError` naming the op and its source location.
"""

from __future__ import annotations

from mlir import ir

# Importing the op modules registers their lowerings.
from flagtree.mlir.passes.tt_to_linalg import (  # noqa: F401
    lower_debug,
    lower_dot,
    lower_elementwise,
    lower_memory,
    lower_reductions,
    lower_shapes,
)
from flagtree.mlir.passes.tt_to_linalg.translator import Translator
from flagtree.mlir.passes.tt_to_linalg.types import LoweringError

ARGUMENT = "tt-to-linalg"
SUMMARY = "Lower tt kernels to func/tensor/linalg/scf with LLVM pointers (backend-neutral)."
OPTIONS: dict[str, str] = {}


def run(op: ir.Operation) -> None:
    """Replace the body of module `op` with its lowering."""
    translator = Translator()
    text = translator.module(_ModuleView(op))
    try:
        lowered = ir.Module.parse(text, context=op.context)
    except ir.MLIRError as exc:  # a lowering bug: keep the text for the report
        raise LoweringError(f"internal error: lowered IR does not verify: {exc}\n{text}") from exc
    body = op.regions[0].blocks[0]
    for old in list(body.operations):
        old.operation.erase()
    for new in list(lowered.body.operations):
        body.append(new.operation)


class _ModuleView:
    """Adapter so Translator.module can walk a builtin.module operation."""

    def __init__(self, op: ir.Operation) -> None:
        self.body = op.regions[0].blocks[0]
