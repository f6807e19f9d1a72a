"""pytest setup for flagtree's compatibility tests: deterministic torch inputs per test.

The block-pointer corpus (`block_ptr_kernels_*`, loaded by `block_ptr_corpus`) lives here too.
"""

import pytest
import torch


@pytest.fixture(autouse=True)
def seed_torch():
    """Seeds torch's generator so each test draws the same inputs on every run and in any order."""
    torch.manual_seed(0)
    yield
