"""Ahead-of-time compilation: `flagtree compile` builds archives of kernels for many targets;
`load(archive)` runs them with no compiler; `use_archives(...)` lets @jit calls hit them first.

See docs/aot.md. Submodules: signature, targets, kernels, manifest, build, native, cgen, batch,
archive, loader, cache, capture.
"""

from __future__ import annotations

from flagtree.aot.errors import (
    AOTError,
    ArchiveError,
    BuildError,
    ManifestError,
    SignatureError,
    SpecializationError,
    TargetError,
)

__all__ = ["AOTError", "ArchiveError", "BuildError", "ManifestError", "SignatureError",
           "SpecializationError", "TargetError", "load", "use_archives", "verify"]


def load(archive, target=None):
    """Kernels of `archive` for `target` (default: this process's device), by name; see
    flagtree.aot.loader.load."""
    from flagtree.aot.loader import load as _load

    return _load(archive, target)


def use_archives(*archives) -> None:
    """Make @jit calls in this process look up `archives` before compiling; see
    flagtree.aot.cache."""
    from flagtree.aot.cache import use_archives as _use

    _use(*archives)


def verify(archive) -> list[tuple[str, str]]:
    """Every problem of `archive` as (entry or file, what is wrong); empty when it is intact."""
    from flagtree.aot.archive import Archive

    return Archive(archive).verify()
