"""Small helpers shared across flagtree: atomic file writes, digests of source files.

Anything written to disk goes through here so a crash never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """A temporary file in `path`'s folder, opened for writing (`mode` "w" or "wb"), that
    replaces `path` only when the block ends without an error; otherwise it is removed."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` atomically: a temporary file in the same folder, then rename."""
    with atomic_open(path) as f:
        f.write(text)


def sources_digest(files: Iterable[str | os.PathLike]) -> str:
    """16 hex digits that change whenever one of `files` (names and contents, in the order
    given) changes: the part of a cache key that stands for some source code."""
    digest = hashlib.sha256()
    for path in map(Path, files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
