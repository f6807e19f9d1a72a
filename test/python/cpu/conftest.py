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
