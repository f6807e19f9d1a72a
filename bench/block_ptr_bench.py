"""Block pointers vs explicit pointers on flagtree's cpu backend, against torch and Triton's
interpreter, one table; run `python bench/block_ptr_bench.py` (see bench/README.md).

Each explicit-pointer kernel does what its block-pointer twin means (the same tiles, the same
boundary masks and zero padding), written with pointer tiles as Triton 3.9 code would be.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import triton
import triton.language as tl


@triton.jit
def copy_block_ptr(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    offs = (tl.program_id(0) * BM, tl.program_id(1) * BN)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), offs, (BM, BN), (1, 0))
    dst = tl.make_block_ptr(y_ptr, (M, N), (stride_m, 1), offs, (BM, BN), (1, 0))
    tl.store(dst, tl.load(src, boundary_check=(0, 1), padding_option="zero"),
             boundary_check=(0, 1))


@triton.jit
def copy_explicit(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.program_id(1) * BN + tl.arange(0, BN)
    mask = (rm[:, None] < M) & (rn[None, :] < N)
    offs = rm[:, None] * stride_m + rn[None, :]
    tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=mask, other=0.0), mask=mask)


@triton.jit
def row_sum_block_ptr(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    pm = tl.program_id(0)
    src = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (pm * BM, 0), (BM, BN), (1, 0))
    acc = tl.zeros((BM,), tl.float32)
    for _ in range(0, N, BN):
        acc += tl.sum(tl.load(src, boundary_check=(0, 1), padding_option="zero"), axis=1)
        src = tl.advance(src, (0, BN))
    dst = tl.make_block_ptr(y_ptr, (M,), (1,), (pm * BM,), (BM,), (0,))
    tl.store(dst, acc, boundary_check=(0,))


@triton.jit
def row_sum_explicit(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.arange(0, BN)
    acc = tl.zeros((BM,), tl.float32)
    for start in range(0, N, BN):
        mask = (rm[:, None] < M) & (start + rn[None, :] < N)
        acc += tl.sum(tl.load(x_ptr + rm[:, None] * stride_m + start + rn[None, :], mask=mask,
                              other=0.0), axis=1)
    tl.store(y_ptr + rm, acc, mask=rm < M)


@triton.jit
def matmul_block_ptr(a_ptr, b_ptr, c_ptr, M, N, K, sam, sbk, scm, BM: tl.constexpr,
                     BN: tl.constexpr, BK: tl.constexpr):
    pm = tl.program_id(0)
    pn = tl.program_id(1)
    a = tl.make_block_ptr(a_ptr, (M, K), (sam, 1), (pm * BM, 0), (BM, BK), (1, 0))
    b = tl.make_block_ptr(b_ptr, (K, N), (sbk, 1), (0, pn * BN), (BK, BN), (1, 0))
    acc = tl.zeros((BM, BN), tl.float32)
    for _ in range(0, K, BK):
        acc = tl.dot(tl.load(a, boundary_check=(0, 1), padding_option="zero"),
                     tl.load(b, boundary_check=(0, 1), padding_option="zero"), acc)
        a = tl.advance(a, (0, BK))
        b = tl.advance(b, (BK, 0))
    c = tl.make_block_ptr(c_ptr, (M, N), (scm, 1), (pm * BM, pn * BN), (BM, BN), (1, 0))
    tl.store(c, acc, boundary_check=(0, 1))


@triton.jit
def matmul_explicit(a_ptr, b_ptr, c_ptr, M, N, K, sam, sbk, scm, BM: tl.constexpr,
                    BN: tl.constexpr, BK: tl.constexpr):
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.program_id(1) * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), tl.float32)
    for start in range(0, K, BK):
        a = tl.load(a_ptr + rm[:, None] * sam + start + rk[None, :],
                    mask=(rm[:, None] < M) & (start + rk[None, :] < K), other=0.0)
        b = tl.load(b_ptr + (start + rk[:, None]) * sbk + rn[None, :],
                    mask=(start + rk[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc = tl.dot(a, b, acc)
    tl.store(c_ptr + rm[:, None] * scm + rn[None, :], acc,
             mask=(rm[:, None] < M) & (rn[None, :] < N))


def make_cases(quick: bool):
    """name -> (inputs factory, torch fn, {style: triton fn}, index of the output)."""
    import torch

    rows, cols = (1024, 1024) if quick else (4096, 4096)
    mm = 256 if quick else 1024

    def copy_inputs():
        return torch.randn(rows, cols), torch.empty(rows, cols)

    def copy_with(kernel):
        def run(x, y):
            grid = (triton.cdiv(rows, 32), triton.cdiv(cols, 256))
            kernel[grid](x, y, rows, cols, x.stride(0), BM=32, BN=256)
        return run

    def sum_inputs():
        return torch.randn(rows, cols), torch.empty(rows)

    def sum_with(kernel):
        def run(x, y):
            kernel[(triton.cdiv(rows, 16),)](x, y, rows, cols, x.stride(0), BM=16, BN=256)
        return run

    def mm_inputs():
        return torch.randn(mm, mm), torch.randn(mm, mm), torch.empty(mm, mm)

    def mm_with(kernel):
        def run(a, b, c):
            # The tile shape of bench/cpu_bench.py's matmul.
            grid = (triton.cdiv(mm, 128), triton.cdiv(mm, 128))
            kernel[grid](a, b, c, mm, mm, mm, a.stride(0), b.stride(0), c.stride(0),
                         BM=128, BN=128, BK=32)
        return run

    return {
        f"copy {rows}x{cols} f32": (
            copy_inputs, lambda x, y: y.copy_(x),
            {"block": copy_with(copy_block_ptr), "explicit": copy_with(copy_explicit)}, 1),
        f"row sum {rows}x{cols} f32": (
            sum_inputs, lambda x, y: torch.sum(x, 1, out=y),
            {"block": sum_with(row_sum_block_ptr), "explicit": sum_with(row_sum_explicit)}, 1),
        f"matmul {mm}^3 f32": (
            mm_inputs, lambda a, b, c: torch.mm(a, b, out=c),
            {"block": mm_with(matmul_block_ptr), "explicit": mm_with(matmul_explicit)}, 2),
    }


def check(torch_fn, triton_fn, out_index, inputs) -> None:
    """A contender's result must match torch's before anything is timed."""
    import torch

    ref = [t.clone() for t in inputs]
    torch_fn(*ref)
    triton_fn(*inputs)
    torch.testing.assert_close(inputs[out_index], ref[out_index], rtol=1e-3, atol=1e-3)


def interpreter_worker(case: str, quick: bool) -> None:
    """Runs in a child process with TRITON_INTERPRET=1: time one call of the block-pointer
    version of `case` (after checking its result)."""
    inputs_fn, torch_fn, styles, out_index = make_cases(quick)[case]
    check(torch_fn, styles["block"], out_index, inputs_fn())
    inputs = inputs_fn()
    t0 = time.perf_counter()
    styles["block"](*inputs)
    print(json.dumps({"seconds": time.perf_counter() - t0}))


def run_interpreter(case: str, quick: bool, timeout: float) -> float | None:
    env = dict(os.environ, TRITON_INTERPRET="1")
    cmd = [sys.executable, __file__, "--interpreter-worker", case] + (["--quick"] if quick else [])
    try:
        out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                             check=False)
    except subprocess.TimeoutExpired:
        return None
    for line in out.stdout.splitlines()[::-1]:
        if line.startswith("{"):
            return json.loads(line)["seconds"]
    return None


def best_time(inputs, fn, *, calls: int = 30, budget_s: float = 5.0) -> float:
    """Seconds of `fn`'s fastest call (at least 3 calls, after a warm-up call)."""
    fn(*inputs)
    times = []
    start = time.perf_counter()
    while len(times) < calls and (time.perf_counter() - start) < budget_s or len(times) < 3:
        t0 = time.perf_counter()
        fn(*inputs)
        times.append(time.perf_counter() - t0)
    return min(times)


def measure_pair(inputs, first, second, *, rounds: int = 60, budget_s: float = 20.0):
    """Fastest call of each of two kernels, run in alternation (their order swapped every
    round), so that other work on the shared machine slows both alike."""
    for fn in (first, second, first, second):
        fn(*inputs)
    times = ([], [])
    start = time.perf_counter()
    while len(times[0]) < rounds and (time.perf_counter() - start) < budget_s or len(times[0]) < 5:
        order = (0, 1) if len(times[0]) % 2 == 0 else (1, 0)
        for i in order:
            t0 = time.perf_counter()
            (first, second)[i](*inputs)
            times[i].append(time.perf_counter() - t0)
    return min(times[0]), min(times[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--no-interpreter", action="store_true",
                        help="skip Triton's interpreter (it takes minutes at full size)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for torch and flagtree alike (default 1: on a shared "
                             "machine, another busy core then slows neither)")
    parser.add_argument("--interpreter-worker", metavar="CASE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("TRITON_DEFAULT_FP_FUSION", "1")
    if args.interpreter_worker:
        interpreter_worker(args.interpreter_worker, args.quick)
        return 0

    import torch
    from flagtree import knobs

    torch.set_num_threads(args.threads)
    knobs.cpu.num_threads = args.threads
    header = (f"{'kernel':<24} {'torch ms':>9} {'explicit ms':>12} {'block ms':>9} "
              f"{'interp ms':>10} {'block/expl':>11} {'vs torch':>9} {'vs interp':>10}")
    print(f"# {args.threads} thread(s) for torch and flagtree; 'block' is the block-pointer "
          f"kernel, 'interp' runs it in Triton's interpreter")
    print(header)
    print("-" * len(header))
    for name, (inputs_fn, torch_fn, styles, out_index) in make_cases(args.quick).items():
        for style in styles.values():
            check(torch_fn, style, out_index, inputs_fn())
        inputs = inputs_fn()
        # torch first and apart: its OpenMP threads keep spinning for a while after each call.
        t_torch = best_time(inputs, torch_fn)
        time.sleep(0.5)
        t_expl, t_block = measure_pair(inputs, styles["explicit"], styles["block"])
        t_int = None if args.no_interpreter else run_interpreter(name, args.quick, 900)
        interp = f"{t_int * 1e3:>10.0f}" if t_int else f"{'n/a':>10}"
        vs_int = f"{t_int / t_block:>9.0f}x" if t_int else f"{'n/a':>10}"
        print(f"{name:<24} {t_torch * 1e3:>9.3f} {t_expl * 1e3:>12.3f} {t_block * 1e3:>9.3f} "
              f"{interp} {t_block / t_expl:>10.2f}x {t_torch / t_block:>8.2f}x {vs_int}",
              flush=True)
    print("block/expl < 1.10x meets the goal (block pointers within 10% of explicit pointers); "
          "'vs torch' and 'vs interp' > 1x mean the block-pointer kernel is faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
