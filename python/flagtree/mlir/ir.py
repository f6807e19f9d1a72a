"""Re-export of upstream `mlir.ir` under flagtree.mlir, for generated bindings.

mlir-tblgen's enum bindings import `..ir` relative to the dialects package.
"""

from mlir.ir import *  # noqa: F401,F403
from mlir.ir import register_attribute_builder  # noqa: F401
