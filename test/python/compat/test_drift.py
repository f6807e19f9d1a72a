"""Triton 3.1-3.8 spellings run on Triton 3.9 through flagtree.compat.drift, via `import triton`.

Each mapped row: an old-style kernel or call on the cpu backend (checked against torch) and exactly
one DriftWarning naming the 3.9 spelling; each refused row: its error; docs/compat.md is current.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import warnings
from contextlib import contextmanager

import pytest
import torch
import triton
import triton.language as tl
from flagtree.compat import drift_doc, drift_table
from flagtree.compat.drift import DriftWarning
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource
from triton.compiler.compiler import CompiledKernel
from triton.language import core

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_compiles_and_warnings():
    """Every kernel compiles (no kernel comes from Triton's disk cache, which would skip the
    compile-time warnings) and every test starts with no name warned about yet."""
    drift_table._warned.clear()
    with triton.knobs.compilation.scope():
        triton.knobs.compilation.always_compile = True
        yield
    drift_table._warned.clear()


@contextmanager
def expect_warnings(*spellings: str, where: str | None = __file__):
    """Exactly one DriftWarning per spelling in `spellings` (the 3.9 spelling it must name),
    located in `where` (this file: the kernel's or the caller's line)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    got = [w for w in caught if issubclass(w.category, DriftWarning)]
    messages = [str(w.message) for w in got]
    assert len(got) == len(spellings), messages
    for spelling in spellings:
        assert sum(spelling in m for m in messages) == 1, (spelling, messages)
    if where is not None:
        assert all(w.filename == where for w in got), [(w.filename, w.lineno) for w in got]


def refused(error, *fragments):
    text = str(error)
    assert "flagtree cannot provide it" in text, text
    for fragment in fragments:
        assert fragment in text, text


# --------------------------------------------------------------------------------------------
# triton.language
# --------------------------------------------------------------------------------------------


@triton.jit
def _math_kernel(X, Y, Z, N: tl.constexpr):
    o = tl.arange(0, N)
    x = tl.load(X + o)
    y = tl.load(Y + o)
    tl.store(Z + o, tl.math.pow(x, y) + tl.math.tanh(x) + tl.math.max(x, y) - tl.math.min(x, y))


@triton.jit
def _math_again_kernel(X, Z, N: tl.constexpr):
    o = tl.arange(0, N)
    tl.store(Z + o, tl.math.pow(tl.load(X + o), 2.0))


def test_tl_math_libdevice_functions_map_to_libdevice():
    x, y, z = torch.rand(64) + 0.5, torch.rand(64), torch.empty(64)
    with expect_warnings("`triton.language.extra.libdevice.pow`",
                         "`triton.language.extra.libdevice.tanh`", "`tl.maximum`", "`tl.minimum`"):
        _math_kernel[(1,)](x, y, z, N=64)
    ref = x**y + torch.tanh(x) + torch.maximum(x, y) - torch.minimum(x, y)
    torch.testing.assert_close(z, ref, rtol=1e-5, atol=1e-5)
    with expect_warnings():  # once per name per process
        _math_again_kernel[(1,)](x, z, N=64)
    torch.testing.assert_close(z, x**2, rtol=1e-5, atol=1e-5)


@triton.jit
def _offline_kernel(A, B, C, M: tl.constexpr):
    o = tl.arange(0, M)
    a = tl.load(A + o[:, None] * M + o[None, :])
    b = tl.load(B + o[:, None] * M + o[None, :])
    c = tl.dot(a, b, allow_tf32=True) + tl.math.pow(a, 2.0) + tl.math.tanh(b)
    tl.store(C + o[:, None] * M + o[None, :], c)


@pytest.mark.parametrize("target, symbols", [
    (GPUTarget("cuda", 90, 32), ["__nv_powf", "__nv_tanhf"]),
    (GPUTarget("hip", "gfx942", 64), ["__ocml_pow_f32", "__ocml_tanh_f32"]),
], ids=["cuda:90", "hip:gfx942"])
def test_old_spellings_compile_offline_for_gpus(target, symbols):
    """`tl.math.<fn>` follows each backend's libdevice; `allow_tf32=True` is input_precision tf32."""
    source = ASTSource(_offline_kernel, {"A": "*fp32", "B": "*fp32", "C": "*fp32",
                                         "M": "constexpr"}, constexprs={"M": 16})
    with expect_warnings("`tl.dot(a, b)`", "libdevice.pow`", "libdevice.tanh`"):
        ttir = triton.compile(source, target=target).asm["ttir"]
    assert sorted(set(re.findall(r'symbol = "([^"]+)"', ttir))) == symbols
    assert re.findall(r"inputPrecision = (\w+)", ttir) == ["tf32"]


@triton.jit
def _int_address_space_kernel(X, Y, N: tl.constexpr):
    o = tl.arange(0, N)
    bits = X.to(tl.pointer_type(tl.int32, 1), bitcast=True)
    tl.store(Y + o, tl.load(bits + o))


@triton.jit
def _shared_address_space_kernel(X):
    tl.store(X.to(tl.pointer_type(tl.float32, 3)), 1.0)


def test_pointer_types():
    x, y = torch.randn(32), torch.empty(32, dtype=torch.int32)
    with expect_warnings('`tl.pointer_type(ty, "global")`'):
        _int_address_space_kernel[(1,)](x, y, N=32)
    assert torch.equal(y, x.view(torch.int32))
    with expect_warnings("`tl.pointer_type(ty, const=True)`"):
        const = tl.const_pointer_type(tl.float16)
    assert const == tl.pointer_type(tl.float16, const=True)
    assert isinstance(const, tl.pointer_type) and const.is_const()
    with pytest.raises(triton.CompilationError) as error:
        _shared_address_space_kernel[(1,)](x)
    refused(error.value, "tl.pointer_type(ty, 3)", "_shared_address_space_kernel", '"global"')


@triton.jit
def _experimental_descriptor_kernel(X, M, N, B: tl.constexpr):
    d = tl._experimental_make_tensor_descriptor(X, shape=[M, N], strides=[N, 1],
                                                block_shape=[B, B])
    m = tl.program_id(0) * B
    n = tl.program_id(1) * B
    d.store([m, n], tl.abs(d.load([m, n])) + 1)


def test_experimental_tensor_descriptors():
    x = torch.randn(40, 24)
    ref = x.abs() + 1
    with expect_warnings("`tl.make_tensor_descriptor`"):
        _experimental_descriptor_kernel[(3, 2)](x, 40, 24, B=16)
    torch.testing.assert_close(x, ref, rtol=0, atol=0)
    with expect_warnings("`tl.tensor_descriptor`"):
        assert tl._experimental_tensor_descriptor is tl.tensor_descriptor


with warnings.catch_warnings():
    warnings.simplefilter("ignore", DriftWarning)  # checked in the tests below

    @tl.constexpr_function
    def _twice(value):
        return value * 2

    @tl.core.jit
    def _async_task_kernel(X, N: tl.constexpr):
        o = tl.arange(0, _twice(N))
        with tl.async_task([0]):
            v = tl.load(X + o)
        with tl.async_task([1, 2]):
            tl.store(X + o, v * 3)


def test_constexpr_function_core_jit_and_async_task():
    assert isinstance(_async_task_kernel, triton.JITFunction)
    def triple(value):
        return value * 3

    with expect_warnings("`triton.constexpr_function`"):
        assert isinstance(tl.constexpr_function(triple), type(_twice))
    with expect_warnings("`triton.jit`", "`triton.JITFunction`"):
        assert tl.core.jit is triton.jit and tl.core.JITFunction is triton.JITFunction
    x = torch.randn(16)
    ref = x * 3
    with expect_warnings("Remove `with tl.async_task(...)`"):
        _async_task_kernel[(1,)](x, N=8)
    torch.testing.assert_close(x, ref, rtol=0, atol=0)


@triton.jit
def _dot_kernel(A, B, C, M: tl.constexpr, TF32: tl.constexpr):
    o = tl.arange(0, M)
    a = tl.load(A + o[:, None] * M + o[None, :])
    b = tl.load(B + o[:, None] * M + o[None, :])
    tl.store(C + o[:, None] * M + o[None, :], tl.dot(a, b, allow_tf32=TF32))


def test_dot_allow_tf32():
    a, b, c = torch.randn(16, 16), torch.randn(16, 16), torch.empty(16, 16)
    with expect_warnings('`tl.dot(a, b, input_precision="ieee")`'):
        _dot_kernel[(1,)](a, b, c, M=16, TF32=False)
    torch.testing.assert_close(c, a @ b, rtol=1e-4, atol=1e-4)


@triton.jit
def _extra_slice_kernel(P, OUT, N: tl.constexpr):
    x = tl.load(P)  # a scalar: Triton <= 3.8 read x[None, :] as x[None]
    o = tl.arange(0, N)[None, :]
    tl.store(OUT + o, x[None, :] + o)


def test_extra_full_slices_past_the_rank():
    p, out = torch.tensor([2.0]), torch.empty(1, 8)
    with expect_warnings("the same index without the extra `:`"):
        _extra_slice_kernel[(1,)](p, out, N=8)
    torch.testing.assert_close(out, 2.0 + torch.arange(8.0)[None, :])


@core.extern
def _old_sin(arg0, _builder=None):
    return core.extern_elementwise(
        "", "", [arg0], {(core.dtype("fp32"),): ("__nv_sinf", core.dtype("fp32"))},
        is_pure=True, _builder=_builder)


@core.builtin
def _old_add(x, y, _builder=None):
    return tl.semantic.add(x, y, True, _builder)


@core.extern
def _old_sin_plus(x, _builder=None):  # one old builtin calling another, as libdevice modules did
    return _old_add(_old_sin(x, _builder=_builder), x, _builder=_builder)


@core.builtin
def _old_zeros(n, _builder=None):
    return tl.full((n,), 0.0, tl.float32, _builder=_builder)


@triton.jit
def _builder_kernel(X, Y, N: tl.constexpr):
    o = tl.arange(0, N)
    x = tl.load(X + o)
    tl.store(Y + o, _old_sin_plus(x))


@triton.jit
def _builder_to_new_builtin_kernel(Y, N: tl.constexpr):
    tl.store(Y + tl.arange(0, N), _old_zeros(N))


def test_builtins_written_with_builder():
    x, y = torch.randn(64), torch.empty(64)
    with expect_warnings("Declare `_semantic=None`", "`_semantic.add`"):
        _builder_kernel[(1,)](x, y, N=64)
    torch.testing.assert_close(y, torch.sin(x) + x, rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError, match="inside a builtin written with `_builder=`"):
        tl.semantic.add(1, 2, True, None)
    with pytest.raises(triton.CompilationError) as error:
        _builder_to_new_builtin_kernel[(1,)](y, N=64)
    assert "_old_zeros" in str(error.value) and "_builder.semantic" in str(error.value)
    with expect_warnings("`triton.language.semantic`"):
        assert tl.core.semantic is tl.semantic


@triton.jit
def _tma_load_kernel(X, D):
    tl.store(X, tl._experimental_descriptor_load(D, [0, 0], [16, 16], tl.float32))


@triton.jit
def _tma_fence_kernel(X):
    tl.extra.cuda.experimental_tensormap_fenceproxy_acquire(X)


@pytest.mark.parametrize("name", ["function_type", "nv_tma_desc_type",
                                  "_experimental_descriptor_load",
                                  "_experimental_descriptor_store",
                                  "_experimental_reinterpret_tensor_descriptor"])
def test_refused_language_names(name):
    assert not hasattr(tl, name)  # feature probes keep taking the 3.9 path
    with pytest.raises(AttributeError) as error:
        getattr(tl, name)
    refused(error.value, f"tl.{name}")
    with pytest.raises(ImportError) as error:
        __import__("triton.language", fromlist=[name])  # `from triton.language import name`
    refused(error.value, f"tl.{name}")


def test_refused_names_in_kernels_name_the_kernel_line():
    for kernel, args, fragments in (
            (_tma_load_kernel, (torch.zeros(4), torch.zeros(4)),
             ("tl._experimental_descriptor_load", "tl.make_tensor_descriptor")),
            (_tma_fence_kernel, (torch.zeros(4),),
             ("tl.extra.cuda.experimental_tensormap_fenceproxy_acquire",))):
        with pytest.raises(triton.CompilationError) as error:
            kernel[(1,)](*args)
        refused(error.value, kernel.__name__, *fragments)
        assert re.search(r"at \d+:\d+:", str(error.value))


# --------------------------------------------------------------------------------------------
# triton.runtime, triton.testing
# --------------------------------------------------------------------------------------------


def _add_one():
    @triton.jit
    def add_one(X, Y, N, B: tl.constexpr):
        o = tl.program_id(0) * B + tl.arange(0, B)
        tl.store(Y + o, tl.load(X + o, mask=o < N) + 1, mask=o < N)

    return add_one


def test_autotune_warmup_rep_and_old_config_fields():
    with expect_warnings("do_bench=lambda fn, quantiles: triton.testing.do_bench(",
                         "`triton.Config(num_consumer_groups=)`",
                         "`triton.Config(reg_dec_producer=)`"):
        kernel = triton.autotune(
            configs=[triton.Config({"B": 16}, num_consumer_groups=2),
                     triton.Config({"B": 32}, reg_dec_producer=8)],
            key=["N"], warmup=1, rep=1)(_add_one())
    assert (kernel.num_warmups, kernel.num_reps) == (1, 1)
    x, y = torch.randn(100), torch.empty(100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nor Triton's own deprecation warning
        kernel[lambda meta: (triton.cdiv(100, meta["B"]),)](x, y, 100)
    torch.testing.assert_close(y, x + 1, rtol=0, atol=0)
    assert kernel.best_config.kwargs["B"] in (16, 32)


def test_autotune_use_cuda_graph_times_with_do_bench_off_cuda():
    with expect_warnings("triton.testing.do_bench_cudagraph(", "triton.testing.do_bench("):
        kernel = triton.autotune(configs=[triton.Config({"B": 64})], key=["N"], rep=1,
                                 use_cuda_graph=True)(_add_one())
    x, y = torch.randn(100), torch.empty(100)
    kernel[lambda meta: (triton.cdiv(100, meta["B"]),)](x, y, 100)
    torch.testing.assert_close(y, x + 1, rtol=0, atol=0)


def test_autotuner_index_attributes():
    kernel = triton.autotune(configs=[triton.Config({"B": 64})], key=["N"],
                             reset_to_zero=["Y"])(_add_one())
    with expect_warnings("self.keys]", "self.reset_to_zero]", "self.restore_value]"):
        assert (kernel.key_idx, kernel.reset_idx, kernel.restore_idx) == ([2], [1], [])


def test_do_bench_and_benchmark_old_arguments():
    x = torch.randn(1000)
    with expect_warnings("`triton.testing.do_bench(fast_flush=)`",
                         "`triton.testing.do_bench(device_type=)`"):
        assert triton.testing.do_bench(lambda: x + 1, 1, 1, None, None, True, "mean",
                                       "cuda") > 0
    drift_table._warned.clear()
    with expect_warnings("`triton.testing.do_bench(fast_flush=)`"):
        assert triton.testing.do_bench(lambda: x + 1, warmup=1, rep=1, fast_flush=False) > 0
    with expect_warnings("`triton.testing.Benchmark(color=)`"):
        bench = triton.testing.Benchmark(x_names=["N"], x_vals=[1], line_arg="p",
                                         line_vals=["a"], line_names=["a"], plot_name="p",
                                         args={}, color="red")
    assert not hasattr(bench, "color")


def test_moved_runtime_functions():
    with expect_warnings("`triton.testing.do_bench`", "`triton.testing.do_bench_cudagraph`"):
        from triton.runtime.autotuner import do_bench, do_bench_cudagraph
    assert do_bench is triton.testing.do_bench
    assert do_bench_cudagraph is triton.testing.do_bench_cudagraph
    from triton.runtime import cache

    with expect_warnings("`triton.knobs.cache.home_dir`", 'get_triton_dir("cache")',
                         'get_triton_dir("override")', 'get_triton_dir("dump")'):
        assert cache.get_home_dir() == triton.knobs.cache.home_dir
        for kind in ("cache", "override", "dump"):
            assert (getattr(cache, f"default_{kind}_dir")()
                    == triton.knobs.cache.get_triton_dir(kind))
    from triton.runtime import jit

    kernel = _add_one()
    with expect_warnings("`(fn.file_name, fn.def_file_line_number)`",
                         "`triton.tools.tensor_descriptor.TensorDescriptor`"):
        assert jit.get_jit_fn_file_line(kernel) == (__file__, kernel.def_file_line_number)
        from triton.runtime.jit import TensorDescriptor
    from triton.tools.tensor_descriptor import TensorDescriptor as descriptor

    assert TensorDescriptor is descriptor


def test_jit_function_cache():
    kernel = _add_one()
    x, y = torch.randn(8), torch.empty(8)
    kernel[(1,)](x, y, 8, B=8)
    with expect_warnings("fn.device_caches[device][0]"):
        cache = kernel.cache
    assert len(cache) == 1
    (compiled,) = next(iter(cache.values())).values()
    assert isinstance(compiled, CompiledKernel)


def test_legacy_hooks_set_as_class_attributes():
    calls = []
    triton.JITFunction.cache_hook = lambda **kw: calls.append(("cache", kw["fn"].name)) and False
    triton.JITFunction.compiled_hook = lambda **kw: calls.append(("compiled", kw["fn"].name))
    name = "_add_one.<locals>.add_one"
    CompiledKernel.launch_enter_hook = lambda metadata: calls.append(("enter",))
    try:
        with expect_warnings("`triton.knobs.runtime.jit_cache_hook`",
                             "`triton.knobs.runtime.jit_post_compile_hook`",
                             "`triton.knobs.runtime.launch_enter_hook.add(hook)`", where=None):
            _add_one()[(1,)](torch.randn(8), torch.empty(8), 8, B=8)
        assert calls == [("cache", name), ("compiled", name), ("enter",)]
    finally:
        del triton.JITFunction.cache_hook, triton.JITFunction.compiled_hook
        del CompiledKernel.launch_enter_hook
    calls.clear()
    _add_one()[(1,)](torch.randn(8), torch.empty(8), 8, B=8)
    assert calls == []
    assert triton.knobs.runtime.jit_cache_hook is None
    assert triton.knobs.runtime.launch_enter_hook.calls == []


def test_ast_source_constants():
    kernel = _add_one()
    signature = {"X": "*fp32", "Y": "*fp32", "N": "i32", "B": "constexpr"}
    with expect_warnings("`triton.compiler.ASTSource(constexprs=)`"):
        old = ASTSource(kernel, signature, constants={"B": 8})
    assert old.constants == ASTSource(kernel, signature, constexprs={"B": 8}).constants
    with pytest.raises(TypeError, match="not both"):
        ASTSource(kernel, signature, constexprs={"B": 8}, constants={"B": 8})


def test_refused_runtime_names():
    import triton.backends.compiler
    import triton.runtime.jit

    for module in (triton.compiler, triton.compiler.compiler, triton.backends.compiler):
        with pytest.raises(AttributeError) as error:
            module.AttrsDescriptor  # noqa: B018
        refused(error.value, "AttrsDescriptor", "tt.divisibility")
    with pytest.raises(ImportError) as error:
        from triton.compiler import AttrsDescriptor  # noqa: F401
    refused(error.value, "AttrsDescriptor")
    with pytest.raises(ImportError) as error:
        import triton.tools.experimental_descriptor
    refused(error.value, "TensorDescriptor")
    for name in ("compute_spec_key", "canonicalize_dtype", "dtype2str", "create_specialize_impl",
                 "specialize_impl_cache"):
        assert not hasattr(triton.runtime.jit, name)
        with pytest.raises(AttributeError) as error:
            getattr(triton.runtime.jit, name)
        refused(error.value, name)
    with pytest.raises(AttributeError) as error:
        triton.runtime.driver.LazyProxy  # noqa: B018
    refused(error.value, "LazyProxy", "driver.active")
    kernel = _add_one()
    for name in ("binder", "constexpr_indices", "specialised_indices", "divisibility"):
        assert not hasattr(kernel, name)
        with pytest.raises(AttributeError) as error:
            getattr(kernel, name)
        refused(error.value, f"JITFunction.{name}", "params")


# --------------------------------------------------------------------------------------------
# Triton 3.9 spellings are untouched
# --------------------------------------------------------------------------------------------


@triton.jit
def _three_nine_kernel(A, B, C, M: tl.constexpr):
    o = tl.arange(0, M)
    a = tl.load(A + o[:, None] * M + o[None, :])
    b = tl.load(B + o[:, None] * M + o[None, :])
    c = tl.dot(a, b, input_precision="ieee") + tl.extra.libdevice.tanh(a)
    p = C.to(tl.pointer_type(tl.float32), bitcast=True)
    tl.store(p + o[:, None] * M + o[None, :], c)


def _ttir(kernel, signature, constexprs) -> str:
    return triton.compile(ASTSource(kernel, signature, constexprs=constexprs)).asm["ttir"]


def test_three_nine_spellings_compile_to_the_same_ttir(monkeypatch):
    signature = {"A": "*fp32", "B": "*fp32", "C": "*fp32", "M": "constexpr"}
    a, b, c = torch.randn(16, 16), torch.randn(16, 16), torch.empty(16, 16)
    with expect_warnings():
        _three_nine_kernel[(1,)](a, b, c, M=16)
        shimmed = _ttir(_three_nine_kernel, signature, {"M": 16})
    torch.testing.assert_close(c, a @ b + torch.tanh(a), rtol=1e-4, atol=1e-4)
    dot, extern_elementwise = (tl.dot.__flagtree_original__,
                               core.extern_elementwise.__flagtree_original__)
    for module in (tl, core):
        monkeypatch.setattr(module, "dot", dot)
        monkeypatch.setattr(module, "extern_elementwise", extern_elementwise)
    monkeypatch.setattr(core.pointer_type, "__init__",
                        core.pointer_type.__init__.__flagtree_original__)
    assert _ttir(_three_nine_kernel, signature, {"M": 16}) == shimmed


def test_three_nine_runtime_spellings_do_not_warn():
    x = torch.randn(100)
    with expect_warnings():
        kernel = triton.autotune(configs=[triton.Config({"B": 32}, num_warps=4, num_ctas=1,
                                                        maxnreg=None, pre_hook=None)],
                                 key=["N"])(_add_one())
        y = torch.empty(100)
        kernel[lambda meta: (triton.cdiv(100, meta["B"]),)](x, y, 100)
        assert triton.testing.do_bench(lambda: x + 1, warmup=1, rep=1, return_mode="min") > 0
        assert hasattr(tl, "make_tensor_descriptor") and not hasattr(tl, "nv_tma_desc_type")
    torch.testing.assert_close(y, x + 1, rtol=0, atol=0)


# --------------------------------------------------------------------------------------------
# A fresh process, and the doc
# --------------------------------------------------------------------------------------------

FRESH = textwrap.dedent("""
    import torch
    import triton
    import triton.language as tl

    @triton.jit
    def old_style(X, Y, N: tl.constexpr):
        o = tl.arange(0, N)
        x = tl.load(X + o)
        tl.store(Y + o, tl.math.pow(x, 2.0) + tl.math.tanh(x))

    x, y = torch.rand(32), torch.empty(32)
    old_style[(1,)](x, y, N=32)
    old_style[(2,)](x, y, N=32)
    torch.testing.assert_close(y, x**2 + torch.tanh(x), rtol=1e-5, atol=1e-5)
    print("ok")
""")


def test_plain_import_triton_in_a_fresh_process(tmp_path):
    script = tmp_path / "old_style.py"
    script.write_text(FRESH)
    env = dict(os.environ, TRITON_CACHE_DIR=str(tmp_path / "cache"), TRITON_DEFAULT_BACKEND="cpu")
    env.pop("TRITON_INTERPRET", None)
    env.pop("PYTHONWARNINGS", None)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"
    warned = [line for line in done.stderr.splitlines() if "DriftWarning" in line]
    assert len(warned) == 2, done.stderr
    assert all(line.startswith(f"{script}:") for line in warned), warned


def test_docs_compat_md_is_up_to_date():
    current = drift_doc.DOC.read_text()
    assert drift_doc.render(current) == current, (
        "docs/compat.md is out of date: run python -m flagtree.compat.drift_doc --write")
    for row in drift_table.ROWS:
        assert row.last in current and row.action in drift_doc._ACTION
