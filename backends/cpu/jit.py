"""Turning the cpu backend's `llmlir` binary into native code in this process (LLVM 22 JIT).

`load_kernel(name, kernel)` returns (engine handle, address of `flagtree_entry`).
"""

from __future__ import annotations

import threading

from mlir import execution_engine

from flagtree.backends.cpu.entry import ENTRY
from flagtree.mlir import make_context, parse_module

_lock = threading.Lock()
_engines: list[execution_engine.ExecutionEngine] = []  # kept alive: code must not be freed


def load_kernel(name: str, kernel: bytes | str, opt_level: int | None = None):
    """JIT-compile the LLVM-dialect module `kernel` for the host CPU; return (engine, entry)."""
    if opt_level is None:
        from flagtree import knobs

        opt_level = knobs.cpu.opt_level
    text = kernel.decode() if isinstance(kernel, (bytes, bytearray)) else kernel
    context = make_context()
    module = parse_module(text, context)
    with context:
        engine = execution_engine.ExecutionEngine(module, opt_level=opt_level)
    address = engine.raw_lookup(ENTRY)
    if not address:
        raise RuntimeError(f"kernel {name}: entry symbol '{ENTRY}' missing after JIT")
    with _lock:
        _engines.append(engine)
    return engine, address
