"""One launch of an old-style corpus kernel: its grid, arguments and the torch results to match.

The corpus modules (`block_ptr_kernels_*`) build these; tests run them on the cpu backend or
compile the same kernel offline for a GPU target from the argument types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch


@dataclass
class Launch:
    """`kernel[grid](*args, **consts)`, after which each of `outputs` must equal `expected`."""

    kernel: Any
    grid: tuple
    args: tuple
    consts: dict
    outputs: tuple[torch.Tensor, ...]
    expected: tuple[torch.Tensor, ...]
    rtol: float = 0.0
    atol: float = 0.0
    launch_options: dict = field(default_factory=dict)

    def run(self) -> None:
        self.kernel[self.grid](*self.args, **self.consts, **self.launch_options)

    def check(self) -> None:
        for out, exp in zip(self.outputs, self.expected, strict=True):
            torch.testing.assert_close(out, exp, rtol=self.rtol, atol=self.atol, equal_nan=True)

    def signature(self) -> dict[str, str]:
        """Triton's signature for an offline compile: the type of each argument, or constexpr."""
        from triton.runtime.jit import mangle_type

        names = list(self.kernel.arg_names)
        sig = {name: "constexpr" for name in self.consts}
        for name, value in zip([n for n in names if n not in self.consts], self.args,
                               strict=True):
            sig[name] = mangle_type(value)
        return {name: sig[name] for name in names}


def launch(kernel, grid, args, consts, outputs, expected, *, tol: float = 0.0) -> Launch:
    """A `Launch`; `tol` is both rtol and atol (0: results must be exact)."""
    return Launch(kernel, tuple(grid), tuple(args), dict(consts), tuple(outputs),
                  tuple(expected), tol, tol)
