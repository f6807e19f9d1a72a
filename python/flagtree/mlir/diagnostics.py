"""MLIR diagnostics as flagtree reports them: collected, located, and checked against tests.

`DiagnosticLog` gathers them; `check_expected` implements mlir-opt's `--verify-diagnostics`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mlir import ir

_SEVERITY = {
    ir.DiagnosticSeverity.ERROR: "error",
    ir.DiagnosticSeverity.WARNING: "warning",
    ir.DiagnosticSeverity.NOTE: "note",
    ir.DiagnosticSeverity.REMARK: "remark",
}


@dataclass(frozen=True)
class SourcePos:
    """A file position; `line` is 1-based, 0 when the location names no line."""

    filename: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}:{self.col}" if self.line else self.filename


@dataclass
class Diagnostic:
    """One diagnostic, detached from MLIR (safe to keep after the context is gone)."""

    severity: str
    message: str
    pos: SourcePos | None
    notes: list["Diagnostic"] = field(default_factory=list)

    def format(self) -> str:
        where = f"{self.pos}: " if self.pos else ""
        lines = [f"{where}{self.severity}: {self.message}"]
        lines += [note.format() for note in self.notes]
        return "\n".join(lines)


def file_pos(loc: ir.Location, buffer_name: str) -> SourcePos | None:
    """The first file:line:col inside `loc` (through names, call sites and fusions)."""
    if loc.is_a_file():
        name = buffer_name if loc.filename == "-" else loc.filename
        return SourcePos(name, loc.start_line, loc.start_col)
    if loc.is_a_name():
        return file_pos(loc.child_loc, buffer_name)
    if loc.is_a_callsite():
        return file_pos(loc.callee, buffer_name)
    if loc.is_a_fused():
        for inner in loc.locations:
            pos = file_pos(inner, buffer_name)
            if pos:
                return pos
    return None


def convert(info, buffer_name: str) -> Diagnostic:
    """Copy an `ir.Diagnostic` or `ir.DiagnosticInfo` into a `Diagnostic`."""
    return Diagnostic(
        _SEVERITY.get(info.severity, "error"),
        info.message,
        file_pos(info.location, buffer_name),
        [convert(note, buffer_name) for note in info.notes],
    )


class DiagnosticLog:
    """Collects every diagnostic emitted in a context while it is attached."""

    def __init__(self, context: ir.Context, buffer_name: str) -> None:
        self.buffer_name = buffer_name
        self.diagnostics: list[Diagnostic] = []
        self._handler = context.attach_diagnostic_handler(self._on_diagnostic)

    def _on_diagnostic(self, diag: ir.Diagnostic) -> bool:
        self.diagnostics.append(convert(diag, self.buffer_name))
        return True

    def add_error(self, error: ir.MLIRError) -> None:
        """Record the diagnostics carried by an `MLIRError` (those the handler did not see)."""
        for info in error.error_diagnostics:
            diag = convert(info, self.buffer_name)
            if diag not in self.diagnostics:
                self.diagnostics.append(diag)
        if not error.error_diagnostics:
            self.diagnostics.append(Diagnostic("error", str(error), None))

    def detach(self) -> None:
        self._handler.detach()


# `// expected-error@+1 {{text}}`, `expected-warning@-2`, `expected-note@above`, ...
_EXPECTED = re.compile(
    r"expected-(?P<sev>error|warning|note|remark)"
    r"(?:\s*@(?P<where>[+-]\d+|above|below|unknown))?\s*\{\{(?P<text>.*?)\}\}"
)


_OP_NOTE = "see current operation"


@dataclass
class Expectation:
    severity: str
    text: str
    line: int  # 0 for @unknown
    source_line: int
    matched: bool = False


def parse_expectations(text: str, first_line: int = 1) -> list[Expectation]:
    """Find the `expected-*` comments in `text`, whose first line is `first_line`."""
    found: list[Expectation] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        number = first_line + index
        for m in _EXPECTED.finditer(line):
            where = m.group("where")
            if where is None:
                target = number
            elif where == "unknown":
                target = 0
            elif where in ("above", "below"):
                step = -1 if where == "above" else 1
                target, probe = number, index + step
                while 0 <= probe < len(lines):
                    if "expected-" not in lines[probe] and lines[probe].strip():
                        target = first_line + probe
                        break
                    probe += step
            else:
                target = number + int(where)
            found.append(Expectation(m.group("sev"), m.group("text"), target, number))
    return found


def check_expected(
    diagnostics: list[Diagnostic], expectations: list[Expectation], buffer_name: str
) -> list[str]:
    """mlir-opt's `--verify-diagnostics`: return the mismatches (empty when all agree)."""
    problems: list[str] = []
    flat: list[Diagnostic] = []
    for diag in diagnostics:
        flat.append(diag)
        # mlir-opt turns off the "see current operation" note under --verify-diagnostics.
        flat.extend(n for n in diag.notes if not n.message.startswith(_OP_NOTE))
    for diag in flat:
        line = diag.pos.line if diag.pos and diag.pos.filename == buffer_name else 0
        for exp in expectations:
            if (
                not exp.matched
                and exp.severity == diag.severity
                and exp.line == line
                and exp.text in diag.message
            ):
                exp.matched = True
                break
        else:
            problems.append(f"{diag.pos or buffer_name}: unexpected {diag.severity}: {diag.message}")
    for exp in expectations:
        if not exp.matched:
            problems.append(
                f"{buffer_name}:{exp.source_line}: expected {exp.severity} "
                f"\"{exp.text}\" was not produced"
            )
    return problems
