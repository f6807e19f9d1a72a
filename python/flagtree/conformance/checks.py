"""Result checks shared by the conformance cases: torch.testing with each case's tolerances.

Exact for integers and bools; torch's per-dtype defaults, or the given tolerances, for floats.
"""

from __future__ import annotations

import torch


def check(out: torch.Tensor, ref: torch.Tensor, *, rtol: float | None = None,
          atol: float | None = None) -> None:
    """`out` equals `ref` (same dtype; NaN where `ref` has NaN); tolerances apply to floats."""
    assert out.dtype == ref.dtype, (out.dtype, ref.dtype)
    if ref.dtype.is_floating_point and rtol is not None:
        torch.testing.assert_close(out, ref, rtol=rtol, atol=atol, equal_nan=True)
    else:
        torch.testing.assert_close(out, ref, equal_nan=True)


def check_all(*pairs: tuple[torch.Tensor, torch.Tensor], **tol) -> None:
    """`check` on each (out, ref) pair."""
    for out, ref in pairs:
        check(out, ref, **tol)
