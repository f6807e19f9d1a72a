"""flagtree's shared TTIR passes, run on a Triton module for any backend (cpu, nvidia, amd).

The module travels as text into flagtree's MLIR 22 context, through the passes, and back into
Triton's context, so one Python pass serves Triton's own GPU pipelines and flagtree's backends.
"""

from __future__ import annotations

import os
import re
import tempfile

from flagtree.compile_errors import stage_errors
from flagtree.mlir.context import make_context, parse_module, print_module
from flagtree.mlir.pipeline import StageError

# (pass, options) run before a backend's own TTIR passes; `{backend}` is filled in.
SHARED_TTIR_PASSES = (("tt-apply-hints", "backend={backend}"),)


def run_shared_passes(text: str, backend: str) -> str:
    """TTIR text -> TTIR text after flagtree's shared passes for `backend` (raises StageError)."""
    from mlir import ir, passmanager

    from flagtree.mlir.passes import add_pass

    module = parse_module(text, make_context())
    errors: list = []
    with module.context:
        pm = passmanager.PassManager("builtin.module")
        for name, options in SHARED_TTIR_PASSES:
            add_pass(pm, name, options.format(backend=backend),
                     on_error=lambda m, loc: errors.append((m, loc)))
        try:
            pm.run(module.operation)
        except ir.MLIRError as exc:
            raise StageError("ttir-shared", errors, exc) from None
    if errors:
        raise StageError("ttir-shared", errors, None)
    return print_module(module)


_LOC_FILE = re.compile(r'loc\("((?:[^"\\]|\\.)*)":\d+:\d+\)')


def has_hints(text: str) -> bool:
    """Whether any source file named by the locations of TTIR `text` has `#@hint:` comments."""
    from flagtree.hints import hints_in_file

    return any(hints_in_file(name) for name in set(_LOC_FILE.findall(text)))


def apply_to_triton_module(mod, backend: str, *, only_if_hinted: bool = False):
    """Run the shared passes on Triton module `mod`; returns a module in `mod`'s context.

    With `only_if_hinted`, a kernel whose sources carry no hint is returned as it is (the
    passes would not change it), saving the round trip.
    """
    from triton._C.libtriton import ir as triton_ir

    source = str(mod)
    if only_if_hinted and not has_hints(source):
        return mod
    kernel = mod.get_entry_func_name() if hasattr(mod, "get_entry_func_name") else "?"
    with stage_errors(kernel, backend):
        text = run_shared_passes(source, backend)
    fd, path = tempfile.mkstemp(suffix=".ttir", prefix="flagtree-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        new = triton_ir.parse_mlir_module(path, mod.context)
    finally:
        os.unlink(path)
    new.context = mod.context
    return new
