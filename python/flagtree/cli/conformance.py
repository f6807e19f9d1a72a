"""`flagtree conformance --backend NAME`: the shared conformance suite against one backend.

Runs (or, for compile-only backends, compiles) every case; tables, a JSON report, CI exit status.
"""

from __future__ import annotations

import sys
import time

import click


@click.command("conformance")
@click.option("--backend", "-b", "name", required=True, metavar="NAME",
              help="Installed backend to test (see `flagtree info`).")
@click.option("--target", metavar="BACKEND:ARCH",
              help="One of the backend's targets (default: its first). Targets other than the "
                   "first are compiled only.")
@click.option("--compile-only", is_flag=True,
              help="Compile and check binaries even if the backend can run kernels here.")
@click.option("--group", "-g", "groups", multiple=True, metavar="GROUP",
              help="Only this feature group (repeatable); see --list.")
@click.option("-k", "match", default="", metavar="TEXT", help="Only cases whose id contains TEXT.")
@click.option("--per-group", type=click.IntRange(min=1), metavar="N",
              help="At most N cases per feature group, evenly spaced (a quick sample).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True),
              help="Write the JSON report here.")
@click.option("--list", "list_only", is_flag=True, help="List the selected cases and exit.")
@click.option("--verbose", "-v", is_flag=True, help="List every unsupported case too.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def conformance(name, target, compile_only, groups, match, per_group, json_path, list_only,
                verbose, progress):
    """Check which parts of the Triton language backend NAME gets right.

    Runnable backends run each case and compare with torch; compile-only backends compile each
    case twice (the binaries must be equal and well formed). Cases needing a capability the
    backend does not declare are "unsupported (declared)". Exit status: 0 when no case fails,
    1 when one does, 2 for a usage error (unknown backend, target or group).
    """
    from rich.console import Console

    from flagtree.conformance import load_suite
    from flagtree.conformance.select import describe, select
    from flagtree.conformance.subject import SubjectError, open_subject

    suite = load_suite()
    unknown = sorted(set(groups) - set(suite.groups()))
    if unknown:
        raise click.UsageError(f"unknown feature group(s) {', '.join(unknown)}; "
                               f"groups: {', '.join(suite.groups())}")
    cases = select(suite, groups=groups, match=match, per_group=per_group)
    if list_only:
        for case in cases:
            click.echo(f"{case.group:18} {case.id}")
        return
    if not cases:
        raise click.UsageError("no case matches the selection")
    try:
        subject = open_subject(name, target=target, compile_only=compile_only)
    except SubjectError as exc:
        raise click.UsageError(str(exc)) from None
    console = Console()
    report = _run(subject, cases, describe(groups, match, per_group),
                  Console(stderr=True) if progress else None)
    from flagtree.conformance.report import render, write_json

    render(report, console, verbose=verbose)
    if json_path:
        write_json(report, json_path)
        console.print(f"JSON report: {json_path}", highlight=False)
    sys.exit(1 if report.failed else 0)


def _run(subject, cases, selection: str, progress_console):
    """Run `cases` on `subject` with a progress bar on `progress_console` (None: no bar)."""
    from collections import Counter

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flagtree.conformance.report import Report, versions
    from flagtree.conformance.runner import FAIL, PASS, UNSUPPORTED, run_cases

    counts: Counter = Counter()
    start = time.perf_counter()
    verb = "running" if subject.mode == "run" else "compiling"
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("[green]{task.fields[ok]} pass[/] [red]{task.fields[bad]} fail[/] "
                              "[yellow]{task.fields[unsup]} unsupported[/]"),
                   TimeElapsedColumn(), console=progress_console,
                   disable=progress_console is None, transient=True)

    with bar:
        task = bar.add_task(f"{verb} {subject.name}", total=len(cases), ok=0, bad=0, unsup=0)

        def advance(result):
            counts[result.status] += 1
            bar.update(task, advance=1, ok=counts[PASS], bad=counts[FAIL],
                       unsup=counts[UNSUPPORTED],
                       description=f"{verb} {subject.name}: {result.group}")

        results = run_cases(cases, subject, on_result=advance)
    return Report(subject.name, subject.package, str(subject.target), subject.mode, results,
                  time.perf_counter() - start, selection, subject.capabilities.to_dict(),
                  versions())
