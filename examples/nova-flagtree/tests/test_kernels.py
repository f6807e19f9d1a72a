"""Plain `import triton` kernels, unchanged, compiled and run by the nova backend when
FLAGTREE_BACKEND=nova: results checked against torch, nova-mul-to-shift seen in the binary.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = '''
import torch
import triton
import triton.language as tl


@triton.jit
def scale(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=mask) * 8, mask=mask)


x = torch.randint(-2**20, 2**20, (5000,), dtype=torch.int32)
out = torch.empty_like(x)
kernel = scale[(triton.cdiv(5000, 1024),)](x, out, 5000, BLOCK=1024)
torch.testing.assert_close(out, x * 8)
print("target", kernel.metadata.target.backend, kernel.metadata.target.arch)
binary = kernel.asm["llmlir"]
print("shl", b"llvm.shl" in binary, "mul", b"llvm.mul" in binary)
'''


def run_script(tmp_path, backend: str) -> str:
    script = tmp_path / "scale.py"  # Triton reads a kernel's source from its file
    script.write_text(SCRIPT)
    env = {**os.environ, "FLAGTREE_BACKEND": backend}
    child = subprocess.run([sys.executable, str(script)], env=env, capture_output=True,
                           text=True, timeout=600, check=False)
    assert child.returncode == 0, child.stderr[-3000:]
    return child.stdout


def test_plain_triton_kernel_runs_on_nova(tmp_path):
    out = run_script(tmp_path, "nova")
    assert "target nova_npu n2" in out, out
    assert "shl True mul False" in out, "nova-mul-to-shift left a multiplication: " + out


def test_the_cpu_reference_multiplies(tmp_path):
    """The same kernel on the cpu backend keeps its multiplications: the pass is nova's own."""
    assert "shl False mul True" in run_script(tmp_path, "cpu")
