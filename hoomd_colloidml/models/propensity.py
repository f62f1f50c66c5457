"""Ridge regression of dynamic propensity on structural descriptors (thesis Ch. 6.2.4-6.2.5)."""

from __future__ import annotations

import numpy as np
from scipy import stats
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

from hoomd_colloidml.models._base import (
    SavableMixin,
    check_param,
    check_random_seed,
    is_real,
    register_model,
    resolve_feature_names,
)

__all__ = ["PropensityRegressor"]


def _ridge(X: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Minimiser of ``Σ (y - X w)² + α Σ w²`` for centred ``X``, ``y`` (Eq. 6.7)."""
    d = X.shape[1]
    return np.linalg.solve(X.T @ X + alpha * np.eye(d), X.T @ y)


@register_model
class PropensityRegressor(SavableMixin, RegressorMixin, BaseEstimator):
    """Linear model of dynamic propensity: standardized ridge regression (Eqs. 6.6-6.8).

    Inputs and targets are standardized to zero mean and unit variance; the coefficients
    minimise ``E(w) = Σ_i (d_i - d'_i)² + λ Σ_k w_k²`` (Eq. 6.7, the same objective as
    scikit-learn's :class:`~sklearn.linear_model.Ridge`). With several ``alphas`` the value of
    λ with the smallest squared error on a held-out fraction of the training data is chosen,
    then the model is refitted on all training data. :meth:`score` is the Pearson correlation
    between predicted and true propensities (Eq. 6.8); :meth:`spearman` gives Spearman's ρ.

    Args:
        alphas (float | sequence of float): Candidate regularisation strengths λ ≥ 0.
        selector (ForwardSelector | None): If given, a clone is fitted on the standardized
            training data and only its selected features are used (Ch. 6, forward selection).
        validation_fraction (float): Held-out fraction used to choose λ (0 < f < 1).
        random_state (None | int): Seed of the train/validation split.
        descriptor_config (dict | None): Configuration of the describer that made ``X``.
        feature_names (list[str] | None): Names of the ``D`` input features.

    Attributes:
        alpha_ (float): The chosen λ.
        coef_ ((k,) numpy.ndarray): Coefficients in standardized units, one per used feature.
        support_ ((k,) numpy.ndarray): Indices of the used features.
        validation_errors_ ((n_alphas,) numpy.ndarray): Held-out mean squared error per λ
            (standardized units; empty with a single λ).

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(300, 5)); y = X @ [1.0, 0.5, 0, 0, 0] + 0.1 * rng.normal(size=300)
        >>> m = PropensityRegressor(alphas=[0.1, 1.0, 10.0], random_state=0).fit(X, y)
        >>> bool(m.score(X, y) > 0.99)
        True
    """

    def __init__(
        self,
        alphas=(1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1000.0),
        selector=None,
        validation_fraction=0.2,
        random_state=None,
        descriptor_config=None,
        feature_names=None,
    ):
        self.alphas = alphas
        self.selector = selector
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.descriptor_config = descriptor_config
        self.feature_names = feature_names

    def _alpha_list(self) -> list[float]:
        a = self.alphas
        vals = [a] if np.ndim(a) == 0 else list(np.asarray(a, dtype=object).ravel())
        ok = len(vals) > 0 and all(is_real(v, 0.0) for v in vals)
        check_param(self, "alphas", ok, "a float >= 0 or a non-empty sequence of floats >= 0")
        return [float(v) for v in vals]

    def fit(self, X, y):
        """Fit the standardized ridge model.

        Args:
            X ((N, D) array_like): Descriptors.
            y ((N,) array_like): Propensities.

        Returns:
            PropensityRegressor: self.
        """
        alphas = self._alpha_list()
        check_param(self, "validation_fraction", is_real(self.validation_fraction, 0.0, 1.0)
                    and 0 < self.validation_fraction < 1, "a float in (0, 1)")
        if self.selector is not None:
            check_param(self, "selector", hasattr(self.selector, "fit")
                        and hasattr(self.selector, "get_params"),
                        "None or a ForwardSelector-like estimator")
        X, y = validate_data(self, X, y, y_numeric=True, ensure_min_samples=2, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        self.feature_names_ = resolve_feature_names(self, X.shape[1])
        self.x_mean_ = X.mean(axis=0)
        sd = X.std(axis=0)
        self.x_scale_ = np.where(sd > 0, sd, 1.0)
        self.y_mean_ = float(y.mean())
        sy = float(y.std())
        self.y_scale_ = sy if sy > 0 else 1.0
        Xs = (X - self.x_mean_) / self.x_scale_
        ys = (y - self.y_mean_) / self.y_scale_
        if self.selector is not None:
            sel = clone(self.selector).fit(Xs, ys)
            self.support_ = np.asarray(sel.selected_, dtype=np.int64)
        else:
            self.support_ = np.arange(X.shape[1], dtype=np.int64)
        Xs = Xs[:, self.support_]
        if len(alphas) == 1:
            self.alpha_ = alphas[0]
            self.validation_errors_ = np.zeros(0)
        else:
            n = len(ys)
            n_val = int(round(self.validation_fraction * n))
            if n_val < 1 or n - n_val < 2:
                raise ValueError(
                    f"PropensityRegressor needs enough samples to hold out a validation set "
                    f"for choosing among {len(alphas)} alphas; got {n} samples."
                )
            perm = np.random.default_rng(check_random_seed(self.random_state)).permutation(n)
            va, tr = perm[:n_val], perm[n_val:]
            xm, ym = Xs[tr].mean(axis=0), ys[tr].mean()
            errs = []
            for a in alphas:
                w = _ridge(Xs[tr] - xm, ys[tr] - ym, a)
                pred = (Xs[va] - xm) @ w + ym
                errs.append(float(np.mean((pred - ys[va]) ** 2)))
            self.validation_errors_ = np.asarray(errs)
            self.alpha_ = alphas[int(np.argmin(errs))]
        self.coef_ = _ridge(Xs, ys, self.alpha_)
        return self

    def predict(self, X):
        """Predicted propensities, shape ``(N,)``, in the units of the training targets."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Xs = ((X - self.x_mean_) / self.x_scale_)[:, self.support_]
        return Xs @ self.coef_ * self.y_scale_ + self.y_mean_

    def score(self, X, y, sample_weight=None):
        """Pearson correlation between predicted and true propensities (Eq. 6.8)."""
        if sample_weight is not None:
            raise ValueError("PropensityRegressor.score does not support sample_weight.")
        pred = self.predict(X)
        y = np.asarray(y, dtype=np.float64)
        if np.std(pred) == 0 or np.std(y) == 0:
            return 0.0
        return float(np.corrcoef(pred, y)[0, 1])

    def spearman(self, X, y) -> float:
        """Spearman rank correlation between predicted and true propensities."""
        return float(stats.spearmanr(self.predict(X), np.asarray(y, dtype=np.float64))[0])

    # ---- persistence
    def _get_state(self):
        meta = {"n_features_in": int(self.n_features_in_), "alpha": self.alpha_,
                "y_mean": self.y_mean_, "y_scale": self.y_scale_,
                "scaling": {"mean": self.x_mean_.tolist(), "scale": self.x_scale_.tolist()}}
        arrays = {"coef": self.coef_, "support": self.support_,
                  "validation_errors": self.validation_errors_}
        return meta, arrays

    def _set_state(self, meta, arrays):
        self.n_features_in_ = int(meta["n_features_in"])
        self.alpha_ = float(meta["alpha"])
        self.y_mean_ = float(meta["y_mean"])
        self.y_scale_ = float(meta["y_scale"])
        self.x_mean_ = np.asarray(meta["scaling"]["mean"], dtype=np.float64)
        self.x_scale_ = np.asarray(meta["scaling"]["scale"], dtype=np.float64)
        self.coef_ = arrays["coef"]
        self.support_ = arrays["support"].astype(np.int64)
        self.validation_errors_ = arrays["validation_errors"]
