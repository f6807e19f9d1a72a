"""Pipeline anchors: the shared phases, a backend's passes inserted by name at an anchor (Python
passes and upstream pipeline strings) changing the IR, and failures naming the backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from mlir import ir

from flagtree.backend import Backend, Capabilities, IRLevel, Target, get_backend
from flagtree.mlir import make_context, parse_module
from flagtree.mlir.passes import PassInfo
from flagtree.mlir.pipeline import (
    ANCHORS,
    AnchorError,
    StageError,
    format_pipeline,
    pipeline_steps,
    run_pipeline,
)

KERNEL = (Path(__file__).resolve().parents[2] / "lit" / "tools" / "Inputs" /
          "vector-add.ttir").read_text()

# The cpu backend's lowering after tt-to-linalg, pass for pass, as it was before anchors existed.
CPU_AFTER_LINALG = [
    "linalg-fuse-elementwise-ops", "canonicalize", "cse", "flagtree-loop-carried-in-place",
    ("one-shot-bufferize{bufferize-function-boundaries=1 "
     "function-boundary-type-conversion=identity-layout-map "
     "unknown-type-conversion=identity-layout-map}"),
    "canonicalize", "func.func(buffer-loop-hoisting)", "convert-bufferization-to-memref",
    ("func.func(promote-buffers-to-stack{max-alloc-size-in-bytes=4194304 "
     "max-rank-of-allocated-memref=8})"),
    "flagtree-define-intrinsics", "convert-linalg-to-loops", "flagtree-expand-math",
    "expand-strided-metadata", "lower-affine", "canonicalize", "flagtree-loop-stack-restore",
    "convert-scf-to-cf",
    "finalize-memref-to-llvm", "lower-affine", "convert-math-to-llvm", "convert-math-to-libm",
    "arith-expand{include-bf16=true}", "convert-arith-to-llvm", "convert-index-to-llvm",
    "convert-cf-to-llvm", "convert-func-to-llvm", "reconcile-unrealized-casts",
]


def _mark_functions(op: ir.Operation, label: str = "seen") -> None:
    for nested in op.regions[0].blocks[0].operations:
        nested.operation.attributes["vendor.label"] = ir.StringAttr.get(label)


def _fail(op: ir.Operation) -> None:
    raise RuntimeError("the vendor tiler gave up")


class _Vendor(Backend):
    name = "vendor"
    interface_version = 1
    targets = (Target("vendor", "v1", 1),)
    capabilities = Capabilities()
    ir_level = IRLevel.LINALG
    passes = (PassInfo("vendor-mark", "label functions", {"label": "the label"}, _mark_functions),
              PassInfo("vendor-fail", "always fails", {}, _fail))
    pipeline: ClassVar = {"linalg": ("vendor-mark{label=after-linalg}",)}

    def compiler_class(self):
        return None

    def driver_class(self):
        return None

    def is_runnable(self):
        return False


def _module() -> ir.Module:
    return parse_module(KERNEL, make_context())


def test_anchors_in_order_and_cpu_pipeline_unchanged():
    assert ANCHORS == ("ttir", "linalg", "before-bufferize", "memref", "loops", "before-llvm",
                       "llvm")
    cpu = get_backend("cpu")
    assert [s.text for s in pipeline_steps(cpu, start="linalg")] == CPU_AFTER_LINALG
    head = pipeline_steps(cpu, stop="linalg")
    assert [s.text for s in head] == ["tt-apply-hints{backend=cpu}", "tt-to-linalg",
                                      "canonicalize", "cse"]
    assert [s.origin for s in pipeline_steps(cpu) if s.anchor == "loops"] == [
        "shared", "shared", "cpu"]
    assert pipeline_steps(None, stop="ttir")[0].text == "tt-apply-hints"


def test_a_pass_inserted_at_an_anchor_changes_the_ir():
    vendor = _Vendor()
    plain, marked = _module(), _module()
    run_pipeline(plain, None, stop="linalg")
    run_pipeline(marked, vendor, stop="linalg")
    assert "vendor.label" not in str(plain)
    assert 'vendor.label = "after-linalg"' in str(marked)
    # The insertion runs after the shared passes of its anchor: tt-to-linalg already ran.
    assert str(marked).replace(' attributes {vendor.label = "after-linalg"}', "") == str(plain)


def test_upstream_pipeline_strings_at_anchors():
    strip = type("Strip", (_Vendor,), {"pipeline": {"ttir": ("strip-debuginfo",)}})()
    plain, stripped = _module(), _module()
    run_pipeline(plain, None, stop="ttir")
    run_pipeline(stripped, strip, stop="ttir")
    plain_asm = plain.operation.get_asm(enable_debug_info=True)
    stripped_asm = stripped.operation.get_asm(enable_debug_info=True)
    assert "loc(unknown)" not in plain_asm and "loc(unknown)" in stripped_asm
    assert str(plain) == str(stripped)


def test_backend_stops_where_it_takes_over_and_dumps_each_anchor():
    reached = []
    module = _module()
    run_pipeline(module, _Vendor(), after_anchor=lambda anchor, m: reached.append(
        (anchor, "linalg.generic" in str(m) or "linalg.map" in str(m) or "scf.for" in str(m))))
    assert [a for a, _ in reached] == ["ttir", "linalg", "before-bufferize"]
    assert "memref.alloc" not in str(module) and "tt.load" not in str(module)
    text = format_pipeline(_Vendor())
    assert "// anchor linalg: passes of backend 'vendor'\n  vendor-mark{label=after-linalg}" in text
    assert text.rstrip().endswith("takes over at linalg (anchor before-bufferize)")


def test_failing_backend_pass_names_the_backend():
    failing = type("Failing", (_Vendor,), {"pipeline": {"before-bufferize": ("vendor-fail",)}})()
    with pytest.raises(StageError) as err:
        run_pipeline(_module(), failing, stage="linalg")
    assert err.value.stage == "linalg"
    assert "pass 'vendor-fail' of backend 'vendor' failed: the vendor tiler gave up" in str(err.value)


def test_bad_anchor_and_range():
    with pytest.raises(AnchorError, match="unknown anchor 'late'"):
        pipeline_steps(None, stop="late")
    with pytest.raises(AnchorError, match="comes after"):
        pipeline_steps(None, start="loops", stop="linalg")
