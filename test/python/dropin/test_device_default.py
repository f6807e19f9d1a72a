"""flagtree.jit picks the backend from the arguments' device when none is selected.

Simulates a GPU machine (nvidia as the default): CPU tensors still run on the cpu backend,
and the cpu and nvidia compilations of one kernel do not share Triton's per-device caches.
"""

from __future__ import annotations

import pytest
import torch
import triton

import flagtree
import flagtree.language as tl
from flagtree import device_jit
from flagtree.backend import selection


@flagtree.jit
def add_one(x, n, BLOCK: tl.constexpr):
    off = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(x + off, tl.load(x + off, mask=off < n) + 1, mask=off < n)


@triton.jit
def plain_add_one(x, n, BLOCK: tl.constexpr):
    off = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(x + off, tl.load(x + off, mask=off < n) + 1, mask=off < n)


@pytest.fixture
def gpu_is_default(monkeypatch):
    monkeypatch.setattr(selection, "default_name", lambda: "nvidia")
    monkeypatch.setattr(device_jit, "_one_runnable_backend", lambda: False)  # cpu + a GPU
    flagtree.set_backend(None)
    yield
    flagtree.set_backend(None)


def test_flagtree_jit_kernel_is_a_triton_jit_function():
    assert isinstance(add_one, triton.runtime.JITFunction)
    assert flagtree.jit is not triton.jit and "jit" in flagtree.EXTENSIONS


def test_cpu_tensors_run_on_cpu_when_a_gpu_backend_is_default(gpu_is_default):
    x = torch.zeros(300)
    add_one[(3,)](x, 300, BLOCK=128)
    assert torch.equal(x, torch.ones(300))
    assert selection.current_backend().name == "nvidia"  # the default is left as it was


def test_explicit_selection_wins_and_caches_stay_apart(gpu_is_default):
    x = torch.zeros(64)
    add_one[(1,)](x, 64, BLOCK=64)  # cpu, by the arguments
    with flagtree.use_backend("nvidia"):
        compiled = add_one.warmup(x, 64, BLOCK=64, grid=(1,))
    assert compiled.metadata.target.backend == "cuda" and "cubin" in compiled.asm
    add_one[(1,)](x, 64, BLOCK=64)  # and back on the cpu, from its own cache
    assert torch.equal(x, torch.full((64,), 2.0))


def test_plain_triton_jit_keeps_tritons_behaviour(gpu_is_default):
    with flagtree.use_backend("cpu"):
        x = torch.zeros(10)
        plain_add_one[(1,)](x, 10, BLOCK=16)
    assert torch.equal(x, torch.ones(10))
