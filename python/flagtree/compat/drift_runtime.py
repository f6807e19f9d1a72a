"""Host-side shims: old spellings of `triton.runtime`, `triton.testing`, `triton.compiler` and
`triton.tools` (Triton 3.1-3.8) on Triton 3.9.

Installed by flagtree.compat.drift; each shim names its row of flagtree.compat.drift_table.
"""

from __future__ import annotations

import importlib
import inspect
import sys

from flagtree.compat.drift_hooks import alias, guard, module_getattr, refusals
from flagtree.compat.drift_table import BY_NAME, warn_once
from flagtree.triton_hooks import after_import

_WARP_SPEC_FIELDS = ("num_buffers_warp_spec", "num_consumer_groups", "reg_dec_producer",
                     "reg_inc_consumer")


def _marked(fn):
    fn.__flagtree_drift__ = True
    return fn


def _wrap_config_init(original):
    """`triton.Config` that accepts (and drops) Triton 3.2-3.3's warp-specialization fields."""
    row = BY_NAME["triton.Config(num_buffers_warp_spec=, num_consumer_groups=, "
                  "reg_dec_producer=, reg_inc_consumer=)"]

    def __init__(self, *args, **kwargs):
        for field in _WARP_SPEC_FIELDS:
            if field in kwargs:
                kwargs.pop(field)
                warn_once(row, f"triton.Config({field}=)")
        original(self, *args, **kwargs)

    __init__.__signature__ = inspect.signature(original)
    __init__.__doc__ = original.__doc__
    return _marked(__init__)


def _bench_for(warmup, rep, use_cuda_graph):
    """The `do_bench` Triton 3.9's Autotuner builds for `warmup=`, `rep=`, `use_cuda_graph=`;
    CUDA graphs only where the active driver is CUDA's."""
    import triton.testing
    from triton.runtime import driver

    def bench(kernel_call, quantiles):
        if use_cuda_graph and driver.active.get_current_target().backend == "cuda":
            return triton.testing.do_bench_cudagraph(
                kernel_call, rep=rep if rep is not None else 100, quantiles=quantiles)
        return triton.testing.do_bench(
            kernel_call, warmup=warmup if warmup is not None else 25,
            rep=rep if rep is not None else 100, quantiles=quantiles)

    return bench


def _wrap_autotuner_init(original):
    """`Autotuner` whose `warmup=`, `rep=`, `use_cuda_graph=` become a `do_bench=` (3.9)."""
    signature = inspect.signature(original)

    def __init__(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        values = bound.arguments
        warmup, rep = values.get("warmup"), values.get("rep")
        use_cuda_graph = values.get("use_cuda_graph", False)
        if (warmup is None and rep is None and not use_cuda_graph) or values.get("do_bench"):
            return original(self, *args, **kwargs)
        if warmup is not None or rep is not None:
            warn_once(BY_NAME["triton.autotune(warmup=, rep=)"], stacklevel=4)
        if use_cuda_graph:
            warn_once(BY_NAME["triton.autotune(use_cuda_graph=True)"], stacklevel=4)
        values["warmup"], values["rep"], values["use_cuda_graph"] = None, None, False
        values["do_bench"] = _bench_for(warmup, rep, use_cuda_graph)
        original(*bound.args, **bound.kwargs)
        self.num_warmups, self.num_reps, self.use_cuda_graph = warmup, rep, use_cuda_graph

    __init__.__signature__ = signature
    __init__.__doc__ = original.__doc__
    return _marked(__init__)


def _index_property(attr: str, old: str):
    row = BY_NAME["Autotuner.key_idx, reset_idx, restore_idx"]

    def getter(self):
        warn_once(row, f"Autotuner.{old}", f"[self.arg_names.index(n) for n in self.{attr}]")
        return [self.arg_names.index(name) for name in (getattr(self, attr) or [])]

    return property(getter, doc=f"Triton 3.1's `Autotuner.{old}` (flagtree compat).")


def _wrap_do_bench(original):
    """`triton.testing.do_bench` that drops Triton 3.1's `fast_flush=` and `device_type=`,
    also where 3.1 code passes them by position (`fast_flush` 6th, `device_type` 8th)."""

    def do_bench(fn, *args, **kwargs):
        if len(args) >= 5 and isinstance(args[4], bool):  # 3.1: ..., quantiles, fast_flush
            args = list(args)
            kwargs["fast_flush"] = args.pop(4)
            if len(args) >= 6:
                kwargs["device_type"] = args.pop(5)
        for name in ("fast_flush", "device_type"):
            if name in kwargs:
                kwargs.pop(name)
                warn_once(BY_NAME[f"triton.testing.do_bench({name}=)"])
        return original(fn, *args, **kwargs)

    do_bench.__name__ = do_bench.__qualname__ = "do_bench"
    do_bench.__module__, do_bench.__doc__ = original.__module__, original.__doc__
    do_bench.__signature__ = inspect.signature(original)
    do_bench.__flagtree_original__ = original
    return _marked(do_bench)


def _wrap_benchmark_init(original):
    def __init__(self, *args, **kwargs):
        if "color" in kwargs:
            kwargs.pop("color")
            warn_once(BY_NAME["triton.testing.Benchmark(color=)"])
        original(self, *args, **kwargs)

    __init__.__signature__ = inspect.signature(original)
    __init__.__doc__ = original.__doc__
    return _marked(__init__)


def _patch_testing(testing) -> None:
    if not getattr(testing.do_bench, "__flagtree_drift__", False):
        testing.do_bench = _wrap_do_bench(testing.do_bench)
    if not getattr(testing.Benchmark.__init__, "__flagtree_drift__", False):
        testing.Benchmark.__init__ = _wrap_benchmark_init(testing.Benchmark.__init__)


def _cache_functions() -> dict:
    import triton

    home = BY_NAME["triton.runtime.cache.get_home_dir()"]
    dirs = BY_NAME["triton.runtime.cache.default_cache_dir(), default_override_dir(), "
                   "default_dump_dir()"]

    def get_home_dir():
        """Triton 3.3's `get_home_dir()`: `triton.knobs.cache.home_dir` (flagtree compat)."""
        warn_once(home)
        return triton.knobs.cache.home_dir

    def directory(kind: str):
        def fn():
            warn_once(dirs, f"triton.runtime.cache.default_{kind}_dir()",
                      f'triton.knobs.cache.get_triton_dir("{kind}")')
            return triton.knobs.cache.get_triton_dir(kind)

        fn.__name__ = fn.__qualname__ = f"default_{kind}_dir"
        fn.__doc__ = f"Triton 3.3's `default_{kind}_dir()` (flagtree compat)."
        return fn

    functions = {"get_home_dir": get_home_dir}
    for kind in ("cache", "override", "dump"):
        functions[f"default_{kind}_dir"] = directory(kind)
    return functions


def get_jit_fn_file_line(fn):
    """Triton 3.7's `get_jit_fn_file_line`: the file and `def` line of a @jit function."""
    from triton.runtime.jit import JITCallable

    warn_once(BY_NAME["triton.runtime.jit.get_jit_fn_file_line(fn)"])
    while not isinstance(fn, JITCallable):
        fn = fn.fn
    return fn.file_name, fn.def_file_line_number


def _jit_function_cache(self):
    warn_once(BY_NAME["JITFunction.cache"])
    return {device: caches[0] for device, caches in self.device_caches.items()}


def _refuse_instance_attributes(cls: type, refused: dict) -> None:
    """Give `cls` a `__getattr__` (only reached for missing attributes) that raises the row's
    reason for the removed names in `refused` (name -> (row, spelling))."""
    if "__getattr__" in cls.__dict__:
        return

    def __getattr__(self, name):
        if name in refused:
            row, spelled = refused[name]
            raise AttributeError(row.message(spelled))
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    cls.__getattr__ = __getattr__


def _install_jit_function(jit) -> None:
    cls = jit.JITFunction
    if getattr(cls.__dict__.get("_do_compile"), "__flagtree_drift__", False):
        return
    if not hasattr(cls, "cache"):
        cls.cache = property(_jit_function_cache,
                             doc="Triton 3.2's `JITFunction.cache` (flagtree compat).")
    removed = BY_NAME["JITFunction.binder, constexpr_indices, non_constexpr_indices, "
                      "specialised_indices, divisibility"]
    refused = {name: (removed, f"JITFunction.{name}") for name in
               ("binder", "constexpr_indices", "non_constexpr_indices", "specialised_indices",
                "divisibility")}
    _refuse_instance_attributes(cls, refused)
    cls._do_compile = _wrap_do_compile(cls._do_compile)


_JIT_HOOKS = (("cache_hook", "jit_cache_hook"), ("compiled_hook", "jit_post_compile_hook"))
_LAUNCH_HOOKS = ("launch_enter_hook", "launch_exit_hook")
_bridged_launch_hooks: dict[str, object] = {}  # CompiledKernel attribute -> hook added to knobs


def _bridge_launch_hooks(compiled_kernel, knobs, row) -> None:
    """Keep Triton 3.9's launch hook chains in step with hooks set the Triton 3.3 way."""
    for name in _LAUNCH_HOOKS:
        hook = compiled_kernel.__dict__.get(name)
        added = _bridged_launch_hooks.get(name)
        if hook is added:
            continue
        chain = getattr(knobs, name)
        if added is not None:
            chain.remove(added)
            del _bridged_launch_hooks[name]
        if hook is not None:
            warn_once(row, f"CompiledKernel.{name}", f"triton.knobs.runtime.{name}.add(hook)",
                      stacklevel=4)
            chain.add(hook)
            _bridged_launch_hooks[name] = hook


def _wrap_do_compile(original):
    """`JITFunction._do_compile` (run on a cache miss only) that honours hooks set the Triton 3.3
    way, as class attributes of JITFunction and CompiledKernel, through Triton 3.9's knobs."""
    import triton
    from triton.compiler.compiler import CompiledKernel
    from triton.runtime.jit import JITFunction

    jit_row = BY_NAME["JITFunction.cache_hook, JITFunction.compiled_hook"]
    launch_row = BY_NAME["CompiledKernel.launch_enter_hook, CompiledKernel.launch_exit_hook"]

    def _do_compile(self, *args, **kwargs):
        knobs = triton.knobs.runtime
        _bridge_launch_hooks(CompiledKernel, knobs, launch_row)
        legacy = {new: JITFunction.__dict__.get(old) for old, new in _JIT_HOOKS}
        legacy = {new: hook for new, hook in legacy.items()
                  if hook is not None and getattr(knobs, new) is None}
        if not legacy:
            return original(self, *args, **kwargs)
        for old, new in _JIT_HOOKS:
            if new in legacy:
                warn_once(jit_row, f"JITFunction.{old}", f"triton.knobs.runtime.{new}",
                          stacklevel=4)
        with knobs.scope():
            for new, hook in legacy.items():
                setattr(knobs, new, hook)
            return original(self, *args, **kwargs)

    _do_compile.__doc__ = original.__doc__
    return _marked(_do_compile)


def _wrap_ast_source_init(original):
    row = BY_NAME["triton.compiler.ASTSource(constants=)"]

    def __init__(self, fn, signature, constexprs=None, attrs=None, constants=None):
        if constants is not None:
            if constexprs is not None:
                raise TypeError("ASTSource: pass `constexprs=` (Triton 3.9) or `constants=` "
                                "(Triton 3.1), not both")
            warn_once(row)
            constexprs = {(k,) if isinstance(k, int) else k: v for k, v in constants.items()}
        original(self, fn, signature, constexprs, attrs)

    __init__.__doc__ = original.__doc__
    return _marked(__init__)


def install() -> None:
    """Patch Triton's runtime, testing, compiler and tools modules (now, or once imported)."""
    from triton.compiler import compiler as compiler_module
    from triton.runtime import autotuner, cache, jit

    config_init = autotuner.Config.__init__
    if not getattr(config_init, "__flagtree_drift__", False):
        autotuner.Config.__init__ = _wrap_config_init(config_init)
        autotuner.Autotuner.__init__ = _wrap_autotuner_init(autotuner.Autotuner.__init__)
        for attr, old in (("keys", "key_idx"), ("reset_to_zero", "reset_idx"),
                          ("restore_value", "restore_idx")):
            setattr(autotuner.Autotuner, old, _index_property(attr, old))
        compiler_module.ASTSource.__init__ = _wrap_ast_source_init(
            compiler_module.ASTSource.__init__)

    bench_row = "triton.runtime.autotuner.do_bench, do_bench_cudagraph"
    module_getattr(autotuner, {
        name: alias(bench_row, f"triton.runtime.autotuner.{name}", f"triton.testing.{name}",
                     lambda name=name: getattr(importlib.import_module("triton.testing"), name))
        for name in ("do_bench", "do_bench_cudagraph")}, {})

    for name, fn in _cache_functions().items():
        if not hasattr(cache, name):
            setattr(cache, name, fn)

    if not hasattr(jit, "get_jit_fn_file_line"):
        jit.get_jit_fn_file_line = get_jit_fn_file_line
    spec_rows = {
        **refusals("triton.runtime.jit.compute_spec_key", "triton.runtime.jit.",
                    "compute_spec_key"),
        **refusals("triton.runtime.jit.canonicalize_dtype, dtype2str, create_specialize_impl, "
                    "specialize_impl_cache", "triton.runtime.jit.",
                    "canonicalize_dtype dtype2str create_specialize_impl specialize_impl_cache"),
    }
    module_getattr(jit, {
        "TensorDescriptor": alias(
            "triton.runtime.jit.TensorDescriptor", "triton.runtime.jit.TensorDescriptor",
            "triton.tools.tensor_descriptor.TensorDescriptor",
            lambda: importlib.import_module("triton.tools.tensor_descriptor").TensorDescriptor),
    }, spec_rows)
    _install_jit_function(jit)

    lazy_proxy = refusals("triton.runtime.driver.LazyProxy", "triton.runtime.driver.",
                           "LazyProxy")
    driver_module = sys.modules["triton.runtime.driver"]
    module_getattr(driver_module, {}, lazy_proxy)
    # `triton.runtime.driver` is also a DriverConfig instance.
    _refuse_instance_attributes(driver_module.DriverConfig, lazy_proxy)

    attrs_row = "triton.compiler.AttrsDescriptor, triton.backends.compiler.AttrsDescriptor"
    for module_name in ("triton.compiler", "triton.compiler.compiler", "triton.backends.compiler"):
        module = sys.modules.get(module_name) or importlib.import_module(module_name)
        module_getattr(module, {}, refusals(attrs_row, f"{module_name}.", "AttrsDescriptor"))

    after_import("triton.testing", _patch_testing)
    tools_row = BY_NAME["triton.tools.experimental_descriptor (create_1d_tma_descriptor, "
                        "create_2d_tma_descriptor, TmaDescKernelParam)"]
    guard().refused["triton.tools.experimental_descriptor"] = tools_row.message(
        "triton.tools.experimental_descriptor")
