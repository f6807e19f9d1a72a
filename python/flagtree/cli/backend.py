"""`flagtree backend`: commands for backend authors; `flagtree backend new NAME --out DIR`
scaffolds an installable backend package (python/flagtree/scaffold).
"""

from __future__ import annotations

import click


@click.group("backend")
def backend():
    """Create and inspect flagtree backends."""


@backend.command("new")
@click.argument("name")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False), default=None,
              help="Folder to create the package in (default: ./NAME-flagtree).")
@click.option("--target", metavar="KIND", default=None,
              help="Triton target kind the backend compiles for (default: NAME).")
@click.option("--arch", default="v1", show_default=True, help="The target's architecture name.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder.")
def new(name, out, target, arch, force):
    """Scaffold the installable backend package NAME: pyproject.toml with its entry points, the
    backend (on flagtree's cpu reference lowering, so it runs at once), one pass at an anchor,
    a lit test for it, tests calling the conformance kit, and a README."""
    from flagtree.scaffold import ScaffoldError, generate, names_for

    try:
        names = names_for(name, target=target, arch=arch)
        out = out or names.dist
        files = generate(name, out, target=target, arch=arch, force=force)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {out}: {exc}") from None
    click.echo(f"Created backend '{names.name}' (package {names.dist}, target "
               f"{names.target}:{names.arch}) in {out}: {len(files)} files.")
    click.echo("Next:")
    click.echo(f"  pip install -e {out}")
    click.echo(f"  flagtree conformance --backend {names.name}")
    click.echo(f"  FLAGTREE_BACKEND={names.name} python your_triton_script.py")
