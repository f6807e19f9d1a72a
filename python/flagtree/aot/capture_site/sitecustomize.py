"""Put first on PYTHONPATH by `flagtree compile --capture`: records the kernels this program
JIT-compiles (flagtree.aot.capture), then runs the sitecustomize it shadows, if any.
"""

import importlib.machinery
import importlib.util
import os
import sys


def _run_shadowed_sitecustomize() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


from flagtree.aot.capture import install_from_env

install_from_env()
_run_shadowed_sitecustomize()
