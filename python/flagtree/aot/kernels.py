"""Finding the kernels to compile: `FILE.py:KERNEL` or `package.module:KERNEL` references, with
`@triton.autotune` configs expanded into one variant each.

Importing a file runs it as a module (as `triton.tools.compile` does), from its own folder.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flagtree.aot.errors import ManifestError

# Launch options a specialization may set (Triton's `Config` fields and @jit launch keywords).
OPTION_NAMES = ("num_warps", "num_stages", "num_ctas", "maxnreg", "enable_fp_fusion",
                "launch_cooperative_grid", "launch_pdl", "debug")


@dataclass(frozen=True)
class Variant:
    """One compile of a kernel reference: constexprs fixed by an autotune config, options."""

    fixed: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


def is_file_reference(ref: str) -> bool:
    path = ref.rpartition(":")[0]
    return path.endswith(".py") or "/" in path or "\\" in path


def absolute_reference(ref: str, base: Path | None = None) -> str:
    """`ref` with a file path made absolute (relative to `base`, else the working folder)."""
    if not is_file_reference(ref):
        return ref
    path, _, attr = ref.rpartition(":")
    full = Path(path) if Path(path).is_absolute() else (base or Path.cwd()) / path
    return f"{full.resolve()}:{attr}"


@functools.cache
def _import_file(path: str) -> Any:
    file = Path(path)
    if not file.is_file():
        raise ManifestError(f"{path}: no such file")
    digest = hashlib.sha256(str(file).encode()).hexdigest()[:8]
    name = f"_flagtree_aot_{file.stem}_{digest}"
    sys.path.insert(0, str(file.parent))
    spec = importlib.util.spec_from_file_location(name, file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - the user's file raised while importing
        del sys.modules[name]
        raise ManifestError(f"{path}: importing it failed: {type(exc).__name__}: {exc}") from None
    return module


def resolve(ref: str) -> Any:
    """The object `ref` names: a JITFunction, an Autotuner or a Heuristics wrapper."""
    location, sep, attr = ref.rpartition(":")
    if not sep or not location or not attr:
        raise ManifestError(f"{ref!r}: expected FILE.py:KERNEL or package.module:KERNEL")
    if is_file_reference(ref):
        module = _import_file(location)
    else:
        try:
            module = importlib.import_module(location)
        except ImportError as exc:
            raise ManifestError(f"{ref}: cannot import {location}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - the user's module raised while importing
            raise ManifestError(f"{ref}: importing {location} failed: "
                                f"{type(exc).__name__}: {exc}") from None
    obj = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ManifestError(f"{ref}: {location} has no attribute {attr!r}") from None
    return obj


def unwrap(obj: Any, ref: str) -> tuple[Any, list[Variant]]:
    """(the JITFunction, its variants): one per autotune config, else one with no settings."""
    from triton.runtime.autotuner import Autotuner, Heuristics
    from triton.runtime.jit import JITFunction

    variants = [Variant()]
    while not isinstance(obj, JITFunction):
        if isinstance(obj, Autotuner):
            variants = [Variant(dict(c.kwargs), _config_options(c)) for c in obj.configs]
        elif not isinstance(obj, Heuristics):
            raise ManifestError(f"{ref}: {type(obj).__name__} is not a @triton.jit kernel")
        obj = obj.fn
    return obj, variants


def _config_options(config: Any) -> dict[str, Any]:
    options = {"num_warps": config.num_warps, "num_stages": config.num_stages,
               "num_ctas": config.num_ctas}
    if config.maxnreg is not None:
        options["maxnreg"] = config.maxnreg
    return options


def check_options(options: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise ManifestError(f"{where}: unknown option(s) {', '.join(unknown)} (known: "
                            f"{', '.join(OPTION_NAMES)})")
    return dict(options)
