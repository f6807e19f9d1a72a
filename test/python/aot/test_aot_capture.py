"""`flagtree compile --capture MANIFEST -- python script.py`: the specializations a program
JIT-compiles are recorded, recompiled from the manifest, and then serve that program's @jit
calls from the archive (nothing compiles the second time)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from aot_helpers import run_cli
from flagtree.aot.archive import Archive
from flagtree.aot.manifest import load_manifest

KERNEL = '''
import triton
import triton.language as tl


@triton.jit
def scale_kernel(x_ptr, out_ptr, n, alpha, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) * alpha, mask=mask)
'''

SCRIPT = '''
import sys

import torch
import triton

from kern import scale_kernel

if "--archive-only" in sys.argv:
    from flagtree.aot import cache
    from flagtree.backends.cpu import compiler

    def refuse(*args, **kwargs):
        raise RuntimeError("compiled instead of using the archive")

    compiler.CPUBackend.make_linalg = staticmethod(refuse)
for n, block in ((1000, 256), (4096, 1024), (1000, 256)):
    x = torch.randn(n)
    out = torch.empty(n)
    scale_kernel[(triton.cdiv(n, block),)](x, out, n, 2.5, BLOCK=block)
    torch.testing.assert_close(out, x * 2.5)
if "--archive-only" in sys.argv:
    print("served", sum(cache.served.values()))
print("script done", sys.argv[1:])
'''


def test_capture_records_recompiles_and_serves(tmp_path):
    (tmp_path / "kern.py").write_text(KERNEL)
    (tmp_path / "script.py").write_text(SCRIPT)
    env = {"TRITON_CACHE_DIR": str(tmp_path / "cache1")}
    proc = run_cli("compile", "--capture", "recorded/kernels.toml", "--out", "archive", "-q",
                   "--", sys.executable, "script.py", "arg1", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "script done ['arg1']" in proc.stdout  # the program ran, with its arguments

    manifest = tmp_path / "recorded" / "kernels.toml"
    text = manifest.read_text()
    assert 'source = "../kern.py:scale_kernel"' in text and 'targets = ["cpu"]' in text
    requests = load_manifest(manifest)
    assert sorted(r.signature for r in requests) == ["*fp32:16, *fp32:16, i32, fp32, 256",
                                                      "*fp32:16, *fp32:16, i32:16, fp32, 1024"]
    entries = Archive(tmp_path / "archive").entries
    assert len(entries) == 2 and all(e["triton_hash"] for e in entries)

    script = subprocess.run(
        [sys.executable, "script.py", "--archive-only"], cwd=tmp_path, check=False,
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "TRITON_CACHE_DIR": str(tmp_path / "cache2"),
             "TRITON_CACHE_MANAGER": "flagtree.aot.cache:ArchiveCacheManager",
             "FLAGTREE_AOT_ARCHIVES": str(tmp_path / "archive")})
    assert script.returncode == 0, script.stdout + script.stderr
    assert "served 2" in script.stdout


def test_capture_of_a_failing_program_keeps_what_it_recorded(tmp_path):
    (tmp_path / "kern.py").write_text(KERNEL)
    (tmp_path / "fail.py").write_text(textwrap.dedent("""
        import torch
        from kern import scale_kernel
        x = torch.randn(64)
        scale_kernel[(1,)](x, x, 64, 1.0, BLOCK=64)
        raise SystemExit(3)
    """))
    proc = run_cli("compile", "--capture", "k.toml", "--", sys.executable, "fail.py",
                   cwd=tmp_path, env={"TRITON_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 1
    assert "the captured program failed (exit status 3)" in proc.stderr
    assert '"*fp32:16, *fp32:16, i32:16, fp32, 64"' in (tmp_path / "k.toml").read_text()
