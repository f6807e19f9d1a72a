"""Running archives: a fresh process with no compiler at all runs the cpu binaries against
torch; a C program runs a kernel through the generated header; @jit calls hit an archive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import torch
from flagtree import aot
from flagtree.aot.errors import ArchiveError, SpecializationError

# Run in a fresh process: every way to compile is closed before flagtree.aot.load runs, the
# PATH holds no tool, and the sample kernels run from the archive against torch.
NO_COMPILER = textwrap.dedent("""
    import os, subprocess, sys
    TOOLS = {"cc", "gcc", "g++", "c++", "clang", "ld", "llc", "opt", "ptxas", "ld.lld"}
    popen_init = subprocess.Popen.__init__

    def guarded(self, args, *rest, **kw):
        first = args[0] if isinstance(args, (list, tuple)) else str(args).split()[0]
        if os.path.basename(str(first)) in TOOLS:
            raise RuntimeError(f"a compiler was called: {args}")
        return popen_init(self, args, *rest, **kw)

    subprocess.Popen.__init__ = guarded

    def refuse(*args, **kwargs):
        raise RuntimeError("a compiler was called in process")

    import mlir.execution_engine
    mlir.execution_engine.ExecutionEngine = refuse
    import triton, triton.compiler, triton.compiler.compiler
    triton.compile = triton.compiler.compile = triton.compiler.compiler.compile = refuse
    from flagtree.backends.cpu import compiler
    compiler.CPUBackend.make_linalg = compiler.CPUBackend.make_llmlir = staticmethod(refuse)

    from flagtree import aot
    from flagtree.samples.kernels import SAMPLES, run_sample
    kernels = aot.load(sys.argv[1])
    for spec in SAMPLES:
        run_sample(spec, kernels[spec.name])  # checks the result against torch
        print("ok", spec.name, kernels.target.name)
""")


def test_fresh_process_without_compilers_runs_the_cpu_archive(sample_archive, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "TRITON_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.run([sys.executable, "-c", NO_COMPILER, str(sample_archive)], env=env,
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("ok")] == [
        "add_kernel", "softmax_kernel", "matmul_kernel"]
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.llmlir"))


C_MAIN = """
#include <stdio.h>
#include <stdlib.h>
#include "add_kernel.h"

int main(int argc, char **argv) {
  int n = atoi(argv[1]);
  float *x = malloc(n * sizeof(float)), *y = malloc(n * sizeof(float));
  float *out = malloc(n * sizeof(float));
  FILE *in = fopen(argv[2], "rb");
  if (fread(x, sizeof(float), n, in) != (size_t)n || fread(y, sizeof(float), n, in) != (size_t)n)
    return 2;
  fclose(in);
  int failed = SYMBOL((n + 1023) / 1024, 1, 1, x, y, out, n);
  FILE *res = fopen(argv[3], "wb");
  fwrite(out, sizeof(float), n, res);
  fclose(res);
  return failed;
}
"""


def test_c_program_runs_a_cpu_kernel_through_the_header(sample_archive, tmp_path):
    manifest = json.loads((sample_archive / "manifest.json").read_text())
    entry = next(e for e in manifest["entries"]
                 if e["kernel"] == "add_kernel" and e["target"]["backend"] == "cpu")
    library = sample_archive / entry["files"]["binary"]
    include = (sample_archive / entry["files"]["header"]).parent
    (tmp_path / "main.c").write_text(C_MAIN.replace("SYMBOL", entry["symbol"]))
    exe = tmp_path / "main"
    build = subprocess.run(["gcc", "-O1", "-Wall", "-Werror", "-o", str(exe),
                            str(tmp_path / "main.c"), "-I", str(include), str(library),
                            f"-Wl,-rpath,{library.parent}"], check=False,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    n = 5003
    x, y = torch.randn(n), torch.randn(n)
    (tmp_path / "in.bin").write_bytes(x.numpy().tobytes() + y.numpy().tobytes())
    run = subprocess.run([str(exe), str(n), str(tmp_path / "in.bin"), str(tmp_path / "out.bin")],
                         check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = torch.frombuffer(bytearray((tmp_path / "out.bin").read_bytes()), dtype=torch.float32)
    assert torch.equal(out, x + y)


def test_arguments_pick_the_specialization_or_say_why_none_fits(sample_archive):
    kernels = aot.load(sample_archive, "cpu")
    assert sorted(kernels) == ["add_kernel", "matmul_kernel", "softmax_kernel"]
    add = kernels["add_kernel"]
    x, y = torch.randn(3000), torch.randn(3000)
    out = torch.empty(3000)
    add[(3,)](x, y, out, 3000)  # the constexpr is compiled in: it may be left out
    assert torch.equal(out, x + y)
    add[lambda meta: (triton_cdiv(3000, meta["BLOCK_SIZE"]),)](x, y, out, 3000, BLOCK_SIZE=1024)
    assert torch.equal(out, x + y)
    with pytest.raises(SpecializationError, match="BLOCK_SIZE is compiled as 1024, got 512"):
        add[(3,)](x, y, out, 3000, BLOCK_SIZE=512)
    with pytest.raises(SpecializationError, match="x_ptr must hold fp32, got fp64"):
        add[(3,)](x.double(), y, out, 3000)
    with pytest.raises(SpecializationError, match="x_ptr is compiled for 16-byte aligned"):
        add[(3,)](x[1:], y[1:], out[1:], 2999)
    with pytest.raises(SpecializationError, match="n_elements=4294967296 does not fit i32"):
        add[(3,)](x, y, out, 2**32)
    with pytest.raises(TypeError, match="has no argument 'BLOCK'"):
        add[(3,)](x, y, out, 3000, BLOCK=1024)
    with pytest.raises(KeyError, match="no kernel 'mul_kernel'"):
        kernels["mul_kernel"]


def triton_cdiv(a: int, b: int) -> int:
    return (a + b - 1) // b


def test_gpu_entries_load_without_a_gpu_and_other_targets_are_refused(sample_archive):
    cuda = aot.load(sample_archive, "cuda:90")
    assert cuda.target.name == "cuda:90" and len(cuda) == 3
    with pytest.raises(ArchiveError, match=r"no binary for hip:gfx942.*it has: "):
        aot.load(sample_archive, "hip:gfx942")


JIT_SCRIPT = textwrap.dedent("""
    import sys
    from flagtree import aot
    from flagtree.aot import cache
    from flagtree.backends.cpu import compiler
    from flagtree.samples.kernels import SAMPLES, run_sample

    def refuse(*args, **kwargs):
        raise RuntimeError("compiled instead of using the archive")

    compiler.CPUBackend.make_linalg = staticmethod(refuse)
    aot.use_archives(sys.argv[1])
    run_sample(SAMPLES[0])  # add_kernel through @jit, checked against torch
    print("served", dict(cache.served))
""")


def test_jit_calls_hit_the_archive_first(sample_archive, tmp_path):
    env = {**os.environ, "TRITON_CACHE_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", JIT_SCRIPT, str(sample_archive)], env=env,
                          check=False, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"served {{'{sample_archive}': 1}}" in proc.stdout
