"""Triton 3.9's newer ops on the cpu backend: map_elementwise, atomic load/store/poll, PDL.

Each result is checked against torch (or against the expected flag protocol).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl


@triton.jit
def _selu(x, alpha):
    if x > 0:
        return x
    return alpha * (tl.exp(x) - 1)


@triton.jit
def _map_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    x = tl.load(x_ptr + offs, mask=mask)
    alpha = tl.full((BLOCK,), 1.5, tl.float32)
    tl.store(out_ptr + offs, tl.map_elementwise(_selu, x, alpha), mask=mask)


def test_map_elementwise_with_a_branching_scalar_function():
    x = torch.randn(100)
    out = torch.empty(100)
    _map_kernel[(1,)](x, out, 100, BLOCK=128)
    torch.testing.assert_close(out, torch.where(x > 0, x, 1.5 * (torch.exp(x) - 1)))


@triton.jit
def _minmax(a0, a1, b0, b1):
    return tl.minimum(a0, b0), tl.minimum(a1, b1), tl.maximum(a0, b0), tl.maximum(a1, b1)


@triton.jit
def _map_pack_kernel(x_ptr, y_ptr, lo_ptr, hi_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    y = tl.load(y_ptr + offs)
    lo, hi = tl.map_elementwise(_minmax, x, y, pack=2)
    tl.store(lo_ptr + offs, lo)
    tl.store(hi_ptr + offs, hi)


def test_map_elementwise_packed_two_results():
    x, y = torch.randn(64), torch.randn(64)
    lo, hi = torch.empty(64), torch.empty(64)
    _map_pack_kernel[(1,)](x, y, lo, hi, BLOCK=64)
    torch.testing.assert_close(lo, torch.minimum(x, y), rtol=0, atol=0)
    torch.testing.assert_close(hi, torch.maximum(x, y), rtol=0, atol=0)


@triton.jit
def _flag_kernel(flag_ptr, data_ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    pid = tl.program_id(0)
    if pid == 0:
        tl.store(data_ptr + offs, offs.to(tl.float32) * 2)
        tl.atomic_store(flag_ptr, 1, sem="release")
    else:
        ready = tl.atomic_poll(flag_ptr, 1, timeout_ns=10_000_000_000)
        seen = tl.atomic_load(flag_ptr, sem="acquire")
        if ready and seen == 1:
            tl.store(out_ptr + offs, tl.load(data_ptr + offs))


def test_atomic_store_poll_load_hand_off():
    flag = torch.zeros(1, dtype=torch.int32)
    data, out = torch.zeros(16), torch.full((16,), -1.0)
    _flag_kernel[(2,)](flag, data, out, BLOCK=16)
    assert flag.item() == 1
    torch.testing.assert_close(out, torch.arange(16, dtype=torch.float32) * 2)


@triton.jit
def _atomic_tile_kernel(ptr, out_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.atomic_store(ptr + offs, offs + 10, mask=offs < 6)
    tl.store(out_ptr + offs, tl.atomic_load(ptr + offs, mask=offs < 6))


def test_atomic_load_store_tiles_with_masks():
    buf = torch.zeros(8, dtype=torch.int32)
    out = torch.full((8,), -1, dtype=torch.int32)
    _atomic_tile_kernel[(1,)](buf, out, BLOCK=8)
    assert buf.tolist() == [10, 11, 12, 13, 14, 15, 0, 0]
    assert out.tolist() == [10, 11, 12, 13, 14, 15, 0, 0]


@triton.jit
def _pdl_kernel(x_ptr, BLOCK: tl.constexpr):
    tl.extra.cuda.gdc_wait()
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, tl.load(x_ptr + offs) + 1)
    tl.extra.cuda.gdc_launch_dependents()


def test_grid_dependency_ops_are_no_ops():
    x = torch.zeros(8)
    _pdl_kernel[(1,)](x, BLOCK=8)
    torch.testing.assert_close(x, torch.ones(8))
