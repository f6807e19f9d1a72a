"""The archive format: a folder, or one `.tar`/`.tar.gz` file, holding `manifest.json` (every
entry, every file's sha256) and the binaries, Triton metadata, C headers and launchers.

Writes are atomic and deterministic (sorted entries, fixed tar metadata); reads check the format
version and each file's size and sha256 before returning its bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path, PurePosixPath

from flagtree.aot.errors import ArchiveError
from flagtree.utils import atomic_open

FORMAT = "flagtree-aot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SINGLE_FILE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
_ENTRY_KEYS = {"symbol": str, "kernel": str, "signature": str, "params": list, "target": dict,
               "target_name": str, "files": dict, "launch": dict, "versions": dict}
_READ_ERRORS = (OSError, EOFError, tarfile.TarError, zlib.error)


def is_single_file(path: str | os.PathLike) -> bool:
    return str(path).endswith(SINGLE_FILE_SUFFIXES)


def entry_label(entry: dict) -> str:
    """How errors and tables name an entry: `kernel[signature] for target (symbol)`."""
    return (f"{entry.get('kernel', '?')}[{entry.get('signature', '?')}] for "
            f"{entry.get('target_name', '?')} ({entry.get('symbol', '?')})")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------
# Writing
# ------------------------------------------------------------------------------------------


def _umbrella_headers(entries: list[dict]) -> dict[str, bytes]:
    from flagtree.aot.cgen import umbrella_header

    groups: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        header = entry["files"].get("header")
        if header:
            folder = str(PurePosixPath(header).parent)
            groups.setdefault((folder, entry["kernel"]), []).append(PurePosixPath(header).name)
    return {f"{folder}/{kernel}.h": umbrella_header(kernel, PurePosixPath(folder).name,
                                                    names).encode()
            for (folder, kernel), names in groups.items()}


def manifest_bytes(entries: list[dict], files: dict[str, bytes], versions: dict) -> bytes:
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_by": versions,
        "entries": sorted(entries, key=lambda e: (e["kernel"], e["target_name"], e["symbol"])),
        "files": {path: {"sha256": sha256(data), "size": len(data)}
                  for path, data in sorted(files.items())},
    }
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()


def write_archive(path: str | os.PathLike, entries: list[dict], files: dict[str, bytes],
                  versions: dict) -> None:
    """Write an archive of `entries` (their `files`) at `path`, replacing what is there.

    The same entries and files always give the same bytes (sorted, no times, no owners)."""
    files = {**files, **_umbrella_headers(entries)}
    for name in files:
        _check_relative(name, path)
    contents = {MANIFEST: manifest_bytes(entries, files, versions), **files}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if is_single_file(path):
        _write_tar(path, contents)
    else:
        _write_folder(path, contents)


def _ordered(contents: dict[str, bytes]) -> list[str]:
    # The manifest first: a truncated archive loses binaries (named by their entry), not it.
    return [MANIFEST] + sorted(n for n in contents if n != MANIFEST)


def _write_tar(path: Path, contents: dict[str, bytes]) -> None:
    with atomic_open(path, "wb") as raw:
        stream = (gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
                  if path.name.endswith((".gz", ".tgz")) else raw)
        with tarfile.open(fileobj=stream, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name in _ordered(contents):
                data = contents[name]
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(data), 0, 0o644
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                tar.addfile(info, io.BytesIO(data))
        if stream is not raw:
            stream.close()


def check_replaceable(path: str | os.PathLike) -> None:
    """Raise ArchiveError unless writing an archive at `path` replaces nothing but an archive
    (or an empty folder)."""
    path = Path(path)
    if not path.exists():
        return
    if is_single_file(path):
        if not path.is_file():
            raise ArchiveError(str(path), "exists and is not a file")
        return
    if not path.is_dir():
        raise ArchiveError(str(path), "exists and is not a folder")
    if not (path / MANIFEST).is_file() and any(path.iterdir()):
        raise ArchiveError(str(path), "exists and is not a flagtree archive: not replacing it")


def _write_folder(path: Path, contents: dict[str, bytes]) -> None:
    check_replaceable(path)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.tmp-"))
    try:
        for name in _ordered(contents):
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(contents[name])
            os.chmod(target, 0o644)
        os.chmod(tmp, 0o755)
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old-"))
            os.rename(path, old / "archive")
            os.rename(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _check_relative(name: str, archive: str | os.PathLike) -> None:
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or not name or name == MANIFEST:
        raise ArchiveError(str(archive), f"file path {name!r} is not a plain relative path")


# ------------------------------------------------------------------------------------------
# Reading
# ------------------------------------------------------------------------------------------


class Archive:
    """An archive opened for reading: its manifest checked, its files read and verified on
    demand (`read`), or all at once (`verify`)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = str(path)
        self._members: dict[str, bytes] | None = None
        self._read_error: str | None = None
        root = Path(path)
        if not root.exists():
            raise ArchiveError(self.path, "no such archive")
        if root.is_dir():
            self._root: Path | None = root
            manifest = self._folder_bytes(MANIFEST)
            if manifest is None:
                raise ArchiveError(self.path, f"not a flagtree archive (no {MANIFEST})")
        else:
            self._root = None
            self._members = self._read_tar(root)
            manifest = self._members.get(MANIFEST)
            if manifest is None:
                why = f" ({self._read_error})" if self._read_error else ""
                raise ArchiveError(self.path, f"not a flagtree archive, or truncated: no "
                                              f"readable {MANIFEST}{why}")
        self.manifest = self._parse_manifest(manifest)
        self.entries: list[dict] = self.manifest["entries"]
        self.files: dict[str, dict] = self.manifest["files"]

    # -- manifest --------------------------------------------------------------------------

    def _parse_manifest(self, data: bytes) -> dict:
        try:
            manifest = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ArchiveError(self.path, f"{MANIFEST} is corrupt: {exc}") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError(self.path, f"{MANIFEST} is not a flagtree archive manifest")
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            from flagtree import __version__

            raise ArchiveError(self.path, f"archive format version {version!r} is not "
                                          f"supported: flagtree {__version__} reads version "
                                          f"{FORMAT_VERSION}; rebuild it with `flagtree compile`")
        if not isinstance(manifest.get("entries"), list) or not isinstance(
                manifest.get("files"), dict):
            raise ArchiveError(self.path, f"{MANIFEST} lacks its entries or files")
        for name, info in manifest["files"].items():
            _check_relative(name, self.path)
            if not isinstance(info, dict) or not isinstance(info.get("sha256"), str) or \
                    not isinstance(info.get("size"), int):
                raise ArchiveError(self.path, f"{MANIFEST}: file {name} lacks its sha256/size")
        for index, entry in enumerate(manifest["entries"]):
            self._check_entry(entry, index, manifest["files"])
        return manifest

    def _check_entry(self, entry: object, index: int, files: dict) -> None:
        if not isinstance(entry, dict):
            raise ArchiveError(self.path, f"{MANIFEST}: entry {index} is not an object")
        for key, kind in _ENTRY_KEYS.items():
            if not isinstance(entry.get(key), kind):
                raise ArchiveError(self.path, f"{MANIFEST} lacks a valid {key!r}",
                                   entry=entry_label(entry))
        for role, name in entry["files"].items():
            if name not in files:
                raise ArchiveError(self.path, f"its {role} file {name} is not listed in "
                                              f"{MANIFEST}", entry=entry_label(entry))
            if not PurePosixPath(name).name.startswith(entry["symbol"] + "."):
                raise ArchiveError(self.path, f"its {role} file {name} is not its own (files "
                                              f"are named after the entry, {entry['symbol']})",
                                   entry=entry_label(entry))

    # -- files -----------------------------------------------------------------------------

    def _read_tar(self, path: Path) -> dict[str, bytes]:
        members: dict[str, bytes] = {}
        try:
            with tarfile.open(path, mode="r:*") as tar:
                for member in tar:
                    if member.isfile():
                        handle = tar.extractfile(member)
                        data = handle.read() if handle else b""
                        if len(data) != member.size:
                            raise tarfile.ReadError("unexpected end of data")
                        members[member.name] = data
        except _READ_ERRORS as exc:
            self._read_error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return members

    def _folder_bytes(self, name: str) -> bytes | None:
        try:
            return (self._root / name).read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    def _raw(self, name: str) -> bytes | None:
        if self._members is not None:
            return self._members.get(name)
        return self._folder_bytes(name)

    def problem(self, name: str) -> str | None:
        """What is wrong with file `name`, or None when its size and sha256 match."""
        info = self.files.get(name)
        if info is None:
            return f"{name} is not listed in {MANIFEST}"
        data = self._raw(name)
        if data is None:
            truncated = f" (the archive is truncated: {self._read_error})" \
                if self._read_error else ""
            return f"{name} is missing{truncated}"
        if len(data) != info["size"]:
            return (f"{name} has {len(data)} bytes, {info['size']} recorded (truncated or "
                    "corrupt)")
        if sha256(data) != info["sha256"]:
            return f"{name} does not match its sha256 (corrupt or tampered)"
        return None

    def read(self, name: str, entry: dict | None = None) -> bytes:
        """The bytes of file `name`, after checking them; ArchiveError naming `entry`."""
        problem = self.problem(name)
        if problem:
            raise ArchiveError(self.path, problem, entry=entry_label(entry) if entry else None)
        return self._raw(name)

    def check_readable(self) -> None:
        """Raise ArchiveError naming the first damaged entry when the single file could not be
        read to its end (truncated or corrupt): such an archive is not used at all."""
        if self._read_error is None:
            return
        problems = self.verify() or [(None, f"cannot be read to its end: {self._read_error}")]
        who, what = problems[0]
        entry = who if who and not who.startswith("file ") else None
        raise ArchiveError(self.path, what, entry=entry)

    def verify(self) -> list[tuple[str, str]]:
        """Every problem as (who: entry label or file, what); empty when all is well."""
        users: dict[str, list[str]] = {}
        for entry in self.entries:
            for name in entry["files"].values():
                users.setdefault(name, []).append(entry_label(entry))
        problems = []
        for name in sorted(self.files):
            problem = self.problem(name)
            if problem:
                for who in users.get(name, [f"file {name}"]):
                    problems.append((who, problem))
        if self._members is not None:
            extra = sorted(set(self._members) - set(self.files) - {MANIFEST})
        else:
            found = (p.relative_to(self._root).as_posix() for p in self._root.rglob("*")
                     if p.is_file())
            extra = sorted(n for n in found if n not in self.files and n != MANIFEST)
        problems += [(f"file {name}", f"{name} is not listed in {MANIFEST} (added?)")
                     for name in extra]
        return problems
