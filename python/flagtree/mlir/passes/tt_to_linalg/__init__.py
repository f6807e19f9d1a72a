"""The `tt-to-linalg` pass: TTIR (`tt` dialect) to upstream tensor-level dialects.

Kernels become `func.func`s over tensors, linalg, scf, arith/math and LLVM pointer ops.
"""

from flagtree.mlir.passes.tt_to_linalg.pass_ import ARGUMENT, OPTIONS, SUMMARY, run

__all__ = ["ARGUMENT", "OPTIONS", "SUMMARY", "run"]
