"""Initial configurations: ideal crystals (:mod:`.crystals`) and random fluids (:mod:`.fluid`).

Example:
    >>> from hoomd_colloidml import lattice
    >>> s = lattice.crystal("alb2", 2, 0.60, size_ratio=0.54)
    >>> s.types, s.N
    (['A', 'B'], 48)
"""

from __future__ import annotations

from typing import Any

from hoomd_colloidml.lattice.crystals import (
    STABLE_PHASES,
    THESIS_PACKING_FRACTIONS,
    UnitCell,
    available,
    crystal,
    max_packing_fraction,
    rattle,
    unit_cell,
)

__all__ = [
    "STABLE_PHASES",
    "THESIS_PACKING_FRACTIONS",
    "UnitCell",
    "available",
    "crystal",
    "fluid",
    "max_packing_fraction",
    "rattle",
    "unit_cell",
]


try:  # the fluid builder lives with the engine (numba kernels); import it when it imports
    from hoomd_colloidml.lattice.fluid import fluid
except ImportError:  # pragma: no cover - only while the engine is absent or broken

    def fluid(*args: Any, **kwargs: Any):
        """Random non-overlapping fluid; see :func:`hoomd_colloidml.lattice.fluid.fluid`.

        Imported at call time (re-raising the import error) while the module cannot import.
        """
        import importlib
        import sys

        module = importlib.import_module("hoomd_colloidml.lattice.fluid")
        package = sys.modules[__name__]
        package.fluid = module.fluid  # importing the submodule rebinds the package attribute
        return module.fluid(*args, **kwargs)
