"""flagtree's side of MLIR 22: contexts with the `tt` dialect, parsing and printing TTIR.

Everything here runs on the upstream MLIR Python bindings (`mlir.ir`) plus flagtree's extension.
"""

from flagtree.mlir.context import make_context, parse_module, print_module

__all__ = ["make_context", "parse_module", "print_module"]
