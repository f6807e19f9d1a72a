"""The nvidia and amd backends: Triton's own GPU compilers and drivers, declared to flagtree.

They take over at TTIR (flagtree's shared TTIR passes join their pipelines via gpu_stages).
"""

from __future__ import annotations

from flagtree.backend.capabilities import KNOWN_FEATURES, Capabilities, DotCapability
from flagtree.backend.interface import Backend, IRLevel, Target

_INTS = ("i1", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64")
_FLOATS = ("fp16", "bf16", "fp32", "fp64")


def _gpu_capabilities(fp8: tuple[str, ...], dot_pairs: tuple[tuple[str, str], ...]) -> Capabilities:
    return Capabilities(
        dtypes=frozenset(_INTS + _FLOATS + fp8),
        atomics=frozenset({"add", "max", "min", "and", "or", "xor", "xchg", "cas"}),
        atomic_dtypes=frozenset({"i32", "i64", "u32", "u64", "fp16", "bf16", "fp32", "fp64"}),
        # Triton's min_dot_size: K >= 16 for 16-bit operands, 32 for 8-bit ones; the
        # declaration takes the stricter bound.
        dot=DotCapability(dtypes=frozenset(dot_pairs), min_shape=(1, 1, 32)),
        max_block_elements=1 << 20,  # Triton's TRITON_MAX_TENSOR_NUMEL
        # What tt-apply-hints maps for Triton's GPU pipelines (docs/hints.md).
        hints=frozenset({"unroll", "num_stages", "nontemporal", "evict_first", "evict_last"}),
        features=frozenset(KNOWN_FEATURES) - {"dot_scaled"},
    )


_DOTS = (("fp16", "fp32"), ("fp16", "fp16"), ("bf16", "fp32"), ("fp32", "fp32"), ("i8", "i32"),
         ("fp64", "fp64"))


class Nvidia(Backend):
    """NVIDIA GPUs through Triton's own `nvidia` backend (PTX -> cubin with ptxas)."""

    name = "nvidia"
    interface_version = 1
    description = "NVIDIA GPUs: Triton's nvidia compiler and driver (cubin)"
    targets = (Target("cuda", 90, 32), Target("cuda", 80, 32), Target("cuda", 100, 32))
    capabilities = _gpu_capabilities(("fp8e5", "fp8e4nv"),
                                     _DOTS + (("fp8e5", "fp32"), ("fp8e4nv", "fp32")))
    ir_level = IRLevel.TTIR
    binary_ext = "cubin"
    torch_device_type = "cuda"

    def compiler_class(self):
        from triton.backends.nvidia.compiler import CUDABackend

        return CUDABackend

    def driver_class(self):
        from triton.backends.nvidia.driver import CudaDriver

        return CudaDriver

    def is_runnable(self) -> bool:
        try:
            return bool(self.driver_class().is_active())
        except Exception:  # noqa: BLE001 - no CUDA runtime: compile-only
            return False


class Amd(Backend):
    """AMD GPUs through Triton's own `amd` backend (AMDGCN -> hsaco with lld)."""

    name = "amd"
    interface_version = 1
    description = "AMD GPUs: Triton's amd compiler and driver (hsaco)"
    targets = (Target("hip", "gfx942", 64), Target("hip", "gfx90a", 64),
               Target("hip", "gfx950", 64))
    capabilities = _gpu_capabilities(("fp8e5", "fp8e4nv", "fp8e4b8", "fp8e5b16"),
                                     _DOTS + (("fp8e5", "fp32"), ("fp8e4nv", "fp32")))
    ir_level = IRLevel.TTIR
    binary_ext = "hsaco"
    torch_device_type = "cuda"  # ROCm builds of torch call HIP devices "cuda"

    def compiler_class(self):
        from triton.backends.amd.compiler import HIPBackend

        return HIPBackend

    def driver_class(self):
        from triton.backends.amd.driver import HIPDriver

        return HIPDriver

    def is_runnable(self) -> bool:
        try:
            return bool(self.driver_class().is_active())
        except Exception:  # noqa: BLE001 - no HIP runtime: compile-only
            return False
