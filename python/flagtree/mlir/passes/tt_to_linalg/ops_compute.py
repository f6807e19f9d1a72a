"""Lowerings of `tt` ops with computation structure: reduce, scan, dot, gather, histogram.

Combine regions are translated in place with the same translator, so any body works.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.helpers import element_loop, flatten, index_loops, unflatten
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    LoweringError,
    element_type,
    elem_text,
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


def _axis(op: ir.Operation) -> int:
    return int(str(op.attributes["axis"]).split(":")[0])


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
    axis = _axis(op)
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
        if not out_shape:
            name = e.op(f"tensor.extract {name}[] : {out_types[k]}", "x")
        e.bind(res, name)


@lowering("tt.scan")
def _scan(tr: Translator, op: ir.Operation) -> None:
    """Sequential scan along the axis for every position of the other dimensions."""
    e = tr.e
    srcs = list(op.operands)
    axis = _axis(op)
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


@lowering("tt.gather")
def _gather(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    src, idx = op.operands
    axis = _axis(op)
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


@lowering("ttg.barrier")
def _barrier(tr: Translator, op: ir.Operation) -> None:
    """One thread runs a whole program, so a barrier only has to order its memory accesses."""
    tr.e.op("llvm.fence acq_rel", results=0)


def _c_string(text: str) -> tuple[str, int]:
    """`text` as an MLIR string literal with a NUL terminator, and its length in bytes."""
    data = text.encode() + b"\0"
    body = "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\{b:02X}" for b in data)
    return f'"{body}"', len(data)


def _printf(tr: Translator, fmt: str, args: list[tuple[str, str]]) -> None:
    """Call printf(fmt, args...) then fflush(NULL), so output interleaves with Python's."""
    e = tr.e
    name = f"__flagtree_fmt{len(tr.module_lines)}"
    literal, size = _c_string(fmt)
    tr.module_lines.append(f"llvm.mlir.global internal constant @{name}({literal}) "
                           f"{{addr_space = 0 : i32}} : !llvm.array<{size} x i8>")
    tr.module_lines_once.add("llvm.func @printf(!llvm.ptr, ...) -> i32")
    tr.module_lines_once.add("llvm.func @fflush(!llvm.ptr) -> i32")
    ptr = e.op(f"llvm.mlir.addressof @{name} : !llvm.ptr", "fmt")
    values = ", ".join([ptr] + [v for v, _ in args])
    types = ", ".join(["!llvm.ptr"] + [t for _, t in args])
    e.op(f"llvm.call @printf({values}) vararg(!llvm.func<i32 (ptr, ...)>) : ({types}) -> i32",
         "pr")
    null = e.op("llvm.mlir.zero : !llvm.ptr", "null")
    e.op(f"llvm.call @fflush({null}) : (!llvm.ptr) -> i32", "fl")


def _printable(e, value: str, t: str, signed: bool, hexa: bool) -> tuple[str, str, str]:
    """(printf conversion, value, type) for one scalar (varargs: ints >= 32 bits, doubles)."""
    if t.startswith("f") or t.startswith("bf"):
        if hexa:
            w = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}.get(t, 8)
            bits = e.op(f"arith.bitcast {value} : {t} to i{w}", "b")
            return _printable(e, bits, f"i{w}", False, True)
        wide = value if t == "f64" else e.op(f"arith.extf {value} : {t} to f64", "d")
        return "%f", wide, "f64"
    if t == "!llvm.ptr":
        return "%p", value, "!llvm.ptr"
    width = int(t[1:])
    conv = "x" if hexa else ("d" if signed else "u")
    if width == 64:
        return f"%ll{conv}", value, "i64"
    if width < 32:
        ext = "extsi" if signed and width > 1 else "extui"
        value = e.op(f"arith.{ext} {value} : {t} to i32", "w")
    return f"%{conv}", value, "i32"


@lowering("tt.print")
def _print(tr: Translator, op: ir.Operation) -> None:
    """Each element as `pid (x, y, z) idx (i, j)<prefix><value>`, like Triton on GPUs."""
    e = tr.e
    prefix = str(op.attributes["prefix"]).strip('"').replace("%", "%%")
    hexa = str(op.attributes["hex"]) == "true"
    signed_flags = [s.strip() != "0" for s in
                    str(op.attributes["isSigned"]).split(":", 1)[-1].rstrip(">").split(",") if s.strip()]
    pid = [(tr.grid[g], "i32") for g in ("pid_x", "pid_y", "pid_z")]
    if not op.operands:
        _printf(tr, "pid (%d, %d, %d)" + prefix + "\n", pid)
        return
    for k, v in enumerate(op.operands):
        signed = signed_flags[k] if k < len(signed_flags) else True
        info = tensor_info(v.type)
        t = elem_text(element_type(v.type)) if info else scalar_text(v.type)
        if info is None:
            conv, val, vt = _printable(e, e.get(v), t, signed, hexa)
            _printf(tr, "pid (%d, %d, %d)" + prefix + conv + "\n", pid + [(val, vt)])
            continue
        vt_text = type_text(v.type)

        def body(indices: list[str], acc, v=v, t=t, signed=signed, vt_text=vt_text) -> None:
            x = e.op(f"tensor.extract {e.get(v)}[{', '.join(indices)}] : {vt_text}", "x")
            idx = [(e.op(f"arith.index_cast {i} : index to i32", "ix"), "i32") for i in indices]
            conv, val, vtype = _printable(e, x, t, signed, hexa)
            fmt = ("pid (%d, %d, %d) idx (" + ", ".join(["%d"] * len(indices)) + ")" + prefix
                   + conv + "\n")
            _printf(tr, fmt, pid + idx + [(val, vtype)])

        index_loops(e, info.shape, body)


ASSERT_FLAG = "__flagtree_assert_failed"


@lowering("tt.assert")
def _assert(tr: Translator, op: ir.Operation) -> None:
    """For each false element: print Triton's message with the program and element index,
    and set the module's assertion flag; the launcher raises after the launch (a CPU
    program cannot trap the way a GPU kernel does without killing the process)."""
    e = tr.e
    cond = op.operands[0]
    message = str(op.attributes["message"]).strip('"').replace("%", "%%")
    loc = op.location
    where = ""
    from flagtree.mlir.diagnostics import file_pos

    pos = file_pos(loc, "-")
    if pos and pos.line:
        where = f" at {pos}"
    line = f"Assertion `{message}` failed{where}"
    tr.module_lines_once.add(f"llvm.mlir.global internal @{ASSERT_FLAG}(0 : i32) "
                             "{addr_space = 0 : i32} : i32")
    pid = [(tr.grid[g], "i32") for g in ("pid_x", "pid_y", "pid_z")]

    def fail(indices: list[str]) -> None:
        idx = [(e.op(f"arith.index_cast {i} : index to i32", "ix"), "i32") for i in indices]
        fmt = "pid (%d, %d, %d)" + (" idx (" + ", ".join(["%d"] * len(indices)) + ")"
                                      if indices else "") + " " + line + "\n"
        _printf(tr, fmt, pid + idx)
        flag = e.op(f"llvm.mlir.addressof @{ASSERT_FLAG} : !llvm.ptr", "flag")
        e.op(f"llvm.store {e.const('1', 'i32')}, {flag} : i32, !llvm.ptr", results=0)

    info = tensor_info(cond.type)
    if info is None:
        bad = e.op(f"arith.xori {e.get(cond)}, {e.const('1', 'i1')} : i1", "bad")
        with e.block(f"scf.if {bad} {{", "}"):
            fail([])
        return
    ct = type_text(cond.type)

    def body(indices: list[str], acc) -> None:
        b = e.op(f"tensor.extract {e.get(cond)}[{', '.join(indices)}] : {ct}", "c")
        ok = e.op(f"arith.trunci {b} : i8 to i1", "ok")
        bad = e.op(f"arith.xori {ok}, {e.const('1', 'i1')} : i1", "bad")
        with e.block(f"scf.if {bad} {{", "}"):
            fail(indices)

    index_loops(e, info.shape, body)


@lowering("tt.dot_scaled", "tt.elementwise_inline_asm")
def _unsupported(tr: Translator, op: ir.Operation) -> None:
    raise LoweringError(f"'{op.name}' is not supported by the CPU lowering yet", op)


# -- map_elementwise, atomic load/store/poll, grid dependencies -------------------------------


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


_LOAD_ORDER = {"1": "monotonic", "2": "acquire", "3": "monotonic", "4": "acquire"}
_STORE_ORDER = {"1": "monotonic", "2": "monotonic", "3": "release", "4": "release"}


def _sem(op: ir.Operation) -> str:
    return str(op.attributes["sem"]).split(":")[0].strip()


def _align(elem: str) -> int:
    return {"i1": 1, "i8": 1, "i16": 2, "f16": 2, "bf16": 2, "i32": 4, "f32": 4}.get(elem, 8)


def _per_element(tr: Translator, ptr, mask, value_tile, elem: str, shape, emit) -> None:
    """Run `emit(ptr, value or None, mask bit or None)` for every element of a pointer tile."""
    e = tr.e
    n = 1
    for d in shape:
        n *= d
    ptrs = flatten(e, e.get(ptr), shape, "i64")
    masks = flatten(e, e.get(mask), shape, "i8") if mask is not None else None
    vals = flatten(e, e.get(value_tile), shape, elem) if value_tile is not None else None
    with element_loop(e, n) as (i, _):
        a = e.op(f"tensor.extract {ptrs}[{i}] : {tensor_text((n,), 'i64')}", "a")
        p = e.op(f"llvm.inttoptr {a} : i64 to !llvm.ptr", "p")
        m = None
        if masks is not None:
            mb = e.op(f"tensor.extract {masks}[{i}] : {tensor_text((n,), 'i8')}", "mb")
            m = e.op(f"arith.trunci {mb} : i8 to i1", "m")
        v = e.op(f"tensor.extract {vals}[{i}] : {tensor_text((n,), elem)}", "v") if vals else None
        emit(p, v, m)


@lowering("tt.atomic_store")
def _atomic_store(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, val = operands[0], operands[1]
    mask = operands[2] if len(operands) > 2 else None
    elem = elem_text(element_type(val.type))
    order = _STORE_ORDER[_sem(op)]

    def emit(p: str, v: str, m: str | None) -> None:
        store = f"llvm.store {v}, {p} atomic {order} {{alignment = {_align(elem)} : i64}} : {elem}, !llvm.ptr"
        if m is None:
            e.op(store, results=0)
        else:
            with e.block(f"scf.if {m} {{", "}"):
                e.op(store, results=0)

    info = tensor_info(val.type)
    if info is None:
        emit(e.get(ptr), e.get(val), e.get(mask) if mask is not None else None)
        return
    _per_element(tr, ptr, mask, val, elem, info.shape, emit)


def _atomic_load_scalar(tr: Translator, p: str, elem: str, order: str) -> str:
    return tr.e.op(f"llvm.load {p} atomic {order} {{alignment = {_align(elem)} : i64}} : "
                   f"!llvm.ptr -> {elem}", "ld")


@lowering("tt.atomic_load")
def _atomic_load(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr = operands[0]
    mask = operands[1] if len(operands) > 1 else None
    elem = elem_text(element_type(op.results[0].type))
    order = _LOAD_ORDER[_sem(op)]
    info = tensor_info(op.results[0].type)
    if info is None:
        p = e.get(ptr)
        if mask is None:
            e.bind(op.results[0], _atomic_load_scalar(tr, p, elem, order))
            return
        name = e.fresh("ld")
        with e.block(f"{name} = scf.if {e.get(mask)} -> ({elem}) {{", "}"):
            e.line(f"scf.yield {_atomic_load_scalar(tr, p, elem, order)} : {elem}")
            with e.dedent():
                e.line("} else {")
            e.line(f"scf.yield {e.const('0', elem) if not elem.startswith(('f', 'bf')) else e.const('0.0', elem)} : {elem}")
        e.bind(op.results[0], name)
        return
    n = info.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    masks = flatten(e, e.get(mask), info.shape, "i8") if mask is not None else None
    zero = e.const("0.0" if elem.startswith(("f", "bf")) else "0", elem)
    with element_loop(e, n, [(e.empty(flat_t), flat_t)]) as (i, (acc,)):
        a = e.op(f"tensor.extract {ptrs}[{i}] : {tensor_text((n,), 'i64')}", "a")
        p = e.op(f"llvm.inttoptr {a} : i64 to !llvm.ptr", "p")
        if masks is None:
            v = _atomic_load_scalar(tr, p, elem, order)
        else:
            mb = e.op(f"tensor.extract {masks}[{i}] : {tensor_text((n,), 'i8')}", "mb")
            m = e.op(f"arith.trunci {mb} : i8 to i1", "m")
            v = e.fresh("ld")
            with e.block(f"{v} = scf.if {m} -> ({elem}) {{", "}"):
                e.line(f"scf.yield {_atomic_load_scalar(tr, p, elem, order)} : {elem}")
                with e.dedent():
                    e.line("} else {")
                e.line(f"scf.yield {zero} : {elem}")
        e.line(f"scf.yield {e.op(f'tensor.insert {v} into {acc}[{i}] : {flat_t}', 'ins')} : {flat_t}")
    e.bind(op.results[0], unflatten(e, e.last_loop, info.shape, elem))


@lowering("tt.atomic_poll")
def _atomic_poll(tr: Translator, op: ir.Operation) -> None:
    """Spin until the location holds `expected` (true) or the timeout passes (false). Without
    a clock, the timeout counts polls (one per nanosecond of timeout, at least)."""
    e = tr.e
    operands = list(op.operands)
    ptr, expected = operands[0], operands[1]
    elem = str(expected.type)
    order = _LOAD_ORDER[_sem(op)]
    limit = e.get(operands[2]) if len(operands) > 2 else e.const("9223372036854775807", "i64")
    name = e.fresh("poll")
    zero = e.const("0", "i64")
    with e.block(f"{name}:2 = scf.while (%pn = {zero}) : (i64) -> (i64, i1) {{", "} " + e.loc):
        v = _atomic_load_scalar(tr, e.get(ptr), elem, order)
        seen = e.op(f"arith.cmpi eq, {v}, {e.get(expected)} : {elem}", "seen")
        more = e.op(f"arith.cmpi slt, %pn, {limit} : i64", "more")
        waiting = e.op(f"arith.xori {seen}, {e.const('1', 'i1')} : i1", "w")
        go = e.op(f"arith.andi {waiting}, {more} : i1", "go")
        e.line(f"scf.condition({go}) %pn, {seen} : i64, i1")
        with e.dedent():
            e.line("} do {")
            e.line("^bb0(%pi: i64, %ps: i1):")
        one = e.const("1", "i64")
        step = e.op(f"arith.addi %pi, {one} : i64", "next")
        e.line(f"scf.yield {step} : i64")
    e.bind(op.results[0], f"{name}#1")


@lowering("tt.grid_dependency_wait", "tt.grid_dependency_launch_dependents")
def _grid_dependency(tr: Translator, op: ir.Operation) -> None:
    """Programmatic dependent launch orders grids on one GPU stream; CPU launches are already
    sequential, so there is nothing to wait for."""
