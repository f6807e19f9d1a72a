"""The errors of ahead-of-time compilation and archives, each naming what it is about.

Every message names the kernel, the specialization or the archive entry concerned.
"""

from __future__ import annotations


class AOTError(Exception):
    """Base of flagtree.aot's errors: a message for the user, never a crash."""


class SignatureError(AOTError):
    """A signature in `triton.tools.compile` notation that does not fit the kernel."""


class TargetError(AOTError):
    """A target name that no installed backend compiles for, or a machine that cannot run it."""


class ManifestError(AOTError):
    """A manifest (TOML) that cannot be read, or a kernel reference that cannot be resolved."""


class BuildError(AOTError):
    """A compile-time tool (llc, the C compiler) that is missing or failed."""


class ArchiveError(AOTError):
    """An archive that cannot be used: missing, corrupt, truncated, tampered, of another format
    version, or without a binary for this machine. `entry` names the entry when one is at fault."""

    def __init__(self, archive: str, message: str, entry: str | None = None) -> None:
        self.archive = str(archive)
        self.entry = entry
        self.detail = message
        where = f"{self.archive}: entry {entry}" if entry else self.archive
        super().__init__(f"{where}: {message}")


class SpecializationError(AOTError, TypeError):
    """A launch whose arguments match none of the archive's specializations of the kernel."""
