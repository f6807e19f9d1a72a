"""Lowering of `tt.dot` (a linalg.generic over (m, k, n)), and the ops the CPU lowering
refuses (GPU inline assembly, dot_scaled) with a clear error.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.helpers import (
    index_loops,
)
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    LoweringError,
    element_type,
    tensor_info,
    tensor_text,
    type_text,
)


def _promote(e, value: str, src: str, dst: str) -> str:
    """Convert an operand element to the accumulator's type (as tl.dot does)."""
    if src == dst:
        return value
    if dst.startswith("f") or dst.startswith("bf"):
        if src.startswith("f") or src.startswith("bf"):
            return e.op(f"arith.extf {value} : {src} to {dst}", "x")
        return e.op(f"arith.sitofp {value} : {src} to {dst}", "x")
    return e.op(f"arith.extsi {value} : {src} to {dst}", "x")


def _convert_tile(tr: Translator, v: ir.Value, src: str, dst: str) -> tuple[str, str]:
    """`v` with elements converted to `dst` (unchanged when already `dst`): name and type."""
    e = tr.e
    shape = tensor_info(v.type).shape
    if src == dst:
        return e.get(v), type_text(v.type)
    out_t = tensor_text(shape, dst)
    in_t = type_text(v.type)

    def body(indices: list[str], acc: str) -> str:
        ix = ", ".join(indices)
        x = e.op(f"tensor.extract {e.get(v)}[{ix}] : {in_t}", "x")
        return e.op(f"tensor.insert {_promote(e, x, src, dst)} into {acc}[{ix}] : {out_t}", "ins")

    return index_loops(e, shape, body, (e.empty(out_t), out_t)), out_t


@lowering("tt.dot")
def _dot(tr: Translator, op: ir.Operation) -> None:
    """d = a @ b + c as a linalg.generic iterating (batch, m, k, n): the innermost loop runs
    along rows of b and c, so it vectorizes as fused multiply-adds."""
    e = tr.e
    a, b, c = op.operands
    rank = len(tensor_info(a.type).shape)
    at, bt, ct = (str(element_type(v.type)) for v in (a, b, c))
    # Operands narrower than the accumulator (f16/bf16/int8) are converted once per tile,
    # not once per multiply-add (a loop nest, which elementwise fusion leaves alone).
    a_name, a_t = _convert_tile(tr, a, at, ct)
    b_name, b_t = _convert_tile(tr, b, bt, ct)
    at, bt = ct, ct
    batch = "d0, " if rank == 3 else ""
    dims = "d0, d1, d2, d3" if rank == 3 else "d0, d1, d2"
    m, k, n = ("d1", "d2", "d3") if rank == 3 else ("d0", "d1", "d2")
    maps = (f"affine_map<({dims}) -> ({batch}{m}, {k})>, affine_map<({dims}) -> ({batch}{k}, {n})>, "
            f"affine_map<({dims}) -> ({batch}{m}, {n})>")
    iters = ('"parallel", ' if rank == 3 else "") + '"parallel", "reduction", "parallel"'
    is_float = ct.startswith("f") or ct.startswith("bf")
    fm = " fastmath<contract>" if is_float else ""
    name = e.fresh("dot")
    with e.block(f"{name} = linalg.generic {{indexing_maps = [{maps}], iterator_types = [{iters}]}} "
                 f"ins({a_name}, {b_name} : {a_t}, {b_t}) "
                 f"outs({e.get(c)} : {type_text(c.type)}) {{", "} -> " + type_text(c.type) + " " + e.loc):
        with e.dedent():
            e.line(f"^bb0(%a: {at}, %b: {bt}, %acc: {ct}):")
        x = _promote(e, "%a", at, ct)
        y = _promote(e, "%b", bt, ct)
        if is_float:
            prod = e.op(f"arith.mulf {x}, {y}{fm} : {ct}", "p")
            total = e.op(f"arith.addf %acc, {prod}{fm} : {ct}", "s")
        else:
            prod = e.op(f"arith.muli {x}, {y} : {ct}", "p")
            total = e.op(f"arith.addi %acc, {prod} : {ct}", "s")
        e.line(f"linalg.yield {total} : {ct}")
    e.bind(op.results[0], name)


@lowering("tt.dot_scaled", "tt.elementwise_inline_asm")
def _unsupported(tr: Translator, op: ir.Operation) -> None:
    raise LoweringError(f"'{op.name}' is not supported by the CPU lowering yet", op)
