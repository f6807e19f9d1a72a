"""Nova's Triton compiler: the cpu reference stages (ttir -> linalg -> llmlir) for target
`nova_npu`, running NovaBackend's pipeline (its passes at their anchors).
"""

from __future__ import annotations

import functools
from pathlib import Path

from flagtree.backends.cpu.compiler import CPUBackend
from flagtree.utils import sources_digest
from triton.backends.compiler import GPUTarget


@functools.lru_cache(None)
def _package_key() -> str:
    """Changes with this package's sources: part of Triton's cache key for nova kernels."""
    return sources_digest(sorted(Path(__file__).parent.rglob("*.py")))


class NovaCompiler(CPUBackend):
    """Compiles Triton kernels for Nova targets (nova_npu) through flagtree's shared pipeline."""

    @staticmethod
    def supports_target(target: GPUTarget) -> bool:
        return target.backend == "nova_npu"

    def hash(self) -> str:
        return f"nova-{_package_key()}-{super().hash()}"

    def flagtree_backend(self):
        from nova_flagtree import NovaBackend

        return NovaBackend.instance()
