"""Triton 3.1-3.8 API spellings that Triton 3.9 removed or renamed, run on Triton 3.9.

`install(tl)` is applied by flagtree.triton_hooks right after `triton.language` is imported; the
rows of flagtree.compat.drift_table say what each old spelling becomes (docs/compat.md).
"""

from __future__ import annotations

from flagtree.compat.drift_table import DriftWarning

__all__ = ["DriftWarning", "install"]


def install(tl) -> None:
    """Give the old spellings their Triton 3.9 equivalents (idempotent)."""
    # Imported here: they import `triton.language`, which is what runs this hook.
    from flagtree.compat import drift_language, drift_runtime

    drift_language.install(tl)
    drift_runtime.install()
