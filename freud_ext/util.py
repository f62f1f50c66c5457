"""Shared helpers for freud_ext compute classes: system normalization and validation.

Every compute class in :mod:`freud_ext` funnels its ``system`` argument through
:func:`normalize_system`, the one place where inputs are checked before freud sees
them. freud itself accepts NaN and out-of-box points and then returns silently wrong
neighbour lists, so validation must happen here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import freud
import numpy as np

__all__ = [
    "SystemData",
    "normalize_system",
    "normalize_typeid",
    "Compute",
    "computed_property",
]

_BOX_TOL = 1e-8


@dataclass(frozen=True)
class SystemData:
    """A validated system.

    Attributes:
        box (freud.box.Box): The periodic box.
        points ((N, 3) numpy.ndarray): Positions, float64, inside the box; z = 0 in 2D.
        typeid ((N,) numpy.ndarray or None): Integer types when the system carries them.
        types (tuple[str] or None): Type names when the system carries them.
    """

    box: freud.box.Box
    points: np.ndarray
    typeid: np.ndarray | None = None
    types: tuple[str, ...] | None = None

    @property
    def N(self) -> int:  # noqa: N802 - freud/HOOMD spelling
        return len(self.points)

    @property
    def dimensions(self) -> int:
        return 2 if self.box.is2D else 3


def _box_from(box: Any) -> freud.box.Box:
    if isinstance(box, freud.box.Box):
        return box
    try:
        return freud.box.Box.from_box(box)
    except Exception as exc:  # freud raises a mix of ValueError/TypeError/KeyError
        raise TypeError(
            f"Cannot interpret {type(box).__name__} as a box: expected a freud.box.Box, "
            "a HOOMD box array [Lx, Ly, Lz, xy, xz, yz] or a dict with Lx, Ly, Lz."
        ) from exc


def _split_system(system: Any) -> tuple[Any, Any, Any, Any]:
    """Return (box, points, typeid or None, types or None) from any supported system."""
    if isinstance(system, freud.locality.NeighborQuery):
        return system.box, system.points, None, None
    if isinstance(system, tuple | list):
        if len(system) != 2:
            raise TypeError(
                f"A system tuple must be (box, points); got a {type(system).__name__} "
                f"of length {len(system)}."
            )
        return system[0], system[1], None, None
    # hoomd_colloidml.System and anything shaped like it.
    if hasattr(system, "box") and hasattr(system, "positions"):
        return (
            system.box,
            system.positions,
            getattr(system, "typeid", None),
            getattr(system, "types", None),
        )
    # gsd.hoomd.Frame and HOOMD snapshots share configuration/particles sections.
    conf = getattr(system, "configuration", None)
    parts = getattr(system, "particles", None)
    if conf is not None and parts is not None:
        box = np.asarray(conf.box, dtype=np.float64)
        dims = getattr(conf, "dimensions", None)
        if box.shape != (6,):
            raise ValueError(f"configuration.box must have 6 entries; got shape {box.shape}.")
        fbox = freud.box.Box.from_box(box, dimensions=int(dims) if dims else None)
        return fbox, parts.position, getattr(parts, "typeid", None), getattr(parts, "types", None)
    raise TypeError(
        f"Cannot interpret {type(system).__name__} as a system: expected (box, points), "
        "a freud NeighborQuery, a gsd.hoomd.Frame, a HOOMD snapshot or a "
        "hoomd_colloidml.System."
    )


def normalize_system(system: Any, *, dimensions: int | None = None) -> SystemData:
    """Validate a system and return it as a :class:`SystemData`.

    Args:
        system: ``(box, points)``, a :class:`freud.locality.NeighborQuery`, a
            ``gsd.hoomd.Frame``, a HOOMD snapshot or a :class:`hoomd_colloidml.System`.
        dimensions (int): When given, the box must have this dimensionality.

    Raises:
        TypeError: The system, its box or its points have an unsupported type.
        ValueError: Empty system, wrong shape, NaN or infinite coordinates, particles
            outside the box, z != 0 in a 2D box, or a dimensionality mismatch.

    Example:
        >>> import freud, numpy as np
        >>> data = normalize_system((freud.box.Box.cube(2.0), np.zeros((1, 3))))
        >>> data.N, data.dimensions
        (1, 3)
    """
    box, points, typeid, types = _split_system(system)
    box = _box_from(box)
    try:
        points = np.array(points, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise TypeError("Particle positions must be numeric, shaped (N, 3).") from exc
    if points.ndim != 2 or points.shape[1] not in (2, 3):
        raise ValueError(f"Particle positions must have shape (N, 3); got {points.shape}.")
    if points.shape[0] == 0:
        raise ValueError("The system is empty: it has no particles.")
    if points.shape[1] == 2:
        if not box.is2D:
            raise ValueError("Positions have 2 columns but the box is 3D; expected shape (N, 3).")
        points = np.column_stack([points, np.zeros(len(points))])
    bad = ~np.isfinite(points).all(axis=1)
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} particle position(s) are NaN or infinite "
            f"(first at index {int(np.flatnonzero(bad)[0])})."
        )
    if dimensions is not None and dimensions != (2 if box.is2D else 3):
        raise ValueError(
            f"Expected a {dimensions}D system; got a {2 if box.is2D else 3}D box."
        )
    if box.is2D:
        nz = np.abs(points[:, 2]) > _BOX_TOL
        if nz.any():
            raise ValueError(
                f"{int(nz.sum())} particle(s) have z != 0 in a 2D box "
                f"(first at index {int(np.flatnonzero(nz)[0])}); 2D positions need z = 0."
            )
    frac = box.make_fractional(points)
    check = frac[:, :2] if box.is2D else frac
    outside = ((check < -_BOX_TOL) | (check > 1 + _BOX_TOL)).any(axis=1)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"{int(outside.sum())} particle(s) lie outside the box (first at index {i}, "
            f"position {points[i].tolist()}); wrap them into the box first "
            "(freud.box.Box.wrap)."
        )
    if typeid is not None:
        typeid = np.asarray(typeid)
        if typeid.shape != (len(points),):
            typeid = None if typeid.size == 0 else typeid
    if types is not None:
        types = tuple(str(t) for t in types)
    if typeid is not None:
        typeid = normalize_typeid(typeid, len(points), types)
    return SystemData(box=box, points=points, typeid=typeid, types=types)


def normalize_typeid(
    typeid: Any, n_particles: int, types: tuple[str, ...] | list[str] | None = None
) -> np.ndarray:
    """Validate per-particle type ids.

    Args:
        typeid ((N,) array-like of int): Type of each particle.
        n_particles (int): N.
        types (sequence of str): Type names; when given, every id must index it.

    Returns:
        (N,) numpy.ndarray of int32.

    Raises:
        TypeError: Non-integer ids.
        ValueError: Wrong length, negative ids or ids with no type name.
    """
    arr = np.asarray(typeid)
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"typeid must hold integers; got dtype {arr.dtype}.")
    if arr.shape != (n_particles,):
        raise ValueError(
            f"typeid must have shape ({n_particles},), one entry per particle; got {arr.shape}."
        )
    if n_particles and arr.min() < 0:
        raise ValueError(f"typeid must be >= 0; got {int(arr.min())}.")
    if types is not None and n_particles and arr.max() >= len(types):
        raise ValueError(
            f"typeid {int(arr.max())} is unknown: the system has {len(types)} type(s) "
            f"{list(types)}."
        )
    return arr.astype(np.int32)


class Compute:
    """Base of freud_ext compute classes (as ``freud.util._Compute``).

    Results are properties decorated with :func:`computed_property`; reading one
    before :meth:`compute` raises ``AttributeError``.
    """

    _computed: bool = False

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._repr_params().items())
        return f"freud_ext.{type(self).__module__.split('.')[-1]}.{type(self).__name__}({params})"

    def _repr_params(self) -> dict[str, Any]:
        return {}

    def _repr_png_(self):
        try:
            import io

            import matplotlib

            matplotlib.use("Agg", force=False)
            import matplotlib.pyplot as plt
        except ImportError:
            return None
        if not self._computed or not hasattr(self, "plot"):
            return None
        fig, ax = plt.subplots()
        self.plot(ax=ax)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        return buf.getvalue()


def computed_property(fn):
    """Property that raises until ``compute`` has run, as freud's ``_computed_property``."""

    @functools.wraps(fn)
    def wrapper(self):
        if not self._computed:
            raise AttributeError("Property not computed. Call compute first.")
        return fn(self)

    return property(wrapper)
