"""Regression tests for large tiles on the cpu backend: stack use that does not grow with loops.

Loops that load a tile per iteration free it every iteration (`flagtree-loop-stack-restore`),
and the launching thread runs programs on a stack as large as a worker's; compared with torch.
"""

from __future__ import annotations

import threading

import pytest
import torch
import triton
import triton.language as tl


@triton.jit
def _row_sum(inp, out, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    m = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    acc = tl.zeros([BLOCK_M], dtype=tl.float32)
    for i in range(0, N, BLOCK_N):
        n = i + tl.arange(0, BLOCK_N)
        acc += tl.sum(tl.load(inp + m[:, None] * N + n[None, :],
                              mask=(m[:, None] < M) & (n[None, :] < N), other=0.0), axis=1)
    tl.store(out + m, acc, mask=m < M)


@triton.jit
def _row_max(inp, out_value, out_index, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    m = tl.program_id(0) * BLOCK_M + tl.arange(0, BLOCK_M)
    best = tl.full([BLOCK_M], value=float("-inf"), dtype=tl.float32)
    best_index = tl.zeros([BLOCK_M], dtype=tl.int64)
    for i in range(0, N, BLOCK_N):
        n = i + tl.arange(0, BLOCK_N)
        mask = (m[:, None] < M) & (n[None, :] < N)
        vals = tl.load(inp + m[:, None] * N + n[None, :], mask=mask, other=float("-inf"))
        value, index = tl.max(vals, axis=1, return_indices=True)
        update = value > best
        best = tl.where(update, value, best)
        best_index = tl.where(update, i + index, best_index)
    tl.store(out_value + m, best, mask=m < M)
    tl.store(out_index + m, best_index, mask=m < M)


@triton.jit
def _softmax_row(inp, out, N, BLOCK: tl.constexpr):
    n = tl.program_id(0) * N + tl.arange(0, BLOCK)
    mask = tl.arange(0, BLOCK) < N
    x = tl.load(inp + n, mask=mask, other=float("-inf"))
    y = tl.exp(x - tl.max(x, 0))
    tl.store(out + n, y / tl.sum(y, 0), mask=mask)


def test_loop_sum_over_many_tiles():
    """4096 iterations of an 8x1024 tile: 128 MiB of stack if tiles were not freed."""
    x = torch.randn(8, 1 << 22)
    out = torch.empty(8)
    _row_sum[(1,)](x, out, 8, x.shape[1], BLOCK_M=8, BLOCK_N=1024)
    torch.testing.assert_close(out, x.sum(1), rtol=1e-4, atol=1e-2)


@pytest.mark.parametrize("rows, cols, block_m", [(4, 1 << 22, 4), (64, 65536, 4)])
def test_loop_max_with_indices(rows, cols, block_m):
    """The argmax loop of FlagGems' `max`: value and index tiles loaded every iteration."""
    x = torch.randn(rows, cols)
    value = torch.empty(rows)
    index = torch.empty(rows, dtype=torch.int64)
    _row_max[(triton.cdiv(rows, block_m),)](x, value, index, rows, cols, BLOCK_M=block_m,
                                           BLOCK_N=1024)
    ref = x.max(1)
    assert torch.equal(value, ref.values)
    assert torch.equal(index, ref.indices)


@pytest.mark.parametrize("programs", [1, 3])
def test_two_four_mib_tiles_on_the_launching_thread(programs):
    """Two 4 MiB tiles live at once: more than the 8 MiB stack of Python's main thread."""
    n = 1 << 20
    x = torch.randn(programs, n)
    out = torch.empty_like(x)
    _softmax_row[(programs,)](x, out, n, BLOCK=n)
    torch.testing.assert_close(out, torch.softmax(x, 1), rtol=1e-4, atol=1e-9)


def test_two_four_mib_tiles_from_a_python_thread():
    n = 1000000
    x = torch.randn(n)
    out = torch.empty_like(x)
    errors: list[BaseException] = []

    def launch() -> None:
        try:
            _softmax_row[(1,)](x, out, n, BLOCK=1 << 20)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=launch)
    thread.start()
    thread.join()
    assert not errors
    torch.testing.assert_close(out, torch.softmax(x, 0), rtol=1e-4, atol=1e-9)
