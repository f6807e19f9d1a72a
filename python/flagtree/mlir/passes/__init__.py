"""flagtree's shared passes over the `tt` dialect, written in Python on the MLIR bindings.

One pass per module; `registry.PASSES` maps each pass argument to its entry point.
"""

from flagtree.mlir.passes.registry import PASSES, PassInfo, add_pass

__all__ = ["PASSES", "PassInfo", "add_pass"]
