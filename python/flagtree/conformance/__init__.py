"""flagtree's conformance kit: the shared suite of Triton-language cases, run against any backend.

`flagtree conformance --backend NAME` and `pytest --flagtree-backend NAME` both use `run_case`.
"""

from __future__ import annotations

import importlib

from flagtree.conformance.case import SUITE, Case, Needs, Plan, Suite, cases, launch, needs

# The modules that register cases, in report order.
CASE_MODULES = (
    "flagtree.conformance.cases_elementwise",
    "flagtree.conformance.cases_shapes",
    "flagtree.conformance.cases_programs",
)


def load_suite() -> Suite:
    """Every conformance case (importing the case modules registers them)."""
    for name in CASE_MODULES:
        importlib.import_module(name)
    return SUITE


__all__ = ["SUITE", "Case", "Needs", "Plan", "Suite", "cases", "launch", "load_suite", "needs"]
