"""Quick mode of the crystal-detection study (thesis Ch. 4), end to end, and its restart.

Asserts the study's own outcome at quick size: the unsupervised method (autoencoder + GMM +
entropy merging) finds three environments in the FCC / HCP / fluid coexistence (Fig. 4.2).
Then it checks that a run killed in the middle of an operation, re-run, completes with results
identical to an uninterrupted run and without corrupted or temporary files.
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


@pytest.mark.xfail(
    strict=True,
    reason="Known gap (issue 8): at quick size BIC finds N_G = 5 components and the L-method "
    "(lines meeting at the elbow) puts the entropy elbow at K = 4; the thesis finds K = 3. "
    "See projects/crystal_detection/README.md.",
)
def test_three_environments_in_fcc_hcp_fluid_coexistence(study):
    ws, _ = study
    [(sp, d)] = jobs(ws, system="hs_coexistence")
    diag = io.read_json(d / "diagnostics.json")
    assert diag["n_clusters"] == 3


def test_interrupted_run_resumes_with_identical_results(study, tmp_path):
    ws_ref, _ = study
    ws = tmp_path / "ws"
    cmd = [sys.executable, str(PROJECTS / "crystal_detection" / "main.py"), "--quick",
           "--workspace", str(ws), "--systems", "hs_coexistence"]
    proc = subprocess.Popen(cmd, env=env(), stdout=subprocess.DEVNULL,
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
    report = run_main("crystal_detection", ws, "--systems", "hs_coexistence")
    assert report.is_file()
    check_no_debris(ws)
    [(_, d)] = jobs(ws, system="hs_coexistence")
    [(_, d_ref)] = jobs(ws_ref, system="hs_coexistence")
    assert d.name == d_ref.name  # same state point
    for name in ("bop.npz", "memberships.npz"):
        a, b = io.read_npz(d / name), io.read_npz(d_ref / name)
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
    assert io.read_json(d / "standard.json") == io.read_json(d_ref / "standard.json")
