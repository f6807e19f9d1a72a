"""Atomic corpus kernels: read-modify-write with every kind, CAS spin locks and flag signalling.

Masks, memory semantics (relaxed/acquire/release/acq_rel) and scopes (cta/gpu/sys) all vary.
"""

from __future__ import annotations

import triton
import triton.language as tl

from ._case import case


@triton.jit
def scatter_add_kernel(idx_ptr, val_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """index_add_: out[idx[i]] += val[i] with fp32 atomics under a tail mask."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    idx = tl.load(idx_ptr + offsets, mask=mask, other=0)
    val = tl.load(val_ptr + offsets, mask=mask, other=0.0)
    tl.atomic_add(out_ptr + idx, val, mask=mask, sem="relaxed", scope="gpu")


@triton.jit
def atomic_minmax_kernel(x_ptr, max_ptr, min_ptr, imax_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Global max/min of a float block (scalar atomics) and element-wise int max."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.atomic_max(max_ptr, tl.max(x, axis=0), sem="acq_rel", scope="gpu")
    tl.atomic_min(min_ptr, tl.min(x, axis=0), sem="release", scope="cta")
    tl.atomic_max(imax_ptr + offsets % 16, x.to(tl.int32), mask=mask, sem="acquire")


@triton.jit
def atomic_bitwise_kernel(flags_ptr, bits_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Bitset updates: and / or / xor on int32 words (and uint64 for or)."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    bits = tl.load(bits_ptr + offsets, mask=mask, other=0)
    word = offsets // 32
    bit = 1 << (offsets % 32)
    tl.atomic_or(
        flags_ptr + word, tl.where(bits != 0, bit, 0), mask=mask, sem="relaxed", scope="cta"
    )
    tl.atomic_and(flags_ptr + word + 1024, ~bit, mask=mask, sem="acq_rel", scope="sys")
    tl.atomic_xor(flags_ptr + word + 2048, bit, mask=mask)


@triton.jit
def atomic_u64_kernel(counters_ptr, x_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """64-bit unsigned counters and fp16 atomic add."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.atomic_add(
        counters_ptr.to(tl.pointer_type(tl.uint64), bitcast=True),
        tl.sum(mask.to(tl.uint64), axis=0),
    )
    tl.atomic_add(x_ptr + offsets, x, mask=mask)


@triton.jit
def ticket_counter_kernel(counter_ptr, out_ptr):
    """Scalar atomics: grab a ticket, then swap in the program id (returns the old values)."""
    pid = tl.program_id(0)
    ticket = tl.atomic_add(counter_ptr, 1)
    old = tl.atomic_xchg(counter_ptr + 1, pid, sem="acq_rel")
    tl.store(out_ptr + pid, ticket * 1000 + old)


@triton.jit
def layer_norm_bwd_dwdb_kernel(
    DX,
    DY,
    DW,
    DB,
    X,
    W,
    Mean,
    Rstd,
    Lock,
    stride,
    N,
    GROUP_SIZE_M: tl.constexpr,
    BLOCK_SIZE_N: tl.constexpr,
):
    """LayerNorm backward (dx plus partial dw/db) serialized by a CAS spin lock per group."""
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE_N)
    mask = cols < N
    X += row * stride
    DY += row * stride
    DX += row * stride
    lock_id = row % GROUP_SIZE_M
    Lock += lock_id
    Count = Lock + GROUP_SIZE_M
    DW = DW + lock_id * N + cols
    DB = DB + lock_id * N + cols
    x = tl.load(X + cols, mask=mask, other=0).to(tl.float32)
    dy = tl.load(DY + cols, mask=mask, other=0).to(tl.float32)
    w = tl.load(W + cols, mask=mask).to(tl.float32)
    mean = tl.load(Mean + row)
    rstd = tl.load(Rstd + row)
    xhat = (x - mean) * rstd
    wdy = w * dy
    xhat = tl.where(mask, xhat, 0.0)
    wdy = tl.where(mask, wdy, 0.0)
    c1 = tl.sum(xhat * wdy, axis=0) / N
    c2 = tl.sum(wdy, axis=0) / N
    dx = (wdy - (xhat * c1 + c2)) * rstd
    tl.store(DX + cols, dx, mask=mask)
    partial_dw = (dy * xhat).to(w.dtype)
    partial_db = (dy).to(w.dtype)
    while tl.atomic_cas(Lock, 0, 1) == 1:
        pass
    count = tl.load(Count)
    if count == 0:
        tl.atomic_xchg(Count, 1)
    else:
        partial_dw += tl.load(DW, mask=mask)
        partial_db += tl.load(DB, mask=mask)
    tl.store(DW, partial_dw, mask=mask)
    tl.store(DB, partial_db, mask=mask)
    tl.debug_barrier()
    tl.atomic_xchg(Lock, 0)


@triton.jit
def cas_tensor_kernel(slots_ptr, keys_ptr, out_ptr, BLOCK: tl.constexpr):
    """Block-wide CAS (claim empty hash slots) with explicit sem/scope on 64-bit keys."""
    offs = tl.arange(0, BLOCK)
    keys = tl.load(keys_ptr + offs)
    prev = tl.atomic_cas(
        slots_ptr + offs, tl.zeros([BLOCK], tl.int64), keys, sem="acq_rel", scope="gpu"
    )
    tl.store(out_ptr + offs, prev == 0)


@triton.jit
def split_k_matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
    SPLIT_K: tl.constexpr,
):
    """Split-K GEMM: each K slice reduces its partial tile into C with fp32 atomic adds."""
    pid_m = tl.program_id(0)
    pid_k = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.arange(0, BLOCK_N)
    rk = pid_k * BLOCK_K + tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(0, K, BLOCK_K * SPLIT_K):
        a = tl.load(
            a_ptr + rm[:, None] * K + (k + rk)[None, :], mask=(k + rk)[None, :] < K, other=0.0
        )
        b = tl.load(
            b_ptr + (k + rk)[:, None] * N + rn[None, :], mask=(k + rk)[:, None] < K, other=0.0
        )
        acc = tl.dot(a, b, acc)
    c_mask = (rm[:, None] < M) & (rn[None, :] < N)
    tl.atomic_add(c_ptr + rm[:, None] * N + rn[None, :], acc, mask=c_mask, sem="relaxed")


@triton.jit
def flag_signal_kernel(data_ptr, flag_ptr, out_ptr, BLOCK: tl.constexpr):
    """Producer/consumer hand-off: program 0 publishes, program 1 polls then acquires."""
    pid = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    if pid == 0:
        tl.store(data_ptr + offs, offs.to(tl.float32))
        tl.atomic_store(flag_ptr, 1, sem="release", scope="gpu")
    else:
        ready = tl.atomic_poll(flag_ptr, 1, sem="acquire", scope="gpu", timeout_ns=1000000)
        seen = tl.atomic_load(flag_ptr, sem="relaxed", scope="sys")
        data = tl.load(data_ptr + offs)
        tl.store(out_ptr + offs, tl.where(ready, data, seen.to(tl.float32)))


CASES = [
    case(
        "scatter_add",
        scatter_add_kernel,
        {"idx_ptr": "*i32", "val_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"atomic_rmw", "load"},
    ),
    case(
        "atomic_minmax",
        atomic_minmax_kernel,
        {
            "x_ptr": "*fp32",
            "max_ptr": "*fp32",
            "min_ptr": "*fp32",
            "imax_ptr": "*i32",
            "n_elements": "i32",
        },
        {"BLOCK_SIZE": 256},
        {"atomic_rmw", "reduce", "cast"},
    ),
    case(
        "atomic_bitwise",
        atomic_bitwise_kernel,
        {"flags_ptr": "*i32", "bits_ptr": "*i32", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"atomic_rmw", "where"},
    ),
    case(
        "atomic_u64_fp16",
        atomic_u64_kernel,
        {"counters_ptr": "*i64", "x_ptr": "*fp16", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"atomic_rmw", "reduce", "cast"},
    ),
    case(
        "ticket_counter",
        ticket_counter_kernel,
        {"counter_ptr": "*i32", "out_ptr": "*i32"},
        {},
        {"atomic_rmw", "program_id"},
    ),
    case(
        "layer_norm_bwd_lock",
        layer_norm_bwd_dwdb_kernel,
        {
            "DX": "*fp16",
            "DY": "*fp16",
            "DW": "*fp16",
            "DB": "*fp16",
            "X": "*fp16",
            "W": "*fp16",
            "Mean": "*fp32",
            "Rstd": "*fp32",
            "Lock": "*i32",
            "stride": "i32",
            "N": "i32",
        },
        {"GROUP_SIZE_M": 64, "BLOCK_SIZE_N": 1024},
        {"atomic_cas", "atomic_rmw", "scf_while", "scf_if", "reduce", "where", "barrier"},
    ),
    case(
        "cas_tensor",
        cas_tensor_kernel,
        {"slots_ptr": "*i64", "keys_ptr": "*i64", "out_ptr": "*i1"},
        {"BLOCK": 128},
        {"atomic_cas"},
    ),
    case(
        "split_k_matmul",
        split_k_matmul_kernel,
        {"a_ptr": "*fp16", "b_ptr": "*fp16", "c_ptr": "*fp32", "M": "i32", "N": "i32", "K": "i32"},
        {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32, "SPLIT_K": 4},
        {"dot", "atomic_rmw", "scf_for"},
    ),
    case(
        "flag_signal",
        flag_signal_kernel,
        {"data_ptr": "*fp32", "flag_ptr": "*i32", "out_ptr": "*fp32"},
        {"BLOCK": 128},
        {"atomic_store", "atomic_poll", "atomic_load", "scf_if", "where"},
    ),
]
