"""flagtree's conformance suite against the nova backend, one pytest case per suite case.

Unsupported (declared) cases skip; a declared capability that fails fails, naming case, op, kernel.
"""

from __future__ import annotations

import pytest
from flagtree.conformance import load_suite
from flagtree.conformance.runner import FAIL, UNSUPPORTED, run_case
from flagtree.conformance.subject import open_subject

CASES = list(load_suite())


@pytest.fixture(scope="module")
def nova():
    return open_subject("nova")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_conformance(case, nova):
    result = run_case(case, nova)
    if result.status == UNSUPPORTED:
        pytest.skip(f"unsupported (declared): {result.reason}")
    assert result.status != FAIL, result.describe()
