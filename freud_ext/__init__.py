"""freud-style compute classes for local descriptors of particle environments.

Submodules: :mod:`freud_ext.locality` (SANN neighbours, species filters),
:mod:`freud_ext.order` (averaged bond-order vectors, chi_m),
:mod:`freud_ext.environment` (symmetry functions, shell descriptors, local averages),
:mod:`freud_ext.diffraction` (diffraction images), :mod:`freud_ext.describe`
(descriptor configurations that models store and rebuild).
"""

__version__ = "0.1.0"
