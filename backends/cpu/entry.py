"""The cpu backend's launch ABI: a `flagtree_entry` wrapper around the kernel function.

`void flagtree_entry(void **args, i32 pid_x, pid_y, pid_z, i32 grid_x, grid_y, grid_z)`.
"""

from __future__ import annotations

from mlir import ir

ENTRY = "flagtree_entry"
# Returns &flagtree_entry: MLIR 22's ExecutionEngine only looks up packed wrappers.
ENTRY_ADDRESS = "flagtree_entry_address"
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
    helper = ir.Module.parse(text, context=module.context)
    module.body.append(list(helper.body.operations)[1].operation)
