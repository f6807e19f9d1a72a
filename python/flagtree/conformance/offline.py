"""Compile-only conformance: a case's launches compiled for a target with no device present.

Triton's own JIT specializes each launch (through its public `jit_cache_hook`); the kernel is then
compiled twice with the cache bypassed, and the two binaries must be equal and well formed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flagtree.conformance.case import Launch
from flagtree.conformance.elf import EM_AMDGPU, EM_CUDA, ElfError, read_elf

# The ELF machine each GPU backend's binaries must have (others: any ELF, or text).
EXPECTED_MACHINE = {"cuda": EM_CUDA, "hip": EM_AMDGPU}


class BinaryError(AssertionError):
    """A compiled binary is not what the target needs, or differs between two compilations."""


@dataclass(frozen=True)
class Specialization:
    """What Triton's JIT would compile for one launch: the source and its options."""

    fn: Any
    signature: dict
    constexprs: dict
    attrs: dict
    options: dict

    def key(self) -> str:
        """Equal for launches that compile to the same binary."""
        return repr((id(self.fn), sorted(self.signature.items()), sorted(self.constexprs.items(),
                     key=repr), sorted(self.attrs.items(), key=repr), sorted(self.options.items())))


@dataclass(frozen=True)
class CompiledBinary:
    kernel: str
    ext: str
    size: int
    sha256: str


class _OfflineDriver:
    """Stands in for Triton's active driver while specializing: a target, no device."""

    def __init__(self, target: Any) -> None:
        self.target = target

    def get_current_target(self) -> Any:
        return self.target

    def get_current_device(self) -> tuple:
        return ("flagtree-offline", self.target.backend, str(self.target.arch))

    def get_current_stream(self, device: Any = None) -> int:
        return 0


@contextlib.contextmanager
def _offline(target: Any) -> Iterator[None]:
    from triton.runtime import driver

    previous = driver.active
    driver.set_active(_OfflineDriver(target))
    try:
        yield
    finally:
        driver.set_active(previous)


def specialize(launch: Launch, target: Any) -> Specialization:
    """Triton's specialization of `launch` for `target` (argument types, alignment, constexprs),
    taken from its JIT through `knobs.runtime.jit_cache_hook`, without compiling anything."""
    from triton import knobs

    seen: list[dict] = []

    def capture(*, compile: dict, **_: Any) -> bool:
        seen.append(compile)
        return True  # handled: Triton's JIT compiles nothing

    with _offline(target), knobs.runtime.scope():
        knobs.runtime.jit_cache_hook = capture
        launch.kernel.warmup(*launch.args, grid=launch.grid, **launch.kwargs)
    if not seen:
        raise RuntimeError(f"Triton did not specialize kernel '{launch.kernel_name}'")
    data = seen[-1]
    options = json.loads(data["specialization_data"])["options"]
    options = {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
    return Specialization(launch.kernel, data["signature"], data["constants"],
                          data["configs"][0], options)


def compile_once(spec: Specialization, target: Any) -> Any:
    """One fresh compilation (Triton's cache is not read) of `spec` for `target`."""
    from triton import knobs
    from triton.compiler import ASTSource, compile

    with knobs.compilation.scope():
        knobs.compilation.always_compile = True
        return compile(ASTSource(spec.fn, spec.signature, spec.constexprs, spec.attrs),
                       target=target, options=dict(spec.options))


def binary_of(kernel: Any) -> tuple[str, bytes | str]:
    """The backend's binary of a CompiledKernel: (extension, bytes or text)."""
    from triton.compiler import make_backend

    ext = make_backend(kernel.metadata.target).binary_ext
    return ext, kernel.asm[ext]


def check_binary(binary: bytes | str, ext: str, kernel_name: str, target: Any) -> None:
    """An ELF binary must be for the target's machine and define the kernel's symbol; a text
    binary must name the kernel."""
    if isinstance(binary, str):
        if kernel_name not in binary:
            raise BinaryError(f"the {ext} text does not mention kernel '{kernel_name}'")
        return
    if not binary:
        raise BinaryError(f"empty {ext} binary")
    if binary[:4] != b"\x7fELF":
        if target.backend in EXPECTED_MACHINE:
            raise BinaryError(f"the {ext} binary is not an ELF image")
        if kernel_name.encode() not in binary:
            raise BinaryError(f"the {ext} binary does not mention kernel '{kernel_name}'")
        return
    try:
        image = read_elf(binary)
    except ElfError as exc:
        raise BinaryError(f"malformed {ext} binary: {exc}") from None
    expected = EXPECTED_MACHINE.get(target.backend)
    if expected is not None and image.machine != expected:
        raise BinaryError(f"the {ext} binary is for {image.machine_name}, not {target.backend}")
    if kernel_name not in image.symbols:
        raise BinaryError(f"the {ext} binary has no symbol '{kernel_name}'")


def compile_spec(spec: Specialization, target: Any, *, twice: bool = True) -> CompiledBinary:
    """Compile `spec` for `target` (twice unless told otherwise): the binaries must be equal and
    well formed."""
    first = compile_once(spec, target)
    ext, binary = binary_of(first)
    name = first.metadata.name
    check_binary(binary, ext, name, target)
    data = binary.encode() if isinstance(binary, str) else bytes(binary)
    if twice:
        _, again = binary_of(compile_once(spec, target))
        again = again.encode() if isinstance(again, str) else bytes(again)
        if again != data:
            raise BinaryError(f"two compilations of '{name}' gave different {ext} binaries "
                              f"({len(data)} and {len(again)} bytes)")
    return CompiledBinary(name, ext, len(data), hashlib.sha256(data).hexdigest())


_TENSOR_SHAPE = re.compile(r"tensor<((?:\d+x)+)")


def block_elements(launch: Launch) -> int:
    """The most elements one tensor value of the launch's kernel holds, read from its TTIR
    (target independent; Triton's frontend for a GPU target makes it offline)."""
    from triton.backends.compiler import GPUTarget

    from flagtree.ttir import DEFAULT_TARGET, KernelSpec, make_ttir

    spec = specialize(launch, GPUTarget(*DEFAULT_TARGET))
    ttir = make_ttir(KernelSpec(spec.fn, spec.signature, spec.constexprs, spec.attrs),
                     DEFAULT_TARGET)
    return max((math.prod(int(d) for d in m.group(1).rstrip("x").split("x"))
                for m in _TENSOR_SHAPE.finditer(ttir)), default=1)
