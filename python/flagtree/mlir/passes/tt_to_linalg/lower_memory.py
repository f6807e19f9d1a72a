"""Lowerings of `tt` memory ops: loads and stores (structured or through address tiles,
masks as `scf.if`), atomics (rmw, cas, load, store, poll) and memory ordering ops.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg import fusion, structured
from flagtree.mlir.passes.tt_to_linalg.common import _bind, _zero
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
    tensor_info,
    tensor_text,
)


def _guarded(e, mask: str | None, elem: str, then, otherwise) -> str:
    """`then()`, or `mask ? then() : otherwise()`, each emitted inside its own branch (so a
    masked-off lane is never read)."""
    if mask is None:
        return then()
    v = e.fresh("ld")
    with e.block(f"{v} = scf.if {mask} -> ({elem}) {{", "}"):
        e.line(f"scf.yield {then()} : {elem}")
        with e.dedent():
            e.line("} else {")
        e.line(f"scf.yield {otherwise()} : {elem}")
    return v


def _guarded_load(e, ptr: str, mask: str | None, elem: str, volatile: str, fallback) -> str:
    """`load(ptr)`, or `mask ? load(ptr) : fallback()` (masked-off lanes are never read)."""
    return _guarded(e, mask, elem,
                    lambda: e.op(f"llvm.load {volatile}{ptr} : !llvm.ptr -> {elem}", "ld"),
                    fallback)


def _guarded_store(e, store: str, mask: str | None) -> None:
    """Emit the op text `store`, under `scf.if mask` when there is a mask."""
    if mask is None:
        e.op(store, results=0)
        return
    with e.block(f"scf.if {mask} {{", "}"):
        e.op(store, results=0)


def _extract_mask(e, masks: str, i: str, n: int) -> str:
    byte = e.op(f"tensor.extract {masks}[{i}] : {tensor_text((n,), 'i8')}", "mb")
    return e.op(f"arith.trunci {byte} : i8 to i1", "m")


def _extract_ptr(e, ptrs: str, i: str, n: int) -> str:
    addr = e.op(f"tensor.extract {ptrs}[{i}] : {tensor_text((n,), 'i64')}", "a")
    return e.op(f"llvm.inttoptr {addr} : i64 to !llvm.ptr", "p")


def _mask_and_other(op: ir.Operation, operands: list[ir.Value], first: int):
    mask = operands[first] if len(operands) > first else None
    other = operands[first + 1] if len(operands) > first + 1 else None
    return mask, other


def _element_address(tr: Translator, tile, indices: list[str]) -> str:
    """`base + const + sum(stride_k * index_k)` for one element of a structured tile."""
    e = tr.e
    off = structured.emit_value(tr, tile.offset, indices)
    elem = tile.elem
    return e.op(f"llvm.getelementptr {tile.base}[{off}] : (!llvm.ptr, i64) -> !llvm.ptr, {elem}",
                "p")


def _structured_load(tr: Translator, tile, res, elem: str, mask, other, volatile: str) -> str:
    """Per-element loads addressed from indices; a tile wholly inside its (affine) mask takes
    an unmasked copy of the loop nest."""
    e = tr.e
    full = (structured.emit_all_true(tr, tr.mask_tiles[mask], res.shape)
            if mask is not None and mask in tr.mask_tiles else None)
    if full is not None:
        out_t = tensor_text(res.shape, elem)
        name = e.fresh("ld")
        with e.block(f"{name} = scf.if {full} -> ({out_t}) {{", "}"):
            fast = _structured_load_nest(tr, tile, res, elem, None, None, volatile)
            e.line(f"scf.yield {fast} : {out_t}")
            with e.dedent():
                e.line("} else {")
            slow = _structured_load_nest(tr, tile, res, elem, mask, other, volatile)
            e.line(f"scf.yield {slow} : {out_t}")
        return name
    return _structured_load_nest(tr, tile, res, elem, mask, other, volatile)


def _structured_load_nest(tr: Translator, tile, res, elem: str, mask, other, volatile: str) -> str:
    e = tr.e
    out_t = tensor_text(res.shape, elem)
    mask_t = tensor_text(res.shape, "i8")
    zero = e.const(_zero(elem), elem) if mask is not None and other is None else None
    idx_text = lambda ix: ", ".join(ix)  # noqa: E731

    def body(indices: list[str], acc: str) -> str:
        p = _element_address(tr, tile, indices)
        m = _mask_at(tr, mask, indices, mask_t) if mask is not None else None
        v = _guarded_load(e, p, m, elem, volatile, lambda: (
            e.op(f"tensor.extract {e.get(other)}[{idx_text(indices)}] : {out_t}", "o")
            if other is not None else zero))
        return e.op(f"tensor.insert {v} into {acc}[{idx_text(indices)}] : {out_t}", "ins")

    return index_loops(e, res.shape, body, (e.empty(out_t), out_t))


def _store_text(v: str, p: str, elem: str, nontemporal: bool) -> str:
    """An `llvm.store`; `#@hint: nontemporal` (tt-apply-hints) makes it a streaming store."""
    attrs = " {nontemporal}" if nontemporal else ""
    return f"llvm.store {v}, {p}{attrs} : {elem}, !llvm.ptr"


def _structured_store(tr: Translator, tile, info, elem: str, val, mask, nt: bool) -> None:
    """Per-element stores addressed from indices, with the unmasked fast path of loads."""
    e = tr.e
    full = (structured.emit_all_true(tr, tr.mask_tiles[mask], info.shape)
            if mask is not None and mask in tr.mask_tiles else None)
    if full is not None:
        with e.block(f"scf.if {full} {{", "}"):
            # The whole tile is inside the mask: so are loads under the same mask.
            _structured_store_nest(tr, tile, info, elem, val, None, nt, known_true=mask)
            with e.dedent():
                e.line("} else {")
            _structured_store_nest(tr, tile, info, elem, val, mask, nt)
        return
    _structured_store_nest(tr, tile, info, elem, val, mask, nt)


def _structured_store_nest(tr: Translator, tile, info, elem: str, val, mask, nt: bool,
                           known_true=None) -> None:
    e = tr.e
    mask_t = tensor_text(info.shape, "i8")

    inliner = fusion.Inliner(tr, tr.current_op, known_true)

    def body(indices: list[str], acc: None) -> None:
        p = _element_address(tr, tile, indices)
        v = tr.to_element(inliner.at(val, indices), element_type(val.type))
        m = _mask_at(tr, mask, indices, mask_t) if mask is not None else None
        _guarded_store(e, _store_text(v, p, elem, nt), m)

    index_loops(e, info.shape, body)


def _mask_at(tr: Translator, mask, indices: list[str], mask_t: str) -> str:
    """The i1 mask bit at `indices`: recomputed from its affine form when it has one (no
    mask tile in memory), else read from the mask tile."""
    e = tr.e
    if mask in tr.mask_tiles:
        return structured.emit_mask(tr, tr.mask_tiles[mask], indices)
    mb = e.op(f"tensor.extract {e.get(mask)}[{', '.join(indices)}] : {mask_t}", "mb")
    return e.op(f"arith.trunci {mb} : i8 to i1", "m")


@lowering("tt.load")
def _load(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, (mask, other) = operands[0], _mask_and_other(op, operands, 1)
    res = tensor_info(op.results[0].type)
    elem = elem_text(element_type(op.results[0].type))
    volatile = "volatile " if str(op.attributes["isVolatile"]) == "true" else ""
    if res is None:
        if mask is None:
            _bind(tr, op, e.op(f"llvm.load {volatile}{e.get(ptr)} : !llvm.ptr -> {elem}", "ld"))
            return
        fallback = e.get(other) if other is not None else e.const(_zero(elem), elem)
        _bind(tr, op, _guarded_load(e, e.get(ptr), e.get(mask), elem, volatile, lambda: fallback))
        return
    if ptr in tr.ptr_tiles:
        _bind(tr, op, _structured_load(tr, tr.ptr_tiles[ptr], res, elem, mask, other, volatile))
        return
    n = res.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), res.shape, "i64")
    masks = flatten(e, e.get(mask), res.shape, "i8") if mask is not None else None
    others = flatten(e, e.get(other), res.shape, elem) if other is not None else None
    zero = e.const(_zero(elem), elem) if mask is not None and other is None else None
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        m = _extract_mask(e, masks, i, n) if masks is not None else None
        v = _guarded_load(e, p, m, elem, volatile, lambda: (
            e.op(f"tensor.extract {others}[{i}] : {flat_t}", "o") if others else zero))
        ins = e.op(f"tensor.insert {v} into {acc}[{i}] : {flat_t}", "ins")
        e.line(f"scf.yield {ins} : {flat_t}")
    _bind(tr, op, unflatten(e, e.last_loop, res.shape, elem))


@lowering("tt.store")
def _store(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, val = operands[0], operands[1]
    mask = operands[2] if len(operands) > 2 else None
    info = tensor_info(val.type)
    elem = elem_text(element_type(val.type))
    nt = "flagtree.nontemporal" in op.attributes
    if ptr in tr.ptr_tiles and info is not None:
        _structured_store(tr, tr.ptr_tiles[ptr], info, elem, val, mask, nt)
        return

    def emit(p: str, v: str, m: str | None) -> None:
        _guarded_store(e, _store_text(v, p, elem, nt), m)

    if info is None:
        emit(e.get(ptr), e.get(val), e.get(mask) if mask is not None else None)
        return
    _per_element(tr, ptr, mask, val, elem, info.shape, emit)


_RMW = {"1": "_and", "2": "_or", "3": "_xor", "4": "add", "5": "fadd", "6": "max", "7": "min",
        "8": "umax", "9": "umin", "10": "xchg"}

_SEM = {"1": "monotonic", "2": "acquire", "3": "release", "4": "acq_rel"}

_FLOAT_RMW = {"max": "fmax", "min": "fmin"}


def _enum(op: ir.Operation, name: str) -> str:
    return str(op.attributes[name]).split(":")[0].strip()


@lowering("tt.atomic_rmw")
def _atomic_rmw(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    operands = list(op.operands)
    ptr, val = operands[0], operands[1]
    mask = operands[2] if len(operands) > 2 else None
    kind = _RMW[_enum(op, "atomic_rmw_op")]
    elem = elem_text(element_type(val.type))
    if elem.startswith("f") or elem.startswith("bf"):
        kind = _FLOAT_RMW.get(kind, kind)
        if kind == "add":
            kind = "fadd"
    order = _SEM[_enum(op, "sem")]

    helper = tr.intrinsic(f"rmw__{kind}__{order}__{elem}", ["!llvm.ptr", elem], elem)

    def call(p: str, v: str) -> str:
        return e.op(f"func.call @{helper}({p}, {v}) : (!llvm.ptr, {elem}) -> {elem}", "old")

    def rmw(p: str, v: str, m: str | None) -> str:
        if m is None:
            return call(p, v)
        name = e.fresh("old")
        with e.block(f"{name} = scf.if {m} -> ({elem}) {{", "}"):
            o = call(p, v)
            e.line(f"scf.yield {o} : {elem}")
            with e.dedent():
                e.line("} else {")
            e.line(f"scf.yield {e.const(_zero(elem), elem)} : {elem}")
        return name

    info = tensor_info(val.type)
    if info is None:
        _bind(tr, op, rmw(e.get(ptr), e.get(val), e.get(mask) if mask is not None else None))
        return
    n = info.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    vals = flatten(e, e.get(val), info.shape, elem)
    masks = flatten(e, e.get(mask), info.shape, "i8") if mask is not None else None
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        v = e.op(f"tensor.extract {vals}[{i}] : {flat_t}", "v")
        m = _extract_mask(e, masks, i, n) if masks else None
        old = rmw(p, v, m)
        e.line(f"scf.yield {e.op(f'tensor.insert {old} into {acc}[{i}] : {flat_t}', 'ins')} : {flat_t}")
    _bind(tr, op, unflatten(e, e.last_loop, info.shape, elem))


@lowering("tt.atomic_cas")
def _atomic_cas(tr: Translator, op: ir.Operation) -> None:
    e = tr.e
    ptr, cmp, val = op.operands
    elem = elem_text(element_type(val.type))
    order = _SEM[_enum(op, "sem")]
    failure = {"acq_rel": "acquire", "release": "monotonic"}.get(order, order)
    is_float = elem.startswith("f") or elem.startswith("bf")
    width = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}.get(elem, 0)
    itype = f"i{width}" if is_float else elem

    helper = tr.intrinsic(f"cas__{order}__{failure}__{itype}", ["!llvm.ptr", itype, itype], itype)

    def cas(p: str, c: str, v: str) -> str:
        if is_float:
            c = e.op(f"arith.bitcast {c} : {elem} to {itype}", "c")
            v = e.op(f"arith.bitcast {v} : {elem} to {itype}", "v")
        old = e.op(f"func.call @{helper}({p}, {c}, {v}) : (!llvm.ptr, {itype}, {itype}) -> {itype}",
                   "old")
        if is_float:
            old = e.op(f"arith.bitcast {old} : {itype} to {elem}", "old")
        return old

    info = tensor_info(val.type)
    if info is None:
        _bind(tr, op, cas(e.get(ptr), e.get(cmp), e.get(val)))
        return
    n = info.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    cmps = flatten(e, e.get(cmp), info.shape, elem)
    vals = flatten(e, e.get(val), info.shape, elem)
    init = e.empty(flat_t)
    with element_loop(e, n, [(init, flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        c = e.op(f"tensor.extract {cmps}[{i}] : {flat_t}", "c")
        v = e.op(f"tensor.extract {vals}[{i}] : {flat_t}", "v")
        old = cas(p, c, v)
        e.line(f"scf.yield {e.op(f'tensor.insert {old} into {acc}[{i}] : {flat_t}', 'ins')} : {flat_t}")
    _bind(tr, op, unflatten(e, e.last_loop, info.shape, elem))


@lowering("ttg.barrier")
def _barrier(tr: Translator, op: ir.Operation) -> None:
    """One thread runs a whole program, so a barrier only has to order its memory accesses."""
    tr.e.op("llvm.fence acq_rel", results=0)


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
        p = _extract_ptr(e, ptrs, i, n)
        m = _extract_mask(e, masks, i, n) if masks is not None else None
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
        _guarded_store(e, f"llvm.store {v}, {p} atomic {order} {{alignment = {_align(elem)} : "
                          f"i64}} : {elem}, !llvm.ptr", m)

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
    zero = e.const(_zero(elem), elem) if mask is not None else None

    def load(p: str, m: str | None) -> str:
        return _guarded(e, m, elem, lambda: _atomic_load_scalar(tr, p, elem, order),
                        lambda: zero)

    info = tensor_info(op.results[0].type)
    if info is None:
        e.bind(op.results[0], load(e.get(ptr), e.get(mask) if mask is not None else None))
        return
    n = info.numel
    flat_t = tensor_text((n,), elem)
    ptrs = flatten(e, e.get(ptr), info.shape, "i64")
    masks = flatten(e, e.get(mask), info.shape, "i8") if mask is not None else None
    with element_loop(e, n, [(e.empty(flat_t), flat_t)]) as (i, (acc,)):
        p = _extract_ptr(e, ptrs, i, n)
        v = load(p, _extract_mask(e, masks, i, n) if masks is not None else None)
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
