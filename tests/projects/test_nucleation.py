"""Seeded crystal growth of hard spheres (hoomd_colloidml.studies.nucleation, thesis Ch. 4.3.5).

Reference values: hard-sphere freezing/melting at βPσ³ = 11.57 with η_fluid = 0.492 and
η_solid = 0.543 (Frenkel & Smit, *Understanding Molecular Simulation*, 2nd ed., Ch. 10.4;
Noya, Vega & de Miguel, J. Chem. Phys. 128, 154507 (2008): 0.4916 / 0.5433 at 11.54),
virial expansion of the fluid (B2 = 4, B3 = 10 in units of the particle volume),
freud's own SolidLiquid, and the engine's NPT runs.
"""

import math

import freud
import numpy as np
import pytest

from hoomd_colloidml import System
from hoomd_colloidml.studies import nucleation as nuc
from hoomd_colloidml.studies.statepoints import validate_detection


def test_equations_of_state_against_coexistence_and_virial_coefficients():
    # coexistence of hard spheres (Noya et al. 2008; Frenkel & Smit)
    assert nuc.fluid_packing_fraction(11.54) == pytest.approx(0.4916, abs=0.002)
    assert nuc.crystal_packing_fraction(11.54) == pytest.approx(0.5433, abs=0.002)
    # low density: beta P / rho = 1 + 4 eta + 10 eta^2 + O(eta^3)
    eta = 1e-3
    z = nuc.carnahan_starling_pressure(eta) / (6 * eta / math.pi)
    assert z == pytest.approx(1 + 4 * eta + 10 * eta**2, abs=1e-7)
    # Speedy's crystal EOS diverges at close packing eta = pi sqrt(2)/6
    assert nuc.speedy_pressure(0.74) > 1e3
    for p in (12.0, 20.0, 30.0):
        assert nuc.carnahan_starling_pressure(nuc.fluid_packing_fraction(p)) == pytest.approx(p)
        assert nuc.speedy_pressure(nuc.crystal_packing_fraction(p)) == pytest.approx(p)
        assert nuc.crystal_packing_fraction(p) > nuc.fluid_packing_fraction(p)


def test_engine_npt_crystal_matches_the_crystal_equation_of_state():
    from hoomd_colloidml.engine import NPT, MonteCarlo
    from hoomd_colloidml.lattice import crystal

    eta = nuc.crystal_packing_fraction(20.0)
    mc = MonteCarlo(crystal("fcc", 4, eta), seed=3, box_step=0.5 / 256)
    ens = NPT(20.0, box_moves="axes", box_trials=4)
    mc.run(200, ens, progress=False, equilibrate=True)
    mc.run(600, ens, progress=False, sample_every=10)
    assert np.mean(mc.observables["packing_fraction"]) == pytest.approx(eta, abs=0.006)


def test_solid_fraction_matches_freud_and_separates_crystal_from_fluid():
    from hoomd_colloidml.lattice import crystal, fluid, rattle

    fcc = rattle(crystal("fcc", 4, 0.60), 0.03, seed=1)
    assert nuc.solid_fraction(fcc) == 1.0
    liq = fluid(300, 0.45, seed=2)
    assert nuc.solid_fraction(liq) < 0.05
    sl = freud.order.SolidLiquid(l=6, q_threshold=0.7, solid_threshold=7)
    sl.compute((liq.box, liq.positions), neighbors={"r_max": 1.45, "exclude_ii": True})
    assert nuc.solid_fraction(liq) == pytest.approx(np.mean(sl.num_connections >= 7))


def test_seeded_fluid_has_a_crystalline_seed_in_a_fluid_without_overlaps():
    s = nuc.seeded_fluid(800, 20.0, 2.8, seed=5, relax_sweeps=20)
    assert s.N == 800
    nl = freud.locality.AABBQuery(s.box, s.positions).query(
        s.positions, {"r_max": 0.999, "exclude_ii": True}).toNeighborList()
    assert len(nl) == 0  # no two hard cores closer than a diameter
    # overall density between the fluid's and the crystal's at this pressure
    assert nuc.fluid_packing_fraction(20.0) - 0.005 < s.packing_fraction < \
        nuc.crystal_packing_fraction(20.0)
    sl = freud.order.SolidLiquid(l=6, q_threshold=0.7, solid_threshold=7)
    sl.compute((s.box, s.positions), neighbors={"r_max": 1.45, "exclude_ii": True})
    solid = np.asarray(sl.num_connections) >= 7
    r = np.linalg.norm(s.positions, axis=1)
    assert solid[r < 1.8].mean() == 1.0  # the core of the seed is crystalline
    assert solid[r > 4.6].mean() < 0.05  # the fluid far from it is not
    # no seed: a plain fluid at the Carnahan-Starling packing fraction
    f = nuc.seeded_fluid(300, 15.0, 0.0, seed=1, relax_sweeps=5)
    assert f.packing_fraction == pytest.approx(nuc.fluid_packing_fraction(15.0), rel=1e-5)


def test_nucleation_run_keeps_the_first_snapshot_past_each_target_and_is_reproducible():
    s = nuc.seeded_fluid(200, 15.0, 0.0, seed=1, relax_sweeps=5)
    calls = []

    def monitor(system):  # a stand-in crystalline fraction that rises with every check
        calls.append(system.N)
        return min(0.99, 0.1 * len(calls) ** 1.5 / 10)

    snaps, info = nuc.nucleation_run(s, 15.0, targets=(0.05, 0.2, 0.3), seed=2,
                                     check_every=3, tune_sweeps=5, monitor=monitor)
    assert len(snaps) == 3 and all(isinstance(x, System) for x in snaps)
    # check k (0-based) sees 0.01 (k + 1)^1.5: >= 0.05 first at k = 2, >= 0.2 at k = 7,
    # >= 0.3 at k = 9
    assert info["sweeps"] == [6, 21, 27]
    assert info["solid_fraction"] == pytest.approx([0.01 * 3**1.5, 0.01 * 8**1.5,
                                                    0.01 * 10**1.5])
    assert [t[0] for t in info["trace"]] == list(range(0, 28, 3))
    calls.clear()
    again, _ = nuc.nucleation_run(s, 15.0, targets=(0.05, 0.2, 0.3), seed=2, check_every=3,
                                  tune_sweeps=5, monitor=monitor)
    for a, b in zip(snaps, again, strict=True):
        np.testing.assert_array_equal(a.positions, b.positions)
    calls.clear()
    with pytest.raises(RuntimeError, match="max_sweeps"):
        nuc.nucleation_run(s, 15.0, targets=(0.9,), seed=2, check_every=3, max_sweeps=6,
                           tune_sweeps=0, monitor=lambda _: 0.0)


def test_invalid_arguments_are_refused():
    s = nuc.seeded_fluid(200, 15.0, 0.0, seed=1, relax_sweeps=0)
    with pytest.raises(ValueError, match="'targets'"):
        nuc.nucleation_run(s, 15.0, targets=(0.5, 0.2))
    with pytest.raises(ValueError, match="'targets'"):
        nuc.nucleation_run(s, 15.0, targets=(0.5, 1.0))
    with pytest.raises(ValueError, match="'pressure'"):
        nuc.nucleation_run(s, -1.0)
    with pytest.raises(TypeError, match="'system'"):
        nuc.nucleation_run(np.zeros((3, 3)), 15.0)
    with pytest.raises(ValueError, match="'check_every'"):
        nuc.nucleation_run(s, 15.0, check_every=0)
    with pytest.raises(ValueError, match="'seed_radius'"):
        nuc.seeded_fluid(200, 15.0, -1.0)
    with pytest.raises(ValueError, match="does not fit"):
        nuc.seeded_fluid(400, 15.0, 3.5)
    with pytest.raises(ValueError, match="'n'"):
        nuc.seeded_fluid(10, 15.0, 0.0)
    with pytest.raises(ValueError, match=r"\[10, 1000\]"):
        nuc.crystal_packing_fraction(5.0)
    with pytest.raises(TypeError, match="'pressure'"):
        nuc.fluid_packing_fraction("high")


def test_nucleation_state_points_are_validated():
    ok = {"system": "nucleation", "pressure": 20.0, "N": 600, "seed_radius": 3.0,
          "targets": [0.1, 0.5], "check_every": 100, "max_sweeps": 1000, "seed": 1}
    assert validate_detection(ok) is ok
    for bad, match in (({"pressure": 8.0}, "'pressure'"), ({"seed_radius": -1.0}, "seed_radius"),
                       ({"targets": [0.5, 0.3]}, "'targets'"), ({"targets": []}, "'targets'"),
                       ({"targets": [0.2, 1.2]}, "'targets'"), ({"check_every": 0}, "check_every"),
                       ({"max_sweeps": 1.5}, "max_sweeps")):
        with pytest.raises(ValueError, match=match):
            validate_detection({**ok, **bad})


def test_bmcsl_reduces_to_carnahan_starling_and_virial_limit():
    # one species: identical to Carnahan-Starling, whichever species it is
    for eta in (0.1, 0.3, 0.5):
        cs = nuc.carnahan_starling_pressure(eta)
        assert nuc.bmcsl_pressure(eta, 0.0, 0.7) == pytest.approx(cs, rel=1e-12)
        assert nuc.bmcsl_pressure(eta, 0.4, 1.0) == pytest.approx(cs, rel=1e-12)
        # all small (sigma_S = alpha): the same fluid in units of sigma_S
        assert nuc.bmcsl_pressure(eta, 1.0, 0.7) == pytest.approx(cs / 0.7**3, rel=1e-12)
    # low density, binary: beta P / rho = 1 + B2 rho with the exact second virial
    # coefficient B2 = (2 pi / 3) sum_ij x_i x_j sigma_ij^3 (additive diameters)
    x, a, eta = 2 / 3, 0.82, 1e-4
    rho = eta / (math.pi / 6 * ((1 - x) + x * a**3))
    sij = {(0, 0): 1.0, (0, 1): (1 + a) / 2, (1, 1): a}
    xs = (1 - x, x)
    b2 = 2 * math.pi / 3 * sum(xs[i] * xs[j] * sij[min(i, j), max(i, j)] ** 3
                               for i in (0, 1) for j in (0, 1))
    assert nuc.bmcsl_pressure(eta, x, a) / rho == pytest.approx(1 + b2 * rho, abs=1e-7)
    # and its inverse
    for p in (5.0, 20.0):
        eta_f = nuc.fluid_packing_fraction(p, x, a)
        assert nuc.bmcsl_pressure(eta_f, x, a) == pytest.approx(p)
        # more particles per volume at a given eta: a lower eta at the same pressure
        assert eta_f < nuc.fluid_packing_fraction(p)
    with pytest.raises(ValueError, match="small_fraction"):
        nuc.fluid_packing_fraction(5.0, 1.5, a)
    with pytest.raises(ValueError, match="size_ratio"):
        nuc.fluid_packing_fraction(5.0, x, 0.0)


def test_engine_npt_binary_fluid_matches_bmcsl():
    """NPT at the BMCSL pressure of a binary fluid (alpha = 0.82, x = 2/3, eta = 0.40, where
    BMCSL is within ~1 % of simulations) keeps eta = 0.40."""
    from hoomd_colloidml.engine import NPT, MonteCarlo
    from hoomd_colloidml.lattice import fluid

    p = nuc.bmcsl_pressure(0.40, 2 / 3, 0.82)
    s = fluid(400, 0.40, composition=(1 / 3, 2 / 3), size_ratio=0.82, seed=4)
    mc = MonteCarlo(s, seed=5, step_size=0.1)
    ens = NPT(p, box_trials=5)
    mc.run(300, ens, progress=False, equilibrate=True, pressure_every=0)
    mc.run(2000, ens, progress=False, pressure_every=0)
    assert np.mean(mc.observables["packing_fraction"]) == pytest.approx(0.40, abs=0.006)
