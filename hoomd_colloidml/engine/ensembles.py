"""Statistical ensembles for :class:`hoomd_colloidml.engine.MonteCarlo`."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["NVT", "NPT"]


@dataclass(frozen=True)
class NVT:
    """Constant number of particles, volume and temperature (translation moves only).

    Example:
        >>> NVT()
        NVT()
    """

    box_mode: int = 0

    def __repr__(self) -> str:
        return "NVT()"


@dataclass(frozen=True)
class NPT:
    """Constant pressure: translation moves plus one box move per sweep.

    Args:
        pressure (float): Pressure ``P`` in units of energy / length^dim (``beta P = P / kT``;
            for hard particles with ``kT = 1`` this is ``beta P sigma^3``). Must be > 0.
        box_moves (str): ``"isotropic"`` (random walk in ln V, all lengths scaled) or
            ``"axes"`` (random walk in ln L of one randomly chosen box length).
        box_trials (int): Box trials per sweep. Hard-particle volume moves need small
            steps, so several trials per sweep (e.g. 10) speed up the volume relaxation;
            rejected expansions of hard particles cost O(1).

    Example:
        >>> NPT(5.0, box_moves="axes")
        NPT(pressure=5.0, box_moves='axes')
    """

    pressure: float
    box_moves: str = "isotropic"
    box_trials: int = 1

    def __post_init__(self) -> None:
        try:
            p = float(self.pressure)
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'pressure' parameter of NPT must be a real number. Got {self.pressure!r} "
                "instead."
            ) from None
        if not math.isfinite(p) or p <= 0:
            raise ValueError(
                "The 'pressure' parameter of NPT must be a finite number > 0. Got "
                f"{self.pressure!r} instead."
            )
        object.__setattr__(self, "pressure", p)
        bt = self.box_trials
        if isinstance(bt, bool) or not isinstance(bt, int) or bt < 1:
            raise ValueError(
                f"The 'box_trials' parameter of NPT must be an int >= 1. Got {bt!r} instead."
            )
        if self.box_moves not in ("isotropic", "axes"):
            raise ValueError(
                "The 'box_moves' parameter of NPT must be 'isotropic' or 'axes'. Got "
                f"{self.box_moves!r} instead."
            )

    @property
    def box_mode(self) -> int:
        return 1 if self.box_moves == "isotropic" else 2

    def __repr__(self) -> str:
        extra = f", box_trials={self.box_trials}" if self.box_trials != 1 else ""
        return f"NPT(pressure={self.pressure!r}, box_moves={self.box_moves!r}{extra})"
