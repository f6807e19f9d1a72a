"""Python op classes of flagtree's dialects, generated from ODS at build time.

MLIR finds them through the dialect search prefix `flagtree.mlir.dialects`.
"""
