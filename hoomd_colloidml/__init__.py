"""hoomd-colloidml: machine learning for colloidal self-assembly on HOOMD-blue and freud.

Importing this package never imports HOOMD-blue; only :mod:`hoomd_colloidml.hoomd` does.
"""

from hoomd_colloidml.system import System

__version__ = "0.1.0"
__all__ = ["System", "__version__"]
