"""ForwardSelector: R² path against scikit-learn's LinearRegression, informative features first."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from hoomd_colloidml.models import ForwardSelector, load


def _data(rng, n=500):
    inf = rng.normal(size=(n, 3))
    y = 3.0 * inf[:, 0] - 2.0 * inf[:, 1] + 1.0 * inf[:, 2] + 0.3 * rng.normal(size=n)
    # redundant (near) copies of the informative features and pure-noise columns
    copies = inf[:, [0, 1]] * 1.5 + 1e-3 * rng.normal(size=(n, 2))
    noise = rng.normal(size=(n, 5))
    X = np.column_stack([noise[:, :2], copies[:, 0], inf[:, 2], noise[:, 2:], inf[:, 0],
                         copies[:, 1], inf[:, 1]])
    return X, y


def test_r2_path_matches_sklearn(rng):
    X, y = _data(rng)
    fs = ForwardSelector(tol=0.0).fit(X, y)
    assert len(fs.selected_) == X.shape[1]  # tol=0 keeps everything independent
    for i in range(len(fs.selected_)):
        cols = fs.selected_[: i + 1]
        ref = LinearRegression().fit(X[:, cols], y).score(X[:, cols], y)
        assert abs(fs.r2_path_[i] - ref) < 1e-10
    # The greedy choice at each step is the best single addition (brute force check).
    for i in range(4):
        prev = list(fs.selected_[:i])
        best = max(
            (LinearRegression().fit(X[:, prev + [k]], y).score(X[:, prev + [k]], y), k)
            for k in range(X.shape[1]) if k not in prev
        )
        assert abs(best[0] - fs.r2_path_[i]) < 1e-10


def test_informative_first_and_stops(rng):
    X, y = _data(rng)
    fs = ForwardSelector(tol=1e-3).fit(X, y)
    # one representative of each of the 3 informative signals, no noise, no redundant pair
    groups = [{2, 7}, {8, 9}, {3}]
    assert len(fs.selected_) == 3
    for g in groups:
        assert len(g & set(fs.selected_.tolist())) == 1
    pred = fs.predict(X)
    ref = LinearRegression().fit(X[:, fs.selected_], y).predict(X[:, fs.selected_])
    np.testing.assert_allclose(pred, ref, atol=1e-10)
    assert fs.transform(X).shape == (len(X), 3)


def test_max_features_and_collinear(rng):
    X, y = _data(rng)
    X = np.column_stack([X, X[:, 3] * 2.0])  # exactly collinear column
    fs = ForwardSelector(max_features=2, tol=0.0).fit(X, y)
    assert len(fs.selected_) == 2
    full = ForwardSelector(tol=0.0).fit(X, y)
    assert not {3, X.shape[1] - 1} <= set(full.selected_.tolist())


def test_save_load_roundtrip(rng, tmp_path):
    X, y = _data(rng)
    fs = ForwardSelector(tol=1e-3, feature_names=[f"f{i}" for i in range(X.shape[1])]).fit(X, y)
    fs2 = load(fs.save(tmp_path / "fs"))
    np.testing.assert_array_equal(fs2.selected_, fs.selected_)
    np.testing.assert_array_equal(fs2.predict(X), fs.predict(X))
    assert fs2.feature_names_ == fs.feature_names_


@pytest.mark.parametrize(
    "kwargs, match",
    [({"max_features": 0}, "'max_features' parameter"), ({"tol": -1.0}, "'tol' parameter")],
)
def test_bad_params(rng, kwargs, match):
    X, y = _data(rng, 50)
    with pytest.raises(ValueError, match=match):
        ForwardSelector(**kwargs).fit(X, y)


def test_bad_input(rng):
    X, y = _data(rng, 50)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        ForwardSelector().fit(Xn, y)
    with pytest.raises(ValueError, match="constant"):
        ForwardSelector().fit(X, np.ones(len(X)))
    with pytest.raises(ValueError, match="feature_names"):
        ForwardSelector(feature_names=["a"]).fit(X, y)
    fs = ForwardSelector().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fs.predict(X[:, :3])
