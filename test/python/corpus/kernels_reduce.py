"""Reduction and scan corpus kernels: softmax, normalization, argmax, custom combines, scans.

Row-wise kernels follow the fused-softmax / layer-norm tutorial layout (one program per row).
"""

from __future__ import annotations

import triton
import triton.language as tl

from ._case import case


@triton.jit
def softmax_kernel(
    out_ptr,
    in_ptr,
    in_row_stride,
    out_row_stride,
    n_rows,
    n_cols,
    BLOCK_SIZE: tl.constexpr,
    num_stages: tl.constexpr,
):
    """Fused softmax with a persistent row loop pipelined by tl.range(num_stages=...)."""
    row_start = tl.program_id(0)
    row_step = tl.num_programs(0)
    for row_idx in tl.range(row_start, n_rows, row_step, num_stages=num_stages):
        row_ptr = in_ptr + row_idx * in_row_stride
        col_offsets = tl.arange(0, BLOCK_SIZE)
        mask = col_offsets < n_cols
        row = tl.load(row_ptr + col_offsets, mask=mask, other=-float("inf"))
        row_minus_max = row - tl.max(row, axis=0)
        numerator = tl.exp(row_minus_max)
        denominator = tl.sum(numerator, axis=0)
        tl.store(
            out_ptr + row_idx * out_row_stride + col_offsets, numerator / denominator, mask=mask
        )


@triton.jit
def layer_norm_fwd_kernel(X, Y, W, B, Mean, Rstd, stride, N, eps, BLOCK_SIZE: tl.constexpr):
    """LayerNorm forward with a looped two-pass mean / variance over the row."""
    row = tl.program_id(0)
    Y += row * stride
    X += row * stride
    _mean = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for off in range(0, N, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        a = tl.load(X + cols, mask=cols < N, other=0.0).to(tl.float32)
        _mean += a
    mean = tl.sum(_mean, axis=0) / N
    _var = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
    for off in range(0, N, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        x = tl.load(X + cols, mask=cols < N, other=0.0).to(tl.float32)
        x = tl.where(cols < N, x - mean, 0.0)
        _var += x * x
    var = tl.sum(_var, axis=0) / N
    rstd = 1 / tl.sqrt(var + eps)
    tl.store(Mean + row, mean)
    tl.store(Rstd + row, rstd)
    for off in range(0, N, BLOCK_SIZE):
        cols = off + tl.arange(0, BLOCK_SIZE)
        mask = cols < N
        w = tl.load(W + cols, mask=mask)
        b = tl.load(B + cols, mask=mask)
        x = tl.load(X + cols, mask=mask, other=0.0).to(tl.float32)
        y = (x - mean) * rstd * w + b
        tl.store(Y + cols, y, mask=mask)


@triton.jit
def rms_norm_kernel(x_ptr, w_ptr, out_ptr, stride, N, eps, BLOCK_N: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    x = tl.load(x_ptr + row * stride + cols, mask=mask, other=0.0).to(tl.float32)
    w = tl.load(w_ptr + cols, mask=mask, other=0.0).to(tl.float32)
    ms = tl.sum(x * x, axis=0) / N
    y = x * tl.rsqrt(ms + eps) * w
    tl.store(out_ptr + row * stride + cols, y.to(tl.bfloat16), mask=mask)


@triton.jit
def argmax_rows_kernel(x_ptr, idx_ptr, val_ptr, N, BLOCK_N: tl.constexpr):
    """Row argmax via tl.argmax and tl.max(return_indices=True) (two-operand tt.reduce)."""
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    x = tl.load(x_ptr + row * N + cols, mask=cols < N, other=-float("inf"))
    tl.store(idx_ptr + row, tl.argmax(x, axis=0))
    v, i = tl.max(x, axis=0, return_indices=True, return_indices_tie_break_left=True)
    tl.store(val_ptr + row, v + i.to(tl.float32) * 0.0)


@triton.jit
def _welford_combine(mean_a, m2_a, n_a, mean_b, m2_b, n_b):
    n = n_a + n_b
    delta = mean_b - mean_a
    frac = tl.where(n == 0, 0.0, n_b / n)
    mean = mean_a + delta * frac
    m2 = m2_a + m2_b + delta * delta * n_a * frac
    return mean, m2, n


@triton.jit
def welford_kernel(x_ptr, mean_ptr, var_ptr, N, BLOCK_N: tl.constexpr):
    """Three-operand reduce with a user @triton.jit combine function (Welford variance)."""
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    x = tl.load(x_ptr + row * N + cols, mask=mask, other=0.0)
    m2 = tl.zeros([BLOCK_N], dtype=tl.float32)
    cnt = mask.to(tl.float32)
    mean, m2, n = tl.reduce((x, m2, cnt), 0, _welford_combine)
    tl.store(mean_ptr + row, mean)
    tl.store(var_ptr + row, m2 / n)


@triton.jit
def _max_abs_combine(a, b):
    return tl.maximum(tl.abs(a), tl.abs(b))


@triton.jit
def reduce_2d_kernel(x_ptr, sum_ptr, min_ptr, amax_ptr, xor_ptr, M: tl.constexpr, N: tl.constexpr):
    """Column sums, row mins, a custom absmax over both axes and an integer xor_sum."""
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    x = tl.load(x_ptr + rm[:, None] * N + rn[None, :])
    tl.store(sum_ptr + rn, tl.sum(x, axis=0))
    tl.store(min_ptr + rm, tl.min(x, axis=1))
    tl.store(amax_ptr, tl.reduce(x, None, _max_abs_combine))
    bits = x.to(tl.int32, bitcast=True)
    tl.store(xor_ptr + rm, tl.xor_sum(bits, axis=1))


@triton.jit
def cumsum_kernel(x_ptr, out_ptr, prod_ptr, N, BLOCK_N: tl.constexpr):
    """Inclusive prefix sum and reverse prefix product of a row."""
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    mask = cols < N
    x = tl.load(x_ptr + row * N + cols, mask=mask, other=0.0)
    tl.store(out_ptr + row * N + cols, tl.cumsum(x, axis=0), mask=mask)
    y = tl.load(x_ptr + row * N + cols, mask=mask, other=1.0)
    tl.store(prod_ptr + row * N + cols, tl.cumprod(y, axis=0, reverse=True), mask=mask)


@triton.jit
def _linear_recurrence_combine(a_l, b_l, a_r, b_r):
    # Composition of h -> a * h + b maps.
    return a_l * a_r, b_l * a_r + b_r


@triton.jit
def linear_scan_kernel(a_ptr, b_ptr, h_ptr, L: tl.constexpr, D: tl.constexpr):
    """h_t = a_t * h_{t-1} + b_t along axis 0 via a two-operand associative_scan."""
    rt = tl.arange(0, L)
    rd = tl.arange(0, D)
    offs = rt[:, None] * D + rd[None, :]
    a = tl.load(a_ptr + offs)
    b = tl.load(b_ptr + offs)
    _, h = tl.associative_scan((a, b), 0, _linear_recurrence_combine)
    tl.store(h_ptr + offs, h)


@triton.jit
def histogram_kernel(x_ptr, hist_ptr, n_elements, NUM_BINS: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    """Per-block histogram (tt.histogram) accumulated globally with atomic adds."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0)
    bins = tl.histogram(x % NUM_BINS, NUM_BINS, mask=mask)
    tl.atomic_add(hist_ptr + tl.arange(0, NUM_BINS), bins, sem="relaxed")


@triton.jit
def sort_topk_kernel(x_ptr, sorted_ptr, top_ptr, N: tl.constexpr, K: tl.constexpr):
    """Bitonic sort and top-k of a small block (composite ops built from reshape/reduce)."""
    offs = tl.arange(0, N)
    x = tl.load(x_ptr + offs)
    tl.store(sorted_ptr + offs, tl.sort(x, descending=True))
    tl.store(top_ptr + tl.arange(0, K), tl.topk(x, K))


CASES = [
    case(
        "fused_softmax",
        softmax_kernel,
        {
            "out_ptr": "*fp32",
            "in_ptr": "*fp32",
            "in_row_stride": "i32",
            "out_row_stride": "i32",
            "n_rows": "i32",
            "n_cols": "i32",
        },
        {"BLOCK_SIZE": 1024, "num_stages": 3},
        {"reduce", "math", "num_programs", "scf_for", "num_stages_attr", "divisibility"},
        div16=("out_ptr", "in_ptr", "in_row_stride", "out_row_stride"),
    ),
    case(
        "layer_norm_fwd",
        layer_norm_fwd_kernel,
        {
            "X": "*fp16",
            "Y": "*fp16",
            "W": "*fp16",
            "B": "*fp16",
            "Mean": "*fp32",
            "Rstd": "*fp32",
            "stride": "i32",
            "N": "i32",
            "eps": "fp32",
        },
        {"BLOCK_SIZE": 512},
        {"reduce", "math", "scf_for", "where", "cast"},
    ),
    case(
        "rms_norm",
        rms_norm_kernel,
        {
            "x_ptr": "*fp16",
            "w_ptr": "*fp16",
            "out_ptr": "*bf16",
            "stride": "i32",
            "N": "i32",
            "eps": "fp32",
        },
        {"BLOCK_N": 1024},
        {"reduce", "math", "cast"},
    ),
    case(
        "argmax_rows",
        argmax_rows_kernel,
        {"x_ptr": "*fp32", "idx_ptr": "*i32", "val_ptr": "*fp32", "N": "i32"},
        {"BLOCK_N": 256},
        {"reduce", "make_range"},
    ),
    case(
        "welford_reduce",
        welford_kernel,
        {"x_ptr": "*fp32", "mean_ptr": "*fp32", "var_ptr": "*fp32", "N": "i32"},
        {"BLOCK_N": 256},
        {"reduce", "where"},
    ),
    case(
        "reduce_2d",
        reduce_2d_kernel,
        {
            "x_ptr": "*fp32",
            "sum_ptr": "*fp32",
            "min_ptr": "*fp32",
            "amax_ptr": "*fp32",
            "xor_ptr": "*i32",
        },
        {"M": 32, "N": 64},
        {"reduce", "reshape", "bitcast", "math"},
    ),
    case(
        "cumsum_cumprod",
        cumsum_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "prod_ptr": "*fp32", "N": "i32"},
        {"BLOCK_N": 256},
        {"scan"},
    ),
    case(
        "linear_recurrence_scan",
        linear_scan_kernel,
        {"a_ptr": "*fp32", "b_ptr": "*fp32", "h_ptr": "*fp32"},
        {"L": 64, "D": 16},
        {"scan"},
    ),
    case(
        "histogram",
        histogram_kernel,
        {"x_ptr": "*i32", "hist_ptr": "*i32", "n_elements": "i32"},
        {"NUM_BINS": 64, "BLOCK_SIZE": 1024},
        {"histogram", "atomic_rmw"},
    ),
    case(
        "sort_topk",
        sort_topk_kernel,
        {"x_ptr": "*fp32", "sorted_ptr": "*fp32", "top_ptr": "*fp32"},
        {"N": 16, "K": 4},
        {"reshape", "reduce", "bitcast", "where"},
    ),
]
