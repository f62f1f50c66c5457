#!/usr/bin/env bash
# Set up .venv and run the whole test suite (lint, doctests, tests, project quick modes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export MPLBACKEND=Agg NUMBA_CACHE_DIR="${NUMBA_CACHE_DIR:-$PWD/.venv/numba-cache}"
lint_paths=()
for d in freud_ext hoomd_colloidml tests benchmarks projects examples; do
    [ -d "$d" ] && lint_paths+=("$d")
done
.venv/bin/ruff check "${lint_paths[@]}"
# two workers (the machines have 2 cores); a test file stays on one worker, so a study's
# quick run (a module fixture) runs once. PYTEST_WORKERS=0 runs serially.
.venv/bin/python -m pytest -q --timeout=900 -n "${PYTEST_WORKERS:-2}" --dist loadfile \
    --doctest-modules freud_ext hoomd_colloidml tests \
    --ignore=hoomd_colloidml/hoomd "$@"
