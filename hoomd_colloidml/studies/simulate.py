"""Monte Carlo runs of the studies on the embedded engine: equilibrate, then save snapshots.

Example:
    >>> from hoomd_colloidml.lattice import crystal
    >>> snaps = run_snapshots(crystal("fcc", 3, 0.55), seed=1, equilibration_sweeps=2,
    ...                       n_snapshots=2, sweeps=1)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_snapshots"]


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
