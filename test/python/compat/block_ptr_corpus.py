"""The old-style block-pointer corpus under both spellings: `import triton` and the drop-in.

`cases("triton")` imports the kernel modules as written; `cases("flagtree")` executes the very
same files with only their two import lines changed to `import flagtree as triton` and
`import flagtree.language as tl`, as a user switching to the drop-in would.
"""

from __future__ import annotations

import functools
import importlib
import sys
from pathlib import Path
from types import ModuleType

KERNEL_MODULES = ("block_ptr_kernels_copy", "block_ptr_kernels_reduce",
                  "block_ptr_kernels_matmul")

# The import lines each kernel module has, and what the drop-in spelling replaces them with.
DROP_IN = {
    "import triton\n": "import flagtree as triton\n",
    "import triton.language as tl\n": "import flagtree.language as tl\n",
}

SPELLINGS = ("triton", "flagtree")


def _load_drop_in(name: str) -> ModuleType:
    """Execute module `name`'s file again with the drop-in imports, as `<name>_flagtree`."""
    path = Path(__file__).with_name(f"{name}.py")
    lines = path.read_text().splitlines(keepends=True)
    for old in DROP_IN:
        if old not in lines:
            raise AssertionError(f"{path.name} lacks the line {old.strip()!r}")
    source = "".join(DROP_IN.get(line, line) for line in lines)
    module = ModuleType(f"{name}_flagtree")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module
    # Same file name and line numbers: Triton reads each kernel's source from the file.
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 - our own file
    return module


@functools.cache
def modules(spelling: str) -> tuple[ModuleType, ...]:
    if spelling == "triton":
        return tuple(importlib.import_module(name) for name in KERNEL_MODULES)
    if spelling == "flagtree":
        return tuple(_load_drop_in(name) for name in KERNEL_MODULES)
    raise ValueError(f"unknown spelling {spelling!r}; expected one of {SPELLINGS}")


def cases(spelling: str) -> dict:
    """Case name -> function returning its `Launch`, for one spelling."""
    out = {}
    for module in modules(spelling):
        out.update(module.CASES)
    return out


def case_names() -> list[str]:
    return list(cases("triton"))
