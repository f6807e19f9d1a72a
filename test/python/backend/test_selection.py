"""Backend selection: flagtree.set_backend / use_backend, FLAGTREE_BACKEND, the default from the
arguments' device, and Triton's active driver following each choice.
"""

from __future__ import annotations

import platform
from types import SimpleNamespace

import pytest
import torch
import triton
import triton.language as tl
from triton.backends.compiler import GPUTarget

from flagtree import knobs
from flagtree.backend import (
    BackendError,
    backend_for_arguments,
    current_backend,
    set_backend,
    use_backend,
)
from plugins import run_python


@triton.jit
def _add_one(x_ptr, n, BLOCK: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    mask = offs < n
    tl.store(x_ptr + offs, tl.load(x_ptr + offs, mask=mask) + 1, mask=mask)


def _active_target():
    return triton.runtime.driver.active.get_current_target()


def test_default_here_is_cpu_and_kernels_run():
    if torch.cuda.is_available():
        pytest.skip("the default is a GPU backend on this machine")
    assert current_backend().name == "cpu"
    x = torch.zeros(100)
    _add_one[(2,)](x, 100, BLOCK=64)
    assert torch.equal(x, torch.ones(100))


def test_set_backend_switches_triton_driver_and_back():
    set_backend("cpu")
    assert knobs.backend.name == "cpu" and current_backend().name == "cpu"
    assert _active_target() == GPUTarget("cpu", platform.machine(), 1)
    set_backend("nvidia")
    assert current_backend().name == "nvidia"
    if not torch.cuda.is_available():
        assert _active_target() == GPUTarget("cuda", 90, 32)
    set_backend(None)
    assert knobs.backend.name == ""
    assert current_backend().name in ("cpu", "nvidia", "amd")


@pytest.mark.skipif(torch.cuda.is_available(), reason="nvidia is runnable here")
def test_compile_only_backend_compiles_offline_and_refuses_to_launch():
    x = torch.zeros(64)
    with use_backend("nvidia"):
        compiled = _add_one.warmup(x, 64, BLOCK=64, grid=(1,))
        assert compiled.asm["cubin"][:4] == b"\x7fELF"
        with pytest.raises(BackendError, match="backend 'nvidia' can only compile on this "
                                               "machine.*select a runnable backend: cpu"):
            _add_one[(1,)](x, 64, BLOCK=64)
    _add_one[(1,)](x, 64, BLOCK=64)  # back on the cpu: runs
    assert torch.equal(x, torch.ones(64))


def test_use_backend_nests_and_restores():
    knobs.backend.name = "cpu"
    with use_backend("amd") as backend:
        assert backend.name == "amd" and knobs.backend.name == "amd"
        with use_backend("nvidia"):
            assert current_backend().name == "nvidia"
        assert current_backend().name == "amd"
        if not torch.cuda.is_available():
            assert _active_target() == GPUTarget("hip", "gfx942", 64)
    assert knobs.backend.name == "cpu"
    assert _active_target().backend == "cpu"


def test_unknown_backend_is_refused_and_selection_kept():
    set_backend("cpu")
    with pytest.raises(BackendError, match=r"unknown backend 'tpu'; installed: cpu \(runnable"):
        set_backend("tpu")
    with pytest.raises(BackendError, match="amd"), use_backend("tpu"):
        pass
    assert knobs.backend.name == "cpu"
    with pytest.raises(TypeError):
        set_backend(3)


def _tensor_on(kind: str):
    return SimpleNamespace(data_ptr=lambda: 0, device=SimpleNamespace(type=kind))


def test_default_backend_follows_the_arguments_device(monkeypatch):
    assert backend_for_arguments([torch.zeros(2), 3, 1.5]) == "cpu"
    assert backend_for_arguments([(torch.zeros(2), torch.ones(2))]) == "cpu"
    assert backend_for_arguments([1, "x"]) is None
    assert backend_for_arguments([_tensor_on("cuda")]) in ("nvidia", "amd")
    monkeypatch.setattr(torch.version, "hip", "6.2", raising=False)
    assert backend_for_arguments([_tensor_on("cuda")]) == "amd"
    with pytest.raises(BackendError, match="no backend runs tensors on torch device 'xpu'"):
        backend_for_arguments([_tensor_on("xpu")])
    with pytest.raises(BackendError, match="several devices"):
        backend_for_arguments([torch.zeros(1), _tensor_on("cuda")])
    with use_backend("nvidia"):
        assert backend_for_arguments([torch.zeros(2)]) == "nvidia"


def test_flagtree_backend_environment_variable():
    code = """
        import torch, triton
        from flagtree.backend import current_backend
        print(current_backend().name, triton.runtime.driver.active.get_current_target())
    """
    for name, target in (("cpu", "backend='cpu'"), ("amd", "backend='hip', arch='gfx942'")):
        done = run_python(code, None, FLAGTREE_BACKEND=name)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith(name) and target in done.stdout
    done = run_python(code.replace("print(current_backend().name, ", "print("), None,
                      FLAGTREE_BACKEND="tpu")
    assert done.returncode == 1
    assert "BackendError: unknown backend 'tpu'; installed: cpu (runnable" in done.stderr
