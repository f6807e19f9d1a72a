"""Shim so the ODS-generated `_tt_ops_gen.py` resolves its helpers in upstream MLIR.

mlir-tblgen emits `from ._ods_common import ...`; the helpers live in `mlir.dialects`.
"""

from mlir.dialects._ods_common import *  # noqa: F401,F403
from mlir.dialects._ods_common import _cext  # noqa: F401
