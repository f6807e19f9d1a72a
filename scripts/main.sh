#!/usr/bin/env bash
# Installs flagtree and runs the main job: the sample kernels go Triton -> TTIR -> flagtree's
# MLIR (tt dialect) -> shared passes; results land in build/samples.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
TRITON_DEFAULT_FP_FUSION=1 .venv/bin/python -m flagtree.samples build/samples
