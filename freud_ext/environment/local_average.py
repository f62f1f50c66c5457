"""Locally averaged higher-order descriptors X^(n) (thesis Ch. 6.2.3, Eq. 6.5).

    X^(n)_i = (1 / C_i) sum_{j: r_ij < r_c} exp(-r_ij / r_c) X^(n-1)_j,
    C_i = sum_{j: r_ij < r_c} exp(-r_ij / r_c),

where the sum includes j = i (r_ii = 0, weight 1), as in the GNN-style shell averaging of
the thesis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse

from freud_ext.environment._pairs import check_cutoff, pairs_within
from freud_ext.environment._species import check_positive
from freud_ext.util import Compute, computed_property, normalize_system

__all__ = ["LocalAverage"]

_CLS = "LocalAverage"


class LocalAverage(Compute):
    """Concatenated local averages (X^(0), ..., X^(order)) of per-particle descriptors.

    Args:
        r_cut (float): Averaging radius r_c of Eq. 6.5 (length units), at most half the
            box width. The thesis uses 2.3 sigma_AA (Kob–Andersen) and 2.1 sigma_A
            (hard spheres).
        order (int): Highest order n_max >= 0.

    Example:
        >>> import freud, numpy as np
        >>> box, pts = freud.data.make_random_system(8.0, 100, seed=0)
        >>> la = LocalAverage(2.0, order=2).compute((box, pts), np.ones((100, 3)))
        >>> la.features.shape, la.feature_names[3]
        ((100, 9), 'x0^(1)')
        >>> bool(np.allclose(la.features, 1.0))
        True
    """

    def __init__(self, r_cut: float, order: int = 2):
        self.r_cut = check_positive("r_cut", _CLS, r_cut)
        if isinstance(order, bool) or not isinstance(order, int | np.integer) or order < 0:
            raise ValueError(
                f"The 'order' parameter of {_CLS} must be an int >= 0. Got {order!r} instead."
            )
        self.order = int(order)

    def _repr_params(self) -> dict[str, Any]:
        return {"r_cut": self.r_cut, "order": self.order}

    def weights(self, system: Any) -> scipy.sparse.csr_matrix:
        """Row-normalized averaging matrix W (N x N), X^(n) = W X^(n-1)."""
        return self._weights(normalize_system(system))

    def _weights(self, data) -> scipy.sparse.csr_matrix:
        check_cutoff("r_cut", _CLS, self.r_cut, data.box)
        pairs = pairs_within(data, self.r_cut)
        n = data.N
        rows = np.concatenate([pairs.i, np.arange(n)])
        cols = np.concatenate([pairs.j, np.arange(n)])
        w = np.concatenate([np.exp(-pairs.distances / self.r_cut), np.ones(n)])
        mat = scipy.sparse.csr_matrix((w, (rows, cols)), shape=(n, n))
        norm = np.asarray(mat.sum(axis=1)).ravel()
        return scipy.sparse.diags(1.0 / norm) @ mat

    def compute(self, system: Any, values: Any, names: list[str] | None = None):
        """Average ``values`` (N, D) over neighbourhoods, ``order`` times.

        Args:
            system: Anything :func:`freud_ext.util.normalize_system` accepts.
            values ((N, D) array-like): Per-particle descriptors X^(0).
            names (list of str): D names; default ``x0, x1, ...``.

        Returns:
            self
        """
        data = normalize_system(system)
        x = np.asarray(values, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[0] != data.N:
            raise ValueError(
                f"The 'values' argument of {_CLS}.compute must have shape (N, D) with "
                f"N = {data.N}. Got shape {np.shape(values)} instead."
            )
        if not np.isfinite(x).all():
            raise ValueError(f"The 'values' argument of {_CLS}.compute contains NaN or inf.")
        if names is None:
            names = [f"x{d}" for d in range(x.shape[1])]
        names = [str(s) for s in names]
        if len(names) != x.shape[1]:
            raise ValueError(
                f"The 'names' argument of {_CLS}.compute needs {x.shape[1]} entries; got "
                f"{len(names)}."
            )
        w = self._weights(data) if self.order else None
        blocks = [x]
        for _ in range(self.order):
            blocks.append(w @ blocks[-1])
        self._features = np.hstack(blocks)
        self._names = [f"{s}^({n})" for n in range(self.order + 1) for s in names]
        self._computed = True
        return self

    @computed_property
    def features(self) -> np.ndarray:
        """((N, D * (order + 1)) numpy.ndarray): (X^(0), X^(1), ..., X^(order))."""
        return self._features

    @computed_property
    def feature_names(self) -> list[str]:
        """Names ``'<name>^(n)'`` in the column order of :attr:`features`."""
        return list(self._names)
