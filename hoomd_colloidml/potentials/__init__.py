"""Many-body potentials: symmetry-function fits, elastic shells, Asakura-Oosawa."""

from hoomd_colloidml.potentials.asakura_oosawa import AsakuraOosawa
from hoomd_colloidml.potentials.base import ManyBodyPotential
from hoomd_colloidml.potentials.elastic_shell import ElasticShell

__all__ = ["AsakuraOosawa", "ElasticShell", "ManyBodyPotential"]
