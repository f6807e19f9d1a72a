"""How the API-drift shims attach to Triton's modules without editing them.

PEP 562 module `__getattr__`s for aliases and refused names, and one `sys.meta_path` finder that
refuses removed modules and `from package import name`s (flagtree.triton_hooks.after_import
patches modules loaded later).
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Callable

from flagtree.compat.drift_table import BY_NAME, warn_once


class ImportGuard(importlib.abc.MetaPathFinder):
    """Fails imports of `refused` names (removed modules, or removed attributes of packages met
    by `from package import name`) with the row's reason."""

    def __init__(self) -> None:
        self.refused: dict[str, str] = {}

    def find_spec(self, fullname, path, target=None):
        message = self.refused.get(fullname)
        if message is not None:
            # Not ModuleNotFoundError(name=fullname): `from package import name` would swallow
            # that and report a bare "cannot import name".
            raise ImportError(message)


def guard() -> ImportGuard:
    """The process's ImportGuard, first on `sys.meta_path`."""
    for finder in sys.meta_path:
        if isinstance(finder, ImportGuard):
            return finder
    finder = ImportGuard()
    sys.meta_path.insert(0, finder)
    return finder


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
