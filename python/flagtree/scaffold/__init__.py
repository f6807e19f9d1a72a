"""`flagtree backend new NAME`: a complete, installable backend package, rendered from templates.

templates/ holds the package's files (string.Template `${var}`); `__module__` and
`__pass_name__` in a template's path become the package module and the pass name.
"""

from __future__ import annotations

import os
import re
import string
from dataclasses import asdict, dataclass
from pathlib import Path

from flagtree.utils import atomic_write_text

TEMPLATES = Path(__file__).parent / "templates"
SUFFIX = ".tmpl"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ARCH = re.compile(r"^[A-Za-z0-9_.-]+$")
# Names a new backend cannot take: flagtree's built-ins and Triton's own target kinds.
RESERVED = ("cpu", "nvidia", "amd", "cuda", "hip")


class ScaffoldError(ValueError):
    """The backend cannot be generated as asked (bad name, output folder in use, ...)."""


@dataclass(frozen=True)
class Names:
    """Every name the templates use, derived from the backend's name."""

    name: str  # backend name: FLAGTREE_BACKEND, entry points ("acme")
    Name: str  # class prefix ("Acme")
    module: str  # Python package ("acme_flagtree")
    dist: str  # distribution ("acme-flagtree")
    target: str  # Triton target kind, GPUTarget.backend ("acme")
    arch: str  # the target's architecture ("v1")
    pass_name: str  # the example pass ("acme-annotate")
    binary_ext: str  # the last stage's name
    flagtree_version: str


def names_for(name: str, *, target: str | None = None, arch: str = "v1") -> Names:
    """The names of backend `name`; ScaffoldError if a name is not usable."""
    from flagtree import __version__

    if not _NAME.match(name or ""):
        raise ScaffoldError(f"backend name {name!r} must be a lowercase identifier "
                            "(letters, digits, '_', starting with a letter)")
    if name in RESERVED:
        raise ScaffoldError(f"backend name {name!r} is taken (reserved: {', '.join(RESERVED)})")
    target = target or name
    if not _NAME.match(target) or target in RESERVED:
        raise ScaffoldError(f"target kind {target!r} must be a lowercase identifier other than "
                            f"{', '.join(RESERVED)}")
    if not _ARCH.match(arch or ""):
        raise ScaffoldError(f"arch {arch!r} must be letters, digits, '_', '.' or '-'")
    return Names(name=name, Name="".join(p.capitalize() for p in name.split("_") if p),
                 module=f"{name}_flagtree", dist=f"{name.replace('_', '-')}-flagtree",
                 target=target, arch=arch, pass_name=f"{name.replace('_', '-')}-annotate",
                 binary_ext="llmlir", flagtree_version=__version__)


def render(names: Names) -> dict[str, str]:
    """The package's files: relative path -> text."""
    values = asdict(names)
    files = {}
    for path in sorted(TEMPLATES.rglob("*" + SUFFIX)):
        rel = path.relative_to(TEMPLATES).as_posix()[:-len(SUFFIX)]
        rel = rel.replace("__module__", names.module).replace("__pass_name__", names.pass_name)
        try:
            files[rel] = string.Template(path.read_text()).substitute(values)
        except (KeyError, ValueError) as exc:
            raise ScaffoldError(f"template {path.name}: bad placeholder {exc}") from None
    return files


def generate(name: str, out: str | os.PathLike, *, target: str | None = None, arch: str = "v1",
             force: bool = False) -> list[Path]:
    """Write backend `name`'s package into `out` (which must be empty or absent unless
    `force`); returns the files written."""
    names = names_for(name, target=target, arch=arch)
    root = Path(out)
    if root.exists() and not root.is_dir():
        raise ScaffoldError(f"{root} exists and is not a folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise ScaffoldError(f"{root} is not empty (use --force to write into it anyway)")
    written = []
    for rel, text in render(names).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, text)
        written.append(path)
    return written
