"""pytest setup for flagtree's Python tests: silence Triton's FP-fusion default warning.

Tests import helpers (`corpus`, `triton_ir`) from this folder.
"""

import os

os.environ.setdefault("TRITON_DEFAULT_FP_FUSION", "1")
