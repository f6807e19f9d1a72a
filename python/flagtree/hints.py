"""Kernel hints: `#@hint: name[=value]` comments on a `tl.load`/`tl.store`/`for` line.

Finds hints with Python's tokenizer (FlagTree's published syntax) and says, per backend, what
each hint means; the shared pass `tt-apply-hints` attaches them to the TTIR ops of that line.
"""

from __future__ import annotations

import functools
import io
import os
import re
import tokenize
import warnings
from dataclasses import dataclass

# `#@hint: a`, `# @hint: a, b=2`, `#@hint:a b` (FlagTree writes one name; lists are accepted).
_HINT_COMMENT = re.compile(r"#\s*@hint\s*:\s*(?P<body>.*)$")
_HINT_ITEM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\s*=\s*(?P<value>[A-Za-z0-9_.+-]+))?$")


@dataclass(frozen=True)
class Hint:
    """One hint as written: its name and optional value (`unroll=4` -> ("unroll", "4"))."""

    name: str
    value: str | None = None

    def __str__(self) -> str:
        return self.name if self.value is None else f"{self.name}={self.value}"


class HintSyntaxError(ValueError):
    """A `#@hint:` comment whose body is not `name` or `name=value` items."""


def parse_hint_comment(comment: str) -> list[Hint] | None:
    """The hints in one comment token, or None when it is not a hint comment."""
    match = _HINT_COMMENT.match(comment.strip())
    if match is None:
        return None
    hints = []
    body = re.sub(r"\s*=\s*", "=", match["body"].strip())
    for item in filter(None, re.split(r"[,\s]+", body)):
        parsed = _HINT_ITEM.match(item)
        if parsed is None:
            raise HintSyntaxError(f"malformed hint '{item}' (expected name or name=value)")
        hints.append(Hint(parsed["name"], parsed["value"]))
    return hints


def scan_source(source: str) -> dict[int, list[Hint]]:
    """Line number (1-based) -> the hints written on that line of Python `source`."""
    found: dict[int, list[Hint]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                hints = parse_hint_comment(tok.string)
                if hints:
                    found.setdefault(tok.start[0], []).extend(hints)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return found  # a fragment (or a broken file) keeps the hints found so far
    return found


@functools.lru_cache(maxsize=256)
def _scan_file(path: str, mtime_ns: int, size: int) -> dict[int, list[Hint]]:
    with open(path, encoding="utf-8", errors="replace") as f:
        return scan_source(f.read())


def hints_in_file(path: str) -> dict[int, list[Hint]]:
    """The hints of a source file (cached until it changes); {} for a file that is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return {}
    return _scan_file(path, st.st_mtime_ns, st.st_size)


# The hints flagtree knows: name -> (the TTIR ops it attaches to, what it asks for). What each
# backend does with them is tt-apply-hints' job (and docs/hints.md); a hint a backend does not
# implement warns once there and is dropped.
@dataclass(frozen=True)
class HintInfo:
    ops: tuple[str, ...]
    summary: str


HINTS: dict[str, HintInfo] = {
    "unroll": HintInfo(("scf.for",), "unroll the loop N times (tt.loop_unroll_factor)"),
    "num_stages": HintInfo(("scf.for",), "software-pipeline the loop with N stages"),
    "vectorize": HintInfo(("scf.for",), "ask LLVM to vectorize the loop"),
    "evict_first": HintInfo(("tt.load", "tt.store"), "data is used once: evict it first"),
    "evict_last": HintInfo(("tt.load", "tt.store"), "data is reused: keep it in cache"),
    "nontemporal": HintInfo(("tt.store", "tt.load"), "streaming access that bypasses caches"),
    "prefetch": HintInfo(("tt.load",), "prefetch the next iteration's tile"),
    # FlagTree's published hints for its vendor backends: accepted, ignored where not built.
    "shared_memory": HintInfo(("tt.load",), "stage the tile in shared memory (FlagTree)"),
    "dot_pad_only_k": HintInfo(("tt.dot", "tt.load"), "pad only the K dimension (FlagTree)"),
    "bind_sub_block": HintInfo(("scf.for",), "bind iterations to sub-blocks (FlagTree)"),
    "multibuffer": HintInfo(("tt.load", "scf.for"), "multi-buffer the tile (FlagTree)"),
    "dma": HintInfo(("tt.load", "tt.store"), "move the tile by DMA (FlagTree)"),
}

_warned: set[tuple[str, str]] = set()


def warn_once(backend: str, name: str, why: str) -> None:
    """One warning per (backend, hint name) per process."""
    if (backend, name) in _warned:
        return
    _warned.add((backend, name))
    warnings.warn(f"flagtree: hint '{name}' {why} on backend '{backend}'; ignored",
                  stacklevel=2)
