"""What FlagGems (5.0.x) needs to run unchanged on flagtree's cpu backend, without editing it.

Each patch runs right after its FlagGems module is imported (a post-import hook); docs/flaggems.md.

FlagGems picks its vendor from `GEMS_VENDOR` (values of its `vendors` enum), torch attributes,
then shell probes, and raises "No device were detected" on a machine without an accelerator.
It ships a CPU vendor, `arm` (device name `cpu`), that 5.0.x leaves out of the enum. This module:

- adds `ARM` to FlagGems' `vendors` enum (value 15, as FlagGems 5.3 numbers it), so
  `GEMS_VENDOR=arm` is accepted; the shell probe of that vendor (`cat /proc/cpuinfo`, true on any
  Linux machine) is kept out of FlagGems' device probing, so a GPU machine still finds its GPU;
- answers FlagGems' reserved "vendor from the library" query (`_get_vendor_from_lib`) with `arm`
  when Triton's active driver is flagtree's cpu driver, and runs FlagGems' generic ops there
  (not the 5.0.x `arm` template's demo `add`/`gelu`);
- gives FlagGems, as its device module (the role `torch.cuda` plays), `torch.cpu` completed with
  what FlagGems calls on it and torch lacks: the `device(...)` context manager, device
  properties and capability, and `default_generators` holding a Philox (seed, offset) state;
- makes FlagGems' `LibEntry` pass constexpr arguments to compiled kernels on Triton >= 3.7.
"""

from __future__ import annotations

import enum
import os
import platform
import struct
import sys
import threading
from typing import Any

# FlagGems' CPU vendor (runtime/backend/_arm) and the enum value FlagGems 5.3 gives it.
CPU_VENDOR = "arm"
_CPU_VENDOR_VALUE = 15


def install(tl) -> None:
    """Patch each FlagGems module below now if it is loaded, else right after it is imported."""
    del tl  # FlagGems needs nothing added to `triton.language` beyond flagtree.language_extra.
    from flagtree.triton_hooks import after_import

    for name, patch in _PATCHES.items():
        after_import(name, lambda module, name=name, patch=patch: _apply(name, patch, module))


def _apply(name: str, patch, module) -> None:
    if name not in _applied:
        _applied.add(name)
        patch(module)


# ----------------------------------------------------------------------------------------------
# Patching FlagGems' runtime
# ----------------------------------------------------------------------------------------------


def _patch_device_detection(device: Any) -> None:
    """Runs once FlagGems' device module is loaded: its vendor enum, backend helpers and
    `DeviceDetector` all exist then, and the detector has not run yet."""
    common = sys.modules.get("flag_gems.runtime.common")
    backend = sys.modules.get("flag_gems.runtime.backend")
    if common is None or backend is None:
        return  # A FlagGems layout this module does not know: leave it alone.
    vendors = getattr(common, "vendors", None)
    detector = getattr(device, "DeviceDetector", None)
    if not isinstance(vendors, enum.EnumMeta) or detector is None:
        return
    if getattr(detector, "_instance", None) is not None:
        return  # FlagGems already chose its device.
    if CPU_VENDOR.upper() not in vendors.__members__:
        _add_enum_member(vendors, CPU_VENDOR.upper(), _CPU_VENDOR_VALUE)
        _hide_from_probing(backend, CPU_VENDOR)
        _use_generic_ops(backend, CPU_VENDOR)
    _answer_vendor_query(detector, backend)
    _complete_device_module(backend)


def _patch_launch_convention(libentry: Any) -> None:
    """FlagGems' `LibEntry` launches its cached compiled kernels itself, passing constexpr
    arguments only on Triton 3.3-3.6 (the launch convention since 3.3) and runtime arguments
    only otherwise (3.0-3.2's). Triton 3.7-3.9 kept 3.3's convention, so on them FlagGems 5.0.x
    passes too few arguments; make `LibEntry` treat them as 3.6."""
    major = getattr(libentry, "major_version", None)
    minor = getattr(libentry, "minor_version", None)
    if major == 3 and isinstance(minor, int) and minor > 6:
        libentry.minor_version = 6


def _add_enum_member(cls: enum.EnumMeta, name: str, value: int) -> None:
    """Add member `name` to the enum class `cls` (the next free value if `value` is taken)."""
    if value in cls._value2member_map_:
        value = max(member.value for member in cls) + 1
    member = object.__new__(cls)
    member._name_ = name
    member._value_ = value
    member.__objclass__ = cls
    member._sort_order_ = len(cls._member_names_)
    cls._member_names_.append(name)
    cls._member_map_[name] = member
    cls._value2member_map_[value] = member
    type.__setattr__(cls, name, member)


def _hide_from_probing(backend: Any, vendor_name: str) -> None:
    """Leave `vendor_name` out of FlagGems' shell probing (its probe succeeds on any machine)."""
    get_vendor_infos = backend.get_vendor_infos

    def vendor_infos_without_cpu():
        return [info for info in get_vendor_infos() if info.vendor_name != vendor_name]

    backend.get_vendor_infos = vendor_infos_without_cpu


def _use_generic_ops(backend: Any, vendor_name: str) -> None:
    """Run FlagGems' own (generic) ops on the CPU vendor. FlagGems 5.0.x's `arm` vendor is a
    template: it replaces `add` and `gelu` with demo kernels (no broadcasting, no half-precision
    `erf`, a print on every call) and so unregisters `add` and `cos` from torch."""
    get_customized_ops, get_unused_ops = backend.get_customized_ops, backend.get_unused_ops

    def customized_ops(name=None):
        return [] if name == vendor_name else get_customized_ops(name)

    def unused_ops(name=None):
        return [] if name == vendor_name else get_unused_ops(name)

    backend.get_customized_ops, backend.get_unused_ops = customized_ops, unused_ops


def _answer_vendor_query(detector: type, backend: Any) -> None:
    """FlagGems asks `_get_vendor_from_lib` after `GEMS_VENDOR` and torch's device modules, before
    probing with shell commands; it expects an exception when the library has no answer."""
    previous = detector._get_vendor_from_lib

    def get_vendor_from_lib(self):
        if flagtree_cpu_is_active():
            return backend.get_vendor_info(CPU_VENDOR)
        return previous(self)

    detector._get_vendor_from_lib = get_vendor_from_lib


def flagtree_cpu_is_active() -> bool:
    """Whether Triton's active driver is flagtree's cpu driver (no other driver claims the host)."""
    try:
        from triton.runtime import driver

        return driver.active.get_current_target().backend == "cpu"
    except (ImportError, RuntimeError):  # No active driver, or several: FlagGems probes itself.
        return False


def _complete_device_module(backend: Any) -> None:
    """Make FlagGems' device module for device `cpu` a `CpuDeviceModule` instead of `torch.cpu`."""
    generate = backend.gen_torch_device_object

    def gen_torch_device_object(vendor_name=None):
        module = generate(vendor_name)
        if getattr(module, "__name__", "") == "torch.cpu":  # Not yet replaced by the one below.
            module = CpuDeviceModule()
            backend.torch_device_object = module
        return module

    backend.gen_torch_device_object = gen_torch_device_object


# ----------------------------------------------------------------------------------------------
# The CPU device module FlagGems uses in the role of `torch.cuda`
# ----------------------------------------------------------------------------------------------


class CurrentDevice(str):
    """The current device as FlagGems uses `torch.cuda.current_device()`: both as an index
    (`kernel_cache[device]`, so it is 0) and as a tensor's `device=` (so it reads "cpu")."""

    def __index__(self) -> int:
        return 0


class DeviceContext:
    """`with device_module.device(d):` on the one CPU device: checks `d` and changes nothing."""

    def __init__(self, device: Any = None) -> None:
        kind = getattr(device, "type", device)
        if isinstance(kind, str):
            kind = kind.partition(":")[0]
        if kind not in (None, "cpu", 0, -1):
            raise ValueError(f"FlagGems on flagtree's cpu backend: {device!r} is not the CPU")
        self.device = device

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


class DeviceProperties:
    """What `torch.cuda.get_device_properties` answers, for the host: FlagGems reads
    `multi_processor_count` (programs run in parallel), `L2_cache_size` and `total_memory`."""

    def __init__(self) -> None:
        self.name = platform.processor() or platform.machine()
        self.multi_processor_count = len(os.sched_getaffinity(0))
        self.L2_cache_size = _sysconf("SC_LEVEL2_CACHE_SIZE") or (1 << 20)
        self.total_memory = _sysconf("SC_PHYS_PAGES") * _sysconf("SC_PAGE_SIZE")
        self.major, self.minor = 0, 0
        self.warp_size = 1

    def __repr__(self) -> str:
        return f"DeviceProperties(name={self.name!r}, cores={self.multi_processor_count})"


def _sysconf(name: str) -> int:
    try:
        return max(int(os.sysconf(name)), 0)
    except (ValueError, OSError):
        return 0


class PhiloxGenerator:
    """The Philox state FlagGems' random kernels read and advance: (seed, offset), 16 bytes.

    FlagGems reads it as CUDA's generator state (two int64: seed, offset) and writes it back with
    the offset advanced. The seed comes from torch's CPU generator: whenever that generator moved
    since the state was last written (`torch.manual_seed`, or torch drew numbers), a new seed is
    drawn from it and the offset restarts at 0, so results follow `torch.manual_seed`. It uses no
    torch op FlagGems overrides (this runs inside FlagGems' own ops, with FlagGems registered).
    """

    def __init__(self) -> None:
        import torch

        self.device = torch.device("cpu")
        self._state: tuple[int, int] | None = None
        self._source: bytes | None = None
        self._lock = threading.RLock()

    @staticmethod
    def _torch_generator_state() -> bytes:
        import torch

        return torch.default_generator.get_state().numpy().tobytes()

    def _current(self) -> tuple[int, int]:
        import torch

        if self._state is None or self._torch_generator_state() != self._source:
            # Drawing moves torch's generator, so the next `manual_seed` is seen as a change.
            seed = int(torch.empty((), dtype=torch.int64).random_(0, 2**62))
            self._remember((seed, 0))
        return self._state

    def _remember(self, state: tuple[int, int]) -> None:
        self._state = state
        self._source = self._torch_generator_state()

    def get_state(self):
        import torch

        with self._lock:
            packed = bytearray(struct.pack("<qq", *self._current()))
        return torch.frombuffer(packed, dtype=torch.uint8)

    def set_state(self, state) -> None:
        import torch

        if not isinstance(state, torch.Tensor) or state.dtype != torch.uint8 or state.numel() != 16:
            raise ValueError("a Philox state is a uint8 tensor of 16 bytes (seed and offset as "
                             f"two int64), got {state!r:.80}")
        seed, offset = struct.unpack("<qq", state.contiguous().numpy().tobytes())
        with self._lock:
            self._remember((seed, offset))

    def manual_seed(self, seed: int) -> PhiloxGenerator:
        with self._lock:
            self._remember((int(seed), 0))
        return self

    def initial_seed(self) -> int:
        with self._lock:
            return self._current()[0]

    def get_offset(self) -> int:
        with self._lock:
            return self._current()[1]


class DefaultGenerators(dict):
    """`default_generators[device]` for the one CPU device, by index, name or `torch.device`."""

    def __init__(self) -> None:
        super().__init__()
        self._generator: PhiloxGenerator | None = None

    def __missing__(self, key: Any) -> PhiloxGenerator:
        if getattr(key, "type", key) not in (0, -1, "cpu"):
            raise KeyError(key)
        if self._generator is None:
            self._generator = PhiloxGenerator()
        return self._generator

    def __len__(self) -> int:
        return 1

    def __iter__(self):
        return iter((self[0], ))


class CpuDeviceModule:
    """`torch.cpu` with what FlagGems calls on its device module and torch 2.x's CPU module lacks;
    every other attribute is `torch.cpu`'s."""

    __name__ = "flagtree.compat.flaggems.CpuDeviceModule"

    def __init__(self) -> None:
        self.default_generators = DefaultGenerators()
        self._properties: DeviceProperties | None = None

    device = DeviceContext
    _DeviceGuard = DeviceContext

    def current_device(self) -> CurrentDevice:
        return CurrentDevice("cpu")

    def get_device_properties(self, device: Any = None) -> DeviceProperties:
        if self._properties is None:
            self._properties = DeviceProperties()
        return self._properties

    def get_device_capability(self, device: Any = None) -> tuple[int, int]:
        """(0, 0): no GPU architecture, so FlagGems takes none of its Hopper/Ampere-only paths."""
        return (0, 0)

    def get_device_name(self, device: Any = None) -> str:
        return "cpu"

    def mem_get_info(self, device: Any = None) -> tuple[int, int]:
        page = _sysconf("SC_PAGE_SIZE")
        return _sysconf("SC_AVPHYS_PAGES") * page, _sysconf("SC_PHYS_PAGES") * page

    def __getattr__(self, name: str) -> Any:
        import torch

        return getattr(torch.cpu, name)


# The FlagGems module after whose import each patch runs.
_PATCHES = {
    "flag_gems.runtime.backend.device": _patch_device_detection,
    "flag_gems.utils.libentry": _patch_launch_convention,
}
_applied: set[str] = set()
