"""Extensions flagtree installs into upstream Triton through public hooks, never by editing it.

`install()` runs when Triton's backend discovery imports flagtree's cpu backend (so plain
`import triton` code gets them whenever flagtree is installed) and on `import flagtree`:
- language extensions (block pointers, old API names, `triton.language.extra.cpu`) are applied
  to `triton.language` right after it is imported, by a `sys.meta_path` finder;
- flagtree's shared TTIR passes join Triton's own GPU pipelines through
  `triton.knobs.runtime.add_stages_inspection_hook` (see flagtree.gpu_stages).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

# Modules with an `install(tl)` function, applied to `triton.language` once it is imported.
LANGUAGE_EXTENSIONS = (
    "flagtree.language_extra",
    "flagtree.compat.block_ptr",
    "flagtree.compat.drift",
)

_installed = False
_language_done = False


def _apply_language_extensions(tl) -> None:
    global _language_done
    if _language_done:
        return
    _language_done = True
    for name in LANGUAGE_EXTENSIONS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.install(tl)


class _AfterTritonLanguage(importlib.abc.MetaPathFinder):
    """Finds `triton.language` with the other finders and runs the extensions after it loads."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "triton.language":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_extend(module):
            exec_module(module)
            _apply_language_extensions(module)

        spec.loader.exec_module = exec_then_extend
        return spec


def install() -> None:
    """Install every hook once; safe to call from any import order."""
    global _installed
    if _installed:
        return
    _installed = True
    tl = sys.modules.get("triton.language")
    if tl is not None and hasattr(tl, "core"):
        _apply_language_extensions(tl)
    else:
        sys.meta_path.insert(0, _AfterTritonLanguage())
    try:
        gpu_stages = importlib.import_module("flagtree.gpu_stages")
    except ModuleNotFoundError as exc:
        if exc.name != "flagtree.gpu_stages":
            raise
    else:
        gpu_stages.install()
