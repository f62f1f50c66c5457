"""Bad input to SANN / BondOrderVector / BondOrderDescriptor / chi_m / filters raises a
ValueError or TypeError naming the problem, before freud is called; and features are
invariant under translation, cubic rotations and permutations (hypothesis)."""

from __future__ import annotations

import freud
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freud_ext.locality import SANN, filter_types
from freud_ext.order import (
    BondOrderDescriptor,
    BondOrderVector,
    BondOrientationalOrder2D,
    local_average,
)


def fcc(n=3):
    return freud.data.UnitCell.fcc().generate_system(n)


def computes():
    """Every public compute taking a 3D system."""
    return [
        lambda s: SANN().compute(s),
        lambda s: BondOrderVector(l=[4, 6]).compute(s),
        lambda s: BondOrderDescriptor(l=[6]).describe(s),
    ]


# ----------------------------------------------------------------------------- systems
@pytest.mark.parametrize("run", computes())
def test_nan_coordinates(run):
    box, pts = fcc()
    pts[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        run((box, pts))


@pytest.mark.parametrize("run", computes())
def test_infinite_coordinates(run):
    box, pts = fcc()
    pts[0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        run((box, pts))


@pytest.mark.parametrize("run", computes())
def test_outside_box(run):
    box, pts = fcc()
    pts[5] = [box.Lx, 0, 0]
    with pytest.raises(ValueError, match="outside the box"):
        run((box, pts))


@pytest.mark.parametrize("run", computes())
def test_empty_system(run):
    with pytest.raises(ValueError, match="empty"):
        run((freud.box.Box.cube(3), np.zeros((0, 3))))


def test_nonzero_z_in_2d():
    box = freud.box.Box.square(5)
    pts = np.random.default_rng(0).uniform(-2, 2, (30, 3))
    for run in (lambda s: SANN().compute(s), lambda s: BondOrientationalOrder2D().compute(s)):
        with pytest.raises(ValueError, match="z != 0"):
            run((box, pts))


def test_chi_needs_2d_system():
    with pytest.raises(ValueError, match="Expected a 2D system"):
        BondOrientationalOrder2D(6).compute(fcc())


@pytest.mark.parametrize(
    "pts, L",
    [
        # one particle: nothing at all within half the box width
        (np.zeros((1, 3)), 4.0),
        # a dense clump plus one particle far away from everything
        (np.vstack([np.random.default_rng(1).uniform(-0.6, 0.6, (20, 3)), [[2.9, 2.9, 2.9]]]),
         6.5),
    ],
)
def test_particle_without_neighbours_raises_before_freud(pts, L):
    box = freud.box.Box.cube(L)
    with pytest.raises(ValueError, match="no complete SANN neighbour shell"):
        SANN().compute((box, pts))
    with pytest.raises(ValueError, match="no complete SANN neighbour shell"):
        BondOrderVector(l=[6]).compute((box, pts))


def test_non_periodic_box():
    box, pts = fcc()
    box.periodic = [True, False, True]
    with pytest.raises(ValueError, match="periodic in every direction"):
        SANN().compute((box, pts))


def test_2d_particle_without_neighbours():
    box = freud.box.Box.square(6)
    pts = np.array([[0.0, 0, 0], [0.5, 0, 0], [0, 0.5, 0], [2.5, 2.5, 0]])
    with pytest.raises(ValueError, match="no complete SANN neighbour shell"):
        SANN().compute((box, pts))


# ----------------------------------------------------------------------------- types
def test_typeid_wrong_length():
    box, pts = fcc()
    with pytest.raises(ValueError, match="typeid must have shape"):
        BondOrderVector(l=[6], species=("same",)).compute((box, pts), typeid=[0, 1])
    with pytest.raises(ValueError, match="typeid must have shape"):
        filter_types(SANN().compute((box, pts)).nlist, [0, 1], "same")


def test_typeid_unknown_type():
    from hoomd_colloidml import System

    box, pts = fcc()
    s = System(box, pts, types=["A", "B"])
    bad = np.zeros(len(pts), dtype=int)
    bad[0] = 2
    with pytest.raises(ValueError, match="typeid 2 is unknown"):
        BondOrderVector(l=[6], species=("all", "same")).compute(s, typeid=bad)
    with pytest.raises(ValueError, match="names type id 3"):
        BondOrderVector(l=[6], species=((0, 3),)).compute(s)


def test_typeid_negative_or_not_integer():
    box, pts = fcc()
    with pytest.raises(ValueError, match=">= 0"):
        BondOrderVector(l=[6], species=("same",)).compute((box, pts), typeid=-np.ones(len(pts)))
    with pytest.raises(TypeError, match="integers"):
        BondOrderVector(l=[6], species=("same",)).compute(
            (box, pts), typeid=np.full(len(pts), 0.5)
        )


def test_species_filter_needs_types():
    with pytest.raises(ValueError, match="needs per-particle types"):
        BondOrderVector(l=[6], species=("all", "same")).compute(fcc())


# ----------------------------------------------------------------------------- parameters
@pytest.mark.parametrize("l, exc, msg", [
    (0, ValueError, "ints >= 1"),
    ([4, -2], ValueError, "ints >= 1"),
    ([], ValueError, "empty"),
    ([4.0], TypeError, "ints >= 1"),
    ("6", TypeError, "ints >= 1"),
    ([4, 4], ValueError, "repeated"),
])
def test_bad_l(l, exc, msg):
    with pytest.raises(exc, match=msg):
        BondOrderVector(l=l)
    with pytest.raises(exc, match=msg):
        BondOrderDescriptor(l=l)


def test_bad_average_species_wl_symmetrize():
    with pytest.raises(ValueError, match="'average' parameter"):
        BondOrderVector(average="mean")
    with pytest.raises(ValueError, match="'mode' parameter"):
        BondOrderVector(species=("like",))
    with pytest.raises(TypeError, match="'mode' parameter"):
        BondOrderVector(species=((0, 1, 2),))
    with pytest.raises(ValueError, match="repeated"):
        BondOrderVector(species=("all", "all"))
    with pytest.raises(TypeError, match="'wl' parameter"):
        BondOrderVector(wl="yes")
    with pytest.raises(ValueError, match="'symmetrize' parameter"):
        SANN("union")
    with pytest.raises(ValueError, match="'m' parameter"):
        BondOrientationalOrder2D(0)


def test_bad_r_guess():
    with pytest.raises(ValueError, match="'r_guess'"):
        SANN().compute(fcc(), r_guess=-1.0)
    with pytest.raises(TypeError, match="'r_guess'"):
        SANN().compute(fcc(), r_guess="big")


def test_bad_neighbors():
    box, pts = fcc()
    with pytest.raises(TypeError, match="'neighbors' parameter"):
        BondOrderVector(l=[6]).compute((box, pts), neighbors=3.0)
    with pytest.raises(ValueError, match="needs 'r_max' or 'num_neighbors'"):
        BondOrderVector(l=[6]).compute((box, pts), neighbors={"mode": "ball"})
    other = SANN().compute(fcc(4)).nlist
    with pytest.raises(ValueError, match="system has 108 particles"):
        BondOrderVector(l=[6]).compute((box, pts), neighbors=other)
    with pytest.raises(ValueError, match="'method' in"):
        BondOrderDescriptor(neighbors={"method": "voronoi"})
    with pytest.raises(ValueError, match="'r_max'"):
        BondOrderDescriptor(neighbors={"method": "ball", "r_max": 0})
    with pytest.raises(ValueError, match="'num_neighbors'"):
        BondOrderDescriptor(neighbors={"method": "knn", "num_neighbors": 0})
    with pytest.raises(ValueError, match="Unknown keys"):
        BondOrderDescriptor(neighbors={"method": "sann", "r_max": 2})


def test_bad_descriptor_config():
    with pytest.raises(ValueError, match="kind must be 'bop'"):
        BondOrderDescriptor.from_config({"kind": "sf"})
    with pytest.raises(ValueError, match="Unknown BondOrderDescriptor config keys"):
        BondOrderDescriptor.from_config({"kind": "bop", "cutoff": 1.0})
    with pytest.raises(AttributeError, match="Call describe first"):
        _ = BondOrderDescriptor().nlist


def test_bad_filter_and_local_average_input():
    box, pts = fcc()
    nl = SANN().compute((box, pts)).nlist
    with pytest.raises(TypeError, match="'nlist' parameter of filter_types"):
        filter_types("nlist", np.zeros(len(pts), int), "same")
    with pytest.raises(TypeError, match="'nlist' parameter of local_average"):
        local_average(np.zeros(len(pts)), None)
    with pytest.raises(ValueError, match="one row per particle"):
        local_average(np.zeros(5), nl)
    with pytest.raises(ValueError, match="NaN or inf"):
        local_average(np.full(len(pts), np.nan), nl)
    with pytest.raises(ValueError, match="one per bond"):
        local_average(np.zeros(len(pts)), nl, weights=np.ones(3))
    with pytest.raises(ValueError, match=">= 0"):
        local_average(np.zeros(len(pts)), nl, weights=-np.ones(len(nl)))
    with pytest.raises(ValueError, match="no neighbours with positive weight"):
        local_average(np.zeros(len(pts)), nl, weights=np.zeros(len(nl)), include_self=False)


def test_reading_before_compute():
    with pytest.raises(AttributeError, match="not computed"):
        _ = BondOrderVector().features
    with pytest.raises(AttributeError, match="not computed"):
        _ = BondOrientationalOrder2D().chi


# ----------------------------------------------------------------------------- invariance
def _random_system(seed, n, frac_b):
    """Random non-overlapping-ish binary system in a cubic box (unit-ish density)."""
    rng = np.random.default_rng(seed)
    L = (n / 1.0) ** (1 / 3)
    box = freud.box.Box.cube(L)
    pts = rng.uniform(-L / 2, L / 2, (n, 3))
    typeid = (rng.random(n) < frac_b).astype(np.int32)
    return box, pts, typeid


def wrap(box, pts):
    """Double-precision periodic wrap into a cubic box (freud's Box.wrap is float32)."""
    return pts - box.Lx * np.round(pts / box.Lx)


def _cubic_rotation(k):
    """One of the 48 symmetries of the cube (axis permutation and signs)."""
    perms = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
    p = perms[k % 6]
    signs = [1 if (k >> (b + 3)) & 1 == 0 else -1 for b in range(3)]
    m = np.zeros((3, 3))
    for row, (col, s) in enumerate(zip(p, signs)):
        m[row, col] = s
    return m


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(120, 220),
    frac_b=st.floats(0.2, 0.6),
    shift=st.tuples(*[st.floats(-3, 3)] * 3),
    rot=st.integers(0, 47),
    average=st.sampled_from(["lechner-dellago", "ql", None]),
)
def test_features_invariant(seed, n, frac_b, shift, rot, average):
    box, pts, typeid = _random_system(seed, n, frac_b)
    bov = BondOrderVector(l=range(1, 9), wl=True, average=average, species=("all", "same"))
    ref = bov.compute((box, pts), typeid=typeid).features.copy()
    assert np.all(np.isfinite(ref))
    # translation (periodic wrap)
    moved = wrap(box, pts + np.asarray(shift))
    np.testing.assert_allclose(
        bov.compute((box, moved), typeid=typeid).features, ref, atol=1e-9
    )
    # rotation mapping the cubic box onto itself
    rotated = wrap(box, pts @ _cubic_rotation(rot).T)
    np.testing.assert_allclose(
        bov.compute((box, rotated), typeid=typeid).features, ref, atol=1e-9
    )
    # permutation of particle labels (species travel with their particles)
    perm = np.random.default_rng(seed + 1).permutation(n)
    got = bov.compute((box, pts[perm]), typeid=typeid[perm]).features
    np.testing.assert_allclose(got, ref[perm], atol=1e-9)
    # exchanging two particles of the same species leaves the labelled features unchanged
    same = np.flatnonzero(typeid == typeid[0])
    if len(same) > 1:
        swap = np.arange(n)
        swap[[same[0], same[1]]] = swap[[same[1], same[0]]]
        got = bov.compute((box, pts[swap]), typeid=typeid).features
        np.testing.assert_allclose(got, ref[swap], atol=1e-9)
