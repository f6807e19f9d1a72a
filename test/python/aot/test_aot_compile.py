"""`flagtree compile`: the samples for several targets in parallel, the cuda:90 cubins against
upstream Triton's own, caching and determinism, and failures that do not stop other jobs."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import triton
from aot_helpers import run_cli
from flagtree.aot.archive import Archive, write_archive


def test_samples_compile_in_parallel_with_a_progress_bar(sample_build):
    out, proc = sample_build
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "flagtree-aot" and manifest["format_version"] == 1
    pairs = sorted((e["kernel"], e["target_name"].split(":")[0]) for e in manifest["entries"])
    assert pairs == sorted((k, t) for k in ("add_kernel", "softmax_kernel", "matmul_kernel")
                           for t in ("cpu", "cuda"))
    assert "6/6" in proc.stderr  # the progress bar's last state
    assert "2 process(es)" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if "cuda:90" in line)
    assert row.split("│")[2].strip() == "3"  # compiled
    for entry in manifest["entries"]:
        binary = entry["files"]["binary"]
        assert binary.endswith(".so" if entry["target"]["backend"] == "cpu" else ".cubin")
        assert manifest["files"][binary]["size"] == (out / binary).stat().st_size
        assert entry["versions"]["triton"] == triton.__version__
        assert entry["source_hash"] and entry["launch"]["num_warps"] >= 1


def test_cuda90_cubins_equal_upstream_triton(sample_archive, tmp_path):
    """Upstream Triton alone (flagtree's stage hook removed), in a fresh process and cache."""
    script = textwrap.dedent(f"""
        import glob, triton
        from triton.backends.compiler import GPUTarget
        from triton.compiler import ASTSource
        from flagtree.samples.kernels import SAMPLES
        triton.knobs.runtime.add_stages_inspection_hook = None
        for spec in SAMPLES:
            ours = open(glob.glob("{sample_archive}/kernels/" + spec.name +
                                  "/cuda-90/*.cubin")[0], "rb").read()
            src = ASTSource(spec.fn, spec.signature, spec.constexprs, spec.attrs)
            theirs = triton.compile(src, target=GPUTarget("cuda", 90, 32)).asm["cubin"]
            print(spec.name, len(ours), ours == theirs)
    """)
    proc = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                          text=True, env={**os.environ, "TRITON_CACHE_DIR": str(tmp_path)},
                          timeout=300)
    lines = [line for line in proc.stdout.splitlines() if line.endswith(("True", "False"))]
    assert len(lines) == 3 and all(line.endswith("True") for line in lines), \
        proc.stdout + proc.stderr


def test_rerun_reuses_entries_and_writes_the_same_bytes(sample_archive, tmp_path, triton_cache):
    copy = tmp_path / "again"
    shutil.copytree(sample_archive, copy)
    from aot_helpers import SAMPLES_MANIFEST

    proc = run_cli("compile", str(SAMPLES_MANIFEST), "-t", "cpu,cuda:90", "-o", str(copy),
                   "-q", env={"TRITON_CACHE_DIR": triton_cache})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    total = next(line for line in proc.stdout.splitlines() if "total" in line).split("│")
    assert [c.strip() for c in total[2:5]] == ["0", "6", "0"]  # compiled, cached, failed
    for path in sample_archive.rglob("*"):
        if path.is_file():
            assert (copy / path.relative_to(sample_archive)).read_bytes() == path.read_bytes()


def test_independent_cold_builds_are_identical(sample_archive, tmp_path):
    """Another process, another Triton cache, the add kernel alone: the same files."""
    out = tmp_path / "add"
    proc = run_cli("compile", "flagtree.samples.kernels:add_kernel", "--signature",
                   "*fp32:16, *fp32:16, *fp32:16, i32, 1024", "--target", "cpu,cuda:90",
                   "--out", str(out), "-j", "1", "-q", env={"TRITON_CACHE_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    files = [p for p in out.rglob("*") if p.is_file() and p.name != "manifest.json"
             and p.name != "add_kernel.h"]
    assert len(files) >= 8
    for path in files:
        assert (sample_archive / path.relative_to(out)).read_bytes() == path.read_bytes(), path


def test_tar_archives_are_deterministic_and_read_like_folders(sample_archive, tmp_path):
    archive = Archive(sample_archive)
    files = {name: archive.read(name) for name in archive.files}
    versions = archive.manifest["created_by"]
    first, second = tmp_path / "a.tar.gz", tmp_path / "b.tar.gz"
    write_archive(first, archive.entries, files, versions)
    write_archive(second, list(reversed(archive.entries)),
                  dict(reversed(list(files.items()))), versions)
    assert first.read_bytes() == second.read_bytes()
    packed = Archive(first)
    assert packed.manifest == archive.manifest and packed.verify() == []
    plain = tmp_path / "c.tar"
    write_archive(plain, archive.entries, files, versions)
    assert Archive(plain).verify() == []


def test_gpu_c_launchers_compile_against_the_vendor_header(sample_archive):
    include = Path(triton.__file__).parent / "backends" / "nvidia" / "include"
    sources = glob.glob(str(sample_archive / "src" / "cuda-90" / "*.c"))
    assert len(sources) == 3
    for source in sources:
        proc = subprocess.run(["gcc", "-fsyntax-only", "-I", str(include), source],
                              check=False, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


BROKEN = '''
import triton
import triton.language as tl


@triton.jit
def copy_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n), mask=offs < n)


@triton.jit
def broken_kernel(x_ptr, BLOCK: tl.constexpr):
    tl.store(x_ptr + tl.arange(0, BLOCK), undefined_name)
'''


def test_failures_are_reported_and_do_not_stop_other_jobs(tmp_path):
    (tmp_path / "kernels.py").write_text(BROKEN)
    (tmp_path / "jobs.toml").write_text(textwrap.dedent("""
        targets = ["cpu"]
        [[kernel]]
        source = "kernels.py:copy_kernel"
        signatures = ["*fp32:16, *fp32:16, i32, 128", "*fp32, *fp32, i32"]
        [[kernel]]
        source = "kernels.py:broken_kernel"
        signature = "*fp32, 16"
        [[kernel]]
        source = "missing.py:nothing"
        signature = "i32"
        [[kernel]]
        source = "kernels.py:copy_kernel"
        signature = "*fp32, *fp32, i32, 64"
        targets = ["cpu:aarch64"]
    """))
    out = tmp_path / "out"
    proc = run_cli("compile", "jobs.toml", "-o", str(out), "-j", "2", cwd=tmp_path,
                   env={"TRITON_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    err = " ".join(proc.stderr.split())
    assert "has 3 item(s), the kernel takes 4" in err  # the bad signature
    assert "broken_kernel" in err and "undefined_name" in err  # the compile error
    assert "missing.py: no such file" in err
    assert "aarch64-linux-gnu-gcc" in err  # no cross linker here
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:5]]
            for line in proc.stdout.splitlines() if line.startswith("│")}
    assert rows[next(k for k in rows if k.startswith("cpu:x86_64"))] == ["1", "0", "3"]
    assert rows["cpu:aarch64:generic"] == ["0", "0", "1"]
    entries = Archive(out).entries
    assert [(e["kernel"], e["signature"]) for e in entries] == [
        ("copy_kernel", "*fp32:16, *fp32:16, i32, 128")]


def test_usage_errors_are_clear(tmp_path):
    proc = run_cli("compile", "x.py:k", "-t", "cpu", "-o", str(tmp_path / "o"))
    assert proc.returncode == 2 and "--signature is required" in proc.stderr
    proc = run_cli("compile", "x.py:k", "-s", "i32", "-t", "cpu", "-o", str(tmp_path / "o"))
    assert proc.returncode == 1 and "x.py: no such file" in proc.stderr
    proc = run_cli("compile", "flagtree.samples.kernels:add_kernel", "-s",
                   "*fp32, *fp32, *fp32, i32, 64", "-t", "tpu:1", "-o", str(tmp_path / "o"))
    assert proc.returncode == 1 and "no installed Triton backend compiles for it" in proc.stderr
    assert not (tmp_path / "o").exists()  # nothing compiled, nothing written
    proc = run_cli("compile", "x.py:k", "-s", "i32", "-t", "cpu")
    assert proc.returncode == 2 and "--out is required" in proc.stderr
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    proc = run_cli("compile", "x.py:k", "-s", "i32", "-t", "cpu", "-o", str(tmp_path / "notes"))
    assert proc.returncode == 1 and "is not a flagtree archive: not replacing it" in proc.stderr
    assert (tmp_path / "notes" / "todo.txt").read_text() == "keep me"


AUTOTUNED = '''
import triton
import triton.language as tl


@triton.autotune(configs=[triton.Config({"BLOCK": 128}, num_warps=2),
                          triton.Config({"BLOCK": 256}, num_warps=4)], key=["n"])
@triton.jit
def double_kernel(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * 2, mask=offs < n)
'''


def test_autotune_configs_expand_and_grid_rules_reach_the_c_header(tmp_path):
    import pytest
    import torch
    from flagtree import aot
    from flagtree.aot.errors import SpecializationError

    (tmp_path / "tuned.py").write_text(AUTOTUNED)
    out = tmp_path / "tuned.tar"
    proc = run_cli("compile", "tuned.py:double_kernel", "-s", "*fp32:16, *fp32:16, i32", "-t",
                   "cpu", "--grid", "(n + 127) / 128, 1, 1", "-o", str(out), "-q", cwd=tmp_path,
                   env={"TRITON_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    archive = Archive(out)
    assert sorted((e["signature"], e["options"]["num_warps"]) for e in archive.entries) == [
        ("*fp32:16, *fp32:16, i32, 128", 2), ("*fp32:16, *fp32:16, i32, 256", 4)]
    header = archive.read(archive.entries[0]["files"]["header"]).decode()
    assert "(float *x_ptr, float *out_ptr, int32_t n);" in header  # the grid is the rule's

    kernel = aot.load(out)["double_kernel"]
    x, result = torch.randn(1000), torch.empty(1000)
    with pytest.raises(SpecializationError, match="2 specializations fit"):
        kernel[(8,)](x, result, 1000)
    kernel[lambda meta: (triton.cdiv(1000, meta["BLOCK"]),)](x, result, 1000, BLOCK=256)
    assert torch.equal(result, x * 2)
    result.zero_()
    kernel[(8,)](x, result, 1000, num_warps=2)  # an option chooses too
    assert torch.equal(result, x * 2)
