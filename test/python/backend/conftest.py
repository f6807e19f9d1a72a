"""pytest setup for the backend interface tests: every test leaves the backend selection as it
found it (knobs and Triton's active driver); plugin packages come from `plugins.py`.
"""

import pytest

from flagtree import knobs


@pytest.fixture(autouse=True)
def _restore_selection():
    from flagtree.backend import selection

    with knobs.backend.scope():
        yield
    selection._sync_triton()
