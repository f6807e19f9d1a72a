"""The `flagtree-define-intrinsics` pass: bodies for the `@__flagtree_*` declarations.

Atomics are kept behind calls until bufferization is done; this pass defines them in LLVM ops.
"""

from __future__ import annotations

from mlir import ir

from flagtree.mlir.passes.tt_to_linalg.translator import INTRINSIC_PREFIX

ARGUMENT = "flagtree-define-intrinsics"
SUMMARY = "Define the @__flagtree_* helper functions (atomics) with LLVM dialect ops."
OPTIONS: dict[str, str] = {}


def _body(key: str, types: list[str], result: str) -> list[str]:
    kind, *rest = key.split("__")
    if kind == "rmw":
        op, order, elem = rest
        return [f"%r = llvm.atomicrmw {op} %a0, %a1 {order} : !llvm.ptr, {elem}",
                f"return %r : {result}"]
    if kind == "cas":
        order, failure, itype = rest
        return [f"%pair = llvm.cmpxchg %a0, %a1, %a2 {order} {failure} : !llvm.ptr, {itype}",
                f"%r = llvm.extractvalue %pair[0] : !llvm.struct<({itype}, i1)>",
                f"return %r : {result}"]
    raise ValueError(f"unknown flagtree intrinsic '{key}'")


def run(op: ir.Operation, **options: str) -> None:
    body = op.regions[0].blocks[0]
    for fn in list(body.operations):
        fn = fn.operation
        if fn.name != "func.func" or fn.regions[0].blocks:
            continue
        name = str(fn.attributes["sym_name"]).strip('"')
        if not name.startswith(INTRINSIC_PREFIX):
            continue
        ftype = ir.FunctionType(ir.TypeAttr(fn.attributes["function_type"]).value)
        types = [str(t) for t in ftype.inputs]
        result = str(ftype.results[0])
        args = ", ".join(f"%a{i}: {t}" for i, t in enumerate(types))
        lines = _body(name[len(INTRINSIC_PREFIX):], types, result)
        text = (f"func.func private @{name}({args}) -> {result} attributes {{llvm.linkage = "
                f"#llvm.linkage<internal>}} {{\n  " + "\n  ".join(lines) + "\n}")
        new = ir.Module.parse(text, context=op.context)
        fn.erase()
        body.append(list(new.body.operations)[0].operation)
