"""projects/crystal_detection/wca_nucleation.py: the thesis's WCA nucleation run (Table 4.1).

The run itself takes hours; these tests check, at small size, that a killed and restarted
run continues the same Markov chain, that the analysis reproduces Table 4.1's bookkeeping on
a crystal/fluid trajectory, and that bad input is refused.
"""

import numpy as np
import pytest
from scipy.integrate import quad

from tests.projects._run import load_script


@pytest.fixture(scope="module")
def wca():
    return load_script("crystal_detection", "wca_nucleation")


SMALL = {"n": 108, "every": 50, "compress_sweeps": 200, "tune_sweeps": 40, "log": lambda *a: None}


def test_restarted_run_continues_the_same_markov_chain(wca, tmp_path):
    straight = wca.simulate(str(tmp_path / "a"), 3, max_sweeps=200, **SMALL)
    wca.simulate(str(tmp_path / "b"), 3, max_sweeps=100, **SMALL)
    resumed = wca.simulate(str(tmp_path / "b"), 3, max_sweeps=100, **SMALL)
    assert straight["sweeps"] == resumed["sweeps"] == [0, 50, 100, 150, 200]
    assert straight["solid_fraction"] == resumed["solid_fraction"]
    a, b = wca.read_frames(str(tmp_path / "a"), 3), wca.read_frames(str(tmp_path / "b"), 3)
    for (sa, xa), (sb, xb) in zip(a, b, strict=True):
        assert sa == sb
        np.testing.assert_array_equal(xa.positions, xb.positions)
        assert (xa.box.Lx, xa.box.Ly, xa.box.Lz) == (xb.box.Lx, xb.box.Ly, xb.box.Lz)
    # the WCA fluid at the thesis's state is dense but not crystalline (solid bonds ~ 0): as
    # hard spheres of the Barker-Henderson diameter d it lies between hard-sphere freezing
    # (eta = 0.494) and random close packing (eta = 0.64)
    assert max(straight["solid_fraction"]) < 0.2
    d = quad(lambda r: 1 - np.exp(-wca.potentials()[0].energy([r])[0]), 0.5, 2 ** (1 / 6))[0]
    d += 0.5  # below r = 0.5 sigma the Boltzmann factor is 0
    eta = np.pi / 6 * 108 / a[-1][1].box.volume * d**3
    assert 0.494 < eta < 0.64, (d, eta)


def _coexistence_trajectory(wca, out):
    """A GSD run of the script's format whose frames are FCC | fluid slabs at βPσ³ = 30."""
    from hoomd_colloidml.engine import NPT, MonteCarlo
    from hoomd_colloidml.studies import builders

    fcc = builders.close_packed_stack("ABC", 4, 2, 4, 0.96)
    s, slab = builders.slab_coexistence([fcc], 0.85, 0.905, seed=1)
    mc = MonteCarlo(wca.with_hard_core(s), potentials=wca.potentials(), seed=2,
                    box_step=0.5 / s.N)
    mc.trajectory(wca.trajectory_path(str(out), 1), every=20)
    mc.run(40, ensemble=NPT(wca.PRESSURE, box_moves="axes"), progress=False, pressure_every=0)
    mc.close()
    return np.mean(slab == 0)


def test_analysis_compares_unsupervised_and_standard_per_snapshot(wca, tmp_path):
    crystal_share = _coexistence_trajectory(wca, tmp_path)
    wca.bulk(str(tmp_path), equilibration_sweeps=60, n_snapshots=2, sweeps=10,
             log=lambda *a: None)
    tr = wca.trace(str(tmp_path), 1)
    assert tr["sweeps"] == [0, 20, 40]
    # the slab's crystal share, measured by the solid-bond criterion
    assert tr["solid_fraction"][0] == pytest.approx(crystal_share, abs=0.1)
    low = 0.5 * min(tr["solid_fraction"])
    r = wca.analyze(str(tmp_path), 1, targets=(low, 1.01 * low), log=lambda *a: None)
    assert [row["sweep"] for row in r["rows"]] == [0, 0]
    for row in r["rows"]:
        # crystal-like fraction by both methods close to the slab's crystal share
        assert row["unsupervised"] == pytest.approx(crystal_share, abs=0.12)
        assert row["standard"] == pytest.approx(crystal_share, abs=0.12)
    assert r["max_abs_difference"] == pytest.approx(
        max(abs(x["unsupervised"] - x["standard"]) for x in r["rows"]))
    assert (tmp_path / "table41_seed1_model4.md").read_text().count("|") > 20
    with pytest.raises(ValueError, match="continue it"):
        wca.analyze(str(tmp_path), 1, targets=(0.5, 0.99), log=lambda *a: None)
    # the exported snapshot file gives the same table as the run it came from
    again = wca.analyze(str(tmp_path), 1, snapshots=str(tmp_path / "snapshots_seed1.npz"),
                        log=lambda *a: None)
    assert again["rows"] == r["rows"]


def test_bad_snapshot_files_and_workspaces_are_refused(wca, tmp_path):
    np.savez(tmp_path / "x.npz", positions=np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match="lacks"):
        wca.read_snapshots(str(tmp_path / "x.npz"))
    np.savez(tmp_path / "y.npz", positions=np.zeros((2, 5, 3)), box=np.ones((3, 3)),
             sweeps=[0, 1], solid_fraction=[0, 0])
    with pytest.raises(ValueError, match="positions must be"):
        wca.read_snapshots(str(tmp_path / "y.npz"))
    with pytest.raises(ValueError, match="not a crystal_detection workspace"):
        wca.hard_sphere_standard(str(tmp_path / "nowhere"), 20.0)
    import signac

    signac.init_project(str(tmp_path / "empty"))
    with pytest.raises(ValueError, match="no finished bulk runs"):
        wca.hard_sphere_standard(str(tmp_path / "empty"), 20.0)


@pytest.mark.parametrize("kwargs, match", [({"stop": 1.5}, "stop"), ({"every": 0}, "every"),
                                           ({"n": -4}, "n must")])
def test_bad_run_parameters_are_refused(wca, tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        wca.simulate(str(tmp_path), 1, **{**SMALL, **kwargs})


def test_bad_targets_are_refused(wca, tmp_path):
    with pytest.raises(ValueError, match="increasing"):
        wca.analyze(str(tmp_path), 1, targets=(0.3, 0.2))
