"""Bond-order descriptors of the crystal-identification studies (thesis Eqs. 3.6, 4.4, 4.5).

- :func:`ch3_descriptor`: the 24-entry vector Q(i) of Eq. 3.6, ``({q̄_l}, {w̄_l'},
  {q̄^{LL(ss)}_l}, {w̄^{LL(ss)}_l'})``, l = 1..8, l' even, with SANN neighbours or with the
  fixed cutoffs of Table 3.1 (:class:`Table31Descriptor`: r_c for all neighbours, r_c^LL for
  large–large and r_c^ss for small–small neighbours), or with SANN run on each species
  separately for the same-species block (:class:`SpeciesSANNDescriptor`, rule
  ``"sann_species"``).
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

__all__ = ["SpeciesSANNDescriptor", "Table31Descriptor", "ch3_descriptor", "ch4_descriptor"]


class _Eq36Describer:
    """Shared plumbing of the Eq. 3.6 describers: configuration round trip and types."""

    kind = ""

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]):
        cfg = dict(config)
        if cfg.pop("kind", cls.kind) != cls.kind:
            raise ValueError(f"config kind must be {cls.kind!r}.")
        return cls(**cfg)

    def _typed(self, system: Any, typeid: Any):
        """(normalized system, (N,) type ids) or a ValueError naming the describer."""
        from freud_ext.util import normalize_system

        data = normalize_system(system)
        tid = data.typeid if typeid is None else typeid
        if tid is None or np.shape(tid) != (data.N,):
            raise ValueError(f"{type(self).__name__} needs the type of every particle.")
        return data, np.asarray(tid)


class Table31Descriptor(_Eq36Describer):
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

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """Features ``(N, 24)`` and names for a binary system (typeid 0 large, 1 small)."""
        from freud_ext.order import BondOrderVector

        data, tid = self._typed(system, typeid)
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


class SpeciesSANNDescriptor(_Eq36Describer):
    """Eq. 3.6 with SANN, the same-species block from SANN among each species alone.

    The all-neighbour block ``({q̄_l}, {w̄_l'})`` uses SANN on all particles (as the
    ``"sann"`` rule). For the same-species block ``({q̄^LL_l}, {w̄^LL_l'})`` (``ss`` for small
    particles) the neighbours of a particle are the SANN neighbours found among the
    particles of its own species only — the parameter-free counterpart of Table 3.1, whose
    same-species cutoffs r_c^LL and r_c^ss are set by the same-species g(r) rather than by
    the all-particle shell. For the large particles of a Laves phase (a diamond or
    hexagonal-diamond sublattice) this shell holds the 4 large first neighbours and the 12
    second ones, whose eclipsed or staggered arrangement tells MgZn2 from MgCu2 stacking;
    the ``"sann"`` rule keeps only the 4 (SANN on all particles, filtered by species).
    Both rules use SANN symmetrized by removal (Ch. 3.2). A species with fewer than 2
    particles, or a particle without same-species neighbours, gets a zero block.
    """

    kind = "bop-sann-species"

    def __init__(self, symmetrize: str = "remove"):
        if symmetrize not in ("remove", "add", None):
            raise ValueError(
                "The 'symmetrize' parameter of SpeciesSANNDescriptor must be 'remove', 'add' "
                f"or None. Got {symmetrize!r} instead."
            )
        self.symmetrize = symmetrize

    def __repr__(self) -> str:
        return f"SpeciesSANNDescriptor(symmetrize={self.symmetrize!r})"

    def get_config(self) -> dict[str, Any]:
        return {"kind": self.kind, "symmetrize": self.symmetrize}

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """Features ``(N, 24)`` and names for a binary (or one-component) system."""
        from freud_ext.locality import SANN
        from freud_ext.order import BondOrderVector

        data, tid = self._typed(system, typeid)
        a = BondOrderVector(l=range(1, 9), wl=True, species=("all",)).compute(
            system, SANN(self.symmetrize), typeid=tid)
        qi, pj, vec = [], [], []
        for t in np.unique(tid):
            members = np.flatnonzero(tid == t)
            if len(members) < 2:
                continue
            sub = SANN(self.symmetrize).compute((data.box, data.points[members])).nlist
            qi.append(members[sub.query_point_indices])
            pj.append(members[sub.point_indices])
            vec.append(np.asarray(sub.vectors))
        if qi:
            qi, pj, vec = np.concatenate(qi), np.concatenate(pj), np.concatenate(vec)
            order = np.lexsort((pj, qi))
            qi, pj, vec = qi[order], pj[order], vec[order]
        else:
            qi = pj = np.zeros(0, dtype=np.int64)
            vec = np.zeros((0, 3))
        nl = freud.locality.NeighborList.from_arrays(data.N, data.N, qi, pj, vec)
        s = BondOrderVector(l=range(1, 9), wl=True, species=("same",)).compute(
            system, nl, typeid=tid)
        return (np.concatenate([a.features, s.features], axis=1),
                a.feature_names + s.feature_names)


def ch3_descriptor(alpha: float, rule: str):
    """Describer of Eq. 3.6 for size ratio ``alpha``; ``rule`` "sann" (SANN on all
    particles, same-species block filtered from it, as the thesis), "sann_species" (the
    same-species block from SANN among each species, :class:`SpeciesSANNDescriptor`) or
    "cutoff" (Table 3.1)."""
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
    if rule == "sann_species":
        return SpeciesSANNDescriptor()
    raise ValueError(f"rule must be 'sann', 'sann_species' or 'cutoff'; got {rule!r}.")


def ch4_descriptor(binary: bool):
    """Describer of Eq. 4.4 (one species) or Eq. 4.5 (binary) with SANN neighbours."""
    from freud_ext.order import BondOrderDescriptor

    return BondOrderDescriptor(neighbors={"method": "sann", "symmetrize": "remove"},
                               l=range(1, 9), wl=False,
                               species=("all", "same") if binary else ("all",))
