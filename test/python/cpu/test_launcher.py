"""Tests of the cpu backend's runtime: `flagtree._cpu_launcher`, the Triton driver and the knobs.

Kernels here are small LLVM-dialect functions JIT-compiled with MLIR's ExecutionEngine.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
import sys
import threading
import time
import types

import pytest
import torch
from mlir import ir
from mlir.execution_engine import ExecutionEngine

from flagtree import _cpu_launcher, knobs
from flagtree.backends.cpu import driver as cpu_driver

ENTRY_ARGS = "%args: !llvm.ptr, %x: i32, %y: i32, %z: i32, %gx: i32, %gy: i32, %gz: i32"

# buf[x + gx * (y + gy * z)] += id + scalar and buf[gx * gy * gz] += 1, atomically: each program
# that runs exactly once leaves id + scalar in its element, and the last one counts programs.
PROGRAM_IDS = f"""
llvm.func @program_ids({ENTRY_ARGS}) {{
  %one = llvm.mlir.constant(1 : i32) : i32
  %slot0 = llvm.load %args : !llvm.ptr -> !llvm.ptr
  %buf = llvm.load %slot0 : !llvm.ptr -> !llvm.ptr
  %arg1 = llvm.getelementptr %args[1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
  %slot1 = llvm.load %arg1 : !llvm.ptr -> !llvm.ptr
  %scalar = llvm.load %slot1 : !llvm.ptr -> i32
  %gyz = llvm.mul %gy, %z : i32
  %row = llvm.add %y, %gyz : i32
  %rowStart = llvm.mul %gx, %row : i32
  %id = llvm.add %x, %rowStart : i32
  %value = llvm.add %id, %scalar : i32
  %dst = llvm.getelementptr %buf[%id] : (!llvm.ptr, i32) -> !llvm.ptr, i32
  %old = llvm.atomicrmw add %dst, %value monotonic : !llvm.ptr, i32
  %gxy = llvm.mul %gx, %gy : i32
  %total = llvm.mul %gxy, %gz : i32
  %counter = llvm.getelementptr %buf[%total] : (!llvm.ptr, i32) -> !llvm.ptr, i32
  %count = llvm.atomicrmw add %counter, %one monotonic : !llvm.ptr, i32
  llvm.return
}}
"""

EMPTY = f"""
llvm.func @empty({ENTRY_ARGS}) {{
  llvm.return
}}
"""

SLOT_COUNT = 32


def copy_slots(count: int) -> str:
    """An entry that copies the 8 bytes of slots 1..count into out[0..count), out being slot 0."""
    lines = [f"llvm.func @copy_slots({ENTRY_ARGS}) {{",
             "  %slot0 = llvm.load %args : !llvm.ptr -> !llvm.ptr",
             "  %out = llvm.load %slot0 : !llvm.ptr -> !llvm.ptr"]
    for i in range(count):
        lines += [
            f"  %a{i} = llvm.getelementptr %args[{i + 1}] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr",
            f"  %s{i} = llvm.load %a{i} : !llvm.ptr -> !llvm.ptr",
            f"  %v{i} = llvm.load %s{i} : !llvm.ptr -> i64",
            f"  %d{i} = llvm.getelementptr %out[{i}] : (!llvm.ptr) -> !llvm.ptr, i64",
            f"  llvm.store %v{i}, %d{i} : i64, !llvm.ptr",
        ]
    lines += ["  llvm.return", "}"]
    return "\n".join(lines)


def address_getter(name: str) -> str:
    """`<name>_address() -> ptr`: the ExecutionEngine only looks up packed `_mlir_<name>` wrappers,
    so the raw entry's address is returned by a function called through its wrapper."""
    return f"""
llvm.func @{name}_address() -> !llvm.ptr {{
  %address = llvm.mlir.addressof @{name} : !llvm.ptr
  llvm.return %address : !llvm.ptr
}}
"""


class Kernels:
    """The test entries, JIT-compiled once; `address(name)` is the raw C-ABI entry."""

    NAMES = ("program_ids", "empty", "copy_slots")

    def __init__(self) -> None:
        source = PROGRAM_IDS + EMPTY + copy_slots(SLOT_COUNT)
        source += "".join(address_getter(name) for name in self.NAMES)
        with ir.Context():
            module = ir.Module.parse(source)
            self.engine = ExecutionEngine(module, opt_level=2)

    def address(self, name: str) -> int:
        result = ctypes.c_void_p()
        packed = (ctypes.c_void_p * 1)(ctypes.cast(ctypes.pointer(result), ctypes.c_void_p))
        wrapper = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(self.engine.raw_lookup(f"{name}_address"))
        wrapper(packed)
        return result.value


@pytest.fixture(scope="module")
def kernels() -> Kernels:
    return Kernels()


def run_program_ids(kernels: Kernels, grid, num_threads: int, scalar: int = 7) -> torch.Tensor:
    total = grid[0] * grid[1] * grid[2]
    buf = torch.zeros(total + 1, dtype=torch.int32)
    _cpu_launcher.launch(kernels.address("program_ids"), grid, "pi", (buf, scalar), num_threads)
    return buf


def expected_program_ids(grid, scalar: int = 7) -> torch.Tensor:
    total = grid[0] * grid[1] * grid[2]
    return torch.cat([torch.arange(total, dtype=torch.int32) + scalar,
                      torch.tensor([total], dtype=torch.int32)])


def slot_bytes(kernels: Kernels, kinds: str, values: tuple) -> list[bytes]:
    """The 8 slot bytes the launcher packed for each of `values`."""
    out = torch.zeros(SLOT_COUNT, dtype=torch.int64)
    padded_kinds = kinds + "i" * (SLOT_COUNT - len(values))
    padded = values + (0, ) * (SLOT_COUNT - len(values))
    _cpu_launcher.launch(kernels.address("copy_slots"), (1, 1, 1), "p" + padded_kinds,
                         (out, *padded), 1)
    return [struct.pack("<q", v) for v in out.tolist()[:len(values)]]


def low(data: bytes) -> bytes:
    return data.ljust(8, b"\0")


# ----------------------------------------------------------------------------------------------
# _cpu_launcher.launch
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("grid", [(7, 1, 1), (3, 5, 1), (2, 3, 4), (1, 1, 1), (257, 3, 2)])
@pytest.mark.parametrize("num_threads", [1, 2, 0])
def test_every_program_runs_once(kernels, grid, num_threads):
    assert torch.equal(run_program_ids(kernels, grid, num_threads), expected_program_ids(grid))


def test_more_threads_than_cpus_or_programs(kernels):
    for grid in [(3, 1, 1), (1000, 1, 1)]:
        assert torch.equal(run_program_ids(kernels, grid, 8), expected_program_ids(grid))


@pytest.mark.parametrize("grid", [(0, 1, 1), (4, 0, 1), (4, 4, 0), (0, 0, 0)])
def test_zero_grid_is_a_no_op(kernels, grid):
    buf = torch.zeros(4, dtype=torch.int32)
    _cpu_launcher.launch(kernels.address("program_ids"), grid, "pi", (buf, 1), 2)
    assert not buf.any()


def test_negative_grid_raises(kernels):
    buf = torch.zeros(4, dtype=torch.int32)
    with pytest.raises(ValueError, match="negative"):
        _cpu_launcher.launch(kernels.address("program_ids"), (2, -1, 1), "pi", (buf, 1))


def test_argument_count_mismatch_raises(kernels):
    buf = torch.zeros(4, dtype=torch.int32)
    with pytest.raises(TypeError, match="expected 2 arguments"):
        _cpu_launcher.launch(kernels.address("program_ids"), (1, 1, 1), "pi", (buf, ))
    with pytest.raises(TypeError, match="expected 2 arguments"):
        _cpu_launcher.launch(kernels.address("program_ids"), (1, 1, 1), "pi", (buf, 1, 2))


@pytest.mark.parametrize("kinds, args, index", [
    ("pi", (1.5, 1), 0),        # a float is no pointer
    ("pi", ("buf", 1), 0),
    ("pi", (True, 1), 0),       # a bool is no address
    ("pi", (None, 1.5), 1),     # a float is no i32
    ("pi", (None, None), 1),
    ("pf", (None, "x"), 1),
    ("pb", (None, 0.0), 1),
])
def test_kind_mismatch_names_the_argument(kernels, kinds, args, index):
    with pytest.raises(TypeError, match=f"argument {index}:"):
        _cpu_launcher.launch(kernels.address("program_ids"), (1, 1, 1), kinds, args)


def test_unknown_kind_and_overflow_raise(kernels):
    entry = kernels.address("program_ids")
    with pytest.raises(ValueError, match="argument 1: unknown kind 'x'"):
        _cpu_launcher.launch(entry, (1, 1, 1), "px", (None, 1))
    with pytest.raises(OverflowError, match="argument 1"):
        _cpu_launcher.launch(entry, (1, 1, 1), "pi", (None, 1 << 32))
    with pytest.raises(OverflowError, match="argument 1"):
        _cpu_launcher.launch(entry, (1, 1, 1), "pc", (None, -129))
    with pytest.raises(ValueError, match="null"):
        _cpu_launcher.launch(0, (1, 1, 1), "", ())


def test_integer_and_pointer_slots(kernels):
    t = torch.zeros(3)
    kinds = "bbcccssiiilllppp"
    values = (True, 0, -1, 255, 127, -2, 65535, -3, 0xFFFFFFFF, 2**31 - 1,
              -5, 2**64 - 1, 2**63 - 1, t, None, 0x1234_5678_9ABC)
    expected = [b"\1", b"\0", struct.pack("<b", -1), b"\xff", b"\x7f", struct.pack("<h", -2),
                b"\xff\xff", struct.pack("<i", -3), b"\xff" * 4, struct.pack("<i", 2**31 - 1),
                struct.pack("<q", -5), b"\xff" * 8, struct.pack("<q", 2**63 - 1),
                struct.pack("<Q", t.data_ptr()), b"", struct.pack("<Q", 0x1234_5678_9ABC)]
    assert slot_bytes(kernels, kinds, values) == [low(e) for e in expected]


def test_float_slots(kernels):
    kinds = "ffffdddd"
    values = (1.5, -0.1, 1e39, float("-inf"), 0.1, -2.5e-310, float("inf"), 3)
    expected = [struct.pack("<f", v) for v in (1.5, -0.1, float("inf"), float("-inf"))]
    expected += [struct.pack("<d", v) for v in (0.1, -2.5e-310, float("inf"), 3.0)]
    assert slot_bytes(kernels, kinds, values) == [low(e) for e in expected]
    nan = slot_bytes(kernels, "fd", (float("nan"), float("nan")))
    assert struct.unpack("<f", nan[0][:4])[0] != struct.unpack("<f", nan[0][:4])[0]
    assert struct.unpack("<d", nan[1])[0] != struct.unpack("<d", nan[1])[0]


def fp16_reference(value: float) -> bytes:
    """IEEE half, rounded once from the double (ties to even), overflow to infinity."""
    try:
        return struct.pack("<e", value)
    except OverflowError:
        return b"\x00\xfc" if value < 0 else b"\x00\x7c"


def bf16_reference(value: float) -> bytes:
    """bfloat16 for a value exact in float32: torch's conversion (ties to even)."""
    bits = torch.tensor([value], dtype=torch.float32).to(torch.bfloat16).view(torch.int16).item()
    return struct.pack("<h", bits)


def narrow_float_cases() -> list[float]:
    generator = torch.Generator().manual_seed(0)
    random_bits = torch.randint(-2**31, 2**31, (4 * SLOT_COUNT, ), generator=generator,
                                dtype=torch.int64).to(torch.int32)
    floats = [v for v in random_bits.view(torch.float32).tolist() if v == v]  # drop NaNs
    halfish = [v * 2.0**k for k in (-26, -24, -20, -14, 0, 8, 15, 16) for v in (1.0, 1.5, -1.75)]
    ties = [1 + 2**-11, 1 + 3 * 2**-11, 2**-25, 3 * 2**-25, 65504.0, 65520.0, 65519.99,
            1 + 2**-8, 1 + 3 * 2**-8, 2.0**127 * 1.9990234375]
    specials = [0.0, -0.0, float("inf"), float("-inf"), 5e-324, 1e300, -1e300]
    return floats + halfish + ties + specials


def packed_in_chunks(kernels, kind: str, values: list[float]) -> list[bytes]:
    result = []
    for start in range(0, len(values), SLOT_COUNT):
        chunk = tuple(values[start:start + SLOT_COUNT])
        result += [data[:2] for data in slot_bytes(kernels, kind * len(chunk), chunk)]
    return result


def test_fp16_slots_round_once_to_nearest_even(kernels):
    values = narrow_float_cases() + [1 + 2**-11 + 2**-40, 2**-25 + 2**-60]
    assert packed_in_chunks(kernels, "h", values) == [fp16_reference(v) for v in values]


def test_bf16_slots_round_to_nearest_even(kernels):
    float32_exact = [v for v in narrow_float_cases()
                     if abs(v) > 3.5e38 or struct.unpack("<f", struct.pack("<f", v))[0] == v]
    values = [v for v in float32_exact if abs(v) < 1e300]
    assert packed_in_chunks(kernels, "H", values) == [bf16_reference(v) for v in values]
    # Rounded once from the double: 1 + 2**-8 + 2**-40 is above the tie between 1 and 1 + 2**-7
    # (rounding through float32 first would land on the tie and give 1).
    assert packed_in_chunks(kernels, "H", [1 + 2**-8 + 2**-40, 1e39]) == [b"\x81\x3f", b"\x80\x7f"]


def test_nan_stays_nan_in_narrow_floats(kernels):
    half, bf16 = packed_in_chunks(kernels, "h", [float("nan")])[0], packed_in_chunks(
        kernels, "H", [float("nan")])[0]
    assert struct.unpack("<H", half)[0] & 0x7C00 == 0x7C00 and struct.unpack("<H", half)[0] & 0x3FF
    assert struct.unpack("<H", bf16)[0] & 0x7F80 == 0x7F80 and struct.unpack("<H", bf16)[0] & 0x7F


def test_concurrent_launches_from_python_threads(kernels):
    grids = [(97, 3, 1), (5, 5, 5), (1000, 1, 1), (1, 1, 1)] * 4
    failures = []

    def worker(grid, num_threads):
        for _ in range(20):
            buf = run_program_ids(kernels, grid, num_threads)
            if not torch.equal(buf, expected_program_ids(grid)):
                failures.append(grid)

    threads = [threading.Thread(target=worker, args=(grid, i % 3)) for i, grid in enumerate(grids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_launches_after_the_pool_went_to_sleep(kernels):
    grid = (64, 2, 1)
    for _ in range(3):
        assert torch.equal(run_program_ids(kernels, grid, 2), expected_program_ids(grid))
        time.sleep(0.01)  # well past the workers' spin: they sleep on the condition variable


def test_a_forked_child_gets_its_own_pool(kernels):
    grid = (100, 3, 1)
    assert torch.equal(run_program_ids(kernels, grid, 2), expected_program_ids(grid))
    pid = os.fork()
    if pid == 0:  # the child: the parent's workers do not exist here
        ok = torch.equal(run_program_ids(kernels, grid, 2), expected_program_ids(grid))
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert torch.equal(run_program_ids(kernels, (9, 9, 9), 2), expected_program_ids((9, 9, 9)))


def test_num_threads_is_the_default_pool_size():
    assert _cpu_launcher.num_threads() == len(os.sched_getaffinity(0))


# ----------------------------------------------------------------------------------------------
# CPULauncher
# ----------------------------------------------------------------------------------------------


def launcher_for(signature: dict) -> cpu_driver.CPULauncher:
    return cpu_driver.CPULauncher(types.SimpleNamespace(signature=signature), metadata=None)


def test_launcher_kinds_skip_constexprs_and_flatten_tuples():
    signature = {
        "x_ptr": "*fp32", "flags": "*i1", "n": "i32", "big": "i64", "u": "u64", "b": "i1",
        "h": "fp16", "bh": "bf16", "f": "fp32", "d": "fp64", "c": "i8", "s": "u16",
        "BLOCK": "constexpr", "pair": ("*i8", "constexpr", ("i32", "fp32")),
    }
    assert launcher_for(signature).kinds == "ppillbhHfdcspif"


def test_launcher_expands_host_tensor_descriptors():
    # A descriptor reaches the kernel decomposed, as after Triton's descriptor-to-pointer
    # rewrite: base, shape and strides (i64), two flags, then shape (i32) and strides (i64).
    assert launcher_for({"x": "*fp32", "desc": "tensordesc<f32[16, 16]>"}).kinds == "ppllllbbiill"
    assert launcher_for({"pair": ("i32", "tensordesc<f16[8]>")}).kinds == "ipllbbil"


def test_launcher_runs_a_kernel_like_compiled_kernel_run(kernels):
    # CompiledKernel.run passes every argument, constexprs and tuples included.
    launcher = launcher_for({"BLOCK": "constexpr", "buf": "*i32", "extra": ("constexpr", "i32")})
    grid = (4, 2, 3)
    buf = torch.zeros(25, dtype=torch.int32)
    calls = []
    launcher(*grid, 0, kernels.address("program_ids"), None, {"name": "k"},
             lambda meta: calls.append(("enter", meta)), lambda meta: calls.append(("exit", meta)),
             128, buf, (64, 7))
    assert torch.equal(buf, expected_program_ids(grid))
    assert calls == [("enter", {"name": "k"}), ("exit", {"name": "k"})]
    launcher(*grid, 0, kernels.address("program_ids"), None, None, None, None, 128, buf, (64, 7))
    assert torch.equal(buf, 2 * expected_program_ids(grid))
    with pytest.raises(TypeError, match="takes 3 arguments, got 2"):
        launcher(*grid, 0, kernels.address("program_ids"), None, None, None, None, buf, (64, 7))


def test_launcher_passes_the_num_threads_knob():
    launcher = launcher_for({"n": "i32"})
    seen = []
    launcher._launch = lambda entry, grid, kinds, args, num_threads: seen.append(num_threads)
    with knobs.scope():
        knobs.cpu.num_threads = 3
        launcher(1, 1, 1, 0, 1, None, None, None, None, 5)
    launcher(1, 1, 1, 0, 1, None, None, None, None, 5)
    assert seen == [3, knobs.cpu.num_threads]


# ----------------------------------------------------------------------------------------------
# CPUDriver
# ----------------------------------------------------------------------------------------------


def test_driver_is_the_modules_only_concrete_driver():
    from triton.backends import DriverBase, _find_concrete_subclasses

    assert _find_concrete_subclasses(cpu_driver, DriverBase) is cpu_driver.CPUDriver


def test_driver_is_active(monkeypatch):
    monkeypatch.delenv("FLAGTREE_BACKEND", raising=False)
    monkeypatch.delenv("TRITON_DEFAULT_BACKEND", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert not cpu_driver.CPUDriver.is_active()
    with knobs.scope():
        knobs.backend.name = "cpu"
        assert cpu_driver.CPUDriver.is_active()
    monkeypatch.setenv("TRITON_DEFAULT_BACKEND", "cpu")
    assert cpu_driver.CPUDriver.is_active()
    monkeypatch.delenv("TRITON_DEFAULT_BACKEND")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert cpu_driver.CPUDriver.is_active()
    monkeypatch.setenv("FLAGTREE_BACKEND", "cuda")
    assert not cpu_driver.CPUDriver.is_active()


def test_driver_device_queries():
    drv = cpu_driver.CPUDriver()
    target = drv.get_current_target()
    assert (target.backend, target.arch, target.warp_size) == ("cpu", platform.machine(), 1)
    assert drv.get_current_device() == 0 and drv.get_current_stream(0) == 0
    drv.set_current_device(0)
    with pytest.raises(ValueError):
        drv.set_current_device(1)
    assert drv.get_active_torch_device() == torch.device("cpu")
    assert drv.map_python_to_cpp_type("*fp32") == "void *"
    assert drv.map_python_to_cpp_type("bf16") == "uint16_t"
    from triton.testing import do_bench

    assert drv.get_benchmarker() is do_bench
    cache = drv.get_empty_cache_for_benchmark()
    assert cache.dtype == torch.int8 and cache.device.type == "cpu" and cache.numel() >= 32 << 20
    cache[:10] = 3
    drv.clear_cache(cache)
    assert not cache[:10].any()


def test_device_properties_read_as_dict_and_attributes():
    with knobs.scope():
        knobs.cpu.num_threads = 0
        props = cpu_driver.CPUDriver().utils.get_device_properties(0)
        default = _cpu_launcher.num_threads()
        assert props["multiprocessor_count"] == props.multi_processor_count == default
        knobs.cpu.num_threads = 5
        props = cpu_driver.CPUDriver().utils.get_device_properties(0)
        assert props["multiprocessor_count"] == props.multi_processor_count == 5
    assert props["warpSize"] == props.warp_size == 1
    assert props["max_shared_mem"] > 0 and props["max_num_regs"] > 0
    with pytest.raises(AttributeError):
        props.no_such_property


def test_device_interface_times_on_the_host_clock():
    interface = cpu_driver.CPUDriver().get_device_interface()
    start, end = interface.Event(enable_timing=True), interface.Event(enable_timing=True)
    start.record()
    time.sleep(0.02)
    end.record()
    interface.synchronize()
    assert 15 < start.elapsed_time(end) < 1000
    assert interface.current_device() == 0 and interface.device_count() == 1
    assert interface.is_available()
    assert interface.get_device_properties(0)["warpSize"] == 1


def test_load_binary_goes_through_jit_load_kernel(monkeypatch):
    loaded = []
    fake_jit = types.ModuleType("flagtree.backends.cpu.jit")

    def load_kernel(name, kernel):
        loaded.append((name, kernel))
        return "handle", 0x1000

    fake_jit.load_kernel = load_kernel
    monkeypatch.setitem(sys.modules, "flagtree.backends.cpu.jit", fake_jit)
    utils = cpu_driver.CPUDriver().utils
    handle, entry, n_regs, n_spills, n_max_threads = utils.load_binary("k", b"obj", 0, 0)
    assert (handle, entry, n_regs, n_spills) == ("handle", 0x1000, 1, 0)  # n_regs 1: tutorials divide by it
    assert n_max_threads >= 1 << 20
    assert loaded == [("k", b"obj")]
    utils.unload_module(handle)


# ----------------------------------------------------------------------------------------------
# knobs
# ----------------------------------------------------------------------------------------------


def test_knobs_defaults_environment_and_python_values(monkeypatch):
    for key in ("FLAGTREE_CPU_NUM_THREADS", "FLAGTREE_CPU_OPT_LEVEL", "FLAGTREE_DUMP_IR"):
        monkeypatch.delenv(key, raising=False)
    with knobs.scope():
        knobs.reset()
        assert (knobs.cpu.num_threads, knobs.cpu.opt_level, knobs.compile.dump_ir) == (0, 2, False)
        monkeypatch.setenv("FLAGTREE_CPU_NUM_THREADS", "6")
        monkeypatch.setenv("FLAGTREE_CPU_OPT_LEVEL", "1")
        monkeypatch.setenv("FLAGTREE_DUMP_IR", "on")
        assert (knobs.cpu.num_threads, knobs.cpu.opt_level, knobs.compile.dump_ir) == (6, 1, True)
        knobs.cpu.num_threads = 2  # a Python value wins over the environment
        assert knobs.cpu.num_threads == 2
        del knobs.cpu.num_threads
        assert knobs.cpu.num_threads == 6


def test_knobs_validate(monkeypatch):
    with knobs.scope():
        with pytest.raises(ValueError, match="opt_level"):
            knobs.cpu.opt_level = 4
        with pytest.raises(ValueError):
            knobs.cpu.num_threads = -1
        with pytest.raises(ValueError):
            knobs.compile.dump_ir = "yes"
        with pytest.raises(AttributeError, match="no knob"):
            knobs.cpu.num_thread = 2
        monkeypatch.setenv("FLAGTREE_CPU_NUM_THREADS", "many")
        with pytest.raises(ValueError, match="FLAGTREE_CPU_NUM_THREADS"):
            knobs.cpu.num_threads
        monkeypatch.setenv("FLAGTREE_CPU_OPT_LEVEL", "9")
        with pytest.raises(ValueError, match="FLAGTREE_CPU_OPT_LEVEL"):
            knobs.cpu.opt_level


def test_knobs_scope_restores_values_and_environment(monkeypatch):
    monkeypatch.delenv("FLAGTREE_DUMP_IR", raising=False)
    monkeypatch.setenv("FLAGTREE_CPU_OPT_LEVEL", "2")
    knobs.cpu.num_threads = 4
    try:
        with knobs.scope():
            knobs.cpu.num_threads = 1
            knobs.compile.dump_ir = True
            os.environ["FLAGTREE_DUMP_IR"] = "1"
            os.environ["FLAGTREE_CPU_OPT_LEVEL"] = "0"
        assert knobs.cpu.num_threads == 4
        assert knobs.compile.dump_ir is False
        assert "FLAGTREE_DUMP_IR" not in os.environ
        assert knobs.cpu.opt_level == 2
    finally:
        del knobs.cpu.num_threads


def test_knobs_have_docstrings():
    for group in (knobs.backend, knobs.cpu, knobs.compile):
        for name, knob in group.knob_descriptors().items():
            assert knob.__doc__ and "\n" not in knob.__doc__, name
            assert knob.key.startswith(("FLAGTREE_", "TRITON_DEFAULT_BACKEND")), knob.key
