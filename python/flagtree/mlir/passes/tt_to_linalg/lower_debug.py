"""Lowerings of device-side debugging: `tt.print` through printf, `tt.assert` printing and
setting the flag the launcher checks after a launch.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.helpers import (
    index_loops,
)
from flagtree.mlir.passes.tt_to_linalg.translator import Translator, lowering
from flagtree.mlir.passes.tt_to_linalg.types import (
    elem_text,
    element_type,
    scalar_text,
    tensor_info,
    type_text,
)


def _c_string(text: str) -> tuple[str, int]:
    """`text` as an MLIR string literal with a NUL terminator, and its length in bytes."""
    data = text.encode() + b"\0"
    body = "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\{b:02X}" for b in data)
    return f'"{body}"', len(data)


def _printf(tr: Translator, fmt: str, args: list[tuple[str, str]]) -> None:
    """Call printf(fmt, args...) then fflush(NULL), so output interleaves with Python's."""
    e = tr.e
    name = f"__flagtree_fmt{len(tr.module_lines)}"
    literal, size = _c_string(fmt)
    tr.module_lines.append(f"llvm.mlir.global internal constant @{name}({literal}) "
                           f"{{addr_space = 0 : i32}} : !llvm.array<{size} x i8>")
    tr.module_lines_once.add("llvm.func @printf(!llvm.ptr, ...) -> i32")
    tr.module_lines_once.add("llvm.func @fflush(!llvm.ptr) -> i32")
    ptr = e.op(f"llvm.mlir.addressof @{name} : !llvm.ptr", "fmt")
    values = ", ".join([ptr] + [v for v, _ in args])
    types = ", ".join(["!llvm.ptr"] + [t for _, t in args])
    e.op(f"llvm.call @printf({values}) vararg(!llvm.func<i32 (ptr, ...)>) : ({types}) -> i32",
         "pr")
    null = e.op("llvm.mlir.zero : !llvm.ptr", "null")
    e.op(f"llvm.call @fflush({null}) : (!llvm.ptr) -> i32", "fl")


def _printable(e, value: str, t: str, signed: bool, hexa: bool) -> tuple[str, str, str]:
    """(printf conversion, value, type) for one scalar (varargs: ints >= 32 bits, doubles)."""
    if t.startswith("f") or t.startswith("bf"):
        if hexa:
            w = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}.get(t, 8)
            bits = e.op(f"arith.bitcast {value} : {t} to i{w}", "b")
            return _printable(e, bits, f"i{w}", False, True)
        wide = value if t == "f64" else e.op(f"arith.extf {value} : {t} to f64", "d")
        return "%f", wide, "f64"
    if t == "!llvm.ptr":
        return "%p", value, "!llvm.ptr"
    width = int(t[1:])
    conv = "x" if hexa else ("d" if signed else "u")
    if width == 64:
        return f"%ll{conv}", value, "i64"
    if width < 32:
        ext = "extsi" if signed and width > 1 else "extui"
        value = e.op(f"arith.{ext} {value} : {t} to i32", "w")
    return f"%{conv}", value, "i32"


@lowering("tt.print")
def _print(tr: Translator, op: ir.Operation) -> None:
    """Each element as `pid (x, y, z) idx (i, j)<prefix><value>`, like Triton on GPUs."""
    e = tr.e
    prefix = str(op.attributes["prefix"]).strip('"').replace("%", "%%")
    hexa = str(op.attributes["hex"]) == "true"
    signed_flags = [s.strip() != "0" for s in
                    str(op.attributes["isSigned"]).split(":", 1)[-1].rstrip(">").split(",") if s.strip()]
    pid = [(tr.grid[g], "i32") for g in ("pid_x", "pid_y", "pid_z")]
    if not op.operands:
        _printf(tr, "pid (%d, %d, %d)" + prefix + "\n", pid)
        return
    for k, v in enumerate(op.operands):
        signed = signed_flags[k] if k < len(signed_flags) else True
        info = tensor_info(v.type)
        t = elem_text(element_type(v.type)) if info else scalar_text(v.type)
        if info is None:
            conv, val, vt = _printable(e, e.get(v), t, signed, hexa)
            _printf(tr, "pid (%d, %d, %d)" + prefix + conv + "\n", pid + [(val, vt)])
            continue
        vt_text = type_text(v.type)

        def body(indices: list[str], acc, v=v, t=t, signed=signed, vt_text=vt_text) -> None:
            x = e.op(f"tensor.extract {e.get(v)}[{', '.join(indices)}] : {vt_text}", "x")
            idx = [(e.op(f"arith.index_cast {i} : index to i32", "ix"), "i32") for i in indices]
            conv, val, vtype = _printable(e, x, t, signed, hexa)
            fmt = ("pid (%d, %d, %d) idx (" + ", ".join(["%d"] * len(indices)) + ")" + prefix
                   + conv + "\n")
            _printf(tr, fmt, pid + idx + [(val, vtype)])

        index_loops(e, info.shape, body)


ASSERT_FLAG = "__flagtree_assert_failed"


@lowering("tt.assert")
def _assert(tr: Translator, op: ir.Operation) -> None:
    """For each false element: print Triton's message with the program and element index,
    and set the module's assertion flag; the launcher raises after the launch (a CPU
    program cannot trap the way a GPU kernel does without killing the process)."""
    e = tr.e
    cond = op.operands[0]
    message = str(op.attributes["message"]).strip('"').replace("%", "%%")
    loc = op.location
    where = ""
    from flagtree.mlir.diagnostics import file_pos

    pos = file_pos(loc, "-")
    if pos and pos.line:
        where = f" at {pos}"
    line = f"Assertion `{message}` failed{where}"
    tr.module_lines_once.add(f"llvm.mlir.global internal @{ASSERT_FLAG}(0 : i32) "
                             "{addr_space = 0 : i32} : i32")
    pid = [(tr.grid[g], "i32") for g in ("pid_x", "pid_y", "pid_z")]

    def fail(indices: list[str]) -> None:
        idx = [(e.op(f"arith.index_cast {i} : index to i32", "ix"), "i32") for i in indices]
        fmt = "pid (%d, %d, %d)" + (" idx (" + ", ".join(["%d"] * len(indices)) + ")"
                                      if indices else "") + " " + line + "\n"
        _printf(tr, fmt, pid + idx)
        flag = e.op(f"llvm.mlir.addressof @{ASSERT_FLAG} : !llvm.ptr", "flag")
        e.op(f"llvm.store {e.const('1', 'i32')}, {flag} : i32, !llvm.ptr", results=0)

    info = tensor_info(cond.type)
    if info is None:
        bad = e.op(f"arith.xori {e.get(cond)}, {e.const('1', 'i1')} : i1", "bad")
        with e.block(f"scf.if {bad} {{", "}"):
            fail([])
        return
    ct = type_text(cond.type)

    def body(indices: list[str], acc) -> None:
        b = e.op(f"tensor.extract {e.get(cond)}[{', '.join(indices)}] : {ct}", "c")
        ok = e.op(f"arith.trunci {b} : i8 to i1", "ok")
        bad = e.op(f"arith.xori {ok}, {e.const('1', 'i1')} : i1", "bad")
        with e.block(f"scf.if {bad} {{", "}"):
            fail(indices)

    index_loops(e, info.shape, body)
