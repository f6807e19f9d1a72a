"""The sample kernels themselves, written as in Triton's tutorials, with their specializations.

Each entry of `SAMPLES` is a `KernelSpec`; `run_sample` runs one on the cpu backend vs torch.
"""

import triton
import triton.language as tl

from flagtree.ttir import KernelSpec


@triton.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)


@triton.jit
def softmax_kernel(out_ptr, in_ptr, in_stride, out_stride, n_cols, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    mask = cols < n_cols
    x = tl.load(in_ptr + row * in_stride + cols, mask=mask, other=-float("inf"))
    x = x - tl.max(x, axis=0)
    num = tl.exp(x)
    tl.store(out_ptr + row * out_stride + cols, num / tl.sum(num, axis=0), mask=mask)


@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn,
                  stride_cm, stride_cn, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
                  BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    a = a_ptr + rm[:, None] * stride_am + rk[None, :] * stride_ak
    b = b_ptr + rk[:, None] * stride_bk + rn[None, :] * stride_bn
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(tl.cdiv(K, BLOCK_K)):
        k_left = K - k * BLOCK_K
        a_tile = tl.load(a, mask=(rm[:, None] < M) & (rk[None, :] < k_left), other=0.0)
        b_tile = tl.load(b, mask=(rk[:, None] < k_left) & (rn[None, :] < N), other=0.0)
        acc = tl.dot(a_tile, b_tile, acc)
        a += BLOCK_K * stride_ak
        b += BLOCK_K * stride_bk
    c = c_ptr + rm[:, None] * stride_cm + rn[None, :] * stride_cn
    tl.store(c, acc, mask=(rm[:, None] < M) & (rn[None, :] < N))


_DIV16 = [["tt.divisibility", 16]]

SAMPLES: list[KernelSpec] = [
    KernelSpec(add_kernel,
               {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32",
                "BLOCK_SIZE": "constexpr"},
               {"BLOCK_SIZE": 1024}, {(0,): _DIV16, (1,): _DIV16, (2,): _DIV16}),
    KernelSpec(softmax_kernel,
               {"out_ptr": "*fp32", "in_ptr": "*fp32", "in_stride": "i32", "out_stride": "i32",
                "n_cols": "i32", "BLOCK_SIZE": "constexpr"},
               {"BLOCK_SIZE": 1024}),
    KernelSpec(matmul_kernel,
               {"a_ptr": "*fp16", "b_ptr": "*fp16", "c_ptr": "*fp32", "M": "i32", "N": "i32",
                "K": "i32", "stride_am": "i32", "stride_ak": "i32", "stride_bk": "i32",
                "stride_bn": "i32", "stride_cm": "i32", "stride_cn": "i32",
                "BLOCK_M": "constexpr", "BLOCK_N": "constexpr", "BLOCK_K": "constexpr"},
               {"BLOCK_M": 64, "BLOCK_N": 64, "BLOCK_K": 32}),
]


def run_sample(spec: KernelSpec, kernel=None) -> float:
    """Run `spec`'s kernel on torch CPU tensors through the cpu backend (or `kernel`, the same
    kernel loaded from a `flagtree compile` archive), check it against torch, and return the
    seconds the (warm) launch took."""
    import time

    import torch

    fn = spec.fn if kernel is None else kernel
    torch.manual_seed(0)
    if spec.fn is add_kernel:
        n = 1_000_003
        x, y, out = torch.randn(n), torch.randn(n), torch.empty(n)
        launch = lambda: fn[(triton.cdiv(n, 1024),)](x, y, out, n, BLOCK_SIZE=1024)
        expected = lambda: x + y
    elif spec.fn is softmax_kernel:
        x = torch.randn(1000, 777)
        out = torch.empty_like(x)
        launch = lambda: fn[(x.shape[0],)](out, x, x.stride(0), out.stride(0),
                                           x.shape[1], BLOCK_SIZE=1024)
        expected = lambda: torch.softmax(x, dim=1)
    else:
        a, b = torch.randn(200, 150).half(), torch.randn(150, 130).half()
        out = torch.empty(200, 130)

        def launch():
            grid = (triton.cdiv(200, 64), triton.cdiv(130, 64))
            fn[grid](a, b, out, 200, 130, 150, a.stride(0), a.stride(1), b.stride(0),
                     b.stride(1), out.stride(0), out.stride(1), BLOCK_M=64, BLOCK_N=64,
                     BLOCK_K=32)

        expected = lambda: a.float() @ b.float()
    launch()
    torch.testing.assert_close(out, expected(), rtol=1e-3, atol=1e-3)
    start = time.perf_counter()
    launch()
    return time.perf_counter() - start
