"""Conformance cases for the program-level `triton.language` surface, checked against torch:
launch grids, programs sharing memory through atomics, control flow and @triton.jit calls.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from flagtree.conformance.case import TRITON_TYPE, Needs, Plan, cases, launch, needs, product
from flagtree.conformance.checks import check

# -- grids, program ids, num_programs -----------------------------------------------------


@triton.jit
def _grid_ids_kernel(ids_ptr, nums_ptr):
    px = tl.program_id(0)
    py = tl.program_id(1)
    pz = tl.program_id(2)
    gx = tl.num_programs(0)
    gy = tl.num_programs(1)
    gz = tl.num_programs(2)
    linear = px + gx * (py + gy * pz)
    lane = tl.arange(0, 4)
    ids = tl.where(
        lane == 0, px, tl.where(lane == 1, py, pz)
    )  # scalars broadcast into one tensor store
    tl.store(ids_ptr + linear * 3 + lane, ids, mask=lane < 3)
    tl.store(nums_ptr + linear * 3 + 0, gx)
    tl.store(nums_ptr + linear * 3 + 1, gy)
    tl.store(nums_ptr + linear * 3 + 2, gz)


@triton.jit
def _grid_ids_scalar_kernel(ids_ptr, nums_ptr):
    px = tl.program_id(axis=0)
    py = tl.program_id(axis=1)
    pz = tl.program_id(axis=2)
    gx = tl.num_programs(axis=0)
    gy = tl.num_programs(axis=1)
    gz = tl.num_programs(axis=2)
    linear = px + gx * (py + gy * pz)
    tl.store(ids_ptr + linear * 3 + 0, px)
    tl.store(ids_ptr + linear * 3 + 1, py)
    tl.store(ids_ptr + linear * 3 + 2, pz)
    tl.store(nums_ptr + linear * 3 + 0, gx)
    tl.store(nums_ptr + linear * 3 + 1, gy)
    tl.store(nums_ptr + linear * 3 + 2, gz)


GRIDS = [(1,), (7,), (65,), (3, 5), (1, 4), (2, 3, 4), (4, 1, 3), (1, 1, 1), (5, 2, 1)]


@cases("grid", product(["scalar", "tensor"], GRIDS), op="program_id")
def program_id_and_num_programs(kernel, grid):
    full = tuple(grid) + (1,) * (3 - len(grid))
    total = full[0] * full[1] * full[2]
    ids = torch.full((total, 3), -1, dtype=torch.int32)
    nums = torch.full((total, 3), -1, dtype=torch.int32)
    z, y, x = torch.meshgrid(
        torch.arange(full[2]), torch.arange(full[1]), torch.arange(full[0]), indexing="ij"
    )

    def verify():
        check(ids, torch.stack([x, y, z], dim=-1).reshape(-1, 3).to(torch.int32))
        check(nums, torch.tensor([full] * total, dtype=torch.int32))

    fn = _grid_ids_scalar_kernel if kernel == "scalar" else _grid_ids_kernel
    return Plan(launch(fn, grid, ids, nums), check=verify)


@triton.jit
def _grid_callable_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * 3, mask=offs < n)


@cases("grid", [(1, 16), (1000, 16), (4096, 1), (10000, 256), (3, 1024)], op="program_id")
def many_programs_disjoint_blocks(n, block):
    """A grid from a callable over the meta-parameters; every program owns one block."""
    x = torch.randn(n)
    out = torch.full((n,), float("nan"))
    return Plan(launch(_grid_callable_kernel, lambda meta: (triton.cdiv(n, meta["BLOCK"]),),
                       x, out, n, BLOCK=block),
                check=lambda: check(out, x * 3))


@triton.jit
def _tile_2d_grid_kernel(x_ptr, out_ptr, m, n, BM: tl.constexpr, BN: tl.constexpr):
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.program_id(1) * BN + tl.arange(0, BN)
    mask = (rm[:, None] < m) & (rn[None, :] < n)
    x = tl.load(x_ptr + rm[:, None] * n + rn[None, :], mask=mask)
    tile_id = tl.program_id(0) * tl.num_programs(1) + tl.program_id(1)
    tl.store(out_ptr + rm[:, None] * n + rn[None, :], x + tile_id, mask=mask)


@cases("grid", [(64, 64), (100, 37), (1, 300)], op="program_id")
def grid_2d_tiles(m, n):
    bm, bn = 16, 32
    x = torch.randint(-100, 100, (m, n), dtype=torch.int32)
    out = torch.empty_like(x)
    grid = (triton.cdiv(m, bm), triton.cdiv(n, bn))
    tile = (torch.arange(m)[:, None] // bm) * grid[1] + torch.arange(n)[None, :] // bn
    return Plan(launch(_tile_2d_grid_kernel, grid, x, out, m, n, BM=bm, BN=bn),
                check=lambda: check(out, x + tile.to(torch.int32)))


@triton.jit
def _grid_3d_volume_kernel(out_ptr, D: tl.constexpr, H: tl.constexpr, W: tl.constexpr):
    d = tl.program_id(2)
    h = tl.program_id(1)
    w = tl.program_id(0) * W + tl.arange(0, W)
    width = tl.num_programs(0) * W
    tl.store(out_ptr + (d * H + h) * width + w, d * 10000 + h * 100 + w)


@cases("grid", op="program_id")
def grid_3d_volume():
    gx, gy, gz, w = 3, 5, 7, 4
    out = torch.empty(gz, gy, gx * w, dtype=torch.int32)
    d, h, x = torch.meshgrid(
        torch.arange(gz), torch.arange(gy), torch.arange(gx * w), indexing="ij"
    )
    return Plan(launch(_grid_3d_volume_kernel, (gx, gy, gz), out, D=gz, H=gy, W=w),
                check=lambda: check(out, (d * 10000 + h * 100 + x).to(torch.int32)))


@triton.jit
def _persistent_kernel(x_ptr, out_ptr, n_tiles, BLOCK: tl.constexpr):
    for tile in range(tl.program_id(0), n_tiles, tl.num_programs(0)):
        offs = tile * BLOCK + tl.arange(0, BLOCK)
        tl.store(out_ptr + offs, tl.load(x_ptr + offs) + tile)


@cases("grid", [1, 3, 8], op="num_programs")
def persistent_grid_stride_loop(programs):
    n_tiles, block = 37, 32
    x = torch.randn(n_tiles * block)
    out = torch.empty_like(x)
    ref = x + torch.arange(n_tiles).repeat_interleave(block).float()
    return Plan(launch(_persistent_kernel, (programs,), x, out, n_tiles, BLOCK=block),
                check=lambda: check(out, ref))


# -- atomics ---------------------------------------------------------------------------------


@triton.jit
def _atomic_kernel(
    dst_ptr,
    val_ptr,
    old_ptr,
    n_slots,
    OP: tl.constexpr,
    MASKED: tl.constexpr,
    SEM: tl.constexpr,
    SCOPE: tl.constexpr,
    BLOCK: tl.constexpr,
):
    pid = tl.program_id(0)
    lanes = tl.arange(0, BLOCK)
    gid = pid * BLOCK + lanes
    ptrs = dst_ptr + gid % n_slots  # lanes of one program and of every program share the slots
    v = tl.load(val_ptr + gid)
    if MASKED:
        mask = gid % 3 != 1
    else:
        mask = None
    if OP == "add":
        old = tl.atomic_add(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    elif OP == "max":
        old = tl.atomic_max(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    elif OP == "min":
        old = tl.atomic_min(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    elif OP == "and":
        old = tl.atomic_and(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    elif OP == "or":
        old = tl.atomic_or(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    elif OP == "xor":
        old = tl.atomic_xor(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    else:
        old = tl.atomic_xchg(ptrs, v, mask=mask, sem=SEM, scope=SCOPE)
    tl.store(old_ptr + gid, old, mask=mask)


def _atomic_values(op: str, dtype: torch.dtype, n: int) -> torch.Tensor:
    if dtype.is_floating_point:
        return torch.randn(n) * 10
    if op == "add":
        return torch.randint(1, 1000, (n,), dtype=dtype)  # positive: partial sums are distinct
    if op in ("and",):
        return ~(
            torch.ones(n, dtype=dtype) << torch.randint(0, 31, (n,), dtype=dtype)
        )  # clears one bit each
    if op in ("or", "xor"):
        return torch.ones(n, dtype=dtype) << torch.randint(0, 31, (n,), dtype=dtype)
    return torch.randint(-(2**30), 2**30, (n,), dtype=dtype)


def _atomic_initial(op: str, dtype: torch.dtype, n_slots: int) -> torch.Tensor:
    if op == "and":
        return torch.full((n_slots,), -1, dtype=dtype)
    if op == "max":
        return torch.full((n_slots,), -1e30 if dtype.is_floating_point else -(2**31), dtype=dtype)
    if op == "min":
        return torch.full((n_slots,), 1e30 if dtype.is_floating_point else 2**31 - 1, dtype=dtype)
    return torch.zeros(n_slots, dtype=dtype)


def _check_atomic_result(op, dst, old, vals, init, n_slots, active):
    slots = torch.arange(vals.numel()) % n_slots
    for s in range(n_slots):
        sel = active & (slots == s)
        v, o = vals[sel], old[sel]
        if op == "add":
            expect = init[s] + (v.double().sum() if v.is_floating_point() else v.sum())
            if v.is_floating_point():
                assert abs(dst[s].item() - expect.item()) <= 1e-3 * (1 + v.abs().sum().item()), (
                    s,
                    dst[s],
                    expect,
                )
            else:
                assert dst[s].item() == expect.item(), (s, dst[s].item(), expect.item())
                # each old is a distinct partial sum: olds + {final} == {init} + olds + vals
                assert sorted((o).tolist() + [dst[s].item()]) == sorted(
                    [init[s].item()] + (o + v).tolist()
                )
        elif op == "max":
            assert dst[s].item() == max(v.max().item(), init[s].item())
            assert (o <= dst[s]).all()
        elif op == "min":
            assert dst[s].item() == min(v.min().item(), init[s].item())
            assert (o >= dst[s]).all()
        elif op in ("and", "or", "xor"):
            acc = init[s].item()
            for x in v.tolist():
                acc = {"and": acc & x, "or": acc | x, "xor": acc ^ x}[op]
            assert dst[s].item() == acc, (op, s, dst[s].item(), acc)
        else:  # xchg: the values that went through the slot are a permutation of init + vals
            assert sorted(o.tolist() + [dst[s].item()]) == sorted([init[s].item()] + v.tolist())


ATOMIC_CASES = (
    [(op, d) for op in ("add", "max", "min", "xchg") for d in ("f32", "i32")]
    + [(op, "i32") for op in ("and", "or", "xor")]
    + [("add", "i64"), ("max", "i64")]
)
ATOMIC_DTYPES = {"f32": torch.float32, "i32": torch.int32, "i64": torch.int64}


def atomic(*ops: str, dtypes: tuple[str, ...] = ("i32",)) -> Needs:
    return needs(atomics=ops, atomic_dtypes=[TRITON_TYPE[d] for d in dtypes])


@cases("atomics", [(o, d, m) for o, d in ATOMIC_CASES for m in (False, True)],
       ids=lambda o, d, m: f"{o}-{d}-{'masked' if m else 'all'}", op=lambda o, d, m: f"atomic_{o}",
       needs=lambda o, d, m: atomic(o, dtypes=(d,)))
def atomic_rmw_contention(op, name, masked):
    programs, block, n_slots = 64, 32, 5
    dtype = ATOMIC_DTYPES[name]
    n = programs * block
    vals = _atomic_values(op, dtype, n)
    init = _atomic_initial(op, dtype, n_slots)
    dst = init.clone()
    old = torch.zeros(n, dtype=dtype)
    active = torch.arange(n) % 3 != 1 if masked else torch.ones(n, dtype=torch.bool)
    return Plan(launch(_atomic_kernel, (programs,), dst, vals, old, n_slots, OP=op, MASKED=masked,
                       SEM="acq_rel", SCOPE="gpu", BLOCK=block),
                check=lambda: _check_atomic_result(op, dst, old, vals, init, n_slots, active))


SEM_SCOPE = [
    ("relaxed", "gpu"),
    ("acquire", "gpu"),
    ("release", "gpu"),
    ("acq_rel", "cta"),
    ("acq_rel", "sys"),
    (None, None),
]


@cases("atomics", SEM_SCOPE, op="atomic_add", needs=atomic("add"))
def atomic_add_sem_and_scope(sem, scope):
    programs, block, n_slots = 16, 64, 3
    n = programs * block
    vals = torch.randint(1, 100, (n,), dtype=torch.int32)
    dst = torch.zeros(n_slots, dtype=torch.int32)
    old = torch.zeros(n, dtype=torch.int32)
    init, active = torch.zeros(n_slots, dtype=torch.int32), torch.ones(n, dtype=torch.bool)
    return Plan(launch(_atomic_kernel, (programs,), dst, vals, old, n_slots, OP="add",
                       MASKED=False, SEM=sem, SCOPE=scope, BLOCK=block),
                check=lambda: _check_atomic_result("add", dst, old, vals, init, n_slots, active))


@triton.jit
def _scalar_atomic_kernel(counter_ptr, fsum_ptr, tickets_ptr, x):
    pid = tl.program_id(0)
    ticket = tl.atomic_add(counter_ptr, 1)
    tl.atomic_add(fsum_ptr, x)
    tl.atomic_max(counter_ptr + 1, pid)
    tl.atomic_min(counter_ptr + 2, -pid)
    tl.atomic_or(counter_ptr + 3, 1 << (pid % 31))
    tl.store(tickets_ptr + pid, ticket)


@cases("atomics", [1, 100, 2000], op="atomic_add", needs=atomic("add", "max", "min", "or", dtypes=("i32", "f32")))
def scalar_atomics_count_programs(programs):
    counters = torch.zeros(4, dtype=torch.int32)
    fsum = torch.zeros(1)
    tickets = torch.full((programs,), -1, dtype=torch.int32)
    bits = 0
    for p in range(programs):
        bits |= 1 << (p % 31)

    def verify():
        check(counters,
              torch.tensor([programs, programs - 1, -(programs - 1), bits], dtype=torch.int32))
        check(fsum, torch.tensor([0.5 * programs]))
        check(tickets.sort().values, torch.arange(programs, dtype=torch.int32))

    return Plan(launch(_scalar_atomic_kernel, (programs,), counters, fsum, tickets, 0.5),
                check=verify)


@triton.jit
def _cas_once_kernel(lock_ptr, seen_ptr):
    pid = tl.program_id(0)
    dtype = lock_ptr.dtype.element_ty  # Triton does not cast cmp/val to the pointee type itself
    seen = tl.atomic_cas(lock_ptr, tl.cast(0, dtype), (pid + 1).to(dtype))
    tl.store(seen_ptr + pid, seen)


@cases("atomics", ["i32", "i64"], op="atomic_cas", needs=lambda d: atomic("cas", dtypes=(d,)))
def atomic_cas_single_winner(name):
    programs = 300
    dtype = ATOMIC_DTYPES[name]
    lock = torch.zeros(1, dtype=dtype)
    seen = torch.full((programs,), -1, dtype=dtype)

    def verify():
        winners = (seen == 0).nonzero().flatten()
        assert winners.numel() == 1, seen
        assert lock.item() == winners.item() + 1
        assert (seen[seen != 0] == lock.item()).all()

    return Plan(launch(_cas_once_kernel, (programs,), lock, seen), check=verify)


@triton.jit
def _cas_tensor_kernel(ptr, cmp_ptr, val_ptr, old_ptr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    old = tl.atomic_cas(ptr + offs, tl.load(cmp_ptr + offs), tl.load(val_ptr + offs), sem="relaxed")
    tl.store(old_ptr + offs, old)


@cases("atomics", ["i32", "f32"], op="atomic_cas", needs=lambda d: atomic("cas", dtypes=(d,)))
def atomic_cas_tensor(name):
    block = 64
    dtype = ATOMIC_DTYPES[name]
    cur = torch.arange(block).to(dtype)
    cmp = torch.where(torch.arange(block) % 2 == 0, cur, cur + 1)
    val = torch.full((block,), 99, dtype=dtype)
    old = torch.empty_like(cur)
    ref = torch.where(cmp == cur, val, cur)
    ptr = cur.clone()

    def verify():
        check(ptr, ref)
        check(old, cur)

    return Plan(launch(_cas_tensor_kernel, (1,), ptr, cmp, val, old, BLOCK=block), check=verify)


@triton.jit
def _spin_lock_kernel(lock_ptr, counter_ptr, failed_ptr, LIMIT: tl.constexpr):
    pid = tl.program_id(0)
    acquired = tl.atomic_cas(lock_ptr, 0, 1, sem="acquire") == 0
    tries = 0
    while (acquired == 0) & (tries < LIMIT):
        acquired = tl.atomic_cas(lock_ptr, 0, 1, sem="acquire") == 0
        tries += 1
    if acquired:
        value = tl.load(counter_ptr, volatile=True)
        tl.store(counter_ptr, value + 1)
        tl.atomic_xchg(lock_ptr, 0, sem="release")
    tl.store(failed_ptr + pid, (acquired == 0).to(tl.int32))


@cases("atomics", op="atomic_cas", needs=atomic("cas", "xchg"))
def spin_lock_with_cas_and_xchg():
    """A critical section guarded by atomic_cas/atomic_xchg: no non-atomic increment is lost."""
    programs = 500
    lock = torch.zeros(1, dtype=torch.int32)
    counter = torch.zeros(1, dtype=torch.int32)
    failed = torch.full((programs,), -1, dtype=torch.int32)

    def verify():
        assert failed.sum().item() == 0, "some programs never acquired the lock"
        assert counter.item() == programs, (counter.item(), programs)
        assert lock.item() == 0, "the lock was not released"

    return Plan(launch(_spin_lock_kernel, (programs,), lock, counter, failed, LIMIT=1_000_000),
                check=verify)


@triton.jit
def _histogram_atomic_kernel(x_ptr, hist_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    bins = tl.load(x_ptr + offs, mask=mask, other=0)
    tl.atomic_add(hist_ptr + bins, 1, mask=mask)


@cases("atomics", op="atomic_add", needs=atomic("add"))
def global_histogram_with_atomics():
    n, bins = 100_000, 17
    x = torch.randint(0, bins, (n,), dtype=torch.int32)
    hist = torch.zeros(bins, dtype=torch.int32)
    return Plan(launch(_histogram_atomic_kernel, (triton.cdiv(n, 256),), x, hist, n, BLOCK=256),
                check=lambda: check(hist, torch.bincount(x, minlength=bins).to(torch.int32)))


# -- control flow ----------------------------------------------------------------------------


@triton.jit
def _loop_kernel(x_ptr, out_ptr, n, OP: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    acc = tl.zeros((BLOCK,), dtype=tl.float32)
    if OP == "range":
        for i in range(n):
            acc += tl.load(x_ptr + i * BLOCK + offs)
    elif OP == "range_step":
        for i in range(1, n, 3):
            acc += tl.load(x_ptr + i * BLOCK + offs)
    elif OP == "tl_range":
        for i in tl.range(0, n, 2, num_stages=3):
            acc += tl.load(x_ptr + i * BLOCK + offs)
    elif OP == "tl_range_unroll":
        for i in tl.range(0, n, loop_unroll_factor=4):
            acc += tl.load(x_ptr + i * BLOCK + offs) * (i % 2 + 1)
    elif OP == "tl_range_flatten":
        for i in tl.range(0, n, flatten=True, disallow_acc_multi_buffer=True):
            acc += tl.load(x_ptr + i * BLOCK + offs)
    elif OP == "static_range":
        for i in tl.static_range(4):
            acc += tl.load(x_ptr + i * BLOCK + offs) * (i + 1)
    elif OP == "pointer_carried":
        p = x_ptr + offs
        for _ in range(n):
            acc += tl.load(p)
            p += BLOCK
    elif OP == "nested":
        for i in range(n):
            for j in range(i):
                acc += tl.load(x_ptr + j * BLOCK + offs)
    elif OP == "reverse":
        for i in range(n - 1, -1, -1):
            acc = acc * 0.5 + tl.load(x_ptr + i * BLOCK + offs)
    else:  # while: a scalar-conditioned loop with a tensor carried along
        i = 0
        while i < n:
            acc += tl.load(x_ptr + i * BLOCK + offs)
            i += 2
    tl.store(out_ptr + offs, acc)


def _loop_ref(op: str, x: torch.Tensor, n: int) -> torch.Tensor:
    rows = x.double()
    if op in ("range", "pointer_carried", "tl_range_flatten"):
        return rows[:n].sum(0).float()
    if op == "range_step":
        return rows[1:n:3].sum(0).float()
    if op in ("tl_range", "while"):
        return rows[0:n:2].sum(0).float()
    if op == "tl_range_unroll":
        return sum((rows[i] * (i % 2 + 1) for i in range(n)), torch.zeros_like(rows[0])).float()
    if op == "static_range":
        return sum(rows[i] * (i + 1) for i in range(4)).float()
    if op == "nested":
        return sum((rows[j] for i in range(n) for j in range(i)), torch.zeros_like(rows[0])).float()
    acc = torch.zeros_like(rows[0])
    for i in range(n - 1, -1, -1):
        acc = acc * 0.5 + rows[i]
    return acc.float()


LOOP_OPS = [
    "range",
    "range_step",
    "tl_range",
    "tl_range_unroll",
    "tl_range_flatten",
    "static_range",
    "pointer_carried",
    "nested",
    "reverse",
    "while",
]


@cases("control-flow", product(LOOP_OPS, [0, 1, 7]), op=lambda op, n: op)
def loops(op, n):
    block = 32
    x = torch.randn(8, block)
    out = torch.empty(block)
    return Plan(launch(_loop_kernel, (1,), x, out, n, OP=op, BLOCK=block),
                check=lambda: check(out, _loop_ref(op, x, n), rtol=1e-5, atol=1e-5))


@triton.jit
def _branch_kernel(x_ptr, out_ptr, flag, mode, BLOCK: tl.constexpr):
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    if pid % 2 == 0:
        y = x + 1
    else:
        y = x - 1
    if mode == 0:
        z = y * 2
    elif mode == 1:
        z = y * 3
    elif mode > 5:
        z = -y
    else:
        z = y
    if flag:
        z = z + 100
    scale = 1
    if pid > 2:
        scale = 10
    tl.store(out_ptr + offs, z * scale)


@cases("control-flow", product([0, 1, 3, 9], [False, True]), op="if")
def if_else_on_runtime_scalars(mode, flag):
    programs, block = 5, 16
    x = torch.randint(-100, 100, (programs * block,), dtype=torch.int32)
    out = torch.empty_like(x)
    pid = torch.arange(programs * block) // block
    y = torch.where(pid % 2 == 0, x + 1, x - 1)
    z = {0: y * 2, 1: y * 3, 9: -y}.get(mode, y)
    z = z + 100 if flag else z
    ref = (z * torch.where(pid > 2, 10, 1)).to(torch.int32)
    return Plan(launch(_branch_kernel, (programs,), x, out, flag, mode, BLOCK=block),
                check=lambda: check(out, ref))


@triton.jit
def _collatz_kernel(x_ptr, steps_ptr):
    pid = tl.program_id(0)
    v = tl.load(x_ptr + pid)
    steps = 0
    while v != 1:
        if v % 2 == 0:
            v = v // 2
        else:
            v = 3 * v + 1
        steps += 1
    tl.store(steps_ptr + pid, steps)


@cases("control-flow", op="while")
def while_loop_with_data_dependent_trip_count():
    starts = [1, 2, 3, 6, 7, 27, 97, 871]
    x = torch.tensor(starts, dtype=torch.int64)
    steps = torch.empty(len(starts), dtype=torch.int32)

    def collatz(v):
        s = 0
        while v != 1:
            v = v // 2 if v % 2 == 0 else 3 * v + 1
            s += 1
        return s

    ref = torch.tensor([collatz(v) for v in starts], dtype=torch.int32)
    return Plan(launch(_collatz_kernel, (len(starts),), x, steps), check=lambda: check(steps, ref))


@triton.jit
def _loop_if_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    best = tl.full((BLOCK,), float("-inf"), tl.float32)
    total = tl.zeros((BLOCK,), tl.float32)
    count = 0
    for i in range(n):
        row = tl.load(x_ptr + i * BLOCK + offs)
        if tl.sum(row) > 0:
            total += row
            count += 1
        best = tl.maximum(best, row)
    tl.store(out_ptr + offs, total / tl.maximum(count, 1) + best)


@cases("control-flow", op="if", needs=needs(features=["reduce"]))
def loop_with_data_dependent_branch():
    n, block = 9, 16
    x = torch.randn(n, block)
    out = torch.empty(block)
    pos = x[x.sum(1) > 0]
    ref = pos.sum(0) / max(len(pos), 1) + x.amax(0)
    return Plan(launch(_loop_if_kernel, (1,), x, out, n, BLOCK=block),
                check=lambda: check(out, ref, rtol=1e-5, atol=1e-5))


# -- calls between @triton.jit functions --------------------------------------------------------


@triton.jit
def _axpy(a, x, y):
    return a * x + y


@triton.jit
def _min_max(x):
    return tl.min(x, axis=0), tl.max(x, axis=0)


@triton.jit
def _scaled(x, FACTOR: tl.constexpr):
    return x * FACTOR


@triton.jit(noinline=True)
def _noinline_axpy(a, x, y):
    return a * x + y


@triton.jit(noinline=True)
def _noinline_div_mod(a, b):
    return a // b, a % b


@triton.jit(noinline=True)
def _noinline_block(dst_ptr, src_ptr, scale, BLOCK: tl.constexpr):
    """Scalar and pointer arguments only (Triton's noinline rule): loads, scales, stores a block."""
    offs = tl.arange(0, BLOCK)
    tl.store(dst_ptr + offs, tl.load(src_ptr + offs) * scale)


@triton.jit
def _nested_helper(x):
    return _axpy(2.0, _scaled(x, 3.0), x)


@triton.jit
def _call_kernel(x_ptr, y_ptr, out_ptr, stats_ptr, a, MODE: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs)
    y = tl.load(y_ptr + offs)
    if MODE == "inline":
        r = _axpy(a, x, y)
        lo, hi = _min_max(x)
    elif MODE == "constexpr_arg":
        r = _scaled(x, 4.0) + _scaled(y, 0.5)
        lo, hi = _min_max(r)
    elif MODE == "nested":
        r = _nested_helper(x)
        lo, hi = _min_max(y)
    elif MODE == "noinline_scalar":
        lo, hi = _min_max(x)
        r = x * _noinline_axpy(a, lo, hi)
    elif MODE == "noinline_twice":
        lo, hi = _min_max(x)
        r = x + _noinline_axpy(a, _noinline_axpy(a, lo, hi), hi)
    else:  # a noinline function with side effects on memory
        lo, hi = _min_max(x)
        _noinline_block(out_ptr, x_ptr, a, BLOCK)
    if MODE != "noinline_block":
        tl.store(out_ptr + offs, r)
    tl.store(stats_ptr, lo)
    tl.store(stats_ptr + 1, hi)


CALL_REFS = {
    "inline": (lambda a, x, y: a * x + y, lambda a, x, y, r: x),
    "constexpr_arg": (lambda a, x, y: 4 * x + 0.5 * y, lambda a, x, y, r: r),
    "nested": (lambda a, x, y: 2 * (3 * x) + x, lambda a, x, y, r: y),
    "noinline_scalar": (lambda a, x, y: x * (a * x.min() + x.max()), lambda a, x, y, r: x),
    "noinline_twice": (
        lambda a, x, y: x + (a * (a * x.min() + x.max()) + x.max()),
        lambda a, x, y, r: x,
    ),
    "noinline_block": (lambda a, x, y: x * a, lambda a, x, y, r: x),
}


@cases("calls", list(CALL_REFS), op="call",
       needs=lambda mode: needs(features=["reduce"] + (["noinline_calls"] if "noinline" in mode
                                                       else [])))
def jit_function_calls(mode):
    block, a = 64, 1.5
    x, y = torch.randn(block), torch.randn(block)
    out, stats = torch.empty(block), torch.empty(2)
    fn, stat_src = CALL_REFS[mode]
    ref = fn(a, x, y)
    src = stat_src(a, x, y, ref)

    def verify():
        check(out, ref, rtol=1e-5, atol=1e-5)
        check(stats, torch.stack([src.min(), src.max()]), rtol=1e-5, atol=1e-5)

    return Plan(launch(_call_kernel, (1,), x, y, out, stats, a, MODE=mode, BLOCK=block),
                check=verify)


@triton.jit
def _noinline_dtypes_kernel(out_ptr, f, i, j):
    tl.store(out_ptr, _noinline_axpy(f, 2.0, 1.0))
    q, r = _noinline_div_mod(i, 7)
    tl.store(out_ptr + 1, q.to(tl.float32))
    tl.store(out_ptr + 2, r.to(tl.float32))
    q64, r64 = _noinline_div_mod(j, 7)
    tl.store(out_ptr + 3, (q64 - 2**40).to(tl.float32))
    tl.store(out_ptr + 4, r64.to(tl.float32))


@cases("calls", op="call", needs=needs(dtypes=["i64"], features=["noinline_calls"]))
def noinline_function_specialized_per_argument_type():
    """Noinline functions called with fp32, i32 and i64 scalars, returning one value or a tuple."""
    out = torch.empty(5)
    return Plan(launch(_noinline_dtypes_kernel, (1,), out, 1.25, 100, 7 * 2**40 + 30),
                check=lambda: check(out, torch.tensor([3.5, 14.0, 2.0, 4.0, 2.0])))


# -- compiler hints and compile-time helpers ------------------------------------------------------


@triton.jit
def _hints_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    tl.static_assert(BLOCK % 16 == 0, "BLOCK must be a multiple of 16")
    pid = tl.program_id(0)
    offs = pid * BLOCK + tl.arange(0, BLOCK)
    offs = tl.max_contiguous(tl.multiple_of(offs, BLOCK), BLOCK)
    tl.assume(n > 0)
    x = tl.load(x_ptr + offs, mask=offs < n, cache_modifier=".cg", eviction_policy="evict_last")
    tl.debug_barrier()
    tl.store(
        out_ptr + offs, x + 1, mask=offs < n, cache_modifier=".cs", eviction_policy="evict_first"
    )


@cases("hints", op="multiple_of")
def hints_and_cache_modifiers_are_accepted():
    n = 1000
    x = torch.randn(n)
    out = torch.empty_like(x)
    return Plan(launch(_hints_kernel, (triton.cdiv(n, 64),), x, out, n, BLOCK=64),
                check=lambda: check(out, x + 1))


@triton.jit
def _device_print_kernel(x_ptr):
    x = tl.load(x_ptr + tl.arange(0, 4))
    tl.device_print("conformance-print", x)


@cases("debug", op="device_print", needs=needs(features=["device_print"]),
       captures_output=True)
def device_print():
    x = torch.tensor([11, 22, 33, 44], dtype=torch.int32)

    def verify(text: str):
        assert "conformance-print" in text, text
        for v in ("11", "22", "33", "44"):
            assert v in text, text

    return Plan(launch(_device_print_kernel, (1,), x), check=verify)
