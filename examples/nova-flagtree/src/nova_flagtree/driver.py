"""Nova's Triton driver: loads the compiled kernels and launches them (for now on the host,
through the cpu reference's JIT and thread-pool launcher).
"""

from __future__ import annotations

from flagtree.backends.cpu.driver import CPUDriver
from triton.backends.compiler import GPUTarget


class NovaDriver(CPUDriver):
    """Triton's `driver.active` while nova is the selected backend (FLAGTREE_BACKEND=nova)."""

    def get_current_target(self) -> GPUTarget:
        return GPUTarget("nova_npu", "n2", 1)

    def get_current_device(self) -> str:
        # Triton's JIT keeps compiled kernels per device: a device of its own keeps nova's
        # kernels apart from the cpu backend's (device 0) in a process that uses both.
        return "nova:0"

    def set_current_device(self, device) -> None:
        if device not in (0, "nova:0"):
            raise ValueError(f"the nova backend has one device, 'nova:0'; got {device!r}")
