"""How the API-drift shims attach to Triton's modules without editing them.

PEP 562 module `__getattr__`s for aliases and refused names, and one `sys.meta_path` finder that
patches modules loaded later and refuses removed modules and `from package import name`s.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Callable

from flagtree.compat.drift_table import BY_NAME, warn_once


class ImportGuard(importlib.abc.MetaPathFinder):
    """Runs `patches[name](module)` once `name` has loaded, and fails imports of `refused` names
    (removed modules, or removed attributes of packages met by `from package import name`) with
    the row's reason."""

    def __init__(self) -> None:
        self.patches: dict[str, Callable] = {}
        self.refused: dict[str, str] = {}

    def find_spec(self, fullname, path, target=None):
        message = self.refused.get(fullname)
        if message is not None:
            # Not ModuleNotFoundError(name=fullname): `from package import name` would swallow
            # that and report a bare "cannot import name".
            raise ImportError(message)
        patch = self.patches.pop(fullname, None)
        if patch is None:
            return None
        spec = importlib.util.find_spec(fullname)  # This finder no longer answers for it.
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_patch(module):
            exec_module(module)
            patch(module)

        spec.loader.exec_module = exec_then_patch
        return spec


def guard() -> ImportGuard:
    """The process's ImportGuard, first on `sys.meta_path`."""
    for finder in sys.meta_path:
        if isinstance(finder, ImportGuard):
            return finder
    finder = ImportGuard()
    sys.meta_path.insert(0, finder)
    return finder


def after_import(name: str, patch: Callable) -> None:
    """Run `patch(module)` on module `name` now if it is loaded, else right after it loads."""
    if name in sys.modules:
        patch(sys.modules[name])
    else:
        guard().patches[name] = patch


def module_getattr(module, aliases: dict, refused: dict, fallback: Callable | None = None):
    """Give `module` a PEP 562 `__getattr__`: `aliases[name]()` returns the 3.9 object (after
    warning); a name in `refused` (name -> (row, spelling)) raises AttributeError with the row's
    reason, so `hasattr` probes still see it missing. Names Triton defines are never reached."""
    previous = module.__dict__.get("__getattr__")
    if getattr(previous, "__flagtree_drift__", False):
        previous.aliases.update(aliases)
        previous.refused.update(refused)
    else:
        def __getattr__(name):
            if name in __getattr__.aliases:
                return __getattr__.aliases[name]()
            if name in __getattr__.refused:
                row, spelled = __getattr__.refused[name]
                raise AttributeError(row.message(spelled))
            if previous is not None:
                return previous(name)
            if fallback is not None:
                return fallback(name)
            raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

        __getattr__.aliases = dict(aliases)
        __getattr__.refused = dict(refused)
        __getattr__.__flagtree_drift__ = True
        module.__getattr__ = __getattr__
    if hasattr(module, "__path__"):
        finder = guard()
        for name, (row, spelled) in refused.items():
            finder.refused[f"{module.__name__}.{name}"] = row.message(spelled)


def alias(row_name: str, old: str, new: str, get: Callable) -> Callable:
    """A lazy alias for `module_getattr`: warns once that `old` is now `new`, returns `get()`."""
    row = BY_NAME[row_name]

    def resolve():
        warn_once(row, old, new, stacklevel=4)
        return get()

    return resolve


def refusals(row_name: str, prefix: str, names: str) -> dict:
    """`module_getattr`'s `refused` entries for the space-separated `names` of one row."""
    row = BY_NAME[row_name]
    return {name: (row, f"{prefix}{name}") for name in names.split()}
