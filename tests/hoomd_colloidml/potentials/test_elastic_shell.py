"""ElasticShell against the analytic pair limit (Eq. 2.2) and the many-body rule (Eq. 2.3)."""

import freud
import numpy as np
import pytest

from hoomd_colloidml.potentials import ElasticShell
from hoomd_colloidml.potentials.elastic_shell import pair_energy, shell_points, wrap64

BOX2 = freud.box.Box.square(6.0)
BOX3 = freud.box.Box.cube(6.0)
RS = np.linspace(0.5, 1.0, 26)[1:-1]


def _pair_rmsd(n_points):
    pot = ElasticShell(n_points=n_points, n_orientations=20)
    e = np.array([pot.energies((BOX2, np.array([[0, 0, 0], [r, 0, 0]])))[0] for r in RS])
    return np.sqrt(np.mean((e - pair_energy(RS)) ** 2))


def test_voronoi_weights_cover_sphere():
    pts, areas = shell_points(200)
    assert np.allclose(np.linalg.norm(pts, axis=1), 1.0)
    assert areas.sum() == pytest.approx(4 * np.pi, rel=1e-10)
    assert areas.min() > 0.5 * areas.mean()  # approximately equidistributed


def test_pair_limit_converges_with_n_points():
    """Eq. 2.2 is the continuum limit: RMSD over r/sigma in (0.5, 1) decreases with N_p."""
    rmsd = {n: _pair_rmsd(n) for n in (50, 200, 600)}
    scale = np.pi / 16
    assert rmsd[600] < rmsd[200] < rmsd[50]
    assert rmsd[200] < 1e-3 * scale
    assert rmsd[600] < 2e-4 * scale


def test_pair_symmetric_and_2d_equals_3d():
    pot = ElasticShell(n_points=100, n_orientations=5)
    p2 = np.array([[0, 0, 0], [0.7, 0.2, 0]])
    e2 = pot.energies((BOX2, p2))
    e3 = pot.energies((BOX3, p2))
    assert np.allclose(e2, e3)
    assert np.allclose(e2, pair_energy(np.hypot(0.7, 0.2)), rtol=0.01)
    # the other particle: same distance, different orientation of the cap
    assert e2[1] == pytest.approx(e2[0], rel=0.02)


def test_three_overlapping_below_pairwise_sum():
    pot = ElasticShell(n_points=200, n_orientations=10)
    tri = np.array([[0, 0, 0], [0.7, 0, 0], [0.35, 0.6, 0]])
    e3 = pot.energies((BOX2, tri))
    # pairwise sum for particle 0: energies with each neighbour alone
    e01 = pot.energies((BOX2, tri[[0, 1]]))[0]
    e02 = pot.energies((BOX2, tri[[0, 2]]))[0]
    assert e3[0] < e01 + e02 - 1e-3 * (e01 + e02)
    assert e3[0] > max(e01, e02)


def test_non_intersecting_overlaps_are_pairwise():
    pot = ElasticShell(n_points=200, n_orientations=10)
    line = np.array([[0, 0, 0], [0.8, 0, 0], [-0.8, 0, 0]])
    e = pot.energies((BOX2, line))
    e01 = pot.energies((BOX2, line[[0, 1]]))[0]
    e02 = pot.energies((BOX2, line[[0, 2]]))[0]
    assert e[0] == pytest.approx(e01 + e02, rel=1e-12)


def test_local_energy_differences_are_exact(rng):
    pot = ElasticShell(n_points=60, n_orientations=3, K=10.0)
    pos = np.array(
        [[x, y, 0.0] for x in np.arange(-1.5, 1.5, 0.75) for y in np.arange(-1.5, 1.5, 0.75)]
    )
    pos[:, :2] += rng.normal(scale=0.03, size=(len(pos), 2))
    box = freud.box.Box.square(3.0)
    pos = wrap64(box, pos)
    for i in (0, 5, 11):
        new = pos.copy()
        new[i, :2] += [0.2, -0.15]  # large enough that some overlaps start/stop
        new = wrap64(box, new)
        d_local = pot.local_energy((box, new), [i]) - pot.local_energy((box, pos), [i])
        d_full = pot.energy((box, new)) - pot.energy((box, pos))
        assert d_local == pytest.approx(d_full, rel=1e-10, abs=1e-12)


def test_forces_are_minus_gradient_and_virial():
    pot = ElasticShell(n_points=60, n_orientations=2)
    box = freud.box.Box.square(2.5)
    pos = wrap64(box, np.array([[0, 0, 0], [0.8, 0.1, 0], [0.3, 0.75, 0]]))
    e, f, w = pot.forces((box, pos))
    assert f.shape == (3, 2) and w.shape == (6,)
    assert np.allclose(f.sum(0), 0, atol=1e-6)
    # pair limit: virial = sum_pairs F_ij r_ij (two particles)
    p2 = wrap64(box, np.array([[0, 0, 0], [0.8, 0.1, 0]]))
    _, f2, w2 = pot.forces((box, p2))
    r = p2[1] - p2[0]
    assert w2[0] == pytest.approx(f2[1, 0] * r[0], rel=1e-4)
    assert w2[3] == pytest.approx(f2[1, 1] * r[1], rel=1e-4)


def test_core_overlap_is_infinite():
    pot = ElasticShell(n_points=50, n_orientations=2)
    assert np.isinf(pot.energies((BOX2, np.array([[0, 0, 0], [0.4, 0, 0]])))).all()


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(sigma=0.0), "'sigma'"),
        (dict(sigma=-1.0), "'sigma'"),
        (dict(K=-1.0), "'K'"),
        (dict(n_points=2), "'n_points'"),
        (dict(n_orientations=0), "'n_orientations'"),
    ],
)
def test_bad_parameters(kw, match):
    with pytest.raises(ValueError, match=match):
        ElasticShell(**kw)


def test_bad_system():
    pot = ElasticShell(n_points=50, n_orientations=2)
    with pytest.raises(ValueError):
        pot.energies((BOX2, np.array([[0, 0, np.nan]])))
    with pytest.raises(ValueError, match="indices"):
        pot.local_energy((BOX2, np.zeros((1, 3))), [5])


@pytest.mark.validate
def test_fig_2_2_rmsd_table():
    """Fig. 2.2: RMSD vs N_p with N_o = 100 (prints the figures for the report)."""
    for n in (50, 100, 200, 600):
        pot = ElasticShell(n_points=n, n_orientations=100)
        e = np.array([pot.energies((BOX2, np.array([[0, 0, 0], [r, 0, 0]])))[0] for r in RS])
        print(n, np.sqrt(np.mean((e - pair_energy(RS)) ** 2)))
