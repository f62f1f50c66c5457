"""Many-body potentials: symmetry-function fits, elastic shells, Asakura-Oosawa.

- :class:`ElasticShell`: the many-body elastic-shell reference model (thesis Ch. 2.2).
- :class:`AsakuraOosawa`: AO colloids with the exact pair and many-body free-volume terms
  (Ch. 8.2).
- :class:`SymmetryFunctionPotential`: linear symmetry-function fits with analytic forces
  (Ch. 2.3); training data from :mod:`hoomd_colloidml.potentials.training_data`.
"""

from hoomd_colloidml.potentials.asakura_oosawa import AsakuraOosawa
from hoomd_colloidml.potentials.base import ManyBodyPotential
from hoomd_colloidml.potentials.elastic_shell import ElasticShell
from hoomd_colloidml.potentials.symmetry_function_potential import SymmetryFunctionPotential

__all__ = ["AsakuraOosawa", "ElasticShell", "ManyBodyPotential", "SymmetryFunctionPotential"]
