"""Shell descriptors G(r, delta, s) and q(l, r, delta) (thesis Eqs. 6.2-6.4)."""

from __future__ import annotations

import json

import freud
import numpy as np
import pytest
import scipy.special

from freud_ext import describe
from freud_ext.environment import LocalAverage, ShellDescriptors


def fcc(n=3, d=1.0):
    """Ideal FCC, n^3 cubic cells, nearest-neighbour distance d, built in float64.

    With d = sqrt(2) the cubic cell is 2 and every coordinate is exact in float32 too
    (freud boxes are float32), so the lattice is perfect to the last bit.
    """
    a = d * np.sqrt(2)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    cells = np.stack(np.meshgrid(*[np.arange(n)] * 3, indexing="ij"), -1).reshape(-1, 1, 3)
    pts = ((cells + basis).reshape(-1, 3) + 0.25) * a - n * a / 2
    return freud.box.Box.cube(n * a), pts


def test_fcc_radial_peaks_and_coordination():
    d = np.sqrt(2)
    box, pts = fcc(4, d)
    r = np.round(np.arange(0.8, 2.45, 0.005), 6) * d
    sd = ShellDescriptors(radial=[(x, 0.02 * d) for x in r], angular=())
    g = sd.compute((box, pts)).features
    # every particle of the perfect lattice is equivalent
    np.testing.assert_allclose(g, np.broadcast_to(g[0], g.shape), atol=1e-6)
    g0 = g[0]
    peaks = [k for k in range(1, len(r) - 1) if g0[k] > g0[k - 1] and g0[k] >= g0[k + 1]]
    peaks = [k for k in peaks if g0[k] > 1.0]
    shells = np.sqrt([1, 2, 3, 4, 5]) * d  # FCC shell radii
    coordination = [12, 6, 24, 12, 24]
    np.testing.assert_allclose(r[peaks], shells, atol=0.005 * d)
    # at the exact shell radius, G counts the shell (other shells are > 10 delta away)
    exact = ShellDescriptors(radial=[(s, 0.02 * d) for s in shells], angular=())
    np.testing.assert_allclose(exact.compute((box, pts)).features[0], coordination, rtol=1e-9)


def test_species_blocks_count_neighbours_of_each_species():
    box, pts = fcc(3)
    rng = np.random.default_rng(0)
    typeid = rng.integers(0, 2, len(pts))
    sd = ShellDescriptors(radial=[(1.0, 0.05), (np.sqrt(2), 0.05)], angular=(), species=["A", "B"])
    g = sd.compute((box, pts), typeid=typeid).features
    nl = (
        freud.locality.AABBQuery(box, pts)
        .query(pts, dict(num_neighbors=12, exclude_ii=True))
        .toNeighborList()
    )
    n_b = np.bincount(nl.query_point_indices, weights=typeid[nl.point_indices], minlength=len(pts))
    np.testing.assert_allclose(g[:, 0], 12 - n_b, rtol=1e-9)  # G(r=1, s=A)
    np.testing.assert_allclose(g[:, 2], n_b, rtol=1e-9, atol=1e-9)  # G(r=1, s=B)
    np.testing.assert_allclose(g[:, 1] + g[:, 3], 6.0, rtol=1e-9)
    assert sd.feature_names[2] == "G(r=1,delta=0.05,s=B)"


def test_fcc_angular_equals_steinhardt():
    box, pts = fcc(3)
    ls = list(range(1, 13))
    sd = ShellDescriptors(radial=(), angular=[(1.0, 0.05)], l=ls)
    q = sd.compute((box, pts)).features
    st = freud.order.Steinhardt(ls)
    st.compute((box, pts), dict(num_neighbors=12, exclude_ii=True))
    ref = np.asarray(st.particle_order, dtype=np.float64)
    assert ref[0, 5] == pytest.approx(0.5745, abs=1e-4)  # the textbook FCC q6
    np.testing.assert_allclose(q, ref, atol=1e-4)  # measured: 1.2e-6 (freud is float32)


def test_hex_2d_angular_equals_steinhardt():
    box, pts = freud.data.UnitCell.hex().generate_system((6, 4, 1))
    pts = np.asarray(pts, dtype=np.float64)
    sd = ShellDescriptors(radial=[(1.0, 0.05)], angular=[(1.0, 0.05)], l=[4, 6])
    x = sd.compute((box, pts)).features
    st = freud.order.Steinhardt([4, 6])
    st.compute((box, pts), dict(num_neighbors=6, exclude_ii=True))
    np.testing.assert_allclose(x[:, 0], 6.0, rtol=1e-9)
    np.testing.assert_allclose(x[:, 1:], st.particle_order, atol=1e-5)


def loop_reference(box, pts, typeid, radial, angular, ls, species, n_sigma):
    """Eqs. 6.2-6.4 by loops; Gaussians truncated at n_sigma * delta as documented."""
    L = np.asarray(box.L, dtype=np.float64)
    n = len(pts)
    out = []
    for i in range(n):
        v = pts - pts[i]
        v -= L * np.round(v / L)
        v = np.delete(v, i, axis=0)
        t = np.delete(typeid, i)
        r = np.linalg.norm(v, axis=1)
        row = []
        for s in range(species):
            row += [
                np.where(np.abs(r - r0) <= n_sigma * d, np.exp(-((r - r0) ** 2) / (2 * d**2)), 0)[
                    t == s
                ].sum()
                for r0, d in radial
            ]
        theta = np.arccos(v[:, 2] / r)
        phi = np.arctan2(v[:, 1], v[:, 0])
        for r0, d in angular:
            w = np.where(np.abs(r - r0) <= n_sigma * d, np.exp(-((r - r0) ** 2) / (2 * d**2)), 0)
            for ll in ls:
                if w.sum() == 0:  # empty shell: q = 0 by convention
                    row.append(0.0)
                    continue
                m = np.arange(-ll, ll + 1)
                y = scipy.special.sph_harm_y(ll, m[:, None], theta[None], phi[None])
                qlm = (y * w).sum(axis=1) / w.sum()
                row.append(np.sqrt(4 * np.pi / (2 * ll + 1) * np.sum(np.abs(qlm) ** 2)))
        out.append(row)
    return np.array(out)


def test_loop_reference_random_two_species():
    rng = np.random.default_rng(4)
    box = freud.box.Box.cube(6.0)
    pts = rng.uniform(-3, 3, (60, 3))
    typeid = rng.integers(0, 2, 60)
    radial = [(0.7, 0.1), (1.3, 0.05), (2.0, 0.2)]
    angular = [(1.0, 0.1), (1.6, 0.15)]
    ls = [1, 2, 5, 8, 12]
    sd = ShellDescriptors(radial, angular, l=ls, species=["A", "B"], n_sigma=5.0)
    ours = sd.compute((box, pts), typeid=typeid).features
    ref = loop_reference(box, pts, typeid, radial, angular, ls, 2, 5.0)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-13)
    assert (ours[:, 6:] == 0).any() and (ours[:, 6:] > 0.1).mean() > 0.9
    assert len(sd.feature_names) == ours.shape[1] == 2 * 3 + 2 * 5


def test_kob_andersen_grid():
    sd = ShellDescriptors.kob_andersen()
    names = sd.feature_names
    assert len(names) == 392
    rad = np.array(sd.radial)
    assert len(rad) == 100 and 2 * len(rad) + 16 * 12 == 392
    assert rad[0, 0] == pytest.approx(0.525) and rad[59, 0] == pytest.approx(2.0)
    assert np.all(rad[:60, 1] == 0.025) and np.all(rad[60:80, 1] == 0.05)
    assert rad[60, 0] == pytest.approx(2.05) and rad[79, 0] == pytest.approx(3.0)
    assert rad[80, 0] == pytest.approx(3.1) and rad[99, 0] == pytest.approx(5.0)
    np.testing.assert_allclose(np.array(sd.angular)[:, 0], np.linspace(1, 2.5, 16))
    assert names[100] == "G(r=0.525,delta=0.025,s=B)" and names[-1] == "q(l=12,r=2.5,delta=0.1)"


def test_describe_with_average_and_config():
    rng = np.random.default_rng(1)
    box = freud.box.Box.cube(6.0)
    pts = rng.uniform(-3, 3, (50, 3))
    typeid = rng.integers(0, 2, 50)
    sd = ShellDescriptors(
        [(1.0, 0.1)], [(1.0, 0.1)], l=[4, 6], species=["A", "B"],
        average={"r_cut": 2.0, "order": 2},
    )  # fmt: skip
    cfg = json.loads(json.dumps(sd.get_config()))
    assert cfg["kind"] == "shell"
    sd2 = describe.from_config(cfg)
    x, names = sd2.describe((box, pts), typeid=typeid)
    x0 = sd.compute((box, pts), typeid=typeid).features
    la = LocalAverage(2.0, 2).compute((box, pts), x0, sd.feature_names)
    np.testing.assert_allclose(x, la.features)
    assert names == la.feature_names and x.shape == (50, 12)


def test_bad_input():
    box, pts = fcc(2)  # box side 2 sqrt(2): half width 1.414
    sd = ShellDescriptors([(1.0, 0.05)], [(1.0, 0.05)], l=[6])
    with pytest.raises(ValueError, match="half the box"):
        ShellDescriptors([(1.2, 0.1)]).compute((box, pts))
    bad = pts.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sd.compute((box, bad))
    bad = pts.copy()
    bad[0, 0] = 5.0
    with pytest.raises(ValueError, match="outside the box"):
        sd.compute((box, bad))
    with pytest.raises(ValueError, match="delta > 0"):
        ShellDescriptors([(1.0, 0.0)])
    with pytest.raises(ValueError, match="'l' parameter"):
        ShellDescriptors(angular=[(1.0, 0.1)], l=[-1])
    with pytest.raises(ValueError, match="at least one"):
        ShellDescriptors()
    with pytest.raises(ValueError, match="Unknown species"):
        ShellDescriptors([(1.0, 0.05)], species=["A"]).compute(
            (box, pts), typeid=np.ones(len(pts), int)
        )
    with pytest.raises(ValueError, match="'average' parameter"):
        ShellDescriptors([(1.0, 0.05)], average={"order": 2})
    with pytest.raises(AttributeError, match="not computed"):
        _ = ShellDescriptors([(1.0, 0.05)]).features
