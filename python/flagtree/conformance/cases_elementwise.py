"""Conformance cases for the elementwise `triton.language` surface: arithmetic, math, libdevice,
casts, masking, scalars and pointers, each checked against torch.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import triton
import triton.language as tl
from triton.language.extra import libdevice

from flagtree.conformance.case import Plan, cases, launch, needs, product
from flagtree.conformance.checks import check

BLOCK = 128

DTYPES = {
    "f32": torch.float32,
    "f16": torch.float16,
    "bf16": torch.bfloat16,
    "f64": torch.float64,
    "i8": torch.int8,
    "i16": torch.int16,
    "i32": torch.int32,
    "i64": torch.int64,
    "bool": torch.bool,
}
INT_RANGES = {
    "i8": (-128, 128),
    "i16": (-(2**15), 2**15),
    "i32": (-(2**31), 2**31),
    "i64": (-(2**62), 2**62),
}


def rand(name: str, n: int, *, low: float | None = None, high: float | None = None) -> torch.Tensor:
    """`n` random values of dtype `name`: floats in [low, high) (default [-10, 10))."""
    dtype = DTYPES[name]
    if name == "bool":
        return torch.rand(n) < 0.5
    if dtype.is_floating_point:
        lo = -10.0 if low is None else low
        hi = 10.0 if high is None else high
        return (torch.rand(n, dtype=torch.float64) * (hi - lo) + lo).to(dtype)
    lo, hi = INT_RANGES[name]
    lo = lo if low is None else int(low)
    hi = hi if high is None else int(high)
    return torch.randint(lo, hi, (n,), dtype=dtype)


def grid(n: int, block: int = BLOCK) -> tuple[int]:
    return (triton.cdiv(n, block),)


# -- binary operators ---------------------------------------------------------------------------


@triton.jit
def _binary_kernel(x_ptr, y_ptr, out_ptr, n, OP: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    y = tl.load(y_ptr + offs, mask=mask, other=1)
    if OP == "add":
        r = x + y
    elif OP == "sub":
        r = x - y
    elif OP == "mul":
        r = x * y
    elif OP == "truediv":
        r = x / y
    elif OP == "floordiv":
        r = x // y
    elif OP == "mod":
        r = x % y
    elif OP == "maximum":
        r = tl.maximum(x, y)
    elif OP == "minimum":
        r = tl.minimum(x, y)
    elif OP == "maximum_nan":
        r = tl.maximum(x, y, propagate_nan=tl.PropagateNan.ALL)
    elif OP == "minimum_nan":
        r = tl.minimum(x, y, propagate_nan=tl.PropagateNan.ALL)
    elif OP == "and":
        r = x & y
    elif OP == "or":
        r = x | y
    elif OP == "xor":
        r = x ^ y
    elif OP == "shl":
        r = x << y
    elif OP == "shr":
        r = x >> y
    elif OP == "udiv":
        r = (x.to(tl.uint32, bitcast=True) // y.to(tl.uint32, bitcast=True)).to(
            tl.int32, bitcast=True
        )
    elif OP == "urem":
        r = (x.to(tl.uint32, bitcast=True) % y.to(tl.uint32, bitcast=True)).to(
            tl.int32, bitcast=True
        )
    elif OP == "lshr":
        r = (x.to(tl.uint32, bitcast=True) >> y.to(tl.uint32, bitcast=True)).to(
            tl.int32, bitcast=True
        )
    elif OP == "lt":
        r = x < y
    elif OP == "le":
        r = x <= y
    elif OP == "gt":
        r = x > y
    elif OP == "ge":
        r = x >= y
    elif OP == "eq":
        r = x == y
    else:
        r = x != y
    tl.store(out_ptr + offs, r, mask=mask)


def _u32(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.int64) & 0xFFFFFFFF


BINARY_REFS = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "truediv": lambda x, y: x / y,
    "floordiv": lambda x, y: torch.div(
        x, y, rounding_mode="trunc"
    ),  # Triton integer `//` truncates (C semantics).
    "mod": torch.fmod,  # Triton `%` is C's remainder: the sign follows the dividend.
    "maximum": torch.maximum,
    "minimum": torch.minimum,
    "maximum_nan": torch.maximum,
    "minimum_nan": torch.minimum,
    "and": torch.bitwise_and,
    "or": torch.bitwise_or,
    "xor": torch.bitwise_xor,
    "shl": torch.bitwise_left_shift,
    "shr": torch.bitwise_right_shift,
    "udiv": lambda x, y: (_u32(x) // _u32(y)).to(torch.int32),
    "urem": lambda x, y: (_u32(x) % _u32(y)).to(torch.int32),
    "lshr": lambda x, y: (_u32(x) >> y.to(torch.int64)).to(torch.int32),
    "lt": torch.lt,
    "le": torch.le,
    "gt": torch.gt,
    "ge": torch.ge,
    "eq": torch.eq,
    "ne": torch.ne,
}
BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64}

BINARY_CASES = (
    [(op, d) for op in ("add", "sub", "mul") for d in ("f32", "f16", "bf16", "i8", "i32", "i64")]
    + [("truediv", d) for d in ("f32", "f16", "bf16", "i32")]
    + [("floordiv", d) for d in ("i8", "i32", "i64")]
    + [("mod", d) for d in ("i8", "i32", "i64", "f32")]
    + [(op, d) for op in ("maximum", "minimum") for d in ("f32", "f16", "bf16", "i8", "i32", "i64")]
    + [("maximum_nan", "f32"), ("minimum_nan", "f32")]
    + [(op, d) for op in ("and", "or", "xor") for d in ("i8", "i32", "i64", "bool")]
    + [(op, d) for op in ("shl", "shr") for d in ("i8", "i32", "i64")]
    + [("udiv", "i32"), ("urem", "i32"), ("lshr", "i32")]
    + [(op, d) for op in ("lt", "le", "gt", "ge", "eq", "ne") for d in ("f32", "i32")]
    + [("lt", "bf16"), ("ge", "i8"), ("eq", "i64"), ("ne", "f16"), ("eq", "bool")]
)


def binary_inputs(op: str, name: str, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    if op in ("floordiv", "mod", "udiv", "urem") and name != "f32":
        lo, hi = (-100, 101) if name == "i8" else (-(10**6), 10**6)
        x = rand(name, n, low=lo, high=hi)
        y = rand(name, n, low=-20, high=21)
        return x, torch.where(y == 0, torch.ones_like(y), y)
    if op in ("shl", "shr", "lshr"):
        return rand(name, n), rand(name, n, low=0, high=BITS[name])
    if op in ("lt", "le", "gt", "ge", "eq", "ne") and name != "bool":
        # Small ranges so that equal pairs occur.
        x = rand(name, n, low=-4, high=4)
        y = rand(name, n, low=-4, high=4)
        if x.is_floating_point():
            x, y = x.round(), y.round()
        return x, y
    if name in ("i32", "i64"):
        # Wide enough for mul to wrap around: Triton's and torch's integers both wrap.
        lo, hi = INT_RANGES[name]
        return rand(name, n, low=lo // 2**8, high=hi // 2**8), rand(
            name, n, low=-(2**12), high=2**12
        )
    x, y = rand(name, n), rand(name, n)
    if op in ("truediv", "mod") and x.is_floating_point():
        y = torch.where(y.abs() < 0.5, torch.full_like(y, 0.5), y)
    if op in ("maximum_nan", "minimum_nan"):
        x[::5] = float("nan")
        y[::7] = float("nan")
    return x, y


@cases("arithmetic", BINARY_CASES, op=lambda op, name: op)
def binary_op(op, name):
    n = 1000
    x, y = binary_inputs(op, name, n)
    ref = BINARY_REFS[op](x, y)
    out = torch.empty_like(ref)

    def verify():
        if op == "truediv" and name in ("f16", "bf16"):
            check(out, ref, rtol={"f16": 1e-3, "bf16": 8e-3}[name], atol=1e-3)
        elif op == "mod" and name == "f32":
            check(out, ref, rtol=1e-6, atol=1e-6)
        else:
            check(out, ref)

    return Plan(launch(_binary_kernel, grid(n), x, y, out, n, OP=op, BLOCK=BLOCK), check=verify)


@cases("masking", product(["f32", "f16", "i32"], [1, 7, 1000, 4097]), op="add")
def add_odd_sizes_leave_the_tail_alone(name, n):
    x, y = rand(name, n), rand(name, n)
    sentinel = 77
    out = torch.full((n + 64,), sentinel, dtype=x.dtype)

    def verify():
        check(out[:n], x + y)
        assert (out[n:] == sentinel).all(), "the kernel wrote past the masked tail"

    return Plan(launch(_binary_kernel, grid(n, 1024), x, y, out, n, OP="add", BLOCK=1024),
                check=verify)


@triton.jit
def _div_masked_no_other_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    y = tl.load(y_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x // y + x % y, mask=mask)


@cases("masking", op="floordiv", isolated=True)
def int_division_on_masked_lanes_without_other():
    """Masked-off lanes hold unspecified values; dividing by them must not trap the process.

    Isolated: runs in a child process, so that a SIGFPE fails this case instead of the run.
    """
    n = 5
    x = torch.tensor([7, -7, 9, 100, -1], dtype=torch.int32)
    y = torch.tensor([2, 2, -4, 7, 3], dtype=torch.int32)
    out = torch.empty(n, dtype=torch.int32)
    return Plan(launch(_div_masked_no_other_kernel, (1,), x, y, out, n, BLOCK=64),
                check=lambda: check(out, torch.div(x, y, rounding_mode="trunc") + torch.fmod(x, y)))


@triton.jit
def _where_kernel(c_ptr, x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    c = tl.load(c_ptr + offs, mask=mask, other=0)
    x = tl.load(x_ptr + offs, mask=mask)
    y = tl.load(y_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, tl.where(c, x, y), mask=mask)


@cases("arithmetic", ["f32", "f16", "i32", "i64", "i8", "bool"], op="where")
def where(name):
    n = 1000
    c, x, y = rand("bool", n), rand(name, n), rand(name, n)
    out = torch.empty_like(x)
    return Plan(launch(_where_kernel, grid(n), c, x, y, out, n, BLOCK=BLOCK),
                check=lambda: check(out, torch.where(c, x, y)))


@triton.jit
def _where_scalar_kernel(x_ptr, out_ptr, n, lo, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, tl.where(x < lo, lo, x), mask=mask)


@cases("arithmetic", [("f32", -1.5), ("i32", -3)], op="where")
def where_with_scalar_branch(name, lo):
    n = 1000
    x = rand(name, n)
    out = torch.empty_like(x)
    return Plan(launch(_where_scalar_kernel, grid(n), x, out, n, lo, BLOCK=BLOCK),
                check=lambda: check(out, torch.where(x < lo, torch.tensor(lo, dtype=x.dtype), x)))


# -- unary math -----------------------------------------------------------------------------


@triton.jit
def _unary_kernel(
    x_ptr, out_ptr, n, OP: tl.constexpr, BLOCK: tl.constexpr, UPCAST: tl.constexpr = False
):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=1)
    if (
        UPCAST
    ):  # Triton's math functions take fp32/fp64: half inputs go through fp32, the store rounds back
        x = x.to(tl.float32)
    if OP == "exp":
        r = tl.exp(x)
    elif OP == "exp2":
        r = tl.exp2(x)
    elif OP == "log":
        r = tl.log(x)
    elif OP == "log2":
        r = tl.log2(x)
    elif OP == "sqrt":
        r = tl.sqrt(x)
    elif OP == "sqrt_rn":
        r = tl.sqrt_rn(x)
    elif OP == "rsqrt":
        r = tl.rsqrt(x)
    elif OP == "sin":
        r = tl.sin(x)
    elif OP == "cos":
        r = tl.cos(x)
    elif OP == "abs":
        r = tl.abs(x)
    elif OP == "floor":
        r = tl.floor(x)
    elif OP == "ceil":
        r = tl.ceil(x)
    elif OP == "sigmoid_formula":
        r = 1.0 / (1.0 + tl.exp(-x))
    elif OP == "sigmoid":
        r = tl.sigmoid(x)
    elif OP == "erf":
        r = tl.erf(x)
    elif OP == "neg":
        r = -x
    elif OP == "invert":
        r = ~x
    elif OP == "not":
        r = x == 0
    elif OP == "softplus":
        r = tl.log(1.0 + tl.exp(x))
    # libdevice (through tl.extra.libdevice, i.e. `__nv_*` external functions)
    elif OP == "ld_tanh":
        r = libdevice.tanh(x)
    elif OP == "ld_expm1":
        r = libdevice.expm1(x)
    elif OP == "ld_log1p":
        r = libdevice.log1p(x)
    elif OP == "ld_log10":
        r = libdevice.log10(x)
    elif OP == "ld_asin":
        r = libdevice.asin(x)
    elif OP == "ld_acos":
        r = libdevice.acos(x)
    elif OP == "ld_atan":
        r = libdevice.atan(x)
    elif OP == "ld_tan":
        r = libdevice.tan(x)
    elif OP == "ld_sinh":
        r = libdevice.sinh(x)
    elif OP == "ld_cosh":
        r = libdevice.cosh(x)
    elif OP == "ld_asinh":
        r = libdevice.asinh(x)
    elif OP == "ld_cbrt":
        r = libdevice.cbrt(x)
    elif OP == "ld_rint":
        r = libdevice.rint(x)
    elif OP == "ld_round":
        r = libdevice.round(x)
    elif OP == "ld_trunc":
        r = libdevice.trunc(x)
    elif OP == "ld_erfc":
        r = libdevice.erfc(x)
    elif OP == "ld_exp":
        r = libdevice.exp(x)
    elif OP == "ld_isnan":
        r = libdevice.isnan(x).to(tl.int1)
    elif OP == "ld_isinf":
        r = libdevice.isinf(x).to(tl.int1)
    elif OP == "ld_signbit":
        r = libdevice.signbit(x).to(tl.int1)
    elif OP == "ld_erfinv":
        r = libdevice.erfinv(x)
    elif OP == "ld_lgamma":
        r = libdevice.lgamma(x)
    else:
        r = libdevice.ilogb(x)
    tl.store(out_ptr + offs, r, mask=mask)


POSITIVE = (0.05, 20.0)
UNARY_SPECS = {
    # op: (torch reference on float64, input range or None for default)
    "exp": (torch.exp, (-10.0, 10.0)),
    "exp2": (torch.exp2, (-20.0, 20.0)),
    "log": (torch.log, POSITIVE),
    "log2": (torch.log2, POSITIVE),
    "sqrt": (torch.sqrt, POSITIVE),
    "sqrt_rn": (torch.sqrt, POSITIVE),
    "rsqrt": (torch.rsqrt, POSITIVE),
    "sin": (torch.sin, None),
    "cos": (torch.cos, None),
    "abs": (torch.abs, None),
    "floor": (torch.floor, None),
    "ceil": (torch.ceil, None),
    "sigmoid_formula": (torch.sigmoid, None),
    "sigmoid": (torch.sigmoid, None),
    "erf": (torch.erf, (-3.0, 3.0)),
    "neg": (torch.neg, None),
    "softplus": (torch.nn.functional.softplus, (-5.0, 5.0)),
    "ld_tanh": (torch.tanh, (-5.0, 5.0)),
    "ld_expm1": (torch.expm1, (-1.0, 1.0)),
    "ld_log1p": (torch.log1p, (-0.5, 5.0)),
    "ld_log10": (torch.log10, POSITIVE),
    "ld_asin": (torch.asin, (-0.99, 0.99)),
    "ld_acos": (torch.acos, (-0.99, 0.99)),
    "ld_atan": (torch.atan, None),
    "ld_tan": (torch.tan, (-1.4, 1.4)),
    "ld_sinh": (torch.sinh, (-5.0, 5.0)),
    "ld_cosh": (torch.cosh, (-5.0, 5.0)),
    "ld_asinh": (torch.asinh, None),
    "ld_cbrt": (lambda x: torch.sign(x) * x.abs().pow(1.0 / 3.0), None),
    "ld_rint": (torch.round, None),  # round half to even
    "ld_round": (lambda x: torch.sign(x) * torch.floor(x.abs() + 0.5), None),  # half away from zero
    "ld_trunc": (torch.trunc, None),
    "ld_erfc": (torch.erfc, (-3.0, 3.0)),
    "ld_exp": (torch.exp, (-10.0, 10.0)),
    "ld_erfinv": (torch.erfinv, (-0.99, 0.99)),
    "ld_lgamma": (torch.lgamma, POSITIVE),
}
UNARY_FLOAT_CASES = (
    [(op, "f32") for op in UNARY_SPECS]
    + [(op, "f16") for op in ("exp", "log", "sqrt", "abs", "floor", "sin", "neg", "sigmoid")]
    + [(op, "bf16") for op in ("exp", "sqrt", "abs", "ceil", "neg")]
    + [(op, "f64") for op in ("exp", "sqrt", "ld_tanh", "ld_log1p")]
)
TRANSCENDENTAL_TOL = {
    "f32": (2e-5, 1e-6),
    "f16": (2e-3, 1e-3),
    "bf16": (1.6e-2, 1e-2),
    "f64": (1e-12, 1e-14),
}


def unary_input(op: str, name: str, n: int) -> torch.Tensor:
    rng = UNARY_SPECS[op][1] or (-10.0, 10.0)
    x = rand(name, n, low=rng[0], high=rng[1])
    if op in ("floor", "ceil", "ld_rint", "ld_round", "ld_trunc", "abs", "neg"):
        x[:8] = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, -0.0, 3.0], dtype=x.dtype)
    return x


LIBDEVICE = needs(features=["libdevice"])


def _math_group(op: str, *_) -> str:
    return "libdevice" if op.startswith("ld_") else "math"


def _math_needs(op: str, name: str):
    upcast = name in ("f16", "bf16") and op not in ("abs", "neg")
    return needs(dtypes=["fp32"] if upcast else [],
                 features=["libdevice"] if op.startswith("ld_") else [])


@cases(_math_group, UNARY_FLOAT_CASES, op=lambda op, name: op, needs=_math_needs)
def unary_float(op, name):
    n = 1000
    x = unary_input(op, name, n)
    ref = UNARY_SPECS[op][0](x.to(torch.float64)).to(x.dtype)
    out = torch.empty_like(x)
    upcast = name in ("f16", "bf16") and op not in ("abs", "neg")

    def verify():
        if op in ("sqrt_rn", "abs", "floor", "ceil", "neg", "ld_rint", "ld_round", "ld_trunc"):
            check(out, ref, rtol=0, atol=0)  # correctly rounded (or exact) results
        else:
            rtol, atol = TRANSCENDENTAL_TOL[name]
            check(out, ref, rtol=rtol, atol=atol)

    return Plan(launch(_unary_kernel, grid(n), x, out, n, OP=op, BLOCK=BLOCK, UPCAST=upcast),
                check=verify)


UNARY_INT_CASES = [
    ("abs", "i8"),
    ("abs", "i32"),
    ("abs", "i64"),
    ("neg", "i32"),
    ("neg", "i8"),
    ("invert", "i8"),
    ("invert", "i32"),
    ("invert", "i64"),
    ("not", "i32"),
    ("not", "bool"),
]
UNARY_INT_REFS = {
    "abs": torch.abs,
    "neg": torch.neg,
    "invert": torch.bitwise_not,
    "not": lambda x: x == 0,
}


@cases("arithmetic", UNARY_INT_CASES, op=lambda op, name: op)
def unary_int(op, name):
    n = 1000
    x = rand(name, n, low=-3, high=3) if op == "not" and name != "bool" else rand(name, n)
    ref = UNARY_INT_REFS[op](x)
    out = torch.empty_like(ref)
    return Plan(launch(_unary_kernel, grid(n), x, out, n, OP=op, BLOCK=BLOCK),
                check=lambda: check(out, ref))


CLASSIFY_REFS = {"ld_isnan": torch.isnan, "ld_isinf": torch.isinf, "ld_signbit": torch.signbit}


@cases("libdevice", list(CLASSIFY_REFS), op=lambda op: op, needs=LIBDEVICE)
def libdevice_classification(op):
    x = torch.tensor(
        [0.0, -0.0, 1.0, -2.5, float("inf"), float("-inf"), float("nan"), 1e-40, -1e30] * 3
    )
    n = x.numel()
    out = torch.empty(n, dtype=torch.bool)
    return Plan(launch(_unary_kernel, grid(n), x, out, n, OP=op, BLOCK=BLOCK),
                check=lambda: check(out, CLASSIFY_REFS[op](x)))


@cases("libdevice", op="ld_ilogb", needs=LIBDEVICE)
def libdevice_ilogb():
    x = torch.tensor([1.0, 2.0, 3.0, 0.3, 1024.5, -8.0, 1e-3, 7e5])
    n = x.numel()
    out = torch.empty(n, dtype=torch.int32)
    return Plan(launch(_unary_kernel, grid(n), x, out, n, OP="ld_ilogb", BLOCK=BLOCK),
                check=lambda: check(out, torch.frexp(x).exponent - 1))


@triton.jit
def _libdevice_binary_kernel(x_ptr, y_ptr, out_ptr, n, OP: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=1)
    y = tl.load(y_ptr + offs, mask=mask, other=1)
    if OP == "pow":
        r = libdevice.pow(x, y)
    elif OP == "atan2":
        r = libdevice.atan2(x, y)
    elif OP == "fmod":
        r = libdevice.fmod(x, y)
    elif OP == "hypot":
        r = libdevice.hypot(x, y)
    elif OP == "copysign":
        r = libdevice.copysign(x, y)
    elif OP == "fast_dividef":
        r = libdevice.fast_dividef(x, y)
    elif OP == "div_rz":
        r = libdevice.div_rz(x, y)
    elif OP == "nextafter":
        r = libdevice.nextafter(x, y)
    else:
        r = libdevice.fdim(x, y)
    tl.store(out_ptr + offs, r, mask=mask)


LIBDEVICE_BINARY = {
    "pow": (torch.pow, (0.1, 4.0), (-3.0, 3.0)),
    "atan2": (torch.atan2, (-5.0, 5.0), (-5.0, 5.0)),
    "fmod": (torch.fmod, (-20.0, 20.0), (0.5, 3.0)),
    "hypot": (torch.hypot, (-5.0, 5.0), (-5.0, 5.0)),
    "copysign": (torch.copysign, (-5.0, 5.0), (-5.0, 5.0)),
    "fast_dividef": (torch.div, (-5.0, 5.0), (0.5, 5.0)),
    "div_rz": (None, (-5.0, 5.0), (0.5, 5.0)),
    "nextafter": (torch.nextafter, (-5.0, 5.0), (-5.0, 5.0)),
    "fdim": (lambda x, y: torch.clamp(x - y, min=0), (-5.0, 5.0), (-5.0, 5.0)),
}
LIBDEVICE_BINARY_CASES = [(op, "f32") for op in LIBDEVICE_BINARY] + [("pow", "f64")]


@cases("libdevice", LIBDEVICE_BINARY_CASES, op=lambda op, name: f"ld_{op}", needs=LIBDEVICE)
def libdevice_binary(op, name):
    n = 1000
    fn, xr, yr = LIBDEVICE_BINARY[op]
    x, y = rand(name, n, low=xr[0], high=xr[1]), rand(name, n, low=yr[0], high=yr[1])
    out = torch.empty_like(x)

    def verify():
        if op == "div_rz":
            check(out, _divide_toward_zero(x, y), rtol=0, atol=0)
        elif op == "nextafter":
            check(out, torch.nextafter(x, y), rtol=0, atol=0)
        else:
            rtol, atol = TRANSCENDENTAL_TOL[name]
            check(out, fn(x.double(), y.double()).to(x.dtype), rtol=rtol, atol=atol)

    return Plan(launch(_libdevice_binary_kernel, grid(n), x, y, out, n, OP=op, BLOCK=BLOCK),
                check=verify)


def _divide_toward_zero(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    q = x / y
    bits = q.view(torch.int32).clone()
    bits[q.double().abs() > (x.double() / y.double()).abs()] -= (
        1  # sign-magnitude: one ulp toward zero
    )
    return bits.view(torch.float32)


# -- ternary and special-rounding operations -----------------------------------------------------


@triton.jit
def _ternary_kernel(x_ptr, y_ptr, z_ptr, out_ptr, n, OP: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask, other=1)
    y = tl.load(y_ptr + offs, mask=mask, other=1)
    z = tl.load(z_ptr + offs, mask=mask, other=1)
    if OP == "fma":
        r = tl.fma(x, y, z)
    elif OP == "clamp":
        r = tl.clamp(x, y, z)
    elif OP == "clamp_nan":
        r = tl.clamp(x, y, z, propagate_nan=tl.PropagateNan.ALL)
    elif OP == "div_rn":
        r = tl.div_rn(x, y)
    elif OP == "umulhi":
        r = tl.umulhi(x, y)
    elif OP == "fdiv":
        r = tl.fdiv(x, y)
    elif OP == "fdiv_rn":
        r = tl.fdiv(x, y, ieee_rounding=True)
    elif OP == "cdiv":
        r = tl.cdiv(x, y)
    else:
        r = libdevice.fma(x, y, z)
    tl.store(out_ptr + offs, r, mask=mask)


def _umulhi_ref(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    xu = x.numpy().view(np.uint32).astype(np.uint64)
    yu = y.numpy().view(np.uint32).astype(np.uint64)
    return torch.from_numpy(((xu * yu) >> np.uint64(32)).astype(np.uint32).view(np.int32))


TERNARY_CASES = [
    "fma-f32",
    "fma-f16",
    "fma-bf16",
    "ld_fma-f32",
    "clamp-f32",
    "clamp-f16",
    "clamp-i32",
    "clamp_nan-f32",
    "div_rn-f32",
    "fdiv-f32",
    "fdiv_rn-f32",
    "umulhi-i32",
    "cdiv-i32",
]


@cases(_math_group, TERNARY_CASES, op=lambda case: case.split("-")[0],
       needs=lambda case: LIBDEVICE if case.startswith("ld_") else needs())
def ternary(case):
    op, name = case.split("-")
    n = 1000
    x, y, z = rand(name, n), rand(name, n), rand(name, n)
    if op.startswith("clamp"):
        y, z = torch.minimum(y, z), torch.maximum(y, z)
        if op == "clamp_nan":
            x[::7] = float("nan")
    if op == "cdiv":
        x, y = rand(name, n, low=0, high=10**6), rand(name, n, low=1, high=100)
    out = torch.empty_like(x)

    def verify():
        if op in ("fma", "ld_fma"):
            wide = torch.float64 if name == "f32" else torch.float32
            check(out, (x.to(wide) * y.to(wide) + z.to(wide)).to(x.dtype), rtol=0, atol=0)
        elif op.startswith("clamp"):
            check(out, torch.clamp(x, y, z))  # torch.clamp propagates NaN from x
        elif op in ("div_rn", "fdiv_rn"):
            check(out, x / y, rtol=0, atol=0)
        elif op == "fdiv":
            check(out, x / y, rtol=2e-6, atol=0)
        elif op == "umulhi":
            check(out, _umulhi_ref(x, y))
        else:
            check(out, (x + y - 1) // y)

    return Plan(launch(_ternary_kernel, grid(n), x, y, z, out, n, OP=op, BLOCK=BLOCK),
                check=verify)


@cases("math", op="clamp")
def clamp_propagate_nan_is_not_required_without_flag():
    """Without propagate_nan, clamping NaN is unspecified: other lanes are checked."""
    n = 64
    x, lo, hi = rand("f32", n), torch.full((n,), -1.0), torch.full((n,), 1.0)
    x[3] = float("nan")
    out = torch.empty_like(x)
    keep = ~torch.isnan(x)
    return Plan(launch(_ternary_kernel, grid(n), x, lo, hi, out, n, OP="clamp", BLOCK=BLOCK),
                check=lambda: check(out[keep], torch.clamp(x[keep], -1.0, 1.0)))


# -- loads with `other=` ---------------------------------------------------------------------


@triton.jit
def _load_other_kernel(x_ptr, out_ptr, n, other, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n, other=other))


@triton.jit
def _load_other_const_kernel(x_ptr, out_ptr, n, OTHER: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n, other=OTHER))


OTHER_CASES = [
    ("f32", -3.25),
    ("f32", float("-inf")),
    ("f16", 2.5),
    ("bf16", -1.0),
    ("i32", -7),
    ("i8", 3),
    ("i64", 2**40),
    ("bool", True),
]


@cases("masking", [(c, d, o) for c in (False, True) for d, o in OTHER_CASES],
       ids=lambda const, name, other: f"{'constexpr' if const else 'runtime'}-{name}-{other}",
       op="load")
def load_other(const, name, other):
    n, block = 37, 64
    x = rand(name, n)
    out = torch.empty(block, dtype=x.dtype)
    kernel = _load_other_const_kernel if const else _load_other_kernel
    ref = torch.cat([x, torch.full((block - n,), other, dtype=x.dtype)])
    return Plan(launch(kernel, (1,), x, out, n, other, BLOCK=block), check=lambda: check(out, ref))


@cases("masking", op="load")
def load_other_nan():
    n, block = 10, 16
    x = rand("f32", n)
    out = torch.empty(block)

    def verify():
        check(out[:n], x)
        assert torch.isnan(out[n:]).all(), "masked lanes do not hold other=nan"

    return Plan(launch(_load_other_const_kernel, (1,), x, out, n, float("nan"), BLOCK=block),
                check=verify)


# -- scalar arguments ------------------------------------------------------------------------


@triton.jit
def _scalar_add_kernel(x_ptr, out_ptr, s, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) + s, mask=mask)


SCALAR_CASES = [
    ("i32", 5, "i32"),
    ("i32", -7, "i32"),
    ("i32", 1, "i32"),
    ("i32", 16, "i32"),
    ("i32", 0, "i32"),
    ("i32", 2**31 - 1, "i32"),
    ("i32", 2**40, "i64"),
    ("i64", -(2**35), "i64"),
    ("i64", 3, "i64"),
    ("i8", 100, "i32"),
    ("f32", 2.5, "f32"),
    ("f32", -1e-3, "f32"),
    ("f32", 3, "f32"),
    ("f16", 0.5, "f32"),
    ("i32", 0.5, "f32"),
    ("bf16", 4, "bf16"),
]


@cases("scalars", SCALAR_CASES, ids=lambda a, b, _: f"{a}+{b!r}", op="add")
def scalar_argument(x_name, s, out_name):
    """Python ints become i32 (i64 when too big, constants when 1), floats fp32; Triton promotes."""
    n = 100
    x = rand(x_name, n, low=-50, high=50)
    out = torch.empty(n, dtype=DTYPES[out_name])

    def verify():
        if DTYPES[out_name].is_floating_point:
            ref = (x.to(torch.float32) + torch.tensor(s, dtype=torch.float32)).to(out.dtype)
            if x_name == "bf16":
                ref = x + s
            check(out, ref, rtol=1e-6, atol=1e-6)
        else:
            check(out, (x.to(torch.int64) + s).to(out.dtype))

    return Plan(launch(_scalar_add_kernel, grid(n), x, out, s, n, BLOCK=BLOCK), check=verify)


@triton.jit
def _scalar_bool_kernel(x_ptr, out_ptr, flag, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    if flag:
        y = x * 2
    else:
        y = -x
    tl.store(out_ptr + offs, tl.where(flag, y + 1, y - 1), mask=mask)


@cases("scalars", [True, False], op="if")
def scalar_bool_argument(flag):
    n = 100
    x = rand("i32", n, low=-50, high=50)
    out = torch.empty_like(x)
    return Plan(launch(_scalar_bool_kernel, grid(n), x, out, flag, n, BLOCK=BLOCK),
                check=lambda: check(out, x * 2 + 1 if flag else -x - 1))


@triton.jit
def _scalar_only_kernel(out_ptr, a, b, c, d):
    tl.store(out_ptr + 0, (a + b).to(tl.float32))
    tl.store(out_ptr + 1, c * 2.0)
    tl.store(out_ptr + 2, d.to(tl.float32))
    tl.store(out_ptr + 3, (a * c).to(tl.float32))


@cases("scalars", op="store")
def scalars_without_tensors():
    """A kernel made only of scalar arithmetic: i32, i64, fp32 and bool arguments, each stored."""
    out = torch.empty(4)
    return Plan(launch(_scalar_only_kernel, (1,), out, 7, 2**33, 1.25, True),
                check=lambda: check(out, torch.tensor([7.0 + 2.0**33, 2.5, 1.0, 8.75])))


# -- casts --------------------------------------------------------------------------------


@triton.jit
def _cast_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x.to(out_ptr.dtype.element_ty), mask=mask)


CAST_NAMES = ["f32", "f16", "bf16", "i8", "i32", "i64", "bool"]
CAST_CASES = [(s, d) for s in CAST_NAMES for d in CAST_NAMES if s != d]


def cast_input(src: str, dst: str, n: int) -> torch.Tensor:
    """Values both Triton and torch convert alike (no float->int overflow, exact int->float)."""
    src_t, dst_t = DTYPES[src], DTYPES[dst]
    if src == "bool":
        return rand("bool", n)
    if src_t.is_floating_point:
        if dst in ("i8",):
            x = rand(src, n, low=-127.0, high=127.0)
        elif dst in ("i32", "i64"):
            x = (
                rand(src, n, low=-30000.0, high=30000.0)
                if src == "f16"
                else rand(src, n, low=-1e6, high=1e6)
            )
        else:
            x = rand(src, n) * torch.exp2(rand("f32", n, low=-30, high=30).round()).to(src_t)
        x[:6] = torch.tensor([0.0, -0.0, 0.5, -0.5, 1.0, -1.5], dtype=src_t)
        return x
    if dst_t.is_floating_point:
        # |v| < 2**20: exactly representable in f32, so torch's int->f32->f16/bf16 path rounds once.
        return rand(
            src, n, low=max(INT_RANGES[src][0], -(2**20)), high=min(INT_RANGES[src][1], 2**20)
        )
    if dst == "bool":
        return rand(src, n, low=-2, high=3)
    return rand(src, n)  # full range: narrowing int casts wrap


@cases("casts", CAST_CASES, ids=lambda s, d: f"{s}->{d}", op="to")
def cast(src, dst):
    n = 1000
    x = cast_input(src, dst, n)
    out = torch.empty(n, dtype=DTYPES[dst])
    ref = x != 0 if DTYPES[dst] == torch.bool else x.to(DTYPES[dst])
    return Plan(launch(_cast_kernel, grid(n), x, out, n, BLOCK=BLOCK),
                check=lambda: check(out, ref, rtol=0, atol=0))


@cases("casts", op="to")
def cast_f32_to_f16_special_values():
    x = torch.tensor(
        [
            65504.0,
            65520.0,
            1e6,
            -1e6,
            6e-8,
            3e-8,
            2.9e-8,
            1e-10,
            float("inf"),
            float("nan"),
            1.0 + 2.0**-11,
            1.0 + 3 * 2.0**-11,
            -(1.0 + 2.0**-11),
            5.96e-8,
            2.0**-24 * 1.5,
        ]
    )
    n = x.numel()
    out = torch.empty(n, dtype=torch.float16)
    return Plan(launch(_cast_kernel, grid(n), x, out, n, BLOCK=BLOCK),
                check=lambda: check(out, x.to(torch.float16), rtol=0, atol=0))


@cases("casts", op="to")
def cast_f32_to_bf16_ties_round_to_even():
    x = (
        torch.tensor(
            [0x3F808000, 0x3F818000, 0xBF808000, 0x3F808001, 0x7F7FFFFF, 0x00000001, 0x7FC00000],
            dtype=torch.int64,
        ).to(torch.int32)
    ).view(torch.float32)
    n = x.numel()
    out = torch.empty(n, dtype=torch.bfloat16)
    return Plan(launch(_cast_kernel, grid(n), x, out, n, BLOCK=BLOCK),
                check=lambda: check(out, x.to(torch.bfloat16), rtol=0, atol=0))


@triton.jit
def _cast_rounding_kernel(x_ptr, out_ptr, n, ROUNDING: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(
        out_ptr + offs, x.to(out_ptr.dtype.element_ty, fp_downcast_rounding=ROUNDING), mask=mask
    )


def _round_toward_zero(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    r = x.to(dtype)
    bits = r.view(torch.int16).clone()
    too_big = r.to(torch.float32).abs() > x.abs()
    bits[too_big] -= 1  # sign-magnitude: one ulp toward zero
    return bits.view(dtype)


@cases("casts", product(["rtne", "rtz"], ["f16", "bf16"]), op="to")
def cast_fp_downcast_rounding(rounding, dst):
    n = 1000
    x = rand("f32", n, low=-1000.0, high=1000.0)
    out = torch.empty(n, dtype=DTYPES[dst])
    ref = x.to(DTYPES[dst]) if rounding == "rtne" else _round_toward_zero(x, DTYPES[dst])
    return Plan(launch(_cast_rounding_kernel, grid(n), x, out, n, ROUNDING=rounding, BLOCK=BLOCK),
                check=lambda: check(out, ref, rtol=0, atol=0))


@triton.jit
def _bitcast_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, x.to(out_ptr.dtype.element_ty, bitcast=True), mask=mask)


BITCAST_CASES = [
    ("f32", "i32"),
    ("i32", "f32"),
    ("f16", "i16"),
    ("i16", "f16"),
    ("bf16", "i16"),
    ("f16", "bf16"),
    ("f64", "i64"),
    ("i64", "f64"),
]


@cases("casts", BITCAST_CASES, ids=lambda s, d: f"{s}->{d}", op="to(bitcast=True)")
def bitcast(src, dst):
    n = 1000
    x = rand(src, n)
    if src.startswith("i"):
        # keep the float patterns free of NaNs, whose payloads may be canonicalised
        x = rand(dst, n).view(DTYPES[src])
    out = torch.empty(n, dtype=DTYPES[dst])
    return Plan(launch(_bitcast_kernel, grid(n), x, out, n, BLOCK=BLOCK),
                check=lambda: check(out.view(DTYPES[src]), x, rtol=0, atol=0))


@triton.jit
def _cast_chain_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    y = x.to(tl.uint8).to(tl.int32) + x.to(tl.uint16).to(tl.float32).to(tl.int32)
    tl.store(out_ptr + offs, y, mask=mask)


@cases("casts", op="to", needs=needs(dtypes=["u8", "u16", "fp32"]))
def cast_through_unsigned_types():
    n = 1000
    x = rand("i32", n, low=-(2**20), high=2**20)
    out = torch.empty_like(x)
    return Plan(launch(_cast_chain_kernel, grid(n), x, out, n, BLOCK=BLOCK),
                check=lambda: check(out, (x & 0xFF) + (x & 0xFFFF)))


# -- pointer arithmetic -------------------------------------------------------------------


@triton.jit
def _gather_i64_kernel(x_ptr, idx_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0).to(tl.int64) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    idx = tl.load(idx_ptr + offs, mask=mask, other=0)
    tl.store(out_ptr + offs, tl.load(x_ptr + idx, mask=mask), mask=mask)


@cases("pointers", ["i64", "i32", "i16", "i8"], op="addptr", needs=needs(dtypes=["i64"]))
def pointer_plus_tensor_offsets(idx_name):
    n = 1000
    x = rand("f32", n)
    hi = min(n, INT_RANGES[idx_name][1])
    idx = torch.randint(0, hi, (n,), dtype=DTYPES[idx_name])
    out = torch.empty(n)
    return Plan(launch(_gather_i64_kernel, grid(n), x, idx, out, n, BLOCK=BLOCK),
                check=lambda: check(out, x[idx.long()]))


@triton.jit
def _negative_offsets_kernel(mid_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK).to(tl.int64) - n
    mask = offs < 0
    tl.store(out_ptr + offs + n, tl.load(mid_ptr + offs, mask=mask), mask=mask)


I64 = needs(dtypes=["i64"])
INT64_OFFSETS = needs(dtypes=["i64"], features=["int64_indexing"])


@cases("pointers", op="addptr", needs=I64)
def pointer_with_negative_int64_offsets():
    x = rand("f32", 200)
    out = torch.empty(100)
    return Plan(launch(_negative_offsets_kernel, (1,), x[100:], out, 100, BLOCK=128),
                check=lambda: check(out, x[:100]))


@triton.jit
def _scalar_offset_kernel(x_ptr, out_ptr, off: tl.int64, far: tl.int64, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    p = x_ptr + off
    q = out_ptr + far
    q = q - far
    tl.store(q + offs, tl.load(p + offs))


@cases("pointers", op="addptr", needs=INT64_OFFSETS)
def pointer_plus_int64_scalar():
    """An i64 scalar offset, and a far (never dereferenced) pointer brought back by subtraction."""
    x = rand("f32", 100)
    out = torch.empty(32)
    return Plan(launch(_scalar_offset_kernel, (1,), x, out, 17, 2**40, BLOCK=32),
                check=lambda: check(out, x[17:49]))


@triton.jit
def _ptr_int_roundtrip_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    addr = x_ptr.to(tl.int64, bitcast=True) + 4 * offs
    p = addr.to(tl.pointer_type(tl.float32), bitcast=True)
    tl.store(out_ptr + offs, tl.load(p) * 2)


@cases("pointers", op="ptr_to_int", needs=I64)
def pointer_int_roundtrip():
    """ptr -> int64 (tt.ptr_to_int), arithmetic, int64 -> ptr (tt.int_to_ptr)."""
    x = rand("f32", 16)
    out = torch.empty(16)
    return Plan(launch(_ptr_int_roundtrip_kernel, (1,), x, out, BLOCK=16),
                check=lambda: check(out, x * 2))


@triton.jit
def _int64_index_math_kernel(x_ptr, out_ptr, stride: tl.int64, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    big = offs.to(tl.int64) * stride  # far beyond int32
    back = big // stride
    tl.store(out_ptr + back, tl.load(x_ptr + back, mask=mask) + 1, mask=mask)


@cases("pointers", op="addptr", needs=INT64_OFFSETS)
def int64_offset_arithmetic_beyond_int32():
    n = 300
    x = rand("f32", n)
    out = torch.empty(n)
    return Plan(launch(_int64_index_math_kernel, grid(n), x, out, 2**33 + 1, n, BLOCK=BLOCK),
                check=lambda: check(out, x + 1))


@triton.jit
def _multi_dtype_io_kernel(a_ptr, b_ptr, c_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    a = tl.load(a_ptr + offs, mask=mask)
    b = tl.load(b_ptr + offs, mask=mask)
    c = tl.load(c_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, a * b + c, mask=mask)


MIXED_CASES = [
    ("f16", "f32", "i32"),
    ("bf16", "f16", "i8"),
    ("i8", "i64", "i32"),
    ("bool", "i32", "f16"),
]


@cases("arithmetic", MIXED_CASES, op="mul")
def mixed_dtype_promotion(a, b, c):
    """Triton promotes mixed operands like torch here, except bf16 * f16: f16 in Triton."""
    n = 257
    x, y, z = rand(a, n, low=-8, high=8), rand(b, n, low=-8, high=8), rand(c, n, low=-8, high=8)
    if (a, b) == ("bf16", "f16"):
        ref = (
            x.to(torch.float16) * y + z.to(torch.float16)
        ).float()  # the store widens the f16 result
    else:
        ref = x * y + z
    out = torch.empty_like(ref)
    # FP fusion may turn a * b + c into one fma
    return Plan(launch(_multi_dtype_io_kernel, grid(n), x, y, z, out, n, BLOCK=BLOCK),
                check=lambda: check(out, ref, rtol=2e-3, atol=2e-3))


@triton.jit
def _fp_constants_kernel(x_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    tl.store(out_ptr + offs, tl.minimum(x * 3.141592653589793, float("inf")))


@cases("arithmetic", op="constant")
def fp_constants_and_python_math():
    """Constants folded from Python (math.pi, inf) reach the kernel unchanged."""
    x = rand("f32", 64)
    out = torch.empty(64)
    ref = torch.minimum(x * math.pi, torch.tensor(float("inf")))
    return Plan(launch(_fp_constants_kernel, (1,), x, out, BLOCK=64),
                check=lambda: check(out, ref, rtol=1e-6, atol=1e-6))
