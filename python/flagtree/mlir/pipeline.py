"""flagtree's shared lowering pipeline: phases from TTIR to the LLVM dialect, between named anchors.

Backends insert passes at anchors (`Backend.pipeline`) and stop at the one of their IR level.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlir import ir, passmanager

if TYPE_CHECKING:
    from flagtree.backend.interface import Backend
    from flagtree.mlir.passes.registry import PassInfo


@dataclass(frozen=True)
class Phase:
    """Shared passes that end at `anchor`; a backend's passes for that anchor run after them."""

    name: str
    anchor: str
    passes: tuple[str, ...]
    summary: str


# Shared TTIR passes, on every backend (gpu_stages runs them inside Triton's nvidia/amd
# pipelines): kernel hints (`#@hint:` comments) become op attributes first. `$backend` in a
# shared pass is the name of the backend the pipeline runs for.
BACKEND_PLACEHOLDER = "$backend"
TTIR_CLEANUP: tuple[str, ...] = ("tt-apply-hints{backend=$backend}",)

PHASES = (
    Phase("ttir-cleanup", "ttir", TTIR_CLEANUP,
          "shared TTIR passes (kernel hints first); the IR is still the `tt` dialect"),
    Phase("to-linalg", "linalg", ("tt-to-linalg", "canonicalize", "cse"),
          "TTIR -> linalg/tensor/scf on tensors with LLVM pointers (flagtree's own pass)"),
    # Elementwise results reuse an operand's buffer, so loop-carried tiles update in place.
    Phase("linalg-fusion", "before-bufferize",
          ("linalg-fuse-elementwise-ops", "canonicalize", "cse", "flagtree-loop-carried-in-place"),
          "fuse elementwise linalg ops; mark loop-carried tiles for in-place updates"),
    Phase("bufferize", "memref",
          (("one-shot-bufferize{bufferize-function-boundaries=1 "
            "function-boundary-type-conversion=identity-layout-map "
            "unknown-type-conversion=identity-layout-map}"),
           "canonicalize",
           "func.func(buffer-loop-hoisting)",
           "convert-bufferization-to-memref"),
          "tensors -> memrefs; temporaries hoisted out of loops"),
    # `flagtree-define-intrinsics` runs after bufferization (see tt-to-linalg).
    Phase("to-loops", "loops", ("flagtree-define-intrinsics", "convert-linalg-to-loops"),
          "define flagtree's helper functions; linalg on buffers -> scf loops"),
    # Stack buffers left in loop bodies (the memref anchor may promote temporaries to the
    # stack) are freed at the end of every iteration, while loops are still structured.
    Phase("to-cf", "before-llvm",
          ("expand-strided-metadata", "lower-affine", "canonicalize",
           "flagtree-loop-stack-restore", "convert-scf-to-cf"),
          "strided metadata and affine maps expanded; loops free their stack buffers every "
          "iteration; structured control flow -> cf"),
    Phase("to-llvm", "llvm",
          ("finalize-memref-to-llvm",
           "lower-affine",
           "convert-math-to-llvm",
           # What LLVM has no intrinsic for (erf, cbrt, asinh, ...) calls the C math library.
           "convert-math-to-libm",
           # bf16 <-> f32 with integer ops (LLVM would call compiler-rt, absent from JITs).
           "arith-expand{include-bf16=true}",
           "convert-arith-to-llvm",
           "convert-index-to-llvm",
           "convert-cf-to-llvm",
           "convert-func-to-llvm",
           "reconcile-unrealized-casts"),
          "memref/arith/math/cf/func -> the LLVM dialect"),
)

# The anchors, in pipeline order: where backends insert passes and where they take over.
ANCHORS: tuple[str, ...] = tuple(phase.anchor for phase in PHASES)


@dataclass(frozen=True)
class Step:
    """One pass of a backend's pipeline: its text, the anchor it belongs to, who added it."""

    text: str
    anchor: str
    origin: str  # "shared" or the backend's name

    @property
    def name(self) -> str:
        """The pass name without its `{options}` (upstream nests: `func.func(cse)`)."""
        return self.text.split("{", 1)[0].strip()

    @property
    def options(self) -> str:
        _, brace, rest = self.text.partition("{")
        return rest[:-1] if brace and rest.endswith("}") else ""


class AnchorError(ValueError):
    """An anchor that does not exist, or a start after the stop."""


def _index(anchor: str | None, default: int) -> int:
    if anchor is None:
        return default
    try:
        return ANCHORS.index(anchor)
    except ValueError:
        raise AnchorError(f"unknown anchor {anchor!r} (anchors: {', '.join(ANCHORS)})") from None


def pipeline_steps(backend: Backend | None = None, start: str | None = None,
                   stop: str | None = None) -> list[Step]:
    """The passes between anchor `start` (exclusive; None: the beginning) and anchor `stop`
    (inclusive of the passes inserted there; None: the backend's takeover anchor, or the end),
    with `backend`'s insertions at each anchor after the shared passes ending there."""
    last = len(ANCHORS) - 1
    if stop is None and backend is not None:
        stop = backend.ir_level.anchor
    first, end = _index(start, -1), _index(stop, last)
    if first > end:
        raise AnchorError(f"start anchor {start!r} comes after stop anchor {stop!r}")
    inserted = dict(backend.pipeline) if backend is not None else {}
    steps: list[Step] = []
    for i, phase in enumerate(PHASES[first + 1:end + 1], start=first + 1):
        steps += [Step(_fill(p, backend), phase.anchor, "shared") for p in phase.passes]
        steps += [Step(p, ANCHORS[i], backend.name) for p in inserted.get(ANCHORS[i], ())]
    return steps


def _fill(text: str, backend: Backend | None) -> str:
    """`text` with `$backend` replaced; without a backend, the option naming it is dropped."""
    if BACKEND_PLACEHOLDER not in text:
        return text
    if backend is not None:
        return text.replace(BACKEND_PLACEHOLDER, backend.name)
    return re.sub(r"\{backend=\$backend\}|\s*backend=\$backend", "", text)


def format_pipeline(backend: Backend | None = None, start: str | None = None,
                    stop: str | None = None) -> str:
    """`pipeline_steps(backend, start, stop)` one per line, under a comment per phase and
    anchor (`flagtree-opt --backend NAME --print-pipeline`)."""
    steps = pipeline_steps(backend, start, stop)
    name = backend.name if backend is not None else "(none)"
    lines = [f"// flagtree pipeline of backend '{name}'"]
    for anchor in _covered(backend, start, stop):
        phase = PHASES[ANCHORS.index(anchor)]
        lines.append(f"// phase {phase.name}: {phase.summary}")
        lines += [f"  {s.text}" for s in steps if s.anchor == anchor and s.origin == "shared"]
        extra = [s.text for s in steps if s.anchor == anchor and s.origin != "shared"]
        lines.append(f"// anchor {anchor}" + (f": passes of backend '{name}'" if extra else ""))
        lines += [f"  {text}" for text in extra]
    if backend is not None and stop is None:
        lines.append(f"// backend '{name}' takes over at {backend.ir_level.value} "
                     f"(anchor {backend.ir_level.anchor})")
    return "\n".join(lines) + "\n"


def _covered(backend: Backend | None, start: str | None, stop: str | None) -> tuple[str, ...]:
    """The anchors reached when running from `start` (exclusive) to `stop` (inclusive)."""
    if stop is None and backend is not None:
        stop = backend.ir_level.anchor
    return ANCHORS[_index(start, -1) + 1:_index(stop, len(ANCHORS) - 1) + 1]


def run_pipeline(module: ir.Module, backend: Backend | None = None, start: str | None = None,
                 stop: str | None = None, stage: str = "", *,
                 after_anchor: Callable[[str, ir.Module], None] | None = None) -> None:
    """Run `pipeline_steps(backend, start, stop)` on `module` in place; StageError (named after
    `stage`, else the stop anchor) on failure. `after_anchor(anchor, module)` is called at each
    anchor reached (for dumps)."""
    steps = pipeline_steps(backend, start, stop)
    if after_anchor is None:
        run_passes(module, [s.text for s in steps], stage or stop or "pipeline", backend)
        return
    for anchor in _covered(backend, start, stop):
        run_passes(module, [s.text for s in steps if s.anchor == anchor], stage or anchor, backend)
        after_anchor(anchor, module)


def run_passes(module: ir.Module, passes: Sequence[str], stage: str,
               backend: Backend | None = None) -> None:
    """Run `passes` on `module`: `backend`'s Python passes and flagtree's by name (with
    `{options}`), anything else as an upstream pipeline element."""
    from flagtree.mlir.passes.registry import PASSES, add_pass

    errors: list[tuple[str, ir.Location | None]] = []

    def on_error(message: str, location: ir.Location | None) -> None:
        errors.append((message, location))

    own = backend.python_passes() if backend is not None else {}
    with module.context:
        pm = passmanager.PassManager("builtin.module")
        for text in passes:
            step = Step(text, "", "")
            if step.name in own:
                _add_python_pass(pm, own[step.name], step.options, on_error,
                                 owner=_owner(backend))
            elif step.name in PASSES:
                add_pass(pm, step.name, step.options, on_error=on_error)
            else:
                try:
                    pm.add(text)
                except (ValueError, ir.MLIRError) as exc:
                    who = _owner(backend) if backend is not None and text in _inserted(backend) \
                        else ""
                    detail = str(exc).strip().splitlines()[0].split("error: ", 1)[-1]
                    raise StageError(stage, [(f"bad pipeline element '{text}'{who}: {detail}",
                                              None)], None) from None
        try:
            pm.run(module.operation)
        except ir.MLIRError as exc:
            raise StageError(stage, errors, exc) from None
    if errors:
        raise StageError(stage, errors, None)


def _inserted(backend: Backend) -> set[str]:
    return {text for steps in backend.pipeline.values() for text in steps}


def _owner(backend: Backend) -> str:
    from flagtree.backend import registry

    record = registry._records.get(backend.name)
    package = f", package {record.package}" if record is not None and record.origin == "plugin" else ""
    return f" of backend '{backend.name}'{package}"


def _add_python_pass(pm: passmanager.PassManager, info: PassInfo, options: str,
                     on_error: Callable[[str, Any], None], owner: str) -> None:
    """Append a backend's Python pass `info` (as registry.add_pass does for flagtree's): an
    exception inside fails the pass, never the process, naming the pass and the backend."""
    from flagtree.mlir.passes.registry import add_pass

    add_pass(pm, info.argument, options, on_error, info=info, owner=owner)


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
