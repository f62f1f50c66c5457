#!/usr/bin/env bash
# Set up .venv and run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MPLBACKEND=Agg NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/.venv/numba-cache}"
exec .venv/bin/python -m hoomd_colloidml.demo "$@"
