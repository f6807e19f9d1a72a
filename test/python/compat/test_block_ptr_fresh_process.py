"""Block pointers reach plain `import triton` code in a fresh process, with nothing but flagtree
installed (Triton's backend discovery runs flagtree's hook), and Triton's interpreter runs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

# Uses only `import triton`: the script a user of Triton <= 3.5 would have written.
SCRIPT = textwrap.dedent("""
    import sys
    import torch
    import triton
    import triton.language as tl

    @triton.jit
    def row_sums(x_ptr, y_ptr, M, N, stride_m, BM: tl.constexpr, BN: tl.constexpr):
        pm = tl.program_id(0)
        x = tl.make_block_ptr(x_ptr, (M, N), (stride_m, 1), (pm * BM, 0), (BM, BN), (1, 0))
        acc = tl.zeros((BM,), tl.float32)
        for _ in range(0, N, BN):
            acc += tl.sum(tl.load(x, boundary_check=(0, 1), padding_option="zero"), axis=1)
            x = tl.advance(x, (0, BN))
        y = tl.make_block_ptr(y_ptr, (M,), (1,), (pm * BM,), (BM,), (0,))
        tl.store(y, acc, boundary_check=(0,))

    x = torch.randn(77, 301)
    y = torch.empty(77)
    row_sums[(triton.cdiv(77, 16),)](x, y, 77, 301, x.stride(0), BM=16, BN=64)
    torch.testing.assert_close(y, x.sum(1), rtol=1e-4, atol=1e-4)
    print("kernel type:", type(row_sums).__name__)
    print("flagtree loaded:", "flagtree.compat.block_ptr" in sys.modules)
""")


def _run(tmp_path, **env) -> str:
    script = tmp_path / "old_style.py"
    script.write_text(SCRIPT)
    full_env = dict(os.environ, TRITON_CACHE_DIR=str(tmp_path / "cache"),
                    TRITON_DEFAULT_BACKEND="cpu")
    full_env.pop("TRITON_INTERPRET", None)
    full_env.update(env)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=full_env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_plain_import_triton_runs_block_pointers_on_cpu(tmp_path):
    out = _run(tmp_path)
    assert "kernel type: JITFunction" in out
    assert "flagtree loaded: True" in out


def test_triton_interpreter_runs_block_pointers(tmp_path):
    out = _run(tmp_path, TRITON_INTERPRET="1")
    assert "kernel type: InterpretedFunction" in out
