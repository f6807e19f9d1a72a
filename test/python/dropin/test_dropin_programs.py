"""Programs written against `import flagtree as triton`: helper calls, pickling, autotune caches.

Kernels from either spelling mix freely, and results survive a trip to another process.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import pickle
import subprocess
import sys
import textwrap

import torch
import triton
import triton.language as tl

import flagtree
import flagtree.language as ftl


@flagtree.jit
def _scale(x, factor: ftl.constexpr):
    return x * factor


@triton.jit
def _shift(x, amount):
    return x + amount


@flagtree.jit
def scale_shift_kernel(x_ptr, y_ptr, n, amount, BLOCK: ftl.constexpr):
    offsets = ftl.program_id(0) * BLOCK + ftl.arange(0, BLOCK)
    mask = offsets < n
    x = ftl.load(x_ptr + offsets, mask=mask)
    ftl.store(y_ptr + offsets, _shift(_scale(x, 3.0), amount), mask=mask)


@triton.jit
def calls_flagtree_helper(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offsets < n
    tl.store(y_ptr + offsets, _scale(tl.load(x_ptr + offsets, mask=mask), 2.0), mask=mask)


def test_kernels_call_helpers_from_both_spellings():
    x = torch.randn(1000)
    y = torch.empty_like(x)
    scale_shift_kernel[(flagtree.cdiv(1000, 256),)](x, y, 1000, 0.5, BLOCK=256)
    torch.testing.assert_close(y, x * 3.0 + 0.5)
    calls_flagtree_helper[(triton.cdiv(1000, 128),)](x, y, 1000, BLOCK=128)
    torch.testing.assert_close(y, x * 2.0)


def test_jit_function_type_is_tritons():
    assert isinstance(scale_shift_kernel, triton.runtime.JITFunction)
    assert isinstance(calls_flagtree_helper, type(calls_flagtree_helper))


def test_configs_pickle():
    config = flagtree.Config({"BLOCK": 128}, num_warps=4)
    again = pickle.loads(pickle.dumps(config))
    assert isinstance(again, triton.Config) and again.all_kwargs() == config.all_kwargs()


def _launch_in_worker(n: int) -> torch.Tensor:
    x = torch.arange(n, dtype=torch.float32)
    y = torch.empty_like(x)
    scale_shift_kernel[(flagtree.cdiv(n, 256),)](x, y, n, 1.0, BLOCK=256)
    return y


def test_kernels_run_in_spawned_worker_processes():
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        results = list(pool.map(_launch_in_worker, [10, 700]))
    for n, y in zip([10, 700], results):
        torch.testing.assert_close(y, torch.arange(n, dtype=torch.float32) * 3.0 + 1.0)


_SCRIPT = textwrap.dedent('''
    import sys
    import torch
    import flagtree as triton
    import flagtree.language as tl

    @triton.autotune(configs=[triton.Config({"BLOCK": 64}), triton.Config({"BLOCK": 256})],
                     key=["n"], cache_results=True)
    @triton.jit
    def double(x_ptr, y_ptr, n, BLOCK: tl.constexpr):
        offsets = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        mask = offsets < n
        tl.store(y_ptr + offsets, tl.load(x_ptr + offsets, mask=mask) * 2, mask=mask)

    x = torch.arange(3000, dtype=torch.float32)
    y = torch.empty_like(x)
    double[lambda meta: (triton.cdiv(3000, meta["BLOCK"]),)](x, y, 3000)
    assert torch.equal(y, x * 2)
    print("benchmarked" if hasattr(double, "bench_time") else "from-cache",
          double.best_config.kwargs["BLOCK"])
''')


def test_autotune_cache_is_shared_across_processes(tmp_path):
    script = tmp_path / "autotuned.py"
    script.write_text(_SCRIPT)
    env = {"TRITON_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                            text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    kind1, block1 = first.stdout.split()
    kind2, block2 = second.stdout.split()
    assert kind1 == "benchmarked" and kind2 == "from-cache"
    assert block1 == block2
