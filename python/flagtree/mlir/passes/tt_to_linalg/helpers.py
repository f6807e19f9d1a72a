"""Reusable emission idioms for `tt-to-linalg`: flattening, loops over elements, generics.

Memory ops run as one `scf.for` over the flattened elements; shape ops use tensor/linalg.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

from flagtree.mlir.passes.tt_to_linalg.emitter import Emitter
from flagtree.mlir.passes.tt_to_linalg.types import tensor_text


def flatten(e: Emitter, name: str, shape: tuple[int, ...], elem: str) -> str:
    """A rank-1 view of a tensor value (no-op for rank 1)."""
    if len(shape) == 1:
        return name
    n = 1
    for d in shape:
        n *= d
    group = ", ".join(str(i) for i in range(len(shape)))
    return e.op(f"tensor.collapse_shape {name} [[{group}]] : "
                f"{tensor_text(shape, elem)} into {tensor_text((n,), elem)}", "flat")


def unflatten(e: Emitter, name: str, shape: tuple[int, ...], elem: str) -> str:
    """Reshape a rank-1 tensor to `shape` (no-op for rank 1)."""
    if len(shape) == 1:
        return name
    n = 1
    for d in shape:
        n *= d
    group = ", ".join(str(i) for i in range(len(shape)))
    dims = ", ".join(str(d) for d in shape)
    return e.op(f"tensor.expand_shape {name} [[{group}]] output_shape [{dims}] : "
                f"{tensor_text((n,), elem)} into {tensor_text(shape, elem)}", "shaped")


def reshape(e: Emitter, name: str, src: tuple[int, ...], dst: tuple[int, ...], elem: str) -> str:
    """Any reshape with the same element count, through rank 1."""
    if src == dst:
        return name
    return unflatten(e, flatten(e, name, src, elem), dst, elem)


@contextlib.contextmanager
def element_loop(e: Emitter, n: int, carried: list[tuple[str, str]] | None = None,
                 results: int = 0) -> Iterator[tuple[str, list[str]]]:
    """`scf.for %i = 0 to n` carrying `(init, type)` values; yields (index, carried names).

    The body must end with `scf.yield` of the carried values (when there are any).
    The loop's results are bound by the caller from `e.last_loop`.
    """
    carried = carried or []
    c0, cn, c1 = e.index(0), e.index(n), e.index(1)
    i = e.fresh("i")
    names = [e.fresh("it") for _ in carried]
    iters = ""
    if carried:
        inits = ", ".join(f"{nm} = {init}" for nm, (init, _) in zip(names, carried))
        types = ", ".join(t for _, t in carried)
        iters = f" iter_args({inits}) -> ({types})"
    res = e.fresh("loop")
    lhs = (f"{res}:{len(carried)} = " if len(carried) > 1 else f"{res} = ") if carried else ""
    e.last_loop = res
    with e.block(f"{lhs}scf.for {i} = {c0} to {cn} step {c1}{iters} {{", "} " + e.loc):
        yield i, names


def result_names(name: str, count: int) -> list[str]:
    return [name] if count == 1 else [f"{name}#{k}" for k in range(count)]



def index_loops(e: Emitter, shape: tuple[int, ...], body, carried: tuple[str, str] | None = None
                ) -> str | None:
    """Nested `scf.for` over every index of `shape` (last dimension innermost).

    `body(indices, acc)` emits the innermost body; with `carried=(init, type)` it returns the
    updated value, threaded through every loop level; returns the outermost result.
    """

    def level(depth: int, acc: str | None, indices: list[str]) -> str | None:
        if depth == len(shape):
            return body(indices, acc)
        c0, cn, c1 = e.index(0), e.index(shape[depth]), e.index(1)
        i = e.fresh("i")
        if carried is None:
            with e.block(f"scf.for {i} = {c0} to {cn} step {c1} {{", "} " + e.loc):
                level(depth + 1, None, indices + [i])
            return None
        it, res = e.fresh("it"), e.fresh("loop")
        with e.block(f"{res} = scf.for {i} = {c0} to {cn} step {c1} iter_args({it} = {acc}) "
                     f"-> ({carried[1]}) {{", "} " + e.loc):
            new = level(depth + 1, it, indices + [i])
            e.line(f"scf.yield {new} : {carried[1]}")
        return res

    return level(0, carried[0] if carried else None, [])
