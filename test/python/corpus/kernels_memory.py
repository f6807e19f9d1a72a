"""Memory and shape corpus kernels: 2D tiles, cache hints, pointer casts and shape ops.

Covers strided copies, transposes, reshape/join/split/cat/gather and raw pointer arithmetic.
"""

from __future__ import annotations

import triton
import triton.language as tl

from ._case import case


@triton.jit
def copy_2d_kernel(
    src_ptr, dst_ptr, M, N, stride_sm, stride_dm, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr
):
    """Row-major strided 2D copy with a 2D boundary mask."""
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    mask = (rm[:, None] < M) & (rn[None, :] < N)
    tile = tl.load(src_ptr + rm[:, None] * stride_sm + rn[None, :], mask=mask, other=0.0)
    tl.store(dst_ptr + rm[:, None] * stride_dm + rn[None, :], tile, mask=mask)


@triton.jit
def broadcast_bias_kernel(
    x_ptr, bias_ptr, out_ptr, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr
):
    """out[m, n] = x[m, n] + bias[n] with explicit expand_dims / broadcast_to."""
    pid = tl.program_id(0)
    rm = pid * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = tl.arange(0, BLOCK_N)
    rows = tl.expand_dims(rm, 1)
    cols = tl.expand_dims(rn, 0)
    mask = (rows < M) & (cols < N)
    x = tl.load(x_ptr + rows * N + cols, mask=mask)
    bias = tl.load(bias_ptr + rn, mask=rn < N, other=0.0)
    bias2d = tl.broadcast_to(tl.expand_dims(bias, 0), (BLOCK_M, BLOCK_N))
    tl.store(out_ptr + rows * N + cols, x + bias2d, mask=mask)


@triton.jit
def cache_hints_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Loads/stores with cache modifiers, eviction policies and a volatile load."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    a = tl.load(x_ptr + offsets, mask=mask, cache_modifier=".cg", eviction_policy="evict_first")
    b = tl.load(
        y_ptr + offsets, mask=mask, other=0.0, cache_modifier=".ca", eviction_policy="evict_last"
    )
    c = tl.load(x_ptr + offsets, mask=mask, volatile=True)
    d = tl.load(y_ptr + offsets, mask=mask, cache_modifier=".cv")
    tl.store(
        out_ptr + offsets,
        a + b + c + d,
        mask=mask,
        cache_modifier=".cs",
        eviction_policy="evict_first",
    )


@triton.jit
def scalar_ptr_scale_kernel(x_ptr, scale_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Dequantize with a per-tensor scale read through a scalar pointer load."""
    pid = tl.program_id(0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    scale = tl.load(scale_ptr)
    x = tl.load(x_ptr + offsets, mask=mask).to(tl.float32)
    tl.store(out_ptr + offsets, x * scale, mask=mask)
    if pid == 0:
        tl.store(scale_ptr + 1, 1.0 / scale)


@triton.jit
def transpose_kernel(src_ptr, dst_ptr, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    tile = tl.load(
        src_ptr + rm[:, None] * N + rn[None, :], mask=(rm[:, None] < M) & (rn[None, :] < N)
    )
    tile_t = tl.trans(tile)
    tl.store(
        dst_ptr + rn[:, None] * M + rm[None, :], tile_t, mask=(rn[:, None] < N) & (rm[None, :] < M)
    )


@triton.jit
def permute_3d_kernel(src_ptr, dst_ptr, A: tl.constexpr, B: tl.constexpr, C: tl.constexpr):
    """[A, B, C] -> [C, A, B] with tl.permute (and .T on a 2D slice view)."""
    ra = tl.arange(0, A)
    rb = tl.arange(0, B)
    rc = tl.arange(0, C)
    x = tl.load(src_ptr + ra[:, None, None] * B * C + rb[None, :, None] * C + rc[None, None, :])
    y = tl.permute(x, (2, 0, 1))
    tl.store(dst_ptr + rc[:, None, None] * A * B + ra[None, :, None] * B + rb[None, None, :], y)
    flat = tl.reshape(x, (A * B, C))
    tl.store(dst_ptr + rc[:, None] * A * B + tl.arange(0, A * B)[None, :], flat.T)


@triton.jit
def reshape_kernel(src_ptr, dst_ptr, ROWS: tl.constexpr, COLS: tl.constexpr):
    """Flat load, reshape to 2D, row sums, ravel back."""
    offs = tl.arange(0, ROWS * COLS)
    x = tl.load(src_ptr + offs)
    x2 = tl.reshape(x, (ROWS, COLS))
    shifted = x2 - tl.expand_dims(tl.max(x2, axis=1), 1)
    tl.store(dst_ptr + offs, tl.ravel(shifted))


@triton.jit
def complex_mul_kernel(a_ptr, b_ptr, out_ptr, n_pairs, BLOCK: tl.constexpr):
    """Interleaved complex multiply: tl.split to deinterleave, tl.join / tl.interleave to pack."""
    pid = tl.program_id(0)
    pairs = pid * BLOCK + tl.arange(0, BLOCK)
    mask = pairs < n_pairs
    offs = tl.join(2 * pairs, 2 * pairs + 1)
    m2 = tl.join(mask, mask)
    a = tl.load(a_ptr + offs, mask=m2, other=0.0)
    b = tl.load(b_ptr + offs, mask=m2, other=0.0)
    ar, ai = tl.split(a)
    br, bi = tl.split(b)
    re = ar * br - ai * bi
    im = ar * bi + ai * br
    tl.store(
        out_ptr + tl.interleave(2 * pairs, 2 * pairs + 1),
        tl.interleave(re, im),
        mask=tl.interleave(mask, mask),
    )


@triton.jit
def cat_kernel(a_ptr, b_ptr, out_ptr, BLOCK: tl.constexpr):
    """Concatenate two blocks (tt.cat, which may reorder elements) and reduce the result."""
    offs = tl.arange(0, BLOCK)
    a = tl.load(a_ptr + offs)
    b = tl.load(b_ptr + offs)
    both = tl.cat(a, b, can_reorder=True)
    tl.store(out_ptr, tl.sum(both, axis=0))


@triton.jit
def cat_2d_kernel(a_ptr, b_ptr, out_ptr, M: tl.constexpr, N: tl.constexpr):
    """Deterministic tl.cat along dim 1 (lowered by the frontend to join + permute + reshape)."""
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    a = tl.load(a_ptr + rm[:, None] * N + rn[None, :])
    b = tl.load(b_ptr + rm[:, None] * N + rn[None, :])
    both = tl.cat(a, b, dim=1)
    r2n = tl.arange(0, 2 * N)
    tl.store(out_ptr + rm[:, None] * (2 * N) + r2n[None, :], both)


@triton.jit
def gather_rows_kernel(src_ptr, idx_ptr, out_ptr, ROWS: tl.constexpr, COLS: tl.constexpr):
    """In-register gather along axis 0 with a tile of indices (tt.gather)."""
    rr = tl.arange(0, ROWS)
    rc = tl.arange(0, COLS)
    src = tl.load(src_ptr + rr[:, None] * COLS + rc[None, :])
    idx = tl.load(idx_ptr + rr[:, None] * COLS + rc[None, :])
    out = tl.gather(src, idx, axis=0)
    tl.store(out_ptr + rr[:, None] * COLS + rc[None, :], out)
    # Pick 4 columns per row (the index tile may differ from the source only along the axis).
    r4 = tl.arange(0, 4)
    sel = tl.load(idx_ptr + rr[:, None] * 4 + r4[None, :]) % COLS
    tl.store(out_ptr + ROWS * COLS + rr[:, None] * 4 + r4[None, :], src.gather(sel, 1))


@triton.jit
def pointer_table_kernel(ptr_table, sizes_ptr, out_ptr, BLOCK: tl.constexpr):
    """Grouped-GEMM style: per-program base addresses stored as int64 (tt.int_to_ptr)."""
    g = tl.program_id(0)
    base = tl.load(ptr_table + g).to(tl.pointer_type(tl.float16))
    n = tl.load(sizes_ptr + g)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, n, BLOCK):
        offs = start + tl.arange(0, BLOCK)
        acc += tl.load(base + offs, mask=offs < n, other=0.0).to(tl.float32)
    tl.store(out_ptr + g, tl.sum(acc, axis=0))


@triton.jit
def pointer_align_kernel(x_ptr, addr_out_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Record the raw address and take a vectorizable path when it is 16-byte aligned (tt.ptr_to_int)."""
    pid = tl.program_id(0)
    addr = x_ptr.to(tl.int64)
    if pid == 0:
        tl.store(addr_out_ptr, addr)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    if addr % 16 == 0:
        x = tl.load(x_ptr + tl.multiple_of(offsets, 4), mask=offsets < n_elements)
    else:
        x = tl.load(x_ptr + offsets, mask=offsets < n_elements)
    tl.store(out_ptr + offsets, x * 2.0, mask=offsets < n_elements)


@triton.jit
def item_kernel(stats_ptr, x_ptr, out_ptr, BLOCK: tl.constexpr):
    """Pull scalars out of 1-element / 2-element tensors (tt.unsplat)."""
    pair = tl.load(stats_ptr + tl.arange(0, 2))
    mean, inv_std = tl.split(pair)
    first = tl.load(x_ptr + tl.arange(0, 1)).item()
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    tl.store(out_ptr + offs, (x - mean) * inv_std + first)


@triton.jit
def grid_stride_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Persistent grid-stride loop over tiles using tl.num_programs."""
    pid = tl.program_id(0)
    nprog = tl.num_programs(0)
    num_tiles = tl.cdiv(n_elements, BLOCK_SIZE)
    for tile in range(pid, num_tiles, nprog):
        offsets = tile * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
        mask = offsets < n_elements
        tl.store(out_ptr + offsets, tl.abs(tl.load(x_ptr + offsets, mask=mask)), mask=mask)


@triton.jit
def linear_probe_kernel(keys_ptr, table_ptr, out_ptr, capacity):
    """Open-addressing hash lookup: a while loop with scalar loads."""
    pid = tl.program_id(0)
    key = tl.load(keys_ptr + pid)
    slot = (key * 31) % capacity
    probes = 0
    while (tl.load(table_ptr + slot) != key) & (probes < capacity):
        slot = (slot + 1) % capacity
        probes += 1
    tl.store(out_ptr + pid, tl.where(probes < capacity, slot, -1))


@triton.jit
def int64_index_kernel(x_ptr, out_ptr, row_stride, n_rows, BLOCK: tl.constexpr):
    """Row copy with 64-bit row offsets for tensors above 2**31 elements."""
    row = tl.program_id(0).to(tl.int64)
    cols = tl.arange(0, BLOCK)
    if row < n_rows:
        src = x_ptr + row * row_stride
        tl.store(out_ptr + row * BLOCK + cols, tl.load(src + cols))


@triton.jit
def hints_kernel(x_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    """Compiler hints: multiple_of / max_contiguous / max_constancy / assume."""
    pid = tl.program_id(0)
    tl.assume(n_elements > 0)
    tl.assume(n_elements % 16 == 0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    offsets = tl.max_contiguous(tl.multiple_of(offsets, BLOCK_SIZE), BLOCK_SIZE)
    row = tl.max_constancy(offsets // BLOCK_SIZE, BLOCK_SIZE)
    x = tl.load(x_ptr + offsets, mask=offsets < n_elements)
    tl.store(out_ptr + offsets, x + row.to(tl.float32), mask=offsets < n_elements)


CASES = [
    case(
        "copy_2d",
        copy_2d_kernel,
        {
            "src_ptr": "*fp32",
            "dst_ptr": "*fp32",
            "M": "i32",
            "N": "i32",
            "stride_sm": "i32",
            "stride_dm": "i32",
        },
        {"BLOCK_M": 32, "BLOCK_N": 64},
        {"program_id", "expand_dims", "broadcast", "addptr", "load", "store", "divisibility"},
        div16=("src_ptr", "dst_ptr", "stride_sm", "stride_dm"),
    ),
    case(
        "broadcast_bias",
        broadcast_bias_kernel,
        {"x_ptr": "*fp16", "bias_ptr": "*fp16", "out_ptr": "*fp16", "M": "i32", "N": "i32"},
        {"BLOCK_M": 16, "BLOCK_N": 64},
        {"expand_dims", "broadcast", "load", "store"},
    ),
    case(
        "cache_hints",
        cache_hints_kernel,
        {"x_ptr": "*fp32", "y_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"load", "load_cache", "store"},
    ),
    case(
        "scalar_ptr_scale",
        scalar_ptr_scale_kernel,
        {"x_ptr": "*i8", "scale_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"load", "store", "splat", "cast", "scf_if"},
    ),
    case(
        "transpose_2d",
        transpose_kernel,
        {"src_ptr": "*fp16", "dst_ptr": "*fp16", "M": "i32", "N": "i32"},
        {"BLOCK_M": 32, "BLOCK_N": 64},
        {"trans", "load", "store"},
    ),
    case(
        "permute_3d",
        permute_3d_kernel,
        {"src_ptr": "*fp32", "dst_ptr": "*fp32"},
        {"A": 4, "B": 8, "C": 16},
        {"trans", "reshape", "expand_dims"},
    ),
    case(
        "reshape_rows",
        reshape_kernel,
        {"src_ptr": "*fp32", "dst_ptr": "*fp32"},
        {"ROWS": 8, "COLS": 32},
        {"reshape", "reduce", "expand_dims"},
    ),
    case(
        "complex_mul_join_split",
        complex_mul_kernel,
        {"a_ptr": "*fp32", "b_ptr": "*fp32", "out_ptr": "*fp32", "n_pairs": "i32"},
        {"BLOCK": 128},
        {"join", "split", "reshape"},
    ),
    case(
        "cat_sum",
        cat_kernel,
        {"a_ptr": "*fp32", "b_ptr": "*fp32", "out_ptr": "*fp32"},
        {"BLOCK": 128},
        {"cat", "reduce"},
    ),
    case(
        "cat_2d_deterministic",
        cat_2d_kernel,
        {"a_ptr": "*fp16", "b_ptr": "*fp16", "out_ptr": "*fp16"},
        {"M": 16, "N": 32},
        {"join", "trans", "reshape"},
    ),
    case(
        "gather_rows",
        gather_rows_kernel,
        {"src_ptr": "*fp32", "idx_ptr": "*i32", "out_ptr": "*fp32"},
        {"ROWS": 16, "COLS": 32},
        {"gather", "expand_dims"},
    ),
    case(
        "pointer_table",
        pointer_table_kernel,
        {"ptr_table": "*i64", "sizes_ptr": "*i32", "out_ptr": "*fp32"},
        {"BLOCK": 256},
        {"int_to_ptr", "scf_for", "reduce", "cast"},
    ),
    case(
        "pointer_align",
        pointer_align_kernel,
        {"x_ptr": "*fp32", "addr_out_ptr": "*i64", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 256},
        {"ptr_to_int", "scf_if", "divisibility"},
    ),
    case(
        "item_unsplat",
        item_kernel,
        {"stats_ptr": "*fp32", "x_ptr": "*fp32", "out_ptr": "*fp32"},
        {"BLOCK": 128},
        {"unsplat", "split", "expand_dims"},
    ),
    case(
        "grid_stride",
        grid_stride_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 512},
        {"num_programs", "scf_for", "math"},
    ),
    case(
        "linear_probe",
        linear_probe_kernel,
        {"keys_ptr": "*i32", "table_ptr": "*i32", "out_ptr": "*i32", "capacity": "i32"},
        {},
        {"scf_while", "load", "where"},
    ),
    case(
        "int64_index",
        int64_index_kernel,
        {"x_ptr": "*bf16", "out_ptr": "*bf16", "row_stride": "i64", "n_rows": "i64"},
        {"BLOCK": 128},
        {"scf_if", "cast", "addptr"},
    ),
    case(
        "hints",
        hints_kernel,
        {"x_ptr": "*fp32", "out_ptr": "*fp32", "n_elements": "i32"},
        {"BLOCK_SIZE": 128},
        {"divisibility", "contiguity", "constancy", "assume"},
    ),
]
