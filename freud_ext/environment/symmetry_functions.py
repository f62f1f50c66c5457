"""Behler–Parrinello symmetry functions G2 / G3 with analytic gradients (thesis Ch. 2.3.2).

Radial (Eq. 2.4) and angular (Eq. 2.6) functions with the cosine cutoff of Eq. 2.5::

    G2_i = sum_j exp(-eta (r_ij - R_s)^2) fc(r_ij)
    G3_i = 2^(1 - xi) sum_{j<k} (1 + lam cos t_ijk)^xi exp(-eta (r_ij^2 + r_ik^2 + r_jk^2))
           * fc(r_ij) fc(r_ik) fc(r_jk)
    fc(r) = 0.5 [cos(pi r / r_c) + 1]  for r < r_c, else 0

The angular sum runs over unordered neighbour pairs {j, k} (each triangle once), as in
dscribe's G4 and n2p2; a sum over ordered pairs is exactly twice this.

Gradient layout
---------------
With ``compute(..., gradients=True)`` the derivatives are stored per ordered pair
``p = (i, j)`` of the neighbour list (``pair_indices[p] = (i, j)``, ``|r_j - r_i| < r_c``)::

    gradients[p, m, :] = dG_{i m} / dr_j            (P, M, 3)

G_i depends only on the separation vectors r_ij = r_j - r_i, so the self term is
``dG_i/dr_i = -sum_j dG_i/dr_j`` (:attr:`SymmetryFunctions.self_gradients`). A force
routine with energy E(G) contracts these in O(N * neighbours) with
:meth:`SymmetryFunctions.contract_gradients` (forces) and :meth:`SymmetryFunctions.virial`
(``W_ab = -sum_p r_ij,a dE/dr_j,b``, HOOMD order xx, xy, xz, yy, yz, zz).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from freud_ext.environment import _kernels
from freud_ext.environment._pairs import Pairs, check_cutoff, pairs_within
from freud_ext.environment._species import check_positive, check_species, particle_species
from freud_ext.util import Compute, computed_property, normalize_system

__all__ = ["SymmetryFunctions"]

_CLS = "SymmetryFunctions"


def _check_radial(radial: Any) -> tuple[tuple[float, float], ...]:
    out = []
    for item in radial:
        try:
            eta, rs = (float(v) for v in item)
        except (TypeError, ValueError):
            raise ValueError(
                f"The 'radial' parameter of {_CLS} must be a list of (eta, r_s) pairs. "
                f"Got entry {item!r} instead."
            ) from None
        if not (np.isfinite(eta) and np.isfinite(rs)) or eta < 0 or rs < 0:
            raise ValueError(
                f"The 'radial' parameter of {_CLS} needs eta >= 0 and r_s >= 0 (finite). "
                f"Got (eta={eta}, r_s={rs}) instead."
            )
        out.append((eta, rs))
    return tuple(out)


def _check_angular(angular: Any) -> tuple[tuple[float, float, float], ...]:
    out = []
    for item in angular:
        try:
            eta, xi, lam = (float(v) for v in item)
        except (TypeError, ValueError):
            raise ValueError(
                f"The 'angular' parameter of {_CLS} must be a list of (eta, xi, lambda) "
                f"triplets. Got entry {item!r} instead."
            ) from None
        if not np.isfinite(eta) or eta < 0:
            raise ValueError(
                f"The 'angular' parameter of {_CLS} needs eta >= 0 (finite). Got eta={eta} instead."
            )
        if not np.isfinite(xi) or xi < 1:
            raise ValueError(
                f"The 'angular' parameter of {_CLS} needs xi >= 1. Got xi={xi} instead."
            )
        if lam not in (-1.0, 1.0):
            raise ValueError(
                f"The 'angular' parameter of {_CLS} needs lambda in {{-1, 1}}. Got lambda={lam} "
                "instead."
            )
        out.append((eta, xi, lam))
    return tuple(out)


class SymmetryFunctions(Compute):
    """Radial G2 and angular G3 symmetry functions with exact gradients (Eqs. 2.4–2.6).

    Args:
        r_cut (float): Cutoff radius r_c of Eq. 2.5 (length units); must be at most
            half the box width.
        radial (list of (eta, r_s)): G2 parameters; eta in length^-2, r_s in length.
        angular (list of (eta, xi, lam)): G3 parameters; eta in length^-2, xi >= 1,
            lam in {-1, 1}.
        species (list of str): When given, one block of G2 per neighbour species and one
            block of G3 per unordered neighbour-species pair (``(A,A), (A,B), (B,B)``);
            ``None`` counts every neighbour alike.

    Features are ordered ``[G2 block per species] + [G3 block per species pair]``, each
    block in the order of ``radial`` / ``angular``; see :attr:`feature_names`.

    Example:
        >>> import freud, numpy as np
        >>> box, pts = freud.data.make_random_system(6.0, 50, seed=1)
        >>> sf = SymmetryFunctions(2.5, radial=[(1.0, 0.0)], angular=[(0.1, 1.0, 1.0)])
        >>> sf.compute((box, pts), gradients=True).values.shape
        (50, 2)
        >>> sf.gradients.shape[1:], sf.feature_names[1]
        ((2, 3), 'G3(eta=0.1,xi=1,lambda=1)')
    """

    def __init__(
        self,
        r_cut: float,
        radial: Iterable[tuple[float, float]] = (),
        angular: Iterable[tuple[float, float, float]] = (),
        species: Iterable[str] | None = None,
    ):
        self.r_cut = check_positive("r_cut", _CLS, r_cut)
        self.radial = _check_radial(radial)
        self.angular = _check_angular(angular)
        if not self.radial and not self.angular:
            raise ValueError(f"{_CLS} needs at least one radial or angular function; got none.")
        self.species = check_species(species, _CLS)

    # ------------------------------------------------------------------ pools
    @staticmethod
    def _pool(r_cut: float) -> tuple[list, list]:
        rc = check_positive("r_cut", _CLS, r_cut)
        s2 = 1.0 / rc**2
        radial = [(float(eta) * s2, 0.0) for eta in np.geomspace(0.001, 24.0, 15)]
        for rs in np.linspace(0.1, 0.9, 9):
            for eta in (1.0, 2.0, 4.0, 8.0, 16.0):
                radial.append((eta * s2, float(rs) * rc))
        angular = [
            (eta * s2, xi, lam)
            for lam in (-1.0, 1.0)
            for eta in (0.01, 0.1, 1.0, 2.0, 4.0, 8.0)
            for xi in (1.0, 2.0, 4.0, 8.0)
        ]
        return radial, angular

    @classmethod
    def pool_3d(cls, r_cut: float, species: Iterable[str] | None = None) -> SymmetryFunctions:
        """The 108-function candidate pool of thesis Ch. 2.3.3.

        15 centred G2 (R_s = 0) with eta log-spaced in [0.001, 24]; 9 x 5 shifted G2 with
        R_s / r_c in {0.1, ..., 0.9} and eta in {1, 2, 4, 8, 16}; 2 x 6 x 4 G3 with
        lam in {-1, 1}, eta in {0.01, 0.1, 1, 2, 4, 8}, xi in {1, 2, 4, 8}. The thesis
        used r_c = sigma, so eta is taken in units of r_c^-2 (eta = eta~ / r_c^2), which
        reproduces it exactly at r_c = 1 and keeps the pool's shape for other cutoffs.

        Example:
            >>> len(SymmetryFunctions.pool_3d(1.0).feature_names)
            108
        """
        radial, angular = cls._pool(r_cut)
        return cls(r_cut, radial=radial, angular=angular, species=species)

    @classmethod
    def pool_2d(cls, r_cut: float, species: Iterable[str] | None = None) -> SymmetryFunctions:
        """The same 108-function pool for 2D systems (the thesis pool, Ch. 2.3.3, is
        defined by distances and angles only, so 2D and 3D share parameters).

        Example:
            >>> SymmetryFunctions.pool_2d(1.0).n_features
            108
        """
        return cls.pool_3d(r_cut, species=species)

    # ----------------------------------------------------------- describer API
    def get_config(self) -> dict[str, Any]:
        """JSON-serialisable configuration (``kind = "sf"``) for :meth:`from_config`."""
        return {
            "kind": "sf",
            "r_cut": self.r_cut,
            "radial": [list(p) for p in self.radial],
            "angular": [list(p) for p in self.angular],
            "species": None if self.species is None else list(self.species),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SymmetryFunctions:
        """Rebuild from :meth:`get_config` output."""
        if config.get("kind", "sf") != "sf":
            raise ValueError(f"Expected a config of kind 'sf'; got {config.get('kind')!r}.")
        return cls(
            config["r_cut"],
            radial=config.get("radial", ()),
            angular=config.get("angular", ()),
            species=config.get("species"),
        )

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """Features ``(N, M)`` and names (the describer contract of :mod:`freud_ext.describe`)."""
        self.compute(system, typeid=typeid)
        return self.values.copy(), list(self.feature_names)

    def _repr_params(self) -> dict[str, Any]:
        return {
            "r_cut": self.r_cut,
            "radial": [list(p) for p in self.radial],
            "angular": [list(p) for p in self.angular],
            "species": None if self.species is None else list(self.species),
        }

    # ------------------------------------------------------------------ names
    @property
    def n_species(self) -> int:
        return 1 if self.species is None else len(self.species)

    @property
    def n_features(self) -> int:
        s = self.n_species
        return s * len(self.radial) + s * (s + 1) // 2 * len(self.angular)

    def _species_pairs(self) -> list[tuple[int, int]]:
        s = self.n_species
        return [(a, b) for a in range(s) for b in range(a, s)]

    @property
    def feature_names(self) -> list[str]:
        """Names of the M features, e.g. ``'G2(eta=1,rs=0.5)[B]'``, ``'G3(...)[A,B]'``."""
        names = []
        for s in range(self.n_species):
            tag = "" if self.species is None else f"[{self.species[s]}]"
            names += [f"G2(eta={e:.6g},rs={r:.6g}){tag}" for e, r in self.radial]
        for a, b in self._species_pairs():
            tag = "" if self.species is None else f"[{self.species[a]},{self.species[b]}]"
            names += [
                f"G3(eta={e:.6g},xi={x:.6g},lambda={lam:.6g}){tag}" for e, x, lam in self.angular
            ]
        return names

    # ---------------------------------------------------------------- compute
    def compute(self, system: Any, typeid: Any = None, gradients: bool = False):
        """Compute the symmetry functions (and optionally their gradients).

        Args:
            system: Anything :func:`freud_ext.util.normalize_system` accepts.
            typeid ((N,) array-like of int): Overrides the system's types (used only
                when ``species`` is set).
            gradients (bool): Also compute dG_i/dr_j for every neighbour pair.

        Returns:
            self
        """
        data = normalize_system(system)
        check_cutoff("r_cut", _CLS, self.r_cut, data.box)
        sp = particle_species(self.species, data, typeid, _CLS)
        pairs = pairs_within(data, self.r_cut)
        s = self.n_species
        pair_index = np.zeros((s, s), dtype=np.int64)
        for n, (a, b) in enumerate(self._species_pairs()):
            pair_index[a, b] = pair_index[b, a] = n
        rad = np.array(self.radial, dtype=np.float64).reshape(-1, 2)
        ang = np.array(self.angular, dtype=np.float64).reshape(-1, 3)
        eta_u, eta_idx = np.unique(ang[:, 0], return_inverse=True)
        xl_u, xl_idx = np.unique(ang[:, 1:3], axis=0, return_inverse=True)
        xl_u = xl_u.reshape(-1, 2)
        xi_int = np.where(
            (xl_u[:, 0] == np.round(xl_u[:, 0])) & (xl_u[:, 0] <= 64), xl_u[:, 0], -1
        ).astype(np.int64)
        values, grads = _kernels.symmetry_functions(
            pairs.segments,
            pairs.vectors,
            pairs.distances,
            sp[pairs.j],
            self.r_cut,
            np.ascontiguousarray(rad[:, 0]),
            np.ascontiguousarray(rad[:, 1]),
            eta_u.astype(np.float64),
            eta_idx.reshape(-1).astype(np.int64),
            np.ascontiguousarray(xl_u[:, 0]),
            xi_int,
            np.ascontiguousarray(xl_u[:, 1]),
            xl_idx.reshape(-1).astype(np.int64),
            np.exp2(1.0 - ang[:, 1]),
            s,
            pair_index,
            bool(gradients),
        )
        self._values = values
        self._grads = grads if gradients else None
        self._pairs = pairs
        self._dim = data.dimensions
        self._computed = True
        return self

    # ---------------------------------------------------------------- results
    @computed_property
    def values(self) -> np.ndarray:
        """((N, M) numpy.ndarray): G2 / G3 of every particle."""
        return self._values

    def _need_grads(self) -> np.ndarray:
        if self._grads is None:
            raise AttributeError("Gradients not computed. Call compute(..., gradients=True).")
        return self._grads

    @computed_property
    def gradients(self) -> np.ndarray:
        """((P, M, 3) numpy.ndarray): dG_im / dr_j for pair p = (i, j) of :attr:`pair_indices`.

        A read-only strided view of the kernel's (P, 3, M) array.
        """
        view = self._need_grads().transpose(0, 2, 1)
        view.flags.writeable = False
        return view

    @computed_property
    def pair_indices(self) -> np.ndarray:
        """((P, 2) numpy.ndarray): (i, j) of every ordered neighbour pair, sorted by i."""
        return np.column_stack([self._pairs.i, self._pairs.j])

    @computed_property
    def pair_vectors(self) -> np.ndarray:
        """((P, 3) numpy.ndarray): Minimum-image r_j - r_i of every pair (float64)."""
        return self._pairs.vectors

    @computed_property
    def pairs(self) -> Pairs:
        """The pair list (with CSR ``segments``) the gradients refer to."""
        return self._pairs

    @computed_property
    def self_gradients(self) -> np.ndarray:
        """((N, M, 3) numpy.ndarray): dG_im / dr_i = -sum_j dG_im / dr_j."""
        g = self._need_grads()
        out = np.zeros((len(self._values), 3, g.shape[2]))
        np.add.at(out, self._pairs.i, -g)
        return out.transpose(0, 2, 1).copy()

    def _check_de_dg(self, de_dg: Any) -> np.ndarray:
        if not self._computed:
            raise AttributeError("Property not computed. Call compute first.")
        self._need_grads()
        arr = np.ascontiguousarray(de_dg, dtype=np.float64)
        if arr.shape != self._values.shape:
            raise ValueError(f"dE_dG must have shape {self._values.shape} (N, M); got {arr.shape}.")
        if not np.isfinite(arr).all():
            raise ValueError("dE_dG contains NaN or infinite values.")
        return arr

    def pair_derivatives(self, dE_dG: Any) -> np.ndarray:  # noqa: N803 - maths name
        """dE_i / dr_j = sum_m dE/dG_im dG_im/dr_j for every pair, (P, 3)."""
        arr = self._check_de_dg(dE_dG)
        return _kernels.pair_derivatives(self._pairs.segments, self._grads, arr)

    def contract_gradients(self, dE_dG: Any) -> np.ndarray:  # noqa: N803 - maths name
        """Forces F_k = -dE/dr_k for E = sum_i E_i(G_i), given dE/dG.

        Args:
            dE_dG ((N, M) array-like): Derivative of the total energy with respect to
                every feature of every particle (e.g. the fitted weights, broadcast).

        Returns:
            (N, d) numpy.ndarray: Forces, d = 2 or 3.

        Example:
            >>> import freud, numpy as np
            >>> box, pts = freud.data.make_random_system(6.0, 40, seed=2)
            >>> sf = SymmetryFunctions(2.0, radial=[(1.0, 0.5)]).compute((box, pts), gradients=True)
            >>> f = sf.contract_gradients(np.ones((40, 1)))
            >>> bool(np.allclose(f.sum(axis=0), 0.0))
            True
        """
        arr = self._check_de_dg(dE_dG)
        return _kernels.contract_forces(
            self._pairs.segments, self._pairs.j, self._grads, arr, self._dim
        )

    def virial(self, dE_dG: Any) -> np.ndarray:  # noqa: N803 - maths name
        """Virial W_ab = -sum_(i,j) (r_j - r_i)_a dE_i/dr_j,b, HOOMD order (6,).

        Order: xx, xy, xz, yy, yz, zz (energy units). For a pair potential this is the
        usual sum over pairs of r_ij F_ij.
        """
        d = self.pair_derivatives(dE_dG)
        w = -np.einsum("pa,pb->ab", self._pairs.vectors, d)
        return np.array([w[0, 0], w[0, 1], w[0, 2], w[1, 1], w[1, 2], w[2, 2]])
