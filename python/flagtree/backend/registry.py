"""Installed backends: the built-in cpu, nvidia and amd, and vendor plugins found by entry point.

Loading is guarded: a plugin that fails to import, load or validate is one warning naming it.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from flagtree.backend.interface import ENTRY_POINT_GROUP, Backend, Target, problems

# Built-in backends, in listing order: name -> "module:attribute" of the Backend subclass.
BUILTINS = {
    "cpu": "flagtree.backends.cpu.compiler:CPU",
    "nvidia": "flagtree.backend.builtin:Nvidia",
    "amd": "flagtree.backend.builtin:Amd",
}

# The `triton.backends` entry point value a plugin uses so Triton reaches it through flagtree.
SHIM_PREFIX = "flagtree.backend.triton_shim."


class FlagtreePluginWarning(UserWarning):
    """A backend plugin could not be loaded; it is disabled and everything else keeps working."""


class BackendError(RuntimeError):
    """An unknown, disabled or unusable backend was asked for; the message lists what is installed."""


@dataclass
class BackendRecord:
    """One installed backend as flagtree sees it: usable (`backend`) or disabled (`error`)."""

    name: str
    origin: str  # "built-in" or "plugin"
    package: str  # the distribution providing it, "name version"
    backend: Backend | None = None
    error: str | None = None
    entry_point: str = ""

    @property
    def ok(self) -> bool:
        return self.backend is not None

    @property
    def runnable(self) -> bool:
        """Whether kernels can run here now (False for disabled backends)."""
        return self.ok and _safe_runnable(self.backend)

    @property
    def targets(self) -> tuple[Target, ...]:
        return tuple(self.backend.targets) if self.ok else ()

    @property
    def status(self) -> str:
        if not self.ok:
            return "disabled"
        return "runnable" if self.runnable else "compile-only"

    def describe(self) -> str:
        """One phrase for error messages: `cpu (runnable: cpu:x86_64)`."""
        if not self.ok:
            return f"{self.name} (disabled: {self.error})"
        return f"{self.name} ({self.status}: {', '.join(map(str, self.targets))})"


def _safe_runnable(backend: Backend) -> bool:
    try:
        return bool(backend.is_runnable())
    except Exception as exc:  # noqa: BLE001 - a backend that cannot tell is not runnable
        if backend.name not in _unsure:
            _unsure.add(backend.name)
            warnings.warn(f"flagtree: backend '{backend.name}': is_runnable() raised "
                          f"{type(exc).__name__}: {exc}; treated as compile-only",
                          FlagtreePluginWarning, stacklevel=3)
        return False


_unsure: set[str] = set()  # backends whose is_runnable() raised (warned about once)


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------

_records: dict[str, BackendRecord] = {}  # every backend loaded so far, by name
_complete = False  # True once the built-ins and every entry point were loaded
_plugin_conflicts: set[str] = set()  # plugins named like a built-in, warned about once
_duplicates: set[tuple[str, str]] = set()  # second packages using a plugin's name, warned about


def _instantiate(obj: Any) -> Any:
    """A Backend instance from what an entry point names: a subclass, an instance or a factory."""
    if isinstance(obj, Backend):
        return obj
    if isinstance(obj, type) or callable(obj):
        return obj()
    return obj


def _dist_label(ep: metadata.EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return f"entry point {ep.value}"
    return f"{dist.metadata['Name'] or dist.name} {dist.version}"


def _load(name: str, origin: str, package: str, target: str, loader) -> BackendRecord:
    """Load one backend through `loader()`; every failure becomes the record's `error`."""
    record = BackendRecord(name, origin, package, entry_point=target)
    try:
        obj = loader()
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        record.error = f"import of {target} failed: {type(exc).__name__}: {exc}"
        return record
    try:
        backend = _instantiate(obj)
    except Exception as exc:  # noqa: BLE001
        record.error = f"creating the backend from {target} raised {type(exc).__name__}: {exc}"
        return record
    found = problems(backend)
    declared = getattr(backend, "name", name)
    if not found and declared != name:
        found.append(f"declares name {declared!r} but is registered as {name!r}")
    if found:
        record.error = "; ".join(found)
        return record
    record.backend = backend
    return record


def _load_builtin(name: str) -> BackendRecord:
    target = BUILTINS[name]
    module, attr = target.split(":")
    record = _load(name, "built-in", f"flagtree {_flagtree_version()}", target,
                   lambda: getattr(importlib.import_module(module), attr))
    if record.error:
        warnings.warn(f"flagtree: built-in backend '{name}' is disabled: {record.error}",
                      FlagtreePluginWarning, stacklevel=3)
    return record


def _load_plugin(ep: metadata.EntryPoint) -> BackendRecord:
    package = _dist_label(ep)
    if ep.name in BUILTINS:
        record = BackendRecord(ep.name, "plugin", package, entry_point=ep.value,
                               error=f"the name '{ep.name}' belongs to a built-in backend")
    else:
        record = _load(ep.name, "plugin", package, ep.value, ep.load)
    if record.error:
        _warn_disabled(record)
    return record


def _warn_disabled(record: BackendRecord) -> None:
    warnings.warn(f"flagtree: backend plugin '{record.name}' (package {record.package}) is "
                  f"disabled: {record.error}", FlagtreePluginWarning, stacklevel=4)


def _flagtree_version() -> str:
    import flagtree

    return flagtree.__version__


def _plugin_entry_points() -> list[metadata.EntryPoint]:
    """The `flagtree.backends` entry points, one per name (the first on sys.path wins; each
    other package using the name is warned about once)."""
    seen: dict[str, metadata.EntryPoint] = {}
    for ep in metadata.entry_points().select(group=ENTRY_POINT_GROUP):
        first = seen.setdefault(ep.name, ep)
        if first is not ep and first.value != ep.value and (ep.name, ep.value) not in _duplicates:
            _duplicates.add((ep.name, ep.value))
            warnings.warn(f"flagtree: backend plugin '{ep.name}' (package {_dist_label(ep)}) is "
                          f"ignored: package {_dist_label(first)} provides a backend of that name",
                          FlagtreePluginWarning, stacklevel=3)
    return [seen[name] for name in sorted(seen)]


def plugin_record(name: str) -> BackendRecord:
    """Load plugin `name` alone (Triton's discovery does this through the shim); cached."""
    if name not in _records:
        ep = next((e for e in _plugin_entry_points() if e.name == name), None)
        if ep is None:
            record = BackendRecord(name, "plugin", "?", error=(
                f"no '{ENTRY_POINT_GROUP}' entry point named '{name}' is installed"))
            _warn_disabled(record)
        else:
            record = _load_plugin(ep)
        _records[name] = record
    return _records[name]


def records() -> dict[str, BackendRecord]:
    """Every installed backend by name (disabled ones included): built-ins first, then plugins
    by name. Loads whatever is not loaded yet; each broken plugin warns once per process."""
    global _complete
    if _complete:
        return dict(_records)
    # Triton first: its discovery imports the plugins through the shim, and a plugin imported
    # by flagtree first would import Triton, whose discovery would re-enter the plugin.
    import triton  # noqa: F401

    for name in BUILTINS:
        if name not in _records:
            _records[name] = _load_builtin(name)
    for ep in _plugin_entry_points():
        if ep.name in BUILTINS:
            if ep.name not in _plugin_conflicts:
                _plugin_conflicts.add(ep.name)
                _load_plugin(ep)
            continue
        plugin_record(ep.name)
    _check_triton_registration()
    ordered = {n: _records[n] for n in BUILTINS}
    ordered.update({n: r for n, r in sorted(_records.items()) if n not in BUILTINS})
    _records.clear()
    _records.update(ordered)
    _complete = True
    return dict(_records)



def _check_triton_registration() -> None:
    """A usable plugin without a `triton.backends` entry point cannot compile: disable it."""
    triton_backends = getattr(sys.modules.get("triton.backends"), "backends", None)
    if triton_backends is None:
        return
    for record in _records.values():
        if record.origin == "plugin" and record.ok and record.name not in triton_backends:
            record.backend = None
            record.error = (f"no 'triton.backends' entry point '{record.name} = "
                            f"{SHIM_PREFIX}{record.name}': Triton cannot compile for it")
            _warn_disabled(record)


def reset() -> None:
    """Forget every loaded backend (tests): the next `records()` discovers again."""
    global _complete
    _records.clear()
    _plugin_conflicts.clear()
    _duplicates.clear()
    _complete = False


# ----------------------------------------------------------------------------------------------
# Queries
# ----------------------------------------------------------------------------------------------


def list_backends() -> list[BackendRecord]:
    """Installed backends: built-in cpu, nvidia, amd, then plugins (disabled ones included)."""
    return list(records().values())


def installed_summary() -> str:
    """`cpu (runnable: cpu:x86_64), nvidia (compile-only: cuda:80, ...), ...` for messages."""
    return ", ".join(r.describe() for r in records().values()) or "none"


def get_backend(name: str) -> Backend:
    """The usable backend `name`; BackendError listing what is installed otherwise."""
    record = records().get(name)
    if record is None:
        raise BackendError(f"unknown backend {name!r}; installed: {installed_summary()}")
    if not record.ok:
        raise BackendError(f"backend {name!r} is disabled ({record.error}); installed: "
                           f"{installed_summary()}")
    return record.backend


def record_for(name: str) -> BackendRecord:
    """The record of `name` (usable or disabled); BackendError if nothing by that name exists."""
    record = records().get(name)
    if record is None:
        raise BackendError(f"unknown backend {name!r}; installed: {installed_summary()}")
    return record
