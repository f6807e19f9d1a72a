"""Store fusion for `tt-to-linalg`: compute a stored tile element by element in the store loop.

A structured `tt.store` of an elementwise expression over structured loads, splats, ranges and
constants evaluates the expression per element inside the store's loop (loads included, when
no memory-writing op lies between them and the store): one pass instead of one per op. Any
part that cannot be inlined is read from its materialized tile, so the result never changes.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg import structured
from flagtree.mlir.passes.tt_to_linalg.types import element_type, tensor_info, type_text

# Ops after which memory may differ: loads cannot be re-read across them.
_WRITES_MEMORY = ("tt.store", "tt.atomic", "tt.call", "tt.print", "tt.assert", "tt.descriptor",
                  "ttg.barrier", "scf.", "cf.")


def _owner(value: ir.Value) -> ir.Operation | None:
    owner = value.owner
    if isinstance(owner, ir.OpView):
        return owner.operation
    return owner if isinstance(owner, ir.Operation) else None


class Inliner:
    """Emits one element of a TTIR tile at given loop indices, inlining what it can."""

    def __init__(self, tr, store: ir.Operation, known_true: ir.Value | None = None) -> None:
        self.tr = tr
        self.store = store
        self.known_true = known_true  # a mask known to be all true where this runs
        self.order = {o.operation: i for i, o in enumerate(store.block.operations)}

    def _no_writes_between(self, op: ir.Operation) -> bool:
        if op not in self.order:
            return False
        ops = list(self.order)
        first, last = self.order[op], self.order[self.store]
        return not any(o.name.startswith(_WRITES_MEMORY) for o in ops[first + 1:last])

    def at(self, value: ir.Value, indices: list[str]) -> str:
        """The scalar value of tile `value` at `indices` (an i1 for booleans). Not cached:
        a value may have been emitted inside a branch (a masked load's `other`)."""
        return self._at(value, indices)

    def _read(self, value: ir.Value, indices: list[str]) -> str:
        """Fallback: read the element from the materialized tile."""
        tr, e = self.tr, self.tr.e
        x = e.op(f"tensor.extract {e.get(value)}[{', '.join(indices)}] : {type_text(value.type)}",
                 "x")
        return tr.to_scalar(x, element_type(value.type))

    def _at(self, value: ir.Value, indices: list[str]) -> str:
        tr, e = self.tr, self.tr.e
        op = _owner(value)
        t = str(element_type(value.type))
        if value in tr.affine and t in ("i32", "i64"):
            v = structured.emit_value(tr, tr.affine[value], indices)
            return v if t == "i64" else e.op(f"arith.trunci {v} : i64 to {t}", "x")
        if op is None or op.block != self.store.block:
            return self._read(value, indices)
        # A tile other ops also use is materialized anyway: read it rather than recompute.
        users = {use.owner for use in value.uses}
        if len(users) > 1 and op.name not in ("tt.splat", "tt.broadcast", "tt.expand_dims",
                                              "arith.constant"):
            return self._read(value, indices)
        name = op.name
        if name == "tt.splat" and not tensor_info(op.operands[0].type):
            return e.get(op.operands[0])
        if name == "tt.broadcast":
            src_shape = tensor_info(op.operands[0].type).shape
            res_shape = tensor_info(value.type).shape
            zero = e.index(0)
            mapped = [zero if s == 1 and r != 1 else i
                      for i, s, r in zip(indices, src_shape, res_shape)]
            return self.at(op.operands[0], mapped)
        if name == "tt.expand_dims":
            axis = int(str(op.attributes["axis"]).split(":")[0])
            return self.at(op.operands[0], indices[:axis] + indices[axis + 1:])
        if name == "arith.constant":
            dense = ir.DenseElementsAttr(op.attributes["value"])
            if dense.is_splat:
                return e.op(f"arith.constant {dense.get_splat_value()}", "c")
            return self._read(value, indices)
        if name == "tt.load" and self._inlinable_load(op):
            return self._load(op, indices)
        if (name.split(".")[0] in ("arith", "math") and len(op.results) == 1
                and not op.regions and name != "arith.constant"):
            args = [self.at(v, indices) for v in op.operands]
            return tr.scalar_op(op, args)[0]
        return self._read(value, indices)

    def _inlinable_load(self, op: ir.Operation) -> bool:
        ptr = op.operands[0]
        return (ptr in self.tr.ptr_tiles and str(op.attributes["isVolatile"]) != "true"
                and self._no_writes_between(op))

    def _load(self, op: ir.Operation, indices: list[str]) -> str:
        from flagtree.mlir.passes.tt_to_linalg.common import _zero
        from flagtree.mlir.passes.tt_to_linalg.lower_memory import _element_address, _guarded_load

        tr, e = self.tr, self.tr.e
        tile = tr.ptr_tiles[op.operands[0]]
        elem = str(element_type(op.results[0].type))
        p = _element_address(tr, tile, indices)
        mask = op.operands[1] if len(op.operands) > 1 else None
        other = op.operands[2] if len(op.operands) > 2 else None
        m = None
        if mask is not None and (self.known_true is None or mask != self.known_true):
            m = (structured.emit_mask(tr, tr.mask_tiles[mask], indices)
                 if mask in tr.mask_tiles else self.at(mask, indices))
        return _guarded_load(e, p, m, elem, "", lambda: (
            self.at(other, indices) if other is not None else e.const(_zero(elem), elem)))

