"""The API-drift table: each Triton 3.1-3.8 spelling Triton 3.9 removed, and what flagtree does.

flagtree.compat.drift installs the shims named here; docs/compat.md is rendered from the same rows
(flagtree.compat.drift_doc), and each row's wording is the warning or error users see.
"""

from __future__ import annotations

import re
import sys
import threading
import warnings
from dataclasses import dataclass

MAPPED = "mapped"  # works, through the 3.9 spelling in `target`; warns once
DROPPED = "dropped"  # accepted and ignored (`target` says why); warns once
REFUSED = "refused"  # a clear error saying why (`target`)
BLOCK_PTR = "block pointers"  # restored by flagtree.compat.block_ptr
UNCHANGED = "unchanged"  # checked: Triton 3.9 still spells it this way


@dataclass(frozen=True)
class Drift:
    """One removed or renamed piece of Triton's public API.

    `name` is the old spelling, `last` the last Triton release that had it (or "3.9, deprecated"),
    `target` the Triton 3.9 spelling flagtree runs it as, or why it is dropped or refused.
    """

    name: str
    last: str
    action: str
    target: str
    area: str
    advice: str = ""  # what to write instead, when `target` is prose rather than code
    note: str = ""  # more on how flagtree maps it (docs/compat.md)

    def message(self, name: str | None = None, target: str | None = None) -> str:
        """The warning (mapped, dropped) or error (refused) text for `name`, an instance of
        this row (`tl.math.pow` for the row `tl.math.<libdevice function>`)."""
        name = name or self.name
        target = target or self.target
        if self.last.startswith("3.9"):
            when = "is deprecated in Triton 3.9"
        else:
            when = f"was removed after Triton {self.last}"
        if self.action == REFUSED:
            return f"`{name}` {when} and flagtree cannot provide it: {target}"
        if self.action == DROPPED:
            return (f"flagtree compat: `{name}` {when}; flagtree accepts and ignores it "
                    f"({target}). Remove it to silence this warning.")
        if self.advice:  # `target` is prose
            return (f"flagtree compat: `{name}` {when}; flagtree runs it as {target}. "
                    f"{self.advice} to silence this warning.")
        return (f"flagtree compat: `{name}` {when}; flagtree runs it as `{target}`. "
                f"Write `{target}` to silence this warning.")


_TMA = ("Triton 3.4 replaced host-built TMA descriptors with tensor descriptors; use "
        "tl.make_tensor_descriptor in the kernel or "
        "triton.tools.tensor_descriptor.TensorDescriptor on the host")
_SPECIALIZATION = ("Triton 3.6 moved argument specialization into its C++ runtime "
                   "(triton._C.libtriton.native_specialize_impl) with no Python equivalent")

ROWS: tuple[Drift, ...] = (
    # --- triton.language: kernels ------------------------------------------------------------
    Drift("tl.make_block_ptr", "3.8", BLOCK_PTR,
          "supported (see block pointers): Triton 3.5's semantics", "triton.language"),
    Drift("tl.advance, tensor.advance", "3.8", BLOCK_PTR,
          "supported (see block pointers)", "triton.language"),
    Drift("tl.load(boundary_check=, padding_option=), tl.store(boundary_check=)", "3.8",
          BLOCK_PTR, "supported on block pointers (see block pointers)", "triton.language"),
    Drift("triton.language.extra.libdevice, triton.language.extra.cuda.libdevice, "
          "triton.language.extra.hip.libdevice, tl.extra.cuda, tl.extra.hip", "3.9", UNCHANGED,
          "unchanged since Triton 3.0; the cpu backend maps triton.language.extra.libdevice to "
          "the cuda functions it lowers (also as triton.language.extra.cpu.libdevice)",
          "triton.language"),
    Drift("tl.math.<libdevice function>", "2.3", MAPPED,
          "triton.language.extra.libdevice.<function>", "triton.language"),
    Drift("tl.math.max, tl.math.min", "2.3", MAPPED, "tl.maximum, tl.minimum",
          "triton.language"),
    Drift("tl.const_pointer_type(ty)", "3.1", MAPPED, "tl.pointer_type(ty, const=True)",
          "triton.language"),
    Drift("tl.pointer_type(ty, 1)", "3.8", MAPPED, 'tl.pointer_type(ty, "global")',
          "triton.language"),
    Drift("tl.pointer_type(ty, <address space other than 1>)", "3.8", REFUSED,
          'Triton 3.9 names address spaces ("global", or const=True for "constant") and has '
          "no spelling for the others", "triton.language"),
    Drift("tl.function_type", "3.2", REFUSED,
          "it was the code generator's internal type of a @jit function and has no use in "
          "kernels; Triton 3.3 dropped it", "triton.language"),
    Drift("tl.nv_tma_desc_type", "3.3", REFUSED, _TMA, "triton.language"),
    Drift("tl._experimental_descriptor_load, tl._experimental_descriptor_store", "3.3", REFUSED,
          _TMA + " (desc.load(offsets), desc.store(offsets, value))", "triton.language"),
    Drift("tl._experimental_reinterpret_tensor_descriptor", "3.3", REFUSED, _TMA,
          "triton.language"),
    Drift("tl._experimental_make_tensor_descriptor", "3.3", MAPPED, "tl.make_tensor_descriptor",
          "triton.language"),
    Drift("tl._experimental_tensor_descriptor", "3.3", MAPPED, "tl.tensor_descriptor",
          "triton.language"),
    Drift("tl.extra.cuda.experimental_device_tensormap_create1d, "
          "experimental_device_tensormap_create2d, experimental_tensormap_fenceproxy_acquire",
          "3.3", REFUSED, _TMA, "triton.language"),
    Drift("tl.constexpr_function", "3.4", MAPPED, "triton.constexpr_function",
          "triton.language"),
    Drift("tl.core.jit, tl.core.JITFunction", "3.4", MAPPED, "triton.jit, triton.JITFunction",
          "triton.language"),
    Drift("tl.async_task", "3.5", MAPPED, "the block's body, without task ids",
          "triton.language",
          "Remove `with tl.async_task(...)` (Triton 3.9 warp-specializes loops: "
          "`tl.range(..., warp_specialize=True)`)"),
    Drift("x[..., :] with more `:` than x has dimensions", "3.8", MAPPED,
          "the same index without the extra `:` (e.g. `x[None]` for a scalar x)",
          "triton.language",
          note="Triton <= 3.8 ignored a `:` past the rank (FlagGems' paged attention writes "
          "`scalar[None, :]`); 3.9 raises 'too many indices'"),
    Drift("tl.dot(allow_tf32=)", "3.9, deprecated", MAPPED,
          'tl.dot(a, b, input_precision="ieee")', "triton.language",
          note="for allow_tf32=False; allow_tf32=True is the default precision, tl.dot(a, b); "
          "Triton's own handling of allow_tf32 is kept, so results are unchanged"),
    Drift("_builder= argument of builtins (@tl.core.extern, @tl.core.builtin, "
          "tl.core.extern_elementwise(_builder=))", "3.3", MAPPED,
          "`_semantic=` (the builtin's `_builder` carries Triton 3.9's semantic)",
          "triton.language",
          "Declare `_semantic=None` and pass `_semantic=_semantic`"),
    Drift("tl.semantic.<function>(..., builder), tl.core.semantic", "3.3", MAPPED,
          "_semantic.<function>(...)",
          "triton.language", note="inside a builtin written with _builder=, passing that "
          "builder last; elsewhere an error says so"),
    # --- triton.runtime: autotuning ----------------------------------------------------------
    Drift("triton.autotune(warmup=, rep=)", "3.9, deprecated", MAPPED,
          "triton.autotune(do_bench=lambda fn, quantiles: triton.testing.do_bench(fn, warmup, "
          "rep, quantiles=quantiles))", "triton.runtime"),
    Drift("triton.autotune(use_cuda_graph=True)", "3.9, deprecated", MAPPED,
          "triton.autotune(do_bench=lambda fn, quantiles: triton.testing.do_bench_cudagraph("
          "fn, rep, quantiles=quantiles))", "triton.runtime",
          note="on the CUDA driver; other drivers have no CUDA graphs and time with "
          "triton.testing.do_bench"),
    Drift("triton.Config(num_buffers_warp_spec=, num_consumer_groups=, reg_dec_producer=, "
          "reg_inc_consumer=)", "3.3", DROPPED,
          "warp-specialization hints of Triton 3.2-3.3 with no 3.9 counterpart; results do not "
          "depend on them", "triton.runtime"),
    Drift("Autotuner.key_idx, reset_idx, restore_idx", "3.1", MAPPED,
          "[autotuner.arg_names.index(n) for n in autotuner.keys]", "triton.runtime",
          note="reset_to_zero and restore_value in place of keys for the other two"),
    Drift("triton.runtime.autotuner.do_bench, do_bench_cudagraph", "3.1", MAPPED,
          "triton.testing.do_bench, triton.testing.do_bench_cudagraph", "triton.runtime"),
    Drift("triton.Config(pre_hook=, num_ctas=, maxnreg=), autotune(prune_configs_by=, "
          "reset_to_zero=, restore_value=, pre_hook=, post_hook=, do_bench=)", "3.9", UNCHANGED,
          "unchanged in Triton 3.9", "triton.runtime"),
    # --- triton.testing -------------------------------------------------------------------------
    Drift("triton.testing.do_bench(fast_flush=)", "3.1", DROPPED,
          "since Triton 3.2 the active driver always clears the cache the fast way",
          "triton.testing"),
    Drift("triton.testing.do_bench(device_type=)", "3.1", DROPPED,
          "since Triton 3.2 the device is the active driver's", "triton.testing"),
    Drift("triton.testing.Benchmark(color=)", "3.1", DROPPED,
          "it had no effect in Triton 3.1 either; colors come from styles=", "triton.testing"),
    # --- triton.runtime: cache, jit, driver -----------------------------------------------------
    Drift("triton.runtime.cache.get_home_dir()", "3.3", MAPPED, "triton.knobs.cache.home_dir",
          "triton.runtime"),
    Drift("triton.runtime.cache.default_cache_dir(), default_override_dir(), "
          "default_dump_dir()", "3.3", MAPPED,
          'triton.knobs.cache.get_triton_dir("cache")', "triton.runtime",
          note='"override", "dump" for the other two'),
    Drift("triton.runtime.jit.get_jit_fn_file_line(fn)", "3.7", MAPPED,
          "(fn.file_name, fn.def_file_line_number)", "triton.runtime"),
    Drift("triton.runtime.jit.TensorDescriptor", "3.5", MAPPED,
          "triton.tools.tensor_descriptor.TensorDescriptor", "triton.runtime"),
    Drift("triton.runtime.jit.compute_spec_key", "3.2", REFUSED,
          "Triton 3.3 folded it into JITFunction's generated binder, with no Python equivalent",
          "triton.runtime"),
    Drift("triton.runtime.jit.canonicalize_dtype, dtype2str, create_specialize_impl, "
          "specialize_impl_cache", "3.5", REFUSED, _SPECIALIZATION, "triton.runtime"),
    Drift("JITFunction.fn, src, arg_names, params, cache_key, run(*args, grid=, warmup=), "
          "KernelInterface.__getitem__", "3.9", UNCHANGED, "unchanged since Triton 3.1",
          "triton.runtime"),
    Drift("JITFunction.cache", "3.2", MAPPED,
          "{device: fn.device_caches[device][0] for device in fn.device_caches}",
          "triton.runtime"),
    Drift("JITFunction.binder, constexpr_indices, non_constexpr_indices, specialised_indices, "
          "divisibility", "3.2", REFUSED,
          "Triton 3.3 keeps this per device in JITFunction.device_caches and describes "
          "arguments in JITFunction.params (.num, .is_constexpr, .do_not_specialize)",
          "triton.runtime"),
    Drift("JITFunction.cache_hook, JITFunction.compiled_hook", "3.3", MAPPED,
          "triton.knobs.runtime.jit_cache_hook, triton.knobs.runtime.jit_post_compile_hook",
          "triton.runtime", note="read at each compile; a knob you set wins"),
    Drift("CompiledKernel.launch_enter_hook, CompiledKernel.launch_exit_hook", "3.3", MAPPED,
          "triton.knobs.runtime.launch_enter_hook.add(hook)", "triton.runtime",
          note="launch_exit_hook likewise; picked up when the next kernel compiles (a hook set "
          "after the last compile is not seen)"),
    Drift("triton.runtime.driver.LazyProxy", "3.4", REFUSED,
          "Triton 3.5 dropped the lazy proxy: triton.runtime.driver.active is the driver "
          "itself, made on first use", "triton.runtime"),
    # --- triton.compiler, triton.tools ----------------------------------------------------------
    Drift("triton.compiler.AttrsDescriptor, triton.backends.compiler.AttrsDescriptor", "3.2",
          REFUSED,
          "since Triton 3.3 specialization attributes are a dict such as "
          '{(0,): [["tt.divisibility", 16]]} passed as ASTSource(attrs=)', "triton.compiler"),
    Drift("triton.compiler.ASTSource(constants=)", "3.1", MAPPED,
          "triton.compiler.ASTSource(constexprs=)", "triton.compiler"),
    Drift("triton.tools.experimental_descriptor (create_1d_tma_descriptor, "
          "create_2d_tma_descriptor, TmaDescKernelParam)", "3.3", REFUSED, _TMA,
          "triton.tools"),
)

BY_NAME: dict[str, Drift] = {row.name: row for row in ROWS}

# Functions `tl.math` had through Triton 2.3 that Triton 3.9 keeps only in libdevice.
LIBDEVICE_NAMES = (
    "acos", "acosh", "add_rd", "add_rn", "add_ru", "add_rz", "asin", "asinh", "atan", "atan2",
    "atanh", "brev", "byte_perm", "cbrt", "clz", "copysign", "cosh", "cospi", "cyl_bessel_i0",
    "cyl_bessel_i1", "div_rd", "div_ru", "div_rz", "double2float_rd", "double2float_rn",
    "double2float_ru", "double2float_rz", "double2hiint", "double2int_rd", "double2int_rn",
    "double2int_ru", "double2int_rz", "double2ll_rd", "double2ll_rn", "double2ll_ru",
    "double2ll_rz", "double2loint", "double2uint_rd", "double2uint_rn", "double2uint_ru",
    "double2uint_rz", "double2ull_rd", "double2ull_rn", "double2ull_ru", "double2ull_rz",
    "double_as_longlong", "erfc", "erfcinv", "erfcx", "erfinv", "exp10", "expm1", "fast_cosf",
    "fast_dividef", "fast_exp10f", "fast_expf", "fast_log10f", "fast_log2f", "fast_logf",
    "fast_powf", "fast_sinf", "fast_tanf", "fdim", "ffs", "finitef", "float2int_rd",
    "float2int_rn", "float2int_ru", "float2int_rz", "float2ll_rd", "float2ll_rn",
    "float2ll_ru", "float2ll_rz", "float2uint_rd", "float2uint_rn", "float2uint_ru",
    "float2uint_rz", "float2ull_rd", "float2ull_rn", "float2ull_ru", "float2ull_rz",
    "float_as_int", "float_as_uint", "fma_rd", "fma_rn", "fma_ru", "fma_rz", "fmod", "hadd",
    "hiloint2double", "hypot", "ilogb", "int2double_rn", "int2float_rd", "int2float_rn",
    "int2float_ru", "int2float_rz", "int_as_float", "isfinited", "isinf", "isnan", "j0", "j1",
    "jn", "ldexp", "lgamma", "ll2double_rd", "ll2double_rn", "ll2double_ru", "ll2double_rz",
    "ll2float_rd", "ll2float_rn", "ll2float_ru", "ll2float_rz", "llrint", "llround", "log10",
    "log1p", "logb", "longlong_as_double", "mul24", "mul_rd", "mul_rn", "mul_ru", "mul_rz",
    "mulhi", "nearbyint", "nextafter", "norm3d", "norm4d", "normcdf", "normcdfinv", "popc",
    "pow", "rcbrt", "rcp64h", "rcp_rd", "rcp_rn", "rcp_ru", "rcp_rz", "remainder", "rhadd",
    "rhypot", "rint", "rnorm3d", "rnorm4d", "round", "rsqrt_rn", "sad", "saturatef", "scalbn",
    "signbit", "sinh", "sinpi", "sqrt_rd", "sqrt_ru", "sqrt_rz", "sub_rd", "sub_rn", "sub_ru",
    "sub_rz", "tan", "tanh", "tgamma", "trunc", "uint2double_rn", "uint2float_rd",
    "uint2float_rn", "uint2float_ru", "uint2float_rz", "uint_as_float", "ull2double_rd",
    "ull2double_rn", "ull2double_ru", "ull2double_rz", "ull2float_rd", "ull2float_rn",
    "ull2float_ru", "ull2float_rz", "y0", "y1", "yn",
)


class DriftWarning(FutureWarning):
    """An old Triton spelling ran through flagtree's compat shim; the message names the 3.9 one."""


_warned: set[str] = set()
_lock = threading.Lock()
_LOC = re.compile(r'"([^"]+)":(\d+):\d+')


def warn_once(row: Drift, name: str | None = None, target: str | None = None, *,
              key: str | None = None, kernel: bool = False, semantic=None, generator=None,
              stacklevel: int = 3) -> None:
    """Warn about `name` (default: the row's name) once per process and `key` (default: the
    name): at the kernel statement being compiled when `kernel`, else at the caller
    `stacklevel` frames up."""
    key = key or name or row.name
    if key in _warned:
        return
    message = row.message(name, target)
    site = kernel_site(semantic, generator) if kernel else None
    if site is not None:
        warnings.warn_explicit(message, DriftWarning, site[0], site[1])
    else:
        warnings.warn(message, DriftWarning, stacklevel=stacklevel)
    with _lock:  # only once the warning went through: an "error" filter raises every time
        _warned.add(key)


def _active_generator():
    """Triton's code generator compiling the current kernel, found on the call stack."""
    frame = sys._getframe(2)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if hasattr(candidate, "cur_node") and hasattr(candidate, "begin_line"):
            return candidate
        frame = frame.f_back
    return None


def kernel_site(semantic=None, generator=None) -> tuple[str, int] | None:
    """The (file, line) of the kernel statement being compiled, from the code generator or,
    failing that, the builder's current location."""
    generator = generator or _active_generator()
    node = getattr(generator, "cur_node", None)
    if node is not None and getattr(generator, "file_name", None):
        return generator.file_name, generator.begin_line + node.lineno
    builder = getattr(semantic, "builder", None)
    found = _LOC.findall(str(builder.get_loc())) if hasattr(builder, "get_loc") else []
    if found:
        return found[-1][0], int(found[-1][1])
    return _user_frame()


def _user_frame() -> tuple[str, int] | None:
    """The innermost caller outside Triton and flagtree (the kernel's line under Triton's
    interpreter, which runs kernels as Python)."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if not module.startswith(("triton.", "flagtree.")) and module not in ("triton",
                                                                             "flagtree"):
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None
