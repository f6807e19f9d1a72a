"""Turning the cpu backend's `llmlir` binary into native code in this process (LLVM 22 JIT).

`load_kernel(name, kernel)` returns (engine handle, address of `flagtree_entry`).
"""

from __future__ import annotations

import ctypes

from mlir import execution_engine

from flagtree.backends.cpu.entry import ASSERT_FLAG_ADDRESS, ENTRY_ADDRESS

# entry address -> address of the kernel's device-assert flag (kernels with tl.device_assert)
ASSERT_FLAGS: dict[int, int] = {}
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
    address = _call_address_function(engine, name, ENTRY_ADDRESS)
    if not address:
        raise RuntimeError(f"kernel {name}: no entry address after JIT compilation")
    flag = _call_address_function(engine, name, ASSERT_FLAG_ADDRESS)
    if flag:
        ASSERT_FLAGS[address] = flag
    return engine, address


def _call_address_function(engine, name: str, function: str) -> int | None:
    """Call `function() -> ptr` in the JIT-ed module. raw_lookup yields the packed wrapper
    `void _mlir_<name>(void **args)`; with no arguments, args[0] receives the result."""
    packed = engine.raw_lookup(function)
    if not packed:
        raise RuntimeError(f"kernel {name}: '{function}' missing after JIT compilation")
    result = ctypes.c_void_p()
    slots = (ctypes.c_void_p * 1)(ctypes.cast(ctypes.pointer(result), ctypes.c_void_p))
    ctypes.CFUNCTYPE(None, ctypes.c_void_p)(packed)(ctypes.cast(slots, ctypes.c_void_p))
    return result.value
