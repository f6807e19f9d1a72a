#!/usr/bin/env bash
# Installs flagtree (scripts/install.sh) and runs the whole test suite: pytest, then lit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export TRITON_DEFAULT_FP_FUSION=1
status=0
.venv/bin/python -m pytest -q test/python || { rc=$?; [ "$rc" -eq 5 ] || status=$rc; }
.venv/bin/lit -sv test/lit || status=1
exit $status
