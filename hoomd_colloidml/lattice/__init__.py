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


def fluid(*args: Any, **kwargs: Any):
    """Random non-overlapping fluid; see :func:`hoomd_colloidml.lattice.fluid.fluid`.

    Imported at call time so that this package imports even while the fluid module is absent.
    """
    from hoomd_colloidml.lattice import fluid as _fluid_module

    return _fluid_module.fluid(*args, **kwargs)
