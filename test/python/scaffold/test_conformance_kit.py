"""The conformance kit itself: the CLI's report and exit status on runnable and compile-only
backends, binary checks, case selection, the Markdown table and the pytest plugin.
"""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from flagtree.cli import main
from flagtree.conformance import load_suite
from flagtree.conformance.offline import BinaryError, check_binary, compile_spec, specialize
from flagtree.conformance.report import Report, markdown_table, read_json
from flagtree.conformance.runner import Result, run_case
from flagtree.conformance.select import sample, select


def kit(*args: str):
    return CliRunner().invoke(main, ["conformance", "--no-progress", *args])


def test_cpu_runs_and_checks_against_torch(tmp_path):
    out = tmp_path / "cpu.json"
    result = kit("--backend", "cpu", "-k", "binary_op[mul-i", "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "arithmetic" in result.output and "PASSED" in result.output
    report = read_json(str(out))
    assert report.mode == "run" and report.backend == "cpu"
    assert [r.case for r in report.results] == [
        "binary_op[mul-i8]", "binary_op[mul-i32]", "binary_op[mul-i64]"]
    assert all(r.status == "pass" and r.kernels == ["_binary_kernel"] for r in report.results)


@pytest.mark.parametrize("backend,ext,machine", [("nvidia", "cubin", 190), ("amd", "hsaco", 224)])
def test_compile_only_backends_compile_twice_and_check_binaries(tmp_path, backend, ext, machine):
    out = tmp_path / f"{backend}.json"
    result = kit("--backend", backend, "-k", "where[f16]", "--json", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["mode"] == "compile"
    (case,) = data["cases"]
    assert case["status"] == "pass"
    (binary,) = case["binaries"]
    assert binary["ext"] == ext and binary["kernel"] == "_where_kernel" and binary["size"] > 1000
    # The binary really is an ELF image for the GPU: tamper with it and the check refuses it.
    from triton.backends.compiler import GPUTarget

    target = GPUTarget("cuda", 90, 32) if backend == "nvidia" else GPUTarget("hip", "gfx942", 64)
    plan = load_suite()["where[f16]"].build()
    spec = specialize(plan.launches[0], target)
    assert compile_spec(spec, target, twice=False).sha256 == binary["sha256"]
    from flagtree.conformance.offline import binary_of, compile_once

    _, data_bytes = binary_of(compile_once(spec, target))
    check_binary(data_bytes, ext, "_where_kernel", target)
    assert int.from_bytes(data_bytes[18:20], "little") == machine
    with pytest.raises(BinaryError, match="no symbol"):
        check_binary(data_bytes, ext, "_other_kernel", target)
    wrong = bytearray(data_bytes)
    wrong[18:20] = (62).to_bytes(2, "little")  # x86-64
    with pytest.raises(BinaryError, match="for x86-64"):
        check_binary(bytes(wrong), ext, "_where_kernel", target)
    with pytest.raises(BinaryError, match="not an ELF"):
        check_binary(b"\0" * 64, ext, "_where_kernel", target)


def test_declared_block_limit_makes_bigger_cases_unsupported():
    """Blocks are measured (from the kernel's TTIR) only for a backend declaring a limit."""
    import dataclasses

    from flagtree.backend import get_backend
    from flagtree.conformance.subject import Subject

    cpu = get_backend("cpu")
    small = dataclasses.replace(cpu.capabilities, max_block_elements=256)
    backend = type("SmallBlocks", (type(cpu),), {"capabilities": small})()
    subject = Subject("cpu", "test", backend, cpu.targets[0], "compile")
    suite = load_suite()
    big = run_case(suite["add_odd_sizes_leave_the_tail_alone[f32-1]"], subject)
    assert big.status == "unsupported"
    assert big.reason == "blocks of 1024 elements (max 256)"
    fits = run_case(suite["where[f32]"], subject)  # BLOCK=128; the cpu binary is LLVM-dialect text
    assert fits.status == "pass", fits.describe()
    assert fits.binaries[0]["ext"] == "llmlir"


def test_usage_errors_exit_2():
    unknown = kit("--backend", "nosuch")
    assert unknown.exit_code == 2 and "unknown backend 'nosuch'" in unknown.output
    assert "cpu" in unknown.output  # the installed backends are listed
    group = kit("--backend", "cpu", "-g", "nosuch")
    assert group.exit_code == 2 and "unknown feature group" in group.output


def test_list_and_selection():
    listed = kit("--backend", "cpu", "--list", "--per-group", "1")
    suite = load_suite()
    assert listed.exit_code == 0
    assert len(listed.output.splitlines()) == len(suite.groups())
    assert len(suite) == 605 and len(suite.groups()) == 21
    members = [c for c in suite if c.group == "atomics"]
    picked = sample(members, 3)
    assert picked[0] is members[0] and picked[-1] is members[-1] and len(picked) == 3
    dots = select(suite, groups=["dot"], match="bf16")
    assert dots and all(c.group == "dot" and "bf16" in c.id for c in dots)


def test_markdown_table_of_reports():
    results = [Result("a[1]", "math", "exp", ["k"], "pass"), Result("a[2]", "math", "exp", ["k"],
               "fail", message="wrong"), Result("b", "dot", "dot", ["d"], "unsupported")]
    one = Report("x", "x 1.0", "x:1", "run", results, 3.0)
    two = Report("y", "y 1.0", "y:2", "compile", results[:1], 1.0)
    table = markdown_table([one, two])
    assert "| feature group | x (x:1, run) | y (y:2, compile-only) |" in table
    assert "| math | 1 / 1 / 0 | 1 / 0 / 0 |" in table
    assert "| dot | 0 / 0 / 1 | 0 / 0 / 0 |" in table
    assert "| **all** | **1 / 1 / 1** | **1 / 0 / 0** |" in table
    assert Report.from_json(one.to_json()).to_json() == one.to_json()


def test_pytest_plugin(tmp_path):
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
            "--flagtree-backend", "cpu", "--flagtree-group", "scalars", "-k", "scalar_bool"]
    registered = any(ep.value == "flagtree.conformance.pytest_plugin"
                     for ep in importlib.metadata.entry_points(group="pytest11"))
    if not registered:
        args[3:3] = ["-p", "flagtree.conformance.pytest_plugin"]
    child = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                           check=False)
    assert child.returncode == 0, child.stdout[-3000:] + child.stderr[-2000:]
    assert "2 passed" in child.stdout, child.stdout[-2000:]
    bad = subprocess.run(args[:-6] + ["--flagtree-backend", "nosuch"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=600, check=False)
    assert bad.returncode == 4 and "unknown backend 'nosuch'" in bad.stderr, bad.stderr[-2000:]
