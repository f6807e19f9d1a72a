"""Triton's own view of TTIR text, for comparing flagtree's printing against it.

Parses text with Triton's bundled MLIR (libtriton) and prints it back.
"""

from __future__ import annotations

import os
import tempfile


def triton_reprint(text: str) -> str:
    """Parse `text` with libtriton and print it the way Triton prints TTIR."""
    from triton._C.libtriton import ir
    from triton.backends.compiler import GPUTarget
    from triton.compiler import make_backend

    context = ir.context()
    ir.load_dialects(context)
    make_backend(GPUTarget("cuda", 90, 32)).load_dialects(context)
    fd, path = tempfile.mkstemp(suffix=".ttir")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return str(ir.parse_mlir_module(path, context))
    finally:
        os.unlink(path)
