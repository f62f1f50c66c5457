"""The L-method of Salvador & Chan for the elbow ("knee") of an evaluation curve.

Used by the thesis (Ch. 4.2.2) for the FVE-vs-bottleneck curve and for the entropy-vs-number
of clusters curve of the Baudry et al. merging.
"""

from __future__ import annotations

import numpy as np

__all__ = ["l_method", "line_rmse"]


def line_rmse(x: np.ndarray, y: np.ndarray) -> float:
    """Root-mean-square residual of the least-squares line through ``(x, y)``."""
    if len(x) <= 2:
        return 0.0
    A = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(np.sqrt(np.mean((A @ coef - y) ** 2)))


def l_method(x, y, return_errors: bool = False):
    """Elbow of the curve ``y(x)`` by the L-method (Salvador & Chan, 2004).

    For every candidate elbow ``x[c]`` (``1 <= c <= n - 2``) a least-squares line is fitted
    to the points left of it and one to the points right of it, both including the elbow
    itself (the two lines meet at the elbow, as drawn in the thesis's Figs. 4.2b/d); the
    total error is the RMSE of each line weighted by its number of points,
    ``((c+1)·RMSE_left + (n-c)·RMSE_right) / (n+1)``. The elbow is the candidate with the
    smallest total error (ties: the smallest ``x``). Sharing the elbow point lets every
    interior point be an elbow (e.g. K = 3 of N_G = 4 components, as in Ch. 4.3.1) and makes
    the corner of a continuous two-line curve an exact fit.

    Args:
        x ((n,) array_like): Abscissae, n ≥ 4 distinct values.
        y ((n,) array_like): Curve values.
        return_errors (bool): Also return the total error of every candidate.

    Returns:
        The ``x`` value of the elbow (and, optionally, ``(n - 2,)`` errors for the elbows
        ``x[1], ..., x[n-2]``).

    Raises:
        ValueError: Fewer than 4 points, mismatched shapes, or non-finite values.

    Example:
        >>> x = [1, 2, 3, 4, 5, 6, 7, 8]
        >>> y = [0.1, 0.9, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97]
        >>> int(l_method(x, y))
        2
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1D arrays of equal length; got {x.shape}, {y.shape}.")
    if len(x) < 4:
        raise ValueError(
            f"The L-method needs at least 4 points (two lines of >= 2 points); got {len(x)}."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite.")
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if np.any(np.diff(x) == 0):
        raise ValueError("x values must be distinct.")
    n = len(x)
    errors = np.array(
        [((c + 1) * line_rmse(x[: c + 1], y[: c + 1]) + (n - c) * line_rmse(x[c:], y[c:]))
         / (n + 1) for c in range(1, n - 1)]
    )
    # ties (within round-off) go to the smallest elbow
    best = int(np.flatnonzero(errors <= errors.min() + 1e-12 * max(1.0, np.abs(y).max()))[0])
    elbow = x[best + 1]
    if return_errors:
        return elbow, errors
    return elbow
