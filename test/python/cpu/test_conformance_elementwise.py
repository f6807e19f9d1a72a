"""The cpu backend against torch on the elementwise `triton.language` surface.

The cases live in flagtree.conformance.cases_elementwise, shared with `flagtree conformance`.
"""

from __future__ import annotations

import pytest
from flagtree.conformance import load_suite
from flagtree.conformance.runner import PASS, run_case

CASES = load_suite().of_suite("elementwise")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, cpu):
    result = run_case(case, cpu)
    assert result.status == PASS, result.describe()
