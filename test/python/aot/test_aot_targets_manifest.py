"""Target names, the host CPU, and manifests (TOML): parsing and errors."""

from __future__ import annotations

import platform

import pytest
from aot_helpers import SAMPLES_MANIFEST
from flagtree.aot.errors import ManifestError, TargetError
from flagtree.aot.manifest import dump_manifest, load_manifest
from flagtree.aot.signature import parse_signature
from flagtree.aot.targets import Target, host_target, parse_target, parse_targets, unsupported_here


def test_target_names():
    assert parse_target("cuda:90") == Target("cuda", 90, 32)
    assert parse_target("cuda:sm_80").name == "cuda:80"
    assert parse_target("hip:gfx942") == Target("hip", "gfx942", 64)
    assert parse_target("hip:gfx1100").warp_size == 32
    assert parse_target("hip:gfx942:32").name == "hip:gfx942:32"
    assert parse_target("cpu:aarch64") == Target("cpu", "aarch64", 1, "generic", "")
    assert parse_target("cpu:x86_64:x86-64-v3").name == "cpu:x86_64:x86-64-v3"
    assert [t.name for t in parse_targets("cuda:90, hip:gfx942,cuda:90")] == ["cuda:90",
                                                                             "hip:gfx942"]


def test_host_target_is_this_cpu():
    host = parse_target("cpu")
    assert host == host_target() and host.backend == "cpu"
    assert host.arch == {"amd64": "x86_64", "arm64": "aarch64"}.get(
        platform.machine().lower(), platform.machine().lower())
    assert host.cpu and unsupported_here(host) is None
    assert Target.from_json(host.to_json()) == host


def test_targets_that_cannot_run_here_say_why():
    other = "aarch64" if host_target().arch == "x86_64" else "x86_64"
    assert f"built for {other}" in unsupported_here(parse_target(f"cpu:{other}"))
    fake = Target("cpu", host_target().arch, 1, "imaginary", "+no-such-feature")
    assert "lacks no-such-feature" in unsupported_here(fake)


@pytest.mark.parametrize("text,needle", [
    ("cuda", "expected <backend>:<arch>"), ("cuda:ninety", "compute capability"),
    ("cpu:sparc", "cpu:<arch>:<llvm-cpu>"), ("hip:gfx942:wide", "warp size"), (",", "no target"),
])
def test_bad_targets(text, needle):
    with pytest.raises(TargetError, match=needle):
        parse_targets(text)


def test_samples_manifest_matches_samples():
    """kernels.toml (what scripts/main.sh compiles) describes exactly flagtree.samples.SAMPLES."""
    from flagtree.samples.kernels import SAMPLES

    requests = load_manifest(SAMPLES_MANIFEST)
    assert [t.name for t in requests[0].targets][1:] == ["cuda:80", "cuda:90", "hip:gfx942"]
    assert len(requests) == len(SAMPLES)
    for request, spec in zip(requests, SAMPLES):
        assert request.ref.endswith(f":{spec.name}")
        sig = parse_signature(request.signature, spec.fn.arg_names, kernel=spec.name)
        signature, constexprs, attrs = sig.ast_inputs()
        assert signature == spec.signature and constexprs == spec.constexprs
        assert attrs == (spec.attrs or {})


def test_manifest_round_trip(tmp_path):
    text = dump_manifest([{"source": "k.py:add", "signatures": ["*fp32, i32, 4"],
                           "options": {"num_warps": 2}}], ["cpu", "cuda:90"], "a comment")
    path = tmp_path / "m.toml"
    path.write_text(text)
    (request,) = load_manifest(path)
    assert request.import_ref == f"{(tmp_path / 'k.py').resolve()}:add"
    assert request.options == {"num_warps": 2}
    assert [t.name for t in request.targets][1:] == ["cuda:90"]
    (override,) = load_manifest(path, parse_targets("hip:gfx942"))
    assert [t.name for t in override.targets] == ["hip:gfx942"]


@pytest.mark.parametrize("body,needle", [
    ("targets = [\n", "not valid TOML"),
    ("extra = 1\n[[kernel]]\nsource='a:b'\nsignature='i32'\n", "unknown top-level key(s) extra"),
    ("[[kernel]]\nsignature='i32'\n", "needs source"),
    ("[[kernel]]\nsource='a:b'\n", "needs signature"),
    ("[[kernel]]\nsource='a:b'\nsignature='i32'\n", "no targets"),
    ("[[kernel]]\nsource='a:b'\nsignature='i32'\ntargets=['cuda']\n", "expected <backend>"),
    ("[[kernel]]\nsource='a:b'\nsignature='i32'\nnum_wraps=4\n", "unknown key(s) num_wraps"),
])
def test_bad_manifests(tmp_path, body, needle):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert needle in str(info.value) and str(path) in str(info.value)
