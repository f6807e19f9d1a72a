"""Vendor backend packages written to a temporary folder, found through real entry points.

Each package gets a `*.dist-info` with `entry_points.txt`, so importlib.metadata sees it on PYTHONPATH.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

# A working backend built on the cpu reference lowering: its own target name, its own Python
# pass at anchor `loops` (tags every scf.for it sees) and its own driver target.
GOOD = '''
from flagtree.backend import Backend, Capabilities, DotCapability, IRLevel, Target
from flagtree.mlir.passes import PassInfo


def tag_loops(op, tag="acme"):
    from mlir import ir

    def visit(nested):
        if nested.name == "scf.for":
            nested.attributes["acme.tag"] = ir.StringAttr.get(tag)
        return ir.WalkResult.ADVANCE

    op.walk(visit)
    op.attributes["acme.pipeline"] = ir.StringAttr.get(tag)  # survives to the LLVM dialect


class Acme(Backend):
    name = "{name}"
    interface_version = 1
    description = "test vendor backend on the cpu reference lowering"
    targets = (Target("{name}", "v1", 1),)
    capabilities = Capabilities(dtypes=frozenset({{"i32", "fp32"}}),
                                dot=DotCapability(dtypes=frozenset({{("fp32", "fp32")}})))
    ir_level = IRLevel.LLVM
    binary_ext = "llmlir"
    torch_device_type = "cpu"
    pipeline = {{"loops": ("{name}-tag-loops{{tag={name}}}", "canonicalize")}}
    passes = (PassInfo("{name}-tag-loops", "tag scf.for ops", {{"tag": "the tag"}}, tag_loops),)

    def compiler_class(self):
        from {module}.compiler import AcmeCompiler

        return AcmeCompiler

    def driver_class(self):
        from {module}.driver import AcmeDriver

        return AcmeDriver

    def is_runnable(self):
        return True
'''

GOOD_COMPILER = '''
from flagtree.backends.cpu.compiler import CPUBackend


class AcmeCompiler(CPUBackend):
    @staticmethod
    def supports_target(target):
        return target.backend == "{name}"

    def hash(self):
        return "{name}-" + super().hash()

    def flagtree_backend(self):
        from {module} import Acme

        return Acme()
'''

GOOD_DRIVER = '''
from triton.backends.compiler import GPUTarget

from flagtree.backends.cpu.driver import CPUDriver


class AcmeDriver(CPUDriver):
    def get_current_target(self):
        return GPUTarget("{name}", "v1", 1)
'''

# Broken plugins, one failure each: name -> (module source, entry point attribute).
BROKEN = {
    "failsimport": ('raise ImportError("the vendor SDK libacme.so is missing")\n', "Acme"),
    "oldversion": (GOOD.replace("interface_version = 1", "interface_version = 99"), "Acme"),
    "raisesonload": (GOOD + '\n\ndef make():\n    raise RuntimeError("no license server")\n',
                     "make"),
    "nomethod": (GOOD.replace("    def is_runnable(self):\n        return True\n", ""), "Acme"),
    "badcapability": (GOOD.replace('"fp32"}}),\n', '"fp7"}}),\n', 1), "Acme"),
}


def write_plugin(root: Path, name: str, source: str, attr: str = "Acme",
                 compiler: str = "", driver: str = "", triton_entry: bool = True) -> None:
    """A package `{name}_backend` registered as flagtree backend `name` (and with Triton)."""
    module = f"{name}_backend"
    package = root / module
    package.mkdir(parents=True)
    fill = {"name": name, "module": module}
    (package / "__init__.py").write_text(textwrap.dedent(source.format(**fill)))
    if compiler:
        (package / "compiler.py").write_text(compiler.format(**fill))
    if driver:
        (package / "driver.py").write_text(driver.format(**fill))
    dist = root / f"{module}-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-flagtree\nVersion: 0.1.0\n")
    entry_points = f"[flagtree.backends]\n{name} = {module}:{attr}\n"
    if triton_entry:
        entry_points += f"\n[triton.backends]\n{name} = flagtree.backend.triton_shim.{name}\n"
    (dist / "entry_points.txt").write_text(entry_points)


def write_good(root: Path, name: str = "acme") -> None:
    write_plugin(root, name, GOOD, compiler=GOOD_COMPILER, driver=GOOD_DRIVER)


def run_python(code: str, path: Path | None, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with `path` first on PYTHONPATH."""
    environ = dict(os.environ)
    environ.pop("FLAGTREE_BACKEND", None)
    environ.update(env)
    if path is not None:
        environ["PYTHONPATH"] = os.pathsep.join(
            [str(path)] + [p for p in [environ.get("PYTHONPATH")] if p])
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "probe.py"  # @triton.jit needs its source in a file
        script.write_text(textwrap.dedent(code))
        return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False,
                              env=environ, cwd=str(path or REPO), timeout=600)
