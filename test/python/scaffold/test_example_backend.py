"""The example vendor backend (examples/nova-flagtree), installed into an isolated venv: its own
target, its own pass visible in the generated code, fp64 reported unsupported, its own tests.
"""

from __future__ import annotations

import json

from isolated_env import EXAMPLES, copy_package


def test_nova_example(tmp_path, isolated_venv):
    package = copy_package(EXAMPLES / "nova-flagtree", tmp_path / "nova-flagtree")
    isolated_venv.pip_install(package)

    pipeline = isolated_venv.run("-m", "flagtree.opt", "--backend", "nova", "--print-pipeline")
    assert pipeline.returncode == 0, pipeline.stderr
    loops = pipeline.stdout.split("// anchor loops", 1)[1].split("// phase", 1)[0]
    assert "flagtree-expand-math" in loops and "nova-mul-to-shift" in loops, pipeline.stdout

    # Its own tests: the pass through flagtree-opt (lit), `x * 8` compiled to a shift on nova
    # and to a multiplication on cpu, both checked against torch.
    own = isolated_venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/test_lit.py", "tests/test_kernels.py", cwd=package)
    assert own.returncode == 0, own.stdout[-4000:]
    assert "3 passed" in own.stdout, own.stdout[-2000:]

    report = tmp_path / "nova.json"
    kit = isolated_venv.flagtree("conformance", "--backend", "nova", "-g", "casts",
                                 "-g", "libdevice", "-k", "64", "--json", str(report),
                                 "--no-progress")
    assert kit.returncode == 0, kit.stdout[-4000:] + kit.stderr[-2000:]
    data = json.loads(report.read_text())
    assert data["target"] == "nova_npu:n2"
    by_status = {}
    for case in data["cases"]:
        by_status.setdefault(case["status"], []).append(case)
    assert not by_status.get("fail")
    unsupported = {c["case"]: c["reason"] for c in by_status["unsupported"]}
    assert unsupported == dict.fromkeys(
        ["bitcast[f64->i64]", "bitcast[i64->f64]", "libdevice_binary[pow-f64]",
         "unary_float[ld_tanh-f64]", "unary_float[ld_log1p-f64]"], "dtype fp64"), unsupported
    assert by_status["pass"], "no i64 case ran"
