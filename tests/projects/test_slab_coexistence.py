"""builders.slab_coexistence: crystal slabs + fluid slab at an exact overall density."""

import freud
import numpy as np
import pytest

from hoomd_colloidml.studies.builders import close_packed_stack, slab_coexistence


@pytest.fixture(scope="module", params=[False, True], ids=["touching", "separate"])
def coexistence(request):
    fcc = close_packed_stack("ABC", 4, 2, 2, 1.05)
    hcp = close_packed_stack("AB", 4, 2, 3, 1.05)
    s, slab = slab_coexistence([fcc, hcp], 0.94, 1.01, seed=3, separate=request.param)
    return fcc, hcp, s, slab


def _z_runs(s, slab):
    """Slab labels along z, consecutive repeats collapsed (cyclic box)."""
    order = np.argsort(s.positions[:, 2])
    seq = [int(v) for v in slab[order]]
    runs = [seq[0]] + [b for a, b in zip(seq, seq[1:]) if a != b]
    return runs[:-1] if len(runs) > 1 and runs[-1] == runs[0] else runs


def test_slab_order_along_z():
    fcc = close_packed_stack("ABC", 4, 2, 2, 1.05)
    hcp = close_packed_stack("AB", 4, 2, 3, 1.05)
    s, slab = slab_coexistence([fcc, hcp], 0.94, 1.01, seed=3)
    assert sorted(_z_runs(s, slab)) == [0, 1, 2]  # FCC | HCP | fluid
    s, slab = slab_coexistence([fcc, hcp], 0.94, 1.01, seed=3, separate=True)
    runs = _z_runs(s, slab)
    assert sorted(runs) == [0, 1, 2, 2] and runs.count(2) == 2  # FCC | fluid | HCP | fluid
    # the two fluid slabs hold the same number of particles (+- 1)
    z = s.positions[:, 2] - s.positions[slab == 0, 2].mean()
    z -= s.box.Lz * np.round(z / s.box.Lz)
    zh = s.positions[slab == 1, 2].mean() - s.positions[slab == 0, 2].mean()
    zh -= s.box.Lz * np.round(zh / s.box.Lz)
    between = (slab == 2) & (np.sign(z) == np.sign(zh)) & (np.abs(z) < abs(zh))
    assert abs(2 * between.sum() - (slab == 2).sum()) <= 1


def test_overall_and_fluid_density(coexistence):
    fcc, hcp, s, slab = coexistence
    # overall density: the requested one up to rounding to a whole particle
    assert abs(s.N - 1.01 * s.volume) <= 0.5
    assert (slab == 0).sum() == fcc.N and (slab == 1).sum() == hcp.N
    # lever rule: the fluid fills the rest of the box at the fluid density
    v_f = s.volume - fcc.volume - hcp.volume
    assert (slab == 2).sum() / v_f == pytest.approx(0.94, abs=0.5 / v_f + 1e-9)
    assert s.box.Lx == pytest.approx(fcc.box.Lx) and s.box.Ly == pytest.approx(fcc.box.Ly)


def test_no_overlaps_and_crystals_intact(coexistence):
    fcc, hcp, s, slab = coexistence
    L = np.array([s.box.Lx, s.box.Ly, s.box.Lz])
    nl = freud.locality.AABBQuery(s.box, s.positions).query(
        s.positions, {"r_max": 1.05, "exclude_ii": True}).toNeighborList()
    dx = s.positions[nl.point_indices] - s.positions[nl.query_point_indices]
    dx -= L * np.round(dx / L)
    assert np.sqrt((dx * dx).sum(1)).min() >= 1.0
    # the crystals are still close-packed layers: every crystal particle keeps 12 neighbours
    # within 1.25 sigma except at the crystal-fluid faces (freud, independent of SANN); of
    # these 6-layer crystals 2 layers touch the fluid (touching slabs: 1 face each) or 4
    # (separate slabs: 2 faces each)
    nn = freud.locality.AABBQuery(s.box, s.positions).query(
        s.positions, {"r_max": 1.25, "exclude_ii": True}).toNeighborList()
    counts = np.bincount(nn.query_point_indices, minlength=s.N)
    crystal = slab < 2
    separate = len(_z_runs(s, slab)) == 4
    assert np.mean(counts[crystal] == 12) > (0.3 if separate else 0.5)
    assert np.mean(counts[crystal] >= 9) > 0.9
    assert np.mean(counts[~crystal] == 12) < 0.2


@pytest.mark.parametrize(
    "rho_f, rho, match",
    [(0.94, 0.90, "fluid_density < total_density"), (1.0, 0.99, "fluid_density"),
     (0.94, 1.2, "crystal density")],
)
def test_refuses_densities_outside_the_coexistence_range(rho_f, rho, match):
    fcc = close_packed_stack("ABC", 3, 2, 1, 1.05)
    with pytest.raises(ValueError, match=match):
        slab_coexistence([fcc], rho_f, rho)


def test_refuses_mismatched_cross_sections():
    a = close_packed_stack("ABC", 3, 2, 1, 1.05)
    b = close_packed_stack("AB", 4, 2, 1, 1.05)
    with pytest.raises(ValueError, match="cross-section"):
        slab_coexistence([a, b], 0.94, 1.0)
    with pytest.raises(ValueError, match="at least one"):
        slab_coexistence([], 0.94, 1.0)


def test_crystal_fluid_slabs_binary_without_gaps_or_overlaps():
    from hoomd_colloidml.engine import kernels as K
    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies.builders import crystal_fluid_slabs

    xtal = crystal("alb2", (4, 2, 4), 0.60, size_ratio=0.45)
    s, slab = crystal_fluid_slabs(xtal, 0.50, 2 / 3, seed=2)
    L = np.array([s.box.Lx, s.box.Ly, s.box.Lz])
    assert (s.box.Lx, s.box.Ly) == (xtal.box.Lx, xtal.box.Ly)
    assert s.box.Lz == pytest.approx(2 * xtal.box.Lz)
    # no two hard cores overlap (additive diameters 1 and 0.45)
    pos = np.ascontiguousarray(s.positions, dtype=np.float64)
    assert K.min_contact_ratio(pos, s.diameters, L, 3, 1.0) >= 1.0
    assert s.types == ["A", "B"] and set(np.unique(s.diameters)) == {0.45, 1.0}
    f = slab == 1
    # the fluid: exact stoichiometry and the requested packing fraction of its half
    assert np.sum(s.typeid[f] == 1) == round(2 / 3 * f.sum())
    vol = np.pi / 6 * np.sum(s.diameters[f] ** 3)
    assert vol / (s.volume / 2) == pytest.approx(0.50, abs=0.003)
    # two slabs: the crystal in the lower half of the box, the fluid in the upper half
    # (particles rattle during the overlap removal but stay on their side)
    z = s.positions[:, 2]
    assert np.all(np.abs(z[~f] + s.box.Lz / 4) < s.box.Lz / 4 + 0.5)
    assert np.all(np.abs(z[f] - s.box.Lz / 4) < s.box.Lz / 4 + 0.5)
    assert np.all(s.typeid[~f] == xtal.typeid)


def test_crystal_fluid_slabs_refuses_bad_input():
    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies.builders import crystal_fluid_slabs

    xtal = crystal("nacl", 2, 0.62, size_ratio=0.45)
    with pytest.raises(ValueError, match="fluid_packing_fraction"):
        crystal_fluid_slabs(xtal, 0.7, 0.5)
    with pytest.raises(ValueError, match="small_fraction"):
        crystal_fluid_slabs(xtal, 0.5, 1.5)
    with pytest.raises(ValueError, match="one-component fluid"):
        crystal_fluid_slabs(crystal("fcc", 2, 0.55), 0.5, 0.5)


def test_crystal_fluid_coexistence_at_the_crystal_pressure():
    """One-component case against independent equations of state: the bulk pressure of an
    FCC crystal at η = 0.58 lies on Speedy's crystal equation of state, and the fluid slab
    is generated at the Carnahan–Starling packing fraction of that pressure."""
    import numpy as np

    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies.nucleation import (
        carnahan_starling_pressure,
        crystal_packing_fraction,
    )
    from hoomd_colloidml.studies.simulate import crystal_fluid_coexistence

    xtal = crystal("fcc", (5, 5, 5), 0.58)
    co = crystal_fluid_coexistence(xtal, 0.0, seed=3, equilibration_sweeps=300, sweeps=3000)
    # seeds 3-6 give 0.575-0.583 (statistical error of the virtual-compression pressure
    # of N = 500); 0.008 in η is 7 % in pressure
    assert crystal_packing_fraction(co.pressure) == pytest.approx(0.58, abs=0.008)
    assert carnahan_starling_pressure(co.fluid_packing_fraction) == pytest.approx(co.pressure,
                                                                                   rel=1e-6)
    s, slab = co.system, co.slab
    assert list(s.types) == ["A"] and np.all(s.diameters == 1.0)
    assert int((slab == 0).sum()) == xtal.N
    eta_fluid = (slab == 1).sum() * np.pi / 6 / (s.box.volume / 2)
    assert eta_fluid == pytest.approx(co.fluid_packing_fraction, abs=0.003)
    assert co.bulk_crystal.N == xtal.N


def test_stack_slabs_relaxed_leaves_no_gap():
    """Two crystals whose lattices do not match across the interface: the default stacking
    opens gaps until no cores overlap; with relax_seed the box is exactly the two slabs
    thick, the overlaps are gone and each particle stays in its slab."""
    from hoomd_colloidml.engine import kernels as K
    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies.builders import stack_slabs

    slabs = [crystal("mgcu2", 2, 0.60, size_ratio=0.82), crystal("fcc", [3, 3, 4], 0.58)]
    gapped, _ = stack_slabs(slabs, gap=0.05)
    s, slab = stack_slabs(slabs, relax_seed=1)
    thickness = sum(x.box.Lz for x in slabs)
    assert gapped.box.Lz > thickness + 0.2  # the problem this option solves
    assert s.box.Lz == pytest.approx(thickness)
    assert np.bincount(slab).tolist() == [x.N for x in slabs]
    L = np.array([s.box.Lx, s.box.Ly, s.box.Lz])
    pos = np.ascontiguousarray(s.positions, dtype=np.float64)
    assert K.min_contact_ratio(pos, s.diameters, L, 3, 1.0) >= 1.0
    # the slabs stay on their sides: slab 0 below slab 1 in the unwrapped stacking
    z = s.positions[:, 2] + s.box.Lz / 2
    assert np.median(z[slab == 0]) < slabs[0].box.Lz < np.median(z[slab == 1])
