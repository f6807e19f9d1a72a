"""Broken archives fail with clear errors that name the entry: corrupt, truncated, tampered,
of another format version or ABI, for another machine; never a crash or another binary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from aot_helpers import run_cli
from flagtree import aot
from flagtree.aot.archive import Archive, write_archive
from flagtree.aot.errors import ArchiveError

ADD = "add_kernel[*fp32:16, *fp32:16, *fp32:16, i32, 1024] for cpu:"


@pytest.fixture
def archive(sample_archive, tmp_path) -> Path:
    """A private copy of the sample archive, to break."""
    copy = tmp_path / "archive"
    shutil.copytree(sample_archive, copy)
    return copy


def entry_of(archive: Path, kernel: str, backend: str = "cpu") -> dict:
    manifest = json.loads((archive / "manifest.json").read_text())
    return next(e for e in manifest["entries"]
                if e["kernel"] == kernel and e["target"]["backend"] == backend)


def edit_manifest(archive: Path, edit) -> None:
    path = archive / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def load_error(archive, target="cpu") -> str:
    with pytest.raises(ArchiveError) as info:
        aot.load(archive, target)
    return str(info.value)


def test_corrupt_binary(archive):
    so = archive / entry_of(archive, "add_kernel")["files"]["binary"]
    data = bytearray(so.read_bytes())
    data[len(data) // 2] ^= 0xFF
    so.write_bytes(bytes(data))
    message = load_error(archive)
    assert ADD in message and "does not match its sha256 (corrupt or tampered)" in message
    proc = run_cli("inspect", str(archive), "--verify")
    assert proc.returncode == 1
    assert "add_kernel[" in proc.stderr and "does not match its sha256" in proc.stderr
    assert run_cli("inspect", str(archive)).returncode == 0  # listing alone still works


def test_truncated_binary(archive):
    so = archive / entry_of(archive, "softmax_kernel")["files"]["binary"]
    size = so.stat().st_size
    so.write_bytes(so.read_bytes()[: size // 3])
    message = load_error(archive)
    assert "softmax_kernel[" in message and f"{size // 3} bytes, {size} recorded" in message


def test_tampered_binary_swapped_for_another_kernels(archive):
    add, softmax = entry_of(archive, "add_kernel"), entry_of(archive, "softmax_kernel")
    shutil.copy(archive / softmax["files"]["binary"], archive / add["files"]["binary"])
    assert ADD in load_error(archive)


def test_manifest_pointing_an_entry_at_another_entrys_file(archive):
    def swap(manifest):
        add = next(e for e in manifest["entries"] if e["kernel"] == "add_kernel"
                   and e["target"]["backend"] == "cpu")
        other = next(e for e in manifest["entries"] if e["kernel"] == "softmax_kernel"
                     and e["target"]["backend"] == "cpu")
        add["files"]["binary"] = other["files"]["binary"]
    edit_manifest(archive, swap)
    message = load_error(archive)
    assert ADD in message and "is not its own" in message


def test_missing_file(archive):
    os.unlink(archive / entry_of(archive, "matmul_kernel")["files"]["binary"])
    message = load_error(archive)
    assert "matmul_kernel[" in message and "is missing" in message


def test_wrong_format_version(archive):
    edit_manifest(archive, lambda m: m.update(format_version=99))
    assert "archive format version 99 is not supported" in load_error(archive)
    proc = run_cli("inspect", str(archive), "--verify")
    assert proc.returncode == 1 and "format version 99" in proc.stderr


def test_wrong_launch_abi(archive):
    def old_abi(manifest):
        for entry in manifest["entries"]:
            entry["versions"]["cpu_abi"] = "flagtree-cpu-entry-0"
    edit_manifest(archive, old_abi)
    message = load_error(archive)
    assert "built for the launch ABI 'flagtree-cpu-entry-0'" in message and "entry " in message


def test_wrong_target(archive):
    def elsewhere(manifest):
        for entry in manifest["entries"]:
            if entry["target"]["backend"] == "cpu":
                entry["target"].update(arch="aarch64", cpu="generic", features="")
                entry["target_name"] = "cpu:aarch64:generic"
    edit_manifest(archive, elsewhere)
    message = load_error(archive)
    assert "cannot run on this machine: it was built for aarch64" in message
    assert "for cpu:aarch64:generic (" in message  # names the entry
    assert "no binary for hip:gfx942" in load_error(archive, "hip:gfx942")


def test_corrupt_or_missing_manifest(archive, tmp_path):
    (archive / "manifest.json").write_text('{"format": "flagtree-aot", "format_ver')
    assert "manifest.json is corrupt" in load_error(archive)
    (archive / "manifest.json").unlink()
    assert "not a flagtree archive (no manifest.json)" in load_error(archive)
    assert "no such archive" in load_error(tmp_path / "nowhere")
    junk = tmp_path / "junk.tar"
    junk.write_bytes(os.urandom(5000))
    assert "not a flagtree archive, or truncated" in load_error(junk)


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz"])
def test_truncated_single_file_archive(sample_archive, tmp_path, suffix):
    source = Archive(sample_archive)
    packed = tmp_path / f"samples{suffix}"
    write_archive(packed, source.entries, {n: source.read(n) for n in source.files},
                  source.manifest["created_by"])
    data = packed.read_bytes()
    packed.write_bytes(data[: int(len(data) * 0.6)])
    message = load_error(packed)
    assert "truncated" in message
    assert "entry " in message or "no readable manifest.json" in message
    proc = run_cli("inspect", str(packed), "--verify")
    assert proc.returncode == 1 and "truncated" in proc.stderr


def test_added_file_is_reported_by_verify(archive):
    (archive / "kernels" / "extra.so").write_bytes(b"\x7fELF")
    assert Archive(archive).verify() == [
        ("file kernels/extra.so", "kernels/extra.so is not listed in manifest.json (added?)")]


def test_jit_lookup_of_a_tampered_archive_fails_instead_of_compiling(archive, tmp_path):
    llmlir = archive / entry_of(archive, "add_kernel")["files"]["jit_binary"]
    llmlir.write_text(llmlir.read_text().replace("1024", "2048"))  # same size
    script = textwrap.dedent("""
        import sys
        from flagtree import aot
        from flagtree.samples.kernels import SAMPLES, run_sample
        aot.use_archives(sys.argv[1])
        try:
            run_sample(SAMPLES[0])
        except aot.ArchiveError as exc:
            print("refused:", exc)
    """)
    proc = subprocess.run([sys.executable, "-c", script, str(archive)], check=False,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TRITON_CACHE_DIR": str(tmp_path / "cache")})
    assert "refused:" in proc.stdout, proc.stdout + proc.stderr
    assert ADD in proc.stdout and "does not match its sha256" in proc.stdout
