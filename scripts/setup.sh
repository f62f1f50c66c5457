#!/usr/bin/env bash
# Create .venv (if missing) and install hoomd-colloidml with its test extra.
# PyTorch's CPU build is installed first and pinned by constraints.txt, so nothing
# can pull the CUDA wheels.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/python -m pip install -q -c constraints.txt "torch==2.13.0"
.venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
