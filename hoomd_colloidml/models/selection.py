"""Greedy forward selection of features by the R² of a linear fit (thesis Ch. 2.3.3, Eq. 2.8)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from hoomd_colloidml.models._base import (
    SavableMixin,
    check_param,
    is_int,
    is_real,
    register_model,
    resolve_feature_names,
)

__all__ = ["ForwardSelector"]


@register_model
class ForwardSelector(SavableMixin, TransformerMixin, RegressorMixin, BaseEstimator):
    """Select features one by one, each time the one that most increases R² (Eq. 2.8).

    The squared coefficient of multiple correlation ``R² = cᵀ R⁻¹ c`` (Eq. 2.8) equals the
    fraction of variance of ``y`` explained by a least-squares linear fit with intercept on
    the selected features. As the thesis recommends, it is evaluated in that numerically
    stable form: the candidate columns are kept orthogonalised (twice-iterated Gram–Schmidt)
    against the selected ones, so the R² gain of every candidate costs one dot product and no
    correlation matrix is ever inverted. Selection stops when the best gain is ≤ ``tol``, when
    ``max_features`` are selected, or when no candidate is linearly independent of the
    selection.

    Args:
        max_features (int | None): Maximum number of features to select (None: no limit).
        tol (float): Stop when the best increase of R² is not larger than this.
        descriptor_config (dict | None): Configuration of the describer that made ``X``.
        feature_names (list[str] | None): Names of the ``d`` input features.

    Attributes:
        selected_ ((k,) numpy.ndarray): Indices of the selected features, in selection order.
        r2_path_ ((k,) numpy.ndarray): R² of the linear fit on ``selected_[:i+1]``.
        coef_ ((k,) numpy.ndarray): Coefficients of the final linear fit (selection order).
        intercept_ (float): Intercept of the final linear fit.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 4))
        >>> y = 2 * X[:, 2] - X[:, 0] + 0.01 * rng.normal(size=200)
        >>> fs = ForwardSelector(tol=1e-3).fit(X, y)
        >>> fs.selected_.tolist(), bool(fs.r2_path_[-1] > 0.999)
        ([2, 0], True)
    """

    def __init__(self, max_features=None, tol=1e-4, descriptor_config=None, feature_names=None):
        self.max_features = max_features
        self.tol = tol
        self.descriptor_config = descriptor_config
        self.feature_names = feature_names

    def _validate_params(self) -> None:
        mf = self.max_features
        check_param(
            self,
            "max_features",
            mf is None or is_int(mf, 1),
            "an int >= 1 or None",
        )
        check_param(
            self,
            "tol",
            is_real(self.tol, 0.0),
            "a finite float >= 0",
        )

    def fit(self, X, y):
        """Run the greedy selection.

        Args:
            X ((N, d) array_like): Features.
            y ((N,) array_like): Target (e.g. particle energies).

        Returns:
            ForwardSelector: self.

        Raises:
            ValueError: NaN/inf in the data, fewer than 2 samples, or a constant target.
        """
        self._validate_params()
        X, y = validate_data(self, X, y, y_numeric=True, ensure_min_samples=2, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        n, d = X.shape
        self.feature_names_ = resolve_feature_names(self, d)
        xm = X.mean(axis=0)
        ym = y.mean()
        R = X - xm
        r = y - ym
        tss = float(r @ r)
        if not tss > 0:
            raise ValueError(
                "ForwardSelector needs a target with non-zero variance; y is constant."
            )
        norm0 = np.sqrt(np.einsum("ij,ij->j", R, R))
        limit = d if self.max_features is None else min(int(self.max_features), d)
        limit = min(limit, n - 1)
        selected: list[int] = []
        path: list[float] = []
        gains_hist: list[np.ndarray] = []
        active = norm0 > 0
        r2 = 0.0
        while len(selected) < limit:
            nrm2 = np.einsum("ij,ij->j", R, R)
            # Columns (numerically) in the span of the selection cannot add information.
            active &= nrm2 > (1e-10 * norm0) ** 2
            if not active.any():
                break
            proj = R.T @ r
            gains = np.full(d, -np.inf)
            gains[active] = proj[active] ** 2 / nrm2[active] / tss
            k = int(np.argmax(gains))
            if selected and gains[k] <= self.tol:
                break
            gains_hist.append(np.where(np.isfinite(gains), gains, np.nan))
            q = R[:, k] / np.sqrt(nrm2[k])
            for _ in range(2):  # classical Gram-Schmidt, iterated twice for stability
                r = r - q * (q @ r)
                R -= np.outer(q, q @ R)
            active[k] = False
            selected.append(k)
            new_r2 = 1.0 - float(r @ r) / tss
            path.append(new_r2)
            r2 = new_r2
        self.selected_ = np.asarray(selected, dtype=np.int64)
        self.r2_path_ = np.asarray(path, dtype=np.float64)
        self.gains_ = np.asarray(gains_hist, dtype=np.float64).reshape(len(selected), d)
        Xs = X[:, self.selected_] - xm[self.selected_]
        coef, *_ = np.linalg.lstsq(Xs, y - ym, rcond=None)
        self.coef_ = coef
        self.intercept_ = float(ym - xm[self.selected_] @ coef)
        self.r2_ = r2
        return self

    def transform(self, X):
        """Return the selected columns of ``X`` in selection order, shape ``(N, k)``."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X[:, self.selected_]

    def predict(self, X):
        """Predict ``y`` with the linear fit on the selected features, shape ``(N,)``."""
        return self.transform(X) @ self.coef_ + self.intercept_

    def plot(self, ax=None):
        """Plot R² against the number of selected features; returns the Axes."""
        import matplotlib.pyplot as plt

        check_is_fitted(self)
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(np.arange(1, len(self.r2_path_) + 1), self.r2_path_, "o-")
        ax.set_xlabel("number of selected features")
        ax.set_ylabel("$R^2$")
        return ax

    # ---- persistence
    def _get_state(self):
        meta = {"n_features_in": int(self.n_features_in_), "intercept": self.intercept_,
                "r2": self.r2_}
        arrays = {"selected": self.selected_, "r2_path": self.r2_path_, "coef": self.coef_,
                  "gains": self.gains_}
        return meta, arrays

    def _set_state(self, meta, arrays):
        self.n_features_in_ = int(meta["n_features_in"])
        self.intercept_ = float(meta["intercept"])
        self.r2_ = float(meta["r2"])
        self.selected_ = arrays["selected"].astype(np.int64)
        self.r2_path_ = arrays["r2_path"]
        self.coef_ = arrays["coef"]
        self.gains_ = arrays["gains"]
