"""Small helpers shared by the `tt-to-linalg` lowering modules.
Zero constants, result binding and axis attributes.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.translator import Translator


def _zero(t: str) -> str:
    if t.startswith("f") or t.startswith("bf"):
        return "0.000000e+00"
    return "0"


def _bind(tr: Translator, op: ir.Operation, name: str, index: int = 0) -> None:
    tr.e.bind(op.results[index], name)


def axis_index(op: ir.Operation) -> int:
    return int(str(op.attributes["axis"]).split(":")[0])
