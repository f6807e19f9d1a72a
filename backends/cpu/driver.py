"""The cpu backend's Triton driver: the host as Triton's one device, kernel loading and launching.

Triton reaches it as `triton.runtime.driver.active`; kernels load through `jit.load_kernel` and run
on `flagtree._cpu_launcher`'s thread pool.
"""

from __future__ import annotations

import ctypes
import functools
import operator
import platform
import time
from collections.abc import Callable
from typing import Any, ClassVar

from triton.backends.compiler import GPUTarget
from triton.backends.driver import DriverBase

from flagtree import knobs

# One launcher kind character per scalar type string (pointers, '*...', are 'p').
_KINDS = {
    "i1": "b", "u1": "b",
    "i8": "c", "u8": "c",
    "i16": "s", "u16": "s",
    "i32": "i", "u32": "i",
    "i64": "l", "u64": "l",
    "fp16": "h", "bf16": "H",
    "fp32": "f", "f32": "f",
    "fp64": "d",
}

# The C type of each runtime argument's slot in the kernel ABI.
_CPP_TYPES = {
    "i1": "int8_t", "u1": "uint8_t",
    "i8": "int8_t", "u8": "uint8_t",
    "i16": "int16_t", "u16": "uint16_t",
    "i32": "int32_t", "u32": "uint32_t",
    "i64": "int64_t", "u64": "uint64_t",
    "fp16": "uint16_t", "bf16": "uint16_t",
    "fp32": "float", "f32": "float",
    "fp64": "double",
}

# GPU-only limits, reported so code that compares with or divides by them keeps working; large
# enough that no occupancy or config-pruning heuristic rejects a kernel for them.
_MAX_SHARED_MEM = 1 << 30
_MAX_NUM_REGS = 1 << 30
_MAX_THREADS = 1 << 30

_BENCHMARK_CACHE_BYTES = 32 << 20


def _launcher_module():
    from flagtree import _cpu_launcher

    return _cpu_launcher


def _thread_count() -> int:
    """Threads a launch runs on: the knob, or the launcher's default (CPUs this process may use)."""
    return knobs.cpu.num_threads or _launcher_module().num_threads()


# ----------------------------------------------------------------------------------------------
# Launcher
# ----------------------------------------------------------------------------------------------


def _kind(name: str, ty: str) -> str:
    if ty.startswith("*"):
        return "p"
    if ty.startswith("tensordesc"):
        raise NotImplementedError(
            f"argument {name} ({ty}): tensor descriptors are not supported by the cpu backend")
    try:
        return _KINDS[ty]
    except KeyError:
        raise NotImplementedError(
            f"argument {name}: type {ty!r} is not supported by the cpu backend") from None


def _runtime_arguments(signature: dict) -> tuple[list[tuple[int, ...]], str]:
    """The runtime arguments of `signature` (name -> type, tuples nested): where each sits in the
    launch's arguments (an index path into nested tuples) and the launcher's `kinds` string."""
    paths: list[tuple[int, ...]] = []
    kinds: list[str] = []

    def visit(name: str, ty: Any, path: tuple[int, ...]) -> None:
        if isinstance(ty, tuple):
            for i, inner in enumerate(ty):
                visit(f"{name}[{i}]", inner, path + (i, ))
        elif ty != "constexpr":
            kinds.append(_kind(name, ty))
            paths.append(path)

    for i, (name, ty) in enumerate(signature.items()):
        visit(str(name), ty, (i, ))
    return paths, "".join(kinds)


def _descriptor_expander(signature: dict) -> Callable[[tuple], tuple]:
    """Arguments with each host `TensorDescriptor` replaced by its decomposed fields (as
    Triton's own launchers do for GPUs without descriptor hardware)."""
    from triton.backends.driver import decompose_descriptor, wrap_handle_tensordesc_impl

    def identity(*args):
        return args[-1]

    wrapped = wrap_handle_tensordesc_impl(identity, signature, [],
                                          lambda arg, meta, _: decompose_descriptor(arg))
    if wrapped is identity:
        return lambda args: args
    return lambda args: tuple(wrapped(args))


def _selector(paths: list[tuple[int, ...]]) -> Callable[[tuple], tuple]:
    """A function picking the runtime arguments at `paths` out of a launch's arguments."""
    if all(len(path) == 1 for path in paths):
        indices = [path[0] for path in paths]
        if not indices:
            return lambda args: ()
        if len(indices) == 1:
            only = indices[0]
            return lambda args: (args[only], )
        return operator.itemgetter(*indices)

    def pick(args: tuple) -> tuple:
        return tuple(functools.reduce(operator.getitem, path, args) for path in paths)

    return pick


class CPULauncher:
    """Launches one compiled kernel: Triton's `CompiledKernel.run` calls it with the grid, the
    stream, the loaded entry address, metadata, the launch hooks and every kernel argument
    (constexprs included, tuples unflattened); it passes the runtime ones to the kernel ABI."""

    def __init__(self, src: Any, metadata: Any) -> None:
        from triton.backends.driver import expand_signature

        self.signature = dict(src.signature)
        # Host-side tensor descriptors arrive decomposed (base, shape, strides, flags, ...),
        # the form the kernel takes after Triton's descriptor-to-pointer rewrite.
        expanded = expand_signature(self.signature.values(), None, "")
        paths, self.kinds = _runtime_arguments(dict(enumerate(expanded)))
        self._select = _selector(paths)
        self._launch = _launcher_module().launch
        self._expand = _descriptor_expander(self.signature)

    def __call__(self, gridX, gridY, gridZ, stream, function, kernel_metadata, launch_metadata,
                 launch_enter_hook, launch_exit_hook, *args) -> None:
        if len(args) != len(self.signature):
            raise TypeError(f"kernel takes {len(self.signature)} arguments, got {len(args)}")
        if launch_enter_hook is not None:
            launch_enter_hook(launch_metadata)
        self._launch(function, (gridX, gridY, gridZ), self.kinds, self._select(self._expand(args)),
                     knobs.cpu.num_threads)
        if launch_exit_hook is not None:
            launch_exit_hook(launch_metadata)
        _check_device_asserts(function)


# ----------------------------------------------------------------------------------------------
# Utils
# ----------------------------------------------------------------------------------------------


def _check_device_asserts(function: int) -> None:
    """Raise after a launch in which a `tl.device_assert` failed (the kernel printed which)."""
    from flagtree.backends.cpu.jit import ASSERT_FLAGS

    flag = ASSERT_FLAGS.get(function)
    if flag is None:
        return
    value = ctypes.c_int32.from_address(flag)
    if value.value:
        value.value = 0
        raise AssertionError("device-side assertion failed in a Triton kernel on the CPU "
                             "(the failing programs and elements were printed)")


class DeviceProperties(dict):
    """The host's properties, read as a dict (`props["multiprocessor_count"]`, as Triton does)
    or by attribute (`props.multi_processor_count`, as torch does)."""

    _ALIASES: ClassVar[dict[str, str]] = {"multi_processor_count": "multiprocessor_count",
                                          "warp_size": "warpSize"}

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._ALIASES.get(name, name)]
        except KeyError:
            raise AttributeError(name) from None


class CPUUtils:
    """Triton's `driver.active.utils`: loads kernels and answers device queries."""

    @staticmethod
    def load_binary(name: str, kernel: bytes, shared_mem: int, device: Any):
        """Load `kernel` (the backend's binary); returns what `CompiledKernel._init_handles`
        unpacks: (module handle, entry address, n_regs, n_spills, max threads per program)."""
        from flagtree.backends.cpu.jit import load_kernel

        handle, entry = load_kernel(name, kernel)
        # n_regs is 1, not 0: Triton's tutorials divide by it to estimate occupancy.
        return handle, entry, 1, 0, _MAX_THREADS

    @staticmethod
    def unload_module(handle: Any) -> None:
        """Nothing to do: the handle owns the kernel's code and frees it when collected."""

    @staticmethod
    def get_device_properties(device: Any = None) -> DeviceProperties:
        return DeviceProperties(
            max_shared_mem=_MAX_SHARED_MEM,
            max_num_regs=_MAX_NUM_REGS,
            multiprocessor_count=_thread_count(),
            warpSize=1,
            sm_clock_rate=0,
            mem_clock_rate=0,
            mem_bus_width=0,
            arch=platform.machine(),
        )


# ----------------------------------------------------------------------------------------------
# Device interface
# ----------------------------------------------------------------------------------------------


class TimingEvent:
    """A host-clock stand-in for `torch.cuda.Event`: launches are synchronous, so the time an
    event is recorded is the time everything before it finished."""

    def __init__(self, enable_timing: bool = True, blocking: bool = False,
                 interprocess: bool = False) -> None:
        self._time: float | None = None

    def record(self, stream: Any = None) -> None:
        self._time = time.perf_counter()

    def elapsed_time(self, end: TimingEvent) -> float:
        """Milliseconds from this event to `end`."""
        if self._time is None or end._time is None:
            raise RuntimeError("both events must be recorded before elapsed_time")
        return (end._time - self._time) * 1000.0

    def query(self) -> bool:
        return True

    def synchronize(self) -> None:
        pass

    def wait(self, stream: Any = None) -> None:
        pass


class CPUDeviceInterface:
    """What `driver.active.get_device_interface()` returns, in the role of `torch.cuda`: the host
    is device 0 of 1, work is synchronous; anything else comes from `torch.cpu`."""

    Event = TimingEvent

    @staticmethod
    def synchronize(device: Any = None) -> None:
        pass

    @staticmethod
    def current_device() -> int:
        return 0

    @staticmethod
    def set_device(device: Any) -> None:
        pass

    @staticmethod
    def device_count() -> int:
        return 1

    @staticmethod
    def is_available() -> bool:
        return True

    @staticmethod
    def get_device_properties(device: Any = None) -> DeviceProperties:
        return CPUUtils.get_device_properties(device)

    def __getattr__(self, name: str) -> Any:
        import torch

        return getattr(torch.cpu, name)


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------


class CPUDriver(DriverBase):
    """The host CPU as Triton's device: one device (0), one stream (0), synchronous launches."""

    def __init__(self) -> None:
        super().__init__()
        self.utils = CPUUtils()
        self.launcher_cls = CPULauncher
        self._device_interface = CPUDeviceInterface()

    @staticmethod
    def is_active() -> bool:
        """Active when cpu is the selected backend (FLAGTREE_BACKEND, flagtree.set_backend) or,
        with none selected, the default: no GPU or accelerator here (flagtree.backend.selection)."""
        from flagtree.backend.selection import driver_is_active

        return driver_is_active("cpu")

    def get_current_target(self) -> GPUTarget:
        return GPUTarget("cpu", platform.machine(), 1)

    def get_current_device(self) -> int:
        return 0

    def set_current_device(self, device: Any) -> None:
        if isinstance(device, int) and device != 0:
            raise ValueError(f"the cpu backend has one device, 0; got {device}")

    def get_current_stream(self, device: Any = None) -> int:
        return 0

    def get_active_torch_device(self):
        import torch

        return torch.device("cpu")

    def get_device_interface(self) -> CPUDeviceInterface:
        return self._device_interface

    def map_python_to_cpp_type(self, ty: str) -> str:
        if ty.startswith("*"):
            return "void *"
        try:
            return _CPP_TYPES[ty]
        except KeyError:
            raise NotImplementedError(f"type {ty!r} is not supported by the cpu backend") from None

    def get_benchmarker(self):
        from triton.testing import do_bench

        return do_bench

    def get_empty_cache_for_benchmark(self):
        import torch

        return torch.empty(_BENCHMARK_CACHE_BYTES, dtype=torch.int8)

    def clear_cache(self, cache) -> None:
        cache.zero_()
