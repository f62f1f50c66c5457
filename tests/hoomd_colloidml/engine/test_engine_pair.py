"""Pair potentials: energies against the analytic formulas, derivatives by finite differences."""

import numpy as np
import pytest

from hoomd_colloidml.engine import (
    WCA,
    AsakuraOosawa,
    HardSphere,
    Hertzian,
    LennardJones,
    SoftenedCoreShoulder,
    SquareShoulder,
)
from hoomd_colloidml.engine import kernels as K

R = np.linspace(0.85, 2.45, 41)


def lj(r, e=1.0, s=1.0):
    return 4 * e * ((s / r) ** 12 - (s / r) ** 6)


def test_lennard_jones_truncated_shifted():
    u = LennardJones(epsilon=1.3, sigma=0.9, r_cut=2.5)
    np.testing.assert_allclose(u.energy(R), lj(R, 1.3, 0.9) - lj(2.5, 1.3, 0.9), rtol=1e-12)
    assert u.energy([2.6])[0] == 0.0


def test_wca_is_shifted_repulsive_lj():
    u = WCA(epsilon=1.0, sigma=1.0)
    rc = 2 ** (1 / 6)
    r = np.linspace(0.9, 1.3, 9)
    expected = np.where(r < rc, lj(r) + 1.0, 0.0)
    np.testing.assert_allclose(u.energy(r), expected, atol=1e-12)


def test_kob_andersen_parameters():
    ka = LennardJones.kob_andersen()
    # Kob & Andersen PRE 51, 4626: eps_AB = 1.5, sigma_AB = 0.8, eps_BB = 0.5, sigma_BB = 0.88
    assert ka.params_for("A", "B")["epsilon"] == 1.5 and ka.params_for("B", "A")["sigma"] == 0.8
    assert ka.params_for("B", "B")["epsilon"] == 0.5 and ka.params_for("B", "B")["sigma"] == 0.88
    r = np.array([0.9, 1.5])
    np.testing.assert_allclose(ka.energy(r, "A", "B"), lj(r, 1.5, 0.8) - lj(2.0, 1.5, 0.8))
    w = WCA.wahnstrom()
    assert w.params_for("B", "B")["sigma"] == 1.2 and w.params_for("A", "B")["sigma"] == 1.1


def test_square_shoulder_eq_7_1():
    u = SquareShoulder(sigma=1.0, delta=1.4, epsilon=0.7)
    np.testing.assert_array_equal(u.energy([0.99, 1.0, 1.39, 1.41]), [np.inf, 0.7, 0.7, 0.0])


def test_softened_core_shoulder_eq_7_2():
    u = SoftenedCoreShoulder(sigma=1.0, epsilon=1.0, k=10.0, delta=1.35, r_cut=2.5)
    f = lambda r: r**-14 + 0.5 * (1 - np.tanh(10 * (r - 1.35)))  # noqa: E731
    np.testing.assert_allclose(u.energy(R), f(R) - f(2.5), rtol=1e-12, atol=1e-14)


def test_hertzian_and_hard_sphere():
    r = np.array([0.2, 0.6, 1.2])
    np.testing.assert_allclose(
        Hertzian(epsilon=2.0, sigma=1.0).energy(r), [2 * 0.8**2.5, 2 * 0.4**2.5, 0.0]
    )
    np.testing.assert_array_equal(HardSphere(sigma=1.0).energy([0.5, 1.5]), [np.inf, 0.0])


def test_asakura_oosawa_pair_term():
    q, eta = 0.4, 0.3
    u = AsakuraOosawa(sigma=1.0, q=q, eta_p=eta)
    r = np.linspace(1.0, 1.39, 7)
    # overlap volume of two depletion spheres (radius (1+q)/2) over the polymer volume
    R_ = (1 + q) / 2
    v_ov = np.pi / 12 * (4 * R_ + r) * (2 * R_ - r) ** 2
    np.testing.assert_allclose(u.energy(r), -eta * v_ov / (np.pi * q**3 / 6), rtol=1e-12)
    assert u.energy([0.99])[0] == np.inf and u.energy([1.41])[0] == 0.0


@pytest.mark.parametrize(
    "pot",
    [
        LennardJones(epsilon=1.0, sigma=1.0),
        SoftenedCoreShoulder(sigma=1.0, epsilon=1.0, k=10.0, delta=1.35),
        Hertzian(epsilon=1.0, sigma=2.5),
        AsakuraOosawa(sigma=1.0, q=1.4, eta_p=0.2),
    ],
)
def test_virial_term_is_finite_difference(pot):
    kinds, params, rc = pot.table(["A"])
    p = params[0, 0]
    h = 1e-6
    for r in np.linspace(1.02, 2.3, 13):
        k = kinds[0, 0]
        num = K.pair_energy(k, p, (r + h) ** 2) - K.pair_energy(k, p, (r - h) ** 2)
        expected = r * num / (2 * h)
        assert K.pair_r_dudr(k, p, r * r) == pytest.approx(expected, rel=1e-6, abs=1e-8)


def test_bad_parameters():
    with pytest.raises(ValueError, match="'epsilon' parameter of LennardJones must be finite"):
        LennardJones(epsilon=np.nan, sigma=1.0)
    with pytest.raises(ValueError, match="'sigma' parameter of WCA must be a finite number > 0"):
        WCA(epsilon=1.0, sigma=-1.0)
    with pytest.raises(ValueError, match="delta >= sigma"):
        SquareShoulder(sigma=1.0, delta=0.5, epsilon=1.0)
    with pytest.raises(ValueError, match="missing"):
        SquareShoulder(sigma=1.0, epsilon=1.0)
    with pytest.raises(ValueError, match="needs parameters"):
        LennardJones()
    with pytest.raises(ValueError, match="type 'C', which is not one of the system's types"):
        LennardJones(params={("A", "C"): {"epsilon": 1.0, "sigma": 1.0}}).table(["A", "B"])


@pytest.mark.parametrize(("n", "L"), [(60, 5.2), (400, 6.9), (1500, 10.8), (100, 12.0), (200, 7.6)])
def test_cell_list_energy_matches_brute_force(n, L):
    """Cell-list total and per-particle energies equal an all-pairs numpy sum (coarse and
    fine cell stencils, few and many cells)."""
    rng = np.random.default_rng(n)
    pos = rng.uniform(-L / 2, L / 2, (n, 3))
    typeid = (rng.random(n) < 0.2).astype(np.int64)
    ka = LennardJones.kob_andersen()
    kinds, params, rcut = ka.table(["A", "B"])
    tables = (kinds[None], params[None], rcut[None] ** 2)
    Lv = np.full(3, L)
    d = pos[None] - pos[:, None]
    d -= L * np.round(d / L)
    r = np.linalg.norm(d, axis=-1)
    np.fill_diagonal(r, np.inf)
    eps = np.array([[1.0, 1.5], [1.5, 0.5]])[typeid[:, None], typeid[None]]
    sig = np.array([[1.0, 0.8], [0.8, 0.88]])[typeid[:, None], typeid[None]]
    rc = 2.5 * sig
    u = np.where(r < rc, lj(r, eps, sig) - lj(rc, eps, sig), 0.0)
    diam = np.zeros(n)
    total = K.total_energy(pos, typeid, diam, Lv, 3, *tables, 2.5)
    assert total == pytest.approx(0.5 * u.sum(), rel=1e-10)
    cells = K.build_cells(pos, Lv, 3, 2.5)
    for i in range(0, n, max(1, n // 20)):
        e = K.particle_energy(i, pos[i], typeid[i], 0.0, pos, typeid, diam, Lv, 3, cells[0],
                              cells[1], cells[2], *tables, 6.25)
        assert e == pytest.approx(u[i].sum(), rel=1e-10, abs=1e-12)
