"""flagtree's shared TTIR phase, run on a Triton module for any backend (cpu, nvidia, amd, ...).

The module travels as text into flagtree's MLIR 22 context, through the passes of anchor `ttir`
(kernel hints first, then the backend's own), and back into Triton's context: one Python pass
serves Triton's own GPU pipelines and flagtree's backends alike.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from typing import Any

from flagtree.compile_errors import stage_errors

_LOC_FILE = re.compile(r'loc\("((?:[^"\\]|\\.)*)":\d+:\d+\)')


def has_hints(text: str) -> bool:
    """Whether any source file named by the locations of TTIR `text` has `#@hint:` comments."""
    from flagtree.hints import hints_in_file

    return any(hints_in_file(name) for name in set(_LOC_FILE.findall(text)))


def _backend(backend: Any):
    if isinstance(backend, str):
        from flagtree.backend.registry import get_backend

        return get_backend(backend)
    return backend


def run_shared_passes(text: str, backend: Any) -> str:
    """TTIR text -> TTIR text after the `ttir` anchor's passes for `backend` (a Backend or its
    name); raises StageError."""
    from flagtree.mlir.context import make_context, parse_module, print_module
    from flagtree.mlir.pipeline import run_pipeline

    module = parse_module(text, make_context())
    run_pipeline(module, _backend(backend), stop="ttir", stage="ttir")
    return print_module(module)


def triton_module(text: str, context: Any) -> Any:
    """TTIR text parsed into Triton's `context` (Triton parses modules from files only)."""
    from triton._C.libtriton import ir as triton_ir

    fd, path = tempfile.mkstemp(suffix=".ttir", prefix="flagtree-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        module = triton_ir.parse_mlir_module(path, context)
    finally:
        os.unlink(path)
    module.context = context
    return module


def apply_to_triton_module(mod: Any, backend: Any, *, only_if_needed: bool = False,
                           errors: Callable[[str], Any] | None = None) -> Any:
    """Triton module `mod` after the shared TTIR phase for `backend`, in `mod`'s context.

    With `only_if_needed`, a kernel whose sources carry no hint, for a backend that inserts no
    pass at `ttir`, is returned as it is (the phase would not change it). `errors(kernel)` is
    the context manager turning a StageError into the backend's compilation error.
    """
    backend = _backend(backend)
    source = str(mod)
    if only_if_needed and not backend.pipeline.get("ttir") and not has_hints(source):
        return mod
    kernel = mod.get_entry_func_name()
    with (errors(kernel) if errors else stage_errors(kernel, backend.name)):
        text = run_shared_passes(source, backend)
    return triton_module(text, mod.context)
