"""Physics of the embedded engine against analytic and reference results."""

import math

import freud
import numpy as np
import pytest
from scipy import stats
from scipy.optimize import brentq

from hoomd_colloidml import System
from hoomd_colloidml.engine import NPT, LennardJones, MonteCarlo, SquareShoulder
from hoomd_colloidml.lattice.fluid import fluid


def carnahan_starling_eta(beta_p):
    """Packing fraction of the hard-sphere fluid at beta P sigma^3 (Carnahan-Starling EOS)."""
    f = lambda e: 6 * e / np.pi * (1 + e + e * e - e**3) / (1 - e) ** 3 - beta_p  # noqa: E731
    return brentq(f, 1e-9, 0.7)


def shy_disk_eta(beta_p):
    """Hard-disk fluid packing fraction at beta P sigma^2 from the Santos-Lopez de Haro-Yuste EOS.

    Z = 1 / (1 - 2 eta + (2 eta_cp - 1) eta^2 / eta_cp^2), eta_cp = pi / (2 sqrt 3)
    (A. Santos, M. Lopez de Haro, S. B. Yuste, J. Chem. Phys. 103, 4622 (1995)).
    """
    ecp = np.pi / (2 * np.sqrt(3))
    z = lambda e: 1 / (1 - 2 * e + (2 * ecp - 1) * e * e / ecp**2)  # noqa: E731
    return brentq(lambda e: z(e) * 4 * e / np.pi - beta_p, 1e-9, 0.8)


def henderson_disk_eta(beta_p):
    """Henderson's hard-disk EOS Z = (1 + eta^2 / 8) / (1 - eta)^2 (Mol. Phys. 30, 971 (1975))."""
    z = lambda e: (1 + e * e / 8) / (1 - e) ** 2  # noqa: E731
    return brentq(lambda e: z(e) * 4 * e / np.pi - beta_p, 1e-9, 0.8)


def block_mean(x, n_blocks=10):
    blocks = np.array_split(np.asarray(x), n_blocks)
    m = np.array([b.mean() for b in blocks])
    return m.mean(), m.std(ddof=1) / np.sqrt(n_blocks)


def npt_mean_eta(n, beta_p, dim, sweeps, equil, seed, eta0):
    mc = MonteCarlo(fluid(n, eta0, dimensions=dim, seed=seed), seed=seed, step_size=0.15,
                    box_step=0.005)
    ens = NPT(beta_p, box_trials=10)
    mc.run(equil, ens, progress=False, equilibrate=True, pressure_every=0)
    mc.run(sweeps, ens, progress=False, pressure_every=0)
    return block_mean(mc.observables["packing_fraction"]), mc


@pytest.mark.parametrize("beta_p", [2.0, 5.0, 10.0])
def test_hard_spheres_npt_carnahan_starling(beta_p):
    # CI version (N = 256, short run); test_engine_validation.py runs N = 500 for 20x longer
    # against the 1 % criterion of the issue.
    ref = carnahan_starling_eta(beta_p)
    (eta, err), mc = npt_mean_eta(256, beta_p, 3, 2500, 300, 11, ref)
    assert abs(eta - ref) / ref < 0.025, (eta, err, ref)
    assert 0.1 < mc.acceptance["box"] < 0.9 and 0.1 < mc.acceptance["translate"] < 0.9


def test_hard_disks_npt_published_eos():
    ref = shy_disk_eta(4.0)
    assert abs(ref - henderson_disk_eta(4.0)) / ref < 0.01  # the two EOS agree here
    (eta, err), _ = npt_mean_eta(256, 4.0, 2, 2500, 300, 5, ref)
    assert abs(eta - ref) / ref < 0.025, (eta, err, ref)


def test_npt_relaxes_from_a_wrong_density():
    ref = carnahan_starling_eta(5.0)
    (eta, err), _ = npt_mean_eta(128, 5.0, 3, 1500, 1500, 2, ref - 0.05)
    assert abs(eta - ref) / ref < 0.03, (eta, err, ref)


def test_hard_sphere_pressure_estimator_nvt():
    eta = 0.40
    mc = MonteCarlo(fluid(300, eta, seed=3), seed=4)
    mc.run(300, progress=False, equilibrate=True)
    mc.run(2000, progress=False, pressure_every=4)
    cs = 6 * eta / np.pi * (1 + eta + eta**2 - eta**3) / (1 - eta) ** 3
    assert mc.pressure == pytest.approx(cs, rel=0.04)


def _pair_distances(pot, L, kT, n_samples, seed, dim=3):
    box = freud.box.Box.cube(L) if dim == 3 else freud.box.Box.square(L)
    pos = np.zeros((2, 3))
    pos[1, 0] = 0.45 * L
    s = System(box, pos, diameters=np.zeros(2))
    mc = MonteCarlo(s, [pot], seed=seed, kT=kT, step_size=0.35 * L)
    r = np.empty(n_samples)
    for k in range(n_samples):
        mc.run(3, progress=False, sample_every=10**9, pressure_every=0)
        d = box.wrap(mc._pos[1:] - mc._pos[:1])
        r[k] = np.linalg.norm(d)
    return r


@pytest.mark.parametrize(
    ("pot", "L", "kT"),
    [
        (SquareShoulder(sigma=1.0, delta=1.4, epsilon=1.0), 3.2, 1.0),
        (LennardJones(epsilon=1.0, sigma=1.0, r_cut=2.5), 5.2, 1.5),
    ],
)
def test_two_particles_sample_boltzmann_distribution(pot, L, kT):
    """p(r) dr ∝ 4 pi r^2 exp(-u(r) / kT) dr for r < L / 2 (chi-squared test)."""
    r = _pair_distances(pot, L, kT, 20000, seed=7)
    edges = np.linspace(0.8, L / 2, 25)
    counts, _ = np.histogram(r, edges)
    fine = np.linspace(edges[0], edges[-1], 24 * 200 + 1)
    w = fine**2 * np.exp(-pot.energy(fine) / kT)
    cum = np.concatenate([[0], np.cumsum(0.5 * (w[1:] + w[:-1]) * np.diff(fine))])
    expected_w = np.diff(cum[::200])
    expected = expected_w / expected_w.sum() * counts.sum()
    ok = expected > 5
    chi2 = ((counts[ok] - expected[ok]) ** 2 / expected[ok]).sum()
    p = stats.chi2.sf(chi2, ok.sum() - 1)
    assert p > 1e-3, (chi2, ok.sum(), counts, expected.round(1))
    # and it is not trivially satisfied: a flat (u = 0) distribution is rejected
    flat = np.diff(edges**3)
    flat = flat / flat.sum() * counts.sum()
    chi2_flat = ((counts[ok] - flat[ok]) ** 2 / flat[ok]).sum()
    assert stats.chi2.sf(chi2_flat, ok.sum() - 1) < 1e-6


def test_running_energy_equals_recomputed_pair():
    s = fluid(100, 0.45, dimensions=2, seed=2)
    mc = MonteCarlo(s, [SquareShoulder(sigma=1.0, delta=1.4, epsilon=1.0)], seed=1, kT=1.0)
    for _ in range(2):
        mc.run(1000, NPT(5.0), progress=False, pressure_every=0)
        assert mc.energy == mc.recompute_energy()  # integer multiples of epsilon: exact
        assert mc.energy > 0
    n = 160
    s = fluid(n, 0.3, composition=(0.8, 0.2), size_ratio=0.88, seed=3)
    s = System(s.box, s.positions, s.typeid, ["A", "B"], np.zeros(n))
    mc = MonteCarlo(s, [LennardJones.kob_andersen()], seed=2, kT=1.0)
    for _ in range(2):
        mc.run(1000, NPT(2.0), progress=False, pressure_every=0)
        assert mc.energy == pytest.approx(mc.recompute_energy(), rel=1e-11, abs=1e-9)
        assert mc.energy < 0


def test_running_energy_equals_recomputed_many_body(embedding):
    s = fluid(16, 0.35, dimensions=2, seed=4)
    mc = MonteCarlo(s, [embedding(0.5, 1.6), SquareShoulder(sigma=1.0, delta=1.2, epsilon=0.5)],
                    seed=3)
    for _ in range(2):
        mc.run(1000, NPT(3.0), progress=False, pressure_every=0)
        assert mc.energy == pytest.approx(mc.recompute_energy(), rel=1e-10, abs=1e-10)
        assert mc.energy > 0


def _reference_npt(system, pot, beta_p, sweeps, seed, step, vstep):
    """Brute-force NPT Monte Carlo: full energy from scratch for every trial, numpy RNG."""
    rng = np.random.default_rng(seed)
    pos = system.positions.copy()[:, :2]
    L = np.array([system.box.Lx, system.box.Ly])
    n = len(pos)

    def energy(p, L):
        d = p[None] - p[:, None]
        d -= L * np.round(d / L)
        r2 = (d**2).sum(-1)
        np.fill_diagonal(r2, np.inf)
        if (r2 < 1.0).any():
            return np.inf
        s = System(freud.box.Box(L[0], L[1], 0, is2D=True),
                   np.column_stack([p - L * np.round(p / L), np.zeros(n)]))
        return float(pot.energies(s).sum())

    e = energy(pos, L)
    rho = []
    for _ in range(sweeps):
        for _ in range(n):
            i = rng.integers(n)
            trial = pos.copy()
            trial[i] += rng.uniform(-step, step, 2)
            e1 = energy(trial, L)
            if e1 - e <= 0 or rng.random() < math.exp(-(e1 - e)):
                pos, e = trial, e1
        f = math.exp(rng.uniform(-vstep, vstep) / 2)
        e1 = energy(pos * f, L * f)
        arg = -(e1 - e) - beta_p * (f * f - 1) * L.prod() + (n + 1) * math.log(f * f)
        if arg >= 0 or rng.random() < math.exp(arg):
            pos, L, e = pos * f, L * f, e1
        rho.append(n / L.prod())
    return np.array(rho)


def test_npt_many_body_matches_brute_force_reference(embedding):
    pot = embedding(1.5, 1.6)
    s = fluid(12, 0.3, dimensions=2, seed=8)
    beta_p = 2.0
    mc = MonteCarlo(s, [pot], seed=5, step_size=0.3, box_step=0.1)
    mc.run(200, NPT(beta_p), progress=False, pressure_every=0)
    mc.run(3000, NPT(beta_p), progress=False, pressure_every=0)
    ours, ours_err = block_mean(mc.observables["density"], 20)
    ref_rho = _reference_npt(s, pot, beta_p, 3200, 6, 0.3, 0.1)[200:]
    ref, ref_err = block_mean(ref_rho, 20)
    err = math.hypot(ours_err, ref_err)
    assert err < 0.03 * ref  # the comparison resolves a few percent
    assert abs(ours - ref) < 4 * err, (ours, ref, err)
    # the many-body term matters at this state point: hard disks alone are denser
    hd = MonteCarlo(s, seed=5, step_size=0.3, box_step=0.1)
    hd.run(3000, NPT(beta_p), progress=False, pressure_every=0)
    assert hd.observables["density"][200:].mean() > ref + 3 * err


def test_removal_local_energy_path_equals_neighbourhood_path():
    """A potential with ``local_energy_is_removal`` is evaluated on the moved particle alone;
    the chain is the one of the general path (particle + neighbourhood), only cheaper."""
    from hoomd_colloidml.potentials import AsakuraOosawa

    class General(AsakuraOosawa):
        local_energy_is_removal = False

    s = fluid(24, 0.3, seed=2)
    runs = []
    for cls in (AsakuraOosawa, General):
        mc = MonteCarlo(s, [cls(0.4, 0.4, n_theta=6, n_phi=12)], seed=7, step_size=0.2)
        mc.run(15, NPT(3.0, box_trials=2), progress=False, pressure_every=0)
        runs.append(mc)
    fast, general = runs
    assert fast.acceptance == general.acceptance
    np.testing.assert_allclose(fast.system.positions, general.system.positions, atol=1e-12)
    assert fast.energy == pytest.approx(fast.recompute_energy(), rel=1e-10, abs=1e-10)
    assert fast.energy == pytest.approx(general.energy, rel=1e-10, abs=1e-10)


def test_npt_then_nvt_virial_pressure_consistent():
    """NPT at P, then NVT at the mean density: the virial pressure estimator returns P."""
    lj = LennardJones(epsilon=1.0, sigma=1.0, r_cut=2.5)
    n = 125
    s = fluid(n, 0.3, seed=9)
    s = System(s.box, s.positions, diameters=np.zeros(n))
    mc = MonteCarlo(s, [lj], seed=1, kT=2.0)
    mc.run(300, NPT(2.0), progress=False, equilibrate=True, pressure_every=0)
    mc.run(2000, NPT(2.0), progress=False, pressure_every=5)
    rho = mc.observables["density"].mean()
    assert mc.pressure == pytest.approx(2.0, rel=0.05)
    cur = mc.system
    f = (n / rho / cur.volume) ** (1 / 3)
    nvt = MonteCarlo(System(freud.box.Box.cube(cur.box.Lx * f), cur.positions * f,
                            diameters=np.zeros(n)), [lj], seed=2, kT=2.0)
    nvt.run(200, progress=False, equilibrate=True)
    nvt.run(2000, progress=False, pressure_every=5)
    assert nvt.pressure == pytest.approx(2.0, rel=0.05)


def test_hard_spheres_npt_axes_moves_carnahan_starling():
    ref = carnahan_starling_eta(5.0)
    mc = MonteCarlo(fluid(256, ref, seed=12), seed=12, step_size=0.15, box_step=0.005)
    ens = NPT(5.0, box_moves="axes", box_trials=10)
    mc.run(300, ens, progress=False, equilibrate=True, pressure_every=0)
    mc.run(2500, ens, progress=False, pressure_every=0)
    eta, err = block_mean(mc.observables["packing_fraction"])
    assert abs(eta - ref) / ref < 0.025, (eta, err, ref)
    L = [mc.system.box.Lx, mc.system.box.Ly, mc.system.box.Lz]
    assert len(set(L)) == 3  # the box lengths moved independently


def test_softened_core_shoulder_2d_energy_bookkeeping():
    from hoomd_colloidml.engine import SoftenedCoreShoulder

    s = fluid(150, 0.4, dimensions=2, seed=6)
    s = System(s.box, s.positions, diameters=np.zeros(s.N))
    scs = SoftenedCoreShoulder(sigma=1.0, epsilon=1.0, k=10.0, delta=1.35, r_cut=2.5)
    mc = MonteCarlo(s, [scs], seed=2, kT=0.5)
    mc.run(300, NPT(5.0, box_moves="axes"), progress=False, pressure_every=0)
    assert mc.energy == pytest.approx(mc.recompute_energy(), rel=1e-11)
    assert np.isfinite(mc.energy) and mc.energy > 0
