"""Corpus of representative Triton kernels whose TTIR (Triton 3.9, cuda:90 frontend) we parse.
``CASES`` lists each kernel specialization with the op families its TTIR is checked to contain.

Requested families that Triton 3.9 cannot produce:
load_boundary: block pointers are gone (tl.make_block_ptr raises) and tl.load has no boundary_check.
"""

from __future__ import annotations

from . import (
    kernels_atomics,
    kernels_descriptors,
    kernels_dot,
    kernels_elementwise,
    kernels_memory,
    kernels_misc,
    kernels_reduce,
)
from ._case import Case, case

# The op families the corpus is asked to cover, in the order they were requested.
REQUESTED_FAMILIES: tuple[str, ...] = (
    "func",
    "call",
    "program_id",
    "num_programs",
    "make_range",
    "splat",
    "unsplat",
    "broadcast",
    "expand_dims",
    "reshape",
    "trans",
    "cat",
    "join",
    "split",
    "gather",
    "addptr",
    "load",
    "store",
    "load_cache",
    "load_boundary",
    "atomic_rmw",
    "atomic_cas",
    "reduce",
    "scan",
    "map_elementwise",
    "dot",
    "dot_scaled",
    "fp_to_fp",
    "int_to_ptr",
    "ptr_to_int",
    "bitcast",
    "clampf",
    "precise_sqrt",
    "precise_divf",
    "mulhiui",
    "histogram",
    "extern_elementwise",
    "inline_asm",
    "tensordesc",
    "descriptor_load",
    "descriptor_store",
    "descriptor_gather",
    "descriptor_scatter",
    "descriptor_reduce",
    "assert",
    "print",
    "where",
    "cast",
    "math",
    "rand",
    "scf_for",
    "scf_while",
    "scf_if",
    "unroll_attr",
    "num_stages_attr",
    "divisibility",
)

# Further families Triton 3.9 produces that the corpus also covers.
EXTRA_FAMILIES: tuple[str, ...] = (
    "approx_divf",
    "atomic_load",
    "atomic_store",
    "atomic_poll",
    "grid_dependency",
    "assume",
    "barrier",
    "contiguity",
    "constancy",
    "tensordesc_arg",
    "flatten_attr",
    "warp_specialize_attr",
    "disallow_acc_multi_buffer_attr",
    "loop_annotation",
    "unstructured_cf",
)

# Requested families that Triton 3.9 cannot produce (see the module docstring).
UNPRODUCIBLE: dict[str, str] = {
    "load_boundary": "block pointers were removed in Triton 3.9 (tl.make_block_ptr / tl.advance raise "
    "NotImplementedError) and tl.load has no boundary_check, so no tt.load carries boundaryCheck/padding",
}

CASES: list[Case] = [
    *kernels_elementwise.CASES,
    *kernels_memory.CASES,
    *kernels_reduce.CASES,
    *kernels_dot.CASES,
    *kernels_descriptors.CASES,
    *kernels_atomics.CASES,
    *kernels_misc.CASES,
]

_names = [c.name for c in CASES]
assert len(_names) == len(set(_names)), "duplicate case names"

__all__ = ["CASES", "EXTRA_FAMILIES", "REQUESTED_FAMILIES", "UNPRODUCIBLE", "Case", "case"]
