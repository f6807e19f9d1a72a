"""The `flagtree-expand-math` pass: f32 `math.exp`/`math.exp2` as vectorizable arithmetic.

LLVM turns `math.exp` into a libm call per element; this polynomial (Cephes-style range
reduction, ~1 ulp) lets the loop vectorizer work. Runs on scalar code, after linalg loops.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import arith, math

ARGUMENT = "flagtree-expand-math"
SUMMARY = "Expand f32 math.exp/math.exp2 into polynomial arithmetic that vectorizes."
OPTIONS: dict[str, str] = {}

_LOG2E = 1.44269504088896341
_LN2_HI = 0.693359375
_LN2_LO = -2.12194440e-4
# exp(r) - 1 - r on [-ln2/2, ln2/2], divided by r^2 (Cephes expf coefficients).
_POLY = (1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
         1.6666665459e-1, 5.0000001201e-1)
_MAX_X = 88.72283905206835  # above: +inf
_MIN_X = -103.97207708  # below: 0 (results between are denormals)


def _expand_exp(op: ir.Operation, base2: bool) -> None:
    f32 = ir.F32Type.get()
    i32 = ir.IntegerType.get_signless(32)

    def c(v: float):
        return arith.constant(f32, v)

    x = op.operands[0]
    # In base e, x = n*ln2 + r; in base 2, x = n + r/ln2. |r| <= ln2/2 either way.
    lo, hi = (_MIN_X / 0.6931471805599453, _MAX_X / 0.6931471805599453) if base2 else (_MIN_X, _MAX_X)
    clamped = arith.minimumf(arith.maximumf(x, c(lo)), c(hi))
    if base2:
        n = math.floor(arith.addf(clamped, c(0.5)))
        r = arith.mulf(arith.subf(clamped, n), c(0.6931471805599453))
    else:
        n = math.floor(arith.addf(arith.mulf(clamped, c(_LOG2E)), c(0.5)))
        r = arith.subf(clamped, arith.mulf(n, c(_LN2_HI)))
        r = arith.subf(r, arith.mulf(n, c(_LN2_LO)))
    p = c(_POLY[0])
    for coef in _POLY[1:]:
        p = arith.addf(arith.mulf(p, r), c(coef))
    r2 = arith.mulf(r, r)
    y = arith.addf(arith.addf(arith.mulf(p, r2), r), c(1.0))
    # 2^n in two halves, each a normal float, so n = 128 and denormal results stay exact.
    ni = arith.fptosi(i32, n)
    n1 = arith.shrsi(ni, arith.constant(i32, 1))
    n2 = arith.subi(ni, n1)

    def pow2(k):
        bits = arith.shli(arith.addi(k, arith.constant(i32, 127)), arith.constant(i32, 23))
        return arith.bitcast(f32, bits)

    result = arith.mulf(arith.mulf(y, pow2(n1)), pow2(n2))
    # Outside the clamped range: +inf above, 0 below; NaN stays NaN.
    result = arith.select(arith.cmpf(arith.CmpFPredicate.OGT, x, c(hi)), c(float("inf")),
                          result)
    result = arith.select(arith.cmpf(arith.CmpFPredicate.OLT, x, c(lo)), c(0.0), result)
    result = arith.select(arith.cmpf(arith.CmpFPredicate.UNO, x, x), x, result)
    op.results[0].replace_all_uses_with(result)
    op.erase()


def run(op: ir.Operation, **options: str) -> None:
    found: list[ir.Operation] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name in ("math.exp", "math.exp2") and str(nested.results[0].type) == "f32":
            found.append(nested)
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    with op.context:
        for nested in found:
            with ir.InsertionPoint(nested), nested.location:
                _expand_exp(nested, base2=nested.name == "math.exp2")
