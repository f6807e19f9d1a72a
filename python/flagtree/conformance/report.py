"""Conformance reports: counts per feature group, the JSON file, the terminal tables, and the
Markdown status table of several backends (`python -m flagtree.conformance.report A.json ...`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from flagtree.conformance.runner import FAIL, PASS, UNSUPPORTED, Result
from flagtree.utils import atomic_write_text

REPORT_VERSION = 1
STATUSES = (PASS, FAIL, UNSUPPORTED)


@dataclass
class Report:
    """One conformance run of one backend on one target."""

    backend: str
    package: str
    target: str
    mode: str  # "run" (checked against torch) or "compile" (binaries checked)
    results: list[Result]
    seconds: float = 0.0
    selection: str = "all cases"
    capabilities: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)

    def groups(self) -> dict[str, Counter]:
        """pass/fail/unsupported counts per feature group, in suite order."""
        out: dict[str, Counter] = {}
        for r in self.results:
            out.setdefault(r.group, Counter())[r.status] += 1
        return out

    def totals(self) -> Counter:
        return Counter(r.status for r in self.results)

    @property
    def failed(self) -> bool:
        return any(r.status == FAIL for r in self.results)

    def to_json(self) -> dict[str, Any]:
        totals = self.totals()
        return {
            "report_version": REPORT_VERSION,
            "backend": self.backend,
            "package": self.package,
            "target": self.target,
            "mode": self.mode,
            "selection": self.selection,
            "seconds": round(self.seconds, 2),
            "versions": self.versions,
            "capabilities": self.capabilities,
            "summary": {s: totals.get(s, 0) for s in STATUSES} | {"total": len(self.results)},
            "groups": {g: {s: c.get(s, 0) for s in STATUSES} for g, c in self.groups().items()},
            "cases": [asdict(r) for r in self.results],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        if data.get("report_version") != REPORT_VERSION:
            raise ValueError(f"not a flagtree conformance report (version "
                             f"{data.get('report_version')!r}, expected {REPORT_VERSION})")
        return cls(data["backend"], data["package"], data["target"], data["mode"],
                   [Result(**r) for r in data["cases"]], data.get("seconds", 0.0),
                   data.get("selection", ""), data.get("capabilities", {}),
                   data.get("versions", {}))


def versions() -> dict[str, str]:
    from importlib import metadata

    out = {}
    for dist in ("flagtree", "triton", "torch"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "-"
    return out


def write_json(report: Report, path: str) -> None:
    atomic_write_text(path, json.dumps(report.to_json(), indent=1) + "\n")


def read_json(path: str) -> Report:
    with open(path, encoding="utf-8") as f:
        return Report.from_json(json.load(f))


# -- terminal ----------------------------------------------------------------------------------


def render(report: Report, console: Any, *, verbose: bool = False) -> None:
    """The table per feature group, then every failure (and, verbose, every unsupported case)."""
    from rich.markup import escape
    from rich.table import Table

    how = "run, checked against torch" if report.mode == "run" else (
        "compile-only: compiled twice, binaries checked")
    console.print(f"[bold]flagtree conformance[/]: {report.backend} on {report.target} ({how}; "
                  f"{report.package})", highlight=False)
    table = Table()
    table.add_column("feature group")
    for status, style in ((PASS, "green"), (FAIL, "red"), (UNSUPPORTED, "yellow")):
        table.add_column(status, justify="right", style=style)
    table.add_column("total", justify="right")
    for group, counts in report.groups().items():
        table.add_row(group, *(str(counts.get(s, 0)) for s in STATUSES), str(sum(counts.values())))
    totals = report.totals()
    table.add_section()
    table.add_row("all", *(str(totals.get(s, 0)) for s in STATUSES), str(len(report.results)),
                  style="bold")
    console.print(table)
    failures = [r for r in report.results if r.status == FAIL]
    if failures:
        console.print(f"[red bold]{len(failures)} failure(s):[/]")
        for r in failures:
            console.print(f"[red]FAIL[/] {escape(r.describe())}", highlight=False, soft_wrap=True)
    unsupported = [r for r in report.results if r.status == UNSUPPORTED]
    if unsupported and verbose:
        console.print(f"[yellow]{len(unsupported)} case(s) unsupported (declared):[/]")
        for r in unsupported:
            console.print(f"  {r.describe()}", markup=False, highlight=False, soft_wrap=True)
    elif unsupported:
        reasons = Counter(part for r in unsupported for part in r.reason.split("; "))
        listed = ", ".join(f"{reason} ({n})" for reason, n in reasons.most_common())
        console.print(f"[yellow]{len(unsupported)} case(s) unsupported (declared)[/]: "
                      f"{escape(listed)}", highlight=False, soft_wrap=True)
    console.print(f"{report.selection}; {report.seconds:.1f} s; "
                  + ("[red bold]FAILED[/]" if report.failed else "[green bold]PASSED[/]"))


# -- Markdown (docs) ---------------------------------------------------------------------------


def markdown_table(reports: Iterable[Report]) -> str:
    """One column per backend, one row per feature group: `pass / fail / unsupported`."""
    reports = list(reports)
    groups = list(dict.fromkeys(g for r in reports for g in r.groups()))
    head = ["feature group"] + [f"{r.backend} ({r.target}, {_mode(r)})" for r in reports]
    rows = [head, ["---"] + ["---:"] * len(reports)]
    for group in groups:
        rows.append([group] + [_cell(r.groups().get(group, Counter())) for r in reports])
    rows.append(["**all**"] + [f"**{_cell(r.totals())}**" for r in reports])
    rows.append(["seconds"] + [f"{r.seconds:.0f}" for r in reports])
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    legend = ("Cells: passed / failed / unsupported (declared). Runnable backends are checked "
              "against torch; compile-only ones compile every case twice and check the binaries.")
    return "\n".join(lines) + "\n\n" + legend + "\n"


def _mode(report: Report) -> str:
    return "run" if report.mode == "run" else "compile-only"


def _cell(counts: Counter) -> str:
    return " / ".join(str(counts.get(s, 0)) for s in STATUSES)


def main(argv: list[str] | None = None) -> int:
    import click

    @click.command(context_settings={"help_option_names": ["-h", "--help"]})
    @click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True))
    def markdown(reports: tuple[str, ...]) -> None:
        """Print the Markdown status table of the given JSON conformance reports."""
        try:
            loaded = [read_json(path) for path in reports]
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise click.ClickException(f"cannot read a report: {exc}") from None
        click.echo(markdown_table(loaded), nl=False)

    return markdown.main(argv, prog_name="python -m flagtree.conformance.report",
                         standalone_mode=True)


if __name__ == "__main__":
    sys.exit(main())
