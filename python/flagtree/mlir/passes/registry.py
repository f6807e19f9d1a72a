"""The table of flagtree passes: argument name -> options and the function that runs it.

`flagtree-opt --help` lists it; `add_pass` puts a pass into an `mlir.passmanager.PassManager`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mlir import ir, passmanager

from flagtree.mlir.passes import (
    define_intrinsics,
    expand_math,
    loop_carried_in_place,
    loop_stack_restore,
    tt_apply_hints,
    tt_strip_debug_ops,
    tt_to_linalg,
)


@dataclass(frozen=True)
class PassInfo:
    """One flagtree pass: its argument, summary, options (name -> help) and entry point."""

    argument: str
    summary: str
    options: dict[str, str]
    run: Callable[..., None]


PASSES: dict[str, PassInfo] = {
    info.argument: info
    for info in (
        PassInfo(
            tt_strip_debug_ops.ARGUMENT,
            tt_strip_debug_ops.SUMMARY,
            tt_strip_debug_ops.OPTIONS,
            tt_strip_debug_ops.run,
        ),
        PassInfo(
            tt_apply_hints.ARGUMENT,
            tt_apply_hints.SUMMARY,
            tt_apply_hints.OPTIONS,
            tt_apply_hints.run,
        ),
        PassInfo(tt_to_linalg.ARGUMENT, tt_to_linalg.SUMMARY, tt_to_linalg.OPTIONS, tt_to_linalg.run),
        PassInfo(
            loop_carried_in_place.ARGUMENT,
            loop_carried_in_place.SUMMARY,
            loop_carried_in_place.OPTIONS,
            loop_carried_in_place.run,
        ),
        PassInfo(
            loop_stack_restore.ARGUMENT,
            loop_stack_restore.SUMMARY,
            loop_stack_restore.OPTIONS,
            loop_stack_restore.run,
        ),
        PassInfo(expand_math.ARGUMENT, expand_math.SUMMARY, expand_math.OPTIONS, expand_math.run),
        PassInfo(
            define_intrinsics.ARGUMENT,
            define_intrinsics.SUMMARY,
            define_intrinsics.OPTIONS,
            define_intrinsics.run,
        ),
    )
}


class PassOptionError(ValueError):
    """A pass option that the pass does not declare, or with a malformed value."""


def parse_options(info: PassInfo, text: str) -> dict[str, str]:
    """Parse mlir-opt style options `a=1 b=true` (space separated) for `info`."""
    options: dict[str, str] = {}
    for item in text.split():
        name, sep, value = item.partition("=")
        if not sep or name not in info.options:
            known = ", ".join(sorted(info.options)) or "none"
            raise PassOptionError(
                f"pass '{info.argument}' has no option '{item}' (options: {known})"
            )
        options[name] = value
    return options


def add_pass(
    pm: passmanager.PassManager,
    argument: str,
    options: str = "",
    on_error: Callable[[str, "ir.Location | None"], None] | None = None,
    *,
    info: PassInfo | None = None,
    owner: str = "",
) -> None:
    """Append flagtree pass `argument` (with mlir-opt style `options`) to module-level `pm`;
    `info` gives a pass that is not flagtree's own (a backend's), `owner` names its backend in
    messages.

    A Python exception inside the pass fails the pass (never the process); its message and
    the location of the op it names (if any) go to `on_error`.
    """
    info = info or PASSES[argument]
    parsed = parse_options(info, options)

    def run(op: ir.Operation, pass_) -> None:
        try:
            info.run(op, **parsed)
        except Exception as exc:  # noqa: BLE001 - reported as a pass failure
            where = getattr(exc, "op", None)
            if on_error:
                on_error(f"pass '{argument}'{owner} failed: {exc}",
                         where.location if where is not None else None)
            pass_.signal_pass_failure()

    pm.add(run, name=argument)
