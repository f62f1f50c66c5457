"""The standard q̄4–q̄6 method (hoomd_colloidml.studies.standard, thesis Ch. 4.3.1, Fig. 4.4).

Reference: for two Gaussian classes with the same covariance and equal priors the Bayes
boundary is the perpendicular bisector of the means (in the metric of the covariance); the
discriminant analysis must find it from samples. The bulk phases are separable in the
q̄4–q̄6 plane, where a separating classifier's line depends on the most extreme samples; the
discriminant analysis's must not.
"""

import numpy as np
import pytest

from hoomd_colloidml.studies.standard import StandardQ4Q6

FLUID, CRYSTAL = np.array([0.08, 0.30]), np.array([0.16, 0.50])


def _bulk(n=4000, spread=0.02, seed=0):
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(FLUID, spread, (n, 2)), rng.normal(CRYSTAL, spread, (n, 2))])
    return X, np.array(["fluid"] * n + ["fcc"] * n)


def _crossing(std):
    """Where the fluid/crystal line cuts the segment between the two means, in [0, 1]."""
    (_, _, (w4, w6, c)), = std.lines()
    w = np.array([w4, w6])
    return -(w @ FLUID + c) / (w @ (CRYSTAL - FLUID))


def test_discriminant_boundary_is_the_bisector_of_equal_gaussians():
    std = StandardQ4Q6(crystal_phases=("fcc",)).fit(*_bulk())
    assert _crossing(std) == pytest.approx(0.5, abs=0.01)
    (_, _, (w4, w6, _)), = std.lines()
    # isotropic covariance: the line is perpendicular to the segment between the means
    d = CRYSTAL - FLUID
    assert abs(w4 * d[1] - w6 * d[0]) / (np.hypot(w4, w6) * np.hypot(*d)) < 0.05
    assert std.training_accuracy_ > 0.999
    assert std.crystalline_fraction([CRYSTAL, FLUID, CRYSTAL]) == pytest.approx(2 / 3)


def test_line_does_not_follow_the_most_extreme_bulk_samples():
    X, y = _bulk()
    # one fluid particle three quarters of the way to the crystal: the classes stay separable
    X2 = np.vstack([X, FLUID + 0.75 * (CRYSTAL - FLUID)])
    y2 = np.append(y, "fluid")
    shifts = {}
    for method in StandardQ4Q6.METHODS:
        a = _crossing(StandardQ4Q6(("fcc",), method=method).fit(X, y))
        b = _crossing(StandardQ4Q6(("fcc",), method=method).fit(X2, y2))
        shifts[method] = abs(b - a)
    assert shifts["lda"] < 1e-3
    assert shifts["logistic"] > 20 * shifts["lda"]


def test_three_phases_give_three_pairwise_lines():
    rng = np.random.default_rng(1)
    hcp = np.array([0.10, 0.48])
    X = np.concatenate([rng.normal(m, 0.01, (500, 2)) for m in (FLUID, CRYSTAL, hcp)])
    y = np.repeat(["fluid", "fcc", "hcp"], 500)
    std = StandardQ4Q6().fit(X, y)
    assert len(std.lines()) == 3
    assert std.predict([FLUID, CRYSTAL, hcp]).tolist() == ["fluid", "fcc", "hcp"]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        StandardQ4Q6(method="svm")
    with pytest.raises(AttributeError, match="not fitted"):
        StandardQ4Q6().predict([[0.1, 0.3]])
    X, y = _bulk(n=20)
    with pytest.raises(ValueError, match="shape"):
        StandardQ4Q6().fit(X[:, :1], y)
    with pytest.raises(ValueError, match="NaN"):
        StandardQ4Q6().fit(np.where(X == X[0, 0], np.nan, X), y)
    with pytest.raises(ValueError, match="two phases"):
        StandardQ4Q6().fit(X, np.full(len(X), "fluid"))
