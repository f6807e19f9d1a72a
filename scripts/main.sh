#!/usr/bin/env bash
# Installs flagtree and runs the main job: the sample kernels run on the cpu backend (checked
# against torch) and compile offline for cuda:80, cuda:90 and hip:gfx942; TTIR in build/samples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
TRITON_DEFAULT_FP_FUSION=1 .venv/bin/python -m flagtree.samples build/samples
