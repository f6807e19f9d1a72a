"""The old-style block-pointer corpus: runs on the cpu backend against torch under `import triton`
and `import flagtree as triton`, takes the structured-access path, and compiles for GPUs offline.
"""

from __future__ import annotations

import pytest
import triton
import triton.language as tl
from block_ptr_corpus import SPELLINGS, case_names, cases

CASE_NAMES = case_names()

# Triton's offline GPU targets the corpus must compile for (no GPU needed).
GPU_TARGETS = {"cuda:90": ("cuda", 90, 32), "hip:gfx942": ("hip", "gfx942", 64)}

# The structured path addresses elements from indices; the general (gather) path reads each
# address from a tile of pointers and turns it back into a pointer with this op.
GATHER_MARKER = "llvm.inttoptr"


def _first_case_per_kernel() -> list[str]:
    seen, names = set(), []
    for name, make in cases("triton").items():
        kernel = make().kernel
        if kernel not in seen:
            seen.add(kernel)
            names.append(name)
    return names


KERNEL_CASES = _first_case_per_kernel()


def test_corpus_has_at_least_30_kernels():
    assert len(KERNEL_CASES) >= 30, KERNEL_CASES


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("name", CASE_NAMES)
def test_runs_on_cpu_like_torch(spelling, name):
    launch = cases(spelling)[name]()
    launch.run()
    launch.check()


@pytest.mark.parametrize("name", KERNEL_CASES)
def test_block_pointer_loads_and_stores_are_structured(name):
    launch = cases("triton")[name]()
    compiled = launch.kernel[launch.grid](*launch.args, **launch.consts)
    assert GATHER_MARKER not in compiled.asm["linalg"]


@triton.jit
def _gather(x_ptr, idx_ptr, y_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    tl.store(y_ptr + offs, tl.load(x_ptr + tl.load(idx_ptr + offs)))


def test_gather_marker_shows_the_general_path():
    """The marker the structured-path test looks for does appear on the gather path."""
    import torch

    x, idx, y = torch.randn(16), torch.randperm(16, dtype=torch.int32), torch.empty(16)
    compiled = _gather[(1,)](x, idx, y, BLOCK=16)
    assert torch.equal(y, x[idx.long()])
    assert GATHER_MARKER in compiled.asm["linalg"]


@pytest.mark.parametrize("target", list(GPU_TARGETS))
@pytest.mark.parametrize("name", KERNEL_CASES)
def test_compiles_offline_for_gpu(name, target):
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource

    launch = cases("triton")[name]()
    source = ASTSource(launch.kernel, launch.signature(), launch.consts)
    compiled = triton.compile(source, target=GPUTarget(*GPU_TARGETS[target]))
    binary = compiled.asm["cubin" if target.startswith("cuda") else "hsaco"]
    assert len(binary) > 0
