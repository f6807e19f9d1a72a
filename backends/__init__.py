"""flagtree's backends, installed as `flagtree.backends`: the built-in ones (cpu, ...) and the
list of every installed backend (`list_backends()`: built-in, Triton's nvidia/amd, plugins).

Each built-in backend follows Triton's split: `compiler.py` (a BaseBackend) and `driver.py` (a
DriverBase). Triton's own `triton.backends` names (`backends`, `BaseBackend`, `DriverBase`,
`GPUTarget`, ...) resolve here too, to the same objects.
"""

from __future__ import annotations

import sys
from typing import Any

from flagtree import triton_hooks


def list_backends():
    """Installed backends (flagtree.backend.BackendRecord): name, targets, runnable here or
    compile-only, package; broken plugins are listed as disabled with the reason."""
    from flagtree.backend.registry import list_backends as _list

    return _list()


def get_backend(name: str):
    """The usable backend `name` (flagtree.backend.Backend); BackendError listing what is
    installed otherwise."""
    from flagtree.backend.registry import get_backend as _get

    return _get(name)


def _apply_selection(name: str, module: Any) -> None:
    """Once Triton's driver registry exists, point it at FLAGTREE_BACKEND (if set)."""
    global _selection_applied
    runtime_driver = sys.modules.get("triton.runtime.driver")
    if _selection_applied or getattr(runtime_driver, "driver", None) is None:
        return
    _selection_applied = True
    from flagtree.backend import selection

    selection.install()


_selection_applied = False
# This package is imported during Triton's discovery, while `triton.runtime.driver` (which
# started it) is half-loaded: the selection applies after the next Triton module loads.
_apply_selection("", None)
if not _selection_applied:
    triton_hooks.on_triton_import(_apply_selection)


def __getattr__(name: str) -> Any:
    # Imported lazily: this package is imported during Triton's own backend discovery, before
    # `triton.backends` has finished loading.
    if name.startswith("__"):
        raise AttributeError(name)
    import triton.backends

    try:
        return getattr(triton.backends, name)
    except AttributeError:
        raise AttributeError(f"module 'flagtree.backends' has no attribute {name!r}") from None
