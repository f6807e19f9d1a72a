"""FlagGems' kernels, unchanged, on flagtree's cpu backend: a few ops checked against torch.

Each scenario runs in a fresh process (FlagGems picks its device once, at import), importing
Triton first, FlagGems first, or `flagtree as triton`; skipped when flag_gems is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(importlib.util.find_spec("flag_gems") is None,
                                reason="flag_gems is not installed (scripts/flaggems_tests.sh "
                                       "installs flag-gems==5.0.2)")

# The ops: a generated pointwise kernel with broadcasting (block pointers by FlagGems' default),
# a reduction, softmax and matmul through FlagGems' LibEntry/autotuner, a Philox random op.
CHECKS = """
import torch
import triton

launched = []
triton.knobs.runtime.launch_enter_hook.add(lambda metadata: launched.append(metadata.get()["name"]))
torch.manual_seed(0)
results = {"device": flag_gems.device, "vendor": flag_gems.vendor_name,
           "backend": triton.runtime.driver.active.get_current_target().backend}
a, b = torch.randn(33, 70), torch.randn(70)
x = torch.randn(5, 300)
p, q = torch.randn(40, 24), torch.randn(24, 17)
ops = {
    "mul": (lambda: torch.mul(a, b), a * b),
    "exp": (lambda: torch.exp(x), torch.exp(x)),
    "sum_dim": (lambda: torch.sum(x, dim=1), x.sum(1)),
    "softmax": (lambda: torch.softmax(x, dim=-1), torch.softmax(x, -1)),
    "mm": (lambda: torch.mm(p, q), p @ q),
    "sigmoid": (lambda: torch.sigmoid(a), torch.sigmoid(a)),
}
kernels = {}
for name, (run, want) in ops.items():
    start = len(launched)
    with flag_gems.use_gems():
        got = run()
    kernels[name] = launched[start:]
    results[name] = bool(torch.allclose(got, want, rtol=1e-4, atol=1e-5))
with flag_gems.use_gems():
    torch.manual_seed(7)
    r1, r2 = torch.rand(4096), torch.rand(4096)
    torch.manual_seed(7)
    r3 = torch.rand(4096)
results["rand_in_range"] = bool((r1 >= 0).all() and (r1 < 1).all() and abs(r1.mean() - 0.5) < 0.03)
results["rand_fresh"] = not torch.equal(r1, r2)
results["rand_reseeded"] = bool(torch.equal(r1, r3))
print("RESULTS", json.dumps({"checks": results, "kernels": kernels}))
"""

PRELUDES = {
    "import_triton_first": "import json, triton, triton.language as tl\nimport flag_gems\n",
    "import_flaggems_first": "import json, flag_gems\n",
    "flagtree_as_triton": textwrap.dedent("""
        import json
        import flagtree as triton
        import flagtree.language as tl
        import flag_gems
        import torch

        @triton.jit
        def scale(x_ptr, out_ptr, n, BLOCK: tl.constexpr):
            offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
            tl.store(out_ptr + offs, tl.load(x_ptr + offs, mask=offs < n) * 2, mask=offs < n)

        v = torch.randn(1000)
        with flag_gems.use_gems():
            w = torch.abs(v)                      # a FlagGems kernel ...
        out = torch.empty_like(w)
        scale[(triton.cdiv(1000, 256),)](w, out, 1000, BLOCK=256)   # ... then a user kernel
        assert torch.allclose(out, v.abs() * 2)
    """),
}


def _run(scenario: str, folder) -> dict:
    script = folder / f"{scenario}.py"  # A file: Triton reads @jit functions' source.
    script.write_text(PRELUDES[scenario] + CHECKS)
    proc = subprocess.run([sys.executable, str(script)], check=False, capture_output=True,
                          text=True, timeout=900)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULTS ")]
    assert proc.returncode == 0 and lines, (
        f"{scenario}: exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1].removeprefix("RESULTS "))


@pytest.mark.parametrize("scenario", sorted(PRELUDES))
def test_flaggems_ops_match_torch(scenario, tmp_path):
    out = _run(scenario, tmp_path)
    checks, kernels = out["checks"], out["kernels"]
    assert (checks.pop("device"), checks.pop("vendor"), checks.pop("backend")) == (
        "cpu", "arm", "cpu")
    assert all(checks.values()), {k: v for k, v in checks.items() if not v}
    # Each op ran FlagGems' own Triton kernels (launched through Triton's runtime), not aten.
    assert all(kernels.values()), kernels


def test_gems_vendor_from_environment_is_kept():
    """`GEMS_VENDOR` still decides: naming a vendor whose device this host lacks fails in
    FlagGems, not silently on the CPU."""
    code = "import flag_gems; print('DEVICE', flag_gems.device)"
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "GEMS_VENDOR": "arm"})
    assert "DEVICE cpu" in proc.stdout, proc.stderr[-2000:]
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "GEMS_VENDOR": "nvidia"})
    assert "DEVICE cpu" not in proc.stdout
