"""Block pointers on Triton 3.9 with Triton 3.5's semantics: `tl.make_block_ptr`, `tl.advance`,
and `tl.load` / `tl.store` with `boundary_check` and `padding_option`, installed by `install(tl)`.

Triton 3.9 removed block pointers (`tl.make_block_ptr` raises while tracing). flagtree brings
them back in the frontend: a block pointer is a `block_ptr` value (base + i64 offsets, shape and
strides; see `block_ptr_value`), which flows through loops, `if`s and `@jit` calls like any
Triton aggregate, and loads and stores expand it into the explicit pointer tile and mask that
Triton 3.5's RewriteTensorPointer pass produced. Every backend then sees ordinary structured
loads and stores. `tl.load` / `tl.store` keep Triton 3.9's exact behaviour for other pointers.
"""

from __future__ import annotations

from triton.language import core

from flagtree.compat.block_ptr_value import (
    as_list,
    block_ptr,
    block_ptr_type,
    expand,
    to_i64,
    where_in_kernel,
)

_PADDINGS = ("", "zero", "nan")


def _boundary_dims(op: str, boundary_check, rank: int, where: str) -> tuple[int, ...]:
    """Triton 3.5's `boundary_check`: distinct dimension indices of the block, sorted."""
    dims = as_list(boundary_check) if boundary_check is not None else []
    if dims == [None] or dims == [()]:
        dims = []
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, int):
            raise TypeError(f"{op}: boundary_check must hold dimension indices (ints), got "
                            f"{d!r}{where}")
        if not 0 <= d < rank:
            raise ValueError(f"{op}: boundary_check names dimension {d}, but the block pointer "
                             f"has {rank} dimension{'s' if rank != 1 else ''} (0..{rank - 1})"
                             f"{where}")
    if len(set(dims)) != len(dims):
        raise ValueError(f"{op}: boundary_check names a dimension twice: {tuple(dims)}{where}")
    return tuple(sorted(dims))


def _padding(padding_option, where: str) -> str:
    padding = core._unwrap_if_constexpr(padding_option)
    padding = "" if padding is None else padding
    if padding not in _PADDINGS:
        raise ValueError(f"tl.load: padding_option {padding!r} is not supported (use "
                         f"\"zero\", \"nan\" or leave it out){where}")
    return padding


def _make_block_ptr(base, shape, strides, offsets, block_shape, order, _semantic=None,
                    _generator=None):
    where = where_in_kernel(_generator)
    if not isinstance(base, core.tensor) or base.type.is_block() or not base.dtype.is_ptr():
        kind = getattr(base, "type", type(base).__name__)
        raise TypeError(f"tl.make_block_ptr: `base` must be a scalar pointer, got {kind}{where}")
    block_shape = as_list(block_shape)
    order = as_list(order)
    shape, strides, offsets = as_list(shape), as_list(strides), as_list(offsets)
    rank = len(block_shape)
    if rank == 0:
        raise ValueError(f"tl.make_block_ptr: block_shape needs at least one dimension{where}")
    for name, values in (("shape", shape), ("strides", strides), ("offsets", offsets),
                         ("order", order)):
        if len(values) != rank:
            raise ValueError(f"tl.make_block_ptr: `{name}` has {len(values)} entries but "
                             f"block_shape {tuple(block_shape)} has {rank}{where}")
    for i, size in enumerate(block_shape):
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"tl.make_block_ptr: block_shape[{i}] must be a constant integer "
                            f"(tl.constexpr), got {size!r}{where}")
        if size <= 0 or size & (size - 1):
            raise ValueError(f"tl.make_block_ptr: block_shape[{i}] = {size} is not a power of "
                             f"two{where}")
    if sorted(o if isinstance(o, int) else -1 for o in order) != list(range(rank)):
        raise ValueError(f"tl.make_block_ptr: `order` must be a permutation of "
                         f"{tuple(range(rank))}, got {tuple(order)}{where}")
    pointer_ty = base.dtype
    if pointer_ty.element_ty == core.int1:
        # As in Triton 3.5: blocks of booleans are read and written as int8.
        pointer_ty = core.pointer_type(core.int8, pointer_ty.address_space)
        base = _semantic.cast(base, pointer_ty)
    ty = block_ptr_type(pointer_ty, tuple(block_shape), tuple(order))

    def scalars(name, values):
        return [to_i64(v, f"tl.make_block_ptr: {name}[{i}]", _semantic, where)
                for i, v in enumerate(values)]

    return block_ptr(base, scalars("offsets", offsets), scalars("shape", shape),
                     scalars("strides", strides), ty)


def _advance(base, offsets, _semantic=None, _generator=None):
    where = where_in_kernel(_generator)
    if not isinstance(base, block_ptr):
        kind = getattr(base, "type", type(base).__name__)
        raise TypeError(f"tl.advance expects a block pointer made by tl.make_block_ptr, got a "
                        f"value of type {kind}{where}")
    deltas = as_list(offsets)
    if len(deltas) != base.type.rank:
        raise ValueError(f"tl.advance: {len(deltas)} offsets for a {base.type.rank}-D block "
                         f"pointer{where}")
    moved = []
    for d, (old, delta) in enumerate(zip(base.offsets, deltas)):
        if isinstance(delta, int) and not isinstance(delta, bool) and delta == 0:
            moved.append(old)  # unchanged: stays loop-invariant when advanced in a loop
            continue
        step = to_i64(delta, f"tl.advance: offsets[{d}]", _semantic, where)
        moved.append(_semantic.add(old, step, sanitize_overflow=False))
    return base.with_offsets(moved)


def _load_block(ptr: block_ptr, mask, other, boundary_check, padding_option, cache_modifier,
                eviction_policy, volatile, original, semantic, where):
    if core._unwrap_if_constexpr(mask) is not None or core._unwrap_if_constexpr(other) is not None:
        raise ValueError(f"tl.load: `mask` and `other` cannot be given with a block pointer "
                         f"(use boundary_check and padding_option){where}")
    dims = _boundary_dims("tl.load", boundary_check, ptr.type.rank, where)
    padding = _padding(padding_option, where)
    elem = ptr.type.pointer_ty.element_ty
    if padding == "nan" and not elem.is_floating():
        raise ValueError(f"tl.load: padding_option \"nan\" needs a floating-point block, got "
                         f"{elem}{where}")
    pointers, bounds = expand(semantic, ptr, dims)
    fill = None
    if bounds is not None and padding:
        fill = semantic.scalar_constant(0 if padding == "zero" else float("nan"), elem)
    return original(pointers, bounds, fill, cache_modifier=cache_modifier,
                    eviction_policy=eviction_policy, volatile=volatile, _semantic=semantic)


def _store_block(ptr: block_ptr, value, mask, boundary_check, cache_modifier, eviction_policy,
                 original, semantic, where):
    if core._unwrap_if_constexpr(mask) is not None:
        raise ValueError(f"tl.store: `mask` cannot be given with a block pointer (use "
                         f"boundary_check){where}")
    dims = _boundary_dims("tl.store", boundary_check, ptr.type.rank, where)
    value = semantic.to_tensor(value)
    shape = ptr.block_shape
    if not value.type.is_block():
        value = semantic.splat(value, list(shape))
    value_shape = tuple(value.type.get_block_shapes())
    if value_shape != shape:
        raise ValueError(f"tl.store: a block of shape {value_shape} does not match the "
                         f"block pointer's shape {shape}{where}")
    elem = ptr.type.pointer_ty.element_ty
    if value.dtype != elem:
        raise TypeError(f"tl.store: a block of {value.dtype} does not match the block "
                        f"pointer's element type {elem} (convert it with .to({elem})){where}")
    pointers, bounds = expand(semantic, ptr, dims)
    return original(pointers, value, bounds, cache_modifier=cache_modifier,
                    eviction_policy=eviction_policy, _semantic=semantic)


def _wrap_load(original):
    def load(pointer, mask=None, other=None, boundary_check=(), padding_option="",
             cache_modifier="", eviction_policy="", volatile=False, _semantic=None,
             _generator=None):
        if isinstance(pointer, block_ptr):
            return _load_block(pointer, mask, other, boundary_check, padding_option,
                               cache_modifier, eviction_policy, volatile, original, _semantic,
                               where_in_kernel(_generator))
        if as_list(boundary_check) not in ([], [()], [None]) or _padding(padding_option, ""):
            raise ValueError("tl.load: boundary_check and padding_option need a block pointer "
                             "(made by tl.make_block_ptr); use `mask` and `other` with a tensor "
                             f"of pointers{where_in_kernel(_generator)}")
        return original(pointer, mask, other, cache_modifier=cache_modifier,
                        eviction_policy=eviction_policy, volatile=volatile, _semantic=_semantic)

    load.__doc__ = (original.__doc__ or "") + _BLOCK_DOC
    return load


def _wrap_store(original):
    def store(pointer, value, mask=None, boundary_check=(), cache_modifier="",
              eviction_policy="", _semantic=None, _generator=None):
        if isinstance(pointer, block_ptr):
            return _store_block(pointer, value, mask, boundary_check, cache_modifier,
                                eviction_policy, original, _semantic, where_in_kernel(_generator))
        if as_list(boundary_check) not in ([], [()], [None]):
            raise ValueError("tl.store: boundary_check needs a block pointer (made by "
                             "tl.make_block_ptr); use `mask` with a tensor of pointers"
                             f"{where_in_kernel(_generator)}")
        return original(pointer, value, mask, cache_modifier=cache_modifier,
                        eviction_policy=eviction_policy, _semantic=_semantic)

    store.__doc__ = (original.__doc__ or "") + _BLOCK_DOC
    return store


_BLOCK_DOC = """
    With a block pointer (from `tl.make_block_ptr`, restored by flagtree with Triton 3.5's
    semantics), `mask` and `other` must be left out; `boundary_check` (a tuple of dimension
    indices) masks the dimensions to check against the tensor's shape, and `padding_option`
    ("zero", "nan" or "") gives the value of the out-of-bounds elements a load returns.
"""

_MAKE_DOC = """
    Returns a pointer to a block of a parent tensor (Triton 3.5's block pointer, restored by
    flagtree on Triton 3.9).

    :param base: the base pointer of the parent tensor
    :param shape: the shape of the parent tensor
    :param strides: the strides of the parent tensor (in elements)
    :param offsets: the offsets of the block's first element in the parent tensor
    :param block_shape: the shape of the block (constant powers of two)
    :param order: the order of the dimensions in memory, fastest-varying last (a hint)
"""

_ADVANCE_DOC = """
    Advance a block pointer: returns a copy whose offsets are moved by `offsets`.

    :param base: the block pointer to advance
    :param offsets: the offsets to advance by, one per dimension
"""


def _builtin(fn, doc: str, name: str):
    fn.__doc__ = doc
    fn.__name__ = fn.__qualname__ = name
    return core.builtin(fn)


# Triton 3.9's own builtins that `install` replaced, by name (for tests and debugging).
TRITON_BUILTINS: dict = {}


def install(tl) -> None:
    """Install block pointers into `triton.language` (`tl`), `triton.language.core` and the
    methods of `tl.tensor` (`store`, `advance`)."""
    if getattr(tl.make_block_ptr, "__flagtree_block_ptr__", False):
        return
    for name in ("make_block_ptr", "advance", "load", "store"):
        TRITON_BUILTINS[name] = getattr(core, name)
    for name in ("store", "advance"):
        TRITON_BUILTINS[f"tensor.{name}"] = getattr(core.tensor, name)
    make = _builtin(_make_block_ptr, _MAKE_DOC, "make_block_ptr")
    advance = core.must_use_result(
        "Note that tl.advance does not have any side effects. To move the block pointer, you "
        "need to assign the result of tl.advance to a variable.")(
        _builtin(_advance, _ADVANCE_DOC, "advance"))
    load = core.builtin(_wrap_load(core.load))
    store = core.builtin(_wrap_store(core.store))
    for fn in (make, advance, load, store):
        fn.__flagtree_block_ptr__ = True
    for module in (tl, core):
        module.make_block_ptr = make
        module.advance = advance
        module.load = load
        module.store = store
    core.tensor.store = store
    core.tensor.advance = advance
