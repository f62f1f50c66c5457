"""PropensityRegressor against scikit-learn's Ridge and scipy's correlation coefficients."""

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from hoomd_colloidml.models import ForwardSelector, PropensityRegressor, load


def _data(rng, n=400, d=6):
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + rng.normal(size=d)
    coef = np.array([1.0, -2.0, 0.5, 1.5, -1.0, 0.8])[:d]
    y = X @ coef + 2.0 * rng.normal(size=n) + 5.0
    return X, y


@pytest.mark.parametrize("alpha", [0.0, 0.5, 30.0])
def test_equals_sklearn_ridge(rng, alpha):
    X, y = _data(rng)
    m = PropensityRegressor(alphas=alpha).fit(X, y)
    sx = StandardScaler().fit(X)
    ys = (y - y.mean()) / y.std()
    ref = Ridge(alpha=alpha).fit(sx.transform(X), ys)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=0, atol=1e-10)
    Xt, _ = _data(rng, 50)
    expect = ref.predict(sx.transform(Xt)) * y.std() + y.mean()
    np.testing.assert_allclose(m.predict(Xt), expect, rtol=0, atol=1e-10)


def test_alpha_chosen_on_held_out_and_scores(rng):
    X, y = _data(rng)
    Xt, yt = _data(np.random.default_rng(7))
    m = PropensityRegressor(alphas=[1e-3, 1.0, 1e6], random_state=0).fit(X, y)
    assert m.alpha_ != 1e6  # a huge penalty kills the fit on held-out data
    assert m.validation_errors_.shape == (3,)
    assert np.argmin(m.validation_errors_) == [1e-3, 1.0, 1e6].index(m.alpha_)
    pred = m.predict(Xt)
    assert m.score(Xt, yt) == pytest.approx(stats.pearsonr(pred, yt)[0], abs=1e-12)
    assert m.spearman(Xt, yt) == pytest.approx(stats.spearmanr(pred, yt)[0], abs=1e-12)


def test_selector_and_save_load(rng, tmp_path):
    X, y = _data(rng)
    X = np.column_stack([X, rng.normal(size=(len(X), 3))])
    m = PropensityRegressor(alphas=1.0, selector=ForwardSelector(tol=1e-2)).fit(X, y)
    assert set(m.support_.tolist()) <= set(range(6))  # pure-noise columns never selected
    m2 = load(m.save(tmp_path / "prop"))
    np.testing.assert_array_equal(m2.predict(X), m.predict(X))
    assert isinstance(m2.selector, ForwardSelector) and m2.selector.tol == 1e-2


def test_bad_input(rng):
    X, y = _data(rng, 50)
    with pytest.raises(ValueError, match="'alphas' parameter"):
        PropensityRegressor(alphas=[-1.0]).fit(X, y)
    with pytest.raises(ValueError, match="'validation_fraction' parameter"):
        PropensityRegressor(validation_fraction=1.5).fit(X, y)
    Xn = X.copy()
    Xn[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        PropensityRegressor().fit(Xn, y)
    m = PropensityRegressor(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        m.predict(X[:, :2])
