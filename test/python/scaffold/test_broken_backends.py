"""Vendor backends that go wrong, each in an isolated venv: a declared capability that fails is
a failure naming the case, op and kernel; a pass that raises is reported naming the plugin.
"""

from __future__ import annotations

import json

import pytest
from flagtree.scaffold import generate
from isolated_env import make_isolated_venv

# A pass that breaks float addition (a + b -> a - b), for a backend declaring float adds.
SUBTRACTING_PASSES = '''"""flaky's passes: one that computes a - b for every float a + b (a wrong lowering)."""

from mlir import ir
from mlir.dialects import arith

from flagtree.mlir.passes import PassInfo


def annotate(op: ir.Operation, **options: str) -> None:
    adds = []
    op.walk(lambda o: (adds.append(o) if o.name == "arith.addf" else None,
                       ir.WalkResult.ADVANCE)[1])
    with op.context:
        for add in adds:
            with ir.InsertionPoint(add), add.location:
                sub = arith.SubFOp(add.operands[0], add.operands[1])
            add.results[0].replace_all_uses_with(sub.result)
            add.erase()


ANNOTATE = PassInfo("flaky-annotate", "Subtract instead of add.", {}, annotate)
'''

RAISING_PASSES = '''"""raiser's passes: one that raises."""

from flagtree.mlir.passes import PassInfo


def annotate(op, **options):
    raise RuntimeError("raiser-annotate exploded on purpose")


ANNOTATE = PassInfo("raiser-annotate", "Raise.", {}, annotate)
'''


@pytest.fixture(scope="module")
def broken_venv(tmp_path_factory):
    """One venv with two broken plugins: `flaky` (declares fp32 adds, computes a - b; does
    not declare fp16) and `raiser` (its pass raises)."""
    root = tmp_path_factory.mktemp("broken")
    env = make_isolated_venv(root / "venv")
    for name, passes in (("flaky", SUBTRACTING_PASSES), ("raiser", RAISING_PASSES)):
        package = root / name
        generate(name, package)
        (package / "src" / f"{name}_flagtree" / "passes.py").write_text(passes)
    flaky_init = root / "flaky" / "src" / "flaky_flagtree" / "__init__.py"
    flaky_init.write_text(flaky_init.read_text().replace(
        "    capabilities = CPU.capabilities\n",
        "    capabilities = dataclasses.replace(CPU.capabilities,\n"
        "                                       dtypes=CPU.capabilities.dtypes - {'fp16'})\n"
    ).replace("from __future__ import annotations\n",
              "from __future__ import annotations\n\nimport dataclasses\n"))
    env.pip_install(root / "flaky")
    env.pip_install(root / "raiser")
    return env, root


def test_declared_capability_that_fails_names_case_op_and_kernel(broken_venv):
    env, root = broken_venv
    report = root / "flaky.json"
    kit = env.flagtree("conformance", "--backend", "flaky", "-k", "binary_op[add-",
                       "--json", str(report), "--no-progress")
    assert kit.returncode == 1, kit.stdout[-3000:] + kit.stderr[-3000:]
    cases = {c["case"]: c for c in json.loads(report.read_text())["cases"]}
    assert cases["binary_op[add-f32]"]["status"] == "fail"
    assert cases["binary_op[add-f16]"]["status"] == "unsupported"
    assert cases["binary_op[add-f16]"]["reason"] == "dtype fp16"
    assert "wrong result" in cases["binary_op[add-f32]"]["message"]
    assert ("FAIL binary_op[add-f32] (op add, kernel _binary_kernel): wrong result"
            in kit.stdout), kit.stdout[-3000:]


def test_pass_that_raises_names_the_plugin_and_breaks_nothing_else(broken_venv):
    env, root = broken_venv
    report = root / "raiser.json"
    kit = env.flagtree("conformance", "--backend", "raiser", "-k", "binary_op[add-f32]",
                       "--json", str(report), "--no-progress")
    assert kit.returncode == 1, kit.stdout[-3000:] + kit.stderr[-3000:]
    (case,) = json.loads(report.read_text())["cases"]
    assert case["status"] == "fail"
    for needle in ("backend 'raiser'", "raiser-flagtree 0.1.0", "raiser-annotate",
                   "exploded on purpose"):
        assert needle in case["message"], case["message"]
    # The other backends, the broken ones' neighbours, keep working in the same environment.
    info = env.flagtree("info")
    assert info.returncode == 0 and "raiser" in info.stdout and "flaky" in info.stdout
    cpu = env.flagtree("conformance", "--backend", "cpu", "-k", "binary_op[add-f32]",
                       "--no-progress")
    assert cpu.returncode == 0, cpu.stdout[-3000:] + cpu.stderr[-3000:]
