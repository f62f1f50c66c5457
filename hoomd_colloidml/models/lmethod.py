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

    For every split of the (sorted) points into a left part ``x[:c]`` and a right part
    ``x[c:]``, each with at least two points, a least-squares line is fitted to each part;
    the total error is ``RMSE_c = c/n · RMSE(left) + (n-c)/n · RMSE(right)``. The elbow is the
    last point of the left part of the split with the smallest total error (ties: the
    smallest ``x``).

    Args:
        x ((n,) array_like): Abscissae, n ≥ 4 distinct values.
        y ((n,) array_like): Curve values.
        return_errors (bool): Also return the total error of every split.

    Returns:
        The ``x`` value of the elbow (and, optionally, ``(n - 3,)`` errors for the elbows
        ``x[1], ..., x[n-3]``).

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
        [c / n * line_rmse(x[:c], y[:c]) + (n - c) / n * line_rmse(x[c:], y[c:])
         for c in range(2, n - 1)]
    )
    # ties (within round-off) go to the smallest elbow
    best = int(np.flatnonzero(errors <= errors.min() + 1e-12 * max(1.0, np.abs(y).max()))[0])
    elbow = x[best + 1]
    if return_errors:
        return elbow, errors
    return elbow
