"""AsakuraOosawa(hard_core=False): the lens-volume pair term continued below sigma_c (MD use)."""

import freud
import numpy as np
import pytest

from hoomd_colloidml.potentials import AsakuraOosawa
from hoomd_colloidml.potentials.asakura_oosawa import lens_volume


def _pair(r):
    box = freud.box.Box.cube(8.0)
    return box, np.array([[0.0, 0.0, 0.0], [r, 0.0, 0.0]])


@pytest.mark.parametrize("r", [0.6, 0.9, 0.99, 1.2])
def test_soft_core_pair_term_is_the_lens_overlap(r):
    ao = AsakuraOosawa(q=0.4, eta_r=0.3, hard_core=False)
    # independent: V_lens of two spheres of radius R = 0.7 at distance r (cap formula)
    R = 0.7
    h = R - r / 2
    v_caps = 2 * np.pi * h**2 * (3 * R - h) / 3
    analytic = -ao.z_p * v_caps
    e = ao.energies(_pair(r))
    assert np.isclose(e.sum(), analytic, rtol=1e-12)
    assert np.isclose(float(lens_volume(r, R)), v_caps, rtol=1e-12)


def test_hard_core_default_is_infinite_below_sigma_and_equal_above():
    hard = AsakuraOosawa(q=0.4, eta_r=0.3)
    soft = AsakuraOosawa(q=0.4, eta_r=0.3, hard_core=False)
    assert np.isinf(hard.energies(_pair(0.95)).sum())
    assert np.isinf(hard.pair_potential(0.95))
    assert np.isfinite(soft.pair_potential(0.95))
    assert hard.energies(_pair(1.1)).sum() == soft.energies(_pair(1.1)).sum()


def test_soft_core_forces_are_finite_and_equal_minus_gradient():
    ao = AsakuraOosawa(q=0.4, eta_r=0.3, hard_core=False)
    box = freud.box.Box.cube(8.0)
    pos = np.array([[0.0, 0, 0], [0.95, 0.1, 0], [0.4, 0.9, 0.1]])
    e, f, _ = ao.forces((box, pos))
    assert np.all(np.isfinite(f))
    h = 1e-6
    for a in range(3):
        p1, p2 = pos.copy(), pos.copy()
        p1[1, a] += h
        p2[1, a] -= h
        num = -(ao.energies((box, p1)).sum() - ao.energies((box, p2)).sum()) / (2 * h)
        assert np.isclose(f[1, a], num, rtol=1e-5, atol=1e-7)


def test_hard_core_must_be_bool():
    with pytest.raises(TypeError, match="hard_core"):
        AsakuraOosawa(q=0.4, eta_r=0.3, hard_core="no")


def test_fit_pair_term_follows_hard_core_flag():
    from hoomd_colloidml.potentials import SymmetryFunctionPotential

    hard = SymmetryFunctionPotential(pair_term={"kind": "asakura_oosawa", "q": 0.4, "eta_r": 0.3})
    soft = SymmetryFunctionPotential(
        pair_term={"kind": "asakura_oosawa", "q": 0.4, "eta_r": 0.3, "hard_core": False}
    )
    assert np.isinf(hard._pair().pair_potential(0.9))
    assert np.isclose(soft._pair().pair_potential(0.9),
                      AsakuraOosawa(q=0.4, eta_r=0.3, hard_core=False).pair_potential(0.9))
