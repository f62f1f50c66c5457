"""studies.labels.on_site: which crystal particles still sit at their lattice site."""

import numpy as np
import pytest

from hoomd_colloidml.lattice import crystal, rattle
from hoomd_colloidml.studies.labels import on_site


def test_on_site_detects_a_particle_in_an_interstitial_hole():
    s = crystal("fcc", 3, 0.55)
    a = s.box.Lx / 3  # cubic cell edge; nearest-site distance a / sqrt(2)
    hot = rattle(s, 0.05, seed=1)  # thermal displacements stay on site
    drift = s.copy()
    drift.positions = s.positions + np.array([0.3, -0.2, 0.1])  # the whole crystal moved
    hop = s.copy()
    hop.positions = s.positions.copy()
    hop.positions[5, 0] += a / 2  # to the octahedral hole: 0.71 nearest-site distances
    mask = on_site(s, [s, hot, drift, hop])
    assert mask.shape == (4, s.N)
    assert mask[:3].all()
    assert np.flatnonzero(~mask[3]).tolist() == [5]


def test_on_site_binary_lattice_and_bad_input():
    s = crystal("nacl", 2, 0.63, size_ratio=0.45)
    assert on_site(s, [rattle(s, 0.03, seed=2)]).all()
    with pytest.raises(ValueError, match="positions"):
        on_site(s, [crystal("fcc", 2, 0.55)])
