"""Capture what native code writes to the process's stdout and stderr (file descriptors 1, 2).

Kernels print from compiled code (`tl.device_print`), below Python's sys.stdout.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import tempfile
from collections.abc import Iterator


def _flush_all() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).fflush(None)  # C stdio buffers of the process


@contextlib.contextmanager
def captured_fds() -> Iterator[list[str]]:
    """Redirect fds 1 and 2 to a temporary file; the yielded list holds the text on exit."""
    out: list[str] = []
    _flush_all()
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile(mode="w+b") as sink:
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            yield out
        finally:
            _flush_all()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            out.append(sink.read().decode("utf-8", "replace"))
