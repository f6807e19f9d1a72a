"""The backend registry: built-in cpu, nvidia and amd with their targets, errors that list what
is installed, and the load-time validation of a backend declaration.
"""

from __future__ import annotations

import platform

import pytest
import triton

import flagtree.backends
from flagtree.backend import (
    Backend,
    BackendError,
    Capabilities,
    CapabilityError,
    DotCapability,
    IRLevel,
    Target,
    get_backend,
    list_backends,
    problems,
)
from flagtree.mlir.passes import PassInfo


def _gpu_present() -> bool:
    import torch

    return torch.cuda.is_available()


def test_builtins_are_listed_with_targets_and_status():
    records = {r.name: r for r in list_backends()}
    assert list(records)[:3] == ["cpu", "nvidia", "amd"]
    cpu, nvidia, amd = records["cpu"], records["nvidia"], records["amd"]
    assert cpu.ok and cpu.runnable and cpu.status == "runnable"
    assert [str(t) for t in cpu.targets] == [f"cpu:{platform.machine()}"]
    assert "cuda:90" in [str(t) for t in nvidia.targets]
    assert "hip:gfx942" in [str(t) for t in amd.targets]
    assert nvidia.targets[0].gpu_target() == triton.backends.compiler.GPUTarget("cuda", 90, 32)
    if not _gpu_present():
        assert nvidia.status == amd.status == "compile-only"
    assert cpu.backend.ir_level is IRLevel.LLVM and nvidia.backend.ir_level is IRLevel.TTIR
    assert [r.name for r in flagtree.backends.list_backends()] == list(records)


def test_unknown_backend_error_lists_installed_backends():
    with pytest.raises(BackendError) as err:
        get_backend("nosuch")
    message = str(err.value)
    assert "unknown backend 'nosuch'" in message
    for phrase in ("cpu (runnable: cpu:", "nvidia (", "cuda:90", "amd (", "hip:gfx942"):
        assert phrase in message


def test_flagtree_backends_keeps_triton_names():
    import triton.backends

    assert flagtree.backends.backends is triton.backends.backends
    assert flagtree.backends.BaseBackend is triton.backends.BaseBackend
    assert flagtree.backends.get_backend("cpu").name == "cpu"
    with pytest.raises(AttributeError):
        flagtree.backends.no_such_name  # noqa: B018


# ----------------------------------------------------------------------------------------------
# Validation at load
# ----------------------------------------------------------------------------------------------


class _Valid(Backend):
    name = "valid"
    interface_version = 1
    targets = (Target("valid", "v1", 1),)
    capabilities = Capabilities(dtypes=frozenset({"fp32"}))
    ir_level = IRLevel.LLVM

    def compiler_class(self):
        from flagtree.backends.cpu.compiler import CPUBackend

        return CPUBackend

    def driver_class(self):
        return None

    def is_runnable(self):
        return False


def _variant(**attrs) -> Backend:
    return type("Variant", (_Valid,), attrs)()


def test_a_valid_declaration_has_no_problems():
    assert problems(_Valid()) == []
    assert problems(get_backend("cpu")) == []


@pytest.mark.parametrize("attrs, expected", [
    ({"interface_version": 2}, "interface version 2 is not supported by this flagtree"),
    ({"is_runnable": Backend.is_runnable}, "missing required method is_runnable()"),
    ({"name": "Bad Name"}, "name 'Bad Name' is not a lowercase identifier"),
    ({"targets": ()}, "targets must be a non-empty sequence"),
    ({"targets": ("cuda:90",)}, "targets must be a non-empty sequence"),
    ({"capabilities": {"dtypes": ["fp32"]}}, "capabilities must be flagtree.backend.Capabilities"),
    ({"capabilities": Capabilities(dtypes=frozenset({"fp7"}))}, "unknown dtype 'fp7'"),
    ({"capabilities": Capabilities(features=frozenset({"warp_specialize"}))},
     "unknown feature 'warp_specialize'"),
    ({"ir_level": "llvm"}, "ir_level must be one of TTIR, LINALG, MEMREF, LLVM"),
    ({"pipeline": {"after-everything": ("cse",)}}, "pipeline anchor 'after-everything' does not"),
    ({"ir_level": IRLevel.TTIR, "pipeline": {"loops": ("cse",)}},
     "pipeline anchor 'loops' comes after where the backend takes over (ttir"),
    ({"pipeline": {"linalg": ("no-such-upstream-pass",)}},
     "unknown pass or bad pipeline element 'no-such-upstream-pass'"),
    ({"passes": (PassInfo("tt-to-linalg", "clash", {}, lambda op: None),)},
     "pass 'tt-to-linalg' has the name of a flagtree pass"),
    ({"compiler_class": lambda self: object}, "compiler_class() must return a concrete"),
    ({"driver_class": lambda self: 1 / 0}, "driver_class() raised ZeroDivisionError"),
])
def test_declaration_problems_are_named(attrs, expected):
    found = problems(_variant(**attrs))
    assert any(expected in p for p in found), found


def test_missing_attributes_are_named():
    class Bare(Backend):
        def compiler_class(self):
            return None

        def driver_class(self):
            return None

        def is_runnable(self):
            return True

    found = problems(Bare())
    assert found[0] == ("missing required attribute(s): name, interface_version, targets, "
                        "capabilities, ir_level")


def test_capabilities_from_mapping_rejects_unknown_kinds():
    caps = Capabilities.from_mapping({"dtypes": ["fp32", "i32"], "atomics": ["add"],
                                      "dot": {"dtypes": [["fp16", "fp32"]], "min_shape": [16, 16, 16]}})
    assert caps.dtypes == {"fp32", "i32"} and caps.dot.dtypes == {("fp16", "fp32")}
    with pytest.raises(CapabilityError, match="unknown capability kind.*'warps'"):
        Capabilities.from_mapping({"dtypes": ["fp32"], "warps": 4})
    with pytest.raises(CapabilityError, match="unknown atomic 'fetch_nand'"):
        Capabilities.from_mapping({"atomics": ["fetch_nand"]})


def test_capabilities_missing_gives_one_reason_per_gap():
    caps = Capabilities(dtypes=frozenset({"fp32", "i32"}), atomics=frozenset({"add"}),
                        dot=DotCapability(dtypes=frozenset({("fp16", "fp32")}),
                                          min_shape=(16, 16, 16), max_shape=(128, 128, 128)),
                        max_block_elements=4096, features=frozenset({"reduce"}))
    assert caps.missing(dtypes=["fp32"], atomics=["add"], dot=("fp16", "fp32", (16, 16, 32)),
                        block_elements=4096, features=["reduce"]) == []
    assert caps.missing(dtypes=["fp32", "fp64"], atomics=["cas"],
                        dot=("fp16", "fp32", (8, 16, 256)), block_elements=8192,
                        features=["scan"], hints=["prefetch"]) == [
        "dtype fp64", "atomic cas", "dot shape (8, 16, 256) below the minimum (16, 16, 16)",
        "dot shape (8, 16, 256) above the maximum (128, 128, 128)",
        "blocks of 8192 elements (max 4096)", "hint prefetch", "feature scan"]
    assert Capabilities().missing(dot=("fp32", "fp32")) == ["tl.dot"]
    with pytest.raises(CapabilityError, match="unknown dtype 'float32'"):
        caps.missing(dtypes=["float32"])
