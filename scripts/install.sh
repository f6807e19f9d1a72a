#!/usr/bin/env bash
# Creates .venv (if missing) and installs flagtree with its test tools into it.
# The C++ extension builds in a few minutes on 2 cores; pinned wheels come from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
