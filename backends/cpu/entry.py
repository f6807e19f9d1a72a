"""The cpu backend's launch ABI: a `flagtree_entry` wrapper around the kernel function.

`void flagtree_entry(void **args, i32 pid_x, pid_y, pid_z, i32 grid_x, grid_y, grid_z)`.
"""

from __future__ import annotations

from mlir import ir

ENTRY = "flagtree_entry"
# Returns &flagtree_entry: MLIR 22's ExecutionEngine only looks up packed wrappers.
ENTRY_ADDRESS = "flagtree_entry_address"
# Returns the address of the i32 set by a failing tl.device_assert (null without asserts).
ASSERT_FLAG_ADDRESS = "flagtree_assert_flag_address"
_GRID = ("x", "y", "z", "gx", "gy", "gz")


def add_entry(module: ir.Module, kernel: str) -> None:
    """Append the entry wrapper for func.func @kernel (its last 6 args are the grid ids)."""
    fn = None
    for op in module.body.operations:
        if op.operation.name == "func.func" and str(op.attributes["sym_name"]).strip('"') == kernel:
            fn = op
    if fn is None:
        raise ValueError(f"kernel @{kernel} not found in the lowered module")
    ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
    arg_types = [str(t) for t in ftype.inputs][: -len(_GRID)]
    lines = [f"func.func @{ENTRY}(%args: !llvm.ptr, " + ", ".join(f"%{g}: i32" for g in _GRID) + ") {"]
    names = []
    for i, t in enumerate(arg_types):
        lines.append(f"  %slotp{i} = llvm.getelementptr %args[{i}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr")
        lines.append(f"  %slot{i} = llvm.load %slotp{i} : !llvm.ptr -> !llvm.ptr")
        if t == "i1":  # booleans travel as one byte
            lines.append(f"  %b{i} = llvm.load %slot{i} : !llvm.ptr -> i8")
            lines.append(f"  %a{i} = arith.trunci %b{i} : i8 to i1")
        else:
            lines.append(f"  %a{i} = llvm.load %slot{i} : !llvm.ptr -> {t}")
        names.append(f"%a{i}")
    call_args = names + [f"%{g}" for g in _GRID]
    types = arg_types + ["i32"] * len(_GRID)
    lines.append(f"  func.call @{kernel}({', '.join(call_args)}) : ({', '.join(types)}) -> ()")
    lines.append("  return")
    lines.append("}")
    # The declaration only lets the wrapper verify on its own; the kernel itself is moved.
    decl = f"func.func private @{kernel}({', '.join(types)})"
    wrapper = ir.Module.parse(decl + "\n" + "\n".join(lines), context=module.context)
    module.body.append(list(wrapper.body.operations)[1].operation)


def add_entry_address(module: ir.Module) -> None:
    """Append `llvm.func @flagtree_entry_address() -> !llvm.ptr` (after LLVM lowering)."""
    text = (f"llvm.func @{ENTRY}(!llvm.ptr, i32, i32, i32, i32, i32, i32)\n"
            f"llvm.func @{ENTRY_ADDRESS}() -> !llvm.ptr {{\n"
            f"  %a = llvm.mlir.addressof @{ENTRY} : !llvm.ptr\n"
            f"  llvm.return %a : !llvm.ptr\n}}")
    from flagtree.mlir.passes.tt_to_linalg.lower_debug import ASSERT_FLAG

    has_flag = any(op.operation.name == "llvm.mlir.global"
                   and str(op.operation.attributes["sym_name"]).strip('"') == ASSERT_FLAG
                   for op in module.body.operations)
    flag = (f"  %f = llvm.mlir.addressof @{ASSERT_FLAG} : !llvm.ptr\n" if has_flag
            else "  %f = llvm.mlir.zero : !llvm.ptr\n")
    text += (f"\nllvm.mlir.global internal @{ASSERT_FLAG}(0 : i32) {{addr_space = 0 : i32}} : i32"
             f"\nllvm.func @{ASSERT_FLAG_ADDRESS}() -> !llvm.ptr {{\n{flag}"
             f"  llvm.return %f : !llvm.ptr\n}}")
    helper = ir.Module.parse(text, context=module.context)
    ops = list(helper.body.operations)
    module.body.append(ops[1].operation)
    module.body.append(ops[3].operation)
