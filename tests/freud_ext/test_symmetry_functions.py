"""Symmetry functions G2/G3 (thesis Eqs. 2.4-2.6): dscribe, loop references, gradients."""

from __future__ import annotations

import itertools
import json

import freud
import numpy as np
import pytest

from freud_ext import describe
from freud_ext.environment import SymmetryFunctions

RADIAL = [(0.5, 0.0), (4.0, 1.0), (16.0, 1.3), (0.01, 0.4)]
ANGULAR = [(0.01, 1.0, 1.0), (0.5, 2.0, -1.0), (1.0, 4.0, 1.0), (0.1, 1.5, -1.0)]


def thermal_fcc(seed=0, n=3, sigma=0.07):
    """Rattled FCC (nearest-neighbour distance 1): a thermal crystal, two species."""
    box, pts = freud.data.UnitCell.fcc().generate_system(n, scale=np.sqrt(2))
    rng = np.random.default_rng(seed)
    pts = box.wrap(pts + rng.normal(0, sigma, pts.shape)).astype(np.float64)
    pts = wrap64(box, pts)
    typeid = rng.integers(0, 2, len(pts))
    return box, pts, typeid


def wrap64(box, pts):
    L = np.asarray(box.L, dtype=np.float64)
    out = pts.copy()
    d = 2 if box.is2D else 3
    out[:, :d] -= L[:d] * np.round(out[:, :d] / L[:d])
    return out


def random_config(dim, n, L, seed):
    rng = np.random.default_rng(seed)
    box = freud.box.Box.square(L) if dim == 2 else freud.box.Box.cube(L)
    pts = rng.uniform(-L / 2, L / 2, (n, 3))
    if dim == 2:
        pts[:, 2] = 0.0
    return box, pts, rng.integers(0, 2, n)


# --------------------------------------------------------------- plain-loop reference
def loop_reference(box, pts, typeid, r_cut, radial, angular, n_species):
    """Eqs. 2.4-2.6 by direct double / triple loops over minimum-image vectors."""
    L = np.asarray(box.L, dtype=np.float64)
    d = 2 if box.is2D else 3
    n = len(pts)

    def fc(r):
        return 0.5 * (np.cos(np.pi * r / r_cut) + 1.0) if r < r_cut else 0.0

    pairs = [(a, b) for a in range(n_species) for b in range(a, n_species)]
    m2, m3 = len(radial), len(angular)
    out = np.zeros((n, n_species * m2 + len(pairs) * m3))
    for i in range(n):
        nb = []
        for j in range(n):
            if j == i:
                continue
            v = pts[j] - pts[i]
            v[:d] -= L[:d] * np.round(v[:d] / L[:d])
            r = np.linalg.norm(v)
            if r < r_cut:
                nb.append((j, v, r))
        for j, _v, r in nb:
            for a, (eta, rs) in enumerate(radial):
                out[i, typeid[j] * m2 + a] += np.exp(-eta * (r - rs) ** 2) * fc(r)
        for (j, vj, rj), (k, vk, rk) in itertools.combinations(nb, 2):
            rjk = np.linalg.norm(vk - vj)
            cos = vj @ vk / (rj * rk)
            sj, sk = sorted((typeid[j], typeid[k]))
            off = n_species * m2 + pairs.index((sj, sk)) * m3
            for b, (eta, xi, lam) in enumerate(angular):
                out[i, off + b] += (
                    2 ** (1 - xi)
                    * max(1 + lam * cos, 0.0) ** xi
                    * np.exp(-eta * (rj**2 + rk**2 + rjk**2))
                    * fc(rj)
                    * fc(rk)
                    * fc(rjk)
                )
    return out


# --------------------------------------------------------------------------- values
def test_dscribe_agreement_thermal_3d():
    """G2 and G4 (= Eq. 2.6, unordered pairs) of dscribe's ACSF to 1e-8 relative."""
    ase = pytest.importorskip("ase")
    dscribe = pytest.importorskip("dscribe.descriptors")
    box, pts, typeid = thermal_fcc()
    r_cut = 1.9
    sf = SymmetryFunctions(r_cut, RADIAL, ANGULAR[:3], species=["A", "B"])
    ours = sf.compute((box, pts), typeid=typeid).values
    atoms = ase.Atoms(
        numbers=np.where(typeid == 0, 1, 2),
        positions=pts + np.asarray(box.L) / 2,
        cell=np.diag(box.L),
        pbc=True,
    )
    acsf = dscribe.ACSF(
        r_cut=r_cut,
        g2_params=[list(p) for p in RADIAL],
        g4_params=[list(p) for p in ANGULAR[:3]],
        species=["H", "He"],
        periodic=True,
    )
    ref = acsf.create(atoms)
    m2 = len(RADIAL)
    cols = [s * (1 + m2) + 1 + a for s in range(2) for a in range(m2)]
    cols += list(range(2 * (1 + m2), ref.shape[1]))
    ref = ref[:, cols]
    assert ref.shape == ours.shape
    assert np.abs(ours).max() > 0.1
    np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize("dim", [2, 3])
def test_loop_reference_two_species(dim):
    """2D (which dscribe does not cover) and non-integer xi: plain loops."""
    box, pts, typeid = random_config(dim, 40, 5.0 if dim == 3 else 7.0, seed=3)
    sf = SymmetryFunctions(2.2, RADIAL, ANGULAR, species=["A", "B"])
    ours = sf.compute((box, pts), typeid=typeid).values
    ref = loop_reference(box, pts, typeid, 2.2, RADIAL, ANGULAR, 2)
    assert np.abs(ref).max() > 0.1
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-14)
    # no species: a single block equal to the species sum of G2 and of all G3 pairs
    one = SymmetryFunctions(2.2, RADIAL, ANGULAR).compute((box, pts)).values
    m2 = len(RADIAL)
    np.testing.assert_allclose(one[:, :m2], ours[:, :m2] + ours[:, m2 : 2 * m2], rtol=1e-12)
    g3 = ours[:, 2 * m2 :].reshape(len(pts), 3, -1).sum(axis=1)
    np.testing.assert_allclose(one[:, m2:], g3, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------------ gradients
def full_jacobian(sf, n, dim):
    jac = np.zeros((n, sf.n_features, n, 3))
    ij = sf.pair_indices
    np.add.at(jac, (ij[:, 0], slice(None), ij[:, 1]), sf.gradients)
    jac[np.arange(n), :, np.arange(n)] += sf.self_gradients
    return jac[..., :dim]


def fd_jacobian(sf, box, pts, typeid, dim, h=1e-5):
    n = len(pts)
    jac = np.zeros((n, sf.n_features, n, dim))
    for k in range(n):
        for c in range(dim):
            plus, minus = pts.copy(), pts.copy()
            plus[k, c] += h
            minus[k, c] -= h
            gp = sf.compute((box, wrap64(box, plus)), typeid=typeid).values
            gm = sf.compute((box, wrap64(box, minus)), typeid=typeid).values
            jac[:, :, k, c] = (gp - gm) / (2 * h)
    return jac


@pytest.mark.parametrize("dim", [2, 3])
def test_gradients_finite_differences(dim):
    n = 22 if dim == 3 else 26
    box, pts, typeid = random_config(dim, n, 4.2 if dim == 3 else 5.5, seed=11 + dim)
    sf = SymmetryFunctions(2.0, RADIAL, ANGULAR, species=["A", "B"])
    sf.compute((box, pts), typeid=typeid, gradients=True)
    ana = full_jacobian(sf, n, dim)
    fd = fd_jacobian(sf, box, pts, typeid, dim)
    # relative error of every derivative vector dG_im/dr_j. Float64 central differences
    # carry ~1e-11 absolute round-off, so vectors smaller than 1e-4 of their feature's
    # largest derivative are compared against that floor instead of their own size.
    err = np.linalg.norm(ana - fd, axis=3)
    size = np.linalg.norm(fd, axis=3)
    scale = size.max(axis=(0, 2), keepdims=True)
    assert (scale > 0).all()
    rel = err / np.maximum(size, 1e-4 * scale)
    assert rel.max() < 1e-6, rel.max()
    assert (size > 1e-4 * scale).sum() > 20 * sf.n_features  # most are tested fully
    # translation invariance: sum over all particles j of dG_i/dr_j vanishes
    assert np.abs(fd.sum(axis=2)).max() < 1e-7 * np.abs(fd).max()
    assert np.abs(ana.sum(axis=2)).max() < 1e-12 * np.abs(ana).max()


def test_forces_and_virial_by_finite_differences():
    box, pts, typeid = random_config(3, 24, 4.5, seed=5)
    sf = SymmetryFunctions(2.0, RADIAL, ANGULAR, species=["A", "B"])
    w = np.random.default_rng(0).normal(size=sf.n_features)

    def energy(b, p):
        return float((sf.compute((b, p), typeid=typeid).values @ w).sum())

    sf.compute((box, pts), typeid=typeid, gradients=True)
    de_dg = np.broadcast_to(w, sf.values.shape)
    forces = sf.contract_gradients(de_dg)
    virial = sf.virial(de_dg)
    h = 1e-6
    for k, c in [(0, 0), (3, 1), (7, 2), (20, 0)]:
        p1, p2 = pts.copy(), pts.copy()
        p1[k, c] += h
        p2[k, c] -= h
        fd = -(energy(box, wrap64(box, p1)) - energy(box, wrap64(box, p2))) / (2 * h)
        assert forces[k, c] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    assert np.abs(forces.sum(axis=0)).max() < 1e-10 * np.abs(forces).max()

    # W_ab = -dE/d(strain_ab) for an upper-triangular strain x_a += eps x_b. freud boxes
    # are float32, so eps and L are powers of two / dyadic (exact) and the derivative is
    # Richardson-extrapolated central differences.
    def strained(eps, a, b):
        mat = np.eye(3)
        mat[a, b] += eps
        newbox = freud.box.Box.from_matrix(mat @ box.to_matrix())
        return energy(newbox, pts @ mat.T)

    def deriv(a, b, h):
        return (strained(h, a, b) - strained(-h, a, b)) / (2 * h)

    for (a, b), idx in [((0, 0), 0), ((1, 1), 3), ((2, 2), 5), ((0, 1), 1), ((1, 2), 4)]:
        h = 2.0**-9
        d = (4 * deriv(a, b, h / 2) - deriv(a, b, h)) / 3
        assert virial[idx] == pytest.approx(-d, rel=1e-6, abs=1e-9)


def test_rotation_and_permutation_invariance():
    rng = np.random.default_rng(7)
    box = freud.box.Box.cube(12.0)
    # a compact cluster far from the box faces, so that rotation is a symmetry
    pts = rng.uniform(-1.6, 1.6, (30, 3))
    typeid = rng.integers(0, 2, 30)
    sf = SymmetryFunctions(2.2, RADIAL, ANGULAR, species=["A", "B"])
    ref = sf.compute((box, pts), typeid=typeid).values.copy()
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    rot = sf.compute((box, pts @ q.T), typeid=typeid).values
    np.testing.assert_allclose(rot, ref, rtol=1e-10, atol=1e-13)
    perm = rng.permutation(30)
    per = sf.compute((box, pts[perm]), typeid=typeid[perm]).values
    np.testing.assert_allclose(per, ref[perm], rtol=1e-12, atol=1e-15)
    # swapping two same-species particles leaves every row unchanged
    a, b = np.flatnonzero(typeid == 0)[:2]
    swap = np.arange(30)
    swap[[a, b]] = swap[[b, a]]
    sw = sf.compute((box, pts[swap]), typeid=typeid[swap]).values
    np.testing.assert_allclose(sw, ref[swap], rtol=1e-12, atol=1e-15)
    # periodic translation invariance of the values
    tbox, tpts, ttid = random_config(3, 30, 4.5, seed=1)
    v0 = sf.compute((tbox, tpts), typeid=ttid).values.copy()
    v1 = sf.compute((tbox, wrap64(tbox, tpts + [0.3, -1.1, 2.0])), typeid=ttid).values
    np.testing.assert_allclose(v1, v0, rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------- pool and contract
def test_pool_parameters():
    sf = SymmetryFunctions.pool_3d(1.0)
    assert sf.n_features == 108 == len(sf.feature_names)
    rad = np.array(sf.radial)
    centred = rad[rad[:, 1] == 0]
    assert len(centred) == 15
    assert centred[:, 0].min() == pytest.approx(0.001) and centred[:, 0].max() == pytest.approx(24)
    shifted = rad[rad[:, 1] > 0]
    assert sorted(set(np.round(shifted[:, 1], 10))) == pytest.approx(np.linspace(0.1, 0.9, 9))
    assert sorted(set(shifted[:, 0])) == [1, 2, 4, 8, 16]
    ang = np.array(sf.angular)
    assert len(ang) == 48
    assert sorted(set(ang[:, 2])) == [-1, 1] and sorted(set(ang[:, 1])) == [1, 2, 4, 8]
    assert sorted(set(ang[:, 0])) == pytest.approx([0.01, 0.1, 1, 2, 4, 8])
    # eta in units of r_c^-2, R_s in units of r_c
    sf2 = SymmetryFunctions.pool_2d(2.0)
    np.testing.assert_allclose(np.array(sf2.radial)[:, 0], rad[:, 0] / 4)
    np.testing.assert_allclose(np.array(sf2.radial)[:, 1], rad[:, 1] * 2)


def test_config_roundtrip_and_describe():
    sf = SymmetryFunctions(2.0, RADIAL, ANGULAR, species=["A", "B"])
    cfg = json.loads(json.dumps(sf.get_config()))
    assert cfg["kind"] == "sf"
    sf2 = describe.from_config(cfg)
    assert isinstance(sf2, SymmetryFunctions) and sf2.get_config() == sf.get_config()
    box, pts, typeid = random_config(3, 20, 4.5, seed=2)
    x, names = sf2.describe((box, pts), typeid=typeid)
    assert x.shape == (20, sf.n_features) and names == sf.feature_names
    assert names[0] == "G2(eta=0.5,rs=0)[A]" and names[-1].endswith("[B,B]")
    assert "r_cut=2.0" in repr(sf)


def test_not_computed():
    sf = SymmetryFunctions(2.0, RADIAL)
    with pytest.raises(AttributeError, match="not computed"):
        _ = sf.values
    box, pts, _ = random_config(3, 20, 4.5, seed=2)
    sf.compute((box, pts))
    with pytest.raises(AttributeError, match="gradients=True"):
        _ = sf.gradients
    with pytest.raises(AttributeError, match="gradients=True"):
        sf.contract_gradients(np.zeros((20, 4)))


# ------------------------------------------------------------------------ bad input
def test_bad_input():
    box, pts, typeid = random_config(3, 20, 4.5, seed=2)
    sf = SymmetryFunctions(2.0, RADIAL, ANGULAR)
    bad = pts.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        sf.compute((box, bad))
    out = pts.copy()
    out[0, 0] = 3.0
    with pytest.raises(ValueError, match="outside the box"):
        sf.compute((box, out))
    with pytest.raises(ValueError, match="'r_cut' parameter of SymmetryFunctions"):
        SymmetryFunctions(0.0, RADIAL)
    with pytest.raises(ValueError, match="'r_cut' parameter"):
        SymmetryFunctions(-1.0, RADIAL)
    with pytest.raises(ValueError, match="half the box"):
        SymmetryFunctions(2.3, RADIAL).compute((box, pts))
    with pytest.raises(ValueError, match="xi >= 1"):
        SymmetryFunctions(2.0, angular=[(0.1, 0.5, 1)])
    with pytest.raises(ValueError, match="lambda in"):
        SymmetryFunctions(2.0, angular=[(0.1, 1.0, 0.5)])
    with pytest.raises(ValueError, match="eta >= 0"):
        SymmetryFunctions(2.0, radial=[(-1.0, 0.0)])
    with pytest.raises(ValueError, match="at least one"):
        SymmetryFunctions(2.0)
    sp = SymmetryFunctions(2.0, RADIAL, species=["A", "B"])
    with pytest.raises(ValueError, match="Unknown species"):
        sp.compute((box, pts), typeid=np.full(20, 2))
    with pytest.raises(ValueError, match="no particle types"):
        sp.compute((box, pts))

    class Sys:  # a system with named types, one of them not in `species`
        def __init__(self):
            self.box, self.positions = box, pts
            self.typeid, self.types = typeid * 2, ["A", "B", "C"]

    with pytest.raises(ValueError, match="Unknown species 'C'"):
        sp.compute(Sys())
    sf.compute((box, pts), gradients=True)
    with pytest.raises(ValueError, match="dE_dG must have shape"):
        sf.contract_gradients(np.zeros((3, 3)))
