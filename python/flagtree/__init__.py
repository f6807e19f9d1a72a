"""flagtree: an MLIR-based, multi-backend compiler for Triton kernels, and a drop-in for Triton.

`import flagtree as triton` and `import flagtree.language as tl` give Triton's own objects
(upstream Triton 3.9, extended through public hooks); flagtree adds `knobs`, `backends`, `aot`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys

from flagtree import triton_hooks as _triton_hooks

__version__ = "0.1.0"

# flagtree.X is triton.X for these submodules (and everything under them), so kernels,
# pickles and autotune caches see one set of objects whichever name the user imported.
ALIASED_SUBMODULES = ("language", "testing", "runtime", "compiler", "tools", "errors",
                      "_C", "_utils", "backends.compiler", "backends.driver",
                      "backends.nvidia", "backends.amd")
# flagtree's own where Triton has the same name (documented in docs/dropin.md): `knobs`
# (flagtree's knobs, then Triton's), `backends` (the registry), `jit` (Triton's jit whose
# kernels run on the backend owning their arguments' device).
EXTENSIONS = ("knobs", "backends", "jit")


def _triton_name(fullname: str) -> str | None:
    """'flagtree.language.math' -> 'triton.language.math' when it is an aliased module."""
    if not fullname.startswith("flagtree."):
        return None
    rest = fullname[len("flagtree."):]
    for alias in ALIASED_SUBMODULES:
        if rest == alias or rest.startswith(alias + "."):
            return "triton." + rest
    return None


class _TritonAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `flagtree.<aliased>` as the Triton module itself (not a copy).

    Triton modules that are already loaded are registered under their alias up front (and as
    they load, see `_alias_loaded`), so the import system never re-binds an attribute of a
    Triton package (e.g. `triton.runtime.driver`, an object shadowing its module).
    """

    def find_spec(self, fullname, path, target=None):
        if _triton_name(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        module = importlib.import_module(_triton_name(spec.name))
        self._original_spec = module.__spec__
        return module

    def exec_module(self, module):
        # The import system set the alias spec on Triton's module: give it its own back.
        module.__spec__ = self._original_spec


def _alias_loaded(name: str, module) -> None:
    """Register `flagtree.X` for the just-loaded `triton.X` (and, for a package, its loaded
    submodules: `triton.language.extra` replaces its backends' modules while it loads)."""
    names = [name]
    if hasattr(module, "__path__"):
        names += [n for n in list(sys.modules) if n.startswith(name + ".")]
    for triton_name in names:
        alias = "flagtree." + triton_name[len("triton."):]
        if triton_name.startswith("triton.") and _triton_name(alias) == triton_name:
            sys.modules[alias] = sys.modules.get(triton_name, module)


def _install_aliases() -> None:
    if not any(isinstance(f, _TritonAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _TritonAliasFinder())
        _triton_hooks.on_triton_import(_alias_loaded)
    for name, module in list(sys.modules.items()):
        _alias_loaded(name, module)


# Nothing of Triton is touched here: Triton's backend discovery imports this package while
# `triton` itself is half-initialized. Triton's names resolve on first use (`__getattr__`).
_triton_hooks.install()
_install_aliases()

_LAZY = {
    "knobs": "flagtree.knobs",
    "backends": "flagtree.backends",
    "jit": "flagtree.device_jit:jit",
    # Backend selection (flagtree.backend): see docs/dropin.md.
    "set_backend": "flagtree.backend:set_backend",
    "use_backend": "flagtree.backend:use_backend",
    "current_backend": "flagtree.backend:current_backend",
    "get_backend": "flagtree.backend:get_backend",
    "list_backends": "flagtree.backend:list_backends",
    "backend_for_arguments": "flagtree.backend:backend_for_arguments",
    "BackendError": "flagtree.backend:BackendError",
}


def _is_own_submodule(name: str) -> bool:
    """Whether `flagtree.<name>` is one of flagtree's modules (`from flagtree import hints`
    must import it, not look the name up in Triton)."""
    import os

    return any(os.path.exists(os.path.join(root, name + suffix))
               for root in __path__ for suffix in (".py", os.sep + "__init__.py"))


def __getattr__(name: str):
    """flagtree's extensions load on first use; any other Triton attribute is Triton's. Each
    name is resolved once, then kept in this module (`triton.cdiv` in a grid lambda runs on
    every launch)."""
    if name in _LAZY:
        module, _, attr = _LAZY[name].partition(":")
        value = importlib.import_module(module)
        value = getattr(value, attr) if attr else value
    elif not name.startswith("_") and not _is_own_submodule(name):
        try:
            value = getattr(importlib.import_module("triton"), name)
        except AttributeError:
            raise AttributeError(f"module 'flagtree' has no attribute '{name}'") from None
    else:
        raise AttributeError(f"module 'flagtree' has no attribute '{name}'")
    globals()[name] = value
    return value


def __dir__():
    import triton

    return sorted(set(globals()) | set(_LAZY) | {n for n in dir(triton) if not n.startswith("_")})
