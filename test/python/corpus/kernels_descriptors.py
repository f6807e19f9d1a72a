"""Tensor-descriptor (TMA-style) corpus kernels: device-built and host-passed descriptors.

Covers descriptor load/store, row gather/scatter, descriptor reductions and a persistent GEMM.
"""

from __future__ import annotations

import triton
import triton.language as tl

from ._case import case


@triton.jit
def desc_inplace_abs_kernel(in_out_ptr, M, N, M_BLOCK: tl.constexpr, N_BLOCK: tl.constexpr):
    desc = tl.make_tensor_descriptor(
        in_out_ptr, shape=[M, N], strides=[N, 1], block_shape=[M_BLOCK, N_BLOCK]
    )
    moffset = tl.program_id(0) * M_BLOCK
    noffset = tl.program_id(1) * N_BLOCK
    value = desc.load([moffset, noffset])
    desc.store([moffset, noffset], tl.abs(value))


@triton.jit
def desc_batched_scale_kernel(
    x_ptr, y_ptr, B, M, N, scale, M_BLOCK: tl.constexpr, N_BLOCK: tl.constexpr
):
    """3D descriptors with NaN padding for out-of-bounds reads."""
    b = tl.program_id(0)
    m = tl.program_id(1) * M_BLOCK
    x_desc = tl.make_tensor_descriptor(
        x_ptr,
        shape=[B, M, N],
        strides=[M * N, N, 1],
        block_shape=[1, M_BLOCK, N_BLOCK],
        padding_option="nan",
    )
    y_desc = tl.make_tensor_descriptor(
        y_ptr, shape=[B, M, N], strides=[M * N, N, 1], block_shape=[1, M_BLOCK, N_BLOCK]
    )
    x = x_desc.load([b, m, 0])
    y_desc.store([b, m, 0], x * scale)


@triton.jit
def desc_persistent_matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
    NUM_SMS: tl.constexpr,
    FLATTEN: tl.constexpr,
    WARP_SPECIALIZE: tl.constexpr,
):
    """Persistent TMA GEMM: C[M, N] = A[M, K] @ B[N, K]^T with device-side descriptors."""
    a_desc = tl.make_tensor_descriptor(
        a_ptr, shape=[M, K], strides=[K, 1], block_shape=[BLOCK_M, BLOCK_K]
    )
    b_desc = tl.make_tensor_descriptor(
        b_ptr, shape=[N, K], strides=[K, 1], block_shape=[BLOCK_N, BLOCK_K]
    )
    c_desc = tl.make_tensor_descriptor(
        c_ptr, shape=[M, N], strides=[N, 1], block_shape=[BLOCK_M, BLOCK_N]
    )
    start_pid = tl.program_id(0)
    num_pid_m = tl.cdiv(M, BLOCK_M)
    num_pid_n = tl.cdiv(N, BLOCK_N)
    k_tiles = tl.cdiv(K, BLOCK_K)
    num_tiles = num_pid_m * num_pid_n
    for tile_id in tl.range(
        start_pid, num_tiles, NUM_SMS, flatten=FLATTEN, warp_specialize=WARP_SPECIALIZE
    ):
        offs_am = (tile_id // num_pid_n) * BLOCK_M
        offs_bn = (tile_id % num_pid_n) * BLOCK_N
        accumulator = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
        for ki in range(k_tiles):
            offs_k = ki * BLOCK_K
            a = a_desc.load([offs_am, offs_k])
            b = b_desc.load([offs_bn, offs_k])
            accumulator = tl.dot(a, b.T, accumulator)
        c_desc.store([offs_am, offs_bn], accumulator.to(tl.float16))


@triton.jit
def desc_row_gather_scatter_kernel(
    src_ptr, dst_ptr, idx_ptr, dst_idx_ptr, num_rows, D, ROWS: tl.constexpr, BLOCK_D: tl.constexpr
):
    """MoE-style token permutation: gather rows by index, scatter them to other rows."""
    pid = tl.program_id(0)
    src_desc = tl.make_tensor_descriptor(
        src_ptr, shape=[num_rows, D], strides=[D, 1], block_shape=[1, BLOCK_D]
    )
    dst_desc = tl.make_tensor_descriptor(
        dst_ptr, shape=[num_rows, D], strides=[D, 1], block_shape=[1, BLOCK_D]
    )
    r = pid * ROWS + tl.arange(0, ROWS)
    src_rows = tl.load(idx_ptr + r)
    dst_rows = tl.load(dst_idx_ptr + r)
    for d in range(0, D, BLOCK_D):
        tile = src_desc.gather(src_rows, d)
        dst_desc.scatter(tile, dst_rows, d)


@triton.jit
def desc_reduce_kernel(
    grad_ptr, acc_ptr, cnt_ptr, M, N, M_BLOCK: tl.constexpr, N_BLOCK: tl.constexpr
):
    """Accumulate tiles into global memory with descriptor reductions (add / max / min / or)."""
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    g_desc = tl.make_tensor_descriptor(
        grad_ptr, shape=[M, N], strides=[N, 1], block_shape=[M_BLOCK, N_BLOCK]
    )
    a_desc = tl.make_tensor_descriptor(
        acc_ptr, shape=[M, N], strides=[N, 1], block_shape=[M_BLOCK, N_BLOCK]
    )
    c_desc = tl.make_tensor_descriptor(
        cnt_ptr, shape=[M, N], strides=[N, 1], block_shape=[M_BLOCK, N_BLOCK]
    )
    off = [pid_m * M_BLOCK, pid_n * N_BLOCK]
    g = g_desc.load(off)
    a_desc.atomic_add(off, g)
    ones = tl.full([M_BLOCK, N_BLOCK], 1, tl.int32)
    c_desc.atomic_max(off, ones)
    c_desc.atomic_min(off, ones * 7)
    c_desc.atomic_or(off, (g > 0).to(tl.int32))


@triton.jit
def desc_arg_copy_kernel(in_desc, out_desc, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    """Host-built descriptors passed as kernel arguments (shape/stride scalars are appended)."""
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    tile = in_desc.load([pid_m * BLOCK_M, pid_n * BLOCK_N])
    out_desc.store([pid_m * BLOCK_M, pid_n * BLOCK_N], (tile.to(tl.float32) * 2.0).to(tl.float16))


_GEMM_TYPES = {
    "a_ptr": "*fp16",
    "b_ptr": "*fp16",
    "c_ptr": "*fp16",
    "M": "i32",
    "N": "i32",
    "K": "i32",
}
_GEMM_CONSTS = {"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 64, "NUM_SMS": 132}

CASES = [
    case(
        "desc_inplace_abs",
        desc_inplace_abs_kernel,
        {"in_out_ptr": "*fp32", "M": "i32", "N": "i32"},
        {"M_BLOCK": 32, "N_BLOCK": 32},
        {"tensordesc", "descriptor_load", "descriptor_store", "math"},
        div16=("in_out_ptr",),
    ),
    case(
        "desc_batched_scale_3d",
        desc_batched_scale_kernel,
        {"x_ptr": "*bf16", "y_ptr": "*bf16", "B": "i32", "M": "i32", "N": "i32", "scale": "fp32"},
        {"M_BLOCK": 64, "N_BLOCK": 64},
        {"tensordesc", "descriptor_load", "descriptor_store", "cast"},
        div16=("x_ptr", "y_ptr", "N"),
    ),
    case(
        "desc_persistent_matmul_flatten",
        desc_persistent_matmul_kernel,
        _GEMM_TYPES,
        {**_GEMM_CONSTS, "FLATTEN": True, "WARP_SPECIALIZE": False},
        {
            "tensordesc",
            "descriptor_load",
            "descriptor_store",
            "dot",
            "trans",
            "scf_for",
            "flatten_attr",
        },
        div16=("a_ptr", "b_ptr", "c_ptr", "K", "N"),
    ),
    case(
        "desc_persistent_matmul_ws",
        desc_persistent_matmul_kernel,
        _GEMM_TYPES,
        {**_GEMM_CONSTS, "FLATTEN": False, "WARP_SPECIALIZE": True},
        {
            "tensordesc",
            "descriptor_load",
            "descriptor_store",
            "dot",
            "scf_for",
            "warp_specialize_attr",
        },
        div16=("a_ptr", "b_ptr", "c_ptr", "K", "N"),
    ),
    case(
        "desc_row_gather_scatter",
        desc_row_gather_scatter_kernel,
        {
            "src_ptr": "*bf16",
            "dst_ptr": "*bf16",
            "idx_ptr": "*i32",
            "dst_idx_ptr": "*i32",
            "num_rows": "i32",
            "D": "i32",
        },
        {"ROWS": 32, "BLOCK_D": 128},
        {"tensordesc", "descriptor_gather", "descriptor_scatter", "scf_for"},
        div16=("src_ptr", "dst_ptr"),
    ),
    case(
        "desc_reduce",
        desc_reduce_kernel,
        {"grad_ptr": "*fp32", "acc_ptr": "*fp32", "cnt_ptr": "*i32", "M": "i32", "N": "i32"},
        {"M_BLOCK": 32, "N_BLOCK": 64},
        {"tensordesc", "descriptor_load", "descriptor_reduce", "cast"},
        div16=("grad_ptr", "acc_ptr", "cnt_ptr", "N"),
    ),
    case(
        "desc_arg_copy",
        desc_arg_copy_kernel,
        {"in_desc": "tensordesc<fp16[64,64]>", "out_desc": "tensordesc<fp16[64,64]>"},
        {"BLOCK_M": 64, "BLOCK_N": 64},
        {"tensordesc_arg", "descriptor_load", "descriptor_store", "cast"},
    ),
]
