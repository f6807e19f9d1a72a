"""Old-style (Triton <= 3.5) block-pointer reductions: sums, softmax, norms, scans.

Most walk their input with `tl.advance` in a loop. `CASES` maps a case name to a function
returning the `Launch` that runs it against torch (see `block_ptr_kernels_copy`).
"""

import torch
import triton
import triton.language as tl
from block_ptr_launch import launch


@triton.jit
def row_sum(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (pm * BM, 0), (BM, BN), (1, 0))
    acc = tl.zeros((BM,), tl.float32)
    for _ in range(0, N, BN):
        acc += tl.sum(tl.load(src, boundary_check=(0, 1), padding_option="zero"), axis=1)
        src = tl.advance(src, (0, BN))
    dst = tl.make_block_ptr(y_ptr, (M,), (1,), (pm * BM,), (BM,), (0,))
    tl.store(dst, acc, boundary_check=(0,))


@triton.jit
def col_sum(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    pn = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (0, pn * BN), (BM, BN), (1, 0))
    acc = tl.zeros((BN,), tl.float32)
    for _ in range(tl.cdiv(M, BM)):
        acc += tl.sum(tl.load(src, boundary_check=(0, 1), padding_option="zero"), axis=0)
        src = tl.advance(src, (BM, 0))
    dst = tl.make_block_ptr(y_ptr, (N,), (1,), (pn * BN,), (BN,), (0,))
    tl.store(dst, acc, boundary_check=(0,))


@triton.jit
def softmax_rows(x_ptr, y_ptr, M, N, stride_m, BN: tl.constexpr):
    row = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (row, 0), (1, BN), (1, 0))
    x = tl.load(src, boundary_check=(1,), padding_option="zero")
    cols = tl.arange(0, BN)[None, :]
    x = tl.where(cols < N, x, float("-inf"))
    e = tl.exp(x - tl.max(x, axis=1)[:, None])
    out = e / tl.sum(e, axis=1)[:, None]
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (row, 0), (1, BN), (1, 0))
    tl.store(dst, out, boundary_check=(1,))


@triton.jit
def layer_norm_loop(x_ptr, y_ptr, N, eps, BN: tl.constexpr):
    """Two passes over the row for mean and variance, a third to normalize: three loops that
    each advance their own block pointer."""
    row = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr + row * N, (N,), (1,), (0,), (BN,), (0,))
    acc = tl.zeros((BN,), tl.float32)
    p = src
    for _ in range(0, N, BN):
        acc += tl.load(p, boundary_check=(0,), padding_option="zero")
        p = tl.advance(p, (BN,))
    mean = tl.sum(acc, axis=0) / N
    acc = tl.zeros((BN,), tl.float32)
    p = src
    for off in range(0, N, BN):
        x = tl.load(p, boundary_check=(0,), padding_option="zero")
        d = tl.where(off + tl.arange(0, BN) < N, x - mean, 0.0)
        acc += d * d
        p = tl.advance(p, (BN,))
    rstd = 1.0 / tl.sqrt(tl.sum(acc, axis=0) / N + eps)
    p = src
    q = tl.make_block_ptr(y_ptr + row * N, (N,), (1,), (0,), (BN,), (0,))
    for _ in range(0, N, BN):
        tl.store(q, (tl.load(p, boundary_check=(0,)) - mean) * rstd, boundary_check=(0,))
        p = tl.advance(p, (BN,))
        q = tl.advance(q, (BN,))


@triton.jit
def sum_middle_axis_3d(x_ptr, y_ptr, B, M, N, sb, sm, sn, BM: tl.constexpr, BN: tl.constexpr):
    """y[b, n] = sum_m x[b, m, n] with a 3-D block pointer advanced along its middle axis."""
    b = tl.program_id(0)
    pn = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (B, M, N), (sb, sm, sn), (b, 0, pn * BN), (1, BM, BN),
                            (2, 1, 0))
    acc = tl.zeros((1, BN), tl.float32)
    for _ in range(0, M, BM):
        acc += tl.sum(tl.load(src, boundary_check=(1, 2), padding_option="zero"), axis=1)
        src = tl.advance(src, (0, BM, 0))
    dst = tl.make_block_ptr(y_ptr, (B, N), (N, 1), (b, pn * BN), (1, BN), (1, 0))
    tl.store(dst, acc, boundary_check=(0, 1))


@triton.jit
def cumsum_rows(x_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    x = tl.load(src, boundary_check=(0, 1), padding_option="zero")
    tl.store(dst, tl.cumsum(x, axis=1), boundary_check=(0, 1))


@triton.jit
def row_max_nan_padded(x_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    """NaN padding marks the elements outside the tensor (x != x), which the max skips."""
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    best = tl.full((BM,), float("-inf"), tl.float32)
    for _ in range(0, N, BN):
        x = tl.load(src, boundary_check=(0, 1), padding_option="nan")
        x = tl.where(x == x, x, float("-inf"))  # noqa: PLR0124 - false only for NaN
        best = tl.maximum(best, tl.max(x, axis=1))
        src = tl.advance(src, (0, BN))
    tl.store(tl.make_block_ptr(y_ptr, (M,), (1,), (pm * BM,), (BM,), (0,)), best,
             boundary_check=(0,))


@triton.jit
def row_mean_transposed(x_ptr, y_ptr, M, N, sxm, sxn, BM: tl.constexpr, BN: tl.constexpr):
    """Row means of a transposed (column-major) view, order (0, 1)."""
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (sxm, sxn), (pm * BM, 0), (BM, BN), (0, 1))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, N, BN):
        acc += tl.load(src, boundary_check=(0, 1), padding_option="zero")
        src = tl.advance(src, (0, BN))
    out = tl.sum(acc, axis=1) / N
    tl.store(tl.make_block_ptr(y_ptr, (M,), (1,), (pm * BM,), (BM,), (0,)), out,
             boundary_check=(0,))


def _row_sum():
    m, n = 45, 131
    x, y = torch.randn(m, n), torch.zeros(m)
    return launch(row_sum, (triton.cdiv(m, 16),), (x, y, m, n, n), {"BM": 16, "BN": 32}, (y,),
                  (x.sum(1),), tol=1e-4)


def _col_sum():
    m, n = 97, 40
    x, y = torch.randn(m, n), torch.zeros(n)
    return launch(col_sum, (triton.cdiv(n, 16),), (x, y, m, n, n), {"BM": 32, "BN": 16}, (y,),
                  (x.sum(0),), tol=1e-4)


def _softmax_rows():
    m, n = 17, 100
    x, y = torch.randn(m, n), torch.zeros(m, n)
    return launch(softmax_rows, (m,), (x, y, m, n, x.stride(0)), {"BN": 128}, (y,),
                  (torch.softmax(x, 1),), tol=1e-5)


def _layer_norm_loop():
    m, n = 6, 300
    x, y = torch.randn(m, n), torch.zeros(m, n)
    return launch(layer_norm_loop, (m,), (x, y, n, 1e-5), {"BN": 64}, (y,),
                  (torch.nn.functional.layer_norm(x, (n,), eps=1e-5),), tol=1e-4)


def _sum_middle_axis_3d():
    b, m, n = 3, 50, 20
    x, y = torch.randn(b, m, n), torch.zeros(b, n)
    return launch(sum_middle_axis_3d, (b, triton.cdiv(n, 16)), (x, y, b, m, n, *x.stride()),
                  {"BM": 16, "BN": 16}, (y,), (x.sum(1),), tol=1e-4)


def _cumsum_rows():
    m, n = 12, 27
    x, y = torch.randn(m, n), torch.zeros(m, n)
    return launch(cumsum_rows, (triton.cdiv(m, 8),), (x, y, m, n), {"BM": 8, "BN": 32}, (y,),
                  (x.cumsum(1),), tol=1e-5)


def _row_max_nan_padded():
    m, n = 19, 75
    x, y = torch.randn(m, n) - 10, torch.zeros(m)
    return launch(row_max_nan_padded, (triton.cdiv(m, 8),), (x, y, m, n), {"BM": 8, "BN": 32},
                  (y,), (x.amax(1),))


def _row_mean_transposed():
    m, n = 30, 70
    x = torch.randn(n, m).t()
    y = torch.zeros(m)
    return launch(row_mean_transposed, (triton.cdiv(m, 16),), (x, y, m, n, *x.stride()),
                  {"BM": 16, "BN": 16}, (y,), (x.mean(1),), tol=1e-5)


CASES = {
    "row_sum": _row_sum,
    "col_sum": _col_sum,
    "softmax_rows": _softmax_rows,
    "layer_norm_loop": _layer_norm_loop,
    "sum_middle_axis_3d": _sum_middle_axis_3d,
    "cumsum_rows": _cumsum_rows,
    "row_max_nan_padded": _row_max_nan_padded,
    "row_mean_transposed": _row_mean_transposed,
}
