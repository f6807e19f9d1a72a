"""The nova backend for flagtree (Nova NPUs): its declaration, loaded through the
`flagtree.backends` entry point. Made with `flagtree backend new nova`, then changed for Nova.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from flagtree.backend import Target
from flagtree.backends.cpu.compiler import CPU

from nova_flagtree.passes import MUL_TO_SHIFT

__version__ = "0.1.0"

_REFERENCE = CPU.capabilities


class NovaBackend(CPU):
    """Nova: flagtree's shared pipeline and the cpu reference code generation, plus
    `nova-mul-to-shift` at anchor `loops`; Nova has no double-precision unit."""

    name = "nova"
    interface_version = 1
    description = "Nova NPU (cpu reference lowering + nova-mul-to-shift; no fp64)"
    targets = (Target("nova_npu", "n2", 1), )
    # No fp64 anywhere: cases that need it are "unsupported (declared)".
    capabilities = dataclasses.replace(
        _REFERENCE,
        dtypes=_REFERENCE.dtypes - {"fp64"},
        atomic_dtypes=_REFERENCE.atomic_dtypes - {"fp64"},
        dot=dataclasses.replace(_REFERENCE.dot,
                                dtypes=frozenset(p for p in _REFERENCE.dot.dtypes
                                                 if "fp64" not in p)),
    )
    binary_ext = "llmlir"
    torch_device_type = None  # the torch device type of Nova tensors, once there is one
    passes = (MUL_TO_SHIFT, )
    # The reference's insertions, plus ours after its own at `loops`.
    pipeline: ClassVar[dict[str, tuple[str, ...]]] = {**CPU.pipeline, "loops": (*CPU.pipeline.get("loops", ()), MUL_TO_SHIFT.argument)}

    def compiler_class(self):
        from nova_flagtree.compiler import NovaCompiler

        return NovaCompiler

    def driver_class(self):
        from nova_flagtree.driver import NovaDriver

        return NovaDriver

    def is_runnable(self) -> bool:
        return True  # the reference lowering runs on the host
