"""CPU benchmark: flagtree's cpu backend vs torch eager vs Triton's interpreter, one table.

Run `python bench/cpu_bench.py` (add `--quick` for smaller sizes); see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def timeit(fn, *, warmup: int = 2, reps: int = 10, budget_s: float = 5.0) -> float:
    """Median seconds per call (the same method for every contender)."""
    for _ in range(warmup):
        fn()
    times = []
    start = time.perf_counter()
    while len(times) < reps and (time.perf_counter() - start) < budget_s or len(times) < 3:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def make_cases(quick: bool):
    """name -> (inputs factory, torch fn, triton fn, index of the output among the inputs)."""
    import torch
    import triton

    from kernels import (
        add_kernel,
        layer_norm_kernel,
        matmul_kernel,
        softmax_kernel,
    )

    n = (1 << 20) if quick else (16 << 20)
    rows, cols = (512, 1024) if quick else (4096, 1024)
    mm = 256 if quick else 1024

    def add_inputs():
        return torch.randn(n), torch.randn(n), torch.empty(n)

    def add_triton(x, y, out):
        add_kernel[(triton.cdiv(n, 4096),)](x, y, out, n, BLOCK_SIZE=4096)

    def sm_inputs():
        return torch.randn(rows, cols), torch.empty(rows, cols)

    def sm_triton(x, y):
        softmax_kernel[(rows,)](y, x, x.stride(0), y.stride(0), cols, BLOCK_SIZE=cols)

    def ln_inputs():
        return torch.randn(rows, cols), torch.empty(rows, cols), torch.rand(cols), torch.rand(cols)

    def ln_triton(x, y, w, b):
        layer_norm_kernel[(rows,)](x, y, w, b, x.stride(0), cols, 1e-5, BLOCK=cols)

    def mm_inputs(dtype):
        return lambda: (torch.randn(mm, mm).to(dtype), torch.randn(mm, mm).to(dtype),
                        torch.empty(mm, mm, dtype=dtype))

    def mm_triton(a, b, c):
        args = (a, b, c, mm, mm, mm, a.stride(0), a.stride(1), b.stride(0), b.stride(1),
                c.stride(0), c.stride(1))
        # One tile shape for every contender: autotuning picks differently run to run on a
        # noisy 2-core machine (its choices are in bench/README.md).
        matmul_kernel[(mm // 128, mm // 128)](*args, BLOCK_M=128, BLOCK_N=128, BLOCK_K=32)

    def layer_norm(x, y, w, b):
        y.copy_(torch.nn.functional.layer_norm(x, (cols,), w, b, 1e-5))

    def mm_torch(a, b, c):
        torch.mm(a, b, out=c)

    return {
        f"vector add {n >> 20}M f32": (add_inputs, lambda x, y, out: torch.add(x, y, out=out),
                                      add_triton, 2),
        f"softmax {rows}x{cols} f32": (sm_inputs, lambda x, y: y.copy_(torch.softmax(x, 1)),
                                      sm_triton, 1),
        f"layer norm {rows}x{cols} f32": (ln_inputs, layer_norm, ln_triton, 1),
        f"matmul {mm}^3 f32": (mm_inputs(torch.float32), mm_torch, mm_triton, 2),
        f"matmul {mm}^3 bf16": (mm_inputs(torch.bfloat16), mm_torch, mm_triton, 2),
    }


def check(name, torch_fn, triton_fn, out_index, inputs):
    """flagtree's result must match torch's before anything is timed."""
    import torch

    ref = [t.clone() for t in inputs]
    torch_fn(*ref)
    triton_fn(*inputs)
    tol = 2e-2 if "bf16" in name else 1e-3
    torch.testing.assert_close(inputs[out_index].float(), ref[out_index].float(),
                               rtol=tol, atol=tol)


def interpreter_worker(case: str, quick: bool) -> None:
    """Runs in a child process with TRITON_INTERPRET=1: time one call of `case`."""
    cases = make_cases(quick)
    inputs_fn, _, triton_fn, _ = cases[case]
    inputs = inputs_fn()
    t0 = time.perf_counter()
    triton_fn(*inputs)
    print(json.dumps({"seconds": time.perf_counter() - t0}))


def run_interpreter(case: str, quick: bool, timeout: float) -> float | None:
    env = dict(os.environ, TRITON_INTERPRET="1")
    cmd = [sys.executable, __file__, "--interpreter-worker", case] + (["--quick"] if quick else [])
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    for line in out.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)["seconds"]
    return None


def launch_overhead() -> float:
    import torch

    from kernels import add_kernel

    x = torch.zeros(16)
    fn = lambda: add_kernel[(1,)](x, x, x, 16, BLOCK_SIZE=16)  # noqa: E731
    fn()
    reps = 2000
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def cold_compile() -> float:
    """Seconds to compile vector add from scratch (empty cache, fresh process)."""
    code = (
        "import time, torch, sys; sys.path.insert(0, %r)\n"
        "from kernels import add_kernel\n"
        "x = torch.zeros(1024)\n"
        "t0 = time.perf_counter(); add_kernel.warmup(x, x, x, 1024, BLOCK_SIZE=1024, grid=(1,))\n"
        "print(time.perf_counter() - t0)\n" % HERE
    )
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, TRITON_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--no-interpreter", action="store_true",
                        help="skip Triton's interpreter (it takes minutes at full size)")
    parser.add_argument("--interpreter-worker", metavar="CASE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TRITON_DEFAULT_FP_FUSION", "1")
    if args.interpreter_worker:
        interpreter_worker(args.interpreter_worker, args.quick)
        return 0

    import torch

    from flagtree import knobs

    cases = make_cases(args.quick)
    header = (f"{'kernel':<26} {'torch ms':>10} {'flagtree ms':>12} {'interp ms':>11} "
              f"{'vs torch':>9} {'vs interp':>10} {'1->2 thr':>9}")
    print(f"# {torch.get_num_threads()} torch threads; flagtree threads: "
          f"{knobs.cpu.num_threads or os.cpu_count()}")
    print(header)
    print("-" * len(header))
    for name, (inputs_fn, torch_fn, triton_fn, out_index) in cases.items():
        inputs = inputs_fn()
        check(name, torch_fn, triton_fn, out_index, inputs_fn())
        t_torch = timeit(lambda: torch_fn(*inputs))
        t_ft = timeit(lambda: triton_fn(*inputs))
        with knobs.cpu.scope():
            knobs.cpu.num_threads = 1
            t_ft1 = timeit(lambda: triton_fn(*inputs))
        t_int = None if args.no_interpreter else run_interpreter(name, args.quick, 900)
        interp = f"{t_int * 1e3:>11.0f}" if t_int else f"{'n/a':>11}"
        vs_int = f"{t_int / t_ft:>9.0f}x" if t_int else f"{'n/a':>10}"
        print(f"{name:<26} {t_torch * 1e3:>10.3f} {t_ft * 1e3:>12.3f} {interp} "
              f"{t_torch / t_ft:>8.2f}x {vs_int} {t_ft1 / t_ft:>8.2f}x", flush=True)
    print(f"\ncold compile, vector add (fresh process, empty cache): {cold_compile() * 1e3:.0f} ms")
    print(f"warm launch overhead, grid (1,): {launch_overhead() * 1e6:.1f} us")
    print("ratios > 1x mean flagtree is faster; '1->2 thr' is the speedup from a second thread")
    return 0


if __name__ == "__main__":
    sys.exit(main())
