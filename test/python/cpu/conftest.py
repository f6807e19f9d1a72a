"""pytest setup for the cpu backend's conformance tests: deterministic torch inputs per test.

`test_conformance_*` modules launch `@triton.jit` kernels on CPU tensors via the cpu backend.
"""

import pytest
import torch


@pytest.fixture(autouse=True)
def seed_torch():
    """Seeds torch's generator so each test draws the same inputs on every run and in any order."""
    torch.manual_seed(0)
    yield


@pytest.fixture(scope="module")
def cpu():
    """The cpu backend as a conformance subject (test_conformance_*: the shared cases)."""
    from flagtree.conformance.subject import open_subject

    subject = open_subject("cpu")
    assert subject.mode == "run", "the cpu backend must run kernels on this machine"
    return subject
