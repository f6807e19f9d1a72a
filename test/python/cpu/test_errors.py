"""Bad kernels on the cpu backend: clear CompilationErrors naming kernel, op and source line.

Nothing here may crash the process; every case must raise a Python exception.
"""

from __future__ import annotations

import pytest
import torch
import triton
import triton.language as tl
from triton.compiler.errors import CompilationError


@triton.jit
def _inline_asm_kernel(x_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    y = tl.inline_asm_elementwise("mov.b32 $0, $1;", "=r,r", [x], dtype=tl.float32,
                                  is_pure=True, pack=1)
    tl.store(x_ptr + offs, y)


def test_unsupported_op_names_kernel_op_and_line():
    with pytest.raises(CompilationError) as info:
        _inline_asm_kernel[(1,)](torch.zeros(16), BLOCK=16)
    text = str(info.value)
    assert "_inline_asm_kernel" in text
    assert "tt.elementwise_inline_asm" in text
    assert "tl.inline_asm_elementwise" in text  # the source excerpt, with Triton's caret


@triton.jit
def _bad_types_kernel(x_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, tl.load(offs))  # loading from a non-pointer


def test_bad_types_raise_compilation_error():
    with pytest.raises(CompilationError):
        _bad_types_kernel[(1,)](torch.zeros(16), BLOCK=16)


@triton.jit
def _range_kernel(x_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(x_ptr + offs, tl.load(x_ptr + offs) + 1)


def test_out_of_range_constexpr_raises_compilation_error():
    with pytest.raises(CompilationError):  # tl.arange needs a power-of-two length
        _range_kernel[(1,)](torch.zeros(16), BLOCK=12)


@triton.jit
def _division_kernel(x_ptr, y_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    mask = offs < n
    q = tl.load(x_ptr + offs, mask=mask) // tl.load(y_ptr + offs, mask=mask)
    tl.store(out_ptr + offs, q, mask=mask)


def test_integer_division_by_zero_does_not_trap():
    x = torch.tensor([7, -2147483648, 5, 9], dtype=torch.int32)
    y = torch.tensor([2, -1, 0, 3], dtype=torch.int32)
    out = torch.empty_like(x)
    _division_kernel[(1,)](x, y, out, 4, BLOCK=8)
    assert out[0].item() == 3 and out[3].item() == 3


@triton.jit
def _fp8_kernel(x_ptr, y_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + offs).to(tl.float8e4nv))


def test_fp8_is_refused_clearly():
    x = torch.randn(16)
    y = torch.empty(16, dtype=torch.float8_e4m3fn)
    with pytest.raises(CompilationError, match="fp8 types are not supported"):
        _fp8_kernel[(1,)](x, y, BLOCK=16)


@triton.jit
def _assert_kernel(x_ptr, BLOCK: tl.constexpr):
    x = tl.load(x_ptr + tl.arange(0, BLOCK))
    tl.device_assert(x > 0, "x must be positive")


def test_device_assert_raises_after_the_launch(capfd):
    good = torch.ones(8)
    _assert_kernel[(2,)](good, BLOCK=8, debug=True)  # passes: nothing raised
    bad = torch.ones(8)
    bad[3] = -1.0
    with pytest.raises(AssertionError, match="device-side assertion failed"):
        _assert_kernel[(2,)](bad, BLOCK=8, debug=True)
    text = capfd.readouterr().out
    assert "x must be positive" in text and "idx (3)" in text
    _assert_kernel[(1,)](good, BLOCK=8, debug=True)  # the flag was reset


def test_dump_ir_knob_prints_every_stage(capfd, tmp_path, monkeypatch):
    from flagtree import knobs

    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path))  # compile afresh
    with knobs.compile.scope():
        knobs.compile.dump_ir = True
        _range_kernel[(1,)](torch.zeros(16), BLOCK=16)
    err = capfd.readouterr().err
    for stage in ("ttir", "linalg", "llmlir"):
        assert f"IR after stage '{stage}'" in err
