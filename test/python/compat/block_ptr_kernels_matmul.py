"""Old-style (Triton <= 3.5) block-pointer matmuls: `tl.advance` along K in the loop.

Odd sizes, transposed operands, helpers that take and return block pointers, batched 3-D
blocks and epilogues. `CASES` maps a case name to a function returning its `Launch`.
"""

import torch
import triton
import triton.language as tl
from block_ptr_launch import launch


@triton.jit
def matmul_f32(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
               BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (sam, sak), (pm * BM, 0), (BM, BK), (1, 0))
    b = tl.make_block_ptr(b_ptr, (K, N), (sbk, sbn), (0, pn * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        x = tl.load(a, boundary_check=(0, 1), padding_option="zero")
        y = tl.load(b, boundary_check=(0, 1), padding_option="zero")
        acc += tl.dot(x, y)
        a = tl.advance(a, (0, BK))
        b = tl.advance(b, (BK, 0))
    c = tl.make_block_ptr(c_ptr, (M, N), (scm, scn), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(c, acc, boundary_check=(0, 1))


@triton.jit
def matmul_f16_bt(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
                  BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    """fp16 operands, B a transposed view (order (0, 1)), fp16 result."""
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (sam, sak), (pm * BM, 0), (BM, BK), (1, 0))
    b = tl.make_block_ptr(b_ptr, (K, N), (sbk, sbn), (0, pn * BN), (BK, BN), (0, 1))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(tl.cdiv(K, BK)):
        acc = tl.dot(tl.load(a, boundary_check=(0, 1), padding_option="zero"),
                     tl.load(b, boundary_check=(0, 1), padding_option="zero"), acc)
        a = tl.advance(a, (0, BK))
        b = tl.advance(b, (BK, 0))
    c = tl.make_block_ptr(c_ptr, (M, N), (scm, scn), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(c, acc.to(tl.float16), boundary_check=(0, 1))


@triton.jit
def _load_zero_padded(p):
    return tl.load(p, boundary_check=(0, 1), padding_option="zero")


@triton.jit
def _step(a, b, BK: tl.constexpr):
    return a.advance((0, BK)), tl.advance(b, (BK, 0))


@triton.jit
def matmul_helpers(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, sbk, sbn, scm, scn,
                   BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    """Block pointers passed to and returned from @jit helpers; method-style calls."""
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (sam, sak), (pm * BM, 0), (BM, BK), (1, 0))
    b = tl.make_block_ptr(b_ptr, (K, N), (sbk, sbn), (0, pn * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        acc += tl.dot(_load_zero_padded(a), _load_zero_padded(b))
        a, b = _step(a, b, BK)
    c = tl.make_block_ptr(c_ptr, (M, N), (scm, scn), (pm * BM, pn * BN), (BM, BN), (1, 0))
    c.store(acc, boundary_check=(0, 1))


@triton.jit
def matmul_bias_relu(a_ptr, b_ptr, bias_ptr, c_ptr, M, N, K, BM: tl.constexpr,
                     BN: tl.constexpr, BK: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (K, 1), (pm * BM, 0), (BM, BK), (1, 0))
    b = tl.make_block_ptr(b_ptr, (K, N), (N, 1), (0, pn * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        acc += tl.dot(tl.load(a, boundary_check=(0, 1), padding_option="zero"),
                      tl.load(b, boundary_check=(0, 1), padding_option="zero"))
        a = tl.advance(a, (0, BK))
        b = tl.advance(b, (BK, 0))
    bias = tl.load(tl.make_block_ptr(bias_ptr, (N,), (1,), (pn * BN,), (BN,), (0,)),
                   boundary_check=(0,), padding_option="zero")
    out = tl.maximum(acc + bias[None, :], 0.0)
    c = tl.make_block_ptr(c_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(c, out, boundary_check=(0, 1))


@triton.jit
def matmul_at(a_ptr, b_ptr, c_ptr, M, N, K, sam, sak, BM: tl.constexpr, BN: tl.constexpr,
              BK: tl.constexpr):
    """A given as a transposed view (K-major, order (0, 1))."""
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (sam, sak), (pm * BM, 0), (BM, BK), (0, 1))
    b = tl.make_block_ptr(b_ptr, (K, N), (N, 1), (0, pn * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        acc += tl.dot(tl.load(a, boundary_check=(0, 1), padding_option="zero"),
                      tl.load(b, boundary_check=(0, 1), padding_option="zero"))
        a = tl.advance(a, (0, BK))
        b = tl.advance(b, (BK, 0))
    c = tl.make_block_ptr(c_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(c, acc, boundary_check=(0, 1))


@triton.jit
def batched_matmul(a_ptr, b_ptr, c_ptr, BATCH, M, N, K, sab, sam, sak, sbb, sbk, sbn,
                   BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr):
    """3-D block pointers with a unit batch block, reshaped to 2-D for the dot."""
    pb = tl.program_id(2)
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (BATCH, M, K), (sab, sam, sak), (pb, pm * BM, 0),
                          (1, BM, BK), (2, 1, 0))
    b = tl.make_block_ptr(b_ptr, (BATCH, K, N), (sbb, sbk, sbn), (pb, 0, pn * BN),
                          (1, BK, BN), (2, 1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        x = tl.reshape(tl.load(a, boundary_check=(1, 2), padding_option="zero"), (BM, BK))
        y = tl.reshape(tl.load(b, boundary_check=(1, 2), padding_option="zero"), (BK, BN))
        acc += tl.dot(x, y)
        a = tl.advance(a, (0, 0, BK))
        b = tl.advance(b, (0, BK, 0))
    c = tl.make_block_ptr(c_ptr + pb * M * N, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN),
                          (1, 0))
    tl.store(c, acc, boundary_check=(0, 1))


@triton.jit
def matmul_bf16(a_ptr, b_ptr, c_ptr, M, N, K, BM: tl.constexpr, BN: tl.constexpr,
                BK: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (K, 1), (pm * BM, 0), (BM, BK), (1, 0))
    b = tl.make_block_ptr(b_ptr, (K, N), (N, 1), (0, pn * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        acc = tl.dot(tl.load(a, boundary_check=(0, 1), padding_option="zero"),
                     tl.load(b, boundary_check=(0, 1), padding_option="zero"), acc)
        a = tl.advance(a, (0, BK))
        b = tl.advance(b, (BK, 0))
    c = tl.make_block_ptr(c_ptr, (M, N), (N, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(c, acc, boundary_check=(0, 1))


@triton.jit
def matmul_grouped(a_ptr, b_ptr, c_ptr, M, N, K, BM: tl.constexpr, BN: tl.constexpr,
                   BK: tl.constexpr, GROUP_M: tl.constexpr):
    """The Triton 2.x/3.x tutorial's block-pointer matmul: grouped ordering of the tiles."""
    pid = tl.program_id(0)
    num_pid_m = tl.cdiv(M, BM)
    num_pid_n = tl.cdiv(N, BN)
    num_pid_in_group = GROUP_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_M
    group_size_m = min(num_pid_m - first_pid_m, GROUP_M)
    pm = first_pid_m + (pid % group_size_m)
    pn = (pid % num_pid_in_group) // group_size_m
    a_block_ptr = tl.make_block_ptr(base=a_ptr, shape=(M, K), strides=(K, 1),
                                    offsets=(pm * BM, 0), block_shape=(BM, BK), order=(1, 0))
    b_block_ptr = tl.make_block_ptr(base=b_ptr, shape=(K, N), strides=(N, 1),
                                    offsets=(0, pn * BN), block_shape=(BK, BN), order=(1, 0))
    accumulator = tl.zeros((BM, BN), dtype=tl.float32)
    for k in range(0, K, BK):
        a = tl.load(a_block_ptr, boundary_check=(0, 1))
        b = tl.load(b_block_ptr, boundary_check=(0, 1))
        accumulator += tl.dot(a, b)
        a_block_ptr = tl.advance(a_block_ptr, (0, BK))
        b_block_ptr = tl.advance(b_block_ptr, (BK, 0))
    c_block_ptr = tl.make_block_ptr(base=c_ptr, shape=(M, N), strides=(N, 1),
                                    offsets=(pm * BM, pn * BN), block_shape=(BM, BN),
                                    order=(1, 0))
    tl.store(c_block_ptr, accumulator, boundary_check=(0, 1))


def _mm_inputs(m, n, k, dtype=torch.float32):
    return torch.randn(m, k).to(dtype), torch.randn(k, n).to(dtype)


def _matmul_f32():
    m, n, k = 70, 45, 99
    a, b = _mm_inputs(m, n, k)
    c = torch.zeros(m, n)
    return launch(matmul_f32, (triton.cdiv(m, 32), triton.cdiv(n, 32)),
                  (a, b, c, m, n, k, *a.stride(), *b.stride(), *c.stride()),
                  {"BM": 32, "BN": 32, "BK": 16}, (c,), (a @ b,), tol=1e-3)


def _matmul_f16_bt():
    m, n, k = 50, 60, 72
    a = torch.randn(m, k).half()
    b = torch.randn(n, k).half().t()
    c = torch.zeros(m, n, dtype=torch.float16)
    return launch(matmul_f16_bt, (triton.cdiv(m, 32), triton.cdiv(n, 32)),
                  (a, b, c, m, n, k, *a.stride(), *b.stride(), *c.stride()),
                  {"BM": 32, "BN": 32, "BK": 32}, (c,), ((a.float() @ b.float()).half(),), tol=1e-2)


def _matmul_helpers():
    m, n, k = 40, 33, 65
    a, b = _mm_inputs(m, n, k)
    c = torch.zeros(m, n)
    return launch(matmul_helpers, (triton.cdiv(m, 16), triton.cdiv(n, 16)),
                  (a, b, c, m, n, k, *a.stride(), *b.stride(), *c.stride()),
                  {"BM": 16, "BN": 16, "BK": 16}, (c,), (a @ b,), tol=1e-3)


def _matmul_bias_relu():
    m, n, k = 35, 47, 50
    a, b = _mm_inputs(m, n, k)
    bias = torch.randn(n)
    c = torch.zeros(m, n)
    return launch(matmul_bias_relu, (triton.cdiv(m, 16), triton.cdiv(n, 16)),
                  (a, b, bias, c, m, n, k), {"BM": 16, "BN": 16, "BK": 16}, (c,),
                  (torch.relu(a @ b + bias),), tol=1e-3)


def _matmul_at():
    m, n, k = 31, 40, 57
    a = torch.randn(k, m).t()
    b = torch.randn(k, n)
    c = torch.zeros(m, n)
    return launch(matmul_at, (triton.cdiv(m, 16), triton.cdiv(n, 16)),
                  (a, b, c, m, n, k, *a.stride()), {"BM": 16, "BN": 16, "BK": 16}, (c,), (a @ b,),
                  tol=1e-3)


def _batched_matmul():
    batch, m, n, k = 3, 20, 24, 40
    a = torch.randn(batch, m, k)
    b = torch.randn(batch, n, k).transpose(1, 2)
    c = torch.zeros(batch, m, n)
    return launch(batched_matmul, (triton.cdiv(m, 16), triton.cdiv(n, 16), batch),
                  (a, b, c, batch, m, n, k, *a.stride(), *b.stride()),
                  {"BM": 16, "BN": 16, "BK": 16}, (c,), (torch.bmm(a, b),), tol=1e-3)


def _matmul_bf16():
    m, n, k = 48, 36, 80
    a, b = _mm_inputs(m, n, k, torch.bfloat16)
    c = torch.zeros(m, n)
    return launch(matmul_bf16, (triton.cdiv(m, 16), triton.cdiv(n, 16)), (a, b, c, m, n, k),
                  {"BM": 16, "BN": 16, "BK": 32}, (c,), (a.float() @ b.float(),), tol=1e-2)


def _matmul_grouped():
    m, n, k = 100, 72, 64
    a, b = _mm_inputs(m, n, k)
    c = torch.zeros(m, n)
    grid = (triton.cdiv(m, 16) * triton.cdiv(n, 16),)
    return launch(matmul_grouped, grid, (a, b, c, m, n, k),
                  {"BM": 16, "BN": 16, "BK": 32, "GROUP_M": 4}, (c,), (a @ b,), tol=1e-3)


CASES = {
    "matmul_f32": _matmul_f32,
    "matmul_f16_bt": _matmul_f16_bt,
    "matmul_helpers": _matmul_helpers,
    "matmul_bias_relu": _matmul_bias_relu,
    "matmul_at": _matmul_at,
    "batched_matmul": _batched_matmul,
    "matmul_bf16": _matmul_bf16,
    "matmul_grouped": _matmul_grouped,
}
