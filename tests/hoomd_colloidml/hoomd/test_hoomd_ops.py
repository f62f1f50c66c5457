"""HOOMD-blue 4.x integration (marked ``hoomd``; skipped where ``import hoomd`` fails).

Run against HOOMD-blue 4.8.2 (a local CPU build with MPI, outside this repository): all pass.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import gsd.hoomd
import numpy as np
import pytest

hoomd = pytest.importorskip("hoomd")

from hoomd_colloidml import System  # noqa: E402
from hoomd_colloidml.io import classify_trajectory  # noqa: E402
from hoomd_colloidml.lattice import crystal, fluid, rattle  # noqa: E402
from hoomd_colloidml.potentials import ManyBodyPotential  # noqa: E402

pytestmark = pytest.mark.hoomd
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _state_from(sim, system: System):
    snap = hoomd.Snapshot()
    if snap.communicator.rank == 0:
        b = system.box
        snap.configuration.box = [b.Lx, b.Ly, b.Lz, b.xy, b.xz, b.yz]
        snap.particles.N = system.N
        snap.particles.types = list(system.types)
        snap.particles.position[:] = system.positions
        snap.particles.typeid[:] = system.typeid
        snap.particles.diameter[:] = system.diameters
    sim.create_state_from_snapshot(snap)


def _log_key(frame, name):
    keys = [k for k in frame.log if k.endswith("/" + name)]
    assert len(keys) == 1, list(frame.log)
    return keys[0]


def test_hpmc_classify_on_the_fly_matches_colloidml_classify(model, tmp_path):
    from hoomd_colloidml.hoomd import ClassifyEnvironments

    sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=1)
    _state_from(sim, rattle(crystal("fcc", 4, 0.52), 0.02, seed=0))
    mc = hoomd.hpmc.integrate.Sphere(default_d=0.05)
    mc.shape["A"] = dict(diameter=1.0)
    sim.operations.integrator = mc
    classify = ClassifyEnvironments(model, every=20, cluster_class=1)
    sim.operations.writers.append(classify.writer)
    logger = hoomd.logging.Logger(categories=["particle", "sequence", "scalar"])
    logger.add(classify.writer,
               quantities=["labels", "probabilities", "fractions", "largest_cluster"])
    path = str(tmp_path / "hpmc.gsd")
    writer = hoomd.write.GSD(trigger=hoomd.trigger.Periodic(20), filename=path, mode="xb",
                             logger=logger)
    sim.operations.writers.append(writer)
    sim.run(100)
    writer.flush()
    out = classify_trajectory(path, model, str(tmp_path / "post.gsd"))
    with gsd.hoomd.open(path) as live, gsd.hoomd.open(str(out)) as post:
        assert len(live) >= 5
        for a, b in zip(live, post):
            np.testing.assert_array_equal(a.log[_log_key(a, "labels")],
                                          b.log["particles/colloidml/labels"])
            assert a.log[_log_key(a, "probabilities")].shape == (a.particles.N, 2)
            np.testing.assert_allclose(a.log[_log_key(a, "fractions")],
                                       b.log["colloidml/fractions"])


class _LJ64(ManyBodyPotential):
    """LJ (epsilon = sigma = 1), shifted to zero at r_cut, as a ManyBodyPotential (float64)."""

    r_cut = 2.5

    @staticmethod
    def _separations(system, i, j):
        """float64 minimum-image r_j - r_i and its square (freud stores float32 vectors)."""
        m = np.asarray(system.box.to_matrix(), dtype=np.float64)
        frac = (system.positions[j] - system.positions[i]) @ np.linalg.inv(m).T
        frac -= np.round(frac)
        d = frac @ m.T
        return d, (d**2).sum(1)

    def _pairs(self, system):
        import freud

        aq = freud.locality.AABBQuery(system.box, system.positions)
        nl = aq.query(system.positions, {"r_max": self.r_cut + 0.1, "exclude_ii": True})
        nl = nl.toNeighborList()
        i, j = nl.query_point_indices, nl.point_indices
        d, r2 = self._separations(system, i, j)
        keep = r2 < self.r_cut**2
        return i[keep], d[keep], r2[keep]

    def energies(self, system):
        return self.forces(system)[0]

    def forces(self, system):
        return self._lj(system, *self._pairs(system))

    def _lj(self, system, i, d, r2):
        inv6 = r2**-3
        u = 4 * (inv6**2 - inv6) - 4 * (self.r_cut**-12 - self.r_cut**-6)
        f_over_r = 24 * (2 * inv6**2 - inv6) / r2
        e = np.zeros(system.N)
        np.add.at(e, i, 0.5 * u)
        F = np.zeros((system.N, 3))
        np.add.at(F, i, -f_over_r[:, None] * d)
        W = 0.5 * np.einsum("ka,kb->ab", d, f_over_r[:, None] * d)
        return e, F, W[[0, 0, 0, 1, 1, 2], [0, 1, 2, 1, 2, 2]]


def _md_sim(forces, system, seed=2):
    sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=seed)
    _state_from(sim, system)
    nve = hoomd.md.methods.ConstantVolume(filter=hoomd.filter.All())
    sim.operations.integrator = hoomd.md.Integrator(dt=0.001, forces=forces, methods=[nve])
    sim.state.thermalize_particle_momenta(filter=hoomd.filter.All(), kT=1.0)
    sim.always_compute_pressure = True  # per-particle virials are computed only on request
    thermo = hoomd.md.compute.ThermodynamicQuantities(filter=hoomd.filter.All())
    sim.operations.computes.append(thermo)
    return sim, thermo


def test_many_body_force_reproduces_md_pair_lj():
    from hoomd_colloidml.hoomd import ManyBodyForce

    system = rattle(crystal("fcc", 4, 0.45), 0.05, seed=1)
    cell = hoomd.md.nlist.Cell(buffer=0.4)
    lj = hoomd.md.pair.LJ(nlist=cell, default_r_cut=2.5, mode="shift")
    lj.params[("A", "A")] = dict(epsilon=1.0, sigma=1.0)
    sim_ref, _ = _md_sim([lj], system)
    sim_ref.run(0)
    ours = ManyBodyForce(_LJ64())
    sim, _ = _md_sim([ours], system)
    sim.run(0)
    # both in tag order on one rank
    f_ref, f = lj.forces, ours.forces
    scale = np.abs(f_ref).max()
    np.testing.assert_allclose(f, f_ref, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(ours.energies, lj.energies, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.energy, lj.energy, rtol=1e-10)
    np.testing.assert_allclose(ours.virials.sum(0), lj.virials.sum(0), rtol=1e-9)


def test_many_body_force_nve_energy_drift():
    from hoomd_colloidml.hoomd import ManyBodyForce

    system = rattle(crystal("fcc", 4, 0.45), 0.05, seed=1)
    sim, thermo = _md_sim([ManyBodyForce(_LJ64())], system)
    sim.run(0)
    e0 = thermo.kinetic_energy + thermo.potential_energy
    sim.run(1000)
    e1 = thermo.kinetic_energy + thermo.potential_energy
    # stated drift: < 1e-3 kT per particle over 1000 steps of dt = 0.001
    assert abs(e1 - e0) / system.N < 1e-3


def test_classify_output_survives_sigterm(model_dir, tmp_path):
    path = str(tmp_path / "run.gsd")
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {REPO!r})
        import hoomd
        from hoomd_colloidml.hoomd import ClassifyEnvironments, flush_on_sigterm
        from hoomd_colloidml.lattice import crystal, rattle
        s = rattle(crystal("fcc", 4, 0.52), 0.02, seed=0)
        sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=1)
        snap = hoomd.Snapshot()
        b = s.box
        snap.configuration.box = [b.Lx, b.Ly, b.Lz, 0, 0, 0]
        snap.particles.N = s.N; snap.particles.types = ["A"]
        snap.particles.position[:] = s.positions
        sim.create_state_from_snapshot(snap)
        mc = hoomd.hpmc.integrate.Sphere(default_d=0.05); mc.shape["A"] = dict(diameter=1.0)
        sim.operations.integrator = mc
        c = ClassifyEnvironments({model_dir!r}, every=10)
        sim.operations.writers.append(c.writer)
        logger = hoomd.logging.Logger(categories=["particle", "sequence"])
        logger.add(c.writer, quantities=["labels", "fractions"])
        w = hoomd.write.GSD(trigger=hoomd.trigger.Periodic(10), filename={path!r},
                            mode="xb", logger=logger)
        sim.operations.writers.append(w)
        flush_on_sigterm(sim, [w], interval=0.5, period=10)
        print("running", flush=True)
        sim.run(10**9)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "running"
    time.sleep(5)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    with gsd.hoomd.open(path) as f:
        assert len(f) >= 1
        assert f[-1].log[_log_key(f[-1], "labels")].shape == (f[-1].particles.N,)


def test_many_body_force_ao_under_wca_cores_stays_finite():
    """The MD example's set-up: WCA cores let colloids overlap slightly; the soft-core AO
    (``hard_core=False``) keeps energies and forces finite, and ManyBodyForce's forces are
    the potential's own."""
    from hoomd_colloidml.hoomd import ManyBodyForce
    from hoomd_colloidml.potentials import AsakuraOosawa

    system = fluid(32, 0.25, seed=3)
    pot = AsakuraOosawa(q=0.4, eta_r=0.3, hard_core=False)
    cell = hoomd.md.nlist.Cell(buffer=0.3)
    wca = hoomd.md.pair.LJ(nlist=cell, default_r_cut=2 ** (1 / 6), mode="shift")
    wca.params[("A", "A")] = dict(epsilon=10.0, sigma=1.0)
    ao = ManyBodyForce(pot)
    sim, _ = _md_sim([wca, ao], system)
    sim.run(20)
    assert np.all(np.isfinite(ao.forces)) and np.isfinite(ao.energy)
    snap = sim.state.get_snapshot()
    now = System(system.box, np.array(snap.particles.position, dtype=np.float64))
    e, f, _ = pot.forces(now)
    # velocity Verlet evaluates forces after the last position update: same positions
    np.testing.assert_allclose(ao.energies, e, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ao.forces, f, rtol=1e-10, atol=1e-10 * np.abs(f).max())


class _LJ64Neighbors(_LJ64):
    """_LJ64 that takes its pairs from a given freud NeighborList (ManyBodyForce's nlist)."""

    def forces(self, system, neighbors=None):
        if neighbors is None:
            return super().forces(system)
        i = np.asarray(neighbors.query_point_indices)
        d, r2 = self._separations(system, i, np.asarray(neighbors.point_indices))
        self.n_pairs = len(i)
        return self._lj(system, i, d, r2)


def test_many_body_force_with_hoomd_neighbor_list_matches_md_pair_lj():
    """``ManyBodyForce(potential, nlist=...)`` reads HOOMD's pairs (cpu_local_nlist_arrays)."""
    from hoomd_colloidml.hoomd import ManyBodyForce

    system = rattle(crystal("fcc", 4, 0.45), 0.05, seed=2)
    cell = hoomd.md.nlist.Cell(buffer=0.4)
    lj = hoomd.md.pair.LJ(nlist=cell, default_r_cut=2.5, mode="shift")
    lj.params[("A", "A")] = dict(epsilon=1.0, sigma=1.0)
    sim_ref, _ = _md_sim([lj], system)
    sim_ref.run(0)
    pot = _LJ64Neighbors()
    own = hoomd.md.nlist.Cell(buffer=0.4, default_r_cut=pot.r_cut)
    ours = ManyBodyForce(pot, nlist=own)
    sim, _ = _md_sim([ours], system)
    sim.operations.computes.append(own)
    sim.run(0)
    assert pot.n_pairs > 0
    scale = np.abs(lj.forces).max()
    np.testing.assert_allclose(ours.forces, lj.forces, rtol=1e-10, atol=1e-10 * scale)
    np.testing.assert_allclose(ours.energies, lj.energies, rtol=1e-10, atol=1e-12)
