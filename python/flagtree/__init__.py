"""flagtree: an MLIR-based, multi-backend compiler for Triton kernels.

Kernels go Triton -> TTIR text -> flagtree's MLIR (`flagtree.mlir`) -> shared passes -> backends.
"""

__version__ = "0.1.0"
