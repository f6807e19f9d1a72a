"""Conformance cases for the 2-D/3-D tile `triton.language` surface, checked against torch:
broadcasting, views, join/split, gather, histogram, reductions, scans, dot, strides, rand.
"""

from __future__ import annotations

import numpy as np
import torch
import triton
import triton.language as tl

from flagtree.conformance.case import TRITON_TYPE, Plan, cases, launch, needs, product
from flagtree.conformance.checks import check

FLOATS = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}
DTYPES = {**FLOATS, "i8": torch.int8, "i32": torch.int32, "i64": torch.int64}


def rand(
    name: str, *shape: int, low: int = -50, high: int = 50, ints: bool = False
) -> torch.Tensor:
    """Random values of dtype `name`: ints in [low, high); floats normal (integral if `ints`)."""
    dtype = DTYPES[name]
    if dtype.is_floating_point and ints:
        return torch.randint(low, high, shape).to(dtype)
    if dtype.is_floating_point:
        return torch.randn(*shape).to(dtype)
    return torch.randint(low, high, shape, dtype=dtype)


# -- broadcasting and expand_dims ------------------------------------------------------------


@triton.jit
def _outer_kernel(x_ptr, y_ptr, out_ptr, m, n, OP: tl.constexpr, M: tl.constexpr, N: tl.constexpr):
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    x = tl.load(x_ptr + rm, mask=rm < m, other=0)
    y = tl.load(y_ptr + rn, mask=rn < n, other=0)
    if OP == "slice_add":
        r = x[:, None] + y[None, :]
    elif OP == "expand_dims_mul":
        r = tl.expand_dims(x, 1) * tl.expand_dims(y, 0)
    elif OP == "broadcast_to_sub":
        r = tl.broadcast_to(x[:, None], (M, N)) - tl.broadcast_to(y[None, :], (M, N))
    elif OP == "broadcast_max":
        a, b = tl.broadcast(x[:, None], y[None, :])
        r = tl.maximum(a, b)
    else:  # scalar broadcast against a 2-D tile, then a compare
        r = tl.where(x[:, None] > y[None, :], x[:, None], 7)
    offs = rm[:, None] * n + rn[None, :]
    tl.store(out_ptr + offs, r, mask=(rm[:, None] < m) & (rn[None, :] < n))


OUTER_REFS = {
    "slice_add": lambda x, y: x[:, None] + y[None, :],
    "expand_dims_mul": lambda x, y: x[:, None] * y[None, :],
    "broadcast_to_sub": lambda x, y: x[:, None] - y[None, :],
    "broadcast_max": lambda x, y: torch.maximum(x[:, None], y[None, :]),
    "where_scalar": lambda x, y: torch.where(
        x[:, None] > y[None, :], x[:, None], torch.tensor(7, dtype=x.dtype)
    ),
}
OUTER_CASES = [(op, d) for op in OUTER_REFS for d in ("f32", "i32")] + [
    ("slice_add", "f16"),
    ("expand_dims_mul", "i64"),
]


@cases("broadcast", [(mn, op, name) for mn in ((16, 32), (13, 5)) for op, name in OUTER_CASES],
       ids=lambda mn, op, name: f"{'full' if mn == (16, 32) else 'masked'}-{op}-{name}",
       op=lambda mn, op, name: op)
def broadcast(mn, op, name):
    m, n = mn
    x, y = rand(name, m), rand(name, n)
    ref = OUTER_REFS[op](x, y)
    out = torch.empty_like(ref)
    return Plan(launch(_outer_kernel, (1,), x, y, out, m, n, OP=op, M=16, N=32),
                check=lambda: check(out, ref))


# -- view ops: reshape, trans, permute ----------------------------------------------------


@triton.jit
def _view_kernel(
    x_ptr, out_ptr, OP: tl.constexpr, A: tl.constexpr, B: tl.constexpr, C: tl.constexpr
):
    ra = tl.arange(0, A)[:, None, None]
    rb = tl.arange(0, B)[None, :, None]
    rc = tl.arange(0, C)[None, None, :]
    x = tl.load(x_ptr + ra * B * C + rb * C + rc)  # an (A, B, C) tile, row-major
    if OP == "reshape_2d":
        r = tl.reshape(x, (A * B, C))
        tl.store(out_ptr + tl.arange(0, A * B)[:, None] * C + tl.arange(0, C)[None, :], r)
    elif OP == "reshape_1d":
        r = tl.reshape(x, (A * B * C,))
        tl.store(out_ptr + tl.arange(0, A * B * C), r)
    elif OP == "reshape_other":
        r = x.reshape(A, B * C)
        tl.store(out_ptr + tl.arange(0, A)[:, None] * (B * C) + tl.arange(0, B * C)[None, :], r)
    elif OP == "trans_2d":
        r = tl.trans(tl.reshape(x, (A * B, C)))  # (C, A*B)
        tl.store(out_ptr + tl.arange(0, C)[:, None] * (A * B) + tl.arange(0, A * B)[None, :], r)
    elif OP == "T_2d":
        r = tl.reshape(x, (A * B, C)).T
        tl.store(out_ptr + tl.arange(0, C)[:, None] * (A * B) + tl.arange(0, A * B)[None, :], r)
    elif OP == "permute_021":
        r = tl.permute(x, (0, 2, 1))  # (A, C, B)
        tl.store(
            out_ptr
            + ra * C * B
            + tl.arange(0, C)[None, :, None] * B
            + tl.arange(0, B)[None, None, :],
            r,
        )
    elif OP == "permute_102":
        r = tl.permute(x, 1, 0, 2)  # (B, A, C)
        tl.store(
            out_ptr
            + tl.arange(0, B)[:, None, None] * A * C
            + tl.arange(0, A)[None, :, None] * C
            + rc,
            r,
        )
    elif OP == "permute_120":
        r = tl.permute(x, (1, 2, 0))  # (B, C, A)
        tl.store(
            out_ptr
            + tl.arange(0, B)[:, None, None] * C * A
            + tl.arange(0, C)[None, :, None] * A
            + tl.arange(0, A)[None, None, :],
            r,
        )
    elif OP == "permute_201":
        r = tl.permute(x, (2, 0, 1))  # (C, A, B)
        tl.store(
            out_ptr
            + tl.arange(0, C)[:, None, None] * A * B
            + tl.arange(0, A)[None, :, None] * B
            + tl.arange(0, B)[None, None, :],
            r,
        )
    elif OP == "permute_210":
        r = tl.trans(x, 2, 1, 0)  # (C, B, A)
        tl.store(
            out_ptr
            + tl.arange(0, C)[:, None, None] * B * A
            + tl.arange(0, B)[None, :, None] * A
            + tl.arange(0, A)[None, None, :],
            r,
        )
    else:  # reshape then reduce: the view must keep the element order
        r = tl.sum(tl.reshape(x, (A, B * C)), axis=1)
        tl.store(out_ptr + tl.arange(0, A), r)


VIEW_REFS = {
    "reshape_2d": lambda x: x.reshape(-1, x.shape[2]),
    "reshape_1d": lambda x: x.reshape(-1),
    "reshape_other": lambda x: x.reshape(x.shape[0], -1),
    "trans_2d": lambda x: x.reshape(-1, x.shape[2]).T.contiguous(),
    "T_2d": lambda x: x.reshape(-1, x.shape[2]).T.contiguous(),
    "permute_021": lambda x: x.permute(0, 2, 1).contiguous(),
    "permute_102": lambda x: x.permute(1, 0, 2).contiguous(),
    "permute_120": lambda x: x.permute(1, 2, 0).contiguous(),
    "permute_201": lambda x: x.permute(2, 0, 1).contiguous(),
    "permute_210": lambda x: x.permute(2, 1, 0).contiguous(),
    "reshape_sum": lambda x: x.reshape(x.shape[0], -1).sum(1, dtype=x.dtype),
}
VIEW_CASES = (
    [(op, "f32") for op in VIEW_REFS]
    + [(op, "i32") for op in ("reshape_2d", "trans_2d", "permute_120")]
    + [("trans_2d", "f16"), ("permute_201", "i8")]
)


REDUCE = needs(features=["reduce"])


@cases("views", VIEW_CASES, op=lambda op, name: op,
       needs=lambda op, name: REDUCE if op == "reshape_sum" else needs())
def view_ops(op, name):
    a, b, c = 2, 4, 8
    x = (
        rand(name, a, b, c)
        if op != "reshape_sum"
        else torch.randint(-9, 9, (a, b, c)).to(DTYPES[name])
    )
    ref = VIEW_REFS[op](x)
    out = torch.empty_like(ref)
    return Plan(launch(_view_kernel, (1,), x, out, OP=op, A=a, B=b, C=c),
                check=lambda: check(out, ref))


# -- join, split, interleave, cat ----------------------------------------------------------


@triton.jit
def _join_split_kernel(
    a_ptr, b_ptr, out_ptr, out2_ptr, OP: tl.constexpr, M: tl.constexpr, N: tl.constexpr
):
    rm = tl.arange(0, M)[:, None]
    rn = tl.arange(0, N)[None, :]
    a = tl.load(a_ptr + rm * N + rn)
    b = tl.load(b_ptr + rm * N + rn)
    if OP == "join":
        r = tl.join(a, b)  # (M, N, 2)
        tl.store(
            out_ptr
            + rm[:, :, None] * (N * 2)
            + rn[:, :, None] * 2
            + tl.arange(0, 2)[None, None, :],
            r,
        )
    elif OP == "interleave":
        r = tl.interleave(a, b)  # (M, 2N)
        tl.store(out_ptr + rm * (2 * N) + tl.arange(0, 2 * N)[None, :], r)
    elif OP == "split":
        j = tl.reshape(tl.join(a, b), (M, N, 2))
        x, y = tl.split(j * 2)
        tl.store(out_ptr + rm * N + rn, x)
        tl.store(out2_ptr + rm * N + rn, y)
    elif OP == "split_loaded":
        # a holds M x N pairs: treat its rows as (M, N // 2, 2) and split the last axis
        p = tl.reshape(a, (M, N // 2, 2))
        x, y = tl.split(p)
        rh = tl.arange(0, N // 2)[None, :]
        tl.store(out_ptr + rm * (N // 2) + rh, x)
        tl.store(out2_ptr + rm * (N // 2) + rh, y)
    elif OP == "join_1d":
        r = tl.join(tl.sum(a, axis=1), tl.sum(b, axis=1))  # (M, 2)
        tl.store(out_ptr + tl.arange(0, M)[:, None] * 2 + tl.arange(0, 2)[None, :], r)
    else:  # cat with can_reorder: any order of the 2 * M * N elements is allowed
        r = tl.cat(tl.reshape(a, (M * N,)), tl.reshape(b, (M * N,)), can_reorder=True)
        tl.store(out_ptr + tl.arange(0, 2 * M * N), r)


@cases("views", product(["join", "interleave", "split", "split_loaded", "join_1d", "cat"],
                        ["f32", "i32", "f16", "i8"]), op=lambda op, name: op,
       needs=lambda op, name: REDUCE if op == "join_1d" else needs())
def join_split_cat(op, name):
    m, n = 4, 8
    a, b = rand(name, m, n), rand(name, m, n)
    out2 = torch.empty(0, dtype=a.dtype)
    ref2 = None
    if op == "join":
        ref = torch.stack([a, b], dim=-1)
    elif op == "interleave":
        ref = torch.stack([a, b], dim=-1).reshape(m, 2 * n)
    elif op == "split":
        ref, ref2 = a * 2, b * 2
        out2 = torch.empty_like(ref2)
    elif op == "split_loaded":
        ref, ref2 = a[:, 0::2].contiguous(), a[:, 1::2].contiguous()
        out2 = torch.empty_like(ref2)
    elif op == "join_1d":
        # tl.sum keeps f16/f32 and widens i8 to i32; integer-valued halves keep the sums exact
        a, b = (rand(name, m, n, low=-9, high=9, ints=True) for _ in range(2))
        acc = torch.int32 if name in ("i8", "i32") else a.dtype
        ref = torch.stack([a.sum(1, dtype=acc), b.sum(1, dtype=acc)], dim=-1)
    else:
        ref = torch.cat([a.reshape(-1), b.reshape(-1)])
    out = torch.empty_like(ref)

    def verify():
        if op == "cat":
            check(out.sort().values, ref.sort().values)
        else:
            check(out, ref)
        if op.startswith("split"):
            check(out2, ref2)

    return Plan(launch(_join_split_kernel, (1,), a, b, out, out2, OP=op, M=m, N=n), check=verify)


# -- gather and histogram --------------------------------------------------------------------


@triton.jit
def _gather_kernel(
    src_ptr, idx_ptr, out_ptr, AXIS: tl.constexpr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr
):
    src = tl.load(src_ptr + tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :])
    if AXIS == 0:
        offs = tl.arange(0, K)[:, None] * N + tl.arange(0, N)[None, :]  # index is (K, N)
    else:
        offs = tl.arange(0, M)[:, None] * K + tl.arange(0, K)[None, :]  # index is (M, K)
    idx = tl.load(idx_ptr + offs)
    tl.store(out_ptr + offs, tl.gather(src, idx, AXIS))


@cases("gather-histogram",
       [(name, idx, axis) for name, idx in (("f32", "i32"), ("i32", "i64"), ("f16", "i32"))
        for axis in (0, 1)], op="gather", needs=needs(features=["gather"]))
def gather(name, idx_name, axis):
    m, n, k = 8, 16, 32
    src = rand(name, m, n)
    shape = (k, n) if axis == 0 else (m, k)
    idx = torch.randint(0, (m, n)[axis], shape, dtype=DTYPES[idx_name])
    out = torch.empty(shape, dtype=src.dtype)
    return Plan(launch(_gather_kernel, (1,), src, idx, out, AXIS=axis, M=m, N=n, K=k),
                check=lambda: check(out, torch.gather(src, axis, idx.long())))


@triton.jit
def _histogram_kernel(x_ptr, out_ptr, n, MASKED: tl.constexpr, N: tl.constexpr, BINS: tl.constexpr):
    offs = tl.arange(0, N)
    if MASKED:
        x = tl.load(x_ptr + offs, mask=offs < n, other=0)
        h = tl.histogram(x, BINS, mask=offs < n)
    else:
        x = tl.load(x_ptr + offs)
        h = tl.histogram(x, BINS)
    tl.store(out_ptr + tl.arange(0, BINS), h)


@cases("gather-histogram", product([False, True], [8, 64]), op="histogram",
       needs=needs(features=["histogram"]))
def histogram(masked, bins):
    big = 1024
    n = 1000 if masked else big
    x = torch.randint(0, bins, (big,), dtype=torch.int32)
    out = torch.empty(bins, dtype=torch.int32)
    return Plan(launch(_histogram_kernel, (1,), x, out, n, MASKED=masked, N=big, BINS=bins),
                check=lambda: check(out, torch.bincount(x[:n], minlength=bins).to(torch.int32)))


# -- reductions ----------------------------------------------------------------------------


@triton.jit
def _prod_combine(a, b):
    return a * b


@triton.jit
def _max_abs_combine(a, b):
    return tl.maximum(tl.abs(a), tl.abs(b))


@triton.jit
def _reduce_kernel(
    x_ptr,
    out_ptr,
    OP: tl.constexpr,
    AXIS: tl.constexpr,
    KEEP: tl.constexpr,
    M: tl.constexpr,
    N: tl.constexpr,
):
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    x = tl.load(x_ptr + rm[:, None] * N + rn[None, :])
    if OP == "sum":
        r = tl.sum(x, axis=AXIS, keep_dims=KEEP)
    elif OP == "max":
        r = tl.max(x, axis=AXIS, keep_dims=KEEP)
    elif OP == "min":
        r = tl.min(x, axis=AXIS, keep_dims=KEEP)
    elif OP == "argmax":
        r = tl.argmax(x, axis=AXIS, keep_dims=KEEP)
    elif OP == "argmin":
        r = tl.argmin(x, axis=AXIS, keep_dims=KEEP)
    elif OP == "xor_sum":
        r = tl.xor_sum(x, axis=AXIS, keep_dims=KEEP)
    elif OP == "method_sum":
        r = x.sum(AXIS, keep_dims=KEEP)
    elif OP == "prod":
        r = tl.reduce(x, AXIS, _prod_combine, keep_dims=KEEP)
    else:
        r = tl.reduce(x, AXIS, _max_abs_combine, keep_dims=KEEP)
    if AXIS is None:
        if KEEP:
            tl.store(out_ptr + tl.zeros((1, 1), tl.int32), r)
        else:
            tl.store(out_ptr, r)
    elif AXIS == 0:
        if KEEP:
            tl.store(out_ptr + rn[None, :], r)
        else:
            tl.store(out_ptr + rn, r)
    else:
        if KEEP:
            tl.store(out_ptr + rm[:, None], r)
        else:
            tl.store(out_ptr + rm, r)


def _first_index(x: torch.Tensor, axis: int | None, pick) -> torch.Tensor:
    """The first index of the max/min (torch documents first-occurrence too; made explicit here)."""
    if axis is None:
        flat = x.reshape(-1)
        return (flat == pick(flat)).nonzero()[0, 0].to(torch.int32)
    best = pick(x, dim=axis, keepdim=True).values
    hits = (x == best).to(torch.int64)
    idx = torch.arange(x.shape[axis]).reshape((-1, 1) if axis == 0 else (1, -1))
    return torch.where(hits.bool(), idx, x.shape[axis]).min(dim=axis).values.to(torch.int32)


def reduce_ref(op: str, x: torch.Tensor, axis: int | None) -> torch.Tensor:
    dims = tuple(range(x.ndim)) if axis is None else axis
    acc = torch.int32 if x.dtype == torch.int8 else x.dtype
    if op in ("sum", "method_sum"):
        if x.dtype in (torch.float16, torch.bfloat16):
            return x.float().sum(dims).to(x.dtype)
        return x.sum(dims, dtype=acc)
    if op == "max":
        return x.amax(dims)
    if op == "min":
        return x.amin(dims)
    if op == "argmax":
        return _first_index(x, axis, lambda t, **k: t.max(**k) if k else t.max())
    if op == "argmin":
        return _first_index(x, axis, lambda t, **k: t.min(**k) if k else t.min())
    if op == "xor_sum":
        r = torch.zeros_like(x.sum(dims))
        for s in x.unbind(axis) if axis is not None else x.reshape(-1).unbind(0):
            r = r ^ s
        return r
    if op == "prod":
        return (
            x.double().prod(dim=axis).to(x.dtype)
            if axis is not None
            else x.double().prod().to(x.dtype)
        )
    return x.abs().amax(dims)


REDUCE_CASES = (
    [
        (op, d, ax)
        for op in ("sum", "max", "min", "argmax", "argmin")
        for d in ("f32", "i32")
        for ax in (0, 1)
    ]
    + [(op, "f32", None) for op in ("sum", "max", "min")]  # Triton's argmax/argmin need an axis
    + [
        ("sum", "f16", 1),
        ("max", "bf16", 0),
        ("sum", "i8", 0),
        ("min", "i64", 1),
        ("argmax", "f16", 1),
        ("xor_sum", "i32", 0),
        ("xor_sum", "i32", 1),
        ("method_sum", "f32", 0),
        ("prod", "f32", 1),
        ("prod", "i32", 0),
        ("max_abs", "f32", 0),
        ("max_abs", "i32", None),
    ]
)


@cases("reductions", REDUCE_CASES, ids=lambda o, d, a: f"{o}-{d}-axis{a}",
       op=lambda op, name, axis: op, needs=REDUCE)
def reduce(op, name, axis):
    m, n = 8, 32  # not square: a reduction along the wrong axis has the wrong shape or values
    # Small ints: ties for argmax/argmin. Half-precision sums get integer values so they are exact.
    x = rand(name, m, n, low=-9, high=9, ints=name in ("f16", "bf16") and op == "sum")
    if op == "prod":
        x = (
            torch.randint(-2, 3, (m, n)).to(DTYPES[name])
            if name != "f32"
            else 1 + 0.05 * torch.randn(m, n)
        )
        if name == "i32" and axis == 0:
            x[x == 0] = 1
    ref = reduce_ref(op, x, axis)
    out = torch.empty_like(ref).reshape(-1)
    tol = {"rtol": 1e-2, "atol": 1e-2} if name in ("f16", "bf16") else {"rtol": 1e-5, "atol": 1e-5}
    return Plan(launch(_reduce_kernel, (1,), x, out, OP=op, AXIS=axis, KEEP=False, M=m, N=n),
                check=lambda: check(out.reshape(ref.shape), ref, **tol))


@cases("reductions", [("sum", 0), ("sum", 1), ("sum", None), ("argmax", 0), ("argmax", 1)],
       op=lambda op, axis: op, needs=REDUCE)
def reduce_keep_dims(op, axis):
    m, n = 8, 32
    x = rand("f32", m, n)
    ref = reduce_ref(op, x, axis)
    out = torch.empty(ref.numel(), dtype=ref.dtype)
    return Plan(launch(_reduce_kernel, (1,), x, out, OP=op, AXIS=axis, KEEP=True, M=m, N=n),
                check=lambda: check(out.reshape(ref.shape), ref, rtol=1e-5, atol=1e-5))


@triton.jit
def _argmax_combine(v0, i0, v1, i1):
    take_left = (v0 > v1) | ((v0 == v1) & (i0 < i1))
    return tl.where(take_left, v0, v1), tl.where(take_left, i0, i1)


@triton.jit
def _sum_and_sumsq_combine(s0, q0, s1, q1):
    return s0 + s1, q0 + q1


@triton.jit
def _tuple_reduce_kernel(
    x_ptr,
    out_v_ptr,
    out_i_ptr,
    OP: tl.constexpr,
    AXIS: tl.constexpr,
    M: tl.constexpr,
    N: tl.constexpr,
):
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    x = tl.load(x_ptr + rm[:, None] * N + rn[None, :])
    if OP == "argmax":
        if AXIS == 0:
            idx = tl.broadcast_to(rm[:, None], (M, N))
        else:
            idx = tl.broadcast_to(rn[None, :], (M, N))
        v, i = tl.reduce((x, idx), AXIS, _argmax_combine)
    else:
        v, i = tl.reduce((x, x * x), AXIS, _sum_and_sumsq_combine)
    out = rn if AXIS == 0 else rm
    tl.store(out_v_ptr + out, v)
    tl.store(out_i_ptr + out, i)


@cases("reductions", product(["argmax", "sum_sumsq"], [0, 1]), op="reduce", needs=REDUCE)
def tuple_reduce(op, axis):
    m, n = 8, 32
    if op == "argmax":
        x = torch.randint(-5, 5, (m, n), dtype=torch.int32)
        ref_v = x.amax(axis)
        ref_i = _first_index(x, axis, lambda t, **k: t.max(**k))
        out_i = torch.empty_like(ref_i)
    else:
        x = torch.randn(m, n)
        ref_v, ref_i = x.sum(axis), (x * x).sum(axis)
        out_i = torch.empty_like(ref_i)
    out_v = torch.empty_like(ref_v)
    tol = {"rtol": 1e-5, "atol": 1e-5} if op != "argmax" else {}

    def verify():
        check(out_v, ref_v, **tol)
        check(out_i, ref_i, **tol)

    return Plan(launch(_tuple_reduce_kernel, (1,), x, out_v, out_i, OP=op, AXIS=axis, M=m, N=n),
                check=verify)


@triton.jit
def _softmax_kernel(x_ptr, out_ptr, n, stride, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + row * stride + offs, mask=offs < n, other=-float("inf"))
    z = x - tl.max(x, axis=0)
    e = tl.exp(z)
    tl.store(out_ptr + row * stride + offs, e / tl.sum(e, axis=0), mask=offs < n)


@cases("reductions", [1, 17, 128, 1000], op="softmax", needs=REDUCE)
def masked_row_softmax(n):
    rows = 7
    x = torch.randn(rows, n) * 4
    out = torch.empty_like(x)
    return Plan(launch(_softmax_kernel, (rows,), x, out, n, x.stride(0),
                       BLOCK=triton.next_power_of_2(n)),
                check=lambda: check(out, torch.softmax(x, dim=1), rtol=1e-5, atol=1e-6))


# -- scans ---------------------------------------------------------------------------------


@triton.jit
def _running_max(a, b):
    return tl.maximum(a, b)


@triton.jit
def _affine_combine(a0, b0, a1, b1):
    # composition of x -> a0 * x + b0 followed by x -> a1 * x + b1
    return a0 * a1, b0 * a1 + b1


@triton.jit
def _scan_kernel(
    x_ptr,
    y_ptr,
    out_ptr,
    out2_ptr,
    OP: tl.constexpr,
    AXIS: tl.constexpr,
    REVERSE: tl.constexpr,
    M: tl.constexpr,
    N: tl.constexpr,
):
    offs = tl.arange(0, M)[:, None] * N + tl.arange(0, N)[None, :]
    x = tl.load(x_ptr + offs)
    if OP == "cumsum":
        r = tl.cumsum(x, axis=AXIS, reverse=REVERSE)
    elif OP == "cumprod":
        r = tl.cumprod(x, axis=AXIS, reverse=REVERSE)
    elif OP == "running_max":
        r = tl.associative_scan(x, AXIS, _running_max, reverse=REVERSE)
    else:
        y = tl.load(y_ptr + offs)
        r, r2 = tl.associative_scan((x, y), AXIS, _affine_combine, reverse=REVERSE)
        tl.store(out2_ptr + offs, r2)
    tl.store(out_ptr + offs, r)


def scan_ref(op: str, x: torch.Tensor, axis: int, reverse: bool) -> torch.Tensor:
    if reverse:
        return scan_ref(op, x.flip(axis), axis, False).flip(axis)
    if op == "cumsum":
        return x.cumsum(axis, dtype=x.dtype)
    if op == "cumprod":
        return x.cumprod(axis, dtype=x.dtype)
    return x.cummax(axis).values


SCAN_CASES = [
    (op, d, ax, rev)
    for op, d in (("cumsum", "f32"), ("cumsum", "i32"), ("cumprod", "f32"), ("running_max", "f32"))
    for ax in (0, 1)
    for rev in (False, True)
] + [("cumsum", "i64", 1, False), ("cumprod", "i32", 0, True)]


SCAN = needs(features=["scan"])


@cases("scans", SCAN_CASES, ids=lambda o, d, a, r: f"{o}-{d}-axis{a}-{'rev' if r else 'fwd'}",
       op=lambda op, *_: op, needs=SCAN)
def scan(op, name, axis, reverse):
    m, n = 8, 16
    x = rand(name, m, n, low=-9, high=9)
    if op == "cumprod":
        x = (
            (1 + 0.1 * torch.randn(m, n))
            if name == "f32"
            else torch.randint(-2, 3, (m, n), dtype=torch.int32)
        )
    ref = scan_ref(op, x, axis, reverse)
    out = torch.empty_like(ref)
    return Plan(launch(_scan_kernel, (1,), x, x, out, out, OP=op, AXIS=axis, REVERSE=reverse,
                       M=m, N=n),
                check=lambda: check(out, ref, rtol=1e-5, atol=1e-5))


@cases("scans", product([False, True], [0, 1]), op="associative_scan", needs=SCAN)
def tuple_scan_linear_recurrence(reverse, axis):
    """h_t = a_t * h_{t-1} + b_t as an associative scan over (a, b) pairs."""
    m, n = 8, 16
    a, b = 0.5 + 0.5 * torch.rand(m, n), torch.randn(m, n)
    ra, rb = a.clone(), b.clone()
    ra, rb = (ra.flip(axis), rb.flip(axis)) if reverse else (ra, rb)
    h_a, h_b = torch.empty_like(ra), torch.empty_like(rb)
    acc_a, acc_b = torch.ones_like(ra.select(axis, 0)), torch.zeros_like(rb.select(axis, 0))
    for t in range(ra.shape[axis]):
        at, bt = ra.select(axis, t), rb.select(axis, t)
        acc_a, acc_b = acc_a * at, acc_b * at + bt
        h_a.select(axis, t).copy_(acc_a)
        h_b.select(axis, t).copy_(acc_b)
    if reverse:
        h_a, h_b = h_a.flip(axis), h_b.flip(axis)
    out_a, out_b = torch.empty_like(a), torch.empty_like(b)

    def verify():
        check(out_a, h_a, rtol=1e-5, atol=1e-6)
        check(out_b, h_b, rtol=1e-5, atol=1e-5)

    return Plan(launch(_scan_kernel, (1,), a, b, out_a, out_b, OP="affine", AXIS=axis,
                       REVERSE=reverse, M=m, N=n), check=verify)


@triton.jit
def _cumsum_1d_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.arange(0, BLOCK)
    x = tl.load(x_ptr + offs, mask=offs < n, other=0)
    tl.store(out_ptr + offs, tl.cumsum(x, 0), mask=offs < n)


@cases("scans", [1, 5, 100, 1024], op="cumsum", needs=SCAN)
def cumsum_1d_masked(n):
    x = torch.randint(-100, 100, (n,), dtype=torch.int32)
    out = torch.empty_like(x)
    return Plan(launch(_cumsum_1d_kernel, (1,), x, out, n, BLOCK=triton.next_power_of_2(n)),
                check=lambda: check(out, x.cumsum(0, dtype=torch.int32)))


# -- tl.dot --------------------------------------------------------------------------------


@triton.jit
def _dot_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    out_ptr,
    MODE: tl.constexpr,
    PRECISION: tl.constexpr,
    M: tl.constexpr,
    N: tl.constexpr,
    K: tl.constexpr,
):
    rm = tl.arange(0, M)
    rn = tl.arange(0, N)
    rk = tl.arange(0, K)
    a = tl.load(a_ptr + rm[:, None] * K + rk[None, :])
    b = tl.load(b_ptr + rk[:, None] * N + rn[None, :])
    c_offs = rm[:, None] * N + rn[None, :]
    if MODE == "plain":
        r = tl.dot(a, b, input_precision=PRECISION)
    elif MODE == "acc":
        c = tl.load(c_ptr + c_offs)
        r = tl.dot(a, b, acc=c, input_precision=PRECISION)
    elif MODE == "out_f16":
        r = tl.dot(a, b, out_dtype=tl.float16)
    elif MODE == "default_precision":  # the backend's default input precision, plus a separate add
        r = tl.dot(a, b) + tl.load(c_ptr + c_offs)
    else:  # b loaded transposed: a @ trans(b^T)
        bt = tl.load(b_ptr + rn[:, None] * K + rk[None, :])  # b_ptr holds b^T (N, K) here
        r = tl.dot(a, tl.trans(bt), input_precision=PRECISION)
    tl.store(out_ptr + c_offs, r)


DOT_CASES = [
    ("f32", "plain", "ieee", (16, 16, 16)),
    ("f32", "plain", "ieee", (32, 64, 16)),
    ("f32", "acc", "ieee", (16, 32, 64)),
    ("f32", "plain", "tf32", (16, 16, 32)),
    ("f32", "trans_b", "ieee", (16, 32, 16)),
    ("f32", "default_precision", "ieee", (16, 16, 16)),
    ("f16", "plain", "ieee", (16, 16, 16)),
    ("f16", "acc", "ieee", (32, 16, 32)),
    ("f16", "out_f16", "ieee", (16, 16, 16)),
    ("bf16", "plain", "ieee", (16, 32, 16)),
    ("bf16", "acc", "ieee", (16, 16, 64)),
    ("i8", "plain", "ieee", (16, 16, 32)),
    ("i8", "acc", "ieee", (32, 32, 16)),
]


def _dot_needs(name: str, mode: str, precision: str, mnk: tuple[int, int, int]):
    acc = "i32" if name == "i8" else "fp16" if mode == "out_f16" else "fp32"
    return needs(dot=[(TRITON_TYPE[name], acc, mnk)])


@cases("dot", DOT_CASES, op="dot", needs=_dot_needs)
def dot(name, mode, precision, mnk):
    m, n, k = mnk
    if name == "i8":
        a = torch.randint(-128, 128, (m, k), dtype=torch.int8)
        b = torch.randint(-128, 128, (k, n), dtype=torch.int8)
        acc_t = torch.int32
        ref = a.to(torch.int32) @ b.to(torch.int32)
        c = torch.randint(-1000, 1000, (m, n), dtype=torch.int32)
    else:
        a, b = rand(name, m, k), rand(name, k, n)
        acc_t = torch.float32
        ref = a.double() @ b.double()
        c = torch.randn(m, n)
    if mode in ("acc", "default_precision"):
        ref = ref + c.to(ref.dtype)
    ref = ref.to(torch.float16 if mode == "out_f16" else acc_t)
    out = torch.empty_like(ref)
    b_arg = b.T.contiguous() if mode == "trans_b" else b

    def verify():
        if name == "i8":
            check(out, ref)
        elif mode == "out_f16":
            check(out, ref, rtol=2e-3, atol=5e-2)
        elif precision == "tf32":
            check(out, ref, rtol=1e-2, atol=5e-2)
        else:
            check(out, ref, rtol=1e-5, atol=1e-4)

    return Plan(launch(_dot_kernel, (1,), a, b_arg, c, out, MODE=mode, PRECISION=precision,
                       M=m, N=n, K=k), check=verify)


@triton.jit
def _batched_dot_kernel(
    a_ptr, b_ptr, out_ptr, B: tl.constexpr, M: tl.constexpr, N: tl.constexpr, K: tl.constexpr
):
    rb = tl.arange(0, B)[:, None, None]
    rm = tl.arange(0, M)[None, :, None]
    rn = tl.arange(0, N)[None, None, :]
    a = tl.load(a_ptr + rb * M * K + rm * K + tl.arange(0, K)[None, None, :])
    b = tl.load(b_ptr + rb * K * N + tl.arange(0, K)[None, :, None] * N + rn)
    tl.store(out_ptr + rb * M * N + rm * N + rn, tl.dot(a, b, input_precision="ieee"))


@cases("dot", op="dot", needs=needs(dot=[("fp32", "fp32", (16, 16, 16))],
                                   features=["batched_dot"]))
def batched_3d_dot():
    bsz, m, n, k = 2, 16, 16, 16
    a, b = torch.randn(bsz, m, k), torch.randn(bsz, k, n)
    out = torch.empty(bsz, m, n)
    ref = torch.bmm(a.double(), b.double()).float()
    return Plan(launch(_batched_dot_kernel, (1,), a, b, out, B=bsz, M=m, N=n, K=k),
                check=lambda: check(out, ref, rtol=1e-5, atol=1e-4))


@triton.jit
def _matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    sam,
    sak,
    sbk,
    sbn,
    scm,
    scn,
    BM: tl.constexpr,
    BN: tl.constexpr,
    BK: tl.constexpr,
):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    rm = pid_m * BM + tl.arange(0, BM)
    rn = pid_n * BN + tl.arange(0, BN)
    rk = tl.arange(0, BK)
    acc = tl.zeros((BM, BN), dtype=tl.float32)
    for k0 in range(0, K, BK):
        a = tl.load(
            a_ptr + rm[:, None] * sam + (k0 + rk)[None, :] * sak,
            mask=(rm[:, None] < M) & ((k0 + rk)[None, :] < K),
            other=0.0,
        )
        b = tl.load(
            b_ptr + (k0 + rk)[:, None] * sbk + rn[None, :] * sbn,
            mask=((k0 + rk)[:, None] < K) & (rn[None, :] < N),
            other=0.0,
        )
        acc += tl.dot(a, b, input_precision="ieee")
    tl.store(
        c_ptr + rm[:, None] * scm + rn[None, :] * scn,
        acc.to(c_ptr.dtype.element_ty),
        mask=(rm[:, None] < M) & (rn[None, :] < N),
    )


MATMUL_CASES = [
    ("f32", 37, 45, 50, "nn"),
    ("f32", 64, 32, 16, "tn"),
    ("f16", 33, 17, 40, "nt"),
    ("bf16", 48, 48, 48, "tt"),
]


@cases("dot", MATMUL_CASES, ids=lambda name, m, n, k, layout: f"{name}-{m}x{n}x{k}-{layout}",
       op="dot", needs=lambda name, *_: needs(dot=[(TRITON_TYPE[name], "fp32", (16, 16, 16))]))
def tiled_matmul_with_strides(name, m, n, k, layout):
    """A K-loop over masked, strided (transposed) tiles with an fp32 accumulator in a 2-D grid."""
    a = rand(name, k, m).T if layout[0] == "t" else rand(name, m, k)
    b = rand(name, n, k).T if layout[1] == "t" else rand(name, k, n)
    out = torch.empty(n, m, dtype=a.dtype).T  # transposed output too
    grid = (triton.cdiv(m, 16), triton.cdiv(n, 16))
    ref = (a.double() @ b.double()).to(a.dtype)
    tol = {"rtol": 1e-5, "atol": 1e-4} if name == "f32" else {"rtol": 1e-2, "atol": 5e-2}
    return Plan(launch(_matmul_kernel, grid, a, b, out, m, n, k, *a.stride(), *b.stride(),
                       *out.stride(), BM=16, BN=16, BK=16),
                check=lambda: check(out, ref, **tol))


# -- strided loads and stores ----------------------------------------------------------------


@triton.jit
def _strided_copy_kernel(
    x_ptr, out_ptr, m, n, sxm, sxn, som, son, BM: tl.constexpr, BN: tl.constexpr
):
    rm = tl.program_id(0) * BM + tl.arange(0, BM)
    rn = tl.program_id(1) * BN + tl.arange(0, BN)
    mask = (rm[:, None] < m) & (rn[None, :] < n)
    x = tl.load(x_ptr + rm[:, None] * sxm + rn[None, :] * sxn, mask=mask)
    tl.store(out_ptr + rm[:, None] * som + rn[None, :] * son, x * 2 + 1, mask=mask)


def _strided_views(kind: str, name: str):
    base = rand(name, 40, 70)
    if kind == "transposed_in":
        return base.T, torch.empty(70, 40, dtype=base.dtype)
    if kind == "every_other_column":
        return base[:, ::2], torch.empty(40, 35, dtype=base.dtype)
    if kind == "sub_block":
        return base[3:33, 5:50], torch.empty(30, 45, dtype=base.dtype)
    if kind == "transposed_out":
        return base, torch.empty(70, 40, dtype=base.dtype).T
    if kind == "both_strided":
        x = base[::3, 1::2]
        return x, torch.empty(2 * x.shape[0], 3 * x.shape[1], dtype=base.dtype)[::2, 1::3]
    return base.T[::2], torch.empty(35, 80, dtype=base.dtype)[:, ::2]


STRIDED_KINDS = [
    "transposed_in",
    "every_other_column",
    "sub_block",
    "transposed_out",
    "both_strided",
    "transposed_step",
]


@cases("strides", product(["f32", "i32"], STRIDED_KINDS), op="load")
def strided_2d_copy(name, kind):
    x, out = _strided_views(kind, name)
    assert out.shape == x.shape, (kind, out.shape, x.shape)
    m, n = x.shape
    grid = (triton.cdiv(m, 16), triton.cdiv(n, 32))
    return Plan(launch(_strided_copy_kernel, grid, x, out, m, n, *x.stride(), *out.stride(),
                       BM=16, BN=32),
                check=lambda: check(out, x * 2 + 1))


@triton.jit
def _column_sum_kernel(x_ptr, out_ptr, m, stride_m, BM: tl.constexpr):
    col = tl.program_id(0)
    rm = tl.arange(0, BM)
    x = tl.load(x_ptr + rm * stride_m + col, mask=rm < m, other=0.0)
    tl.store(out_ptr + col, tl.sum(x, axis=0))


@cases("strides", op="load", needs=REDUCE)
def strided_column_gather_per_program():
    x = torch.randn(100, 24)
    out = torch.empty(24)
    return Plan(launch(_column_sum_kernel, (24,), x, out, 100, x.stride(0), BM=128),
                check=lambda: check(out, x.sum(0), rtol=1e-5, atol=1e-5))


# -- random numbers --------------------------------------------------------------------------


@triton.jit
def _rand_kernel(out_ptr, seed, n, KIND: tl.constexpr, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    if KIND == "rand":
        r = tl.rand(seed, offs)
    elif KIND == "randn":
        r = tl.randn(seed, offs)
    elif KIND == "randint":
        r = tl.randint(seed, offs).to(tl.int32, bitcast=True)
    else:
        a, b, c, d = tl.randint4x(seed, offs)
        r = (a ^ b ^ c ^ d).to(tl.int32, bitcast=True)
    tl.store(out_ptr + offs, r, mask=offs < n)


def _philox_randint(seed: int, offsets: np.ndarray, rounds: int = 10) -> np.ndarray:
    """Triton's randint (Philox-4x32, first output) for int32 offsets, in numpy."""
    m = np.uint64(0xFFFFFFFF)
    c0 = offsets.astype(np.uint64) & m
    c1 = np.zeros_like(c0)
    c2 = np.zeros_like(c0)
    c3 = np.zeros_like(c0)
    k0, k1 = np.uint64(seed & 0xFFFFFFFF), np.uint64((seed >> 32) & 0xFFFFFFFF)
    a, b = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
    for _ in range(rounds):
        p0, p2 = b * c2, a * c0
        c0, c1, c2, c3 = (
            (p0 >> np.uint64(32)) ^ c1 ^ k0,
            p0 & m,
            (p2 >> np.uint64(32)) ^ c3 ^ k1,
            p2 & m,
        )
        k0 = (k0 + np.uint64(0x9E3779B9)) & m
        k1 = (k1 + np.uint64(0xBB67AE85)) & m
    return c0.astype(np.uint32)


RANDOM = needs(features=["random"])


@cases("random", [0, 1234, 2**33 + 7], op="randint", needs=RANDOM)
def randint_matches_philox(seed):
    n = 1000
    out = torch.empty(n, dtype=torch.int32)
    ref = _philox_randint(seed, np.arange(n))
    return Plan(launch(_rand_kernel, (triton.cdiv(n, 256),), out, seed, n, KIND="randint",
                       BLOCK=256),
                check=lambda: np.testing.assert_array_equal(out.numpy().view(np.uint32), ref))


@cases("random", ["rand", "randn", "randint", "randint4x"], op=lambda kind: kind, needs=RANDOM)
def random_statistics_and_determinism(kind):
    n = 1 << 14
    dtype = torch.int32 if kind.startswith("randint") else torch.float32
    seeds = (42, 42, 43)
    outs = [torch.empty(n, dtype=dtype) for _ in seeds]
    return Plan(*(launch(_rand_kernel, (n // 1024,), out, seed, n, KIND=kind, BLOCK=1024)
                  for out, seed in zip(outs, seeds)),
                check=lambda: _check_random(kind, outs, n))


def _check_random(kind: str, outs: list[torch.Tensor], n: int) -> None:
    assert torch.equal(outs[0], outs[1]), "same seed, different numbers"
    assert (outs[0] != outs[2]).float().mean() > 0.99, "different seeds, same numbers"
    x = outs[0]
    if kind == "rand":
        assert x.min() >= 0 and x.max() < 1
        assert abs(x.mean().item() - 0.5) < 0.02 and abs(x.var().item() - 1 / 12) < 0.01
    elif kind == "randn":
        assert abs(x.mean().item()) < 0.05 and abs(x.std().item() - 1) < 0.05
        assert 0.6 < (x.abs() < 1).float().mean().item() < 0.76
    else:
        u = x.numpy().view(np.uint32).astype(np.float64) / 2**32
        assert abs(u.mean() - 0.5) < 0.02
        assert len(np.unique(x.numpy())) > 0.99 * n
