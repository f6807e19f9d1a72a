"""pytest setup for the scaffold and conformance-kit tests: an isolated venv per test that asks.

Helpers live in isolated_env.py (a name no other test folder uses).
"""

from __future__ import annotations

import pytest
from isolated_env import IsolatedVenv, make_isolated_venv


@pytest.fixture
def isolated_venv(tmp_path) -> IsolatedVenv:
    return make_isolated_venv(tmp_path / "venv")
