"""Helpers for a backend's Triton stages: run flagtree's TTIR anchor on Triton's own module.

For compilers that keep Triton's TTIR passes (the cpu backend, vendors taking over at TTIR).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flagtree.backend.interface import Backend


def ttir_anchor(mod: Any, backend: Backend, errors: Callable[[str], Any]) -> Any:
    """Triton module `mod` after flagtree's TTIR phase for `backend` (kernel hints, then the
    backend's passes at anchor `ttir`), as a module in `mod`'s context. Skipped (returns `mod`)
    when the kernel has no hints and the backend inserts nothing at `ttir`. `errors(kernel)`
    is the context manager that turns a StageError into the backend's compilation error."""
    from flagtree.shared_ttir import apply_to_triton_module

    return apply_to_triton_module(mod, backend, only_if_needed=True, errors=errors)
