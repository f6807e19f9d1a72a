"""The backend under test: an installed flagtree backend, how the kit uses it (run or compile),
and what its declared capabilities leave out for a case.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flagtree.backend.capabilities import KNOWN_DTYPES, Capabilities
from flagtree.conformance.case import Needs

# Below this many elements per block, the kit measures each case's blocks before running it.
_UNLIMITED_BLOCK = Capabilities().max_block_elements


class SubjectError(RuntimeError):
    """The backend cannot be tested as asked (unknown, disabled, no such target, ...)."""


@dataclass
class Subject:
    """An installed backend, tested on one target: by running kernels (`mode == "run"`) or by
    compiling them only (`mode == "compile"`)."""

    name: str
    package: str
    backend: Any  # flagtree.backend.Backend
    target: Any  # flagtree.backend.Target
    mode: str

    @property
    def capabilities(self) -> Capabilities:
        return self.backend.capabilities

    @property
    def gpu_target(self) -> Any:
        return self.target.gpu_target()

    @property
    def label(self) -> str:
        return f"backend '{self.name}' ({self.package})"

    def measures_blocks(self) -> bool:
        return self.capabilities.max_block_elements < _UNLIMITED_BLOCK

    @contextlib.contextmanager
    def activated(self) -> Iterator[None]:
        """Select this backend (and its Triton driver), so `kernel[grid](...)` runs on it."""
        from flagtree.backend import use_backend

        with use_backend(self.name):
            yield

    def missing(self, needs: Needs, arg_types: set[str], block_elements: int = 0) -> list[str]:
        """What `needs` (plus the launches' argument types) asks that is not declared."""
        caps = self.capabilities
        reasons = caps.missing(dtypes=sorted(needs.dtypes | arg_types),
                               atomics=sorted(needs.atomics),
                               atomic_dtypes=sorted(needs.atomic_dtypes),
                               block_elements=block_elements,
                               features=sorted(needs.features))
        for dot in sorted(needs.dot):
            reasons += [r for r in caps.missing(dot=dot) if r not in reasons]
        return reasons


def open_subject(name: str, *, target: str | None = None, compile_only: bool = False) -> Subject:
    """The installed backend `name` on `target` ("backend:arch", default its first target);
    run if it is runnable here and not `compile_only`, compiled only otherwise."""
    from flagtree.backend.registry import BackendError, record_for

    try:
        record = record_for(name)
    except BackendError as exc:
        raise SubjectError(str(exc)) from None
    if not record.ok:
        raise SubjectError(f"backend '{name}' ({record.package}) is disabled: {record.error}")
    targets = list(record.backend.targets)
    chosen = targets[0]
    if target is not None:
        matches = [t for t in targets if str(t) == target]
        if not matches:
            raise SubjectError(f"backend '{name}' has no target {target!r} "
                               f"(targets: {', '.join(map(str, targets))})")
        chosen = matches[0]
    mode = "run" if record.runnable and not compile_only and chosen == targets[0] else "compile"
    return Subject(name, record.package, record.backend, chosen, mode)


def argument_types(signature: dict) -> set[str]:
    """Triton's element types of a specialization's arguments ("*fp32" -> "fp32")."""
    out = set()
    for ty in signature.values():
        if not isinstance(ty, str):
            continue
        ty = ty.lstrip("*")
        if ty not in KNOWN_DTYPES and ty.startswith("k") and ty[1:] in KNOWN_DTYPES:
            ty = ty[1:]  # const pointer
        if ty in KNOWN_DTYPES:
            out.add(ty)
    return out
