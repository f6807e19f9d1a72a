"""flagtree's shared lowering pipeline: named stages from TTIR to the LLVM dialect.

Backend-neutral: `tt-to-linalg`, then linalg/bufferization/loops, then upstream `*-to-llvm`.
"""

from __future__ import annotations

from mlir import ir, passmanager

from flagtree.mlir.passes import add_pass

# Stage "linalg": TTIR -> tensors/linalg/scf with LLVM pointers (flagtree's own pass).
TO_LINALG = ("tt-to-linalg", "canonicalize", "cse")

# Stage "llvm": linalg on tensors -> bufferized loops -> LLVM dialect (upstream passes).
# Elementwise results reuse an operand's buffer, so loop-carried tiles update in place;
# temporaries are hoisted out of loops and promoted to the stack (a program's tiles are
# small). `flagtree-define-intrinsics` runs after bufferization (see tt-to-linalg).
LINALG_TO_LLVM = (
    "linalg-fuse-elementwise-ops",
    "canonicalize",
    "cse",
    "flagtree-loop-carried-in-place",
    "one-shot-bufferize{bufferize-function-boundaries=1 "
    "function-boundary-type-conversion=identity-layout-map "
    "unknown-type-conversion=identity-layout-map}",
    "canonicalize",
    "func.func(buffer-loop-hoisting)",
    "convert-bufferization-to-memref",
    "func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4194304 max-rank-of-allocated-memref=8})",
    "flagtree-define-intrinsics",
    "convert-linalg-to-loops",
    # f32 exp as polynomial arithmetic, which LLVM vectorizes (a libm call per element
    # otherwise).
    "flagtree-expand-math",
    "expand-strided-metadata",
    "lower-affine",
    "canonicalize",
    "convert-scf-to-cf",
    "finalize-memref-to-llvm",
    "lower-affine",
    "convert-math-to-llvm",
    # What LLVM has no intrinsic for (erf, cbrt, asinh, ...) calls the C math library.
    "convert-math-to-libm",
    # bf16 <-> f32 with integer ops (LLVM would call compiler-rt, absent from the JIT).
    "arith-expand{include-bf16=true}",
    "convert-arith-to-llvm",
    "convert-index-to-llvm",
    "convert-cf-to-llvm",
    "convert-func-to-llvm",
    "reconcile-unrealized-casts",
)


def run_passes(module: ir.Module, passes: tuple[str, ...], stage: str) -> None:
    """Run `passes` (flagtree's by name, upstream's as pipeline elements) on `module`."""
    from flagtree.mlir.passes.registry import PASSES

    errors: list[tuple[str, ir.Location | None]] = []

    def on_error(message: str, location: ir.Location | None) -> None:
        errors.append((message, location))

    with module.context:
        pm = passmanager.PassManager("builtin.module")
        for p in passes:
            if p in PASSES:
                add_pass(pm, p, on_error=on_error)
            else:
                pm.add(p)
        try:
            pm.run(module.operation)
        except ir.MLIRError as exc:
            raise StageError(stage, errors, exc) from None
    if errors:
        raise StageError(stage, errors, None)


class StageError(Exception):
    """A lowering stage failed; carries each error with the source position it names."""

    def __init__(self, stage: str, errors: list, mlir_error: ir.MLIRError | None) -> None:
        from flagtree.mlir.diagnostics import file_pos

        self.stage = stage
        # (message, SourcePos or None) per error, pass errors first.
        self.errors = [(m, file_pos(loc, "-") if loc is not None else None) for m, loc in errors]
        if mlir_error is not None:
            self.errors += [(d.message, file_pos(d.location, "-"))
                            for d in mlir_error.error_diagnostics]
            if not mlir_error.error_diagnostics:
                self.errors.append((str(mlir_error), None))
        lines = [f"{pos}: {m}" if pos else m for m, pos in self.errors]
        super().__init__(f"stage '{stage}' failed:\n  " + "\n  ".join(lines))
