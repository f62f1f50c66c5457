"""Test data for the models: averaged bond-order vectors of rattled crystals and fluids.

Features are computed with freud itself (``freud.order.Steinhardt(l, average=True)`` on
freud's SANN neighbours), independently of the code under test.
"""

from __future__ import annotations

import functools

import freud
import numpy as np

from hoomd_colloidml import lattice

L_VALUES = tuple(range(1, 9))
NAMES = tuple(f"qbar{l}" for l in L_VALUES)


def bop_features(system) -> np.ndarray:
    """(N, 8) averaged Steinhardt q̄_l, l = 1..8 (Lechner–Dellago), SANN neighbours."""
    box, pts = system.box, system.positions
    sann = freud.locality.FilterSANN()
    sann.compute((box, pts), neighbors={"num_neighbors": 24, "exclude_ii": True})
    nl = sann.filtered_nlist
    out = []
    for l in L_VALUES:
        st = freud.order.Steinhardt(l, average=True)
        st.compute((box, pts), neighbors=nl)
        out.append(np.asarray(st.particle_order, dtype=np.float64))
    return np.column_stack(out)


@functools.cache
def phase_features(phase: str, seed: int, eta: float = 0.55) -> np.ndarray:
    """Features of one rattled configuration; 'fluid' is an MC-equilibrated-free random fluid
    approximated by a strongly rattled FCC lattice (Lindemann ratio far above melting)."""
    if phase == "fluid":
        s = lattice.fluid(400, 0.45, seed=seed)
    else:
        cells = {"fcc": 5, "hcp": (6, 4, 4), "bcc": 6}[phase]
        s = lattice.crystal(phase, cells, eta)
        s = lattice.rattle(s, sigma=0.08, seed=seed)
    return bop_features(s)
