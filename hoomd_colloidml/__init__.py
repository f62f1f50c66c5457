"""hoomd-colloidml: machine learning for colloidal self-assembly on HOOMD-blue and freud.

Importing this package never imports HOOMD-blue; only :mod:`hoomd_colloidml.hoomd` does.
"""

from freud_ext import describe as _describe
from hoomd_colloidml.system import System

# Describer kinds defined in this package, registered by name only (nothing is imported until
# a configuration of that kind is rebuilt), so that a loaded model rebuilds its describer.
_describe.register("bop-table31", "hoomd_colloidml.studies.descriptors:Table31Descriptor")
_describe.register("bop-sann-species",
                   "hoomd_colloidml.studies.descriptors:SpeciesSANNDescriptor")

__version__ = "0.1.0"
__all__ = ["System", "__version__"]
