"""`flagtree inspect ARCHIVE [--verify]`: what a `flagtree compile` archive holds.

Lists kernels, specializations, targets, sizes and versions; `--verify` re-checks every file's
sha256 and exits with status 1 naming each bad entry.
"""

from __future__ import annotations

import sys

import click


@click.command("inspect", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("archive", type=click.Path())
@click.option("--verify", is_flag=True, help="Check every file's size and sha256.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
def inspect_cmd(archive, verify, as_json):
    """List the kernels of ARCHIVE (a folder or a .tar/.tar.gz written by `flagtree compile`)."""
    import json

    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from flagtree.aot.archive import Archive
    from flagtree.aot.errors import ArchiveError

    console = Console(width=None if sys.stdout.isatty() else 200)
    errors = Console(stderr=True, soft_wrap=True)
    try:
        opened = Archive(archive)
    except ArchiveError as exc:
        errors.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(opened.manifest, indent=1, sort_keys=True))
    else:
        versions = ", ".join(f"{k} {v}" for k, v in sorted(opened.manifest["created_by"].items()))
        table = Table(title=f"{escape(opened.path)}: {len(opened.entries)} entries ({versions})")
        for column in ("kernel", "signature", "target", "symbol", "binary", "size", "launch"):
            table.add_column(column, justify="right" if column == "size" else "left",
                             no_wrap=column != "signature")
        for entry in opened.entries:
            binary = entry["files"].get("binary", "")
            size = opened.files.get(binary, {}).get("size", 0)
            launch = entry["launch"]
            table.add_row(escape(entry["kernel"]), escape(entry["signature"]),
                          escape(entry["target_name"]), escape(entry["symbol"]),
                          escape(binary.rsplit(".", 1)[-1]), f"{size:,}",
                          f"warps={launch.get('num_warps')} shared={launch.get('shared')}")
        console.print(table)
        total = sum(info["size"] for info in opened.files.values())
        console.print(f"{len(opened.files)} files, {total:,} bytes", highlight=False)
    if verify:
        problems = opened.verify()
        for who, what in problems:
            errors.print(f"[red]BAD[/red] {escape(who)}: {escape(what)}", highlight=False)
        if problems:
            errors.print(f"{len(problems)} problem(s): the archive must not be used",
                         highlight=False)
            sys.exit(1)
        console.print(f"verified: all {len(opened.files)} files match their sha256",
                      highlight=False)
