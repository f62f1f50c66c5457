"""PhaseClassifier (single-layer softmax network, Ch. 3.3) on bond-order vectors.

Features: q̄_1..8 and w̄_2,4,6,8 (the one-component form of Eq. 3.6) computed with freud.
"""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from hoomd_colloidml.models import PhaseClassifier, load
from tests.hoomd_colloidml.models._data import NAMES_W, crystal_features, fluid_features

PHASES = ("fcc", "hcp", "bcc", "fluid")


def _set(seed0):
    Xs, ys = [], []
    for p in PHASES:
        if p == "fluid":
            X = fluid_features(400, 0.45, seed0, wl=True)
        else:
            X = np.vstack([crystal_features(p, 0.08, seed0 * 10 + k, wl=True) for k in range(2)])
        Xs.append(X)
        ys.append(np.full(len(X), p))
    return np.vstack(Xs), np.concatenate(ys)


@pytest.fixture(scope="module")
def trained():
    Xtr, ytr = _set(0)
    Xte, yte = _set(1)  # independent configurations
    clf = PhaseClassifier(random_state=0, feature_names=list(NAMES_W)).fit(Xtr, ytr)
    return clf, Xte, yte


def test_heldout_accuracy_per_class(trained):
    clf, Xte, yte = trained
    assert clf.hidden == () and len(clf.net_) == 1  # one linear layer + softmax
    pred = clf.predict(Xte)
    for p in PHASES:
        acc = np.mean(pred[yte == p] == p)
        assert acc >= 0.99, (p, acc)
    proba = clf.predict_proba(Xte)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert list(clf.classes_) == sorted(PHASES)


def test_save_load_identical(trained, tmp_path):
    clf, Xte, _ = trained
    clf2 = load(clf.save(tmp_path / "phase"))
    np.testing.assert_array_equal(clf2.predict(Xte), clf.predict(Xte))
    np.testing.assert_array_equal(clf2.predict_proba(Xte), clf.predict_proba(Xte))
    assert clf2.feature_names_ == list(NAMES_W)
    assert clf2.get_params() == clf.get_params()


def test_mlp_and_determinism():
    X, y = _set(0)
    a = PhaseClassifier(hidden=(16,), random_state=3, max_epochs=20).fit(X, y)
    b = PhaseClassifier(hidden=(16,), random_state=3, max_epochs=20).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert a.score(X, y) > 0.95


def test_bad_input():
    X, y = _set(0)
    with pytest.raises(NotFittedError):
        PhaseClassifier().predict(X)
    Xn = X.copy()
    Xn[5, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        PhaseClassifier().fit(Xn, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        PhaseClassifier().fit(X, np.full(len(X), "fcc"))
    with pytest.raises(ValueError, match="'hidden' parameter"):
        PhaseClassifier(hidden=(0,)).fit(X, y)
    with pytest.raises(ValueError, match="'activation' parameter"):
        PhaseClassifier(activation="gelu").fit(X, y)
    clf = PhaseClassifier(max_epochs=2, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="12 features"):
        clf.predict(X[:, :5])
    with pytest.raises(ValueError, match="NaN"):
        clf.predict(Xn)


def test_descriptor_config_roundtrip_with_freud_ext(tmp_path):
    """A model trained on freud_ext.order features rebuilds the same describer after load."""
    order = pytest.importorskip("freud_ext.order")
    from hoomd_colloidml import lattice

    desc = order.BondOrderDescriptor(l=range(1, 9), wl=True)
    X, y = [], []
    for k, p in enumerate(("fcc", "bcc")):
        for seed in range(2):
            s = lattice.rattle(lattice.crystal(p, 4, 0.55), sigma=0.08, seed=10 * k + seed)
            f, names = desc.describe(s)
            X.append(f)
            y += [p] * len(f)
    clf = PhaseClassifier(random_state=0, max_epochs=50, descriptor_config=desc.get_config(),
                          feature_names=names).fit(np.vstack(X), np.array(y))
    loaded = load(clf.save(tmp_path / "bop_model"))
    assert loaded.descriptor_config == desc.get_config()
    new = lattice.rattle(lattice.crystal("bcc", 4, 0.55), sigma=0.08, seed=99)
    f_orig, _ = desc.describe(new)
    f_new, names_new = loaded.descriptor.describe(new)
    np.testing.assert_array_equal(f_new, f_orig)
    assert names_new == loaded.feature_names_
    np.testing.assert_array_equal(loaded.predict(f_new), clf.predict(f_orig))
    assert np.mean(loaded.predict(f_new) == "bcc") >= 0.99


def _grouped_set(seed, n=300):
    """Two groups (species) with the same feature distribution per exclusive class: class
    'a' only in group 0, 'b' only in group 1 (indistinguishable without the group), and a
    shared class 'c' well separated from both."""
    rng = np.random.default_rng(seed)
    Xa = rng.normal(0.0, 1.0, (n, 4))
    Xb = rng.normal(0.0, 1.0, (n, 4))
    Xc = rng.normal(5.0, 1.0, (2 * n, 4))
    g = np.r_[np.zeros(n), np.ones(n), np.tile([0.0, 1.0], n)]
    X = np.column_stack([np.vstack([Xa, Xb, Xc]), g])
    y = np.r_[["a"] * n, ["b"] * n, ["c"] * (2 * n)]
    return X, y


def test_group_column_restricts_labels_per_group(tmp_path):
    Xtr, ytr = _grouped_set(0)
    Xte, yte = _grouped_set(1)
    plain = PhaseClassifier(random_state=0, max_epochs=60).fit(Xtr[:, :-1], ytr)
    # without the group the exclusive classes are a coin toss between 'a' and 'b'
    acc_plain = np.mean(plain.predict(Xte[:, :-1])[yte != "c"] == yte[yte != "c"])
    assert acc_plain < 0.7
    clf = PhaseClassifier(random_state=0, max_epochs=60, group_column=-1).fit(Xtr, ytr)
    assert clf.groups_.tolist() == [0, 1]
    assert clf.allowed_.tolist() == [[True, False, True], [False, True, True]]
    assert clf.net_.inner[0].in_features == 4  # the group is not a network input
    pred = clf.predict(Xte)
    assert np.mean(pred == yte) > 0.99
    proba = clf.predict_proba(Xte)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert np.all(proba[Xte[:, -1] == 0, 1] == 0) and np.all(proba[Xte[:, -1] == 1, 0] == 0)
    # the group column at any position; saved and loaded with its groups
    moved = np.roll(Xtr, 1, axis=1)
    clf0 = PhaseClassifier(random_state=0, max_epochs=60, group_column=0).fit(moved, ytr)
    assert np.mean(clf0.predict(np.roll(Xte, 1, axis=1)) == yte) > 0.99
    back = load(clf.save(tmp_path / "grouped"))
    np.testing.assert_array_equal(back.predict_proba(Xte), proba)
    np.testing.assert_array_equal(back.allowed_, clf.allowed_)


def test_group_column_bad_input():
    X, y = _grouped_set(0, n=40)
    with pytest.raises(ValueError, match="'group_column' parameter"):
        PhaseClassifier(group_column=1.5).fit(X, y)
    with pytest.raises(ValueError, match="must index a column"):
        PhaseClassifier(group_column=7).fit(X, y)
    Xf = X.copy()
    Xf[3, -1] = 0.5
    with pytest.raises(ValueError, match="must hold integers"):
        PhaseClassifier(group_column=-1, max_epochs=2).fit(Xf, y)
    clf = PhaseClassifier(group_column=-1, max_epochs=2, random_state=0).fit(X, y)
    Xu = X.copy()
    Xu[0, -1] = 3
    with pytest.raises(ValueError, match="Group 3 .* not in the training data"):
        clf.predict(Xu)
