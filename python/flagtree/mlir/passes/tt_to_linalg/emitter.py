"""Text emitter for `tt-to-linalg`: builds the lowered module as MLIR text, op by op.

Values get fresh SSA names; `Emitter.op` writes one line; helpers emit common idioms.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from mlir import ir


class Emitter:
    """Accumulates lines of MLIR, mapping source values to emitted SSA names."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[ir.Value, str] = {}
        self._count = 0
        self._indent = 1
        self.loc = "loc(unknown)"
        # Result name of the loop most recently opened by helpers.element_loop.
        self.last_loop = ""

    # -- names ----------------------------------------------------------------
    def fresh(self, hint: str = "v") -> str:
        self._count += 1
        return f"%{hint}{self._count}"

    def fresh_block(self) -> str:
        self._count += 1
        return f"^bb{self._count}"

    def get(self, value: ir.Value) -> str:
        return self.names[value]

    def bind(self, value: ir.Value, name: str) -> None:
        self.names[value] = name

    # -- lines ----------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines.append("  " * self._indent + text)

    def op(self, text: str, hint: str = "v", results: int = 1) -> str:
        """Emit `%r = text loc(...)` (or no result) and return the result name."""
        if results == 0:
            self.line(f"{text} {self.loc}")
            return ""
        name = self.fresh(hint)
        lhs = name if results == 1 else f"{name}:{results}"
        self.line(f"{lhs} = {text} {self.loc}")
        return name

    @contextlib.contextmanager
    def block(self, header: str, footer: str = "}") -> Iterator[None]:
        self.line(header)
        self._indent += 1
        try:
            yield
        finally:
            self._indent -= 1
            self.line(footer)

    @contextlib.contextmanager
    def dedent(self) -> Iterator[None]:
        self._indent -= 1
        try:
            yield
        finally:
            self._indent += 1

    # -- idioms ---------------------------------------------------------------
    def index(self, value: int) -> str:
        return self.op(f"arith.constant {value} : index", "c")

    def const(self, value: str, type_text: str) -> str:
        return self.op(f"arith.constant {value} : {type_text}", "c")

    def empty(self, tensor_type: str) -> str:
        return self.op(f"tensor.empty() : {tensor_type}", "e")
