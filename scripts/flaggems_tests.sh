#!/usr/bin/env bash
# Runs FlagGems 5.0.2's own op tests (tests/ at tag v5.0.2) on flagtree's cpu backend and writes
# a summary: pass rate and failures grouped by cause. Installs flag-gems and its test deps if
# missing (never another torch or triton). Usage (docs/flaggems.md):
#   scripts/flaggems_tests.sh [--cases-per-test N] [--timeout S] [--without-block-ptr]
#                             [--out DIR] [--resume] [TEST_FILE_OR_ID ...]
# FLAGGEMS_SRC=path/to/FlagGems-checkout uses that checkout's tests/ instead of cloning.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="$ROOT/.venv/bin/python"

CASES=3           # parametrizations per test function (0: all); see docs/flaggems.md
TIMEOUT=180       # seconds per test (pytest-timeout)
RESTARTS=50       # times a run that crashed or hung resumes after the test that did
RESUME=0
OUT="$ROOT/build/flaggems/run"
EXTRA=()
TESTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cases-per-test) CASES=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    --resume) RESUME=1; shift ;;
    --out) OUT=$(realpath -m "$2"); shift 2 ;;
    --without-block-ptr) EXTRA+=(--flagtree-without-block-ptr); shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "flaggems_tests.sh: unknown option $1" >&2; exit 2 ;;
    *) TESTS+=("$1"); shift ;;
  esac
done

# 1. FlagGems 5.0.2, its small runtime deps and pytest-timeout, into flagtree's venv.
if ! "$PY" -c 'import importlib.metadata as m, sys; sys.exit(m.version("flag-gems") != "5.0.2")' 2>/dev/null; then
  "$PY" -m pip install -q --no-deps "flag-gems==5.0.2"
fi
"$PY" -c 'import yaml, sqlalchemy' 2>/dev/null || "$PY" -m pip install -q PyYAML sqlalchemy
"$PY" -c 'import pytest_timeout' 2>/dev/null || "$PY" -m pip install -q --no-deps pytest-timeout

# 2. FlagGems' op tests at tag v5.0.2 (the tests are not in the wheel).
WORK="$ROOT/build/flaggems/FlagGems-v5.0.2"
if [ ! -f "$WORK/tests/conftest.py" ]; then
  SRC=${FLAGGEMS_SRC:-$ROOT/build/flaggems/src}
  if [ ! -f "$SRC/tests/conftest.py" ]; then
    git clone -q --depth 1 --branch v5.0.2 https://github.com/flagos-ai/FlagGems.git "$SRC"
  fi
  mkdir -p "$WORK"
  cp -r "$SRC/tests" "$WORK/"
fi
# Our own ini: FlagGems' pytest.ini would put its source tree ahead of the installed wheel.
[ -f "$WORK/pytest.ini" ] || printf '[pytest]\nfilterwarnings = ignore::pytest.PytestUnknownMarkWarning\n' > "$WORK/pytest.ini"

# 3. Run them in one process at low priority, resuming after a crash.
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
[ "$RESUME" = 1 ] || rm -f "$RESULTS" "$OUT/pytest.log"
[ ${#TESTS[@]} -gt 0 ] || TESTS=(tests)
export PYTHONPATH="$ROOT/test/python/flaggems${PYTHONPATH:+:$PYTHONPATH}"
export TRITON_DEFAULT_FP_FUSION=${TRITON_DEFAULT_FP_FUSION:-1}
cd "$WORK"
for attempt in $(seq 0 "$RESTARTS"); do
  status=0
  # Its own process group: children that a test forks and leaves behind are ended with it.
  setsid nice -n 10 "$PY" -m pytest -q -c "$WORK/pytest.ini" --rootdir "$WORK" \
    -p no:cacheprovider -p optests_plugin --quick \
    --continue-on-collection-errors --timeout "$TIMEOUT" --timeout-method signal \
    --flagtree-hard-timeout $((TIMEOUT + 60)) \
    --flagtree-cases-per-test "$CASES" --flagtree-results "$RESULTS" "${EXTRA[@]}" \
    -o console_output_style=count --tb=no -rN "${TESTS[@]}" >>"$OUT/pytest.log" 2>&1 &
  group=$!
  wait "$group" || status=$?
  kill -- "-$group" 2>/dev/null || true
  # 0-5 are pytest's own exit codes; anything else is a crash: resume past the crashed test.
  [ "$status" -le 5 ] && break
  echo "flaggems_tests.sh: pytest exited with $status (attempt $attempt); resuming" >>"$OUT/pytest.log"
done

# 4. Summary.
"$PY" "$ROOT/test/python/flaggems/optests_summary.py" "$RESULTS" \
  --json "$OUT/summary.json" --markdown "$OUT/summary.md"
