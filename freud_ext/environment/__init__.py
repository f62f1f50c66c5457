"""Local-environment descriptors: symmetry functions, shell descriptors, local averages.

- :class:`SymmetryFunctions`: Behler–Parrinello G2 / G3 with analytic gradients
  (thesis Ch. 2.3.2, Eqs. 2.4–2.6) and the 108-function pool of Ch. 2.3.3.
- :class:`ShellDescriptors`: radial G(r, delta, s) and angular q(l, r, delta) shell
  functions (Ch. 6.2.3, Eqs. 6.2–6.4).
- :class:`LocalAverage`: GNN-style locally averaged higher orders X^(n) (Eq. 6.5).
"""

from freud_ext.environment.local_average import LocalAverage
from freud_ext.environment.shell import ShellDescriptors
from freud_ext.environment.symmetry_functions import SymmetryFunctions

__all__ = ["SymmetryFunctions", "ShellDescriptors", "LocalAverage"]
