"""The `flagtree` command line: one click group whose subcommands live in their own modules.

Subcommands are imported only when used, so `flagtree info` does not pay for the compiler.
"""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command; each module owns one subcommand.
SUBCOMMANDS = {
    "info": "flagtree.cli.info:info",
    "compile": "flagtree.cli.compile:compile_cmd",
    "inspect": "flagtree.cli.inspect:inspect_cmd",
    "backend": "flagtree.cli.backend:backend",
    "conformance": "flagtree.cli.conformance:conformance",
}


class _LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx):
        return [name for name in SUBCOMMANDS if self._load(name) is not None]

    def get_command(self, ctx, name):
        return self._load(name)

    @staticmethod
    def _load(name):
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # subcommand not shipped in this build
                return None
            raise
        return getattr(module, attr)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flagtree")
def main():
    """flagtree: compile Triton kernels for many backends."""


if __name__ == "__main__":
    main()
