"""Structured-access analysis for `tt-to-linalg`: pointer tiles as base + affine offsets.

A tile of pointers built from `splat(ptr) + a*arange + ...` is recorded as a base pointer
plus `const + sum(stride_k * index_k)` (in elements), so memory ops can address each element
from its indices: LLVM then sees consecutive or strided accesses and vectorizes them, with no
tile of addresses in memory. Anything else keeps the general (gather) path.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.types import element_type, is_ptr, pointee, tensor_info

# A term is an int (compile-time constant) or the name of an i64 SSA value.
Term = int | str


@dataclass(frozen=True)
class Affine:
    """`const + sum(strides[k] * index_k)` over a tile's indices, in i64."""

    const: Term
    strides: tuple[Term, ...]

    @property
    def uniform(self) -> bool:
        return all(s == 0 for s in self.strides)


@dataclass(frozen=True)
class MaskTile:
    """A boolean tile that is an AND of `lhs <pred> rhs` with affine sides (e.g. `offs < n`)."""

    terms: tuple[tuple[str, Affine, Affine], ...]


@dataclass(frozen=True)
class PtrTile:
    """A tile of pointers `base + offset` (offset in elements of `elem`)."""

    base: str
    elem: str
    offset: Affine


# arith.cmpi predicate numbers -> mnemonic (signed and unsigned orderings, equality).
_PREDICATES = {"0": "eq", "1": "ne", "2": "slt", "3": "sle", "4": "sgt", "5": "sge",
               "6": "ult", "7": "ule", "8": "ugt", "9": "uge"}


def emit_value(tr, form: Affine, indices: list[str]) -> str:
    """Emit `const + sum(stride_k * index_k)` as an i64 for the given loop indices."""
    e = tr.e
    acc = form.const
    acc = e.const(str(acc), "i64") if isinstance(acc, int) else acc
    for stride, idx in zip(form.strides, indices):
        if stride == 0:
            continue
        i64 = e.op(f"arith.index_cast {idx} : index to i64", "ix")
        step = e.const(str(stride), "i64") if isinstance(stride, int) else stride
        term = i64 if stride == 1 else e.op(f"arith.muli {i64}, {step} : i64", "t")
        acc = e.op(f"arith.addi {acc}, {term} : i64", "off")
    return acc


def emit_mask(tr, mask: MaskTile, indices: list[str]) -> str:
    """Emit the i1 value of a structured mask at the given loop indices."""
    e = tr.e
    result = None
    for pred, lhs, rhs in mask.terms:
        bit = e.op(f"arith.cmpi {pred}, {emit_value(tr, lhs, indices)}, "
                   f"{emit_value(tr, rhs, indices)} : i64", "mk")
        result = bit if result is None else e.op(f"arith.andi {result}, {bit} : i1", "mk")
    return result


def emit_all_true(tr, mask: MaskTile, shape: tuple[int, ...]) -> str | None:
    """An i1 that is true when every element of `mask` over `shape` is true (checked at the
    tile's extreme corner), or None when the mask is not of a form this can bound."""
    e = tr.e
    result = None
    for pred, lhs, rhs in mask.terms:
        if not rhs.uniform or not all(isinstance(st, int) for st in lhs.strides):
            return None
        upper = pred in ("slt", "sle", "ult", "ule")
        lower = pred in ("sgt", "sge", "ugt", "uge")
        if not (upper or lower):
            return None
        # The extreme value of lhs over the tile: max for `<` tests, min for `>` tests.
        extra = 0
        for st, extent in zip(lhs.strides, shape):
            reach = st * (extent - 1)
            extra += max(reach, 0) if upper else min(reach, 0)
        corner = _emit_binary(tr, "add", lhs.const, extra)
        corner = e.const(str(corner), "i64") if isinstance(corner, int) else corner
        bound = rhs.const
        bound = e.const(str(bound), "i64") if isinstance(bound, int) else bound
        bit = e.op(f"arith.cmpi {pred}, {corner}, {bound} : i64", "full")
        result = bit if result is None else e.op(f"arith.andi {result}, {bit} : i1", "full")
    return result


def _emit_binary(tr, op: str, a: Term, b: Term) -> Term:
    if isinstance(a, int) and isinstance(b, int):
        return {"add": a + b, "sub": a - b, "mul": a * b}[op]
    if op == "mul" and (a == 0 or b == 0):
        return 0
    if op == "mul" and a == 1:
        return b
    if op == "mul" and b == 1:
        return a
    if op in ("add", "sub") and b == 0:
        return a
    if op == "add" and a == 0:
        return b
    e = tr.e
    ta = e.const(str(a), "i64") if isinstance(a, int) else a
    tb = e.const(str(b), "i64") if isinstance(b, int) else b
    return e.op(f"arith.{op}i {ta}, {tb} : i64", "aff")


def _scalar_i64(tr, value: ir.Value) -> str | None:
    t = str(value.type)
    name = tr.e.get(value)
    if t == "i64":
        return name
    if t in ("i32", "i16", "i8"):
        return tr.e.op(f"arith.extsi {name} : {t} to i64", "aff")
    return None


def _combine(tr, op: str, a: Affine, b: Affine) -> Affine | None:
    if op in ("add", "sub"):
        return Affine(_emit_binary(tr, op, a.const, b.const),
                      tuple(_emit_binary(tr, op, x, y) for x, y in zip(a.strides, b.strides)))
    if op == "mul":
        if b.uniform:
            a, b = b, a
        if not a.uniform:
            return None
        k = a.const
        return Affine(_emit_binary(tr, "mul", k, b.const),
                      tuple(_emit_binary(tr, "mul", k, s) for s in b.strides))
    return None


def _dense_splat_int(op: ir.Operation) -> int | None:
    attr = op.attributes["value"]
    try:
        dense = ir.DenseIntElementsAttr(attr)
    except ValueError:
        return None
    if not dense.is_splat:
        return None
    text = str(attr).split("<")[1].split(">")[0]
    if text in ("true", "false"):
        return None  # booleans are masks, not offsets
    return int(text)


def analyze(tr, op: ir.Operation) -> None:
    """Record the affine/pointer form of op's tensor result when it has one."""
    name = op.name
    if len(op.results) != 1:
        return
    res = op.results[0]
    info = tensor_info(res.type)
    if info is None:
        return
    aff = tr.affine
    ptrs = tr.ptr_tiles
    rank = len(info.shape)
    ops = list(op.operands)
    if name == "tt.make_range" and rank == 1:
        start = int(str(op.attributes["start"]).split(":")[0])
        aff[res] = Affine(start, (1,))
    elif name == "arith.constant" and not is_ptr(info.element):
        value = _dense_splat_int(op)
        if value is not None:
            aff[res] = Affine(value, (0,) * rank)
    elif name == "tt.splat":
        src = ops[0]
        if is_ptr(src.type) and not pointee(src.type).startswith("!tt.ptr"):
            ptrs[res] = PtrTile(tr.e.get(src), pointee(src.type), Affine(0, (0,) * rank))
        else:
            s = _scalar_i64(tr, src)
            if s is not None:
                aff[res] = Affine(s, (0,) * rank)
    elif name in ("tt.broadcast", "tt.expand_dims"):
        src = ops[0]
        src_info = tensor_info(src.type)
        if name == "tt.expand_dims":
            axis = int(str(op.attributes["axis"]).split(":")[0])

            def remap(f: Affine) -> Affine:
                strides = list(f.strides)
                strides.insert(axis, 0)
                return Affine(f.const, tuple(strides))
        else:
            def remap(f: Affine) -> Affine:
                return Affine(f.const, tuple(0 if d == 1 and r != 1 else s for s, d, r in
                                             zip(f.strides, src_info.shape, info.shape)))
        if src in aff:
            aff[res] = remap(aff[src])
        elif src in tr.mask_tiles:
            tr.mask_tiles[res] = MaskTile(tuple((p, remap(a), remap(b))
                                                for p, a, b in tr.mask_tiles[src].terms))
        elif src in ptrs:
            p = ptrs[src]
            ptrs[res] = PtrTile(p.base, p.elem, remap(p.offset))
    elif name in ("arith.addi", "arith.subi", "arith.muli") and len(ops) == 2:
        a, b = ops
        if a in aff and b in aff:
            combined = _combine(tr, name[6:9], aff[a], aff[b])
            if combined is not None:
                aff[res] = combined
    elif name in ("arith.extsi", "arith.extui", "arith.trunci", "arith.index_cast"):
        if ops[0] in aff and str(element_type(res.type)) in ("i32", "i64"):
            aff[res] = aff[ops[0]]
    elif name == "arith.cmpi" and ops[0] in aff and ops[1] in aff:
        pred = str(op.attributes["predicate"]).split(":")[0].strip()
        tr.mask_tiles[res] = MaskTile(((_PREDICATES.get(pred, ""), aff[ops[0]], aff[ops[1]]),))
        if not tr.mask_tiles[res].terms[0][0]:
            del tr.mask_tiles[res]
    elif name == "arith.andi" and ops[0] in tr.mask_tiles and ops[1] in tr.mask_tiles:
        tr.mask_tiles[res] = MaskTile(tr.mask_tiles[ops[0]].terms + tr.mask_tiles[ops[1]].terms)
    elif name in ("tt.broadcast", "tt.expand_dims") and ops[0] in tr.mask_tiles:
        pass  # handled below
    elif name == "tt.addptr":
        p, off = ops
        if p in ptrs and off in aff:
            tile = ptrs[p]
            ptrs[res] = PtrTile(tile.base, tile.elem,
                                _combine(tr, "add", tile.offset, aff[off]))
