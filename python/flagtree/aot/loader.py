"""Running kernels from an archive with no compiler: `flagtree.aot.load(archive)`.

`kernels = load("build/aot"); kernels["add_kernel"][grid](x, y, out, n)` picks the entry for this
machine and the specialization the arguments fit. cpu entries are native `.so` files, checked
against their sha256 and opened with dlopen (ctypes) from the verified bytes, launched by
flagtree's thread-pool launcher; GPU entries load through Triton's driver. Nothing compiles.
"""

from __future__ import annotations

import ctypes
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flagtree.aot.archive import Archive, entry_label
from flagtree.aot.errors import ArchiveError, SpecializationError
from flagtree.aot.native import CPU_ABI
from flagtree.aot.signature import DType, Param, Signature
from flagtree.aot.targets import Target, host_target, parse_target, unsupported_here

# Launcher kind per scalar type (flagtree._cpu_launcher; the same table as the cpu driver's).
KINDS = {"i1": "b", "u1": "b", "i8": "c", "u8": "c", "i16": "s", "u16": "s", "i32": "i",
         "u32": "i", "i64": "l", "u64": "l", "fp16": "h", "bf16": "H", "fp32": "f", "fp64": "d"}
# Element type names of tensor dtypes (torch's spelling -> Triton's).
_DTYPES = {"float32": "fp32", "float16": "fp16", "bfloat16": "bf16", "float64": "fp64",
           "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64", "uint8": "u8",
           "uint16": "u16", "uint32": "u32", "uint64": "u64", "bool": "i1",
           "float8_e5m2": "fp8e5", "float8_e4m3fn": "fp8e4nv", "float8_e4m3fnuz": "fp8e4b8",
           "float8_e5m2fnuz": "fp8e5b16"}
_INT_RANGES = {"i1": (0, 1), "i8": (-2**7, 2**7 - 1), "i16": (-2**15, 2**15 - 1),
               "i32": (-2**31, 2**31 - 1), "i64": (-2**63, 2**63 - 1), "u1": (0, 1),
               "u8": (0, 2**8 - 1), "u16": (0, 2**16 - 1), "u32": (0, 2**32 - 1),
               "u64": (0, 2**64 - 1)}
_OPTIONS = ("num_warps", "num_stages", "num_ctas", "maxnreg", "enable_fp_fusion")


def current_target() -> Target:
    """The target @jit would compile for in this process (as the cpu driver decides)."""
    from flagtree import knobs

    if knobs.backend.name:
        if knobs.backend.name == "cpu":
            return host_target()
    elif knobs.backend.triton_default == "cpu":
        return host_target()
    else:
        try:
            import torch
        except ImportError:
            return host_target()
        if not torch.cuda.is_available():
            return host_target()
    from triton.runtime import driver

    gpu = driver.active.get_current_target()
    if gpu.backend == "cpu":
        return host_target()
    return Target(gpu.backend, gpu.arch, gpu.warp_size)


def element_type(dtype: Any) -> str:
    text = str(dtype).rsplit(".", 1)[-1]
    return _DTYPES.get(text, text)


# ------------------------------------------------------------------------------------------
# Matching arguments to specializations
# ------------------------------------------------------------------------------------------


def _mismatch(param: Param, value: Any) -> str | None:
    """Why `value` cannot be passed as `param`, or None when it can."""
    if param.is_constexpr:
        if param.type is None:
            expected = param.value
            if type(value).__name__ == "constexpr":  # tl.constexpr(...) passed explicitly
                value = value.value
            if isinstance(expected, DType):
                ok = getattr(value, "name", None) == expected.name
            elif isinstance(expected, bool) or isinstance(value, bool):
                ok = isinstance(value, bool) and isinstance(expected, bool) and value == expected
            else:
                ok = value == expected
            return None if ok else f"{param.name} is compiled as {param.token()}, got {value!r}"
        return None if value == 1 else f"{param.name} is compiled for the value 1, got {value!r}"
    ty = param.type
    if ty.startswith("*"):
        if not hasattr(value, "data_ptr"):
            return f"{param.name} must be a tensor ({ty}), got {type(value).__name__}"
        element = ty[2:] if ty.startswith("*k") else ty[1:]
        got = element_type(getattr(value, "dtype", "?"))
        if got != element:
            return f"{param.name} must hold {element}, got {got}"
        if param.hint == 16 and value.data_ptr() % 16:
            return f"{param.name} is compiled for 16-byte aligned data"
        return None
    if ty in _INT_RANGES:
        if not isinstance(value, int):
            return f"{param.name} must be an int ({ty}), got {type(value).__name__}"
        lo, hi = _INT_RANGES[ty]
        if not lo <= value <= hi:
            return f"{param.name}={value} does not fit {ty}"
        if param.hint == 16 and value % 16:
            return f"{param.name} is compiled for multiples of 16, got {value}"
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return f"{param.name} must be a number ({ty}), got {type(value).__name__}"
    return None


class Variant:
    """One entry (a specialization) of a kernel, loaded and ready to launch."""

    def __init__(self, archive: Archive, entry: dict) -> None:
        self.entry = entry
        self.label = entry_label(entry)
        self.signature = Signature.from_json(entry["params"])
        self.specificity = sum(1 for p in self.signature.params if p.hint or p.is_constexpr)
        self.options = entry.get("options", {})
        self._launch = (_cpu_launch if entry["target"]["backend"] == "cpu"
                        else _gpu_launch)(archive, entry, self.signature)

    def mismatch(self, bound: dict[str, Any], options: dict[str, Any]) -> str | None:
        for name, value in options.items():
            if name in self.options and self.options[name] != value:
                return f"it is compiled with {name}={self.options[name]}, not {value}"
        for param in self.signature.params:
            if param.name not in bound:
                if param.is_constexpr and param.type is None:
                    continue
                return f"argument {param.name} is missing"
            problem = _mismatch(param, bound[param.name])
            if problem:
                return problem
        return None

    def launch(self, grid: tuple[int, int, int], bound: dict[str, Any]) -> None:
        self._launch(grid, bound)


class Kernel:
    """A kernel of an archive: `kernel[grid](*args, **kwargs)`, like a @jit function.

    Constexprs may be left out when one specialization fits; `grid` is a tuple of up to three
    ints, or a function of the arguments (constexprs included), as with @jit."""

    def __init__(self, name: str, variants: list[Variant]) -> None:
        self.name = name
        self.variants = sorted(variants, key=lambda v: -v.specificity)
        self.arg_names = [p.name for p in self.variants[0].signature.params]

    def __repr__(self) -> str:
        return f"<flagtree.aot kernel {self.name}: {len(self.variants)} specialization(s)>"

    def __getitem__(self, grid: Any) -> Callable[..., None]:
        return lambda *args, **kwargs: self.run(*args, grid=grid, **kwargs)

    def _bind(self, args: tuple, kwargs: dict) -> tuple[dict, dict]:
        if len(args) > len(self.arg_names):
            raise TypeError(f"{self.name} takes {len(self.arg_names)} arguments "
                            f"({', '.join(self.arg_names)}), got {len(args)}")
        bound = dict(zip(self.arg_names, args))
        options = {}
        for name, value in kwargs.items():
            if name in _OPTIONS:
                options[name] = value
            elif name not in self.arg_names:
                raise TypeError(f"{self.name} has no argument {name!r}")
            elif name in bound:
                raise TypeError(f"{self.name}: argument {name!r} given twice")
            else:
                bound[name] = value
        return bound, options

    def select(self, bound: dict, options: dict) -> Variant:
        """The most specialized variant the arguments fit; several equally specialized ones that
        differ in constexprs or options are ambiguous (pass those values to choose)."""
        reasons = []
        for variant in self.variants:
            problem = variant.mismatch(bound, options)
            if problem is None:
                ties = [v for v in self.variants if v is not variant
                        and v.specificity == variant.specificity
                        and v.mismatch(bound, options) is None]
                if ties:
                    choices = "; ".join(v.label for v in [variant, *ties])
                    raise SpecializationError(
                        f"{self.name}: {len(ties) + 1} specializations fit these arguments "
                        f"({choices}); pass their constexprs or options to choose one")
                return variant
            reasons.append(f"  {variant.label}: {problem}")
        raise SpecializationError(f"{self.name}: no specialization in the archive fits these "
                                  "arguments:\n" + "\n".join(reasons))

    def run(self, *args: Any, grid: Any, **kwargs: Any) -> None:
        bound, options = self._bind(args, kwargs)
        variant = self.select(bound, options)
        if callable(grid):
            grid = grid({**variant.signature.constexprs, **bound})
        grid = tuple(grid) + (1,) * (3 - len(grid))
        if len(grid) != 3:
            raise TypeError(f"{self.name}: a grid has at most 3 dimensions, got {grid}")
        variant.launch(grid, bound)


class Kernels(Mapping):
    """The kernels of an archive for one target, by kernel name."""

    def __init__(self, archive: Archive, target: Target, kernels: dict[str, Kernel]) -> None:
        self.archive = archive.path
        self.target = target
        self._kernels = kernels

    def __getitem__(self, name: str) -> Kernel:
        try:
            return self._kernels[name]
        except KeyError:
            raise KeyError(f"{self.archive} has no kernel {name!r} for {self.target.name} "
                           f"(it has: {', '.join(sorted(self._kernels)) or 'none'})") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._kernels)

    def __len__(self) -> int:
        return len(self._kernels)

    def __repr__(self) -> str:
        return f"<flagtree.aot kernels {sorted(self._kernels)} for {self.target.name}>"


# ------------------------------------------------------------------------------------------
# Choosing and loading entries
# ------------------------------------------------------------------------------------------


def _entries_for(archive: Archive, target: Target) -> tuple[Target, list[dict]]:
    """The entries to load for `target`: exactly its GPU arch, or for cpu the archive's cpu
    target that runs here (the host's own CPU first). Errors name an entry."""
    available = sorted({e["target_name"] for e in archive.entries})
    if target.backend != "cpu":
        chosen = [e for e in archive.entries if e["target"]["backend"] == target.backend
                  and str(e["target"]["arch"]) == str(target.arch)]
        if not chosen:
            raise ArchiveError(archive.path, f"no binary for {target.name}, the target of this "
                                             f"process (it has: {', '.join(available)})")
        return target, chosen
    cpu_entries = [e for e in archive.entries if e["target"]["backend"] == "cpu"]
    if not cpu_entries:
        raise ArchiveError(archive.path, f"no binary for the cpu ({target.name}); it has: "
                                         f"{', '.join(available)}")
    targets = sorted({Target.from_json(e["target"]) for e in cpu_entries},
                     key=lambda t: (t.cpu != target.cpu, t.name))
    for candidate in targets:
        if unsupported_here(candidate) is None and candidate.arch == target.arch:
            return candidate, [e for e in cpu_entries
                               if Target.from_json(e["target"]) == candidate]
    entry = next(e for e in cpu_entries if Target.from_json(e["target"]) == targets[0])
    reason = unsupported_here(targets[0]) or f"it is for {targets[0].arch}, not {target.arch}"
    raise ArchiveError(archive.path, f"cannot run on this machine: {reason}",
                       entry=entry_label(entry))


def _check_versions(archive: Archive, entry: dict) -> None:
    versions = entry["versions"]
    if entry["target"]["backend"] == "cpu":
        if versions.get("cpu_abi") != CPU_ABI:
            raise ArchiveError(archive.path, f"built for the launch ABI "
                                             f"{versions.get('cpu_abi')!r}; this flagtree loads "
                                             f"{CPU_ABI!r}: rebuild the archive",
                               entry=entry_label(entry))
        return
    import triton

    if versions.get("triton") != triton.__version__:
        raise ArchiveError(archive.path, f"built with Triton {versions.get('triton')}; this "
                                         f"process has Triton {triton.__version__}, whose "
                                         "launcher may differ: rebuild the archive",
                           entry=entry_label(entry))


def load(archive: str | os.PathLike, target: str | None = None) -> Kernels:
    """Load every kernel of `archive` for `target` (a target name; default: this process's
    device). Every file used is checked against its sha256 first; a bad one raises ArchiveError
    naming its entry, never falls back to another binary. No compiler runs."""
    opened = archive if isinstance(archive, Archive) else Archive(archive)
    opened.check_readable()
    wanted = parse_target(target) if target else current_target()
    chosen, entries = _entries_for(opened, wanted)
    by_kernel: dict[str, list[Variant]] = {}
    for entry in entries:
        _check_versions(opened, entry)
        by_kernel.setdefault(entry["kernel"], []).append(Variant(opened, entry))
    return Kernels(opened, chosen, {name: Kernel(name, variants)
                                    for name, variants in sorted(by_kernel.items())})


# ------------------------------------------------------------------------------------------
# cpu: native shared objects
# ------------------------------------------------------------------------------------------


# In-memory files of the loaded shared objects, kept open: dlopen returns the library already
# loaded under a path, so a closed descriptor's number must not be reused for another one.
_MEMORY_FILES: list[int] = []


def open_shared_object(data: bytes, name: str) -> ctypes.CDLL:
    """dlopen the verified bytes themselves (an in-memory file where the OS has one), so the
    code that runs is the code whose hash was checked."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create(name)
        try:
            with open(fd, "wb", closefd=False) as f:
                f.write(data)
            library = ctypes.CDLL(f"/proc/self/fd/{fd}", mode=os.RTLD_LOCAL | os.RTLD_NOW)
        except BaseException:
            os.close(fd)
            raise
        _MEMORY_FILES.append(fd)
        return library
    with tempfile.NamedTemporaryFile(suffix=".so") as f:
        f.write(data)
        f.flush()
        return ctypes.CDLL(f.name, mode=os.RTLD_LOCAL | os.RTLD_NOW)


def _cpu_launch(archive: Archive, entry: dict, signature: Signature):
    from flagtree import _cpu_launcher, knobs

    data = archive.read(entry["files"]["binary"], entry)
    try:
        library = open_shared_object(data, entry["symbol"])
        getattr(library, entry["symbol"])  # the C launcher: this is the entry's own code
        entry_address = ctypes.cast(library.flagtree_entry, ctypes.c_void_p).value
        flag_fn = library.flagtree_assert_flag_address
    except (OSError, AttributeError) as exc:
        raise ArchiveError(archive.path, f"its shared object cannot be loaded: {exc}",
                           entry=entry_label(entry)) from None
    flag_fn.restype = ctypes.c_void_p
    flag = flag_fn()
    runtime = signature.runtime
    try:
        kinds = "".join("p" if p.type.startswith("*") else KINDS[p.type] for p in runtime)
    except KeyError as exc:
        raise ArchiveError(archive.path, f"argument type {exc} has no cpu launcher kind",
                           entry=entry_label(entry)) from None
    names = [p.name for p in runtime]
    launch = _cpu_launcher.launch

    def run(grid, bound):
        library  # noqa: B018 - the code lives as long as this closure
        launch(entry_address, grid, kinds, tuple(bound[n] for n in names),
               knobs.cpu.num_threads)
        if flag:
            value = ctypes.c_int32.from_address(flag)
            if value.value:
                value.value = 0
                raise AssertionError(f"device-side assertion failed in {entry['kernel']} (the "
                                     "failing programs and elements were printed)")

    return run


# ------------------------------------------------------------------------------------------
# GPUs: Triton's driver loads the cubin/hsaco (no kernel compilation)
# ------------------------------------------------------------------------------------------


def _gpu_launch(archive: Archive, entry: dict, signature: Signature):
    from types import SimpleNamespace

    from triton.compiler import CompiledKernel

    files = entry["files"]
    name = entry.get("triton_name", entry["kernel"])
    ext = files["binary"].rsplit(".", 1)[-1]
    folder = tempfile.mkdtemp(prefix="flagtree-aot-")
    group = {}
    for role, suffix in (("metadata", "json"), ("binary", ext)):
        path = os.path.join(folder, f"{name}.{suffix}")
        with open(path, "wb") as f:
            f.write(archive.read(files[role], entry))
        group[f"{name}.{suffix}"] = path
    names = [p.name for p in signature.params]
    src = SimpleNamespace(
        signature={p.name: "constexpr" if p.is_constexpr else p.type for p in signature.params},
        constants={(i,): p.value for i, p in enumerate(signature.params) if p.is_constexpr},
        fn=SimpleNamespace(arg_names=names, launch_metadata=None),
        name=name)
    kernel = CompiledKernel(src, group, entry.get("triton_hash") or entry["symbol"])
    constexprs = signature.constexprs

    def run(grid, bound):
        args = [bound.get(n, constexprs.get(n)) for n in names]
        kernel[grid](*args)

    return run
