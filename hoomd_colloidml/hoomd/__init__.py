"""HOOMD-blue 4.x operations: on-the-fly classification and many-body forces.

- :class:`ClassifyEnvironments`: a :class:`hoomd.custom.Action` for
  :class:`hoomd.update.CustomUpdater` / :class:`hoomd.write.CustomWriter` that classifies
  every particle with a saved model and logs ``labels``, ``probabilities``,
  ``fractions`` and ``largest_cluster`` for :class:`hoomd.write.GSD`.
- :class:`ManyBodyForce`: a :class:`hoomd.md.force.Custom` evaluating any
  :class:`hoomd_colloidml.potentials.ManyBodyPotential`.
- :func:`flush_on_sigterm`: flush GSD writers on a timer and when SIGTERM arrives.

This is the only part of :mod:`hoomd_colloidml` that imports ``hoomd``. HOOMD-blue is not
on PyPI; install it from conda-forge (``conda install -c conda-forge hoomd``) or build it
from source (https://hoomd-blue.readthedocs.io/en/latest/installation.html).
"""

try:
    import hoomd as _hoomd  # noqa: F401
    import hoomd.custom  # noqa: F401
except ImportError as _err:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "hoomd_colloidml.hoomd needs HOOMD-blue 4.x, which is not installed (import hoomd "
        f"failed: {_err}). HOOMD-blue is not on PyPI: install it with conda "
        "('conda install -c conda-forge hoomd') or build it from source "
        "(https://hoomd-blue.readthedocs.io/en/latest/installation.html). Everything "
        "outside hoomd_colloidml.hoomd (descriptors, models, the embedded engine, "
        "hoomd_colloidml.io and the colloidml command) works without it."
    ) from _err

from hoomd_colloidml.hoomd.classify import ClassifyEnvironments, system_from_state
from hoomd_colloidml.hoomd.force import ManyBodyForce
from hoomd_colloidml.hoomd.signals import flush_on_sigterm

__all__ = ["ClassifyEnvironments", "ManyBodyForce", "flush_on_sigterm", "system_from_state"]
