"""GSD trajectories, crash safety, resuming, input validation, fluids, isoconfigurational runs."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import freud
import gsd.hoomd
import numpy as np
import pytest

from hoomd_colloidml import System
from hoomd_colloidml.engine import (
    NPT,
    NVT,
    LennardJones,
    MonteCarlo,
    SquareShoulder,
    isoconfigurational,
)
from hoomd_colloidml.lattice.fluid import fluid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_gsd_opens_in_gsd_and_freud(tmp_path):
    s = fluid(64, 0.3, composition=(0.5, 0.5), size_ratio=0.8, seed=1)
    mc = MonteCarlo(s, seed=2)
    path = tmp_path / "traj.gsd"
    mc.trajectory(path, every=5)
    mc.run(20, NPT(3.0), progress=False)
    mc.close()
    with gsd.hoomd.open(path) as f:
        assert len(f) == 5
        assert [fr.configuration.step for fr in f] == [0, 5, 10, 15, 20]
        last = f[-1]
    assert last.particles.N == 64 and last.particles.types == ["A", "B"]
    assert last.configuration.dimensions == 3
    np.testing.assert_array_equal(last.particles.typeid, s.typeid)
    np.testing.assert_allclose(last.particles.diameter, s.diameters)
    final = mc.system
    np.testing.assert_allclose(last.particles.position, final.positions, atol=1e-5)
    np.testing.assert_allclose(last.configuration.box[:3], [final.box.Lx] * 3, rtol=1e-6)
    assert last.log["colloidml/packing_fraction"][0] == pytest.approx(mc.packing_fraction)
    assert last.log["colloidml/pressure"][0] == 3.0
    # freud reads the frame directly
    nq = freud.locality.AABBQuery.from_system(last)
    assert nq.box.Lx == pytest.approx(final.box.Lx)
    rdf = freud.density.RDF(bins=20, r_max=2.0).compute(last)
    assert rdf.rdf[:7].max() == 0.0  # no pair closer than 0.7 sigma (smallest contact 0.8)
    logged = gsd.hoomd.read_log(path)
    assert logged["log/colloidml/energy"].shape == (5,)


def test_sigkill_mid_write_leaves_finished_frames(tmp_path):
    path = tmp_path / "killed.gsd"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {REPO!r})
        from hoomd_colloidml.lattice.fluid import fluid
        from hoomd_colloidml.engine import MonteCarlo
        mc = MonteCarlo(fluid(300, 0.3, seed=1), seed=1)
        mc.trajectory({str(path)!r}, every=1)
        print("started", flush=True)
        mc.run(10**7, progress=False)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"started"
        deadline = time.monotonic() + 60
        while os.path.getsize(path) < 200_000 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with gsd.hoomd.open(path) as f:
        n = len(f)
        assert n >= 3
        for k, fr in enumerate(f):
            assert fr.configuration.step == k
            assert fr.particles.N == 300 and np.isfinite(fr.particles.position).all()
            assert fr.log["colloidml/engine/rng_state"].shape == (4,)


@pytest.mark.parametrize("many_body", [False, True])
def test_resume_continues_the_same_chain(tmp_path, many_body, embedding):
    if many_body:
        s = fluid(12, 0.3, dimensions=2, seed=3)
        pots = [embedding(0.5, 1.5)]
        sweeps = 20
    else:
        s = fluid(150, 0.3, composition=(0.8, 0.2), size_ratio=0.88, seed=3)
        s = System(s.box, s.positions, s.typeid, s.types, np.zeros(s.N))
        pots = [LennardJones.kob_andersen()]
        sweeps = 60
    path = tmp_path / "chain.gsd"
    a = MonteCarlo(s, pots, seed=9, kT=1.2)
    a.trajectory(path, every=sweeps // 2)
    a.run(sweeps, NPT(2.0), progress=False)
    a.close()
    b = MonteCarlo.from_gsd(path, frame=1, potentials=pots)
    assert b.sweep == sweeps // 2 and b.kT == 1.2
    b.run(sweeps // 2, NPT(2.0), progress=False)
    np.testing.assert_array_equal(b._pos, a._pos)
    np.testing.assert_array_equal(b._L, a._L)
    assert b.energy == a.energy
    np.testing.assert_array_equal(b.image, a.image)
    # a different seed gives a different continuation
    c = MonteCarlo.from_gsd(path, frame=1, potentials=pots, seed=123)
    c.run(sweeps // 2, NPT(2.0), progress=False)
    assert not np.array_equal(c._pos, a._pos)


def test_resume_from_plain_hoomd_frame(tmp_path):
    s = fluid(50, 0.3, seed=2)
    path = tmp_path / "plain.gsd"
    with gsd.hoomd.open(path, "w") as f:
        f.append(s.to_gsd_frame(7))
    with pytest.raises(ValueError, match="no engine state"):
        MonteCarlo.from_gsd(path)
    mc = MonteCarlo.from_gsd(path, seed=1)
    assert mc.N == 50 and mc.sweep == 0


def test_same_seed_reproducible_different_seed_not():
    s = fluid(100, 0.4, seed=2)
    runs = []
    for seed in (5, 5, 6):
        mc = MonteCarlo(s, seed=seed)
        mc.run(30, NPT(5.0, box_moves="axes"), progress=False)
        runs.append(mc.system.positions)
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_bad_input_raises_clear_errors():
    box = freud.box.Box.cube(6.0)
    pos = np.zeros((2, 3))
    pos[1, 0] = 0.5
    with pytest.raises(ValueError, match="overlapping hard cores .*particles 0 and 1"):
        MonteCarlo(System(box, pos))
    with pytest.raises(ValueError, match="'pressure' parameter of NPT must be a finite number > 0"):
        NPT(-1.0)
    with pytest.raises(ValueError, match="'pressure' parameter of NPT"):
        NPT(float("nan"))
    with pytest.raises(ValueError, match="'box_moves' parameter of NPT"):
        NPT(1.0, box_moves="shear")
    pos[1, 0] = 2.0
    with pytest.raises(ValueError, match="smaller than twice the interaction range"):
        MonteCarlo(System(freud.box.Box.cube(4.0), pos), [LennardJones(epsilon=1, sigma=1)])
    two = System(box, pos, [0, 1], ["A", "B"])
    with pytest.raises(ValueError, match="type 'C', which is not one of the system's types"):
        MonteCarlo(two, [LennardJones(params={("A", "C"): {"epsilon": 1.0, "sigma": 1.0}})])
    with pytest.raises(ValueError, match="NaN or infinite"):
        MonteCarlo(System(box, np.array([[0.0, 0.0, np.nan], [2.0, 0.0, 0.0]])))
    with pytest.raises(ValueError, match="'kT' parameter of MonteCarlo must be a finite number"):
        MonteCarlo(System(box, pos), kT=float("nan"))
    with pytest.raises(ValueError, match="'epsilon' parameter of LennardJones must be finite"):
        LennardJones(epsilon=float("nan"), sigma=1.0)
    with pytest.raises(TypeError, match="must be a hoomd_colloidml.System"):
        MonteCarlo((box, pos))
    with pytest.raises(TypeError, match="PairPotential or a ManyBodyPotential"):
        MonteCarlo(System(box, pos), ["lj"])
    mc = MonteCarlo(System(box, pos))
    with pytest.raises(ValueError, match="'sweeps' parameter of MonteCarlo must be an int >= 0"):
        mc.run(-1)
    with pytest.raises(TypeError, match="'ensemble' parameter of MonteCarlo.run"):
        mc.run(1, ensemble="npt")
    with pytest.raises(TypeError, match="'every' parameter of MonteCarlo must be an int"):
        mc.trajectory("x.gsd", every=0.5)
    shoulder = SquareShoulder(sigma=1.0, delta=1.4, epsilon=1.0)
    with pytest.raises(ValueError, match="overlapping hard cores"):
        pos[1, 0] = 0.9
        MonteCarlo(System(box, pos, diameters=np.zeros(2)), [shoulder])


def test_fluid_configurations():
    for dim, eta in ((3, 0.55), (2, 0.70)):
        s = fluid(300, eta, composition=(0.7, 0.3), size_ratio=0.85, dimensions=dim, seed=4)
        assert s.N == 300 and s.dimensions == dim and s.types == ["A", "B"]
        assert np.bincount(s.typeid).tolist() == [210, 90]
        np.testing.assert_allclose(s.diameters, np.where(s.typeid == 0, 1.0, 0.85))
        assert s.packing_fraction == pytest.approx(eta, rel=1e-6)
        nl = freud.locality.AABBQuery(s.box, s.positions).query(
            s.positions, {"r_max": 1.0, "exclude_ii": True}).toNeighborList()
        sig = 0.5 * (s.diameters[nl.query_point_indices] + s.diameters[nl.point_indices])
        assert np.all(nl.distances >= sig * (1 - 1e-6))  # no overlaps (freud, float32)
    a = fluid(100, 0.4, seed=1)
    np.testing.assert_array_equal(a.positions, fluid(100, 0.4, seed=1).positions)
    assert not np.array_equal(a.positions, fluid(100, 0.4, seed=2).positions)
    with pytest.raises(ValueError, match="'packing_fraction' parameter of fluid must be in"):
        fluid(100, 0.7)
    with pytest.raises(ValueError, match="'composition' parameter of fluid"):
        fluid(100, 0.3, composition=(0.5, 0.6))
    with pytest.raises(ValueError, match="'size_ratio' parameter of fluid must give 1"):
        fluid(100, 0.3, composition=(0.5, 0.5), size_ratio=(0.5, 0.6))
    with pytest.raises(ValueError, match="'n' parameter of fluid"):
        fluid(0, 0.3)


def test_isoconfigurational_ideal_gas_random_walk():
    """Without interactions every trial is accepted: per-axis MSD = t d^2 / 3 (unwrapped)."""
    n, d = 200, 0.5
    rng = np.random.default_rng(0)
    box = freud.box.Box.cube(3.0)
    s = System(box, box.wrap(rng.uniform(-1.5, 1.5, (n, 3))), diameters=np.zeros(n))
    times = [10, 100]
    dr = isoconfigurational(s, 3, times, seed=1, step_size=d, progress=False)
    assert dr.shape == (3, 2, n, 3)
    # each sweep has N trials of random particles: on average t moves per particle
    for k, t in enumerate(times):
        msd = (dr[:, k] ** 2).mean()
        assert msd == pytest.approx(t * d**2 / 3, rel=0.05)
    assert np.abs(dr[:, 1]).max() > 3.0  # crossed the periodic box: unwrapped
    again = isoconfigurational(s, 3, times, seed=1, step_size=d, progress=False)
    np.testing.assert_array_equal(dr, again)
    assert not np.array_equal(dr[0], dr[1])  # runs differ only by their seed


def test_isoconfigurational_propensity_hard_spheres():
    s = fluid(108, 0.45, seed=3)
    dr = isoconfigurational(s, 4, [20], seed=2, step_size=0.1, progress=False)
    propensity = np.linalg.norm(dr, axis=-1).mean(axis=0)[0]  # Eq. 5.1
    assert propensity.shape == (108,) and np.all(propensity > 0)
    with pytest.raises(ValueError, match="'times' parameter of isoconfigurational"):
        isoconfigurational(s, 2, [5, 3])
    with pytest.raises(ValueError, match="'n_runs' parameter of isoconfigurational"):
        isoconfigurational(s, 0, [5])


def test_observables_and_acceptance():
    mc = MonteCarlo(fluid(100, 0.3, seed=1), seed=3)
    mc.run(50, NVT(), progress=False, sample_every=10)
    obs = mc.observables
    assert obs["sweep"].tolist() == [10, 20, 30, 40, 50]
    np.testing.assert_allclose(obs["packing_fraction"], 0.3, rtol=1e-6)
    assert 0 < mc.acceptance["translate"] < 1 and np.isnan(mc.acceptance["box"])
    assert np.isfinite(mc.pressure)
    assert "MonteCarlo(" in repr(mc)
