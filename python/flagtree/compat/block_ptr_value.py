"""The frontend value behind `tl.make_block_ptr` on Triton 3.9: a block pointer as plain scalars.

A `block_ptr` holds the base pointer and i64 shape/strides/offsets; loads and stores expand it
into the pointer tile `base + sum_d (offsets[d] + arange(B_d)) * strides[d]` and the mask
`0 <= offsets[d] + arange(B_d) < shape[d]` on the checked dimensions, as Triton 3.5 did.
"""

from __future__ import annotations

from triton.language import core


def where_in_kernel(generator) -> str:
    """` in kernel `k` (file:line)` for messages, when the code generator is known."""
    if generator is None:
        return ""
    node = getattr(generator, "cur_node", None)
    line = getattr(node, "lineno", None)
    name = getattr(getattr(generator, "jit_fn", None), "__name__", "?")
    if line is None:
        return f" in kernel `{name}`"
    return f" in kernel `{name}` ({generator.file_name}:{generator.begin_line + line})"


def as_list(values) -> list:
    """A Python list from a constexpr, a Python or Triton tuple/list, or a single value."""
    values = core._unwrap_if_constexpr(values)
    if isinstance(values, (list, tuple, core.tuple)):
        return [core._unwrap_if_constexpr(v) for v in values]
    return [values]


def to_i64(value, what: str, semantic, where: str) -> core.tensor:
    """An int64 scalar tensor from a Python int or an integer scalar tensor."""
    value = core._unwrap_if_constexpr(value)
    if isinstance(value, bool) or not isinstance(value, (int, core.tensor)):
        raise TypeError(f"{what} must be an integer or an integer scalar, got {value!r}{where}")
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ValueError(f"{what} = {value} is out of the int64 range{where}")
        return semantic.scalar_constant(value, core.int64)
    if value.type.is_block() or not value.dtype.is_int():
        raise TypeError(f"{what} must be an integer scalar, got a value of type {value.type}"
                        f"{where}")
    if value.dtype == core.int64:
        return value
    return semantic.cast(value, core.int64)


class block_ptr_type(core.base_type):
    """The type of a `block_ptr`: base pointer type, static block shape and order.

    `element_ty` is the `block_type` the pointer points to, as for Triton 3.5's
    `pointer_type<block_type>` block pointers.
    """

    def __init__(self, pointer_ty: core.pointer_type, block_shape: tuple[int, ...],
                 order: tuple[int, ...]):
        self.pointer_ty = pointer_ty
        self.block_shape = tuple(block_shape)
        self.order = tuple(order)
        self.element_ty = core.block_type(pointer_ty.element_ty, list(self.block_shape))
        self.name = f"block_ptr<{pointer_ty.element_ty}, {list(self.block_shape)}>"

    @property
    def rank(self) -> int:
        return len(self.block_shape)

    # Queries as on Triton 3.5's `pointer_type<block_type>`.
    def is_ptr(self) -> bool:
        return True

    def is_block(self) -> bool:
        return False

    def __eq__(self, other) -> bool:
        return (isinstance(other, block_ptr_type) and self.pointer_ty == other.pointer_ty
                and self.block_shape == other.block_shape and self.order == other.order)

    def __hash__(self):
        return hash((str(self.pointer_ty), self.block_shape, self.order))

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def mangle(self) -> str:
        shape = "x".join(str(s) for s in self.block_shape)
        order = "".join(str(o) for o in self.order)
        return f"BP{self.pointer_ty.mangle()}S{shape}O{order}BP"

    def _flatten_ir_types(self, builder, out: list) -> None:
        out.append(self.pointer_ty.to_ir(builder))
        out.extend([builder.get_int64_ty()] * (3 * self.rank))

    def _unflatten_ir(self, handles: list, cursor: int):
        base = core.tensor(handles[cursor], self.pointer_ty)
        cursor += 1
        scalars = [core.tensor(h, core.int64) for h in handles[cursor:cursor + 3 * self.rank]]
        r = self.rank
        value = block_ptr(base, scalars[:r], scalars[r:2 * r], scalars[2 * r:], self)
        return value, cursor + 3 * r


class block_ptr(core.base_value):
    """A block of a strided tensor in memory (Triton 3.5's block pointer, made by
    `tl.make_block_ptr`): i64 scalars for offsets, shape and strides, one per dimension."""

    def __init__(self, base: core.tensor, offsets, shape, strides, type: block_ptr_type):
        self.base = base
        self.offsets = tuple(offsets)
        self.shape = tuple(shape)
        self.strides = tuple(strides)
        self.type = type

    @property
    def dtype(self):
        """Triton 3.5's type of a block pointer: `pointer_type<block_type<elem, shape>>`."""
        return core.pointer_type(self.type.element_ty)

    @property
    def block_shape(self) -> tuple[int, ...]:
        return self.type.block_shape

    @property
    def order(self) -> tuple[int, ...]:
        return self.type.order

    def _set_name(self, builder, name: str) -> None:
        # Shape and strides are often kernel arguments shared with other values: keep their
        # names as they are.
        return

    def _flatten_ir(self, handles: list) -> None:
        self.base._flatten_ir(handles)
        for value in (*self.offsets, *self.shape, *self.strides):
            value._flatten_ir(handles)

    def with_offsets(self, offsets) -> block_ptr:
        return block_ptr(self.base, offsets, self.shape, self.strides, self.type)

    def __repr__(self) -> str:
        return f"{self.type}"

    # Triton 3.5 block pointers were tensors, with `advance` and `store` as methods. The
    # methods call the module-level builtins so that Triton's interpreter, which patches
    # those, handles them too.
    def advance(self, offsets, _semantic=None, _generator=None):
        import triton.language as tl

        return tl.advance(self, offsets, _semantic=_semantic, _generator=_generator)

    def store(self, value, mask=None, boundary_check=(), cache_modifier="",
              eviction_policy="", _semantic=None, _generator=None):
        import triton.language as tl

        return tl.store(self, value, mask, boundary_check, cache_modifier, eviction_policy,
                        _semantic=_semantic, _generator=_generator)


def _broadcast_dim(semantic, vec: core.tensor, dim: int, shape: tuple[int, ...]) -> core.tensor:
    """A 1-D tile along `dim`, expanded and broadcast to the full block `shape`."""
    if len(shape) == 1:
        return vec
    for axis in range(len(shape)):
        if axis != dim:
            vec = semantic.expand_dims(vec, axis)
    return semantic.broadcast_impl_shape(vec, list(shape))


def expand(semantic, ptr: block_ptr, boundary_check: tuple[int, ...]):
    """The pointer tile and the mask (None without boundary checks) that `ptr` stands for."""
    shape = ptr.block_shape
    offset = None
    mask = None
    for d, size in enumerate(shape):
        # offsets[d] + arange(0, B_d), in i64: the element indices of dimension d.
        rng = semantic.cast(semantic.arange(0, size), core.int64)
        idx = semantic.add(semantic.splat(ptr.offsets[d], [size]), rng, sanitize_overflow=False)
        term = semantic.mul(idx, semantic.splat(ptr.strides[d], [size]), sanitize_overflow=False)
        term = _broadcast_dim(semantic, term, d, shape)
        offset = term if offset is None else semantic.add(offset, term, sanitize_overflow=False)
        if d in boundary_check:
            zero = semantic.splat(semantic.scalar_constant(0, core.int64), [size])
            inside = semantic.and_(semantic.greater_equal(idx, zero),
                                   semantic.less_than(idx, semantic.splat(ptr.shape[d], [size])))
            inside = _broadcast_dim(semantic, inside, d, shape)
            mask = inside if mask is None else semantic.and_(mask, inside)
    pointers = semantic.add(semantic.splat(ptr.base, list(shape)), offset, sanitize_overflow=False)
    return pointers, mask
