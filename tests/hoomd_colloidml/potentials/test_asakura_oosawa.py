"""AsakuraOosawa: exact pair term, triple-overlap volume vs Monte Carlo, q < 0.1547."""

import freud
import numpy as np
import pytest

from hoomd_colloidml.lattice import crystal, rattle
from hoomd_colloidml.potentials import AsakuraOosawa
from hoomd_colloidml.potentials.asakura_oosawa import Q_MANY_BODY

BOX = freud.box.Box.cube(8.0)
TRI = np.array([[0.0, 0, 0], [1.1, 0, 0], [0.5, 0.9, 0.2]])


def _mc_triple_volume(pos, radius, n=1_000_000, batches=8, seed=1):
    """Independent Monte Carlo estimate of the volume common to all spheres (mean, stderr)."""
    rng = np.random.default_rng(seed)
    lo, hi = pos.max(0) - radius, pos.min(0) + radius
    vol = np.prod(hi - lo)
    frac = []
    for _ in range(batches):
        x = lo + (hi - lo) * rng.random((n, 3))
        inside = np.all(((x[:, None, :] - pos[None]) ** 2).sum(-1) < radius**2, axis=1)
        frac.append(inside.mean())
    frac = np.array(frac)
    return vol * frac.mean(), vol * frac.std(ddof=1) / np.sqrt(batches)


def test_pair_term_is_analytic_ao():
    """beta phi = -eta_r (1+q)^3/q^3 [1 - 3x/2 + x^3/2], x = r/(sigma_c (1+q)) (Vrij)."""
    q, eta = 0.4, 0.8
    ao = AsakuraOosawa(q, eta)
    r = np.linspace(1.0, 1.0 + q, 9)[:-1] + 0.01
    for ri in r:
        pos = np.array([[0.0, 0, 0], [ri, 0, 0]])
        x = ri / (1 + q)
        ref = -eta * (1 + q) ** 3 / q**3 * (1 - 1.5 * x + 0.5 * x**3)
        assert ao.energy((BOX, pos)) == pytest.approx(ref, rel=1e-12)
        assert ao.many_body_energies((BOX, pos)).sum() == 0.0
    pos = np.array([[0.0, 0, 0], [1.0 + q + 1e-6, 0, 0]])
    assert ao.energy((BOX, pos)) == 0.0


def test_triple_overlap_volume_matches_monte_carlo():
    ao = AsakuraOosawa(0.4, 1.0, n_theta=128, n_phi=256)
    ours = ao.many_body_energies((BOX, TRI)).sum() / ao.z_p
    mc, err = _mc_triple_volume(TRI, ao.depletion_radius)
    # stated tolerance: 0.3 % relative at 128 x 256, plus the MC error bar (4 sigma)
    assert abs(ours - mc) < 3e-3 * mc + 4 * err
    # default rule: 1 % and its own error estimate is of the right size
    ao_d = AsakuraOosawa(0.4, 1.0)
    d = ao_d.many_body_energies((BOX, TRI)).sum() / ao_d.z_p
    assert abs(d - mc) < 1e-2 * mc + 4 * err
    assert ao_d.many_body_error((BOX, TRI)) / ao_d.z_p > 0.3 * abs(d - mc)


def test_grid_method_triple_overlap_matches_monte_carlo():
    """The thesis's grid reference (~1e5 nodes per depletion sphere): 0.5 % on a triple
    overlap, and its own error estimate (halved resolution) bounds the actual error."""
    g = AsakuraOosawa(0.4, 1.0, method="grid")
    ours = g.many_body_energies((BOX, TRI)).sum() / g.z_p
    mc, err = _mc_triple_volume(TRI, g.depletion_radius)
    assert abs(ours - mc) < 5e-3 * mc + 4 * err
    assert g.many_body_error((BOX, TRI)) / g.z_p > abs(ours - mc) - 4 * err


def test_grid_method_agrees_with_rays_per_particle():
    """Rattled FCC at eta_c = 0.4 (many thin triple lenses): the grid's error estimate
    (halved resolution) bounds its deviation from the converged ray rule, and the grid
    converges to it (about 2 % at the default ~1e5 nodes, 1 % at 116 nodes/diameter)."""
    s = rattle(crystal("fcc", 2, 0.4), 0.03, seed=2)
    box, pos = s.box, s.positions
    u_r = AsakuraOosawa(0.4, 0.5, n_theta=128, n_phi=256).many_body_energies((box, pos))
    assert u_r.sum() > 0
    grid = AsakuraOosawa(0.4, 0.5, method="grid")
    dev = abs(grid.many_body_energies((box, pos)).sum() - u_r.sum())
    assert dev < grid.many_body_error((box, pos))
    assert dev < 0.05 * u_r.sum()
    u_f = AsakuraOosawa(0.4, 0.5, method="grid", grid_points=116).many_body_energies((box, pos))
    assert abs(u_f.sum() - u_r.sum()) < 0.015 * u_r.sum()
    assert np.abs(u_f - u_r).max() < 0.015 * u_r.max()
    # pair term identical; local-energy differences exact for the grid too
    g = AsakuraOosawa(0.4, 0.5, method="grid", grid_points=16)
    new = pos.copy()
    new[4] = box.wrap(new[4] + [0.05, -0.03, 0.02])
    d_local = g.local_energy((box, new), [4]) - g.local_energy((box, pos), [4])
    assert d_local == pytest.approx(g.energy((box, new)) - g.energy((box, pos)), rel=1e-9)


def test_grid_method_zero_below_threshold():
    eq = np.array([[0, 0, 0], [1.0001, 0, 0], [0.50005, 0.8661, 0]])
    assert AsakuraOosawa(0.15, 1.0, method="grid").many_body_energies((BOX, eq)).sum() == 0.0
    assert AsakuraOosawa(0.2, 1.0, method="grid").many_body_energies((BOX, eq)).sum() > 0.0


def test_four_layers_counted_inclusion_exclusion():
    """A regular tetrahedron: many-body = sum of triples - 3 x (quadruple) volume... via MC."""
    ao = AsakuraOosawa(0.4, 1.0, n_theta=96, n_phi=192)
    a = 1.05
    tet = a * np.array(
        [[0, 0, 0], [1, 0, 0], [0.5, np.sqrt(3) / 2, 0], [0.5, np.sqrt(3) / 6, np.sqrt(2 / 3)]]
    )
    ours = ao.many_body_energies((BOX, tet)).sum() / ao.z_p
    # MC of int (n-1)(n-2)/2 over the union
    rng = np.random.default_rng(3)
    R = ao.depletion_radius
    lo, hi = tet.min(0) - R, tet.max(0) + R
    tot = []
    for _ in range(6):
        x = lo + (hi - lo) * rng.random((1_000_000, 3))
        n = (((x[:, None, :] - tet[None]) ** 2).sum(-1) < R * R).sum(1)
        tot.append(np.mean((n - 1) * (n - 2) / 2 * (n >= 1)))
    tot = np.array(tot) * np.prod(hi - lo)
    mc, err = tot.mean(), tot.std(ddof=1) / np.sqrt(len(tot))
    assert abs(ours - mc) < 5e-3 * mc + 4 * err


def test_many_body_zero_below_threshold(rng):
    q = 0.15
    assert q < Q_MANY_BODY
    ao = AsakuraOosawa(q, 1.0)
    # dense random packings of non-overlapping colloids with many close triples
    pos = np.array([[x, y, z] for x in range(4) for y in range(4) for z in range(4)], float)
    pos *= 1.02
    pos += rng.normal(scale=0.005, size=pos.shape)
    box = freud.box.Box.cube(4 * 1.02)
    pos = box.wrap(pos)
    eq = np.array([[0, 0, 0], [1.0001, 0, 0], [0.50005, 0.8661, 0]])
    assert ao.many_body_energies((BOX, eq)).sum() == 0.0
    assert ao.many_body_energies((box, pos)).sum() == 0.0
    # just above the threshold the same equilateral triangle has a many-body term
    assert AsakuraOosawa(0.2, 1.0).many_body_energies((BOX, eq)).sum() > 0.0


def test_local_energy_and_fd_forces(rng):
    ao = AsakuraOosawa(0.4, 0.5, n_theta=16, n_phi=32)
    box = freud.box.Box.cube(3.3)
    pos = np.array([[x, y, z] for x in range(3) for y in range(3) for z in range(3)], float) * 1.1
    pos = box.wrap(pos + rng.normal(scale=0.02, size=pos.shape))
    new = pos.copy()
    new[4] += [0.15, -0.1, 0.05]
    d_local = ao.local_energy((box, new), [4]) - ao.local_energy((box, pos), [4])
    d_full = ao.energy((box, new)) - ao.energy((box, pos))
    assert d_local == pytest.approx(d_full, rel=1e-9)
    e, f, w = ao.forces((box, pos))
    assert f.shape == (27, 3) and np.allclose(f.sum(0), 0, atol=1e-4)
    assert np.isfinite(w).all()


@pytest.mark.parametrize(
    "kw, err, match",
    [
        (dict(q=0.0, eta_r=0.1), ValueError, "'q'"),
        (dict(q=-0.4, eta_r=0.1), ValueError, "'q'"),
        (dict(q=0.4, eta_r=-0.1), ValueError, "'eta_r'"),
        (dict(q=0.4, eta_r=0.1, sigma_c=0.0), ValueError, "'sigma_c'"),
        (dict(q=0.4, eta_r=0.1, sigma_c=-1.0), ValueError, "'sigma_c'"),
        (dict(q=0.4, eta_r=0.1, n_theta=1), ValueError, "'n_theta'"),
        (dict(q="a", eta_r=0.1), TypeError, "'q'"),
        (dict(q=0.4, eta_r=0.1, method="mc"), ValueError, "'method'"),
        (dict(q=0.4, eta_r=0.1, method="grid", grid_points=3), ValueError, "'grid_points'"),
        (dict(q=0.4, eta_r=0.1, grid_points=50.0), ValueError, "'grid_points'"),
    ],
)
def test_bad_parameters(kw, err, match):
    with pytest.raises(err, match=match):
        AsakuraOosawa(**kw)


def test_two_dimensional_system_rejected():
    ao = AsakuraOosawa(0.4, 0.1)
    with pytest.raises(ValueError):
        ao.energies((freud.box.Box.square(5.0), np.zeros((2, 3))))
