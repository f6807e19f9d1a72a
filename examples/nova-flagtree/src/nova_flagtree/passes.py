"""Nova's own MLIR passes, in Python on the MLIR bindings; NovaBackend.pipeline inserts them at
anchors of flagtree's shared pipeline.
"""

from __future__ import annotations

from flagtree.mlir.passes import PassInfo
from mlir import ir
from mlir.dialects import arith


def _shift_amount(value: ir.Value) -> int | None:
    """k when `value` is an `arith.constant` integer equal to 2**k (k >= 1), else None."""
    owner = value.owner
    operation = getattr(owner, "operation", owner)
    if not isinstance(operation, ir.Operation) or operation.name != "arith.constant":
        return None
    attr = operation.attributes["value"]
    if not isinstance(attr, ir.IntegerAttr):
        return None
    width = 64 if isinstance(value.type, ir.IndexType) else ir.IntegerType(value.type).width
    bits = attr.value % (1 << width)  # the constant's bits, unsigned
    if bits < 2 or bits & (bits - 1):
        return None
    return bits.bit_length() - 1


def mul_to_shift(op: ir.Operation, **options: str) -> None:
    """Rewrite `arith.muli x, 2**k` (either operand order) as `arith.shli x, k`: Nova's integer
    multiplier is slow and its shifter is not. Exact for wrapping integers of any width."""
    muls: list[ir.Operation] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name == "arith.muli":
            muls.append(nested)
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    with op.context:
        for mul in muls:
            for const, other in ((1, 0), (0, 1)):
                shift = _shift_amount(mul.operands[const])
                if shift is None:
                    continue
                result_type = mul.results[0].type
                with ir.InsertionPoint(mul), mul.location:
                    amount = arith.ConstantOp(result_type, ir.IntegerAttr.get(result_type, shift))
                    shl = arith.ShLIOp(mul.operands[other], amount.result)
                mul.results[0].replace_all_uses_with(shl.result)
                mul.erase()
                break


MUL_TO_SHIFT = PassInfo(
    "nova-mul-to-shift",
    "Rewrite integer multiplications by a power of two as left shifts.",
    {},
    mul_to_shift,
)
