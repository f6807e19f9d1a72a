"""Triton's door to flagtree's plugin backends: `flagtree.backend.triton_shim.<name>` modules.

A plugin's `triton.backends` entry point names `flagtree.backend.triton_shim.<name>`; Triton then
imports `<that>.compiler` and `<that>.driver`, which this module makes up on the fly: each holds
exactly one concrete Triton class — the plugin's, or an inert stand-in when the plugin is broken
(so a broken plugin is one warning, never a failure of `import triton`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any

# This module is a package of made-up submodules: Python looks them up with the finder below.
__path__: list[str] = []

_KINDS = ("compiler", "driver")


def compiler_class(name: str) -> type:
    """The `BaseBackend` subclass Triton sees for plugin `name`."""
    from flagtree.backend import registry

    record = registry.plugin_record(name)
    if record.ok:
        return record.backend.compiler_class()
    return _disabled_compiler(name, record.error)


def driver_class(name: str) -> type:
    """The `DriverBase` subclass Triton sees for plugin `name`: the plugin's driver made to
    follow flagtree's selection, a compile-only driver, or an inert one if it is disabled."""
    from flagtree.backend import registry

    record = registry.plugin_record(name)
    if not record.ok:
        return _disabled_driver(name)
    driver = record.backend.driver_class()
    if driver is None:
        from flagtree.backend.compile_only import driver_class_for

        return driver_class_for(record.backend)
    return _selected_driver(name, driver)


def _selected_driver(name: str, driver: type) -> type:
    def is_active(cls) -> bool:
        from flagtree.backend.selection import driver_is_active

        return driver_is_active(name)

    return type(driver.__name__, (driver,), {"is_active": classmethod(is_active),
                                             "__module__": driver.__module__,
                                             "__doc__": driver.__doc__})


def _disabled_compiler(name: str, reason: str | None) -> type:
    from triton.backends.compiler import BaseBackend

    def refuse(*args: Any, **kwargs: Any):
        from flagtree.backend.registry import BackendError

        raise BackendError(f"backend plugin '{name}' is disabled: {reason}")

    methods = {m: refuse for m in ("hash", "parse_options", "add_stages", "load_dialects",
                                   "get_module_map")}
    methods["supports_target"] = staticmethod(lambda target: False)
    methods["__module__"] = __name__
    return type(f"Disabled_{name}_Backend", (BaseBackend,), methods)


def _disabled_driver(name: str) -> type:
    from triton.backends.driver import DriverBase

    def refuse(*args: Any, **kwargs: Any):
        from flagtree.backend.registry import BackendError

        raise BackendError(f"backend plugin '{name}' is disabled")

    methods = {m: refuse for m in ("map_python_to_cpp_type", "get_current_target",
                                   "get_active_torch_device", "get_benchmarker")}
    methods["is_active"] = classmethod(lambda cls: False)
    methods["__module__"] = __name__
    return type(f"Disabled_{name}_Driver", (DriverBase,), methods)


class _Loader(importlib.abc.Loader):
    """Fills `triton_shim.<name>` (a package) and its `compiler` / `driver` modules."""

    def __init__(self, name: str, kind: str | None) -> None:
        self.name = name
        self.kind = kind

    def create_module(self, spec):
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        if self.kind is None:
            module.__path__ = []
            module.__doc__ = f"Triton's view of flagtree backend plugin '{self.name}'."
            return
        cls = compiler_class(self.name) if self.kind == "compiler" else driver_class(self.name)
        # Triton looks for exactly one concrete subclass among the module's attributes.
        setattr(module, cls.__name__, cls)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds `flagtree.backend.triton_shim.<name>[.compiler|.driver]`, and nothing else."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        prefix = __name__ + "."
        if not fullname.startswith(prefix):
            return None
        parts = fullname[len(prefix):].split(".")
        if len(parts) == 1:
            return importlib.machinery.ModuleSpec(fullname, _Loader(parts[0], None),
                                                  is_package=True)
        if len(parts) == 2 and parts[1] in _KINDS:
            return importlib.machinery.ModuleSpec(fullname, _Loader(parts[0], parts[1]))
        return None


if not any(type(f).__name__ == "_Finder" and type(f).__module__ == __name__
           for f in sys.meta_path):
    sys.meta_path.append(_Finder())
