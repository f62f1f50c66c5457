#!/usr/bin/env bash
# Set up .venv and run the main job: the crystal-detection study (thesis Ch. 4) in quick mode
# on the embedded Monte Carlo engine. The last line printed is the path of its report.
# Extra arguments go to projects/crystal_detection/main.py (e.g. --full, --workspace DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MPLBACKEND=Agg NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/.venv/numba-cache}"
if [ "$#" -eq 0 ]; then
    set -- --quick
fi
exec .venv/bin/python projects/crystal_detection/main.py "$@"
