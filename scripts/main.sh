#!/usr/bin/env bash
# Installs flagtree and runs the main job: the sample kernels run on the cpu backend (checked
# against torch, TTIR in build/samples), `flagtree compile` precompiles them in parallel for
# cpu, cuda:80, cuda:90 and hip:gfx942 into one archive (no GPU needed), the archive is
# verified, and its cpu binaries run again against torch with no compiler involved.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export TRITON_DEFAULT_FP_FUSION=1
.venv/bin/python -m flagtree.samples build/samples
.venv/bin/flagtree compile python/flagtree/samples/kernels.toml \
  --target cpu,cuda:80,cuda:90,hip:gfx942 --out build/samples/aot
.venv/bin/flagtree inspect build/samples/aot --verify
.venv/bin/python -m flagtree.samples --archive build/samples/aot
