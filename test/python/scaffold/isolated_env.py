"""Isolated virtual environments for the scaffold tests, and package copies to build from.

A backend package a test installs goes into a venv of its own that sees flagtree's, never into it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


@dataclass
class IsolatedVenv:
    """A venv whose Python also sees the running interpreter's site-packages (flagtree, torch,
    Triton, pip, setuptools) through a .pth file; packages installed here stay here."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def run(self, *args: str, env: dict | None = None, cwd: Path | None = None,
            timeout: int = 900) -> subprocess.CompletedProcess:
        full_env = {k: v for k, v in os.environ.items() if k != "FLAGTREE_BACKEND"}
        full_env.update(env or {})
        return subprocess.run([str(self.python), *args], env=full_env, cwd=cwd,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def flagtree(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run("-m", "flagtree", *args, **kwargs)

    def pip_install(self, path: Path) -> None:
        child = self.run("-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                         str(path))
        assert child.returncode == 0, child.stdout + child.stderr

    def pip_uninstall(self, dist: str) -> None:
        child = self.run("-m", "pip", "uninstall", "-y", "-q", dist)
        assert child.returncode == 0, child.stdout + child.stderr


def make_isolated_venv(root: Path) -> IsolatedVenv:
    venv.EnvBuilder(with_pip=False, symlinks=True).create(root)
    env = IsolatedVenv(root)
    site_dir = Path(env.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                    .stdout.strip())
    parent = sysconfig.get_paths()["purelib"]
    # addsitedir (not a bare path) so that the parent's own .pth files (flagtree's editable
    # install) are processed too.
    (site_dir / "flagtree-parent.pth").write_text(
        f"import site; site.addsitedir({parent!r})\n")
    return env


def copy_package(src: Path, dest: Path) -> Path:
    """A copy of a package folder to build from (builds and lit write into the source tree)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", "Output", ".lit_test_times.txt"))
    return dest
