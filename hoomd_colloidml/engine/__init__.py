"""The embedded Monte Carlo engine (used where HOOMD-blue is absent).

Metropolis Monte Carlo in 2D and 3D periodic orthorhombic boxes with hard cores, pair
potentials per type pair and many-body potentials; NVT and NPT; numba sweeps with cell
lists; GSD output with HOOMD's schema; isoconfigurational ensembles.
"""

from hoomd_colloidml.engine.ensembles import NPT, NVT
from hoomd_colloidml.engine.isoconfigurational import isoconfigurational
from hoomd_colloidml.engine.montecarlo import MonteCarlo
from hoomd_colloidml.engine.pair import (
    WCA,
    AsakuraOosawa,
    HardSphere,
    Hertzian,
    LennardJones,
    PairPotential,
    SoftenedCoreShoulder,
    SquareShoulder,
)
from hoomd_colloidml.engine.trajectory import GSDWriter

__all__ = [
    "MonteCarlo",
    "NVT",
    "NPT",
    "PairPotential",
    "HardSphere",
    "SquareShoulder",
    "SoftenedCoreShoulder",
    "LennardJones",
    "WCA",
    "Hertzian",
    "AsakuraOosawa",
    "GSDWriter",
    "isoconfigurational",
]
