"""`flagtree compile`: precompile kernels for many targets into one archive (flagtree.aot).

`flagtree compile FILE.py:KERNEL -s SIGNATURE -t cpu,cuda:90 -o DIR [-j N]`, a manifest
(`flagtree compile kernels.toml -o DIR`), or `--capture MANIFEST -- python script.py`.
"""

from __future__ import annotations

import sys

import click

EPILOG = """\b
Examples:
  flagtree compile kernels.py:add_kernel -s "*fp32:16, *fp32:16, *fp32:16, i32, 1024" \\
      -t cpu,cuda:80,cuda:90,hip:gfx942 -o build/aot -j 4
  flagtree compile kernels.toml -o build/aot.tar.gz
  flagtree compile --capture captured.toml -- python my_tests.py
See docs/aot.md."""


@click.command("compile", epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("sources", nargs=-1)
@click.option("-s", "--signature", "signatures", multiple=True, metavar="SIGNATURE",
              help="Triton's triton.tools.compile notation, e.g. \"*fp32:16, i32, 1024\" "
                   "(repeat for several specializations).")
@click.option("-t", "--target", "targets", metavar="TARGETS",
              help="Comma-separated: cpu, cpu:<arch>[:<llvm-cpu>], cuda:80, cuda:90, "
                   "hip:gfx942, <backend>:<arch>[:<warp>]. Overrides a manifest's targets.")
@click.option("-o", "--out", metavar="PATH",
              help="Archive to write: a folder, or one .tar / .tar.gz file.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Compile in N processes [default: one per CPU].")
@click.option("--grid", metavar="GX,GY,GZ",
              help="Grid rule for the C launchers, C expressions of the arguments "
                   "(e.g. \"n_elements / 1024, 1, 1\"); without it they take the grid.")
@click.option("--num-warps", type=click.IntRange(min=1), help="Launch option num_warps.")
@click.option("--num-stages", type=click.IntRange(min=1), help="Launch option num_stages.")
@click.option("--num-ctas", type=click.IntRange(min=1), help="Launch option num_ctas.")
@click.option("--capture", metavar="MANIFEST", type=click.Path(dir_okay=False),
              help="Run the command after `--` and record every kernel specialization it "
                   "JIT-compiles into MANIFEST; with --out, compile them too.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def compile_cmd(sources, signatures, targets, out, jobs, grid, num_warps, num_stages, num_ctas,
                capture, quiet):
    """Precompile Triton kernels for many targets into one archive.

    SOURCES are FILE.py:KERNEL or package.module:KERNEL references (with --signature), or
    manifest .toml files. The archive runs with no compiler: flagtree.aot.load(ARCHIVE)."""
    from rich.console import Console

    from flagtree.aot.errors import AOTError

    console = Console(stderr=True, soft_wrap=True)
    try:
        if capture:
            manifest = _capture(capture, sources, console, quiet)
            if out is None:
                return
            sources = (manifest,)
        requests = _requests(sources, signatures, targets, grid,
                             {"num_warps": num_warps, "num_stages": num_stages,
                              "num_ctas": num_ctas})
    except AOTError as exc:
        raise click.UsageError(str(exc)) from None
    if out is None:
        raise click.UsageError("--out is required: where to write the archive")
    from flagtree.aot.archive import check_replaceable

    try:
        check_replaceable(out)
        status = _compile(requests, out, jobs, quiet, console)
    except AOTError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(status)


def _requests(sources, signatures, targets, grid, options):
    from flagtree.aot.batch import Request
    from flagtree.aot.errors import ManifestError
    from flagtree.aot.kernels import absolute_reference
    from flagtree.aot.manifest import load_manifest
    from flagtree.aot.targets import parse_targets

    if not sources:
        raise ManifestError("nothing to compile: give FILE.py:KERNEL, package.module:KERNEL or "
                            "a manifest .toml")
    target_list = parse_targets(targets) if targets else None
    options = {k: v for k, v in options.items() if v is not None}
    requests = []
    for source in sources:
        if source.endswith(".toml"):
            for request in load_manifest(source, target_list):
                requests.append(request if not options else Request(
                    request.ref, request.import_ref, request.signature, request.targets,
                    {**request.options, **options}, request.grid))
            continue
        if not signatures:
            raise ManifestError(f"{source}: --signature is required for a kernel reference")
        if not target_list:
            raise ManifestError(f"{source}: --target is required (e.g. -t cpu,cuda:90)")
        ref = absolute_reference(source)
        requests += [Request(source, ref, s, tuple(target_list), options, grid)
                     for s in signatures]
    return requests


def _compile(requests, out, jobs, quiet, console) -> int:
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from flagtree.aot.batch import compile_requests, default_workers

    workers = jobs or default_workers()
    if quiet:
        report = compile_requests(requests, out, workers)
    else:
        columns = (SpinnerColumn(), TextColumn("{task.description:<32}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console) as progress:
            report = compile_requests(requests, out, workers, progress)
    _summary(report, workers)
    for outcome in report.failed:
        console.print(f"[red]FAILED[/red] {escape(outcome.label)} for {escape(outcome.target)}:"
                      f"\n  {escape(outcome.error)}", highlight=False)
    return 1 if report.failed else 0


def _summary(report, workers) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"flagtree compile: {len(report.outcomes)} job(s), {workers} process(es)")
    for column in ("target", "compiled", "cached", "failed", "time (s)"):
        table.add_column(column, justify="left" if column == "target" else "right")
    totals = {"compiled": 0, "cached": 0, "failed": 0, "seconds": 0.0}
    for target, row in sorted(report.by_target().items()):
        table.add_row(target, str(row["compiled"]), str(row["cached"]),
                      f"[red]{row['failed']}[/red]" if row["failed"] else "0",
                      f"{row['seconds']:.2f}")
        for key in totals:
            totals[key] += row[key]
    table.add_section()
    table.add_row("total (wall)", str(totals["compiled"]), str(totals["cached"]),
                  str(totals["failed"]), f"{report.seconds:.2f}")
    console = Console(width=None if sys.stdout.isatty() else 120)
    console.print(table)
    if report.archive:
        console.print(f"archive: {report.archive}", highlight=False)
    else:
        console.print("no archive written (nothing compiled)", highlight=False)


def _capture(manifest, command, console, quiet) -> str:
    from flagtree.aot.capture import run_capture

    if not command:
        raise click.UsageError("--capture needs a command after `--`, e.g. "
                               "--capture kernels.toml -- python script.py")
    status, count = run_capture(list(command), manifest)
    if not quiet:
        console.print(f"captured {count} specialization(s) into {manifest} "
                      f"(the program exited with status {status})", highlight=False)
    if status != 0:
        raise click.ClickException(f"the captured program failed (exit status {status}); "
                                   f"{manifest} holds what it compiled before that")
    return manifest
