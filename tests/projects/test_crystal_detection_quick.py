"""Quick mode of the crystal-detection study (thesis Ch. 4), end to end, and its restart.

Asserts the study's own outcomes at quick size: the unsupervised method (autoencoder + GMM +
entropy merging) finds three environments in the FCC / HCP / fluid coexistence (Fig. 4.2),
and on the six snapshots of the seeded nucleation run both the unsupervised and the standard
q̄4–q̄6 crystalline fractions grow and agree (Table 4.1: within 8 points at quick size; the
thesis's 3 points is a known gap).
Then it checks that a run killed in the middle of an operation, re-run, completes with results
identical to an uninterrupted run and without corrupted or temporary files; the killed and
resumed runs use a fresh numba cache of their own, so the comparison spans both cache states.
"""

import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from hoomd_colloidml.studies import io
from tests.projects._run import PROJECTS, check_no_debris, env, jobs, run_main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    ws = tmp_path_factory.mktemp("crystal_detection")
    return ws, run_main("crystal_detection", ws)


def test_coexistence_study_products(study):
    ws, report = study
    [(sp, d)] = jobs(ws, system="hs_coexistence")
    diag = io.read_json(d / "diagnostics.json")
    P = io.read_npz(d / "memberships.npz")["probabilities"]
    assert P.shape[1] == diag["n_clusters"] and np.allclose(P.sum(axis=1), 1.0)
    # the standard q4-q6 method, tuned on the bulk runs, sees FCC, HCP and fluid
    std = io.read_json(d / "standard.json")["standard_fractions"]
    assert set(std) == {"fcc", "hcp", "fluid"}
    ri = diag["relative_importance"]["stepwise"]
    assert len(ri) == 8 and sum(ri) == pytest.approx(1.0)
    # q6 dominates the relative importance (thesis Fig. 4.6: q6 78 %, q8 19 %, q4 3 %)
    assert int(np.argmax(ri)) == 5
    assert "Table 4.1" in report.read_text()
    check_no_debris(ws)


def _slabs(sp):
    """Phase of every particle in the initial slabs: 0 FCC, 1 HCP, 2 fluid (MC keeps order)."""
    from hoomd_colloidml.studies.builders import close_packed_stack, slab_coexistence

    fcc = close_packed_stack("ABC", sp["nx"], sp["ny"], sp["fcc_repeat"], sp["crystal_density"])
    hcp = close_packed_stack("AB", sp["nx"], sp["ny"], sp["hcp_repeat"], sp["crystal_density"])
    s, slab = slab_coexistence([fcc, hcp], sp["density"], sp["total_density"], seed=sp["seed"])
    return s, slab


def test_fcc_hcp_and_fluid_are_distinct_environments(study):
    ws, _ = study
    [(sp, d)] = jobs(ws, system="hs_coexistence")
    s, slab = _slabs(sp)
    # the thesis's state point: rho sigma^3 = 1.01 overall (Ch. 4.3.1)
    assert s.N / s.volume == pytest.approx(1.01, abs=1e-3)
    labels = io.read_npz(d / "memberships.npz")["probabilities"].argmax(axis=1)
    assert labels.shape == slab.shape
    majority = [np.bincount(labels[slab == k]).argmax() for k in range(3)]
    # the three phases, never told apart by labels, fall into three different clusters
    assert len(set(majority)) == 3
    share = [np.mean(labels[slab == k] == majority[k]) for k in range(3)]
    assert share[2] > 0.9 and min(share[:2]) > 0.6, share


@pytest.mark.xfail(
    strict=False,
    reason="Known gap (issue 8): with the thesis's state point (N = 1542, rho sigma^3 = 1.01, "
    "one snapshot) the number of environments depends on the realisation: K = 2-6 over 8 "
    "simulations x 3 model seeds, K = 3 in 2 of 24 fits with the study's settings (11 with "
    "c fixed at 2, 16 with standardised inputs; projects/crystal_detection/"
    "k3_settings_check.py), the extra clusters being the FCC/HCP stacking-boundary and "
    "crystal-surface layers of the slab geometry. The quick run gives c = 4, N_G = 6, K = 4 "
    "(the 4th: FCC/HCP boundary layers).",
)
def test_three_environments_in_fcc_hcp_fluid_coexistence(study):
    ws, _ = study
    [(sp, d)] = jobs(ws, system="hs_coexistence")
    diag = io.read_json(d / "diagnostics.json")
    assert diag["n_clusters"] == 3


def _table_4_1(ws):
    [(sp, d)] = jobs(ws, system="nucleation")
    st = io.read_json(d / "standard.json")
    unsup = np.array([r["unsupervised"] for r in st["rows"]])
    standard = np.array([r["standard"] for r in st["rows"]])
    return sp, io.read_json(d / "simulation.json"), unsup, standard


def test_table_4_1_nucleation_run_and_both_crystalline_fractions(study):
    """Table 4.1 at quick size: seeded growth in a supersaturated hard-sphere fluid (NPT)."""
    ws, report = study
    sp, sim, unsup, standard = _table_4_1(ws)
    # the run went from ~10 % to mostly crystalline: every snapshot target was reached
    assert sim["complete"] and len(sim["solid_fraction"]) == len(sp["targets"]) == 6
    assert all(f >= t for f, t in zip(sim["solid_fraction"], sp["targets"], strict=True))
    # both methods see the crystal grow, snapshot after snapshot (thesis: 2 % -> 98 %)
    assert len(unsup) == len(standard) == 6
    assert np.all(np.diff(standard) > 0) and np.all(np.diff(unsup) > 0)
    assert standard[0] < 0.25 and standard[-1] > 0.75
    # and agree to within 8 percentage points on every snapshot: the standard lines (linear
    # discriminant analysis) lie 1-7 points above the unsupervised split at quick size and
    # move by at most 3 points between replicas of the bulk runs; the unsupervised split
    # moves with the autoencoder seed (README, Table 4.1)
    assert np.max(np.abs(unsup - standard)) <= 0.08, (unsup, standard)
    assert "solid bonds" in report.read_text()


@pytest.mark.xfail(
    strict=False,
    reason="Known gap (issue 8): at quick size the largest difference is 6.6 points (snapshot "
    "c), and it depends on the autoencoder seed (2.7-17.7 points for seeds 1-4); interface and "
    "stacking-fault particles (q6 ~ 0.39) fall between the unsupervised split and the "
    "standard lines. See projects/crystal_detection/README.md.",
)
def test_table_4_1_within_3_points_on_every_snapshot(study):
    ws, _ = study
    _, _, unsup, standard = _table_4_1(ws)
    assert np.max(np.abs(unsup - standard)) <= 0.03, (unsup, standard)


def test_interrupted_run_resumes_with_identical_results(study, tmp_path):
    ws_ref, _ = study
    ws = tmp_path / "ws"
    # the killed run compiles into an empty numba cache and the resumed one loads what it
    # left; the reference loaded the shared cache (in CI warmed by the unit tests), so the
    # products must not depend on the cache state (tests/test_cache_determinism.py checks
    # the kernels themselves whatever the order of the runs)
    cache = tmp_path / "numba-cache"
    cmd = [sys.executable, str(PROJECTS / "crystal_detection" / "main.py"), "--quick",
           "--workspace", str(ws), "--systems", "hs_coexistence"]
    proc = subprocess.Popen(cmd, env=env(cache), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    # kill it in the middle of the study: once the first descriptors exist
    deadline = time.time() + 600
    while time.time() < deadline and proc.poll() is None:
        if list(ws.glob("workspace/*/bop.npz")):
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (ws / "products" / "quick" / "report.md").exists()
    report = run_main("crystal_detection", ws, "--systems", "hs_coexistence", numba_cache=cache)
    assert report.is_file()
    assert any(cache.rglob("*.nbi"))  # the restarted runs did use their own cache
    check_no_debris(ws)
    [(_, d)] = jobs(ws, system="hs_coexistence")
    [(_, d_ref)] = jobs(ws_ref, system="hs_coexistence")
    assert d.name == d_ref.name  # same state point
    for name in ("bop.npz", "memberships.npz"):
        a, b = io.read_npz(d / name), io.read_npz(d_ref / name)
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
    assert io.read_json(d / "standard.json") == io.read_json(d_ref / "standard.json")
