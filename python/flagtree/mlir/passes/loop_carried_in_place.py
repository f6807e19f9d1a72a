"""The `flagtree-loop-carried-in-place` pass: let loop-carried tiles bufferize in place.

A tile yielded by a loop and computed by an elementwise `linalg.generic` into a fresh
`tensor.empty` is computed into the loop's own iteration argument instead; any other
yielded tile (from an `scf.if`, a `while` body, ...) is copied into it at the end of the
iteration, so one-shot bufferization always finds the yield equivalent to the argument.
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


def _in_place(value: ir.Value, iter_arg: ir.Value) -> bool:
    """Whether `value` is `iter_arg` or written into it: a linalg op or `tensor.insert` with
    it as destination, or a nested scf.for that carries it (as loop nests over tiles do)."""
    if value == iter_arg:
        return True
    owner = _defining_op(value)
    if owner is None:
        return False
    if owner.name.startswith("linalg."):
        return len(owner.operands) > 0 and owner.operands[len(owner.operands) - 1] == iter_arg
    if owner.name == "tensor.insert":
        return owner.operands[1] == iter_arg
    if owner.name == "scf.for":
        index = next(i for i, r in enumerate(owner.results) if r == value)
        return owner.operands[3 + index] == iter_arg
    return False


def _copy_into(terminator: ir.Operation, k: int, target: ir.Value) -> None:
    """Replace operand k of `terminator` by `linalg.copy` of it into `target`."""
    value = terminator.operands[k]
    with ir.InsertionPoint(terminator), terminator.location:
        copy = ir.Operation.create(
            "linalg.copy", results=[value.type], operands=[value, target],
            attributes={"operandSegmentSizes": ir.DenseI32ArrayAttr.get([1, 1])}, regions=1)
        block = copy.regions[0].blocks.append(value.type.element_type, value.type.element_type)
        with ir.InsertionPoint(block):
            ir.Operation.create("linalg.yield", operands=[block.arguments[0]])
    terminator.operands[k] = copy.results[0]


def _read_after(value: ir.Value, op: ir.Operation) -> bool:
    """Whether `value` is used by an operation after `op` in `op`'s block (uses nested in
    later operations count; so do uses by the block's terminator)."""
    block = op.block
    order = {o.operation: i for i, o in enumerate(block.operations)}
    position = order[op]
    for use in value.uses:
        user = use.owner
        user = user.operation if isinstance(user, ir.OpView) else user
        while user is not None and user not in order:
            parent = user.parent
            user = parent.operation if isinstance(parent, ir.OpView) else parent
        if user is not None and order[user] > position and user != list(order)[-1]:
            return True
    return False


def _fix_terminator(terminator: ir.Operation, targets: list[ir.Value]) -> None:
    for k, value in enumerate(terminator.operands):
        if k >= len(targets) or not isinstance(value.type, ir.RankedTensorType):
            continue
        target = targets[k]
        if target.type != value.type:
            continue
        owner = _defining_op(value)
        # Writing into the iteration argument is only safe once nothing reads it any more.
        late_reader = owner is not None and owner.block == terminator.block and \
            _read_after(target, owner)
        if owner is not None and not late_reader:
            _retarget(owner, target)
        if late_reader or not _in_place(value, target):
            _copy_into(terminator, k, target)


def run(op: ir.Operation, **options: str) -> None:
    loops: list[ir.Operation] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name in ("scf.for", "scf.while"):
            loops.append(nested)
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    for loop in loops:
        if loop.name == "scf.for":
            body = loop.regions[0].blocks[0]
            _fix_terminator(list(body.operations)[-1].operation, list(body.arguments)[1:])
            continue
        # scf.while: `after` yields the next values of the `before` arguments, and
        # `before`'s scf.condition forwards values to the `after` arguments.
        before = loop.regions[0].blocks[0]
        after = loop.regions[1].blocks[0]
        condition = list(before.operations)[-1].operation
        forwarded = list(condition.operands)[1:]
        for k, value in enumerate(forwarded):
            if (k < len(before.arguments) and value.type == before.arguments[k].type
                    and isinstance(value.type, ir.RankedTensorType)
                    and not _in_place(value, before.arguments[k])):
                _copy_into(condition, k + 1, before.arguments[k])
        _fix_terminator(list(after.operations)[-1].operation, list(after.arguments))
