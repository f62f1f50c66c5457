"""Many-body potentials: symmetry-function fits, elastic shells, Asakura-Oosawa."""

from hoomd_colloidml.potentials.base import ManyBodyPotential

__all__ = ["ManyBodyPotential"]
