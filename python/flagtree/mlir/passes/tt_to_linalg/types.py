"""Type conversion for `tt-to-linalg`: `!tt.ptr<T>` becomes `!llvm.ptr`, tensors keep shape.

Types are handled as MLIR type objects and printed as text for the emitter.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlir import ir


class LoweringError(Exception):
    """An op flagtree cannot lower; carries the op so the caller can name it and its location."""

    def __init__(self, message: str, op: ir.Operation | None = None) -> None:
        super().__init__(message)
        self.op = op


def is_ptr(t: ir.Type) -> bool:
    return str(t).startswith("!tt.ptr<")


def pointee(t: ir.Type) -> str:
    """`!tt.ptr<f32>` -> "f32"; `!tt.ptr<f16, 1>` -> "f16" (text of the pointee type)."""
    text = str(t)[len("!tt.ptr<") : -1]
    depth = 0
    for i, ch in enumerate(text):
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        elif ch == "," and depth == 0:
            return text[:i].strip()
    return text.strip()


@dataclass(frozen=True)
class TensorInfo:
    shape: tuple[int, ...]
    element: ir.Type

    @property
    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n


def tensor_info(t: ir.Type) -> TensorInfo | None:
    if isinstance(t, ir.RankedTensorType):
        return TensorInfo(tuple(t.shape), t.element_type)
    try:
        rt = ir.RankedTensorType(t)
    except ValueError:
        return None
    return TensorInfo(tuple(rt.shape), rt.element_type)


def element_type(t: ir.Type) -> ir.Type:
    info = tensor_info(t)
    return info.element if info else t


def scalar_text(t: ir.Type) -> str:
    """The converted text of a scalar (element) type."""
    if is_ptr(t):
        if pointee(t).startswith("tensor<"):
            raise LoweringError(f"pointers to tensors ({t}) are not supported on this backend")
        return "!llvm.ptr"
    return str(t)


def elem_text(t: ir.Type) -> str:
    """The converted text of a tensor element type: pointers in tensors are i64 addresses
    (memrefs cannot hold `!llvm.ptr`) and booleans are i8."""
    if is_ptr(t):
        return "i64"
    text = scalar_text(t)
    # Booleans live in tensors as i8 0/1: MLIR 22 cannot lower stores to i1 memrefs.
    return "i8" if text == "i1" else text


_SIZES = {"i1": 1, "i8": 1, "i16": 2, "i32": 4, "i64": 8, "f16": 2, "bf16": 2, "f32": 4,
          "f64": 8, "f8E4M3FN": 1, "f8E5M2": 1, "f8E4M3FNUZ": 1, "f8E5M2FNUZ": 1,
          "f8E4M3B11FNUZ": 1}


def pointee_size(t: ir.Type) -> int:
    """Bytes per element behind pointer type `t` (what `tt.addptr` steps by)."""
    text = pointee(t)
    if text.startswith("!tt.ptr"):
        return 8
    if text not in _SIZES:
        raise LoweringError(f"pointers to {text} are not supported on this backend")
    return _SIZES[text]


def type_text(t: ir.Type) -> str:
    """The converted text of any type."""
    info = tensor_info(t)
    if info is None:
        return scalar_text(t)
    return tensor_text(info.shape, elem_text(info.element))


def tensor_text(shape: tuple[int, ...], element: str) -> str:
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{element}>"
