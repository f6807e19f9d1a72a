"""Kernel patterns from operator libraries (FlagGems' op tests) that the cpu backend once failed.

Boolean reductions with a custom and/or combine, and libdevice's powi / finite / isfinited.
"""

from __future__ import annotations

import pytest
import torch
import triton
import triton.language as tl
from triton.language.extra import libdevice


@triton.jit
def _and(a, b):
    return a and b


@triton.jit
def _or(a, b):
    return a or b


@triton.jit
def all_any_kernel(inp, out_all, out_any, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    nonzero = tl.load(inp + offs, mask=offs < n, other=0.0) != 0
    tl.store(out_any, tl.reduce(nonzero, axis=0, combine_fn=_or))
    ones = tl.load(inp + offs, mask=offs < n, other=1.0) != 0
    tl.store(out_all, tl.reduce(ones, axis=0, combine_fn=_and))


@pytest.mark.parametrize("values", [[1.0] * 100, [0.0] * 100, [0.0] * 50 + [3.0] + [0.0] * 49,
                                    [1.0] * 99 + [0.0]])
def test_boolean_reductions_with_custom_combine(values):
    x = torch.tensor(values)
    out_all, out_any = torch.empty((), dtype=torch.bool), torch.empty((), dtype=torch.bool)
    all_any_kernel[(1,)](x, out_all, out_any, x.numel(), BLOCK=128)
    assert out_all.item() == bool(x.all()) and out_any.item() == bool(x.any())


@triton.jit
def powi_finite_kernel(x_ptr, pow_ptr, fin_ptr, n: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    tl.store(pow_ptr + offs, libdevice.pow(x, n))  # __nv_powif / __nv_powi: integer exponent
    tl.store(fin_ptr + offs, libdevice.isfinited(x) if x.dtype == tl.float64
             else libdevice.finitef(x))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("n", [0, 3, -2])
def test_powi_and_finite(dtype, n):
    x = torch.randn(32, dtype=dtype)
    x[3], x[5], x[7] = float("inf"), float("nan"), -2.0
    pw, fin = torch.empty_like(x), torch.empty(32, dtype=torch.int32)
    powi_finite_kernel[(1,)](x, pw, fin, n=n, BLOCK=32)
    torch.testing.assert_close(pw, x ** n, equal_nan=True)
    assert torch.equal(fin.bool(), torch.isfinite(x))
