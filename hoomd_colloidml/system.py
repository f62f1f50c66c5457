"""The one system type shared by the embedded engine, HOOMD adapters and descriptors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import freud
import numpy as np

from freud_ext.util import normalize_system, normalize_typeid

__all__ = ["System"]


@dataclass
class System:
    """Particles in a periodic box (reduced units: largest diameter = 1).

    Accepted as ``system`` by every :mod:`freud_ext` compute.

    Attributes:
        box (freud.box.Box): Periodic box (2D boxes have ``Lz = 0``).
        positions ((N, 3) numpy.ndarray): float64 positions inside the box, z = 0 in 2D.
        typeid ((N,) numpy.ndarray): int32 type index of each particle.
        types (list[str]): Type names.
        diameters ((N,) numpy.ndarray): float64 diameters.

    Example:
        >>> import freud, numpy as np
        >>> s = System(freud.box.Box.cube(4.0), np.zeros((1, 3)))
        >>> s.N, s.dimensions, s.types
        (1, 3, ['A'])
    """

    box: freud.box.Box
    positions: np.ndarray
    typeid: np.ndarray | None = None
    types: list[str] = field(default_factory=lambda: ["A"])
    diameters: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.box, freud.box.Box):
            self.box = freud.box.Box.from_box(self.box)
        self.types = [str(t) for t in self.types]
        if len(self.types) == 0 or len(set(self.types)) != len(self.types):
            raise ValueError(f"types must be a non-empty list of distinct names; got {self.types}.")
        if self.typeid is None:
            self.typeid = np.zeros(len(np.asarray(self.positions)), dtype=np.int32)
        self.typeid = normalize_typeid(self.typeid, len(np.asarray(self.positions)), self.types)
        data = normalize_system((self.box, self.positions))
        self.positions = data.points
        if self.diameters is None:
            self.diameters = np.ones(self.N)
        self.diameters = np.asarray(self.diameters, dtype=np.float64)
        if self.diameters.shape != (self.N,):
            raise ValueError(f"diameters must have shape ({self.N},); got {self.diameters.shape}.")
        if not np.all(np.isfinite(self.diameters)) or np.any(self.diameters < 0):
            raise ValueError("diameters must be finite and >= 0.")

    @property
    def N(self) -> int:  # noqa: N802
        """Number of particles."""
        return len(self.positions)

    @property
    def dimensions(self) -> int:
        """2 or 3."""
        return 2 if self.box.is2D else 3

    @property
    def volume(self) -> float:
        """Box volume (area in 2D)."""
        return float(self.box.volume)

    @property
    def packing_fraction(self) -> float:
        """Sum of particle volumes (areas in 2D) over the box volume."""
        d = self.diameters
        per = np.pi * d**2 / 4 if self.dimensions == 2 else np.pi * d**3 / 6
        return float(per.sum() / self.volume)

    def copy(self) -> System:
        return System(
            freud.box.Box.from_box(self.box),
            self.positions.copy(),
            self.typeid.copy(),
            list(self.types),
            self.diameters.copy(),
        )

    # ---- conversions -------------------------------------------------------------
    def to_gsd_frame(self, step: int = 0):
        """Return a ``gsd.hoomd.Frame`` with HOOMD's schema."""
        import gsd.hoomd

        frame = gsd.hoomd.Frame()
        frame.configuration.step = int(step)
        frame.configuration.dimensions = self.dimensions
        b = self.box
        frame.configuration.box = [b.Lx, b.Ly, b.Lz, b.xy, b.xz, b.yz]
        frame.particles.N = self.N
        frame.particles.position = self.positions.astype(np.float32)
        frame.particles.typeid = self.typeid.astype(np.uint32)
        frame.particles.types = list(self.types)
        frame.particles.diameter = self.diameters.astype(np.float32)
        return frame

    @classmethod
    def from_gsd_frame(cls, frame: Any) -> System:
        """Build from a ``gsd.hoomd.Frame`` (positions are read as float64)."""
        conf, parts = frame.configuration, frame.particles
        dims = int(conf.dimensions) if conf.dimensions is not None else 3
        box = freud.box.Box.from_box(np.asarray(conf.box, dtype=np.float64), dimensions=dims)
        n = int(parts.N)
        pos = np.asarray(parts.position, dtype=np.float64).reshape(n, 3)
        typeid = np.asarray(parts.typeid if parts.typeid is not None else np.zeros(n))
        types = list(parts.types) if parts.types is not None else ["A"]
        diam = parts.diameter if parts.diameter is not None else np.ones(n)
        if dims == 2:
            pos[:, 2] = 0.0
        pos = box.wrap(pos)
        return cls(box, pos, typeid, types, np.asarray(diam, dtype=np.float64))

    @classmethod
    def from_snapshot(cls, snapshot: Any) -> System:
        """Build from a HOOMD-blue 4.x ``Snapshot`` or ``LocalSnapshot`` (rank 0 data)."""
        conf, parts = snapshot.configuration, snapshot.particles
        dims = int(getattr(conf, "dimensions", 3))
        box = freud.box.Box.from_box(np.asarray(conf.box, dtype=np.float64), dimensions=dims)
        pos = np.array(parts.position, dtype=np.float64)
        if dims == 2:
            pos[:, 2] = 0.0
        return cls(
            box,
            pos,
            np.array(parts.typeid),
            list(parts.types),
            np.array(parts.diameter, dtype=np.float64),
        )
