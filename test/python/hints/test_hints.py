"""Kernel hints end to end: the comment changes the IR on cpu, nvidia and amd, results stay.

Also: no hint means the nvidia/amd binaries are byte-identical to upstream Triton's.
"""

from __future__ import annotations

import warnings

import pytest
import torch
import triton
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource

from flagtree import hints, shared_ttir
from hinted_kernels import bad_unroll, flagtree_names, plain_copy, scaled_copy

SIGNATURE = {"x": "*fp32", "y": "*fp32", "n": "i32", "BLOCK": "constexpr"}
CUDA = GPUTarget("cuda", 90, 32)
HIP = GPUTarget("hip", "gfx942", 64)


def _text(asm) -> str:
    return asm.decode() if isinstance(asm, bytes) else asm


def test_scan_finds_flagtree_syntax():
    found = hints.scan_source("a = 1  #@hint: shared_memory\nfor i in r:  # @hint: unroll = 4, dma\n")
    assert found == {1: [hints.Hint("shared_memory")],
                     2: [hints.Hint("unroll", "4"), hints.Hint("dma")]}
    assert hints.parse_hint_comment("# a comment") is None
    with pytest.raises(hints.HintSyntaxError, match="malformed hint"):
        hints.parse_hint_comment("#@hint: unroll=4=5")


def test_cpu_hints_change_ir_and_keep_results():
    x = torch.randn(4096)
    y = torch.empty_like(x)
    hinted = scaled_copy[(4,)](x, y, 4096, BLOCK=256)
    torch.testing.assert_close(y, x * 2)
    plain = plain_copy[(4,)](x, y, 4096, BLOCK=256)
    torch.testing.assert_close(y, x * 2)
    assert "step %c2_i32" in hinted.asm["ttir"]  # unroll=2
    assert "step %c1_i32" in plain.asm["ttir"]
    assert "{nontemporal}" in _text(hinted.asm["llmlir"])
    assert "nontemporal" not in _text(plain.asm["llmlir"])


@pytest.mark.parametrize("target", [CUDA, HIP], ids=["cuda90", "gfx942"])
def test_gpu_hints_change_ir(target):
    hinted = triton.compile(ASTSource(scaled_copy, SIGNATURE, {"BLOCK": 256}), target=target)
    ttir = hinted.asm["ttir"]
    assert "step %c2_i32" in ttir
    assert "eviction_policy = evict_first" in ttir and "eviction_policy = evict_last" in ttir
    if target.backend == "cuda":
        assert "st.global.L1::evict_first" in hinted.asm["ptx"]
        assert "ld.global.L1::evict_last" in hinted.asm["ptx"]


@pytest.mark.parametrize("target", [CUDA, HIP], ids=["cuda90", "gfx942"])
def test_binaries_equal_upstream_without_hints(target, monkeypatch, tmp_path):
    """Through flagtree's shared passes (round trip via MLIR 22) and without: same bytes."""
    calls = []
    original = shared_ttir.apply_to_triton_module

    def counting(mod, backend, **kw):
        calls.append(backend)
        return original(mod, backend, **kw)

    monkeypatch.setattr(shared_ttir, "apply_to_triton_module", counting)
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path / "flagtree"))
    src = ASTSource(plain_copy, SIGNATURE, {"BLOCK": 256})
    ours = triton.compile(src, target=target)
    assert calls == [{"cuda": "nvidia", "hip": "amd"}[target.backend]]
    monkeypatch.setattr(triton.knobs.runtime, "add_stages_inspection_hook", None)
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path / "upstream"))
    upstream = triton.compile(src, target=target)
    binary = "cubin" if target.backend == "cuda" else "hsaco"
    assert ours.asm[binary] == upstream.asm[binary]
    assert len(calls) == 1


def test_flagtree_hint_names_warn_once_and_compile(monkeypatch, tmp_path):
    monkeypatch.setenv("TRITON_CACHE_DIR", str(tmp_path))  # compile, not a cache hit
    x = torch.randn(300)
    y = torch.empty_like(x)
    hints._warned.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        flagtree_names[(2,)](x, y, 300, BLOCK=256)
        flagtree_names[(2,)](x, y, 300, BLOCK=128)  # a second compile: no new warnings
    torch.testing.assert_close(y, x)
    messages = sorted(str(w.message) for w in caught if "hint" in str(w.message))
    assert messages == [
        "flagtree: hint 'dma' is not implemented on backend 'cpu'; ignored",
        "flagtree: hint 'shared_memory' is not implemented on backend 'cpu'; ignored",
    ]


def test_bad_hint_value_names_kernel_and_line():
    x = torch.zeros(8)
    with pytest.raises(triton.CompilationError) as info:
        bad_unroll[(1,)](x, 8, BLOCK=8)
    text = str(info.value)
    assert "bad_unroll" in text and "unroll=zero" in text
    assert "for i in range(0, 4):  #@hint: unroll=zero" in text
