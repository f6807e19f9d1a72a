"""Bad uses of block pointers fail at compile time naming the kernel and the line, and
`tl.load` / `tl.store` on ordinary pointers produce exactly Triton 3.9's TTIR.
"""

from __future__ import annotations

import inspect

import pytest
import torch
import triton
import triton.language as tl
from flagtree.compat import block_ptr
from flagtree.ttir import KernelSpec, make_ttir
from triton.compiler.errors import CompilationError

# Each kernel below has exactly one bad line, marked with this comment.
BAD = "# <- bad"


@triton.jit
def offsets_rank(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0, 0), (B,), (0,))  # <- bad
    tl.store(p, tl.load(p))


@triton.jit
def boundary_missing_dim_load(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    x = tl.load(p, boundary_check=(0, 1))  # <- bad
    tl.store(p, x)


@triton.jit
def boundary_missing_dim_store(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N, N), (N, 1), (0, 0), (B, B), (1, 0))
    x = tl.load(p)
    tl.store(p, x, boundary_check=(2,))  # <- bad


@triton.jit
def advance_plain_pointer(x_ptr, N, B: tl.constexpr):
    p = x_ptr + tl.arange(0, B)
    p = tl.advance(p, (B,))  # <- bad
    tl.store(p, tl.load(p))


@triton.jit
def advance_wrong_rank(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N, N), (N, 1), (0, 0), (B, B), (1, 0))
    p = tl.advance(p, (B,))  # <- bad
    tl.store(p, tl.load(p))


@triton.jit
def advance_unused(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    tl.advance(p, (B,))  # <- bad
    tl.store(p, tl.load(p))


@triton.jit
def mask_with_block_pointer(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    x = tl.load(p, mask=tl.arange(0, B) < N)  # <- bad
    tl.store(p, x)


@triton.jit
def nan_padding_int(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    x = tl.load(p, boundary_check=(0,), padding_option="nan")  # <- bad
    tl.store(p, x)


@triton.jit
def unknown_padding(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    x = tl.load(p, boundary_check=(0,), padding_option="one")  # <- bad
    tl.store(p, x)


@triton.jit
def boundary_on_plain_pointer(x_ptr, N, B: tl.constexpr):
    offs = tl.arange(0, B)
    x = tl.load(x_ptr + offs, boundary_check=(0,))  # <- bad
    tl.store(x_ptr + offs, x)


@triton.jit
def store_wrong_shape(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    tl.store(p, tl.zeros((2 * B,), tl.float32))  # <- bad


@triton.jit
def store_wrong_dtype(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B,), (0,))
    tl.store(p, tl.zeros((B,), tl.float16))  # <- bad


@triton.jit
def block_shape_not_pow2(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N,), (1,), (0,), (B + 1,), (0,))  # <- bad
    tl.store(p, tl.load(p))


@triton.jit
def order_not_permutation(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(x_ptr, (N, N), (N, 1), (0, 0), (B, B), (1, 1))  # <- bad
    tl.store(p, tl.load(p))


@triton.jit
def base_not_pointer(x_ptr, N, B: tl.constexpr):
    p = tl.make_block_ptr(N, (N,), (1,), (0,), (B,), (0,))  # <- bad
    tl.store(p, tl.load(p))


# kernel -> (dtype of x, words the message must contain)
ERRORS = {
    offsets_rank: (torch.float32, ["`offsets` has 2 entries", "block_shape (16,) has 1"]),
    boundary_missing_dim_load: (torch.float32, ["tl.load", "boundary_check names dimension 1",
                                                "1 dimension"]),
    boundary_missing_dim_store: (torch.float32, ["tl.store", "dimension 2", "2 dimensions"]),
    advance_plain_pointer: (torch.float32, ["tl.advance expects a block pointer"]),
    advance_wrong_rank: (torch.float32, ["tl.advance: 1 offsets for a 2-D block pointer"]),
    advance_unused: (torch.float32, ["result of tl.advance is not being used"]),
    mask_with_block_pointer: (torch.float32, ["`mask` and `other` cannot be given"]),
    nan_padding_int: (torch.int32, ["\"nan\" needs a floating-point block", "int32"]),
    unknown_padding: (torch.float32, ["padding_option 'one' is not supported"]),
    boundary_on_plain_pointer: (torch.float32, [("boundary_check and padding_option need a "
                                                "block pointer")]),
    store_wrong_shape: (torch.float32, ["shape (32,) does not match", "(16,)"]),
    store_wrong_dtype: (torch.float32, ["fp16 does not match", "fp32"]),
    block_shape_not_pow2: (torch.float32, ["block_shape[0] = 17 is not a power of two"]),
    order_not_permutation: (torch.float32, ["`order` must be a permutation"]),
    base_not_pointer: (torch.float32, ["`base` must be a scalar pointer"]),
}


def _bad_line(kernel) -> int:
    lines, start = inspect.getsourcelines(kernel.fn)
    (index,) = [i for i, line in enumerate(lines) if BAD in line]
    return start + index


@pytest.mark.parametrize("kernel", list(ERRORS), ids=lambda k: k.__name__)
def test_bad_use_fails_at_compile_time_naming_kernel_and_line(kernel):
    dtype, words = ERRORS[kernel]
    x = torch.zeros(256, dtype=dtype)
    with pytest.raises(CompilationError) as info:
        kernel[(1,)](x, 16, B=16)
    message = str(info.value)
    for word in words:
        assert word in message
    line = _bad_line(kernel)
    # Triton's own excerpt points at the line; flagtree's message adds kernel, file and line
    # (the unused-result check is Triton's own and names the line through the excerpt).
    assert f"at {line - _bad_line_base(kernel)}:" in message
    if kernel is not advance_unused:
        assert f"in kernel `{kernel.__name__}` ({__file__}:{line})" in message


def _bad_line_base(kernel) -> int:
    """Line numbers in Triton's excerpt count from the `def` line as 1."""
    lines, start = inspect.getsourcelines(kernel.fn)
    (index,) = [i for i, line in enumerate(lines) if line.lstrip().startswith("def ")]
    return start + index - 1


def test_advance_error_names_a_jit_helper():
    @triton.jit
    def _helper(p):
        return tl.advance(p, (1,))

    @triton.jit
    def calls_helper(x_ptr, B: tl.constexpr):
        p = _helper(x_ptr)
        tl.store(p, 1.0)

    with pytest.raises(CompilationError) as info:
        calls_helper[(1,)](torch.zeros(16), B=16)
    # Triton reports the call site and chains the helper's own error to it.
    assert "p = _helper(x_ptr)" in str(info.value)
    chain, error = [], info.value
    while error is not None:
        chain.append(str(error))
        error = error.__cause__
    assert any("tl.advance expects a block pointer" in m and "in kernel `_helper`" in m
               for m in chain), chain


# Explicit-pointer kernels whose TTIR must not change when block pointers are installed.
@triton.jit
def _explicit_memory(x_ptr, flags_ptr, y_ptr, M, N, BM: tl.constexpr, BN: tl.constexpr):
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.arange(0, BN)
    mask = (rm[:, None] < M) & (rn[None, :] < N)
    offs = rm[:, None] * N + rn[None, :]
    a = tl.load(x_ptr + offs, mask=mask, other=1.0, cache_modifier=".cg",
                eviction_policy="evict_first")
    b = tl.load(x_ptr + offs, mask, 0.0, volatile=True)
    flags = tl.load(flags_ptr + offs, mask=mask, other=False)
    first = tl.load(x_ptr)
    tl.store(y_ptr + offs, tl.where(flags, a, b) + first, mask=mask, cache_modifier=".wb")
    (flags_ptr + offs).store(~flags, mask)
    tl.store(y_ptr, first, eviction_policy="evict_last")


def test_plain_pointer_ttir_is_tritons_own(monkeypatch):
    spec = KernelSpec(_explicit_memory,
                      {"x_ptr": "*fp32", "flags_ptr": "*i1", "y_ptr": "*fp32", "M": "i32",
                       "N": "i32", "BM": "constexpr", "BN": "constexpr"},
                      {"BM": 16, "BN": 32})
    with_block_pointers = make_ttir(spec)
    assert tl.load is not block_ptr.TRITON_BUILTINS["load"]
    for name, original in block_ptr.TRITON_BUILTINS.items():
        if name.startswith("tensor."):
            monkeypatch.setattr(tl.tensor, name[len("tensor."):], original)
        else:
            monkeypatch.setattr(tl, name, original)
            monkeypatch.setattr(tl.core, name, original)
    assert make_ttir(spec) == with_block_pointers
