"""Drive HOOMD-blue MD with any :class:`~hoomd_colloidml.potentials.ManyBodyPotential`."""

from __future__ import annotations

import inspect
from typing import Any

import freud
import hoomd
import hoomd.md
import numpy as np

from hoomd_colloidml.system import System

__all__ = ["ManyBodyForce", "local_system", "nlist_pairs"]


def local_system(snap: Any, types: list[str]) -> System:
    """The rank-local particles of ``state.cpu_local_snapshot`` in local (array) order."""
    b = snap.global_box
    dims = 2 if b.is2D else 3
    box = freud.box.Box.from_box([b.Lx, b.Ly, b.Lz, b.xy, b.xz, b.yz], dimensions=dims)
    pos = np.array(snap.particles.position, dtype=np.float64)
    if dims == 2:
        pos[:, 2] = 0.0
    return System(
        box,
        pos,  # HOOMD keeps positions inside the box; freud.wrap would round to float32
        np.array(snap.particles.typeid),
        list(types),
        np.array(snap.particles.diameter, dtype=np.float64),
    )


def nlist_pairs(arrays: Any, n_local: int) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) pairs of a HOOMD neighbour list (``cpu_local_nlist_arrays``), both directions.

    HOOMD stores neighbours of particle ``i`` at ``nlist[head_list[i] : head_list[i] +
    n_neigh[i]]``; a ``'half'`` list holds each pair once, so pairs are symmetrised.
    """
    head = np.asarray(arrays.head_list, dtype=np.int64)[:n_local]
    nn = np.asarray(arrays.n_neigh, dtype=np.int64)[:n_local]
    flat = np.asarray(arrays.nlist, dtype=np.int64)
    i = np.repeat(np.arange(n_local), nn)
    offs = np.arange(len(i)) - np.repeat(np.cumsum(nn) - nn, nn)
    j = flat[np.repeat(head, nn) + offs]
    keep = j < n_local
    i, j = i[keep], j[keep]
    pairs = np.unique(np.concatenate([np.c_[i, j], np.c_[j, i]]), axis=0)
    return pairs[:, 0], pairs[:, 1]


class ManyBodyForce(hoomd.md.force.Custom):
    """A HOOMD-blue custom force evaluating a :class:`ManyBodyPotential`.

    On every force evaluation the particles are read from the rank-local snapshot
    (``state.cpu_local_snapshot``; a global ``get_snapshot()`` would cost ~15 ms per
    call at scale), ``potential.forces(system)`` returns per-particle energies, forces
    and the total virial, and they are written through ``cpu_local_force_arrays``.
    Per-particle virials: the potential's ``per_particle_virials(system)`` when it has
    one, otherwise the total virial divided equally among particles (the pressure,
    which sums them, is exact; per-particle stresses are then not meaningful).

    When ``nlist`` is a HOOMD neighbour list (HOOMD >= 4.5) its pairs are read through
    ``cpu_local_nlist_arrays`` and handed to the potential as a
    :class:`freud.locality.NeighborList` (``potential.forces(system,
    neighbors=...)``; the potential must accept ``neighbors``). Give the list a base
    cutoff ``>= potential.r_cut`` (``hoomd.md.nlist.Cell(buffer=0.4,
    default_r_cut=potential.r_cut)``) and append it to ``sim.operations.computes`` when
    no pair force uses it; pairs beyond ``potential.r_cut`` are dropped.

    Single MPI rank only: under domain decomposition the ghost particles would need
    forces too, so :meth:`set_forces` raises ``RuntimeError`` on more than one rank.

    Args:
        potential (ManyBodyPotential): Energies in kT, lengths in diameters.
        nlist (hoomd.md.nlist.NeighborList): Optional neighbour list.

    Example::

        force = ManyBodyForce(AsakuraOosawa(q=0.4, eta_p=0.3))
        integrator = hoomd.md.Integrator(dt=0.001, forces=[force], methods=[nve])
    """

    def __init__(self, potential: Any, nlist: Any = None) -> None:
        super().__init__(aniso=False)
        if not callable(getattr(potential, "forces", None)):
            raise TypeError(
                "potential must be a hoomd_colloidml ManyBodyPotential with forces(system); "
                f"got {type(potential).__name__}."
            )
        if nlist is not None:
            if not hasattr(type(nlist), "cpu_local_nlist_arrays"):  # the property raises unattached
                raise TypeError(
                    "nlist must be a hoomd.md.nlist.NeighborList of HOOMD-blue >= 4.5 "
                    "(with cpu_local_nlist_arrays)."
                )
            if "neighbors" not in inspect.signature(potential.forces).parameters:
                raise TypeError(
                    f"{type(potential).__name__}.forces does not accept neighbors=...; use "
                    "nlist=None so that the potential finds its own neighbours."
                )
        self.potential = potential
        self.nlist = nlist

    def _neighbors(self, system: System):
        if self.nlist is None:
            return {}
        with self.nlist.cpu_local_nlist_arrays as arrays:
            i, j = nlist_pairs(arrays, system.N)
        m = np.asarray(system.box.to_matrix(), dtype=np.float64)
        if system.dimensions == 2:
            m[2, 2] = 1.0
        frac = (system.positions[j] - system.positions[i]) @ np.linalg.inv(m).T
        frac -= np.round(frac)  # float64 minimum image (freud would round to float32)
        d = frac @ m.T
        r = np.linalg.norm(d, axis=1)
        keep = r < self.potential.r_cut
        nl = freud.locality.NeighborList.from_arrays(
            system.N, system.N, i[keep], j[keep], d[keep]
        )
        return {"neighbors": nl}

    def set_forces(self, timestep: int) -> None:
        comm = self._simulation.device.communicator
        if comm.num_ranks > 1:
            raise RuntimeError(
                "ManyBodyForce does not support MPI domain decomposition yet (ghost "
                "particles are not handled); run on a single rank."
            )
        with self._state.cpu_local_snapshot as snap:
            system = local_system(snap, self._state.particle_types)
        energies, forces, virial = self.potential.forces(system, **self._neighbors(system))
        per = getattr(self.potential, "per_particle_virials", None)
        pv = (
            np.asarray(per(system), dtype=np.float64)
            if callable(per)
            else np.tile(np.asarray(virial, dtype=np.float64) / system.N, (system.N, 1))
        )
        with self.cpu_local_force_arrays as arrays:
            arrays.force[:, : forces.shape[1]] = forces
            arrays.potential_energy[:] = energies
            arrays.virial[:] = pv
