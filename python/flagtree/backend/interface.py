"""The versioned backend interface: what a flagtree backend declares and how flagtree checks it.

A backend (built in or a vendor's package) is one `Backend` subclass; `problems()` runs at load.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from flagtree.backend.capabilities import Capabilities

if TYPE_CHECKING:
    from triton.backends.compiler import BaseBackend, GPUTarget
    from triton.backends.driver import DriverBase

    from flagtree.mlir.passes.registry import PassInfo

# The interface version this flagtree implements. A backend sets `interface_version` to the
# version it was written against; flagtree loads versions in SUPPORTED_INTERFACE_VERSIONS only.
INTERFACE_VERSION = 1
SUPPORTED_INTERFACE_VERSIONS = (1,)

# Entry point group a vendor package registers its Backend under (see registry.py).
ENTRY_POINT_GROUP = "flagtree.backends"

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class IRLevel(str, enum.Enum):
    """Where a backend takes over from flagtree's shared pipeline (the anchor it stops at).

    TTIR:   `tt` dialect with hints applied, after the shared TTIR passes (anchor "ttir").
    LINALG: linalg/tensor/scf on tensors, fused, before bufferization ("before-bufferize").
    MEMREF: bufferized: memref + linalg on buffers ("memref").
    LLVM:   the LLVM dialect, after the whole shared pipeline ("llvm").
    """

    TTIR = "ttir"
    LINALG = "linalg"
    MEMREF = "memref"
    LLVM = "llvm"

    @property
    def anchor(self) -> str:
        """The pipeline anchor at which the shared passes stop for this level."""
        return {"ttir": "ttir", "linalg": "before-bufferize", "memref": "memref",
                "llvm": "llvm"}[self.value]


@dataclass(frozen=True)
class Target:
    """One target a backend compiles for, in Triton's terms (`GPUTarget(backend, arch, warp)`).

    `backend` is Triton's target kind ("cpu", "cuda", "hip", or a vendor's own name) and
    `arch` its architecture (90, "gfx942", "x86_64"). Printed as "backend:arch".
    """

    backend: str
    arch: int | str
    warp_size: int = 1

    def __str__(self) -> str:
        return f"{self.backend}:{self.arch}"

    def gpu_target(self) -> GPUTarget:
        """This target as Triton's `GPUTarget`, for `triton.compile(src, target=...)`."""
        from triton.backends.compiler import GPUTarget

        return GPUTarget(self.backend, self.arch, self.warp_size)


class Backend:
    """What a flagtree backend declares. Subclass it, set the class attributes, implement the
    methods; flagtree instantiates the subclass without arguments and validates it at load
    (`problems()`), naming the package, before any kernel is compiled.

    Required class attributes:
      name:              the backend's name (lowercase identifier): FLAGTREE_BACKEND=name,
                         `flagtree.set_backend(name)`, the entry point name.
      interface_version: the flagtree.backend interface version it was written against (1).
      targets:           the targets it compiles for; the first is the default target.
      capabilities:      what it compiles correctly (flagtree.backend.Capabilities).
      ir_level:          where it takes over from the shared pipeline (IRLevel).

    Optional class attributes:
      description:       one line for `flagtree info`.
      binary_ext:        the name of the last compilation stage (its binary), as Triton's
                         `BaseBackend.binary_ext` ("cubin", "hsaco", "llmlir", ...).
      torch_device_type: the torch device type whose tensors select this backend by default
                         ("cpu", "cuda", "xpu", ...); None: never chosen by argument device.
      pipeline:          passes to insert at the shared pipeline's anchors:
                         {anchor: (pass, ...)}; a pass is a flagtree pass name, one of
                         `passes` below, or an upstream MLIR pipeline element
                         ("canonicalize", "func.func(cse)"); all run in order at that anchor.
                         Anchors after the one of `ir_level` are not run by flagtree.
      passes:            Python passes this backend brings (flagtree.mlir.passes.PassInfo),
                         usable by name in `pipeline`.

    Required methods:
      compiler_class()   Triton's `BaseBackend` subclass that compiles for `targets`
                         (its `add_stages` produces the binary; backends on the shared
                         pipeline run `flagtree.mlir.pipeline.run_pipeline(module, self, ...)`
                         inside their stages).
      driver_class()     Triton's `DriverBase` subclass that loads and launches binaries, or
                         None for a compile-only backend.
      is_runnable()      whether kernels can run on this machine now (hardware and runtime
                         present); False: compile-only here. Must be cheap and never raise.
    """

    # Required declarations (no defaults: a missing one is reported at load).
    name: ClassVar[str]
    interface_version: ClassVar[int]
    targets: ClassVar[Sequence[Target]]
    capabilities: ClassVar[Capabilities]
    ir_level: ClassVar[IRLevel]

    # Optional declarations.
    description: ClassVar[str] = ""
    binary_ext: ClassVar[str] = ""
    torch_device_type: ClassVar[str | None] = None
    pipeline: ClassVar[Mapping[str, Sequence[str]]] = {}
    passes: ClassVar[Sequence[PassInfo]] = ()

    REQUIRED_ATTRIBUTES: ClassVar[tuple[str, ...]] = (
        "name", "interface_version", "targets", "capabilities", "ir_level")
    REQUIRED_METHODS: ClassVar[tuple[str, ...]] = ("compiler_class", "driver_class", "is_runnable")

    def compiler_class(self) -> type[BaseBackend]:
        raise NotImplementedError

    def driver_class(self) -> type[DriverBase] | None:
        raise NotImplementedError

    def is_runnable(self) -> bool:
        raise NotImplementedError

    @property
    def default_target(self) -> Target:
        return self.targets[0]

    def python_passes(self) -> dict[str, PassInfo]:
        """This backend's Python passes by argument name."""
        return {info.argument: info for info in self.passes}

    def __repr__(self) -> str:
        return f"<flagtree backend {getattr(self, 'name', '?')!r}>"


def problems(backend: Any) -> list[str]:
    """Every way `backend` (an instance) breaks the interface; [] when it can be used.

    Checks the declarations and that each required method is implemented (not inherited
    from `Backend`); calls nothing but `compiler_class()` and `driver_class()` (to check
    they return Triton classes)."""
    from flagtree.mlir.pipeline import ANCHORS

    if not isinstance(backend, Backend):
        return [f"expected a flagtree.backend.Backend subclass or instance, got {backend!r}"]
    cls = type(backend)
    out: list[str] = []
    missing = [a for a in Backend.REQUIRED_ATTRIBUTES if not hasattr(backend, a)]
    if missing:
        out.append("missing required attribute(s): " + ", ".join(missing))
    version = getattr(backend, "interface_version", None)
    if version is not None and version not in SUPPORTED_INTERFACE_VERSIONS:
        out.append(f"interface version {version!r} is not supported by this flagtree "
                   f"(supports {', '.join(map(str, SUPPORTED_INTERFACE_VERSIONS))})")
        return out  # nothing else can be trusted to mean what this version means
    for method in Backend.REQUIRED_METHODS:
        impl = getattr(cls, method, None)
        if impl is None or impl is getattr(Backend, method) or not callable(impl):
            out.append(f"missing required method {method}()")
    name = getattr(backend, "name", None)
    if name is not None and not (isinstance(name, str) and _NAME.match(name)):
        out.append(f"name {name!r} is not a lowercase identifier")
    targets = getattr(backend, "targets", None)
    if targets is not None and (
            isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence) or not targets
            or not all(isinstance(t, Target) for t in targets)):
        out.append(f"targets must be a non-empty sequence of flagtree.backend.Target, "
                   f"got {targets!r}")
    caps = getattr(backend, "capabilities", None)
    if caps is not None:
        if isinstance(caps, Capabilities):
            out += [f"capabilities: {p}" for p in caps.problems()]
        else:
            out.append(f"capabilities must be flagtree.backend.Capabilities, got {caps!r}")
    level = getattr(backend, "ir_level", None)
    if level is not None and not isinstance(level, IRLevel):
        out.append(f"ir_level must be one of {', '.join(lv.name for lv in IRLevel)} "
                   f"(flagtree.backend.IRLevel), got {level!r}")
    out += _pipeline_problems(backend, ANCHORS)
    if not any(p.startswith("missing required method") for p in out):
        out += _class_problems(backend)
    return out


def _pipeline_problems(backend: Backend, anchors: Sequence[str]) -> list[str]:
    out: list[str] = []
    passes = getattr(backend, "passes", ())
    try:
        names = [info.argument for info in passes]
    except (AttributeError, TypeError):
        return [f"passes must be a sequence of flagtree.mlir.passes.PassInfo, got {passes!r}"]
    from flagtree.mlir.passes.registry import PASSES

    out += [f"pass '{n}' has the name of a flagtree pass" for n in names if n in PASSES]
    pipeline = getattr(backend, "pipeline", {})
    if not isinstance(pipeline, Mapping):
        return out + [f"pipeline must map anchor names to pass lists, got {pipeline!r}"]
    level = getattr(backend, "ir_level", None)
    last = anchors.index(level.anchor) if isinstance(level, IRLevel) else len(anchors) - 1
    for anchor, steps in pipeline.items():
        if anchor not in anchors:
            out.append(f"pipeline anchor {anchor!r} does not exist (anchors: {', '.join(anchors)})")
            continue
        if anchors.index(anchor) > last:
            out.append(f"pipeline anchor {anchor!r} comes after where the backend takes over "
                       f"({level.value}, anchor {level.anchor!r})")
        if isinstance(steps, str) or not all(isinstance(s, str) and s.strip() for s in steps):
            out.append(f"pipeline[{anchor!r}] must be a sequence of pass names, got {steps!r}")
            continue
        out += [f"pipeline[{anchor!r}]: {p}" for p in _unknown_passes(steps, set(names))]
    return out


def _unknown_passes(steps: Sequence[str], own: set[str]) -> list[str]:
    """Pipeline elements MLIR cannot parse (typos in upstream pass names or options)."""
    from mlir import ir, passmanager

    from flagtree.mlir.passes.registry import PASSES

    out = []
    with ir.Context():
        for text in steps:
            if text.split("{", 1)[0].strip() in own | set(PASSES):
                continue
            try:
                passmanager.PassManager("builtin.module").add(text)
            except (ValueError, ir.MLIRError) as exc:
                detail = str(exc).strip().splitlines()[0].split("error: ", 1)[-1]
                out.append(f"unknown pass or bad pipeline element '{text}' ({detail})")
    return out


def _class_problems(backend: Backend) -> list[str]:
    from triton.backends.compiler import BaseBackend
    from triton.backends.driver import DriverBase

    out: list[str] = []
    for method, base, optional in (("compiler_class", BaseBackend, False),
                                   ("driver_class", DriverBase, True)):
        try:
            value = getattr(backend, method)()
        except Exception as exc:  # noqa: BLE001 - reported as an interface problem
            out.append(f"{method}() raised {type(exc).__name__}: {exc}")
            continue
        if value is None and optional:
            continue
        if not (isinstance(value, type) and issubclass(value, base)
                and not inspect.isabstract(value)):
            what = f"a concrete {base.__module__}.{base.__name__} subclass"
            out.append(f"{method}() must return {what}{' or None' if optional else ''}, "
                       f"got {value!r}")
    return out
