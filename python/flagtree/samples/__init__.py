"""Sample Triton kernels (vector add, fused softmax, matmul) that flagtree's main job compiles.

`python -m flagtree.samples OUTDIR` turns each into TTIR and runs it through flagtree's MLIR.
"""
