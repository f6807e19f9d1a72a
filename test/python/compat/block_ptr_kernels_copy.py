"""Old-style (Triton <= 3.5) block-pointer kernels that move data: copies, transposes, padding.

Written as operator libraries wrote them for Triton 3.1-3.5; `CASES` maps a case name to a
function returning the `Launch` that runs it against torch. Only the two imports below change
when `block_ptr_corpus` loads this file again under `import flagtree as triton`.
"""

import functools

import torch
import triton
import triton.language as tl
from block_ptr_launch import launch


@triton.jit
def copy_1d(x_ptr, y_ptr, N, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    dst = tl.make_block_ptr(y_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    tl.store(dst, tl.load(src, boundary_check=(0,), padding_option="zero"), boundary_check=(0,))


@triton.jit
def copy_1d_unchecked(x_ptr, y_ptr, N, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    src = tl.make_block_ptr(base=x_ptr, shape=(N,), strides=(1,), offsets=(pid * BLOCK,),
                            block_shape=(BLOCK,), order=(0,))
    dst = tl.make_block_ptr(base=y_ptr, shape=(N,), strides=(1,), offsets=(pid * BLOCK,),
                            block_shape=(BLOCK,), order=(0,))
    tl.store(dst, tl.load(src))


@triton.jit
def copy_2d(x_ptr, y_ptr, M, N, sxm, sxn, sym, syn, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (M, N), (sxm, sxn), (pm * BM, pn * BN), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (sym, syn), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tile = tl.load(src, boundary_check=(0, 1), padding_option="zero")
    tl.store(dst, tile, boundary_check=(0, 1))


@triton.jit
def copy_2d_rows_checked(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (pm * BM, 0), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (stride_m, 1), (pm * BM, 0), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0,)), boundary_check=(0,))


@triton.jit
def copy_2d_cols_checked(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (stride_m, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(1,), padding_option="zero"), boundary_check=(1,))


@triton.jit
def copy_transposed_input(x_ptr, y_ptr, M, N, sxm, sxn, BM: tl.constexpr, BN: tl.constexpr):
    """x is a transposed view (column-major): order (0, 1) says its rows are the slow axis."""
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (M, N), (sxm, sxn), (pm * BM, pn * BN), (BM, BN), (0, 1))
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1)), boundary_check=(0, 1))


@triton.jit
def transpose_tile(x_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (N, M), (M, 1), (pn * BN, pm * BM), (BN, BM), (1, 0))
    tile = tl.load(src, boundary_check=(0, 1), padding_option="zero")
    tl.store(dst, tl.trans(tile), boundary_check=(1, 0))


@triton.jit
def copy_3d(x_ptr, y_ptr, A, B, C, sa, sb, sc, BA: tl.constexpr, BB: tl.constexpr,
            BC: tl.constexpr):
    pa = tl.program_id(0)
    pb = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (A, B, C), (sa, sb, sc), (pa * BA, pb * BB, 0),
                            (BA, BB, BC), (2, 1, 0))
    dst = tl.make_block_ptr(y_ptr, (A, B, C), (B * C, C, 1), (pa * BA, pb * BB, 0),
                            (BA, BB, BC), (2, 1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1, 2)), boundary_check=(0, 1, 2))


@triton.jit
def copy_4d(x_ptr, y_ptr, D0, D1, D2, D3, s0, s1, s2, s3, B0: tl.constexpr, B1: tl.constexpr,
            B2: tl.constexpr, B3: tl.constexpr):
    p0 = tl.program_id(0)
    p1 = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (D0, D1, D2, D3), (s0, s1, s2, s3), (p0 * B0, p1 * B1, 0, 0),
                            (B0, B1, B2, B3), (3, 2, 1, 0))
    dst = tl.make_block_ptr(y_ptr, (D0, D1, D2, D3), (D1 * D2 * D3, D2 * D3, D3, 1),
                            (p0 * B0, p1 * B1, 0, 0), (B0, B1, B2, B3), (3, 2, 1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1, 2, 3), padding_option="zero"),
             boundary_check=(0, 1, 2, 3))


@triton.jit
def copy_5d(x_ptr, y_ptr, D0, D1, D2, D3, D4, s0, s1, s2, s3, s4, B0: tl.constexpr,
            B1: tl.constexpr, B2: tl.constexpr, B3: tl.constexpr, B4: tl.constexpr):
    p1 = tl.program_id(0)
    p2 = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (D0, D1, D2, D3, D4), (s0, s1, s2, s3, s4),
                            (0, p1 * B1, p2 * B2, 0, 0), (B0, B1, B2, B3, B4), (4, 3, 2, 1, 0))
    dst = tl.make_block_ptr(y_ptr, (D0, D1, D2, D3, D4),
                            (D1 * D2 * D3 * D4, D2 * D3 * D4, D3 * D4, D4, 1),
                            (0, p1 * B1, p2 * B2, 0, 0), (B0, B1, B2, B3, B4), (4, 3, 2, 1, 0))
    tile = tl.load(src, boundary_check=(0, 1, 2, 3, 4))
    tl.store(dst, tile, boundary_check=(0, 1, 2, 3, 4))


@triton.jit
def copy_strided(x_ptr, y_ptr, M, N, sxm, sxn, BM: tl.constexpr, BN: tl.constexpr):
    """x is a strided view (every other column): a non-unit innermost stride."""
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (sxm, sxn), (pm * BM, 0), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1)), boundary_check=(0, 1))


@triton.jit
def add_2d(x_ptr, y_ptr, z_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    offs = (pm * BM, pn * BN)
    x = tl.load(tl.make_block_ptr(x_ptr, (M, N), (N, 1), offs, (BM, BN), (1, 0)),
                boundary_check=(0, 1))
    y = tl.load(tl.make_block_ptr(y_ptr, (M, N), (N, 1), offs, (BM, BN), (1, 0)),
                boundary_check=(0, 1))
    z = tl.make_block_ptr(z_ptr, (M, N), (N, 1), offs, (BM, BN), (1, 0))
    tl.store(z, x + y, boundary_check=(0, 1))


@triton.jit
def load_nan_padding(x_ptr, y_ptr, M, N, MP, NP, BM: tl.constexpr, BN: tl.constexpr):
    """y (MP x NP, a multiple of the block) gets x, and NaN where the block leaves x."""
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    src = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (MP, NP), (NP, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1), padding_option="nan"))


@triton.jit
def shift_right(x_ptr, y_ptr, N, SHIFT, BLOCK: tl.constexpr):
    """y[i] = x[i - SHIFT] (0 before the start): negative offsets, checked from below."""
    pid = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (N,), (1,), (pid * BLOCK - SHIFT,), (BLOCK,), (0,))
    dst = tl.make_block_ptr(y_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    tl.store(dst, tl.load(src, boundary_check=(0,), padding_option="zero"), boundary_check=(0,))


@triton.jit
def fold_backwards(x_ptr, y_ptr, N, NBLOCKS, BLOCK: tl.constexpr):
    """y[j] = sum_k x[k * BLOCK + j], walking the blocks from the last one with a negative
    `advance`."""
    p = tl.make_block_ptr(x_ptr, (N,), (1,), ((NBLOCKS - 1) * BLOCK,), (BLOCK,), (0,))
    acc = tl.zeros((BLOCK,), tl.float32)
    for _ in range(NBLOCKS):
        acc += tl.load(p, boundary_check=(0,), padding_option="zero")
        p = tl.advance(p, (-BLOCK,))
    tl.store(tl.make_block_ptr(y_ptr, (BLOCK,), (1,), (0,), (BLOCK,), (0,)), acc)


@triton.jit
def copy_any_dtype(x_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1)), boundary_check=(0, 1))


@triton.jit
def cast_f16_to_f32(x_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1)).to(tl.float32), boundary_check=(0, 1))


@triton.jit
def fill_scalar(y_ptr, M, N, value, BM: tl.constexpr, BN: tl.constexpr):
    """A scalar stored through a block pointer is broadcast to the block."""
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    dst = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(dst, value, boundary_check=(0, 1))


@triton.jit
def embedding_rows(table_ptr, idx_ptr, out_ptr, V, R, D, stride_t, BD: tl.constexpr):
    """Rows picked by loaded indices: block pointers at run-time offsets."""
    pid = tl.program_id(0)
    row = tl.load(idx_ptr + pid)
    src = tl.make_block_ptr(table_ptr, (V, D), (stride_t, 1), (row, 0), (1, BD), (1, 0))
    dst = tl.make_block_ptr(out_ptr, (R, D), (D, 1), (pid, 0), (1, BD), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(1,)), boundary_check=(1,))


@triton.jit
def copy_int64_offsets(x_ptr, y_ptr, N, BLOCK: tl.constexpr):
    pid = tl.program_id(0).to(tl.int64)
    src = tl.make_block_ptr(x_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    dst = tl.make_block_ptr(y_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    tl.store(dst, tl.load(src, boundary_check=(0,)), boundary_check=(0,))


@triton.jit
def select_source(a_ptr, b_ptr, y_ptr, N, BLOCK: tl.constexpr):
    """Even programs copy a, odd ones b: a block pointer chosen by a run-time `if`."""
    pid = tl.program_id(0)
    if pid % 2 == 0:
        src = tl.make_block_ptr(a_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    else:
        src = tl.make_block_ptr(b_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    dst = tl.make_block_ptr(y_ptr, (N,), (1,), (pid * BLOCK,), (BLOCK,), (0,))
    tl.store(dst, tl.load(src, boundary_check=(0,)), boundary_check=(0,))


@triton.jit
def sum_while(x_ptr, y_ptr, N, BLOCK: tl.constexpr):
    """y[j] = sum_k x[k * BLOCK + j] with a `while` loop carrying the block pointer."""
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (BLOCK,), (0,))
    acc = tl.zeros((BLOCK,), tl.float32)
    start = 0
    while start < N:
        acc += tl.load(p, boundary_check=(0,), padding_option="zero")
        p = p.advance((BLOCK,))
        start += BLOCK
    dst = tl.make_block_ptr(y_ptr, (BLOCK,), (1,), (0,), (BLOCK,), (0,))
    dst.store(acc)


@triton.jit
def pointwise_gems_style(in0_ptr, in1_ptr, out0_ptr, s0, s1, in0_stride0, in0_stride1,
                         in1_stride0, in1_stride1, out0_stride0, out0_stride1,
                         in0_stride_order0: tl.constexpr, in0_stride_order1: tl.constexpr,
                         in1_stride_order0: tl.constexpr, in1_stride_order1: tl.constexpr,
                         out0_stride_order0: tl.constexpr, out0_stride_order1: tl.constexpr,
                         tile_size0: tl.constexpr, tile_size1: tl.constexpr):
    """The shape of FlagGems' generated pointwise kernels (block pointers, its default for
    unknown vendors): `a > b` into a bool tensor, a transposed input."""
    tile_id = tl.program_id(0)
    num_tiles1 = tl.cdiv(s1, tile_size1)
    tile_id1 = tile_id % num_tiles1
    tile_id //= num_tiles1
    tile_id0 = tile_id
    offset0 = (tile_id0 * tile_size0).to(tl.int32)
    offset1 = (tile_id1 * tile_size1).to(tl.int32)
    in0_bptr = tl.make_block_ptr(in0_ptr, (s0, s1), (in0_stride0, in0_stride1),
                                 (offset0, offset1), (tile_size0, tile_size1),
                                 order=(in0_stride_order0, in0_stride_order1))
    in0 = tl.load(in0_bptr, boundary_check=(in0_stride_order0, in0_stride_order1)).to(
        in0_ptr.type.element_ty)
    in1_bptr = tl.make_block_ptr(in1_ptr, (s0, s1), (in1_stride0, in1_stride1),
                                 (offset0, offset1), (tile_size0, tile_size1),
                                 order=(in1_stride_order0, in1_stride_order1))
    in1 = tl.load(in1_bptr, boundary_check=(in1_stride_order0, in1_stride_order1)).to(
        in1_ptr.type.element_ty)
    out0 = in0 > in1
    out0_bptr = tl.make_block_ptr(out0_ptr, (s0, s1), (out0_stride0, out0_stride1),
                                  (offset0, offset1), (tile_size0, tile_size1),
                                  order=(out0_stride_order0, out0_stride_order1))
    tl.store(out0_bptr, out0.to(out0_bptr.type.element_ty),
             boundary_check=(out0_stride_order0, out0_stride_order1))


@triton.jit
def scale_to_element_ty(x_ptr, y_ptr, M, N, scale, BM: tl.constexpr, BN: tl.constexpr):
    """fp32 math stored into fp16 with `.to(p.dtype.element_ty)`, as flash-linear-attention
    kernels write it."""
    pm = tl.program_id(0)
    p_x = tl.make_block_ptr(x_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    p_y = tl.make_block_ptr(y_ptr, (M, N), (N, 1), (pm * BM, 0), (BM, BN), (1, 0))
    b_x = tl.load(p_x, boundary_check=(0, 1)).to(tl.float32)
    tl.store(p_y, (b_x * scale).to(p_y.dtype.element_ty), boundary_check=(0, 1))


def _copy_1d():
    n = 1000
    x, y = torch.randn(n), torch.zeros(n)
    return launch(copy_1d, (triton.cdiv(n, 128),), (x, y, n), {"BLOCK": 128}, (y,), (x,))


def _copy_1d_unchecked():
    n = 1024
    x, y = torch.randn(n), torch.zeros(n)
    return launch(copy_1d_unchecked, (n // 256,), (x, y, n), {"BLOCK": 256}, (y,), (x,))


def _copy_2d():
    m, n = 67, 45
    x, y = torch.randn(m, n), torch.zeros(m, n)
    return launch(copy_2d, (triton.cdiv(m, 16), triton.cdiv(n, 32)),
                  (x, y, m, n, *x.stride(), *y.stride()), {"BM": 16, "BN": 32}, (y,), (x,))


def _copy_2d_rows_checked():
    m, n = 50, 32
    x, y = torch.randn(m, n), torch.zeros(m, n)
    return launch(copy_2d_rows_checked, (triton.cdiv(m, 16),), (x, y, m, n, n),
                  {"BM": 16, "BN": 32}, (y,), (x,))


def _copy_2d_cols_checked():
    m, n = 64, 45
    x, y = torch.randn(m, n), torch.zeros(m, n)
    return launch(copy_2d_cols_checked, (m // 16, triton.cdiv(n, 16)), (x, y, m, n, n),
                  {"BM": 16, "BN": 16}, (y,), (x,))


def _copy_transposed_input():
    m, n = 37, 29
    x = torch.randn(n, m).t()
    y = torch.zeros(m, n)
    return launch(copy_transposed_input, (triton.cdiv(m, 16), triton.cdiv(n, 16)),
                  (x, y, m, n, *x.stride()), {"BM": 16, "BN": 16}, (y,), (x.contiguous(),))


def _transpose_tile():
    m, n = 41, 23
    x, y = torch.randn(m, n), torch.zeros(n, m)
    return launch(transpose_tile, (triton.cdiv(m, 16), triton.cdiv(n, 8)), (x, y, m, n),
                  {"BM": 16, "BN": 8}, (y,), (x.t().contiguous(),))


def _copy_3d():
    shape = (5, 6, 7)
    x = torch.randn(9, 6, 7)[2:7]  # a view with an offset base
    y = torch.zeros(shape)
    return launch(copy_3d, (triton.cdiv(5, 4), triton.cdiv(6, 4)),
                  (x, y, *shape, *x.stride()), {"BA": 4, "BB": 4, "BC": 8}, (y,), (x,))


def _copy_4d():
    shape = (3, 5, 4, 6)
    x = torch.randn(shape).permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2)
    y = torch.zeros(shape)
    return launch(copy_4d, (triton.cdiv(3, 2), triton.cdiv(5, 4)),
                  (x, y, *shape, *x.stride()), {"B0": 2, "B1": 4, "B2": 4, "B3": 8}, (y,), (x,))


def _copy_5d():
    shape = (2, 3, 3, 5, 7)
    x, y = torch.randn(shape), torch.zeros(shape)
    return launch(copy_5d, (triton.cdiv(3, 2), triton.cdiv(3, 2)),
                  (x, y, *shape, *x.stride()), {"B0": 2, "B1": 2, "B2": 2, "B3": 8, "B4": 8},
                  (y,), (x,))


def _copy_strided():
    m, n = 19, 30
    x = torch.randn(m, 2 * n)[:, ::2]
    y = torch.zeros(m, n)
    return launch(copy_strided, (triton.cdiv(m, 8),), (x, y, m, n, *x.stride()),
                  {"BM": 8, "BN": 32}, (y,), (x.contiguous(),))


def _add_2d():
    m, n = 33, 70
    x, y, z = torch.randn(m, n), torch.randn(m, n), torch.zeros(m, n)
    return launch(add_2d, (triton.cdiv(m, 16), triton.cdiv(n, 32)), (x, y, z, m, n),
                  {"BM": 16, "BN": 32}, (z,), (x + y,))


def _load_nan_padding():
    m, n, bm, bn = 13, 21, 8, 16
    mp, np_ = triton.cdiv(m, bm) * bm, triton.cdiv(n, bn) * bn
    x, y = torch.randn(m, n), torch.zeros(mp, np_)
    expected = torch.full((mp, np_), float("nan"))
    expected[:m, :n] = x
    return launch(load_nan_padding, (mp // bm, np_ // bn), (x, y, m, n, mp, np_),
                  {"BM": bm, "BN": bn}, (y,), (expected,))


def _shift_right():
    n, shift = 300, 37
    x, y = torch.randn(n), torch.zeros(n)
    expected = torch.cat([torch.zeros(shift), x[:-shift]])
    return launch(shift_right, (triton.cdiv(n, 64),), (x, y, n, shift), {"BLOCK": 64}, (y,),
                  (expected,))


def _fold_backwards():
    n, block = 1000, 128
    blocks = triton.cdiv(n, block)
    x, y = torch.randn(n), torch.zeros(block)
    padded = torch.cat([x, torch.zeros(blocks * block - n)])
    return launch(fold_backwards, (1,), (x, y, n, blocks), {"BLOCK": block}, (y,),
                  (padded.view(blocks, block).sum(0),), tol=1e-5)


_DTYPES = {
    "fp16": torch.float16, "bf16": torch.bfloat16, "fp32": torch.float32,
    "fp64": torch.float64, "i8": torch.int8, "i16": torch.int16, "i32": torch.int32,
    "i64": torch.int64, "u8": torch.uint8, "bool": torch.bool,
}


def _copy_any_dtype(dtype):
    m, n = 21, 13
    x = (torch.randn(m, n) * 50).to(dtype) if dtype != torch.bool else torch.rand(m, n) > 0.5
    y = torch.zeros(m, n, dtype=dtype)
    return launch(copy_any_dtype, (triton.cdiv(m, 8),), (x, y, m, n), {"BM": 8, "BN": 16}, (y,),
                  (x,))


def _cast_f16_to_f32():
    m, n = 20, 30
    x, y = torch.randn(m, n).half(), torch.zeros(m, n)
    return launch(cast_f16_to_f32, (triton.cdiv(m, 8),), (x, y, m, n), {"BM": 8, "BN": 32}, (y,),
                  (x.float(),))


def _fill_scalar():
    m, n = 10, 35
    y = torch.zeros(m, n)
    return launch(fill_scalar, (triton.cdiv(m, 8), triton.cdiv(n, 16)), (y, m, n, 2.5),
                  {"BM": 8, "BN": 16}, (y,), (torch.full((m, n), 2.5),))


def _embedding_rows():
    vocab, d, rows = 50, 40, 7
    table = torch.randn(vocab, d)
    idx = torch.tensor([3, 0, 49, 7, 7, 21, 12], dtype=torch.int32)
    out = torch.zeros(rows, d)
    return launch(embedding_rows, (rows,), (table, idx, out, vocab, rows, d, table.stride(0)),
                  {"BD": 64}, (out,), (table[idx.long()],))


def _copy_int64_offsets():
    n = 777
    x, y = torch.randn(n), torch.zeros(n)
    return launch(copy_int64_offsets, (triton.cdiv(n, 128),), (x, y, n), {"BLOCK": 128},
                  (y,), (x,))


def _select_source():
    n, block = 500, 64
    a, b, y = torch.randn(n), torch.randn(n), torch.zeros(n)
    expected = a.clone()
    for start in range(block, n, 2 * block):
        expected[start:start + block] = b[start:start + block]
    return launch(select_source, (triton.cdiv(n, block),), (a, b, y, n), {"BLOCK": block},
                  (y,), (expected,))


def _sum_while():
    n, block = 900, 64
    blocks = triton.cdiv(n, block)
    x, y = torch.randn(n), torch.zeros(block)
    padded = torch.cat([x, torch.zeros(blocks * block - n)])
    return launch(sum_while, (1,), (x, y, n), {"BLOCK": block}, (y,),
                  (padded.view(blocks, block).sum(0),), tol=1e-5)


def _pointwise_gems_style():
    m, n = 37, 50
    a = torch.randn(m, n)
    b = torch.randn(n, m).t()
    out = torch.zeros(m, n, dtype=torch.bool)
    orders = {"in0_stride_order0": 1, "in0_stride_order1": 0, "in1_stride_order0": 0,
              "in1_stride_order1": 1, "out0_stride_order0": 1, "out0_stride_order1": 0}
    grid = (triton.cdiv(m, 16) * triton.cdiv(n, 32),)
    return launch(pointwise_gems_style, grid,
                  (a, b, out, m, n, *a.stride(), *b.stride(), *out.stride()),
                  {**orders, "tile_size0": 16, "tile_size1": 32}, (out,), (a > b,))


def _scale_to_element_ty():
    m, n = 30, 40
    x, y = torch.randn(m, n).half(), torch.zeros(m, n, dtype=torch.float16)
    return launch(scale_to_element_ty, (triton.cdiv(m, 16),), (x, y, m, n, 0.5),
                  {"BM": 16, "BN": 64}, (y,), ((x.float() * 0.5).half(),))


CASES = {
    "copy_1d": _copy_1d,
    "copy_1d_unchecked": _copy_1d_unchecked,
    "copy_2d": _copy_2d,
    "copy_2d_rows_checked": _copy_2d_rows_checked,
    "copy_2d_cols_checked": _copy_2d_cols_checked,
    "copy_transposed_input": _copy_transposed_input,
    "transpose_tile": _transpose_tile,
    "copy_3d": _copy_3d,
    "copy_4d": _copy_4d,
    "copy_5d": _copy_5d,
    "copy_strided": _copy_strided,
    "add_2d": _add_2d,
    "load_nan_padding": _load_nan_padding,
    "shift_right": _shift_right,
    "fold_backwards": _fold_backwards,
    **{f"copy_any_dtype[{name}]": functools.partial(_copy_any_dtype, dtype)
       for name, dtype in _DTYPES.items()},
    "cast_f16_to_f32": _cast_f16_to_f32,
    "fill_scalar": _fill_scalar,
    "embedding_rows": _embedding_rows,
    "copy_int64_offsets": _copy_int64_offsets,
    "select_source": _select_source,
    "sum_while": _sum_while,
    "pointwise_gems_style": _pointwise_gems_style,
    "scale_to_element_ty": _scale_to_element_ty,
}
