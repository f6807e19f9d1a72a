"""`flagtree.jit`: Triton's `jit`, whose kernels run on the backend owning their arguments.

With no backend selected, a launch with CPU tensors runs on `cpu` even where a GPU backend is
the default (and cuda tensors on nvidia/amd); each backend keeps its own per-device caches.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from triton.runtime.jit import JITFunction as _TritonJITFunction
from triton.runtime.jit import jit as _triton_jit

from flagtree import knobs
from flagtree.backend import selection


class JITFunction(_TritonJITFunction):
    """A Triton JITFunction that picks its backend from the arguments' device per launch."""

    def run(self, *args, grid, warmup, **kwargs):
        name = _dispatch_target(args, kwargs)
        if name is None:
            return super().run(*args, grid=grid, warmup=warmup, **kwargs)
        # Triton keys compiled kernels by device index: backends must not share those caches.
        per_backend = self.__dict__.setdefault("_flagtree_device_caches", {})
        self.device_caches = per_backend.setdefault(name, defaultdict(self.create_binder))
        with selection.use_backend(name):
            return super().run(*args, grid=grid, warmup=warmup, **kwargs)


@functools.cache
def _one_runnable_backend() -> bool:
    """Whether this process can run kernels on one backend only, with no default named for
    Triton (then there is nothing to choose; decided once, as launches are hot)."""
    from flagtree.backend import registry

    runnable = sum(record.runnable for record in registry.records().values())
    return runnable <= 1 and not knobs.backend.triton_default


def _dispatch_target(args: tuple, kwargs: dict[str, Any]) -> str | None:
    """The backend to switch to for this launch, or None to stay on the current one."""
    if _one_runnable_backend():
        return None  # the common case, kept cheap: it runs on every launch
    if selection.selected_name():
        return None  # an explicit choice (FLAGTREE_BACKEND, set_backend, use_backend) wins
    name = selection.backend_for_arguments([*args, *kwargs.values()])
    if name is None or name == selection.default_name():
        return None
    return name


def jit(fn=None, **options):
    """Like `triton.jit` (same options); the kernel is a flagtree.device_jit.JITFunction."""

    def decorator(f):
        kernel = _triton_jit(f, **options)
        if type(kernel) is _TritonJITFunction:  # not under TRITON_INTERPRET
            kernel.__class__ = JITFunction
        return kernel

    return decorator(fn) if fn is not None else decorator
