"""Matrix-multiply corpus kernels: tl.dot in several precisions, tl.dot_scaled and attention.

The tiled GEMM follows the matmul tutorial (grouped program ordering, pipelined K loop).
"""

from __future__ import annotations

import triton
import triton.language as tl

from ._case import case


@triton.jit
def _leaky_relu(x):
    return tl.where(x >= 0, x, 0.01 * x)


@triton.jit
def matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    stride_am,
    stride_ak,
    stride_bk,
    stride_bn,
    stride_cm,
    stride_cn,
    BLOCK_SIZE_M: tl.constexpr,
    BLOCK_SIZE_N: tl.constexpr,
    BLOCK_SIZE_K: tl.constexpr,
    GROUP_SIZE_M: tl.constexpr,
    NUM_STAGES: tl.constexpr,
    UNROLL: tl.constexpr,
    ACTIVATION: tl.constexpr,
):
    """C = A @ B for fp16 A/B with an fp32 accumulator and optional fused leaky ReLU."""
    pid = tl.program_id(axis=0)
    num_pid_m = tl.cdiv(M, BLOCK_SIZE_M)
    num_pid_n = tl.cdiv(N, BLOCK_SIZE_N)
    num_pid_in_group = GROUP_SIZE_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_SIZE_M
    group_size_m = min(num_pid_m - first_pid_m, GROUP_SIZE_M)
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m

    offs_am = (pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)) % M
    offs_bn = (pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)) % N
    offs_k = tl.arange(0, BLOCK_SIZE_K)
    a_ptrs = a_ptr + (offs_am[:, None] * stride_am + offs_k[None, :] * stride_ak)
    b_ptrs = b_ptr + (offs_k[:, None] * stride_bk + offs_bn[None, :] * stride_bn)

    accumulator = tl.zeros((BLOCK_SIZE_M, BLOCK_SIZE_N), dtype=tl.float32)
    for k in tl.range(
        0, tl.cdiv(K, BLOCK_SIZE_K), num_stages=NUM_STAGES, loop_unroll_factor=UNROLL
    ):
        a = tl.load(a_ptrs, mask=offs_k[None, :] < K - k * BLOCK_SIZE_K, other=0.0)
        b = tl.load(b_ptrs, mask=offs_k[:, None] < K - k * BLOCK_SIZE_K, other=0.0)
        accumulator = tl.dot(a, b, accumulator)
        a_ptrs += BLOCK_SIZE_K * stride_ak
        b_ptrs += BLOCK_SIZE_K * stride_bk
    if ACTIVATION == "leaky_relu":
        accumulator = _leaky_relu(accumulator)
    c = accumulator.to(tl.float16)

    offs_cm = pid_m * BLOCK_SIZE_M + tl.arange(0, BLOCK_SIZE_M)
    offs_cn = pid_n * BLOCK_SIZE_N + tl.arange(0, BLOCK_SIZE_N)
    c_ptrs = c_ptr + stride_cm * offs_cm[:, None] + stride_cn * offs_cn[None, :]
    c_mask = (offs_cm[:, None] < M) & (offs_cn[None, :] < N)
    tl.store(c_ptrs, c, mask=c_mask)


@triton.jit
def batched_matmul_kernel(
    a_ptr, b_ptr, c_ptr, BATCH: tl.constexpr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr
):
    """3D (batched) tl.dot with an fp16 output accumulator."""
    rb = tl.arange(0, BATCH)
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(a_ptr + rb[:, None, None] * M * K + rm[None, :, None] * K + rk[None, None, :])
    b = tl.load(b_ptr + rb[:, None, None] * K * N + rk[None, :, None] * N + rn[None, None, :])
    c = tl.dot(a, b, out_dtype=tl.float16)
    tl.store(c_ptr + rb[:, None, None] * M * N + rm[None, :, None] * N + rn[None, None, :], c)


@triton.jit
def int8_matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    a_scale_ptr,
    b_scale_ptr,
    K,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    """W8A8 GEMM: int8 x int8 -> int32 accumulation, dequantized with row/column scales."""
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.int32)
    for k in range(0, K, BLOCK_K):
        a = tl.load(a_ptr + rm[:, None] * K + (k + rk)[None, :])
        b = tl.load(b_ptr + (k + rk)[:, None] * BLOCK_N * tl.num_programs(1) + rn[None, :])
        acc = tl.dot(a, b, acc)
    sa = tl.load(a_scale_ptr + rm)
    sb = tl.load(b_scale_ptr + rn)
    out = acc.to(tl.float32) * sa[:, None] * sb[None, :]
    tl.store(c_ptr + rm[:, None] * BLOCK_N * tl.num_programs(1) + rn[None, :], out.to(tl.bfloat16))


@triton.jit
def fp8_matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    scale_ptr,
    K,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    """fp8 e4m3 GEMM with limited-precision accumulation and a per-tensor scale."""
    pid = tl.program_id(0)
    rm = pid * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in tl.range(0, K, BLOCK_K, num_stages=4):
        a = tl.load(a_ptr + rm[:, None] * K + (k + rk)[None, :])
        b = tl.load(b_ptr + (k + rk)[:, None] * BLOCK_N + rn[None, :])
        acc = tl.dot(a, b, acc, max_num_imprecise_acc=32, out_dtype=tl.float32)
    scale = tl.load(scale_ptr)
    tl.store(c_ptr + rm[:, None] * BLOCK_N + rn[None, :], (acc * scale).to(tl.float8e5))


@triton.jit
def fp32_matmul_precision_kernel(
    a_ptr, b_ptr, c_ptr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr
):
    """fp32 dots with explicit input precisions: tf32, tf32x3 and ieee."""
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(a_ptr + rm[:, None] * K + rk[None, :])
    b = tl.load(b_ptr + rk[:, None] * N + rn[None, :])
    c = tl.dot(a, b, input_precision="tf32")
    c += tl.dot(a, b, input_precision="tf32x3")
    c += tl.dot(a, b, input_precision="ieee")
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], c)


@triton.jit
def mxfp8_matmul_kernel(
    a_ptr,
    a_scale_ptr,
    b_ptr,
    b_scale_ptr,
    c_ptr,
    K,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    """Block-scaled GEMM: e4m3 operands with e8m0 (uint8) scales per 32 elements of K."""
    pid = tl.program_id(0)
    rm = pid * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    rs = tl.arange(0, BLOCK_K // 32)
    num_scales = K // 32
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in tl.range(0, K, BLOCK_K, num_stages=3):
        a = tl.load(a_ptr + rm[:, None] * K + (k + rk)[None, :])
        b = tl.load(b_ptr + (k + rk)[:, None] * BLOCK_N + rn[None, :])
        a_scale = tl.load(a_scale_ptr + rm[:, None] * num_scales + (k // 32 + rs)[None, :])
        b_scale = tl.load(b_scale_ptr + rn[:, None] * num_scales + (k // 32 + rs)[None, :])
        acc = tl.dot_scaled(a, a_scale, "e4m3", b, b_scale, "e4m3", acc)
    tl.store(c_ptr + rm[:, None] * BLOCK_N + rn[None, :], acc)


@triton.jit
def bf16_mxfp4_matmul_kernel(
    a_ptr, b_ptr, b_scale_ptr, c_ptr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr
):
    """bf16 activations times packed e2m1 (two per byte) weights with e8m0 scales, no lhs scale."""
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    rk_packed = tl.arange(0, K // 2)
    rs = tl.arange(0, K // 32)
    a = tl.load(a_ptr + rm[:, None] * K + rk[None, :])
    b = tl.load(b_ptr + rk_packed[:, None] * N + rn[None, :])
    b_scale = tl.load(b_scale_ptr + rn[:, None] * (K // 32) + rs[None, :])
    c = tl.dot_scaled(a, None, "bf16", b, b_scale, "e2m1", fast_math=True)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], c)


@triton.jit
def attention_fwd_kernel(
    Q,
    K,
    V,
    Out,
    sm_scale,
    seq_len,
    stride_qm,
    stride_kn,
    stride_vn,
    stride_om,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    HEAD_DIM: tl.constexpr,
):
    """Single-head flash-attention forward: online softmax over K/V blocks with exp2."""
    start_m = tl.program_id(0)
    offs_m = start_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = tl.arange(0, BLOCK_N)
    offs_d = tl.arange(0, HEAD_DIM)
    q = tl.load(
        Q + offs_m[:, None] * stride_qm + offs_d[None, :], mask=offs_m[:, None] < seq_len, other=0.0
    )
    m_i = tl.zeros([BLOCK_M], dtype=tl.float32) - float("inf")
    l_i = tl.zeros([BLOCK_M], dtype=tl.float32) + 1.0
    acc = tl.zeros([BLOCK_M, HEAD_DIM], dtype=tl.float32)
    qk_scale = sm_scale * 1.44269504
    for start_n in tl.range(0, seq_len, BLOCK_N, num_stages=2):
        kv_mask = (start_n + offs_n)[:, None] < seq_len
        k = tl.load(
            K + (start_n + offs_n)[:, None] * stride_kn + offs_d[None, :], mask=kv_mask, other=0.0
        )
        qk = tl.dot(q, tl.trans(k))
        qk = tl.where((start_n + offs_n)[None, :] < seq_len, qk * qk_scale, -float("inf"))
        m_ij = tl.maximum(m_i, tl.max(qk, 1))
        p = tl.math.exp2(qk - m_ij[:, None])
        alpha = tl.math.exp2(m_i - m_ij)
        l_i = l_i * alpha + tl.sum(p, 1)
        acc = acc * alpha[:, None]
        v = tl.load(
            V + (start_n + offs_n)[:, None] * stride_vn + offs_d[None, :], mask=kv_mask, other=0.0
        )
        acc = tl.dot(p.to(tl.float16), v, acc)
        m_i = m_ij
    acc = acc / l_i[:, None]
    tl.store(
        Out + offs_m[:, None] * stride_om + offs_d[None, :],
        acc.to(tl.float16),
        mask=offs_m[:, None] < seq_len,
    )


_MM_TYPES = {
    "a_ptr": "*fp16",
    "b_ptr": "*fp16",
    "c_ptr": "*fp16",
    "M": "i32",
    "N": "i32",
    "K": "i32",
    "stride_am": "i32",
    "stride_ak": "i32",
    "stride_bk": "i32",
    "stride_bn": "i32",
    "stride_cm": "i32",
    "stride_cn": "i32",
}
_MM_CONSTS = {"BLOCK_SIZE_M": 128, "BLOCK_SIZE_N": 128, "BLOCK_SIZE_K": 64, "GROUP_SIZE_M": 8}
_MM_DIV16 = ("a_ptr", "b_ptr", "c_ptr", "M", "N", "K", "stride_am", "stride_bk", "stride_cm")

CASES = [
    case(
        "matmul_fp16",
        matmul_kernel,
        _MM_TYPES,
        {**_MM_CONSTS, "NUM_STAGES": 3, "UNROLL": 1, "ACTIVATION": ""},
        {
            "dot",
            "scf_for",
            "num_stages_attr",
            "unroll_attr",
            "divisibility",
            "expand_dims",
            "broadcast",
            "cast",
        },
        div16=_MM_DIV16,
    ),
    case(
        "matmul_fp16_unroll2_leaky_relu",
        matmul_kernel,
        _MM_TYPES,
        {**_MM_CONSTS, "NUM_STAGES": 3, "UNROLL": 2, "ACTIVATION": "leaky_relu"},
        {"dot", "scf_for", "num_stages_attr", "where", "divisibility"},
        div16=_MM_DIV16,
    ),
    case(
        "batched_matmul_3d",
        batched_matmul_kernel,
        {"a_ptr": "*fp16", "b_ptr": "*fp16", "c_ptr": "*fp16"},
        {"BATCH": 4, "M": 32, "N": 32, "K": 32},
        {"dot", "expand_dims", "broadcast"},
    ),
    case(
        "int8_matmul",
        int8_matmul_kernel,
        {
            "a_ptr": "*i8",
            "b_ptr": "*i8",
            "c_ptr": "*bf16",
            "a_scale_ptr": "*fp32",
            "b_scale_ptr": "*fp32",
            "K": "i32",
        },
        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 64},
        {"dot", "scf_for", "num_programs", "cast"},
    ),
    case(
        "fp8_matmul",
        fp8_matmul_kernel,
        {
            "a_ptr": "*fp8e4nv",
            "b_ptr": "*fp8e4nv",
            "c_ptr": "*fp8e5",
            "scale_ptr": "*fp32",
            "K": "i32",
        },
        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 64},
        {"dot", "fp_to_fp", "num_stages_attr"},
    ),
    case(
        "fp32_matmul_precision",
        fp32_matmul_precision_kernel,
        {"a_ptr": "*fp32", "b_ptr": "*fp32", "c_ptr": "*fp32"},
        {"M": 32, "N": 32, "K": 32},
        {"dot"},
    ),
    case(
        "mxfp8_dot_scaled",
        mxfp8_matmul_kernel,
        {
            "a_ptr": "*fp8e4nv",
            "a_scale_ptr": "*u8",
            "b_ptr": "*fp8e4nv",
            "b_scale_ptr": "*u8",
            "c_ptr": "*fp32",
            "K": "i32",
        },
        {"BLOCK_M": 128, "BLOCK_N": 128, "BLOCK_K": 128},
        {"dot_scaled", "scf_for", "num_stages_attr"},
    ),
    case(
        "bf16_mxfp4_dot_scaled",
        bf16_mxfp4_matmul_kernel,
        {"a_ptr": "*bf16", "b_ptr": "*u8", "b_scale_ptr": "*u8", "c_ptr": "*fp32"},
        {"M": 64, "N": 64, "K": 128},
        {"dot_scaled"},
    ),
    case(
        "attention_fwd",
        attention_fwd_kernel,
        {
            "Q": "*fp16",
            "K": "*fp16",
            "V": "*fp16",
            "Out": "*fp16",
            "sm_scale": "fp32",
            "seq_len": "i32",
            "stride_qm": "i32",
            "stride_kn": "i32",
            "stride_vn": "i32",
            "stride_om": "i32",
        },
        {"BLOCK_M": 128, "BLOCK_N": 64, "HEAD_DIM": 64},
        {"dot", "trans", "reduce", "math", "where", "scf_for", "num_stages_attr", "cast"},
        div16=("Q", "K", "V", "Out", "stride_qm", "stride_kn", "stride_vn", "stride_om"),
    ),
]
