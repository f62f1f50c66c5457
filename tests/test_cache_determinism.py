"""Results are bit-identical whether numba compiles its kernels or loads them from its cache.

A study resumed after an interruption must reproduce the uninterrupted run exactly, and the
first run after an install or a code change compiles while later runs load numba's cache.
With ``fastmath`` the parallel q_lm kernel of ``freud_ext.order`` rounded differently in the
two cases (last-bit differences in q̄_l, hence in the trained models and the restart test).
"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.projects._run import ROOT, env

PROBE = Path(__file__).with_name("_cache_probe.py")
# run the probe from an empty directory: next to it, tests/hoomd_colloidml and
# tests/freud_ext would shadow the packages
RUN = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"

pytestmark = pytest.mark.slow


def _probe(out: Path, cache: Path) -> dict[str, np.ndarray]:
    res = subprocess.run([sys.executable, "-c", RUN, str(PROBE), str(out)],
                         env=dict(env(cache), PYTHONPATH=str(ROOT)),
                         cwd=out.parent, capture_output=True, text=True, timeout=900)
    assert res.returncode == 0, res.stderr[-4000:]
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def test_compiled_and_cached_kernels_give_identical_results(tmp_path):
    cache = tmp_path / "numba-cache"
    cold = _probe(tmp_path / "cold.npz", cache)  # compiles and writes the cache
    assert any(cache.rglob("*.nbi")), "the probe wrote no numba cache"
    warm = _probe(tmp_path / "warm.npz", cache)  # loads every kernel from it
    assert cold.keys() == warm.keys()
    for name in cold:
        assert np.isfinite(cold[name]).all(), name
        np.testing.assert_array_equal(cold[name], warm[name], err_msg=name)
