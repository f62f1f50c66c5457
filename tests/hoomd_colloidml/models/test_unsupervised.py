"""UnsupervisedClassifier (autoencoder + GMM/BIC + Baudry merging, Ch. 4.2.2)."""

import matplotlib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from hoomd_colloidml.models import UnsupervisedClassifier, load
from hoomd_colloidml.models.unsupervised import cluster_mixture, entropy, merge_components
from tests.hoomd_colloidml.models._data import NAMES, mixture_fcc_hcp_fluid


@pytest.fixture(scope="module")
def mixture():
    return mixture_fcc_hcp_fluid()


@pytest.fixture(scope="module")
def fitted(mixture):
    X, _ = mixture
    return UnsupervisedClassifier(random_state=0, feature_names=list(NAMES)).fit(X)


def test_fcc_hcp_fluid(fitted, mixture):
    X, y = mixture
    uc = fitted
    assert uc.bottleneck_ == 2  # FVE elbow by the L-method over c = 1..8
    assert uc.fve_curve_.shape == (2, 8)
    assert uc.n_clusters_ == 3
    lab = uc.labels_
    agree = sum(np.bincount(y[lab == k], minlength=3).max() for k in range(3)) / len(y)
    assert agree >= 0.97
    majority = {k: np.bincount(y[lab == k], minlength=3).argmax() for k in range(3)}
    assert sorted(majority.values()) == [0, 1, 2]  # one cluster per phase
    P = uc.predict_proba(X)
    assert P.shape == (len(X), 3)
    np.testing.assert_allclose(P.sum(1), 1.0, atol=1e-10)
    np.testing.assert_array_equal(uc.predict(X), lab)
    assert uc.transform(X).shape == (len(X), 2)
    for method in ("perturbation", "stepwise"):
        ri = uc.relative_importance(X, method=method)
        assert ri.sum() == pytest.approx(1.0)
        top2 = {NAMES[i] for i in np.argsort(ri)[::-1][:2]}
        assert "qbar6" in top2 and top2 & {"qbar4", "qbar8"}, (method, ri)


def test_save_load_and_plot(fitted, mixture, tmp_path):
    matplotlib.use("Agg")
    X, _ = mixture
    uc2 = load(fitted.save(tmp_path / "uc"))
    np.testing.assert_array_equal(uc2.predict_proba(X[:500]), fitted.predict_proba(X[:500]))
    np.testing.assert_array_equal(uc2.fve_curve_, fitted.fve_curve_)
    assert uc2.feature_names_ == list(NAMES)
    fig = fitted.plot_diagnostics(X[:500])
    assert len(fig.axes) == 4
    assert fig.axes[0].get_lines()[0].get_ydata().tolist() == fitted.fve_curve_[1].tolist()


def test_overlapping_gaussians_bic_and_merge(rng):
    # cluster A = two overlapping Gaussians (centres 2.8 sd apart), cluster B separate
    n = 1500
    Z = np.r_[
        rng.normal([0.0, 0.0], 1.0, (n, 2)),
        rng.normal([2.0, 2.0], 1.0, (n, 2)),
        rng.normal([10.0, -8.0], 1.0, (n, 2)),
    ]
    res = cluster_mixture(Z, max_components=6, random_state=0)
    assert res["gmm"].n_components == 3  # BIC minimum
    assert res["bic_curve"][1].argmin() == 2
    assert len(res["groups"]) == 2  # entropy merging
    big = max(res["groups"], key=len)
    assert len(big) == 2
    # entropy curve S(K) matches a direct evaluation (Eq. 4.9) of the merged memberships
    P = res["gmm"].predict_proba(Z)
    groups, S = merge_components(P)
    np.testing.assert_allclose(res["entropy_curve"][1], S)
    for K in range(1, 4):
        PK = np.column_stack([P[:, g].sum(1) for g in groups[K - 1]])
        assert S[K - 1] == pytest.approx(entropy(PK), rel=1e-10, abs=1e-9)
    # without merging every component is a cluster
    assert len(cluster_mixture(Z, max_components=6, merge=False)["groups"]) == 3


def test_merging_takes_the_pair_of_largest_entropy_decrease(rng):
    # Baudry et al. (2010): each step merges the pair whose union gives the smallest entropy
    # Ent(K) = -sum_i sum_k t_ik ln t_ik; compare with a brute-force search over all pairs
    P = rng.dirichlet([0.3] * 5, size=400)
    groups, S = merge_components(P)
    for K in range(5, 1, -1):
        prev = groups[K - 1]
        best = min(
            entropy(np.column_stack(
                [P[:, prev[a] + prev[b]].sum(1)]
                + [P[:, g].sum(1) for k, g in enumerate(prev) if k not in (a, b)]))
            for a in range(K) for b in range(a + 1, K)
        )
        assert S[K - 2] == pytest.approx(best, rel=1e-12)
        assert sorted(map(sorted, groups[K - 2])) != sorted(map(sorted, prev))
    assert S[0] == pytest.approx(0.0, abs=1e-9) and groups[0] == [list(range(5))]


def test_through_estimator_and_determinism(rng):
    n = 600
    X2 = np.r_[rng.normal([0, 0], 0.3, (n, 2)), rng.normal([0.4, 0.4], 0.3, (n, 2)),
               rng.normal([4, -3], 0.3, (n, 2))]
    X = np.column_stack([X2, X2 @ [[0.5], [-0.2]], 0.01 * rng.normal(size=(3 * n, 1))])
    kw = dict(bottleneck=2, max_epochs=30, max_components=5, random_state=7)
    a = UnsupervisedClassifier(**kw).fit(X)
    b = UnsupervisedClassifier(**kw).fit(X)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.bic_curve_, b.bic_curve_)
    c = UnsupervisedClassifier(**{**kw, "random_state": 8}).fit(X)
    assert not np.array_equal(a.transform(X), c.transform(X))
    assert a.n_clusters_ == 2
    truth = np.r_[np.zeros(2 * n), np.ones(n)]
    lab = a.labels_
    agree = sum(np.bincount(truth[lab == k].astype(int), minlength=2).max()
                for k in range(2)) / len(truth)
    assert agree >= 0.99


def test_fve_threshold(rng):
    X = rng.normal(size=(300, 4)) * [3.0, 1.0, 0.3, 0.1]
    uc = UnsupervisedClassifier(fve_threshold=0.75, max_epochs=40, random_state=0,
                                max_components=2).fit(X)
    f = dict(zip(uc.fve_curve_[0].astype(int), uc.fve_curve_[1]))
    assert f[uc.bottleneck_] >= 0.75
    assert all(f[c] < 0.75 for c in f if c < uc.bottleneck_)


def test_bad_input(rng):
    X = rng.normal(size=(100, 4))
    with pytest.raises(NotFittedError):
        UnsupervisedClassifier().predict(X)
    with pytest.raises(ValueError, match="'bottleneck' parameter of UnsupervisedClassifier"):
        UnsupervisedClassifier(bottleneck=0).fit(X)
    with pytest.raises(ValueError, match="'hidden' parameter"):
        UnsupervisedClassifier(hidden="fived").fit(X)
    with pytest.raises(ValueError, match="'fve_threshold' parameter"):
        UnsupervisedClassifier(fve_threshold=1.5).fit(X)
    Xn = X.copy()
    Xn[1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        UnsupervisedClassifier().fit(Xn)
    uc = UnsupervisedClassifier(bottleneck=1, max_epochs=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="4 features"):
        uc.predict(X[:, :3])
    with pytest.raises(ValueError, match="'method'"):
        uc.relative_importance(X, method="magic")


def test_n_threads_scoped(rng):
    import torch

    X = rng.normal(size=(80, 3))
    old = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        UnsupervisedClassifier(bottleneck=1, max_epochs=2, n_threads=1, random_state=0).fit(X)
        assert torch.get_num_threads() == 2  # the caller's setting is restored
    finally:
        torch.set_num_threads(old)
    with pytest.raises(ValueError, match="'n_threads' parameter"):
        UnsupervisedClassifier(n_threads=0).fit(X)
