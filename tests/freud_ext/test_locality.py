"""SANN neighbours and species filters (thesis Ch. 3.2), checked against analytic shell
counts, freud's FilterSANN, pyscal3's SANN and an independent brute-force 2D SANN."""

from __future__ import annotations

import functools

import freud
import numpy as np
import pytest

from freud_ext.locality import SANN, filter_types


# ----------------------------------------------------------------------------- structures
def hcp(n=(4, 3, 3), a=1.0):
    """Ideal HCP with an orthorhombic 4-particle cell (a, sqrt(3) a, sqrt(8/3) a)."""
    c = np.sqrt(8.0 / 3.0) * a
    cell = np.array([a, np.sqrt(3) * a, c])
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 1 / 6, 0.5], [0, 2 / 3, 0.5]]) * cell
    grid = np.stack(np.meshgrid(*[np.arange(k) for k in n], indexing="ij"), -1).reshape(-1, 3)
    pts = (grid[:, None, :] * cell + basis[None]).reshape(-1, 3)
    L = cell * np.array(n)
    box = freud.box.Box(*L)
    return box, box.wrap(pts - L / 2 + 0.01)


def hex2d(n=8):
    cell = np.array([1.0, np.sqrt(3)])
    basis = np.array([[0, 0], [0.5, 0.5 * np.sqrt(3)]])
    grid = np.stack(np.meshgrid(np.arange(n), np.arange(n), indexing="ij"), -1).reshape(-1, 2)
    pts = (grid[:, None, :] * cell + basis[None]).reshape(-1, 2)
    box = freud.box.Box(n * cell[0], n * cell[1], is2D=True)
    pts = np.column_stack([pts - box.L[:2] / 2 + 0.01, np.zeros(len(pts))])
    return box, box.wrap(pts)


#: nearest-neighbour distance (= sphere diameter sigma) of each test lattice
NN = {"fcc": 1 / np.sqrt(2), "hcp": 1.0, "bcc": np.sqrt(3) / 2, "sc": 1.0}


def lattice(name, n=4):
    if name == "hcp":
        return hcp() if n < 5 else hcp((6, 4, 4))
    return getattr(freud.data.UnitCell, name)().generate_system(n)


def rattle(box, pts, sigma, seed):
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, sigma, pts.shape)
    if box.is2D:
        noise[:, 2] = 0
    return box, box.wrap(pts + noise)


def pairs(nlist):
    return set(zip(nlist.query_point_indices.tolist(), nlist.point_indices.tolist()))


def symmetrize_pairs(directed, mode):
    """Independent symmetrization of a set of directed pairs."""
    if mode == "remove":
        return {(i, j) for (i, j) in directed if (j, i) in directed}
    if mode == "add":
        return directed | {(j, i) for (i, j) in directed}
    return set(directed)


# ----------------------------------------------------------------------------- ideal lattices
@pytest.mark.parametrize(
    "name, expected", [("fcc", 12), ("hcp", 12), ("bcc", 14), ("sc", 18)]
)
@pytest.mark.parametrize("symmetrize", ["remove", "add", None])
def test_ideal_lattice_shell_sizes(name, expected, symmetrize):
    box, pts = lattice(name)
    nl = SANN(symmetrize).compute((box, pts)).nlist
    assert nl.num_query_points == len(pts)
    assert np.all(nl.neighbor_counts == expected)


def test_hexagonal_2d_has_six_neighbours():
    box, pts = hex2d()
    nl = SANN().compute((box, pts)).nlist
    assert np.all(nl.neighbor_counts == 6)
    np.testing.assert_allclose(nl.distances, 1.0, atol=1e-6)


def test_square_2d_has_four_neighbours():
    box = freud.box.Box.square(6)
    x, y = np.meshgrid(np.arange(6.0) - 2.5, np.arange(6.0) - 2.5)
    pts = np.column_stack([x.ravel(), y.ravel(), np.zeros(36)])
    nl = SANN().compute((box, pts)).nlist
    assert np.all(nl.neighbor_counts == 4)


def test_nlist_sorted_without_self_pairs():
    box, pts = rattle(*lattice("fcc"), 0.08, 1)
    nl = SANN().compute((box, pts)).nlist
    qi, pj = nl.query_point_indices, nl.point_indices
    key = qi.astype(np.int64) * len(pts) + pj
    assert np.all(np.diff(key) > 0)
    assert not np.any(qi == pj)
    np.testing.assert_allclose(
        nl.vectors, box.wrap(pts[pj] - pts[qi]), atol=1e-5
    )


# ----------------------------------------------------------------------------- peers
def freud_raw_sann(box, pts, r_max):
    f = freud.locality.FilterSANN()
    f.compute((box, pts), neighbors={"r_max": r_max, "exclude_ii": True})
    return pairs(f.filtered_nlist)


@pytest.mark.parametrize("sigma", [0.05, 0.1])
@pytest.mark.parametrize("name", ["fcc", "hcp", "bcc"])
def test_raw_lists_equal_freud_filtersann(name, sigma):
    box, pts = rattle(*lattice(name), sigma * NN[name], 3)
    ours = SANN(symmetrize=None).compute((box, pts))
    assert pairs(ours.nlist) == freud_raw_sann(box, pts, 1.9)
    np.testing.assert_array_equal(ours.raw_counts, ours.nlist.neighbor_counts)


def test_triclinic_box_equals_freud_filtersann():
    box0, pts0 = rattle(*lattice("fcc", 5), 0.06, 4)
    box = freud.box.Box(box0.Lx, box0.Ly, box0.Lz, 0.3, -0.2, 0.1)
    pts = box.wrap(box.make_absolute(box0.make_fractional(pts0)))
    ours = SANN(symmetrize=None).compute((box, pts))
    assert pairs(ours.nlist) == freud_raw_sann(box, pts, 1.9)


def pyscal_sann(box, pts):
    pyscal3 = pytest.importorskip("pyscal3")
    ase = pytest.importorskip("ase")
    L = np.array([box.Lx, box.Ly, box.Lz])
    atoms = ase.Atoms(positions=pts + L / 2, cell=np.diag(L), pbc=True)
    pyscal3.find_neighbors(atoms, method="cutoff", cutoff="sann", store_rows=False)
    off = atoms.info["pyscal_bond_offsets"]
    nbr = atoms.info["pyscal_bond_neighbors"]
    return {(i, int(j)) for i in range(len(pts)) for j in nbr[off[i] : off[i + 1]]}


@functools.lru_cache
def fluid(n=500, phi=0.25, seed=7):
    """Random sequential addition of unit spheres: a disordered, non-overlapping system."""
    rng = np.random.default_rng(seed)
    L = (n * np.pi / 6 / phi) ** (1 / 3)
    box = freud.box.Box.cube(L)
    pts = np.zeros((n, 3))
    k = 0
    while k < n:
        p = rng.uniform(-L / 2, L / 2, 3)
        if k == 0 or np.min(np.linalg.norm(box.wrap(pts[:k] - p), axis=1)) > 1.0:
            pts[k] = p
            k += 1
    return box, pts


@pytest.mark.parametrize(
    "system",
    ["fcc-0.05", "fcc-0.1", "hcp-0.05", "hcp-0.1", "fluid", "rattled"],
)
@pytest.mark.parametrize("symmetrize", ["remove", "add", None])
def test_lists_equal_pyscal3(system, symmetrize):
    if system == "fluid":
        box, pts = fluid()
    elif system == "rattled":  # strongly disordered: 40 % of the nn distance
        box, pts = rattle(*lattice("fcc", 5), 0.4 * NN["fcc"], 11)
    else:
        name, sigma = system.split("-")  # Gaussian displacements in units of sigma = nn
        box, pts = rattle(*lattice(name, 5), float(sigma) * NN[name], 5)
    theirs = symmetrize_pairs(pyscal_sann(box, pts), symmetrize)
    ours = pairs(SANN(symmetrize).compute((box, pts)).nlist)
    n = len(pts)
    by_i = [set() for _ in range(n)]
    for i, j in theirs:
        by_i[i].add(j)
    mine = [set() for _ in range(n)]
    for i, j in ours:
        mine[i].add(j)
    same = np.mean([a == b for a, b in zip(by_i, mine)])
    assert same >= 0.999, f"only {same:.4%} of particles have identical lists"


# ----------------------------------------------------------------------------- 2D SANN
def brute_sann_2d(box, pts):
    """Textbook 2D SANN: R_m solves sum_j 2 arccos(r_j / R_m) = 2 pi (bisection); the shell
    is the smallest m >= 3 with R_m < r_(m+1)."""
    out = set()
    for i in range(len(pts)):
        v = box.wrap(pts - pts[i])
        d = np.linalg.norm(v, axis=1)
        d[i] = np.inf
        order = np.argsort(d)
        r = d[order]
        for m in range(3, len(pts) - 1):
            lo, hi = r[m - 1], r[m - 1] / np.cos(np.pi / m)
            for _ in range(200):
                mid = 0.5 * (lo + hi)
                if np.sum(2 * np.arccos(np.minimum(r[:m] / mid, 1.0))) < 2 * np.pi:
                    lo = mid
                else:
                    hi = mid
            if hi < r[m]:
                out |= {(i, int(j)) for j in order[:m]}
                break
    return out


@pytest.mark.parametrize("sigma", [0.05, 0.12, 0.3])
def test_2d_sann_equals_brute_force(sigma):
    box, pts = rattle(*hex2d(7), sigma, 21)
    ours = SANN(symmetrize=None).compute((box, pts))
    assert pairs(ours.nlist) == brute_sann_2d(box, pts)


def test_2d_vectors_have_zero_z():
    box, pts = rattle(*hex2d(6), 0.1, 2)
    nl = SANN().compute((box, pts)).nlist
    assert np.all(nl.vectors[:, 2] == 0)


# ----------------------------------------------------------------------------- behaviour
def test_symmetrization_modes_relate_to_raw_lists():
    box, pts = rattle(*lattice("fcc", 4), 0.12, 9)
    raw = pairs(SANN(None).compute((box, pts)).nlist)
    for mode in ("remove", "add"):
        got = pairs(SANN(mode).compute((box, pts)).nlist)
        assert got == symmetrize_pairs(raw, mode)
        assert got == {(j, i) for (i, j) in got}
    assert symmetrize_pairs(raw, "remove") != raw  # the test system is really asymmetric


def test_small_r_guess_grows_to_the_same_lists():
    box, pts = rattle(*lattice("bcc", 4), 0.08, 13)
    ref = pairs(SANN().compute((box, pts)).nlist)
    assert pairs(SANN().compute((box, pts), r_guess=0.3).nlist) == ref


def test_tiny_r_guess_in_a_large_dilute_box():
    """A tiny initial radius must not create a huge cell grid."""
    rng = np.random.default_rng(4)
    box = freud.box.Box.cube(200.0)
    pts = rng.uniform(-100, 100, (300, 3))
    ref = freud_raw_sann(box, pts, 99.0)
    assert pairs(SANN(None).compute((box, pts), r_guess=1e-3).nlist) == ref


def test_inhomogeneous_density_grows_only_where_needed():
    """A dense crystal and a few dilute particles: every shell still completes."""
    box, pts = lattice("fcc", 4)
    big = freud.box.Box.cube(box.Lx * 2)
    extra = np.array([[3.0, 3.0, 3.0], [3.5, 3.4, 2.9], [2.8, 3.6, 3.3], [3.3, 2.7, 3.6],
                      [2.6, 2.9, 2.7]])
    allp = big.wrap(np.vstack([pts, extra]))
    ref = freud_raw_sann(big, allp, big.Lx / 2 * 0.999)
    assert pairs(SANN(None).compute((big, allp)).nlist) == ref


def test_accepts_hoomd_colloidml_system():
    from hoomd_colloidml import System

    box, pts = lattice("fcc", 3)
    nl = SANN().compute(System(box, pts)).nlist
    assert np.all(nl.neighbor_counts == 12)


def test_repr_and_not_computed():
    s = SANN("add")
    assert repr(s) == "freud_ext.locality.SANN(symmetrize='add')"
    with pytest.raises(AttributeError, match="not computed"):
        _ = s.nlist


# ----------------------------------------------------------------------------- filters
def test_filter_types_modes():
    # NaCl-like rock salt: A on FCC sites, B on the octahedral holes
    box, a = freud.data.UnitCell.fcc().generate_system(3)
    b = box.wrap(a + np.array([0.5, 0, 0]))
    pts = np.vstack([a, b])
    typeid = np.repeat([0, 1], len(a))
    nl = SANN().compute((box, pts)).nlist
    assert np.all(nl.neighbor_counts == 18)
    same = filter_types(nl, typeid, "same")
    diff = filter_types(nl, typeid, "different")
    ab = filter_types(nl, typeid, (0, 1))
    assert same.num_query_points == len(pts)
    assert np.all(same.neighbor_counts == 12) and np.all(diff.neighbor_counts == 6)
    assert pairs(same) | pairs(diff) == pairs(nl) and not pairs(same) & pairs(diff)
    assert {typeid[i] for i, _ in pairs(ab)} == {0} and {typeid[j] for _, j in pairs(ab)} == {1}
    np.testing.assert_allclose(same.distances, 1 / np.sqrt(2), atol=1e-6)
    np.testing.assert_allclose(diff.distances, 0.5, atol=1e-6)
    assert pairs(filter_types(nl, typeid, "all")) == pairs(nl)


def test_filter_types_keeps_weights():
    box = freud.box.Box.cube(10)
    pts = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0.0]])
    nl = freud.locality.NeighborList.from_arrays(
        3, 3, [0, 0, 1], [1, 2, 0], box.wrap(pts[[1, 2, 0]] - pts[[0, 0, 1]]), [0.5, 2.0, 3.0]
    )
    out = filter_types(nl, [0, 0, 1], "different")
    assert out.weights.tolist() == [2.0]
    assert out.point_indices.tolist() == [2]
    assert out.distances.tolist() == [1.0]
