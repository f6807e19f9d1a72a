"""The `tt-apply-hints` pass: turns `#@hint:` comments into attributes on TTIR ops.

Reads each op's source file and line from its location (flagtree.hints finds the comments) and
sets what the named backend understands; hints a backend lacks warn once and are dropped.
"""

from __future__ import annotations

import re

from mlir import ir

from flagtree import hints as hint_table

ARGUMENT = "tt-apply-hints"
SUMMARY = "Attach `#@hint:` source comments to the TTIR ops of their line, for one backend."
OPTIONS = {"backend": "the backend whose meaning of each hint applies (cpu, nvidia, amd, ...)"}

# The ops a hint can sit on (a `tl.load`/`tl.store`/`tl.dot` call or a `for` statement).
_HINTABLE = {"tt.load", "tt.store", "tt.dot", "scf.for"}
_CACHE_MODIFIER = re.compile(r"cache_modifier\s*=\s*(\w+)")


def file_line(loc: ir.Location) -> tuple[str, int] | None:
    """The source file and line a location names (through names, call sites and fusions)."""
    while True:
        if loc.is_a_file():
            return loc.filename, loc.start_line
        if loc.is_a_name():
            loc = loc.child_loc
        elif loc.is_a_callsite():
            loc = loc.callee
        elif loc.is_a_fused():
            inner = [file_line(sub) for sub in loc.locations]
            inner = [x for x in inner if x is not None]
            return inner[0] if inner else None
        else:
            return None


def _positive_int(hint: hint_table.Hint) -> int:
    try:
        value = int(hint.value or "")
    except ValueError:
        value = 0
    if value <= 0:
        raise ValueError(f"hint '{hint}' needs a positive integer value, e.g. {hint.name}=4")
    return value


def _i32(value: int) -> ir.Attribute:
    return ir.IntegerAttr.get(ir.IntegerType.get_signless(32), value)


def _set_eviction(op: ir.Operation, policy: str) -> None:
    """Set the eviction policy of a tt.load/tt.store, keeping its cache modifier."""
    modifier = "none"
    if "cachePolicy" in op.attributes:
        found = _CACHE_MODIFIER.search(str(op.attributes["cachePolicy"]))
        modifier = found.group(1) if found else modifier
    op.attributes["cachePolicy"] = ir.Attribute.parse(
        f"#tt.cache_policy<cache_modifier = {modifier}, eviction_policy = {policy}>")


def _apply(op: ir.Operation, hint: hint_table.Hint, backend: str) -> None:
    """Set the attributes that carry `hint` on `op` for `backend`."""
    name = hint.name
    if name == "unroll":
        op.attributes["tt.loop_unroll_factor"] = _i32(_positive_int(hint))
    elif name == "num_stages":
        value = _positive_int(hint)
        if backend in ("nvidia", "amd"):
            op.attributes["tt.num_stages"] = _i32(value)
        else:
            hint_table.warn_once(backend, name, "is not implemented")
    elif name in ("evict_first", "evict_last", "nontemporal"):
        if backend == "cpu":
            # Streaming stores; loads keep the default cache behaviour (nothing to warn about:
            # a hint on a line with a load and a store is meant for the store).
            if op.name == "tt.store" and name != "evict_last":
                op.attributes["flagtree.nontemporal"] = ir.UnitAttr.get()
        else:
            _set_eviction(op, "evict_first" if name == "nontemporal" else name)
    else:
        hint_table.warn_once(backend, name, "is not implemented")


def run(op: ir.Operation, backend: str = "cpu") -> None:
    """Attach the hints written on each hintable op's source line, for `backend`."""
    targets: list[tuple[ir.Operation, list[hint_table.Hint]]] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name in _HINTABLE:
            where = file_line(nested.location)
            if where is not None:
                found = hint_table.hints_in_file(where[0]).get(where[1])
                if found:
                    targets.append((nested, found))
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    with op.context:
        _attach(targets, backend)


def _attach(targets, backend: str) -> None:
    for nested, found in targets:
        applied = []
        for hint in found:
            info = hint_table.HINTS.get(hint.name)
            if info is None:
                hint_table.warn_once(backend, hint.name, "is unknown")
                continue
            if nested.name not in info.ops:
                continue
            try:
                _apply(nested, hint, backend)
            except ValueError as exc:
                exc.op = nested  # the pass manager reports the op's location
                raise
            applied.append(ir.StringAttr.get(str(hint)))
        if applied:
            nested.attributes["flagtree.hints"] = ir.ArrayAttr.get(applied)
