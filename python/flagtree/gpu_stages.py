"""Triton's own nvidia and amd pipelines, with flagtree's shared TTIR passes put in front.

Uses Triton's public hook `knobs.runtime.add_stages_inspection_hook`; a hook already set by
the user keeps running after flagtree's, and both take part in Triton's cache key.
"""

from __future__ import annotations

import functools
from pathlib import Path

from flagtree.utils import sources_digest

# Triton backend name (GPUTarget.backend) -> flagtree's name for it.
WRAPPED = {"cuda": "nvidia", "hip": "amd"}

_previous = None


@functools.cache
def _sources_hash() -> str:
    """A hash of what flagtree adds to the GPU pipelines' input: the shared TTIR phase and the
    language extensions (block pointers, old APIs) that shape the TTIR. A change recompiles."""
    here = Path(__file__).parent
    files = [here / "shared_ttir.py", here / "hints.py", here / "language_extra.py",
             here / "mlir" / "pipeline.py", here / "mlir" / "passes" / "tt_apply_hints.py",
             *sorted((here / "compat").glob("*.py"))]
    return sources_digest(files)


def _hook(backend=None, stages=None, options=None, language=None, capability=None):
    """Triton calls this with no arguments for a cache key, and from `add_stages`."""
    if backend is None:
        # Called on every kernel launch: keep it cheap (the hash is computed once).
        key = f"flagtree-shared-ttir-{_sources_hash()}"
        if _previous is not None:
            prev_key, prev_hash = _previous()
            return key + prev_key, f"{key}-{prev_hash}"
        return key, key
    name = WRAPPED.get(backend.target.backend)
    if name is not None and "ttir" in stages:
        make_ttir = stages["ttir"]

        def ttir(src, metadata):
            from flagtree.shared_ttir import apply_to_triton_module

            return make_ttir(apply_to_triton_module(src, name), metadata)

        stages["ttir"] = ttir
    if _previous is not None:
        _previous(backend, stages, options, language, capability)


def install() -> None:
    """Set the stages hook (once), chaining a hook that was already there."""
    global _previous
    import triton.knobs as tk

    current = tk.runtime.add_stages_inspection_hook
    if current is _hook:
        return
    _previous = current
    tk.runtime.add_stages_inspection_hook = _hook
