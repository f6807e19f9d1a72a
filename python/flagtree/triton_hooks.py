"""Extensions flagtree installs into upstream Triton through public hooks, never by editing it.

`install()` runs when Triton's backend discovery imports flagtree's cpu backend (so plain
`import triton` code gets them whenever flagtree is installed) and on `import flagtree`:
- language extensions (block pointers, old API names, `triton.language.extra.cpu`) are applied
  to `triton.language` right after it is imported, by a `sys.meta_path` finder that reports
  every `triton` module as it loads (flagtree's module aliases use it too);
- flagtree's shared TTIR passes join Triton's own GPU pipelines through
  `triton.knobs.runtime.add_stages_inspection_hook` (see flagtree.gpu_stages).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys
import warnings

# Modules with an `install(tl)` function, applied to `triton.language` once it is imported.
LANGUAGE_EXTENSIONS = (
    "flagtree.language_extra",
    "flagtree.compat.block_ptr",
    "flagtree.compat.drift",
    "flagtree.compat.flaggems",
)

_installed = False
_language_done = False


def _apply_language_extensions(tl) -> None:
    global _language_done
    if _language_done:
        return
    _language_done = True
    for name in LANGUAGE_EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        try:
            module.install(tl)
        except Exception as exc:  # noqa: BLE001 - an extension must never break `import triton`
            warnings.warn(f"flagtree: language extension {name} failed to install: {exc!r}",
                          stacklevel=2)


_import_callbacks: list = []
_pending: dict[str, list] = {}  # module name -> patches to run once it has loaded


def on_triton_import(callback) -> None:
    """Call `callback(name, module)` right after each `triton` module is imported from now on."""
    _import_callbacks.append(callback)


def after_import(name: str, patch) -> None:
    """Run `patch(module)` on module `name` (any package) now if it is loaded, else once, right
    after it has been imported."""
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
        return
    _pending.setdefault(name, []).append(patch)
    _ensure_watcher()


def _after_import(name: str, module) -> None:
    if name == "triton" or name.startswith("triton."):
        for callback in _import_callbacks:
            callback(name, module)
    for patch in _pending.pop(name, ()):
        patch(module)
    if name == "triton.language":
        _apply_language_extensions(module)
    elif name == "triton.knobs":
        _install_gpu_stages()


class _ImportWatcher(importlib.abc.MetaPathFinder):
    """Finds `triton` modules, and modules with pending patches, with the other finders and
    reports each one once it has loaded."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _pending and fullname != "triton" and not fullname.startswith("triton."):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        exec_module = loader.exec_module

        def exec_then_report(module):
            exec_module(module)
            _after_import(fullname, module)

        loader.exec_module = exec_then_report
        return spec


def _ensure_watcher() -> None:
    if not any(isinstance(f, _ImportWatcher) for f in sys.meta_path):
        sys.meta_path.insert(0, _ImportWatcher())


def install() -> None:
    """Install every hook once; safe to call from any import order."""
    global _installed
    if _installed:
        return
    _installed = True
    _ensure_watcher()
    tl = sys.modules.get("triton.language")
    if tl is not None and hasattr(tl, "core"):
        _apply_language_extensions(tl)
    if "triton.knobs" in sys.modules:
        _install_gpu_stages()
    # else: installed when triton.knobs loads, so `import flagtree` alone stays light.


def _install_gpu_stages() -> None:
    from flagtree import gpu_stages, knobs

    gpu_stages.install()
    # FLAGTREE_AOT_ARCHIVES: @jit launches look in those archives first (flagtree.aot.cache),
    # unless the user chose a cache manager of their own.
    if knobs.aot.archives and not os.environ.get("TRITON_CACHE_MANAGER"):
        import triton.knobs

        from flagtree.aot.cache import ArchiveCacheManager

        triton.knobs.cache.manager_class = ArchiveCacheManager
