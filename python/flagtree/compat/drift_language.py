"""Kernel-side shims: old `triton.language` spellings (Triton 2.3-3.8) run on Triton 3.9.

Installed by flagtree.compat.drift; each shim names its row of flagtree.compat.drift_table.
Names Triton 3.9 still has are never replaced, only wrapped where a removed argument must be met.
"""

from __future__ import annotations

import inspect
import sys
import types

from triton.language import core

from flagtree.compat.drift_hooks import alias, module_getattr, refusals
from flagtree.compat.drift_table import BY_NAME, LIBDEVICE_NAMES, warn_once

_BUILTIN = core.builtin  # Triton's own decorator, before the `_builder` bridge replaces it

_LIBDEVICE_ROW = BY_NAME["tl.math.<libdevice function>"]


def _builtin(fn, name: str, doc: str):
    """A Triton builtin named `name` (in `triton.language.core`, as Triton's own are)."""
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = "triton.language.core"
    fn.__doc__ = doc
    return _BUILTIN(fn)


def _libdevice_module(semantic):
    """The libdevice module the active backend maps `triton.language.extra.libdevice` to."""
    module_map = getattr(getattr(semantic, "builder", None), "module_map", None) or {}
    module = module_map.get("triton.language.extra.libdevice")
    if module is None:
        from triton.language.extra.cuda import libdevice as module
    return module


def _math_libdevice(name: str):
    def fn(*args, _semantic=None, _generator=None, **kwargs):
        warn_once(_LIBDEVICE_ROW, f"tl.math.{name}", f"triton.language.extra.libdevice.{name}",
                  kernel=True, semantic=_semantic, generator=_generator)
        return getattr(_libdevice_module(_semantic), name)(*args, _semantic=_semantic, **kwargs)

    return _builtin(fn, name, f"Triton 2.3's `tl.math.{name}`: libdevice's `{name}` "
                              "(flagtree compat).")


def _math_minmax(name: str, target):
    row = BY_NAME["tl.math.max, tl.math.min"]

    def fn(x, y, _semantic=None, _generator=None):
        warn_once(row, f"tl.math.{name}", f"tl.{target.__name__}",
                  kernel=True, semantic=_semantic, generator=_generator)
        return target(x, y, _semantic=_semantic)

    return _builtin(fn, name, f"Triton 2.3's `tl.math.{name}`: `tl.{target.__name__}` "
                              "(flagtree compat).")


class const_pointer_type(core.pointer_type):
    """Triton 3.1's constant pointer type: `tl.pointer_type(element_ty, const=True)`."""

    def __init__(self, element_ty, address_space=1):
        warn_once(BY_NAME["tl.const_pointer_type(ty)"], kernel=True)
        number = core._unwrap_if_constexpr(address_space)
        super().__init__(element_ty, "global" if number == 1 else address_space, const=True)


def _wrap_pointer_type_init(original):
    """Let `tl.pointer_type` take Triton 3.8's numbered address space 1 (global memory)."""
    if getattr(original, "__flagtree_drift__", False):
        return original

    def __init__(self, element_ty, address_space="global", const=False):
        number = core._unwrap_if_constexpr(address_space)
        if isinstance(number, int) and not isinstance(number, bool):
            if number != 1:
                row = BY_NAME["tl.pointer_type(ty, <address space other than 1>)"]
                raise ValueError(row.message(f"tl.pointer_type(ty, {number})"))
            warn_once(BY_NAME["tl.pointer_type(ty, 1)"], kernel=True)
            address_space = "global"
        original(self, element_ty, address_space, const)

    __init__.__flagtree_drift__ = True
    __init__.__flagtree_original__ = original
    __init__.__doc__ = original.__doc__
    return __init__


def _experimental_make_tensor_descriptor(base, shape, strides, block_shape, _semantic=None,
                                         _generator=None):
    warn_once(BY_NAME["tl._experimental_make_tensor_descriptor"],
              kernel=True, semantic=_semantic, generator=_generator)
    return core.make_tensor_descriptor(base, shape, strides, block_shape, _semantic=_semantic)


def constexpr_function(fn):
    """Triton 3.4's `tl.constexpr_function`: `triton.constexpr_function`."""
    from triton.runtime.jit import constexpr_function as target

    warn_once(BY_NAME["tl.constexpr_function"])
    return target(fn)


class async_task:
    """Triton 3.5's `with tl.async_task([ids]):`; the body runs as ordinary code on Triton 3.9."""

    def __init__(self, task_ids, _semantic=None):
        warn_once(BY_NAME["tl.async_task"], kernel=True, semantic=_semantic)
        self.task_ids = sorted({core._unwrap_if_constexpr(t) for t in task_ids})

    def __enter__(self):
        return None

    def __exit__(self, exc_type, exc_value, traceback):
        return None


def _wrap_dot(original):
    """`tl.dot` that warns once about `allow_tf32`, then calls Triton's own unchanged."""
    if getattr(original, "__flagtree_drift__", False):
        return original

    def dot(input, other, acc=None, input_precision=None, allow_tf32=None,
            max_num_imprecise_acc=None, out_dtype=None, _semantic=None, _generator=None):
        if allow_tf32 is not None:
            flag = bool(core._unwrap_if_constexpr(allow_tf32))
            # Triton 3.9 reads allow_tf32=True as its default precision, False as "ieee".
            spelling = "tl.dot(a, b)" if flag else 'tl.dot(a, b, input_precision="ieee")'
            warn_once(BY_NAME["tl.dot(allow_tf32=)"], f"tl.dot(allow_tf32={flag})", spelling,
                      key="tl.dot(allow_tf32=)", kernel=True, semantic=_semantic,
                      generator=_generator)
        return original(input, other, acc, input_precision, allow_tf32, max_num_imprecise_acc,
                        out_dtype, _semantic=_semantic)

    wrapped = _builtin(dot, "dot", original.__doc__)
    wrapped.__flagtree_drift__ = True
    wrapped.__flagtree_original__ = original
    return wrapped


_EXTRA_SLICE_ROW = BY_NAME["x[..., :] with more `:` than x has dimensions"]


def _is_full_slice(sl) -> bool:
    sl = core._unwrap_if_constexpr(sl)
    return isinstance(sl, (slice, core.slice)) and all(
        core._unwrap_if_constexpr(arg) is None for arg in (sl.start, sl.stop, sl.step))


def _wrap_getitem(original):
    """`tensor.__getitem__` that drops `:` entries past the rank (as Triton <= 3.8 did), with
    one warning; any other index goes to Triton's own unchanged."""
    if getattr(original, "__flagtree_drift__", False):
        return original

    def __getitem__(self, slices, _semantic=None, _generator=None):
        items = slices
        if isinstance(items, core.tuple):
            items = items.values
        if isinstance(items, (list, tuple)):
            full = [i for i, sl in enumerate(items) if _is_full_slice(sl)]
            extra = full[len(self.shape):]
            if extra:
                warn_once(_EXTRA_SLICE_ROW, kernel=True, semantic=_semantic, generator=_generator)
                kept = [sl for i, sl in enumerate(items) if i not in set(extra)]
                slices = core.tuple(kept) if isinstance(slices, core.tuple) else type(items)(kept)
        return original(self, slices, _semantic=_semantic)

    wrapped = _builtin(__getitem__, "__getitem__", original.__doc__)
    wrapped.__flagtree_drift__ = True
    wrapped.__flagtree_original__ = original
    return wrapped


# --- `_builder=`: builtins written for Triton <= 3.3 -------------------------------------------

_BUILDER_ROW = BY_NAME["_builder= argument of builtins (@tl.core.extern, @tl.core.builtin, "
                       "tl.core.extern_elementwise(_builder=))"]


class LegacyBuilder:
    """What a builtin written for Triton <= 3.3 receives as `_builder`: it answers for Triton
    3.9's ir builder and carries the semantic that 3.9's builtins take as `_semantic`."""

    __slots__ = ("semantic",)

    def __init__(self, semantic) -> None:
        self.semantic = semantic

    def __getattr__(self, name):
        return getattr(self.semantic.builder, name)


def _semantic_of(builder):
    return builder.semantic if isinstance(builder, LegacyBuilder) else None


def builtin(fn):
    """`tl.core.builtin` that also takes functions written with Triton <= 3.3's `_builder`."""
    params = inspect.signature(fn).parameters
    if "_builder" not in params or "_semantic" in params:
        return _BUILTIN(fn)
    signature = inspect.signature(fn).replace(parameters=[
        p.replace(name="_semantic") if p.name == "_builder" else p for p in params.values()])

    def legacy(*args, _semantic=None, _builder=None, **kwargs):
        if _semantic is None and isinstance(_builder, LegacyBuilder):
            _semantic = _builder.semantic  # called by another builtin written for Triton <= 3.3
        if _semantic is None:
            raise ValueError("Did you forget to add @triton.jit ? (`_semantic` argument must be "
                             "provided outside of JIT functions.)")
        warn_once(_BUILDER_ROW, f"_builder= (builtin {fn.__name__})",
                  key=_BUILDER_ROW.name, kernel=True, semantic=_semantic,
                  generator=kwargs.get("_generator"))
        try:
            return fn(*args, _builder=LegacyBuilder(_semantic), **kwargs)
        except (TypeError, ValueError) as error:
            # Triton 3.9's builtins reject `_builder=`: as an unknown keyword, or first as a
            # missing `_semantic` ("Did you forget to add @triton.jit ?").
            if "'_builder'" not in str(error) and "`_semantic` argument" not in str(error):
                raise
            raise type(error)(
                f"builtin `{fn.__name__}` was written for Triton <= 3.3 and passes `_builder=` "
                "on to a Triton 3.9 builtin, which takes `_semantic=` instead; "
                "flagtree bridges `_builder=` only for tl.core.extern_elementwise, "
                "tl.semantic.<function> and other builtins written with `_builder`: pass "
                "`_semantic=_builder.semantic` there") from error

    legacy.__name__, legacy.__qualname__ = fn.__name__, fn.__qualname__
    legacy.__module__, legacy.__doc__ = fn.__module__, fn.__doc__
    legacy.__signature__ = legacy.signature = signature
    setattr(legacy, core.TRITON_BUILTIN, True)
    return legacy


def extern(fn):
    """`tl.core.extern`, with the `_builder` bridge of `builtin`."""
    return builtin(fn)


def _wrap_extern_elementwise(original):
    if getattr(original, "__flagtree_drift__", False):
        return original

    def extern_elementwise(lib_name, lib_path, args, arg_type_symbol_dict, is_pure,
                           _semantic=None, _builder=None):
        if _semantic is None and _builder is not None:
            warn_once(_BUILDER_ROW, "tl.core.extern_elementwise(_builder=)",
                      key=_BUILDER_ROW.name, kernel=True, semantic=_semantic_of(_builder))
            _semantic = _semantic_of(_builder)
        return original(lib_name, lib_path, args, arg_type_symbol_dict, is_pure,
                        _semantic=_semantic)

    extern_elementwise.__name__ = extern_elementwise.__qualname__ = "extern_elementwise"
    extern_elementwise.__module__ = "triton.language.core"
    extern_elementwise.__doc__ = original.__doc__
    extern_elementwise.__triton_builtin__ = True
    extern_elementwise.signature = inspect.signature(extern_elementwise)
    extern_elementwise.__flagtree_drift__ = True
    extern_elementwise.__flagtree_original__ = original
    return extern_elementwise


_SEMANTIC_ROW = "tl.semantic.<function>(..., builder), tl.core.semantic"


def _semantic_function(name: str):
    """Triton <= 3.3's module-level `semantic.<name>(..., builder)`: 3.9's `_semantic.<name>`."""
    row = BY_NAME[_SEMANTIC_ROW]

    def fn(*args, **kwargs):
        builder = kwargs.pop("builder", None)
        if builder is None and args and isinstance(args[-1], LegacyBuilder):
            args, builder = args[:-1], args[-1]
        semantic = _semantic_of(builder)
        if semantic is None:
            raise TypeError(
                f"`triton.language.semantic.{name}` was a module function until Triton 3.3; "
                f"Triton 3.9 has it as a method of the `_semantic` object its builtins receive "
                f"(`_semantic.{name}(...)`). flagtree maps the old call only inside a builtin "
                f"written with `_builder=`, passing that builder last.")
        warn_once(row, f"tl.semantic.{name}", f"_semantic.{name}", kernel=True, semantic=semantic)
        return getattr(semantic, name)(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    return fn


def install(tl) -> None:
    """Add the old spellings to `triton.language` (`tl`) and its submodules."""
    import triton.language.math as tl_math
    import triton.language.semantic as tl_semantic

    for name in LIBDEVICE_NAMES:
        if not hasattr(tl_math, name):
            setattr(tl_math, name, _math_libdevice(name))
    for name, target in (("max", core.maximum), ("min", core.minimum)):
        if not hasattr(tl_math, name):
            setattr(tl_math, name, _math_minmax(name, target))

    core.pointer_type.__init__ = _wrap_pointer_type_init(core.pointer_type.__init__)
    core.tensor.__getitem__ = _wrap_getitem(core.tensor.__getitem__)
    dot = _wrap_dot(core.dot)
    extern_elementwise = _wrap_extern_elementwise(core.extern_elementwise)
    for module in (tl, core):
        module.dot = dot
        module.extern_elementwise = extern_elementwise
    core.builtin, core.extern = builtin, extern
    if hasattr(tl, "extern"):
        tl.extern = extern

    additions = {
        "const_pointer_type": const_pointer_type,
        "_experimental_make_tensor_descriptor": _builtin(
            _experimental_make_tensor_descriptor, "_experimental_make_tensor_descriptor",
            "Triton 3.3's name of `tl.make_tensor_descriptor` (flagtree compat)."),
        "constexpr_function": constexpr_function,
        "async_task": async_task,
    }
    for name, value in additions.items():
        if not hasattr(tl, name):
            setattr(tl, name, value)

    tma = "tl._experimental_descriptor_load, tl._experimental_descriptor_store"
    module_getattr(tl, {
        "_experimental_tensor_descriptor": alias(
            "tl._experimental_tensor_descriptor", "tl._experimental_tensor_descriptor",
            "tl.tensor_descriptor", lambda: core.tensor_descriptor),
    }, {
        **refusals("tl.function_type", "tl.", "function_type"),
        **refusals("tl.nv_tma_desc_type", "tl.", "nv_tma_desc_type"),
        **refusals(tma, "tl.", "_experimental_descriptor_load _experimental_descriptor_store"),
        **refusals("tl._experimental_reinterpret_tensor_descriptor", "tl.",
                    "_experimental_reinterpret_tensor_descriptor"),
    })

    def _jit():
        from triton.runtime.jit import jit
        return jit

    def _jit_function():
        from triton.runtime.jit import JITFunction
        return JITFunction

    jit_row = "tl.core.jit, tl.core.JITFunction"
    module_getattr(core, {
        "jit": alias(jit_row, "tl.core.jit", "triton.jit", _jit),
        "JITFunction": alias(jit_row, "tl.core.JITFunction", "triton.JITFunction",
                             _jit_function),
        "semantic": alias(_SEMANTIC_ROW, "tl.core.semantic", "triton.language.semantic",
                          lambda: tl_semantic),
    }, {})

    semantic_methods = {name for name in dir(tl_semantic.TritonSemantic)
                        if not name.startswith("__")}

    def semantic_fallback(name):
        if name in semantic_methods:
            return _semantic_function(name)
        raise AttributeError(f"module 'triton.language.semantic' has no attribute {name!r}")

    module_getattr(tl_semantic, {}, {}, fallback=semantic_fallback)

    # `tl.extra.cuda` and sys.modules' `triton.language.extra.cuda` can be two module objects
    # (Triton's extra/__init__.py loads its backends by hand): refuse on both.
    tma_row = ("tl.extra.cuda.experimental_device_tensormap_create1d, "
               "experimental_device_tensormap_create2d, experimental_tensormap_fenceproxy_acquire")
    tma_names = ("experimental_device_tensormap_create1d experimental_device_tensormap_create2d "
                 "experimental_tensormap_fenceproxy_acquire")
    for cuda in {id(m): m for m in (getattr(tl.extra, "cuda", None),
                                    sys.modules.get("triton.language.extra.cuda"))}.values():
        if isinstance(cuda, types.ModuleType):
            module_getattr(cuda, {}, refusals(tma_row, "tl.extra.cuda.", tma_names))
