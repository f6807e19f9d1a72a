"""Lowerings of `tt` program and shape ops: returns, calls, program ids, ranges, splats,
broadcasts, reshapes, transposes, cat/join/split and gather (tensor/linalg ops and loops).
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.common import _bind, axis_index
from flagtree.mlir.passes.tt_to_linalg.helpers import (
    element_loop,
    flatten,
    index_loops,
    reshape,
    unflatten,
)
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    elem_text,
    is_ptr,
    tensor_info,
    tensor_text,
    type_text,
)


@lowering("tt.return")
def _return(tr: Translator, op: ir.Operation) -> None:
    vals = [tr.e.get(v) for v in op.operands]
    if vals:
        types = ", ".join(type_text(v.type) for v in op.operands)
        tr.e.op(f"func.return {', '.join(vals)} : {types}", results=0)
    else:
        tr.e.op("func.return", results=0)


@lowering("tt.call")
def _call(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    callee = str(op.attributes["callee"])
    args = [e.get(v) for v in op.operands] + [tr.grid[g] for g in tr.grid]
    in_types = [type_text(v.type) for v in op.operands] + ["i32"] * len(tr.grid)
    out_types = [type_text(r.type) for r in op.results]
    text = f"func.call {callee}({', '.join(args)}) : ({', '.join(in_types)}) -> ({', '.join(out_types)})"
    name = e.op(text, "call", results=len(out_types))
    for k, r in enumerate(op.results):
        e.bind(r, name if len(out_types) == 1 else f"{name}#{k}")


_AXES = {"0": "x", "1": "y", "2": "z"}


def _grid_axis(op: ir.Operation) -> str:
    return _AXES[str(op.attributes["axis"]).split(":")[0].strip()]


@lowering("tt.get_program_id")
def _program_id(tr: Translator, op: ir.Operation) -> None:
    tr.e.bind(op.results[0], tr.grid[f"pid_{_grid_axis(op)}"])


@lowering("tt.get_num_programs")
def _num_programs(tr: Translator, op: ir.Operation) -> None:
    tr.e.bind(op.results[0], tr.grid[f"num_{_grid_axis(op)}"])


@lowering("tt.make_range")
def _make_range(tr: Translator, op: ir.Operation) -> None:
    start = int(str(op.attributes["start"]).split(":")[0])
    end = int(str(op.attributes["end"]).split(":")[0])
    values = ", ".join(str(v) for v in range(start, end))
    t = type_text(op.results[0].type)
    _bind(tr, op, tr.e.const(f"dense<[{values}]>", t))


@lowering("tt.splat")
def _splat(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src = op.operands[0]
    out = type_text(op.results[0].type)
    if tensor_info(src.type):  # splat of a tensor is a broadcast of a 1-element tensor
        _broadcast(tr, op)
        return
    value, vtype = e.get(src), type_text(src.type)
    if is_ptr(src.type):
        value, vtype = e.op(f"llvm.ptrtoint {value} : !llvm.ptr to i64", "addr"), "i64"
    elif vtype == "i1":
        value, vtype = tr.to_element(value, src.type), "i8"
    empty = e.empty(out)
    _bind(tr, op, e.op(f"linalg.fill ins({value} : {vtype}) outs({empty} : {out}) -> {out}",
                       "splat"))


@lowering("tt.broadcast")
def _broadcast(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src, res = tensor_info(op.operands[0].type), tensor_info(op.results[0].type)
    elem = elem_text(res.element)
    rank = len(res.shape)
    dims = ", ".join(f"d{i}" for i in range(rank))
    src_dims = [("0" if s == 1 and r != 1 else f"d{i}") for i, (s, r) in
                enumerate(zip(src.shape, res.shape))]
    out = tensor_text(res.shape, elem)
    empty = e.empty(out)
    iters = ", ".join(['"parallel"'] * rank)
    with e.block(
        f"{(name := e.fresh('bcast'))} = linalg.generic {{indexing_maps = "
        f"[affine_map<({dims}) -> ({', '.join(src_dims)})>, affine_map<({dims}) -> ({dims})>], "
        f"iterator_types = [{iters}]}} ins({e.get(op.operands[0])} : {type_text(op.operands[0].type)}) "
        f"outs({empty} : {out}) {{",
        "} -> " + out + " " + e.loc,
    ):
        with e.dedent():
            e.line(f"^bb0(%in: {elem}, %out: {elem}):")
        e.line("linalg.yield %in : " + elem)
    _bind(tr, op, name)


@lowering("tt.expand_dims", "tt.reshape")
def _reshape(tr: Translator, op: ir.Operation) -> None:
    src, res = tensor_info(op.operands[0].type), tensor_info(op.results[0].type)
    _bind(tr, op, reshape(tr.e, tr.e.get(op.operands[0]), src.shape, res.shape,
                          elem_text(res.element)))


@lowering("tt.unsplat")
def _unsplat(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src = tensor_info(op.operands[0].type)
    c0 = e.index(0)
    idx = ", ".join([c0] * len(src.shape))
    _bind(tr, op, e.op(f"tensor.extract {e.get(op.operands[0])}[{idx}] : "
                       f"{type_text(op.operands[0].type)}", "x"))


@lowering("tt.trans")
def _trans(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    order = str(op.attributes["order"]).split(":", 1)[1].rstrip(">").strip()
    out = type_text(op.results[0].type)
    empty = e.empty(out)
    _bind(tr, op, e.op(f"linalg.transpose ins({e.get(op.operands[0])} : "
                       f"{type_text(op.operands[0].type)}) outs({empty} : {out}) "
                       f"permutation = [{order}]", "t"))


@lowering("tt.cat")
def _cat(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    lhs = tensor_info(op.operands[0].type)
    res = tensor_info(op.results[0].type)
    out = type_text(op.results[0].type)
    in_t = type_text(op.operands[0].type)
    # Both operands are viewed flat and written one after the other.
    n = lhs.numel
    elem = elem_text(res.element)
    flat_t = tensor_text((2 * n,), elem)
    acc = e.empty(flat_t)
    for k, v in enumerate(op.operands):
        src = flatten(e, e.get(v), lhs.shape, elem)
        acc = e.op(f"tensor.insert_slice {src} into {acc}[{k * n}] [{n}] [1] : "
                   f"{tensor_text((n,), elem)} into {flat_t}", "cat")
    del in_t, out
    _bind(tr, op, unflatten(e, acc, res.shape, elem))


@lowering("tt.join")
def _join(tr: Translator, op: ir.Operation) -> None:
    """result[..., k] = (lhs, rhs)[k], element by element (no strided slice copies)."""
    e = tr.e
    res = tensor_info(op.results[0].type)
    out = type_text(op.results[0].type)
    in_t = type_text(op.operands[0].type)
    srcs = [e.get(v) for v in op.operands]

    def body(indices: list[str], acc: str) -> str:
        inner = ", ".join(indices[:-1])
        k = indices[-1]
        a = e.op(f"tensor.extract {srcs[0]}[{inner}] : {in_t}", "a")
        b = e.op(f"tensor.extract {srcs[1]}[{inner}] : {in_t}", "b")
        first = e.op(f"arith.cmpi eq, {k}, {e.index(0)} : index", "k0")
        v = e.op(f"arith.select {first}, {a}, {b} : {elem_text(res.element)}", "v")
        return e.op(f"tensor.insert {v} into {acc}[{', '.join(indices)}] : {out}", "ins")

    _bind(tr, op, index_loops(e, res.shape, body, (e.empty(out), out)))


@lowering("tt.split")
def _split(tr: Translator, op: ir.Operation) -> None:
    """Each half `src[..., k]` as its own tile (no strided slice copies)."""
    e = tr.e
    src = tensor_info(op.operands[0].type)
    out = type_text(op.results[0].type)
    src_t = type_text(op.operands[0].type)
    for k in range(2):
        def body(indices: list[str], acc: str, k=k) -> str:
            x = e.op(f"tensor.extract {e.get(op.operands[0])}[{', '.join(indices)}, {e.index(k)}] "
                     f": {src_t}", "x")
            return e.op(f"tensor.insert {x} into {acc}[{', '.join(indices)}] : {out}", "ins")

        _bind(tr, op, index_loops(e, src.shape[:-1], body, (e.empty(out), out)), k)


@lowering("tt.gather")
def _gather(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src, idx = op.operands
    axis = axis_index(op)
    si, ii = tensor_info(src.type), tensor_info(idx.type)
    elem = elem_text(si.element)
    it = str(ii.element)
    n = ii.numel
    flat_t = tensor_text((n,), elem)
    idx_flat = flatten(e, e.get(idx), ii.shape, it)
    src_flat = flatten(e, e.get(src), si.shape, elem)
    # Strides of the source and of the index tensor (row-major).

    def strides(shape):
        out, acc = [], 1
        for d in reversed(shape):
            out.append(acc)
            acc *= d
        return list(reversed(out))
    s_str, i_str = strides(si.shape), strides(ii.shape)
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        k = e.op(f"tensor.extract {idx_flat}[{i}] : {tensor_text((n,), it)}", "k")
        k = e.op(f"arith.index_cast {k} : {it} to index", "k")
        pos = e.index(0)
        rem = i
        for d, (istr, sstr) in enumerate(zip(i_str, s_str)):
            cd = e.index(istr)
            coord = e.op(f"arith.divui {rem}, {cd} : index", "q")
            rem = e.op(f"arith.remui {rem}, {cd} : index", "r")
            coord = k if d == axis else coord
            term = e.op(f"arith.muli {coord}, {e.index(sstr)} : index", "t")
            pos = e.op(f"arith.addi {pos}, {term} : index", "pos")
        v = e.op(f"tensor.extract {src_flat}[{pos}] : {tensor_text((si.numel,), elem)}", "v")
        e.line(f"scf.yield {e.op(f'tensor.insert {v} into {acc}[{i}] : {flat_t}', 'ins')} : {flat_t}")
    e.bind(op.results[0], unflatten(e, e.last_loop, ii.shape, elem))
