"""Produce Triton's target-independent TTIR for a ``@triton.jit`` kernel, offline.

Runs Triton's own frontend and TTIR passes (no GPU, no codegen) and returns the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# A GPU target only picks Triton's frontend options here; TTIR is target independent
# and nothing below the TTIR stage runs, so no GPU or toolchain is needed.
DEFAULT_TARGET = ("cuda", 90, 32)


@dataclass(frozen=True)
class KernelSpec:
    """One kernel specialization: a jit function, its signature and constexpr values."""

    fn: Any
    signature: dict[str, str]
    constexprs: dict[str, Any] = field(default_factory=dict)
    attrs: dict[tuple[int, ...], list] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.fn.__name__


def make_ttir(spec: KernelSpec, target: tuple = DEFAULT_TARGET) -> str:
    """Return the TTIR text Triton prints for ``spec`` (with locations, as Triton caches it)."""
    from triton._C.libtriton import ir
    from triton.backends.compiler import GPUTarget
    from triton.compiler import ASTSource, make_backend

    gpu_target = GPUTarget(*target)
    backend = make_backend(gpu_target)
    src = ASTSource(spec.fn, spec.signature, spec.constexprs, spec.attrs)
    options = backend.parse_options(dict(spec.options))
    context = ir.context()
    ir.load_dialects(context)
    backend.load_dialects(context)
    module = src.make_ir(
        gpu_target,
        options,
        backend.get_codegen_implementation(options),
        backend.get_module_map(),
        context,
    )
    stages: dict = {}
    backend.add_stages(stages, options, src.language)
    return str(stages["ttir"](module, {}))
