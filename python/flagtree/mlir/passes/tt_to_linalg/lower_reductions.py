"""Lowerings of `tt` ops with combine regions: reduce, scan, map_elementwise, histogram.
Combine regions are translated in place with the same translator, so any body works.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.common import axis_index
from flagtree.mlir.passes.tt_to_linalg.helpers import (
    element_loop,
    flatten,
    index_loops,
    unflatten,
)
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    elem_text,
    element_type,
    scalar_text,
    tensor_info,
    tensor_text,
    type_text,
)


def _combine_body(tr: Translator, region: ir.Region, acc: list[str], new: list[str],
                  reassociate: bool = False) -> list[str]:
    """Translate a reduce/scan combine region with its arguments bound to (acc..., new...).

    With `reassociate`, float ops get `fastmath<reassoc, contract>`: Triton leaves the order
    of a reduction unspecified (GPUs reduce as a tree), and LLVM then vectorizes it.
    """
    block = region.blocks[0]
    args = list(block.arguments)
    n = len(acc)
    for k, arg in enumerate(args):
        tr.e.bind(arg, acc[k] if k < n else new[k - n])
    ops = list(block.operations)
    saved, tr.reassociate = tr.reassociate, reassociate
    try:
        for op in ops[:-1]:
            tr.operation(op.operation)
    finally:
        tr.reassociate = saved
    return [tr.e.get(v) for v in ops[-1].operation.operands]


def _first_along(tr, src: str, src_t: str, shape: tuple, axis: int, elem: str, out_t: str,
                 out_shape: tuple) -> str:
    """The slice `src[..., 0, ...]` along `axis` as a fresh tile (a loop nest, so a strided
    slice never becomes a runtime memref copy)."""
    e = tr.e
    if not out_shape:
        c0 = e.index(0)
        x = e.op(f"tensor.extract {src}[{c0}] : {src_t}", "x")
        return e.op(f"tensor.from_elements {x} : {out_t}", "init")

    def body(indices: list[str], acc: str) -> str:
        full = list(indices)
        full.insert(axis, e.index(0))
        x = e.op(f"tensor.extract {src}[{', '.join(full)}] : {src_t}", "x")
        return e.op(f"tensor.insert {x} into {acc}[{', '.join(indices)}] : {out_t}", "ins")

    return index_loops(e, out_shape, body, (e.empty(out_t), out_t))


# Reductions along the innermost axis at least this long run in two stages (see _reduce).
_LANES = 16


def _reduce_values(tr: Translator, op: ir.Operation, values: list[str], shape: tuple[int, ...],
                   axis: int, reassociate: bool) -> tuple[list[str], list[str]]:
    """linalg.reduce of the tiles `values` (of `shape`) along `axis` with op's combine region,
    seeded with element 0; returns (result names, result types), rank-0 tensors included."""
    e = tr.e
    srcs = list(op.operands)
    etypes = [element_type(v.type) for v in srcs]
    elems = [elem_text(t) for t in etypes]
    r = shape[axis]
    out_shape = shape[:axis] + shape[axis + 1:]
    inits, rests, out_types = [], [], []
    for value, elem in zip(values, elems):
        in_t = tensor_text(shape, elem)
        out_t = tensor_text(out_shape, elem)
        out_types.append(out_t)
        inits.append(_first_along(tr, value, in_t, shape, axis, elem, out_t, out_shape))
        if r > 1:
            offs = [0] * len(shape)
            offs[axis] = 1
            sizes = list(shape)
            sizes[axis] = r - 1
            rest_t = tensor_text(tuple(sizes), elem)
            rests.append((e.op(f"tensor.extract_slice {value}[{', '.join(map(str, offs))}] "
                               f"[{', '.join(map(str, sizes))}] [{', '.join('1' for _ in shape)}] : "
                               f"{in_t} to {rest_t}", "rest"), rest_t))
    if r == 1:
        return inits, out_types
    n = len(srcs)
    name = e.fresh("red")
    lhs = f"{name}:{n}" if n > 1 else name
    with e.block(f"{lhs} = linalg.reduce ins({', '.join(x for x, _ in rests)} : "
                 f"{', '.join(t for _, t in rests)}) outs({', '.join(inits)} : "
                 f"{', '.join(out_types)}) dimensions = [{axis}]", e.loc):
        with e.block("(" + ", ".join(f"%in{k}: {el}" for k, el in enumerate(elems)) + ", "
                     + ", ".join(f"%acc{k}: {el}" for k, el in enumerate(elems)) + ") {", "}"):
            # Triton's combine takes (accumulated..., new...).
            vals = _combine_body(tr, op.regions[0],
                                 [tr.to_scalar(f"%acc{k}", etypes[k]) for k in range(n)],
                                 [tr.to_scalar(f"%in{k}", etypes[k]) for k in range(n)],
                                 reassociate=reassociate)
            vals = [tr.to_element(v, t) for v, t in zip(vals, etypes)]
            e.line(f"linalg.yield {', '.join(vals)} : {', '.join(elems)}")
    return ([name] if n == 1 else [f"{name}#{k}" for k in range(n)]), out_types


def _vectorizes_as_chain(op: ir.Operation) -> bool:
    """A single-result combine that is one reassociable op (a sum, a product, a bitwise
    reduction): LLVM vectorizes the plain reduction loop, so no second stage is needed."""
    block = op.regions[0].blocks[0]
    ops = [o.operation.name for o in block.operations]
    return len(op.operands) == 1 and len(ops) == 2 and ops[0] in (
        "arith.addf", "arith.mulf", "arith.addi", "arith.muli", "arith.andi", "arith.ori",
        "arith.xori")


@lowering("tt.reduce")
def _reduce(tr: Translator, op: ir.Operation) -> None:
    """linalg.reduce over elements 1..R-1 of the axis, starting from element 0.

    Along the innermost axis, a long reduction runs in two stages: R elements are viewed as
    (R/16, 16), reduced across rows first (16 independent lanes: vector code for any combine,
    max/min included, which LLVM will not vectorize as one chain), then across the 16 lanes.
    Triton leaves the order of a reduction open, as GPUs reduce in trees.
    """
    e = tr.e
    srcs = list(op.operands)
    axis = axis_index(op)
    shape = tuple(tensor_info(srcs[0].type).shape)
    elems = [elem_text(element_type(v.type)) for v in srcs]
    values = [e.get(v) for v in srcs]
    last = axis == len(shape) - 1
    r = shape[axis]
    if last and r >= 2 * _LANES and r % _LANES == 0 and not _vectorizes_as_chain(op):
        split = shape[:-1] + (r // _LANES, _LANES)
        group = ", ".join(str(i) for i in range(len(shape) - 1))
        reassoc = f"[{group}], [{len(shape) - 1}, {len(shape)}]" if group else "[0, 1]"
        values = [e.op(f"tensor.expand_shape {v} [{reassoc}] output_shape "
                       f"[{', '.join(map(str, split))}] : {tensor_text(shape, el)} into "
                       f"{tensor_text(split, el)}", "lanes") for v, el in zip(values, elems)]
        values, _ = _reduce_values(tr, op, values, split, len(split) - 2, reassociate=False)
        shape = shape[:-1] + (_LANES,)
    results, out_types = _reduce_values(tr, op, values, shape, axis, reassociate=last)
    out_shape = shape[:axis] + shape[axis + 1:]
    for k, res in enumerate(op.results):
        name = results[k]
        if not out_shape:  # a scalar: booleans are stored as i8 in tensors, used as i1
            name = tr.to_scalar(e.op(f"tensor.extract {name}[] : {out_types[k]}", "x"),
                                element_type(srcs[k].type))
        e.bind(res, name)


@lowering("tt.scan")
def _scan(tr: Translator, op: ir.Operation) -> None:
    """Sequential scan along the axis for every position of the other dimensions."""
    e = tr.e
    srcs = list(op.operands)
    axis = axis_index(op)
    reverse = str(op.attributes["reverse"]) == "true"
    info = tensor_info(srcs[0].type)
    shape = list(info.shape)
    r = shape[axis]
    inner = 1
    for d in shape[axis + 1:]:
        inner *= d
    outer = info.numel // (r * inner)
    n = info.numel
    elems = [elem_text(element_type(v.type)) for v in srcs]
    flats = [flatten(e, e.get(v), info.shape, el) for v, el in zip(srcs, elems)]
    flat_ts = [tensor_text((n,), el) for el in elems]
    inits = [e.empty(t) for t in flat_ts]
    c_r, c_inner, c_rm1 = e.index(r), e.index(inner), e.index(r - 1)
    # Outer loop over (outer x inner) lines; inner loop walks the axis carrying the prefix.
    with element_loop(e, outer * inner, list(zip(inits, flat_ts))) as (line, accs):
        final = e.last_loop
        outer_i = e.op(f"arith.divui {line}, {c_inner} : index", "o")
        inner_i = e.op(f"arith.remui {line}, {c_inner} : index", "in")
        base = e.op(f"arith.muli {outer_i}, {c_r} : index", "b")
        base = e.op(f"arith.muli {base}, {c_inner} : index", "b")
        base = e.op(f"arith.addi {base}, {inner_i} : index", "b")
        carried = list(zip(accs, flat_ts))
        with element_loop(e, r, carried) as (step, accs2):
            pos = e.op(f"arith.subi {c_rm1}, {step} : index", "k") if reverse else step
            off = e.op(f"arith.muli {pos}, {c_inner} : index", "off")
            idx = e.op(f"arith.addi {base}, {off} : index", "idx")
            etypes = [element_type(v.type) for v in srcs]
            xs = [tr.to_scalar(e.op(f"tensor.extract {f}[{idx}] : {t}", "x"), et)
                  for f, t, et in zip(flats, flat_ts, etypes)]
            first = e.op(f"arith.cmpi eq, {step}, {e.index(0)} : index", "first")
            prev_off = e.op(f"arith.subi {off}, {c_inner} : index", "po") if not reverse else \
                e.op(f"arith.addi {off}, {c_inner} : index", "po")
            res_name = e.fresh("scan")
            types = ", ".join(str(t) for t in etypes)
            lhs = f"{res_name}:{len(srcs)}" if len(srcs) > 1 else res_name
            with e.block(f"{lhs} = scf.if {first} -> ({types}) {{", "}"):
                e.line(f"scf.yield {', '.join(xs)} : {types}")
                with e.dedent():
                    e.line("} else {")
                pidx = e.op(f"arith.addi {base}, {prev_off} : index", "pidx")
                prevs = [tr.to_scalar(e.op(f"tensor.extract {a}[{pidx}] : {t}", "prev"), et)
                         for a, t, et in zip(accs2, flat_ts, etypes)]
                vals = _combine_body(tr, op.regions[0], prevs, xs)
                e.line(f"scf.yield {', '.join(vals)} : {types}")
            outs = [res_name] if len(srcs) == 1 else [f"{res_name}#{k}" for k in range(len(srcs))]
            outs = [tr.to_element(v, et) for v, et in zip(outs, etypes)]
            new_accs = [e.op(f"tensor.insert {v} into {a}[{idx}] : {t}", "ins")
                        for v, a, t in zip(outs, accs2, flat_ts)]
            e.line(f"scf.yield {', '.join(new_accs)} : {', '.join(flat_ts)}")
        inner_res = e.last_loop
        outs = [inner_res] if len(srcs) == 1 else [f"{inner_res}#{k}" for k in range(len(srcs))]
        e.line(f"scf.yield {', '.join(outs)} : {', '.join(flat_ts)}")
    outs = [final] if len(srcs) == 1 else [f"{final}#{k}" for k in range(len(srcs))]
    for k, res in enumerate(op.results):
        e.bind(res, unflatten(e, outs[k], info.shape, elems[k]))


@lowering("tt.histogram")
def _histogram(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    src = operands[0]
    mask = operands[1] if len(operands) > 1 else None
    si, ri = tensor_info(src.type), tensor_info(op.results[0].type)
    st, rt = str(si.element), str(ri.element)
    bins = ri.shape[0]
    res_t = type_text(op.results[0].type)
    zero = e.const("0", rt)
    empty = e.empty(res_t)
    init = e.op(f"linalg.fill ins({zero} : {rt}) outs({empty} : {res_t}) -> {res_t}", "h")
    flat = flatten(e, e.get(src), si.shape, st)
    masks = flatten(e, e.get(mask), si.shape, "i8") if mask is not None else None
    n = si.numel
    with element_loop(e, n, [(init, res_t)]) as (i, (acc,)):
        v = e.op(f"tensor.extract {flat}[{i}] : {tensor_text((n,), st)}", "v")
        lo = e.op(f"arith.cmpi sge, {v}, {e.const('0', st)} : {st}", "lo")
        hi = e.op(f"arith.cmpi slt, {v}, {e.const(str(bins), st)} : {st}", "hi")
        ok = e.op(f"arith.andi {lo}, {hi} : i1", "ok")
        if masks is not None:
            mb = e.op(f"tensor.extract {masks}[{i}] : {tensor_text((n,), 'i8')}", "mb")
            m = e.op(f"arith.trunci {mb} : i8 to i1", "m")
            ok = e.op(f"arith.andi {ok}, {m} : i1", "ok")
        name = e.fresh("h")
        with e.block(f"{name} = scf.if {ok} -> ({res_t}) {{", "}"):
            k = e.op(f"arith.index_cast {v} : {st} to index", "k")
            old = e.op(f"tensor.extract {acc}[{k}] : {res_t}", "old")
            new = e.op(f"arith.addi {old}, {e.const('1', rt)} : {rt}", "new")
            upd = e.op(f"tensor.insert {new} into {acc}[{k}] : {res_t}", "upd")
            e.line(f"scf.yield {upd} : {res_t}")
            with e.dedent():
                e.line("} else {")
            e.line(f"scf.yield {acc} : {res_t}")
        e.line(f"scf.yield {name} : {res_t}")
    e.bind(op.results[0], e.last_loop)


@lowering("tt.map_elementwise")
def _map_elementwise(tr: Translator, op: ir.Operation) -> None:
    """Apply the scalar region to `pack` consecutive elements at a time; the region (which may
    branch) runs inside an scf.execute_region."""
    e = tr.e
    srcs = list(op.operands)
    pack = int(str(op.attributes["pack"]).split(":")[0])
    info = tensor_info(op.results[0].type)
    n = info.numel
    src_types = [element_type(v.type) for v in srcs]
    res_types = [element_type(r.type) for r in op.results]
    flats = [flatten(e, e.get(v), info.shape, elem_text(t)) for v, t in zip(srcs, src_types)]
    flat_ts = [tensor_text((n,), elem_text(t)) for t in res_types]
    src_flat_ts = [tensor_text((n,), elem_text(t)) for t in src_types]
    inits = [e.empty(t) for t in flat_ts]
    region = op.regions[0]
    entry = region.blocks[0]
    with element_loop(e, n // pack, list(zip(inits, flat_ts))) as (i, accs):
        results = e.last_loop
        base = e.op(f"arith.muli {i}, {e.index(pack)} : index", "b")
        idx = [e.op(f"arith.addi {base}, {e.index(k)} : index", "k") for k in range(pack)]
        for s, (flat, ft, st) in enumerate(zip(flats, src_flat_ts, src_types)):
            for k in range(pack):
                x = e.op(f"tensor.extract {flat}[{idx[k]}] : {ft}", "x")
                e.bind(entry.arguments[s * pack + k], tr.to_scalar(x, st))
        out_types = [scalar_text(t) for t in res_types for _ in range(pack)]
        name = e.fresh("map")
        count = len(out_types)
        lhs = f"{name}:{count}" if count > 1 else name
        e.line(f"{lhs} = scf.execute_region -> ({', '.join(out_types)}) {{")
        e._indent += 1
        tr.region_blocks(region, entry_args_bound=True)
        e._indent -= 1
        e.line("}")
        vals = [name] if count == 1 else [f"{name}#{j}" for j in range(count)]
        new_accs = []
        for r, (acc, ft, rt) in enumerate(zip(accs, flat_ts, res_types)):
            for k in range(pack):
                v = tr.to_element(vals[r * pack + k], rt)
                acc = e.op(f"tensor.insert {v} into {acc}[{idx[k]}] : {ft}", "ins")
            new_accs.append(acc)
        e.line(f"scf.yield {', '.join(new_accs)} : {', '.join(flat_ts)}")
    outs = [results] if len(flat_ts) == 1 else [f"{results}#{k}" for k in range(len(flat_ts))]
    for k, res in enumerate(op.results):
        e.bind(res, unflatten(e, outs[k], info.shape, elem_text(res_types[k])))


@lowering("tt.map_elementwise.return")
def _map_return(tr: Translator, op: ir.Operation) -> None:
    vals = [tr.e.get(v) for v in op.operands]
    types = [scalar_text(v.type) for v in op.operands]
    tr.e.op(f"scf.yield {', '.join(vals)} : {', '.join(types)}" if vals else "scf.yield",
            results=0)
