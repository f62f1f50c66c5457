"""Monte Carlo runs of the studies on the embedded engine: equilibrate, then save snapshots.

Example:
    >>> from hoomd_colloidml.lattice import crystal
    >>> snaps = run_snapshots(crystal("fcc", 3, 0.55), seed=1, equilibration_sweeps=2,
    ...                       n_snapshots=2, sweeps=1)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Coexistence", "bulk_pressure", "crystal_fluid_coexistence", "run_snapshots"]


def run_snapshots(
    system: Any,
    seed: int,
    equilibration_sweeps: int,
    n_snapshots: int,
    sweeps: int,
    ensemble: Any = None,
    potentials: tuple = (),
    progress: bool = False,
    box_step: float | None = None,
) -> tuple[list[Any], dict[str, Any]]:
    """Equilibrate with MC, then save ``n_snapshots`` configurations ``sweeps`` sweeps apart.

    Args:
        system: Initial :class:`hoomd_colloidml.System` (hard cores from its diameters).
        seed (int): Seed of the MC random stream (runs are reproducible).
        equilibration_sweeps (int): Sweeps before the first snapshot.
        n_snapshots (int): Number of saved snapshots.
        sweeps (int): Sweeps between snapshots.
        ensemble: ``NVT()`` (default) or ``NPT(...)`` from :mod:`hoomd_colloidml.engine`.
        potentials (tuple): Pair / many-body potentials (none for hard spheres).
        box_step (float): Maximum change of ln V (or ln L) per box trial in NPT; default
            ``0.5 / N`` so that a trial rarely creates an overlap in a dense system.

    Returns:
        tuple: (list of System snapshots, dict with acceptance and packing fractions).
    """
    from hoomd_colloidml.engine import NVT, MonteCarlo

    ensemble = NVT() if ensemble is None else ensemble
    box_step = 0.5 / system.N if box_step is None else box_step
    mc = MonteCarlo(system, potentials=potentials, seed=int(seed), box_step=box_step)
    if equilibration_sweeps > 0:
        mc.run(int(equilibration_sweeps), ensemble=ensemble, progress=progress)
    snaps, etas = [], []
    for _ in range(int(n_snapshots)):
        mc.run(int(sweeps), ensemble=ensemble, progress=False)
        snaps.append(mc.system.copy())
        etas.append(float(mc.system.packing_fraction))
    acc = mc.acceptance
    info = {"packing_fraction": etas, "acceptance": acc if isinstance(acc, float | int)
            else str(acc)}
    return snaps, info


def bulk_pressure(system: Any, seed: int, equilibration_sweeps: int = 300,
                  sweeps: int = 1500, every: int = 5, step_size: float = 0.05
                  ) -> tuple[float, Any]:
    """Pressure of a hard-sphere system at its density: NVT MC with virtual compressions.

    Args:
        system: :class:`hoomd_colloidml.System` (hard cores from its diameters), e.g. an
            ideal crystal from :func:`hoomd_colloidml.lattice.crystal`.
        seed (int): Seed of the MC random stream.
        equilibration_sweeps (int): Sweeps with step-size tuning before sampling.
        sweeps (int): Sampling sweeps.
        every (int): Sweeps between pressure samples.
        step_size (float): Initial maximum displacement (units of the largest diameter).

    Returns:
        tuple: (βP in units of kT / σ_L³, the equilibrated System).

    Raises:
        ValueError: ``sweeps`` or ``every`` below 1, or ``every`` above ``sweeps``.
    """
    from hoomd_colloidml.engine import NVT, MonteCarlo

    if int(sweeps) < 1 or int(every) < 1 or int(every) > int(sweeps):
        raise ValueError(f"bulk_pressure needs 1 <= every <= sweeps; got sweeps={sweeps!r}, "
                         f"every={every!r}.")
    mc = MonteCarlo(system, seed=int(seed), step_size=float(step_size))
    if int(equilibration_sweeps) > 0:
        mc.run(int(equilibration_sweeps), NVT(), progress=False, equilibrate=True,
               pressure_every=0)
    mc.run(int(sweeps), NVT(), progress=False, pressure_every=int(every))
    return float(mc.pressure), mc.system


@dataclass(frozen=True)
class Coexistence:
    """Start of a direct-coexistence run (:func:`crystal_fluid_coexistence`).

    Attributes:
        system: Crystal slab + fluid slab along z, no gaps.
        slab ((N,) numpy.ndarray): 0 for the crystal's particles, 1 for the fluid's.
        pressure (float): βPσ_L³ of the bulk crystal; run NPT at this pressure.
        fluid_packing_fraction (float): BMCSL η of the fluid at ``pressure``.
        bulk_crystal: The equilibrated bulk crystal (periodic, before stacking).
    """

    system: Any
    slab: np.ndarray
    pressure: float
    fluid_packing_fraction: float
    bulk_crystal: Any


def crystal_fluid_coexistence(crystal: Any, small_fraction: float, seed: int,
                              equilibration_sweeps: int = 300, sweeps: int = 1500
                              ) -> Coexistence:
    """A crystal in direct contact with its fluid at the crystal's bulk pressure.

    1. :func:`bulk_pressure` of the crystal (seed ``seed``);
    2. the fluid's packing fraction at that pressure from the BMCSL equation of state
       (:func:`hoomd_colloidml.studies.nucleation.fluid_packing_fraction`);
    3. :func:`hoomd_colloidml.studies.builders.crystal_fluid_slabs` with the equilibrated
       crystal (seed ``seed + 2``).

    Run the result in NPT at the returned pressure (independent box lengths): the
    interface then moves only as far as the crystal is above or below melting, where NVT
    with a fluid at an arbitrary density melts or grows the crystal until the densities
    match.

    Args:
        crystal: Crystal in an orthorhombic box, binary (types ``["A", "B"]``) or
            one-component (``["A"]``).
        small_fraction (float): Number fraction x = N_B/N of the fluid (the crystal's
            stoichiometry for congruent melting; 0 for a one-component crystal).
        seed (int): Base seed.
        equilibration_sweeps (int), sweeps (int): Of the bulk-pressure run.

    Returns:
        Coexistence: system, slab index, pressure, fluid η and the equilibrated crystal.

    Raises:
        ValueError: See :func:`~hoomd_colloidml.studies.builders.crystal_fluid_slabs`.
    """
    from hoomd_colloidml.studies.builders import check_slab_crystal, crystal_fluid_slabs
    from hoomd_colloidml.studies.nucleation import fluid_packing_fraction

    alpha = check_slab_crystal(crystal, small_fraction)
    pressure, bulk = bulk_pressure(crystal, seed, equilibration_sweeps, sweeps)
    eta_f = fluid_packing_fraction(pressure, small_fraction, alpha)
    system, slab = crystal_fluid_slabs(bulk, eta_f, small_fraction, seed=int(seed) + 2)
    return Coexistence(system, slab, pressure, float(eta_f), bulk)
