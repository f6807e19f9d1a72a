"""The `flagtree-loop-stack-restore` pass: free a loop body's stack buffers every iteration.

An LLVM `alloca` inside a loop is only released when the function returns, so a tile that
bufferization left in a loop body (one in an `scf.if` branch, which `buffer-loop-hoisting`
cannot hoist) grows the stack on every iteration until the program crashes. Each loop body
that allocates on the stack saves the stack pointer first and restores it before its
terminator, as `memref.alloca_scope` would; that op cannot be used here: `canonicalize`
inlines it (scf.for counts as an allocation scope, which LLVM lowering ignores) and
`convert-scf-to-cf` cannot split its single block. A body that passes a buffer made inside
it on (a memref its terminator yields) keeps its allocations; the next enclosing loop body
that passes no such buffer on frees them.
"""

from __future__ import annotations

from mlir import ir
from mlir.dialects import llvm

ARGUMENT = "flagtree-loop-stack-restore"
SUMMARY = "Restore the stack pointer at the end of each loop iteration that allocates on it."
OPTIONS: dict[str, str] = {}

_LOOPS = ("scf.for", "scf.while")
_STACK_ALLOCATIONS = ("memref.alloca", "llvm.alloca")
# Ops whose regions free their own stack allocations: no loop outside them needs to.
_SCOPES = ("memref.alloca_scope", "func.func", "llvm.func")


def _operation(obj) -> ir.Operation:
    return obj.operation if isinstance(obj, ir.OpView) else obj


def _terminator(block: ir.Block) -> ir.Operation:
    return _operation(list(block.operations)[-1])


def _keeps_buffers(block: ir.Block) -> bool:
    """Whether the terminator of `block` passes on a buffer that an op of `block` made."""
    for value in _terminator(block).operands:
        if isinstance(value.owner, ir.Block) or _operation(value.owner).block != block:
            continue
        if isinstance(value.type, (ir.MemRefType, ir.UnrankedMemRefType)):
            return True
    return False


def _freeing_body(alloca: ir.Operation) -> ir.Block | None:
    """The innermost loop body around `alloca` whose iterations may free it, if any."""
    op = alloca
    while True:
        region_owner = op.parent
        if region_owner is None:
            return None
        region_owner = _operation(region_owner)
        if region_owner.name in _SCOPES:
            return None
        if region_owner.name in _LOOPS:
            block = op.block
            if len(block.region.blocks) == 1 and not _keeps_buffers(block):
                return block
        op = region_owner


def _restore_at_end(block: ir.Block) -> None:
    terminator = _terminator(block)
    with terminator.location:
        pointer = llvm.PointerType.get()
        with ir.InsertionPoint.at_block_begin(block):
            saved = llvm.intr_stacksave(pointer)
        with ir.InsertionPoint(terminator):
            llvm.intr_stackrestore(saved)


def run(op: ir.Operation, **options: str) -> None:
    allocations: list[ir.Operation] = []

    def collect(nested: ir.Operation) -> ir.WalkResult:
        if nested.name in _STACK_ALLOCATIONS:
            allocations.append(nested)
        return ir.WalkResult.ADVANCE

    op.walk(collect)
    bodies: list[ir.Block] = []
    for alloca in allocations:
        body = _freeing_body(alloca)
        if body is not None and body not in bodies:
            bodies.append(body)
    for body in bodies:
        _restore_at_end(body)
