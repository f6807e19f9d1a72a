"""Elementwise corpus kernels: arithmetic, activations, math, casts and random numbers.

Each kernel is a small tutorial-style 1D kernel over a flat buffer with a tail mask.
"""

from __future__ import annotations

import triton
import triton.language as tl
from triton.language.extra.cuda import libdevice

from ._case import case

# ---------------------------------------------------------------------------
# Basic arithmetic
# ---------------------------------------------------------------------------


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    block_start = pid * BLOCK_SIZE
    offsets = block_start + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)


@triton.jit
def axpy_kernel(x_ptr, y_ptr, alpha, n_elements, BLOCK_SIZE: tl.constexpr):
    """y <- alpha * x + y with a scalar fp32 coefficient and an int64 element count."""
    pid = tl.program_id(0).to(tl.int64)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    y = tl.load(y_ptr + offsets, mask=mask, other=0.0)
    tl.store(y_ptr + offsets, alpha * x + y, mask=mask)


@triton.jit
def leaky_relu_kernel(x_ptr, out_ptr, n_elements, slope, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.where(x >= 0, x, x * slope)
    tl.store(out_ptr + offsets, y, mask=mask)


@triton.jit
def swiglu_kernel(gate_ptr, up_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """out = silu(gate) * up computed in fp32 for fp16 inputs."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    gate = tl.load(gate_ptr + offsets, mask=mask).to(tl.float32)
    up = tl.load(up_ptr + offsets, mask=mask).to(tl.float32)
    silu = gate * tl.sigmoid(gate)
    tl.store(out_ptr + offsets, (silu * up).to(tl.float16), mask=mask)


@triton.jit
def gelu_tanh_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """GELU with the tanh approximation, tanh from libdevice."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    inner = 0.7978845608028654 * (x + 0.044715 * x * x * x)
    y = 0.5 * x * (1.0 + libdevice.tanh(inner))
    tl.store(out_ptr + offsets, y, mask=mask)


# ---------------------------------------------------------------------------
# Math
# ---------------------------------------------------------------------------


@triton.jit
def math_unary_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=1.0)
    a = tl.exp(x) + tl.exp2(x) + tl.log(tl.abs(x) + 1.0) + tl.log2(tl.abs(x) + 1.0)
    b = tl.sin(x) * tl.cos(x) + tl.sqrt(tl.abs(x)) + tl.rsqrt(tl.abs(x) + 1.0)
    c = tl.floor(x) + tl.ceil(x) + tl.erf(x)
    d = tl.math.fma(a, b, c)
    e = tl.maximum(d, tl.minimum(a, b)) + tl.math.exp2(-tl.math.abs(x))
    tl.store(out_ptr + offsets, e, mask=mask)


@triton.jit
def libdevice_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.5)
    y = tl.load(y_ptr + offsets, mask=mask, other=2.0)
    r = libdevice.pow(x, y) + libdevice.erfinv(x) + libdevice.atan2(y, x)
    r = r + libdevice.log1p(x) + libdevice.expm1(y) + libdevice.cbrt(x)
    r = tl.where(libdevice.isnan(r) != 0, 0.0, r)
    tl.store(out_ptr + offsets, r, mask=mask)


@triton.jit
def precise_math_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """IEEE-rounded sqrt and division (tt.precise_sqrt / tt.precise_divf)."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=1.0)
    y = tl.load(y_ptr + offsets, mask=mask, other=1.0)
    norm = tl.sqrt_rn(x * x + y * y)
    q = tl.div_rn(x, norm)
    r = tl.fdiv(y, norm, ieee_rounding=True)
    tl.store(out_ptr + offsets, q + r, mask=mask)


@triton.jit
def fast_div_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Approximate division (tt.approx_divf) next to the default arith.divf."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=1.0)
    y = tl.load(y_ptr + offsets, mask=mask, other=1.0)
    tl.store(out_ptr + offsets, tl.fdiv(x, y, approx=True) + x / y, mask=mask)


@triton.jit
def clamp_kernel(x_ptr, out_ptr, n_elements, lo, hi, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.clamp(x, lo, hi)
    z = tl.clamp(x, -6.0, 6.0, propagate_nan=tl.PropagateNan.ALL)
    tl.store(out_ptr + offsets, y + z, mask=mask)


@triton.jit
def hash_umulhi_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Multiplicative hashing with the high half of a 32x32 product (tt.mulhiui)."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    h = tl.umulhi(x, 0x9E3779B9) ^ (x * 0x85EBCA6B)
    h = h ^ (h >> 13)
    tl.store(out_ptr + offsets, h, mask=mask)


# ---------------------------------------------------------------------------
# Casts
# ---------------------------------------------------------------------------


@triton.jit
def cast_fp8_kernel(x_ptr, e4_ptr, e5_ptr, back_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Quantize fp32 to fp8 e4m3 / e5m2 (tt.fp_to_fp) and dequantize back."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    e4 = x.to(tl.float8e4nv)
    e5 = x.to(tl.float8e5, fp_downcast_rounding="rtz")
    tl.store(e4_ptr + offsets, e4, mask=mask)
    tl.store(e5_ptr + offsets, e5, mask=mask)
    tl.store(back_ptr + offsets, e4.to(tl.float32) + e5.to(tl.float32), mask=mask)


@triton.jit
def cast_mixed_kernel(
    x_ptr, h_ptr, bf_ptr, i_ptr, u8_ptr, d_ptr, n_elements, BLOCK_SIZE: tl.constexpr
):
    """fp32 -> fp16 / bf16 / int32 / uint8 / fp64 conversions (arith casts)."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.store(h_ptr + offsets, x.to(tl.float16), mask=mask)
    tl.store(bf_ptr + offsets, tl.cast(x, tl.bfloat16), mask=mask)
    i = x.to(tl.int32)
    tl.store(i_ptr + offsets, i * 3, mask=mask)
    tl.store(u8_ptr + offsets, (i & 0xFF).to(tl.uint8), mask=mask)
    tl.store(d_ptr + offsets, x.to(tl.float64) + i.to(tl.float64), mask=mask)


@triton.jit
def bitcast_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Flip the sign bit through an integer view of the floats (tt.bitcast)."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    bits = x.to(tl.uint32, bitcast=True)
    flipped = bits ^ 0x80000000
    y = tl.cast(flipped, tl.float32, bitcast=True)
    tl.store(out_ptr + offsets, y, mask=mask)


# ---------------------------------------------------------------------------
# Inline asm and map_elementwise
# ---------------------------------------------------------------------------


@triton.jit
def inline_asm_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Funnel shift via PTX (single result) plus a two-result asm block."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    rot = tl.inline_asm_elementwise(
        asm="shf.l.wrap.b32 $0, $1, $2, $3;",
        constraints="=r,r,r,r",
        args=[x, y, offsets],
        dtype=tl.int32,
        is_pure=True,
        pack=1,
    )
    lo, hi = tl.inline_asm_elementwise(
        asm="mov.b32 $0, $2; mov.b32 $1, $3;",
        constraints="=r,=r,r,r",
        args=[rot, x],
        dtype=(tl.int32, tl.int32),
        is_pure=False,
        pack=1,
    )
    tl.store(out_ptr + offsets, lo + hi, mask=mask)


@triton.jit
def _selu_scalar(x, alpha, scale):
    if x > 0:
        return scale * x
    else:
        return scale * alpha * (tl.exp(x) - 1)


@triton.jit
def selu_map_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """SELU with real per-element branching through tl.map_elementwise."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    alpha = tl.full([BLOCK_SIZE], 1.6732632423543772, tl.float32)
    scale = tl.full([BLOCK_SIZE], 1.0507009873554805, tl.float32)
    y = tl.map_elementwise(_selu_scalar, x, alpha, scale)
    tl.store(out_ptr + offsets, y, mask=mask)


@triton.jit
def _minmax_pair(a0, a1, b0, b1):
    # pack=2: two elements of each input per call; results are listed result-major.
    return tl.minimum(a0, b0), tl.minimum(a1, b1), tl.maximum(a0, b0), tl.maximum(a1, b1)


@triton.jit
def minmax_map_kernel(x_ptr, y_ptr, lo_ptr, hi_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Two-result map_elementwise with pack=2."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    lo, hi = tl.map_elementwise(_minmax_pair, x, y, pack=2)
    tl.store(lo_ptr + offsets, lo, mask=mask)
    tl.store(hi_ptr + offsets, hi, mask=mask)


# ---------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------


@triton.jit
def dropout_kernel(x_ptr, out_ptr, n_elements, p, seed, BLOCK_SIZE: tl.constexpr):
    """Seeded dropout from the low-memory dropout tutorial pattern."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    r = tl.rand(seed, offsets)
    keep = r > p
    out = tl.where(keep, x / (1 - p), 0.0)
    tl.store(out_ptr + offsets, out, mask=mask)


@triton.jit
def random_fill_kernel(int_ptr, normal_ptr, n_elements, seed, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    bits = tl.randint(seed, offsets)
    normal = tl.randn(seed, offsets)
    tl.store(int_ptr + offsets, bits, mask=mask)
    tl.store(normal_ptr + offsets, normal, mask=mask)


_N = {"n_elements": "i32"}
_B = {"BLOCK_SIZE": 256}

CASES = [
    case(
        "vector_add",
        add_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        {"BLOCK_SIZE": 1024},
        {"func", "program_id", "make_range", "splat", "addptr", "load", "store", "divisibility"},
        div16=("x_ptr", "y_ptr", "out_ptr"),
    ),
    case(
        "vector_add_fp16",
        add_kernel,
        {"x_ptr": "*fp16", "y_ptr": "*fp16", "out_ptr": "*fp16", **_N},
        {"BLOCK_SIZE": 512},
        {"func", "program_id", "make_range", "splat", "addptr", "load", "store"},
    ),
    case(
        "axpy_i64",
        axpy_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "alpha": "fp32", "n_elements": "i64"},
        _B,
        {"program_id", "splat", "addptr", "load", "store", "cast", "divisibility"},
        div16=("x_ptr", "y_ptr"),
    ),
    case(
        "leaky_relu",
        leaky_relu_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "slope": "fp32", **_N},
        _B,
        {"load", "store", "where"},
    ),
    case(
        "swiglu",
        swiglu_kernel,
        {"gate_ptr": "*fp16", "up_ptr": "*fp16", "out_ptr": "*fp16", **_N},
        _B,
        {"load", "store", "cast", "math"},
    ),
    case(
        "gelu_tanh",
        gelu_tanh_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"load", "store", "extern_elementwise"},
    ),
    case(
        "math_unary",
        math_unary_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"load", "store", "math"},
    ),
    case(
        "libdevice_ops",
        libdevice_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"extern_elementwise", "where"},
    ),
    case(
        "precise_math",
        precise_math_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"precise_sqrt", "precise_divf"},
    ),
    case(
        "fast_div",
        fast_div_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"approx_divf"},
    ),
    case(
        "clamp",
        clamp_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "lo": "fp32", "hi": "fp32", **_N},
        _B,
        {"clampf", "splat"},
    ),
    case(
        "hash_umulhi",
        hash_umulhi_kernel,
        {"x_ptr": "*u32", "out_ptr": "*u32", **_N},
        _B,
        {"mulhiui"},
    ),
    case(
        "cast_fp8",
        cast_fp8_kernel,
        {"x_ptr": "*fp32", "e4_ptr": "*fp8e4nv", "e5_ptr": "*fp8e5", "back_ptr": "*fp32", **_N},
        _B,
        {"fp_to_fp", "load", "store"},
    ),
    case(
        "cast_mixed",
        cast_mixed_kernel,
        {
            "x_ptr": "*fp32",
            "h_ptr": "*fp16",
            "bf_ptr": "*bf16",
            "i_ptr": "*i32",
            "u8_ptr": "*u8",
            "d_ptr": "*fp64",
            **_N,
        },
        _B,
        {"cast"},
    ),
    case(
        "bitcast_sign_flip",
        bitcast_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"bitcast"},
    ),
    case(
        "inline_asm_funnel_shift",
        inline_asm_kernel,
        {"x_ptr": "*i32", "y_ptr": "*i32", "out_ptr": "*i32", **_N},
        _B,
        {"inline_asm"},
    ),
    case(
        "selu_map_elementwise",
        selu_map_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", **_N},
        _B,
        {"map_elementwise", "math", "unstructured_cf"},
    ),
    case(
        "minmax_map_elementwise_pack2",
        minmax_map_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "lo_ptr": "*fp32", "hi_ptr": "*fp32", **_N},
        _B,
        {"map_elementwise"},
    ),
    case(
        "dropout",
        dropout_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "p": "fp32", "seed": "i32", **_N},
        _B,
        {"rand", "where", "mulhiui"},
    ),
    case(
        "random_fill",
        random_fill_kernel,
        {"int_ptr": "*i32", "normal_ptr": "*fp32", "seed": "i64", **_N},
        _B,
        {"rand", "math"},
    ),
]
