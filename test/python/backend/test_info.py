"""`flagtree info`: versions, every installed backend with targets and run/compile status, and
the cache location, as text and as JSON.
"""

from __future__ import annotations

import json
from importlib import metadata

from click.testing import CliRunner

from flagtree.cli import main


def test_info_json_lists_backends_versions_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path / "kernels"))
    result = CliRunner().invoke(main, ["info", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["versions"]["triton"] == metadata.version("triton")
    assert data["versions"]["mlir"] == metadata.version("xtc-mlir-python-bindings")
    assert data["versions"]["flagtree"] == metadata.version("flagtree")
    assert data["cache_dir"] == str(tmp_path / "kernels")
    backends = {b["name"]: b for b in data["backends"]}
    assert list(backends)[:3] == ["cpu", "nvidia", "amd"]
    assert backends["cpu"]["status"] == "runnable" and backends["cpu"]["ir_level"] == "llvm"
    assert backends["nvidia"]["targets"][0] == "cuda:90"
    assert backends["amd"]["targets"][0] == "hip:gfx942"


def test_info_text_and_selected_backend(monkeypatch):
    monkeypatch.setenv("FLAGTREE_BACKEND", "amd")
    result = CliRunner().invoke(main, ["info"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"flagtree {metadata.version('flagtree')}\n")
    assert f"  triton   {metadata.version('triton')}" in out
    assert "backend: amd (selected)" in out
    assert "cache:   " in out
    for row in ("cpu", "nvidia", "amd"):
        assert f"│ {row} " in out
    assert "cuda:90, cuda:80" in out and "hip:gfx942" in out
