"""Triton drivers for backends that cannot run here: report a target, refuse to load or launch.

Selecting a compile-only backend (nvidia/amd without a GPU) lets the JIT compile for its default
target (`kernel.warmup(...)`); a launch raises BackendError naming the runnable backends.
"""

from __future__ import annotations

from typing import Any

from triton.backends.driver import DriverBase

from flagtree.backend.interface import Backend


def _refusal(name: str) -> str:
    from flagtree.backend import registry

    backend = registry.get_backend(name)
    runnable = [r.name for r in registry.list_backends() if r.runnable] or ["none"]
    return (f"backend '{name}' can only compile on this machine (no device to run on); compile "
            f"offline with triton.compile(src, target={backend.default_target.gpu_target()!r}) "
            f"or select a runnable backend: {', '.join(runnable)}")


class _Refuse:
    """Stands in for the launcher and the binary loader: any use raises BackendError."""

    def __init__(self, backend_name: str) -> None:
        self._name = backend_name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from flagtree.backend.registry import BackendError

        raise BackendError(_refusal(self._name))


class _Utils:
    """`driver.active.utils` of a compile-only backend: device properties for the compiler only."""

    def __init__(self, backend_name: str) -> None:
        self.load_binary = _Refuse(backend_name)

    @staticmethod
    def get_device_properties(device: Any = None) -> dict:
        return {"max_shared_mem": 0, "multiprocessor_count": 1, "warpSize": 1, "max_num_regs": 0}

    @staticmethod
    def unload_module(handle: Any) -> None:
        pass


class CompileOnlyDriver(DriverBase):
    """A compile-only backend as Triton's active driver: its default target, a device of its own,
    stream 0; `launcher_cls` and `utils.load_binary` raise BackendError. `backend_name` is set
    per backend by `driver_class_for`."""

    backend_name = ""

    def __init__(self) -> None:
        super().__init__()
        self.utils = _Utils(self.backend_name)
        self.launcher_cls = _Refuse(self.backend_name)

    @classmethod
    def is_active(cls) -> bool:
        from flagtree.backend.selection import driver_is_active

        return bool(cls.backend_name) and driver_is_active(cls.backend_name)

    def get_current_target(self):
        from flagtree.backend import registry

        return registry.get_backend(self.backend_name).default_target.gpu_target()

    def get_current_device(self) -> tuple:
        # Not 0: Triton's JIT keys its per-device caches (target included) by this value, and
        # device 0 of the runnable driver used before must not lend this backend its target.
        return ("flagtree-compile-only", self.backend_name)

    def set_current_device(self, device: Any) -> None:
        pass

    def get_current_stream(self, device: Any = None) -> int:
        return 0

    def get_active_torch_device(self):
        import torch

        return torch.device("cpu")

    def map_python_to_cpp_type(self, ty: str) -> str:
        return ty

    def get_benchmarker(self):
        return _Refuse(self.backend_name)

    def get_device_interface(self):
        import torch

        return torch.cpu


def driver_class_for(backend: Backend) -> type[CompileOnlyDriver]:
    """A CompileOnlyDriver subclass bound to `backend` (Triton instantiates drivers bare)."""
    return type(f"{backend.name.capitalize()}CompileOnlyDriver", (CompileOnlyDriver,),
                {"backend_name": backend.name, "__module__": __name__})
