"""@jit integration: a Triton cache manager (the public `triton.knobs.cache.manager_class`) that
answers from flagtree archives before compiling, so a process starts with a warm cache.

Each archive entry records the key Triton computes for the same kernel, specialization, options
and toolchain (`triton_hash`); a @jit launch with that key gets the entry's Triton metadata and
binary, checked against their sha256 and copied into Triton's own cache. Anything else
compiles as usual. Turn it on with `use_archives(path, ...)`, or in the environment with
`TRITON_CACHE_MANAGER=flagtree.aot.cache:ArchiveCacheManager FLAGTREE_AOT_ARCHIVES=path`.
"""

from __future__ import annotations

import base64
import os
import threading
from collections import Counter

from triton.runtime.cache import FileCacheManager

from flagtree.aot.archive import Archive

# Archives registered with use_archives(), searched after the FLAGTREE_AOT_ARCHIVES ones.
_registered: list[str] = []
_lock = threading.Lock()
_index_for: tuple = ()
_index: dict[str, tuple[Archive, dict]] = {}
# How many kernels each archive served in this process (for tests and curious users).
served: Counter = Counter()


def cache_dir_key(triton_hash: str) -> str:
    """The key Triton's cache managers receive for a kernel hash (Triton's own base32 form)."""
    return base64.b32encode(bytes.fromhex(triton_hash)).decode().rstrip("=")


def archive_paths() -> list[str]:
    from flagtree import knobs

    paths = [p for p in knobs.aot.archives.split(os.pathsep) if p]
    return paths + [p for p in _registered if p not in paths]


def _lookup(key: str) -> tuple[Archive, dict] | None:
    global _index_for, _index
    paths = tuple(archive_paths())
    with _lock:
        if paths != _index_for:
            index: dict[str, tuple[Archive, dict]] = {}
            for path in paths:
                archive = Archive(path)  # a broken archive is an error, not a cache miss
                archive.check_readable()
                for entry in archive.entries:
                    if entry.get("triton_hash"):
                        index.setdefault(cache_dir_key(entry["triton_hash"]), (archive, entry))
            _index_for, _index = paths, index
        return _index.get(key)


class ArchiveCacheManager(FileCacheManager):
    """Triton's file cache, first filled from flagtree archives for the keys they hold."""

    def __init__(self, key, override=False, dump=False):
        super().__init__(key, override=override, dump=dump)
        self._serves = not override and not dump

    def get_group(self, filename: str):
        group = super().get_group(filename)
        if group is not None or not self._serves or not filename.endswith(".json"):
            return group
        hit = _lookup(self.key)
        if hit is None:
            return None
        archive, entry = hit
        files = entry["files"]
        metadata = archive.read(files["metadata"], entry)
        binary = archive.read(files["jit_binary"], entry)
        name = filename[:-len(".json")]
        binary_name = f"{name}.{files['jit_binary'].rsplit('.', 1)[-1]}"
        group = {filename: self.put(metadata.decode(), filename, binary=False),
                 binary_name: self.put(binary, binary_name)}
        self.put_group(filename, group)
        served[archive.path] += 1
        return group


def use_archives(*archives: str | os.PathLike) -> None:
    """Look up `archives` (folders or .tar files) before compiling, for every @jit launch in
    this process. Each is opened now, so a missing or corrupt one fails here."""
    import triton

    for path in archives:
        Archive(path).check_readable()
        if os.fspath(path) not in _registered:
            _registered.append(os.fspath(path))
    triton.knobs.cache.manager_class = ArchiveCacheManager
