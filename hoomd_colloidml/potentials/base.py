"""The many-body potential interface shared by the embedded engine and HOOMD forces."""

from __future__ import annotations

import abc
from typing import Any

import numpy as np

__all__ = ["ManyBodyPotential"]


class ManyBodyPotential(abc.ABC):
    """A potential whose energy is a sum of per-particle energies.

    Subclasses implement :meth:`energies`; :meth:`forces` and :meth:`local_energy`
    have defaults that subclasses should override with faster or analytic versions.

    Attributes:
        r_cut (float): Interaction range: a particle's energy depends only on particles
            within ``r_cut`` (many-body terms may reach ``2 * r_cut`` in
            :meth:`local_energy`).
    """

    r_cut: float

    #: True when ``local_energy(system, [i])`` is ``E - E_(i removed)`` up to a constant,
    #: i.e. it holds every term that depends on particle ``i``. The embedded engine then
    #: evaluates the moved particle alone; otherwise it passes the particle and every
    #: particle within ``r_cut`` of its old or new position.
    local_energy_is_removal: bool = False

    @abc.abstractmethod
    def energies(self, system: Any) -> np.ndarray:
        """Per-particle energies, shape ``(N,)``, in kT."""

    def energy(self, system: Any) -> float:
        """Total energy."""
        return float(np.sum(self.energies(system)))

    def forces(self, system: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(energies (N,), forces (N, dim), virial (6,))``.

        The virial follows HOOMD's order ``(xx, xy, xz, yy, yz, zz)`` and sign
        convention ``W_ab = sum_i r_i,a F_i,b`` with minimum-image pair separations.
        """
        raise NotImplementedError(f"{type(self).__name__} has no analytic forces.")

    def local_energy(self, system: Any, indices: Any) -> float:
        """Total energy of the particles whose energy depends on the particles ``indices``.

        The engine calls this before and after a trial move of ``indices``; the
        difference is the energy change of the move. The default recomputes everything.
        """
        return self.energy(system)
