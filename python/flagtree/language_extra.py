"""`triton.language.extra.cpu`: the libdevice module of the cpu backend, as Triton spells it.

Libraries import `triton.language.extra.<device>.libdevice`; for the cpu device it is the same
set of functions Triton's CUDA libdevice declares, lowered by flagtree's cpu backend.
"""

from __future__ import annotations

import sys
import types


def install(tl) -> None:
    """Register `triton.language.extra.cpu` (and `.libdevice`) as aliases of the cuda module."""
    extra = tl.extra
    if "triton.language.extra.cpu" in sys.modules:
        return
    from triton.language.extra.cuda import libdevice

    package = types.ModuleType("triton.language.extra.cpu", __doc__)
    package.__path__ = []
    package.libdevice = libdevice
    sys.modules["triton.language.extra.cpu"] = package
    sys.modules["triton.language.extra.cpu.libdevice"] = libdevice
    extra.cpu = package
