"""Helpers shared by the flagtree.aot tests: the `flagtree` CLI in a fresh process.

(A module of its own, not conftest: several test folders have a conftest module.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
SAMPLES_MANIFEST = REPO / "python" / "flagtree" / "samples" / "kernels.toml"


def run_cli(*args: str, cwd: str | os.PathLike | None = None, env: dict | None = None,
            timeout: int = 300) -> subprocess.CompletedProcess:
    """`flagtree ARGS...` in a fresh process; output captured as text."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "flagtree", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)
