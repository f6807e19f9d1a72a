"""The tutorial kernels of test/python/cpu/test_tutorials.py, spelled `import flagtree as triton`.

The module's source is rewritten to import flagtree and loaded from a real file (kernels need
their source), so the same tests run through the drop-in spelling.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

_ORIGINAL = Path(__file__).resolve().parents[1] / "cpu" / "test_tutorials.py"
_TRITON_IMPORTS = "import triton\nimport triton.language as tl\n"
_FLAGTREE_IMPORTS = "import flagtree as triton\nimport flagtree.language as tl\n"


def _load_rewritten():
    source = _ORIGINAL.read_text()
    assert _TRITON_IMPORTS in source, "test_tutorials.py no longer imports triton as expected"
    source = source.replace(_TRITON_IMPORTS, _FLAGTREE_IMPORTS)
    path = Path(tempfile.mkdtemp(prefix="flagtree-dropin-")) / "tutorials_via_flagtree.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("tutorials_via_flagtree", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_tutorials = _load_rewritten()
assert _tutorials.triton.__name__ == "flagtree"
globals().update({name: getattr(_tutorials, name) for name in dir(_tutorials)
                  if name.startswith("test_")})
