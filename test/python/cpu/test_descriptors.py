"""Tensor descriptors on the cpu backend: made in the kernel or passed from the host.

Loads pad out-of-bounds elements with zeros, stores and atomic adds stay inside the tensor.
"""

from __future__ import annotations

import pytest
import torch
import triton
import triton.language as tl
from triton.tools.tensor_descriptor import TensorDescriptor


@triton.jit
def _device_desc_kernel(p, M, N, B: tl.constexpr):
    d = tl.make_tensor_descriptor(p, shape=[M, N], strides=[N, 1], block_shape=[B, B])
    m = tl.program_id(0) * B
    n = tl.program_id(1) * B
    d.store([m, n], tl.abs(d.load([m, n])) + 1)


@pytest.mark.parametrize("M, N", [(50, 72), (32, 32), (7, 12)])
def test_device_side_descriptor_load_store(M, N):
    x = torch.randn(M, N)
    ref = x.abs() + 1
    _device_desc_kernel[(triton.cdiv(M, 16), triton.cdiv(N, 16))](x, M, N, B=16)
    torch.testing.assert_close(x, ref, rtol=0, atol=0)


@triton.jit
def _host_desc_kernel(in_desc, out_desc, B: tl.constexpr):
    m = tl.program_id(0) * B
    n = tl.program_id(1) * B
    out_desc.store([m, n], in_desc.load([m, n]) * 2)


def test_host_side_descriptors():
    x = torch.randn(50, 72)
    y = torch.zeros(50, 72)
    din, dout = TensorDescriptor.from_tensor(x, [16, 16]), TensorDescriptor.from_tensor(y, [16, 16])
    _host_desc_kernel[(triton.cdiv(50, 16), triton.cdiv(72, 16))](din, dout, B=16)
    torch.testing.assert_close(y, x * 2, rtol=0, atol=0)


@triton.jit
def _desc_atomic_kernel(p, q, M, N, B: tl.constexpr):
    d = tl.make_tensor_descriptor(p, shape=[M, N], strides=[N, 1], block_shape=[B, B])
    e = tl.make_tensor_descriptor(q, shape=[M, N], strides=[N, 1], block_shape=[B, B])
    d.atomic_add([0, 0], e.load([0, 0]))


def test_descriptor_atomic_add_from_many_programs():
    a, b = torch.zeros(16, 16), torch.ones(16, 16)
    _desc_atomic_kernel[(8,)](a, b, 16, 16, B=16)
    torch.testing.assert_close(a, torch.full((16, 16), 8.0), rtol=0, atol=0)
