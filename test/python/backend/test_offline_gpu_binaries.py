"""FLAGTREE_BACKEND=nvidia / amd compile a launch offline (no GPU) to upstream Triton's binary.

A fresh process selects the backend by environment, warms a kernel up through flagtree (shared
TTIR phase included), then compiles the same source with upstream Triton alone and compares.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch

_SCRIPT = textwrap.dedent('''
    import hashlib, os, sys
    import torch, triton, triton.language as tl

    @triton.jit
    def add_one(x, n, BLOCK: tl.constexpr):
        off = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
        tl.store(x + off, tl.load(x + off, mask=off < n) + 1, mask=off < n)

    binary = sys.argv[1]
    x = torch.zeros(1000)
    ours = add_one.warmup(x, 1000, BLOCK=128, grid=(8,))
    assert ours.metadata.target.backend == {"cubin": "cuda", "hsaco": "hip"}[binary]
    # Upstream Triton alone: no flagtree stage hook, a cache of its own.
    triton.knobs.runtime.add_stages_inspection_hook = None
    os.environ["TRITON_CACHE_DIR"] = os.environ["TRITON_CACHE_DIR"] + "-upstream"
    upstream = triton.compile(ours.src, target=ours.metadata.target)
    print(len(ours.asm[binary]), hashlib.sha256(ours.asm[binary]).hexdigest(),
          hashlib.sha256(upstream.asm[binary]).hexdigest())
''')


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present: not an offline compile")
@pytest.mark.parametrize("backend, binary", [("nvidia", "cubin"), ("amd", "hsaco")])
def test_selected_gpu_backend_matches_upstream_binary(backend, binary, tmp_path):
    script = tmp_path / "warm.py"
    script.write_text(_SCRIPT)
    env = {"FLAGTREE_BACKEND": backend, "TRITON_CACHE_DIR": str(tmp_path / "cache"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(script), binary], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    size, ours, upstream = done.stdout.split()
    assert int(size) > 1000
    assert ours == upstream
