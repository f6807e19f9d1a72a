"""Turning the cpu backend's `llmlir` binary into native code in this process (LLVM 22 JIT).

`load_kernel(name, kernel)` returns (engine handle, address of `flagtree_entry`).
"""

from __future__ import annotations

import ctypes

from mlir import execution_engine

from flagtree.backends.cpu.entry import ENTRY_ADDRESS
from flagtree.mlir import make_context, parse_module


def load_kernel(name: str, kernel: bytes | str, opt_level: int | None = None):
    """JIT-compile the LLVM-dialect module `kernel` for the host CPU; return (engine, entry).

    The engine owns the machine code: keep it alive as long as the entry is called.
    """
    if opt_level is None:
        from flagtree import knobs

        opt_level = knobs.cpu.opt_level
    text = kernel.decode() if isinstance(kernel, (bytes, bytearray)) else kernel
    context = make_context()
    module = parse_module(text, context)
    with context:
        engine = execution_engine.ExecutionEngine(module, opt_level=opt_level)
    # raw_lookup yields the packed wrapper `void _mlir_<name>(void **args)`; for a
    # function without arguments args[0] receives the result.
    packed = engine.raw_lookup(ENTRY_ADDRESS)
    if not packed:
        raise RuntimeError(f"kernel {name}: '{ENTRY_ADDRESS}' missing after JIT compilation")
    address = ctypes.c_void_p()
    slots = (ctypes.c_void_p * 1)(ctypes.cast(ctypes.pointer(address), ctypes.c_void_p))
    ctypes.CFUNCTYPE(None, ctypes.c_void_p)(packed)(ctypes.cast(slots, ctypes.c_void_p))
    if not address.value:
        raise RuntimeError(f"kernel {name}: no entry address after JIT compilation")
    return engine, address.value
