"""Test data for the models: averaged bond-order vectors of rattled crystals and fluids.

Features are computed with freud itself (``freud.order.Steinhardt(l, average=True)`` on
freud's SANN neighbours), independently of the code under test. Crystals come from
:func:`hoomd_colloidml.lattice.crystal` + :func:`~hoomd_colloidml.lattice.rattle`, fluids from
:func:`hoomd_colloidml.lattice.fluid` (random hard-sphere configurations).
"""

from __future__ import annotations

import functools

import freud
import numpy as np

from hoomd_colloidml import lattice

L_VALUES = tuple(range(1, 9))
NAMES = tuple(f"qbar{l}" for l in L_VALUES)
W_VALUES = (2, 4, 6, 8)
NAMES_W = NAMES + tuple(f"wbar{l}" for l in W_VALUES)
CELLS = {"fcc": 4, "hcp": (5, 3, 3), "bcc": 5}


def bop_features(system, wl: bool = False) -> np.ndarray:
    """(N, 8) averaged Steinhardt q̄_l, l = 1..8 (Lechner–Dellago), SANN neighbours.

    With ``wl=True`` also the normalised w̄_l, l = 2, 4, 6, 8: (N, 12), the one-component
    form of the thesis's Eq. 3.6.
    """
    box, pts = system.box, system.positions
    sann = freud.locality.FilterSANN()
    sann.compute((box, pts), neighbors={"num_neighbors": 24, "exclude_ii": True})
    nl = sann.filtered_nlist
    out = []
    for l in L_VALUES:
        st = freud.order.Steinhardt(l, average=True)
        st.compute((box, pts), neighbors=nl)
        out.append(np.asarray(st.particle_order, dtype=np.float64))
    for l in W_VALUES if wl else ():
        st = freud.order.Steinhardt(l, average=True, wl=True, wl_normalize=True)
        st.compute((box, pts), neighbors=nl)
        out.append(np.asarray(st.particle_order, dtype=np.float64))
    return np.column_stack(out)


@functools.cache
def crystal_features(phase: str, sigma: float, seed: int, eta: float = 0.55,
                     wl: bool = False) -> np.ndarray:
    """Features of a crystal rattled with Gaussian displacements of s.d. ``sigma``."""
    s = lattice.rattle(lattice.crystal(phase, CELLS[phase], eta), sigma=sigma, seed=seed)
    return bop_features(s, wl)


@functools.cache
def _fluid(n: int, eta: float, seed: int):
    return lattice.fluid(n, eta, seed=seed)


@functools.cache
def fluid_features(n: int, eta: float, seed: int, wl: bool = False) -> np.ndarray:
    """Features of a random hard-sphere fluid configuration."""
    return bop_features(_fluid(n, eta, seed), wl)


def mixture_fcc_hcp_fluid() -> tuple[np.ndarray, np.ndarray]:
    """FCC, HCP (labels 0, 1) rattled with σ = 0.02 … 0.11 and fluid (label 2, η = 0.45).

    The spread of rattling amplitudes gives each crystal cluster a continuous "disorder"
    direction, as in a coexistence snapshot, besides the FCC/HCP/fluid separation.
    """
    Xs, ys = [], []
    for i, p in enumerate(("fcc", "hcp")):
        for j, sig in enumerate(np.linspace(0.02, 0.11, 12)):
            X = crystal_features(p, float(sig), 100 * i + j)
            Xs.append(X)
            ys.append(np.full(len(X), i))
    for k in range(2):
        X = fluid_features(400, 0.45, k)
        Xs.append(X)
        ys.append(np.full(len(X), 2))
    return np.vstack(Xs), np.concatenate(ys)
