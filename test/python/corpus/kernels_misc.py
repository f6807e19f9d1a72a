"""Miscellaneous corpus kernels: calls, debug ops, control flow and launch-control intrinsics.

Covers non-inlined @triton.jit callees, device_print/device_assert, static loops and while/if nests.
"""

from __future__ import annotations

import triton
import triton.language as tl

from ._case import case


@triton.jit(noinline=True)
def _row_l2_norm(row_ptr, n_cols, BLOCK: tl.constexpr):
    """Non-inlined helper (tt.call): returns the L2 norm and the max of one row."""
    cols = tl.arange(0, BLOCK)
    x = tl.load(row_ptr + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
    return tl.sqrt(tl.sum(x * x, axis=0)), tl.max(x, axis=0)


@triton.jit(noinline=True)
def _scale_row(row_ptr, n_cols, factor, BLOCK: tl.constexpr):
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(row_ptr + cols, mask=mask)
    tl.store(row_ptr + cols, x * factor, mask=mask)


@triton.jit
def normalize_rows_call_kernel(x_ptr, norms_ptr, stride, n_cols, BLOCK: tl.constexpr):
    """Row normalization through two noinline device functions."""
    row = tl.program_id(0)
    row_ptr = x_ptr + row * stride
    norm, peak = _row_l2_norm(row_ptr, n_cols, BLOCK)
    _scale_row(row_ptr, n_cols, 1.0 / tl.maximum(norm, 1e-12), BLOCK)
    tl.store(norms_ptr + row, norm + peak * 0.0)


@triton.jit
def device_print_kernel(x_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    tl.static_print("compiling device_print_kernel with BLOCK_SIZE =", BLOCK_SIZE)
    tl.static_assert(BLOCK_SIZE % 32 == 0, "BLOCK_SIZE must be a multiple of 32")
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    x = tl.load(x_ptr + offsets, mask=offsets < n_elements)
    tl.device_print("pid", pid)
    tl.device_print("x: ", x)
    tl.device_print("bits ", x.to(tl.int32, bitcast=True), hex=True)


@triton.jit
def device_assert_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Bounds/NaN assertions (emitted only when compiled with debug=True)."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask, other=0.0)
    tl.device_assert(tl.abs(x) <= 3.4e38, "non-finite input", mask=mask)
    tl.device_assert(n_elements > 0, "empty input")
    tl.store(out_ptr + offsets, x, mask=mask)


@triton.jit
def gdc_chain_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Programmatic dependent launch: wait for the previous grid, then release the next one."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    tl.extra.cuda.gdc_wait()
    x = tl.load(x_ptr + offsets, mask=mask)
    tl.extra.cuda.gdc_launch_dependents()
    tl.store(out_ptr + offsets, x + 1, mask=mask)


@triton.jit
def static_unroll_kernel(
    x_ptr, out_ptr, N_TAPS: tl.constexpr, BLOCK: tl.constexpr, MODE: tl.constexpr
):
    """FIR filter with a tl.static_range tap loop and constexpr-selected epilogues."""
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for t in tl.static_range(N_TAPS):
        acc += tl.load(x_ptr + offs + t) * (1.0 / (t + 1))
    if MODE == "relu":
        acc = tl.maximum(acc, 0.0)
    elif MODE == "square":
        acc = acc * acc
    tl.store(out_ptr + offs, acc)


@triton.jit
def collatz_steps_kernel(x_ptr, out_ptr, max_steps):
    """Scalar while loop with a nested if/else carrying loop-carried values."""
    pid = tl.program_id(0)
    n = tl.load(x_ptr + pid)
    steps = 0
    while (n != 1) & (steps < max_steps):
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    tl.store(out_ptr + pid, steps)


@triton.jit
def nested_loops_kernel(x_ptr, out_ptr, M, N, BLOCK: tl.constexpr):
    """Loop nest with a data-dependent early skip (scf.if inside scf.for inside scf.for)."""
    pid = tl.program_id(0)
    total = tl.zeros([BLOCK], dtype=tl.float32)
    for i in range(M):
        row_ptr = x_ptr + (pid * M + i) * N
        first = tl.load(row_ptr)
        if first != 0.0:
            for j in tl.range(0, N, BLOCK, loop_unroll_factor=1, disallow_acc_multi_buffer=True):
                cols = j + tl.arange(0, BLOCK)
                total += tl.load(row_ptr + cols, mask=cols < N, other=0.0)
    tl.store(out_ptr + pid * BLOCK + tl.arange(0, BLOCK), total)


@triton.jit
def spin_until_kernel(flag_ptr, out_ptr, max_iters):
    """Bounded spin on a volatile flag with LICM disabled through tl.condition."""
    i = 0
    while tl.condition(
        (tl.load(flag_ptr, volatile=True) == 0) & (i < max_iters), disable_licm=True
    ):
        i += 1
    tl.store(out_ptr, i)


CASES = [
    case(
        "normalize_rows_call",
        normalize_rows_call_kernel,
        {"x_ptr": "*fp32", "norms_ptr": "*fp32", "stride": "i32", "n_cols": "i32"},
        {"BLOCK": 1024},
        {"call", "func", "reduce", "math"},
    ),
    case(
        "device_print",
        device_print_kernel,
        {"x_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 128},
        {"print", "bitcast"},
    ),
    case(
        "device_assert",
        device_assert_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 128},
        {"assert", "load", "store"},
        options={"debug": True},
    ),
    case(
        "gdc_chain",
        gdc_chain_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"grid_dependency", "load", "store"},
    ),
    case(
        "static_unroll_relu",
        static_unroll_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32"},
        {"N_TAPS": 4, "BLOCK": 256, "MODE": "relu"},
        {"load", "store"},
    ),
    case(
        "static_unroll_square",
        static_unroll_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32"},
        {"N_TAPS": 3, "BLOCK": 128, "MODE": "square"},
        {"load", "store"},
    ),
    case(
        "collatz_steps",
        collatz_steps_kernel,
        {"x_ptr": "*i64", "out_ptr": "*i32", "max_steps": "i32"},
        {},
        {"scf_while", "scf_if"},
    ),
    case(
        "nested_loops",
        nested_loops_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "M": "i32", "N": "i32"},
        {"BLOCK": 128},
        {"scf_for", "scf_if", "unroll_attr", "disallow_acc_multi_buffer_attr"},
    ),
    case(
        "spin_until",
        spin_until_kernel,
        {"flag_ptr": "*i32", "out_ptr": "*i32", "max_iters": "i32"},
        {},
        {"scf_while", "load_cache", "loop_annotation"},
    ),
]
