"""Triton's public names resolve in flagtree to the same objects (or documented extensions).

Covers `triton`, `triton.language` and its submodules, `triton.knobs` groups and the
`triton.backends` names that code reaches through `import flagtree as triton`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import pytest
import triton
import triton.language as tl

import flagtree

DOC = Path(__file__).resolve().parents[3] / "docs" / "dropin.md"


def _public(module) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_"))


@pytest.mark.parametrize("name", _public(triton))
def test_triton_name(name):
    if name in flagtree.EXTENSIONS:
        assert f"`{name}`" in DOC.read_text(), f"extension '{name}' is not documented"
        return
    assert getattr(flagtree, name) is getattr(triton, name)


@pytest.mark.parametrize("name", _public(tl))
def test_language_name(name):
    import flagtree.language as ftl

    assert getattr(ftl, name) is getattr(tl, name)


def _language_submodules() -> list[str]:
    names = ["triton.language"]
    for info in pkgutil.walk_packages(tl.__path__, "triton.language."):
        names.append(info.name)
    return sorted(n for n in names if "._" not in n)


@pytest.mark.parametrize("module", _language_submodules())
def test_language_submodule_is_tritons(module):
    ours = importlib.import_module("flagtree" + module[len("triton"):])
    assert ours is importlib.import_module(module)
    assert ours.__spec__.name == module  # aliasing does not rename Triton's modules


@pytest.mark.parametrize("module", ["testing", "runtime", "runtime.jit", "runtime.autotuner",
                                    "runtime.driver", "compiler", "compiler.errors", "errors",
                                    "tools", "backends.compiler", "backends.driver"])
def test_other_submodules_are_tritons(module):
    assert importlib.import_module(f"flagtree.{module}") is importlib.import_module(
        f"triton.{module}")


@pytest.mark.parametrize("name", ["do_bench", "assert_close", "perf_report", "Benchmark"])
def test_testing_names(name):
    from flagtree import testing

    assert getattr(testing, name) is getattr(triton.testing, name)


@pytest.mark.parametrize("name", ["driver", "Autotuner", "JITFunction"])
def test_runtime_names(name):
    from flagtree import runtime

    assert getattr(runtime, name) is getattr(triton.runtime, name)


@pytest.mark.parametrize("name", ["compile", "ASTSource", "CompiledKernel"])
def test_compiler_names(name):
    from flagtree import compiler

    assert getattr(compiler, name) is getattr(triton.compiler, name)


@pytest.mark.parametrize("group", [n for n in _public(triton.knobs)
                                   if isinstance(getattr(triton.knobs, n), triton.knobs.base_knobs)])
def test_triton_knob_groups_through_flagtree_knobs(group):
    assert getattr(flagtree.knobs, group) is getattr(triton.knobs, group)


def test_flagtree_knobs_are_flagtrees_own():
    assert flagtree.knobs.cpu.num_threads >= 0  # 0: one thread per core
    assert flagtree.knobs.cpu is not getattr(triton.knobs, "cpu", None)
    assert flagtree.knobs is sys.modules["flagtree.knobs"]


@pytest.mark.parametrize("name", ["backends", "Backend", "BaseBackend", "DriverBase"])
def test_triton_backends_names_through_flagtree_backends(name):
    assert getattr(flagtree.backends, name) is getattr(triton.backends, name)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_triton_name'"):
        flagtree.not_a_triton_name  # noqa: B018
