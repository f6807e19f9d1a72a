"""Which backend compiles and runs kernels: FLAGTREE_BACKEND, set_backend / use_backend, or the
default for this machine and the arguments' device; kept in step with Triton's active driver.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from flagtree import knobs
from flagtree.backend import registry
from flagtree.backend.interface import Backend
from flagtree.backend.registry import BackendError

_UNSET = object()
_drivers: dict[str, Any] = {}  # one Triton driver instance per backend selected so far


def selected_name() -> str | None:
    """The backend chosen explicitly (set_backend / use_backend / FLAGTREE_BACKEND), or None."""
    return knobs.backend.name or None


def default_name() -> str:
    """The backend used when none is selected: Triton's TRITON_DEFAULT_BACKEND if set, else a
    GPU Triton can run on (nvidia, amd), else a runnable accelerator plugin, else cpu."""
    if knobs.backend.triton_default:
        return knobs.backend.triton_default
    records = registry.records()
    for name in ("nvidia", "amd"):
        if name in records and records[name].runnable:
            return name
    for record in records.values():
        device = record.backend.torch_device_type if record.ok else None
        if record.origin == "plugin" and device not in (None, "cpu", "cuda") and record.runnable:
            return record.name
    return "cpu"


def current_backend() -> Backend:
    """The backend kernels compile for now: the selected one, else `default_name()`."""
    return registry.get_backend(selected_name() or default_name())


def driver_is_active(name: str) -> bool:
    """`is_active()` of the Triton drivers flagtree owns (cpu, plugins, compile-only): active
    exactly when `name` is the selected backend, or the default when none is. Never raises."""
    try:
        selected = selected_name()
        if selected:
            return selected == name
        return default_name() == name
    except Exception:  # noqa: BLE001 - Triton calls this while choosing a driver
        return False


# ----------------------------------------------------------------------------------------------
# Selecting
# ----------------------------------------------------------------------------------------------


def set_backend(name: str | None) -> Backend | None:
    """Select backend `name` for this process (None: back to FLAGTREE_BACKEND / the default).

    Unknown or disabled names raise BackendError listing the installed backends. A
    compile-only backend may be selected: kernels compile for its default target and a
    launch raises BackendError."""
    if name is None:
        del knobs.backend.name
        _sync_triton()
        return None
    if not isinstance(name, str):
        raise TypeError(f"set_backend: expected a backend name (str), got {name!r}")
    backend = registry.get_backend(name)
    knobs.backend.name = name
    _sync_triton()
    return backend


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[Backend]:
    """`with use_backend("cpu"):` selects `name` inside the block, restores the previous
    selection (and Triton's active driver) after it."""
    saved = knobs.backend.__dict__.get("name", _UNSET)
    backend = set_backend(name)
    try:
        yield backend
    finally:
        if saved is _UNSET:
            del knobs.backend.name
        else:
            knobs.backend.name = saved
        _sync_triton()


def _sync_triton() -> None:
    """Point Triton's active driver at the selected backend (or back to its default)."""
    runtime_driver = sys.modules.get("triton.runtime.driver")
    config = getattr(runtime_driver, "driver", None)
    if config is None:  # Triton not imported yet: its drivers' is_active() will follow knobs
        return
    name = selected_name()
    if name is None:
        with contextlib.suppress(Exception):  # no default driver here: Triton says so on use
            config.reset_active()
        return
    config.set_active(triton_driver(name))


def triton_driver(name: str) -> Any:
    """The Triton driver instance for backend `name` (created once): its own driver when it
    can run here, a compile-only driver otherwise."""
    if name not in _drivers:
        record = registry.record_for(name)
        backend = registry.get_backend(name)
        driver_cls = backend.driver_class() if record.runnable else None
        if driver_cls is None:
            from flagtree.backend.compile_only import driver_class_for

            driver_cls = driver_class_for(backend)
        _drivers[name] = driver_cls()
    return _drivers[name]


def install(tl: Any = None) -> None:
    """Apply FLAGTREE_BACKEND to Triton once `triton.runtime.driver` exists (called from
    flagtree.triton_hooks after `triton.language` loads). An unknown name is reported at the
    first use of the driver, never at import."""
    name = selected_name()
    runtime_driver = sys.modules.get("triton.runtime.driver")
    if not name or runtime_driver is None:
        return
    runtime_driver.driver.set_active(_LazyDriver(name))


class _LazyDriver:
    """Triton's active driver for FLAGTREE_BACKEND, created on first use so that `import triton`
    never fails; an unknown backend raises BackendError (listing the installed ones) there."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(triton_driver(self._name), attr)


# ----------------------------------------------------------------------------------------------
# By the arguments' device
# ----------------------------------------------------------------------------------------------


def _device_types(args: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for arg in args:
        if isinstance(arg, (tuple, list)):
            found += _device_types(arg)
            continue
        base = getattr(arg, "base", None)  # host-side TensorDescriptor
        device = getattr(arg, "device", None) if hasattr(arg, "data_ptr") else None
        if device is None and base is not None and hasattr(base, "data_ptr"):
            device = getattr(base, "device", None)
        kind = getattr(device, "type", None)
        if isinstance(kind, str) and kind not in found:
            found.append(kind)
    return found


def backend_for_arguments(args: Iterable[Any]) -> str | None:
    """The backend a launch with `args` should use: the selected one if any, else the one
    owning the tensors' torch device (cpu -> "cpu", cuda -> nvidia/amd, others -> the plugin
    declaring that `torch_device_type`); None when no argument is a tensor.

    Tensors on two device types raise BackendError, as does a device type no backend declares."""
    selected = selected_name()
    if selected:
        return selected
    kinds = _device_types(args)
    if not kinds:
        return None
    if len(kinds) > 1:
        raise BackendError(f"kernel arguments live on several devices ({', '.join(kinds)}); "
                           "move them to one device or select a backend")
    kind = kinds[0]
    if kind == "cpu":
        return "cpu"
    if kind == "cuda":
        torch = sys.modules.get("torch")
        return "amd" if torch is not None and getattr(torch.version, "hip", None) else "nvidia"
    for record in registry.list_backends():
        if record.ok and record.backend.torch_device_type == kind:
            return record.name
    raise BackendError(f"no backend runs tensors on torch device '{kind}'; installed: "
                       f"{registry.installed_summary()}")
