"""The `flagtree-loop-carried-in-place` pass: let loop-carried tiles bufferize in place.

A tile yielded by a loop and computed by an elementwise `linalg.generic` into a fresh
`tensor.empty` is computed into the loop's own iteration argument instead.
"""

from __future__ import annotations

from mlir import ir

ARGUMENT = "flagtree-loop-carried-in-place"
SUMMARY = "Write elementwise results yielded by scf.for into the loop's iter_args."
OPTIONS: dict[str, str] = {}


def _defining_op(value: ir.Value) -> ir.Operation | None:
    owner = value.owner
    if isinstance(owner, ir.OpView):
        return owner.operation
    return owner if isinstance(owner, ir.Operation) else None


def _retarget(generic: ir.Operation, iter_arg: ir.Value) -> bool:
    """Make `generic`'s single init be `iter_arg` when that is safe; report success."""
    if generic.name != "linalg.generic" or len(generic.results) != 1:
        return False
    init = generic.operands[len(generic.operands) - 1]
    owner = _defining_op(init)
    if init.type != iter_arg.type or owner is None or owner.name != "tensor.empty":
        return False
    iterators = str(generic.attributes["iterator_types"])
    if "reduction" in iterators:
        return False
    block = generic.regions[0].blocks[0]
    out_arg = block.arguments[len(block.arguments) - 1]
    if any(True for _ in out_arg.uses):
        return False
    generic.operands[len(generic.operands) - 1] = iter_arg
    return True


def run(op: ir.Operation, **options: str) -> None:
    loops: list[ir.Operation] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name == "scf.for":
            loops.append(nested)
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    for loop in loops:
        body = loop.regions[0].blocks[0]
        yield_op = list(body.operations)[-1].operation
        iter_args = list(body.arguments)[1:]
        for k, value in enumerate(yield_op.operands):
            owner = _defining_op(value)
            if owner is not None and k < len(iter_args):
                _retarget(owner, iter_args[k])
