"""Fixtures for the `flagtree compile` / archive tests: the CLI in a subprocess, and the sample
kernels compiled once per session for cpu and cuda:90 (offline, no GPU).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aot_helpers import SAMPLES_MANIFEST, run_cli


@pytest.fixture(scope="session")
def triton_cache(tmp_path_factory) -> str:
    """A Triton cache folder of this test session (compiles here start cold)."""
    return str(tmp_path_factory.mktemp("triton-cache"))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory, triton_cache):
    """(archive folder, CompletedProcess): the samples compiled for cpu and cuda:90, -j 2."""
    out = tmp_path_factory.mktemp("aot") / "samples"
    proc = run_cli("compile", str(SAMPLES_MANIFEST), "--target", "cpu,cuda:90", "--out",
                   str(out), "-j", "2", env={"TRITON_CACHE_DIR": triton_cache})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out, proc


@pytest.fixture(scope="session")
def sample_archive(sample_build) -> Path:
    return sample_build[0]
