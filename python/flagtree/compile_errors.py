"""Compilation errors for users: a failing flagtree stage becomes Triton's CompilationError.

The message names the kernel, the backend, the stage and the problem, with Triton's usual
excerpt of the kernel's source line when the failing op has a location.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import SimpleNamespace

from flagtree.mlir.pipeline import StageError


@contextlib.contextmanager
def stage_errors(kernel: str, backend: str, strip_prefix: str = ""):
    """Re-raise a StageError inside the block as CompilationError for `kernel` on `backend`."""
    try:
        yield
    except StageError as exc:
        # Imported late: backends load during Triton's discovery, before triton.compiler.
        from triton.compiler.errors import CompilationError

        message, pos = next(((m, p) for m, p in exc.errors if p and p.line), (str(exc), None))
        if strip_prefix:
            message = message.removeprefix(strip_prefix)
        text = f"kernel '{kernel}' cannot be compiled for {backend} ({exc.stage} stage): {message}"
        src, node = None, SimpleNamespace()
        if pos is not None:
            try:
                src = Path(pos.filename).read_text()
                node = SimpleNamespace(lineno=pos.line, col_offset=max(pos.col - 1, 0))
            except OSError:
                text += f" (at {pos})"
        raise CompilationError(src, node, text) from None
