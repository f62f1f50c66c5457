"""The "sann_species" rule of Eq. 3.6: same-species block from SANN among each species."""

import freud
import numpy as np
import pytest

from freud_ext.locality import SANN
from hoomd_colloidml.lattice import crystal, rattle
from hoomd_colloidml.studies.descriptors import SpeciesSANNDescriptor, ch3_descriptor
from hoomd_colloidml.system import System

#: Cells giving boxes wider than twice the large particles' SANN radius (~1.8 sigma_L).
CELLS = {"mgcu2": 3, "mgzn2": [4, 2, 2], "mgni2": [4, 2, 1]}


def _sann_count(distances):
    """SANN rule (van Meel et al.) on sorted distances: the smallest m >= 3 with
    R_m = sum_{j<=m} r_j / (m - 2) < r_{m+1}."""
    r = np.sort(distances)
    for m in range(3, len(r)):
        if r[:m].sum() / (m - 2) < r[m]:
            return m
    raise AssertionError("shell not closed")


@pytest.mark.parametrize("phase, expected", [("mgcu2", 16), ("mgzn2", 17)])
def test_large_laves_shell_reaches_the_second_large_neighbours(phase, expected):
    """The large particles of MgCu2 (MgZn2) form a cubic (hexagonal) diamond sublattice: 4
    first neighbours at d, 12 second ones at d sqrt(8/3) and, in hexagonal diamond only, one
    at 5d/3 (the eclipsed neighbour along c). SANN among the large particles alone takes
    16 (17) of them — the SANN rule evaluated here on freud's distances — while SANN on all
    particles keeps the 4 large first neighbours only."""
    s = crystal(phase, CELLS[phase], 0.60, size_ratio=0.82)
    large = s.positions[s.typeid == 0]
    d = freud.locality.AABBQuery(s.box, large).query(
        large[:1], {"r_max": 2.5, "exclude_ii": True}).toNeighborList().distances
    assert _sann_count(d) == expected
    nl = SANN().compute((s.box, large)).nlist
    assert np.all(nl.neighbor_counts == expected)
    full = SANN().compute(s).nlist
    is_large = s.typeid == 0
    ll = is_large[full.query_point_indices] & is_large[full.point_indices]
    assert np.all(np.bincount(full.query_point_indices[ll], minlength=s.N)[is_large] == 4)


def test_blocks_equal_freud_steinhardt_on_each_species():
    """All-particle block = the "sann" rule's; same-species block of every particle = freud's
    averaged Steinhardt q̄_l (and normalized w̄_l) on its species alone with those SANN
    neighbours (a peer computation of Eqs. 3.4-3.5)."""
    s = rattle(crystal("mgni2", CELLS["mgni2"], 0.58, size_ratio=0.82), 0.04, seed=3)
    X, names = SpeciesSANNDescriptor().describe(s)
    ref, ref_names = ch3_descriptor(0.82, "sann").describe(s)
    assert names == ref_names and X.shape == (s.N, 24)
    assert np.allclose(X[:, :12], ref[:, :12], atol=1e-12)
    for t in (0, 1):
        m = s.typeid == t
        pts = s.positions[m]
        nl = SANN().compute((s.box, pts)).nlist
        for k, l in enumerate(range(1, 9)):
            st = freud.order.Steinhardt(l, average=True).compute((s.box, pts), neighbors=nl)
            assert np.allclose(X[m, 12 + k], st.particle_order, atol=1e-5)
        for k, l in enumerate((2, 4, 6, 8)):
            st = freud.order.Steinhardt(l, average=True, wl=True, wl_normalize=True).compute(
                (s.box, pts), neighbors=nl)
            assert np.allclose(X[m, 20 + k], st.particle_order, atol=1e-4)


def test_same_species_block_carries_more_stacking_information():
    """Large particles of perfect MgCu2 and MgZn2: their same-species blocks differ twice as
    much with "sann_species" as with "sann" (whose 4 large neighbours form a tetrahedron in
    both); the all-particle blocks are identical under both rules."""
    v = {}
    for rule in ("sann", "sann_species"):
        for phase in ("mgcu2", "mgzn2"):
            s = crystal(phase, CELLS[phase], 0.60, size_ratio=0.82)
            X, _ = ch3_descriptor(0.82, rule).describe(s)
            v[rule, phase] = X[s.typeid == 0].mean(axis=0)
    gap = {r: np.linalg.norm(v[r, "mgcu2"][12:] - v[r, "mgzn2"][12:])
           for r in ("sann", "sann_species")}
    assert gap["sann_species"] > 2 * gap["sann"], gap
    assert np.allclose(v["sann", "mgcu2"][:12], v["sann_species", "mgcu2"][:12])


def test_one_component_and_bad_input():
    s = crystal("fcc", 3, 0.55)
    X, _ = SpeciesSANNDescriptor().describe(s)
    # one species: the same-species block is the all-particle block
    assert np.allclose(X[:, 12:], X[:, :12])
    cfg = SpeciesSANNDescriptor().get_config()
    assert SpeciesSANNDescriptor.from_config(cfg).get_config() == cfg
    with pytest.raises(ValueError, match="symmetrize"):
        SpeciesSANNDescriptor(symmetrize="both")
    with pytest.raises(ValueError, match="rule must be"):
        ch3_descriptor(0.82, "voronoi")
    with pytest.raises(ValueError, match="type of every particle"):
        SpeciesSANNDescriptor().describe(System(s.box, s.positions), typeid=np.zeros(3))


def test_study_describer_kinds_rebuild_without_importing_the_studies(tmp_path):
    """A model whose descriptor is a study describer (here WithTypes of the sann_species
    rule) rebuilds it in a fresh interpreter that imports only hoomd_colloidml.models: the
    kinds are registered by hoomd_colloidml itself, not by importing the studies module."""
    import subprocess
    import sys

    from freud_ext.describe import WithTypes
    from hoomd_colloidml.models import PhaseClassifier

    s = rattle(crystal("mgcu2", 3, 0.60, size_ratio=0.82), 0.02, seed=1)
    d = WithTypes(ch3_descriptor(0.82, "sann_species"))
    X, names = d.describe(s)
    y = np.where(s.typeid == 0, "L", "S")
    model = PhaseClassifier(max_epochs=3, random_state=0, group_column=-1,
                            descriptor_config=d.get_config(), feature_names=names).fit(X, y)
    model.save(tmp_path / "m")
    np.save(tmp_path / "X.npy", X)
    code = (
        "import sys, numpy as np; from hoomd_colloidml.models import load; "
        f"m = load({str(tmp_path / 'm')!r}); "
        "assert 'hoomd_colloidml.studies.descriptors' not in sys.modules; "
        "d = m.descriptor; print(type(d).__name__, type(d.base).__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["WithTypes", "SpeciesSANNDescriptor"]
