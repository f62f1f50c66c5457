"""Bond-order descriptors of the crystal-identification studies (thesis Eqs. 3.6, 4.4, 4.5).

- :func:`ch3_descriptor`: the 24-entry vector Q(i) of Eq. 3.6, ``({q̄_l}, {w̄_l'},
  {q̄^{LL(ss)}_l}, {w̄^{LL(ss)}_l'})``, l = 1..8, l' even, with SANN neighbours or with the
  fixed cutoffs of Table 3.1 (:class:`Table31Descriptor`: r_c for all neighbours, r_c^LL for
  large–large and r_c^ss for small–small neighbours).
- :func:`ch4_descriptor`: q̄_1..q̄_8 with SANN (Eq. 4.4), plus the same-species q̄_l for
  binary systems (Eq. 4.5).

Example:
    >>> from hoomd_colloidml.lattice import crystal
    >>> X, names = ch3_descriptor(0.54, "cutoff").describe(
    ...     crystal("alb2", [2, 1, 2], 0.60, size_ratio=0.54))  # doctest: +SKIP
    >>> X.shape, names[:3]  # doctest: +SKIP
    ((24, 24), ['q1', 'q2', 'q3'])
"""

from __future__ import annotations

from typing import Any

import freud
import numpy as np

from freud_ext import describe as _describe

__all__ = ["Table31Descriptor", "ch3_descriptor", "ch4_descriptor"]


class Table31Descriptor:
    """Eq. 3.6 with species-dependent fixed cutoffs (Table 3.1), as a describer.

    Args:
        r_cut (float): Cutoff of the all-neighbour block (σ_L units).
        r_cut_ll (float): Cutoff between two large particles for the same-species block.
        r_cut_ss (float): Cutoff between two small particles for the same-species block.
    """

    kind = "bop-table31"

    def __init__(self, r_cut: float, r_cut_ll: float, r_cut_ss: float):
        for name, v in (("r_cut", r_cut), ("r_cut_ll", r_cut_ll), ("r_cut_ss", r_cut_ss)):
            if isinstance(v, bool) or not isinstance(v, int | float) or not v > 0:
                raise ValueError(
                    f"The {name!r} parameter of Table31Descriptor must be a float > 0. "
                    f"Got {v!r} instead."
                )
        self.r_cut, self.r_cut_ll, self.r_cut_ss = float(r_cut), float(r_cut_ll), float(r_cut_ss)

    def __repr__(self) -> str:
        return (f"Table31Descriptor(r_cut={self.r_cut}, r_cut_ll={self.r_cut_ll}, "
                f"r_cut_ss={self.r_cut_ss})")

    def get_config(self) -> dict[str, Any]:
        return {"kind": self.kind, "r_cut": self.r_cut, "r_cut_ll": self.r_cut_ll,
                "r_cut_ss": self.r_cut_ss}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Table31Descriptor:
        cfg = dict(config)
        if cfg.pop("kind", cls.kind) != cls.kind:
            raise ValueError(f"config kind must be {cls.kind!r}.")
        return cls(**cfg)

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """Features ``(N, 24)`` and names for a binary system (typeid 0 large, 1 small)."""
        from freud_ext.order import BondOrderVector
        from freud_ext.util import normalize_system

        data = normalize_system(system)
        tid = np.asarray(data.typeid if typeid is None else typeid)
        if tid is None or tid.shape != (data.N,):
            raise ValueError("Table31Descriptor needs the type of every particle.")
        r_max = max(self.r_cut, self.r_cut_ll, self.r_cut_ss)
        nl = freud.locality.AABBQuery(data.box, data.points).query(
            data.points, {"r_max": r_max, "exclude_ii": True}).toNeighborList()
        qi, pj, d = nl.query_point_indices, nl.point_indices, nl.distances
        ti, tj = tid[qi], tid[pj]
        keep_all = d < self.r_cut
        keep_same = (ti == tj) & np.where(ti == 0, d < self.r_cut_ll, d < self.r_cut_ss)

        def sub(mask):
            return freud.locality.NeighborList.from_arrays(
                data.N, data.N, qi[mask], pj[mask], nl.vectors[mask])

        a = BondOrderVector(l=range(1, 9), wl=True, species=("all",)).compute(
            system, sub(keep_all), typeid=tid)
        s = BondOrderVector(l=range(1, 9), wl=True, species=("same",)).compute(
            system, sub(keep_same), typeid=tid)
        return (np.concatenate([a.features, s.features], axis=1),
                a.feature_names + s.feature_names)


_describe.register(Table31Descriptor.kind, "hoomd_colloidml.studies.descriptors:Table31Descriptor")


def ch3_descriptor(alpha: float, rule: str):
    """Describer of Eq. 3.6 for size ratio ``alpha`` with ``rule`` "sann" or "cutoff"."""
    from hoomd_colloidml.studies.statepoints import CUTOFFS

    if rule == "sann":
        from freud_ext.order import BondOrderDescriptor

        return BondOrderDescriptor(neighbors={"method": "sann", "symmetrize": "remove"},
                                   l=range(1, 9), wl=True, species=("all", "same"))
    if rule == "cutoff":
        key = min(CUTOFFS, key=lambda a: abs(a - alpha))
        if abs(key - alpha) > 1e-9:
            raise ValueError(f"Table 3.1 has no cutoffs for size ratio {alpha}.")
        return Table31Descriptor(*CUTOFFS[key])
    raise ValueError(f"rule must be 'sann' or 'cutoff'; got {rule!r}.")


def ch4_descriptor(binary: bool):
    """Describer of Eq. 4.4 (one species) or Eq. 4.5 (binary) with SANN neighbours."""
    from freud_ext.order import BondOrderDescriptor

    return BondOrderDescriptor(neighbors={"method": "sann", "symmetrize": "remove"},
                               l=range(1, 9), wl=False,
                               species=("all", "same") if binary else ("all",))
