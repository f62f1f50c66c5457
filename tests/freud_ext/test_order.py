"""Bond-order vectors (thesis Eqs. 3.2-3.6, 4.5, 5.5) and chi_m (Eq. 2.9), checked against
known ideal-lattice values, freud's Steinhardt/Hexatic and explicit loops."""

from __future__ import annotations

import json

import freud
import numpy as np
import pytest

from freud_ext.describe import from_config
from freud_ext.locality import SANN
from freud_ext.order import (
    BondOrderDescriptor,
    BondOrderVector,
    BondOrientationalOrder2D,
    local_average,
    wigner3j,
)

# Known q4, q6 of perfect lattices (e.g. Mickel et al., J. Chem. Phys. 138, 044501 (2013)).
KNOWN = {"fcc": (0.19094, 0.57452), "hcp": (0.09722, 0.48476), "bcc": (0.03637, 0.51069)}


def hcp(n=(4, 3, 3)):
    c = np.sqrt(8.0 / 3.0)
    cell = np.array([1.0, np.sqrt(3), c])
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 1 / 6, 0.5], [0, 2 / 3, 0.5]]) * cell
    grid = np.stack(np.meshgrid(*[np.arange(k) for k in n], indexing="ij"), -1).reshape(-1, 3)
    pts = (grid[:, None, :] * cell + basis[None]).reshape(-1, 3)
    L = cell * np.array(n)
    box = freud.box.Box(*L)
    return box, box.wrap(pts - L / 2 + 0.01)


def lattice(name, n=4):
    if name == "hcp":
        return hcp()
    return getattr(freud.data.UnitCell, name)().generate_system(n)


def rattle(box, pts, sigma, seed):
    noise = np.random.default_rng(seed).normal(0.0, sigma, pts.shape)
    if box.is2D:
        noise[:, 2] = 0
    return box, box.wrap(pts + noise)


def nacl(n=3):
    box, a = freud.data.UnitCell.fcc().generate_system(n)
    b = box.wrap(a + np.array([0.5, 0.0, 0.0]))
    return box, np.vstack([a, b]), np.repeat([0, 1], len(a))


def hex2d(n=8):
    cell = np.array([1.0, np.sqrt(3)])
    basis = np.array([[0, 0], [0.5, 0.5 * np.sqrt(3)]])
    grid = np.stack(np.meshgrid(np.arange(n), np.arange(n), indexing="ij"), -1).reshape(-1, 2)
    pts = (grid[:, None, :] * cell + basis[None]).reshape(-1, 2)
    box = freud.box.Box(n * cell[0], n * cell[1], is2D=True)
    return box, box.wrap(np.column_stack([pts - box.L[:2] / 2 + 0.01, np.zeros(len(pts))]))


# ----------------------------------------------------------------------------- ideal values
@pytest.mark.parametrize("name", ["fcc", "hcp", "bcc"])
@pytest.mark.parametrize("average", ["lechner-dellago", "ql", None])
def test_ideal_lattice_q4_q6(name, average):
    box, pts = lattice(name)
    f = BondOrderVector(l=[4, 6], average=average).compute((box, pts)).features
    np.testing.assert_allclose(f, np.broadcast_to(KNOWN[name], f.shape), atol=1e-4)


def test_fcc_w4_w6_match_freud_normalized_wl():
    box, pts = lattice("fcc")
    ours = BondOrderVector(l=[4, 6], wl=True, average=None).compute((box, pts))
    st = freud.order.Steinhardt([4, 6], wl=True, wl_normalize=True)
    st.compute((box, pts), neighbors=ours.nlist)
    np.testing.assert_allclose(ours.features[:, 2:], st.particle_order, atol=1e-5)


def test_wl_of_vanishing_ql_is_zero_not_noise():
    """q2 of cubic lattices vanishes by symmetry; w2 = 0/0 is reported as 0."""
    box, pts = lattice("fcc")
    f = BondOrderVector(l=[2, 4], wl=True).compute((box, pts)).features
    assert np.all(f[:, 0] < 1e-10)
    assert np.all(f[:, 2] == 0.0)
    np.testing.assert_allclose(f[:, 3], -0.159317, atol=1e-6)  # w4 of FCC


def test_nacl_same_species_q6_equals_fcc():
    box, pts, typeid = nacl()
    bov = BondOrderVector(l=[6], species=("all", "same")).compute((box, pts), typeid=typeid)
    assert bov.feature_names == ["q6", "q6[same]"]
    np.testing.assert_allclose(bov.features[:, 1], KNOWN["fcc"][1], atol=1e-4)
    # all 18 SANN neighbours (6 unlike + 12 like): not the FCC value
    assert np.all(np.abs(bov.features[:, 0] - KNOWN["fcc"][1]) > 0.01)


# ----------------------------------------------------------------------------- freud peer
@pytest.mark.parametrize(
    "system", ["fcc-0.05", "fcc-0.1", "hcp-0.05", "hcp-0.1", "fluid"]
)
def test_averaged_ql_wl_equal_freud_steinhardt(system):
    if system == "fluid":
        box, pts = rattle(*lattice("fcc", 4), 0.3, 2)
    else:
        name, sigma = system.split("-")  # displacements in units of the nn distance
        nn = 1 / np.sqrt(2) if name == "fcc" else 1.0
        box, pts = rattle(*lattice(name), float(sigma) * nn, 1)
    nl = SANN().compute((box, pts)).nlist
    ls = list(range(1, 9))
    ours = BondOrderVector(l=ls, wl=True).compute((box, pts), nl).features
    st = freud.order.Steinhardt(ls, average=True)
    st.compute((box, pts), neighbors=nl)
    np.testing.assert_allclose(ours[:, :8], st.particle_order, atol=1e-5, rtol=0)
    stw = freud.order.Steinhardt(ls, average=True, wl=True, wl_normalize=True)
    stw.compute((box, pts), neighbors=nl)
    np.testing.assert_allclose(ours[:, 8:], stw.particle_order[:, 1::2], atol=5e-5, rtol=0)


def test_plain_ql_equal_freud_on_ball_query():
    box, pts = rattle(*lattice("bcc"), 0.07, 3)
    bov = BondOrderVector(l=[2, 3, 6, 8], average=None).compute((box, pts), {"r_max": 1.2})
    st = freud.order.Steinhardt([2, 3, 6, 8])
    st.compute((box, pts), neighbors={"r_max": 1.2, "exclude_ii": True})
    np.testing.assert_allclose(bov.features, st.particle_order, atol=1e-5)


def test_ql_average_is_eq_5_5():
    """average="ql": mean of q_l over the particle and its neighbours (explicit loop)."""
    box, pts = rattle(*lattice("fcc"), 0.1, 4)
    nl = SANN().compute((box, pts)).nlist
    ours = BondOrderVector(l=[4, 6], average="ql").compute((box, pts), nl).features
    st = freud.order.Steinhardt([4, 6])
    st.compute((box, pts), neighbors=nl)
    q = st.particle_order
    expected = np.array([
        (q[i] + q[nl.point_indices[nl.query_point_indices == i]].sum(0))
        / (1 + np.sum(nl.query_point_indices == i))
        for i in range(len(pts))
    ])
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_species_filtered_block_equals_freud_on_filtered_list():
    box, pts, typeid = nacl()
    pts = rattle(box, pts, 0.05, 8)[1]
    nl = SANN().compute((box, pts)).nlist
    bov = BondOrderVector(l=[4, 6], species=("all", "different")).compute(
        (box, pts), nl, typeid=typeid
    )
    from freud_ext.locality import filter_types

    st = freud.order.Steinhardt([4, 6], average=True)
    st.compute((box, pts), neighbors=filter_types(nl, typeid, "different"))
    np.testing.assert_allclose(bov.features[:, 2:], st.particle_order, atol=1e-5)
    assert bov.feature_names == ["q4", "q6", "q4[different]", "q6[different]"]


# ----------------------------------------------------------------------------- vectors
def test_24_entry_vector_of_eq_3_6():
    box, pts, typeid = nacl()
    bov = BondOrderVector(wl=True, species=("all", "same")).compute((box, pts), typeid=typeid)
    names = bov.feature_names
    assert len(names) == 24 and bov.features.shape == (len(pts), 24)
    assert names[:12] == [f"q{l}" for l in range(1, 9)] + ["w2", "w4", "w6", "w8"]
    assert names[12:] == [f"q{l}[same]" for l in range(1, 9)] + [
        f"w{l}[same]" for l in (2, 4, 6, 8)
    ]
    assert bov.features.dtype == np.float64 and bov.features.flags.c_contiguous


def test_16_entry_vector_of_eq_4_5():
    box, pts, typeid = nacl(2)
    bov = BondOrderVector(species=("all", "same")).compute((box, pts), typeid=typeid)
    assert bov.features.shape == (len(pts), 16)


def test_typeid_from_system_and_pair_filter():
    from hoomd_colloidml import System

    box, pts, typeid = nacl(2)
    s = System(box, pts, typeid=typeid, types=["A", "B"])
    a = BondOrderVector(l=[6], species=((0, 0),)).compute(s).features
    b = BondOrderVector(l=[6], species=("same",)).compute((box, pts), typeid=typeid).features
    np.testing.assert_allclose(a[typeid == 0], b[typeid == 0])
    assert np.all(a[typeid == 1] == 0)  # B particles have no (0, 0) bonds: zero order


def test_wigner3j_orthogonality_and_known_values():
    assert wigner3j(2, 2, 2, 0, 0, 0) == pytest.approx(-np.sqrt(2 / 35))
    assert wigner3j(1, 1, 0, 1, -1, 0) == pytest.approx(1 / np.sqrt(3))
    for l in (2, 4, 6):
        for m3 in range(-l, l + 1):
            s = sum(
                wigner3j(l, l, l, m1, -m1 - m3, m3) ** 2
                for m1 in range(-l, l + 1)
                if abs(m1 + m3) <= l
            )
            assert s * (2 * l + 1) == pytest.approx(1.0)


def test_rotation_of_a_cluster_leaves_features_unchanged():
    """Continuous rotation of an isolated cluster in a large box (no periodic images)."""
    rng = np.random.default_rng(3)
    _, pts = rattle(*lattice("fcc", 4), 0.05, 5)
    pts = pts[np.linalg.norm(pts, axis=1) < 1.6]
    box = freud.box.Box.cube(12.0)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    bov = BondOrderVector(l=range(1, 9), wl=True)
    a = bov.compute((box, pts)).features
    b = bov.compute((box, pts @ q.T)).features
    np.testing.assert_allclose(a, b, atol=1e-10)


# ----------------------------------------------------------------------------- descriptor
def test_descriptor_round_trip_through_describe_registry():
    d = BondOrderDescriptor(
        neighbors={"method": "sann", "symmetrize": "add"}, l=[4, 6], wl=True,
        average="ql", species=("all", (0, 1)),
    )
    cfg = json.loads(json.dumps(d.get_config()))
    d2 = from_config(cfg)
    assert d2.get_config() == d.get_config()
    box, pts, typeid = nacl(2)
    f1, n1 = d.describe((box, pts), typeid=typeid)
    f2, n2 = d2.describe((box, pts), typeid=typeid)
    np.testing.assert_array_equal(f1, f2)
    assert n1 == n2 == ["q4", "q6", "w4", "w6", "q4[0-1]", "q6[0-1]", "w4[0-1]", "w6[0-1]"]
    assert d2.nlist.num_query_points == len(pts)


@pytest.mark.parametrize(
    "spec, args", [({"method": "ball", "r_max": 1.3}, {"r_max": 1.3}),
                   ({"method": "knn", "num_neighbors": 8}, {"num_neighbors": 8})]
)
def test_descriptor_query_methods(spec, args):
    box, pts = rattle(*lattice("bcc", 3), 0.05, 6)
    f, _ = BondOrderDescriptor(neighbors=spec, l=[6]).describe((box, pts))
    ref = BondOrderVector(l=[6]).compute((box, pts), args).features
    np.testing.assert_array_equal(f, ref)
    st = freud.order.Steinhardt(6, average=True)
    st.compute((box, pts), neighbors=dict(args, exclude_ii=True))
    np.testing.assert_allclose(f[:, 0], st.particle_order, atol=1e-5)


# ----------------------------------------------------------------------------- chi_m
def test_chi6_of_hexagonal_lattice_is_one():
    box, pts = hex2d()
    bo = BondOrientationalOrder2D(6).compute((box, pts))
    assert bo.chi == pytest.approx(1.0)
    np.testing.assert_allclose(bo.order_squared, 1.0)


def test_psi_equals_freud_hexatic_on_same_list():
    box, pts = rattle(*hex2d(), 0.12, 3)
    bo = BondOrientationalOrder2D(6).compute((box, pts))
    hx = freud.order.Hexatic(k=6)
    hx.compute((box, pts), neighbors=bo.nlist)
    np.testing.assert_allclose(bo.particle_order, hx.particle_order, atol=1e-5)
    assert bo.chi == pytest.approx(np.mean(np.abs(hx.particle_order) ** 2), abs=1e-6)
    assert 0.2 < bo.chi < 1.0


# ----------------------------------------------------------------------------- local average
def test_local_average_matches_loop():
    rng = np.random.default_rng(0)
    box, pts = rattle(*lattice("fcc", 3), 0.05, 0)
    nl = SANN().compute((box, pts)).nlist
    x = rng.normal(size=(len(pts), 2))
    w = np.exp(-nl.distances.astype(np.float64) / 0.8)
    got = local_average(x, nl, weights=w)
    got_noself = local_average(x[:, 0], nl, include_self=False)
    for i in range(len(pts)):
        sel = nl.query_point_indices == i
        j = nl.point_indices[sel]
        ref = (x[i] + (w[sel][:, None] * x[j]).sum(0)) / (1 + w[sel].sum())
        np.testing.assert_allclose(got[i], ref)
        assert got_noself[i] == pytest.approx(x[j, 0].mean())


def test_plot_returns_axes():
    box, pts = lattice("fcc", 3)
    ax = BondOrderVector(l=[4, 6]).compute((box, pts)).plot()
    assert ax.get_xlabel() == "q4" and ax.get_ylabel() == "q6"
