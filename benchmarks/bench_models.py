"""Benchmark: UnsupervisedClassifier fit + predict on 10^5 particles x 16 features.

Target (issue 5): under 60 s on the project's 2-core machine. Data: synthetic bond-order-like
vectors, three environments (two elongated "crystal" clusters and a broad "fluid") in a
2D latent space mapped to 16 features by a fixed smooth nonlinear map plus noise.

Ours: ``UnsupervisedClassifier()`` with default parameters (autoencoders for c = 1..8 trained
on a 10^4-row subsample, GMM by BIC over 1..8 components, entropy merging), then
``predict_proba`` on all 10^5 rows. Peer (the linear analogue in scikit-learn, same run):
``PCA(2)`` + ``GaussianMixture`` with the number of components by BIC over 1..8 on the same
subsample size, then ``predict_proba`` on all rows. Wall-clock seconds; the ratio printed
is ours / peer.

Usage::

    .venv/bin/python benchmarks/bench_models.py [--n 100000] [--threads 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture

from hoomd_colloidml.models import UnsupervisedClassifier


def synthetic(n: int, d: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.choice(3, size=n, p=[0.4, 0.3, 0.3])
    t = rng.uniform(-1, 1, n)  # "disorder" coordinate along the crystal clusters
    centres = np.array([[2.0, 1.0], [2.0, -1.0], [-1.5, 0.0]])
    Z = centres[labels] + 0.15 * rng.normal(size=(n, 2))
    Z[labels < 2, 0] += 0.6 * t[labels < 2]
    Z[labels == 2] += 0.4 * rng.normal(size=(int((labels == 2).sum()), 2))
    A = rng.normal(size=(2, d))
    B = rng.normal(size=(d, d)) / np.sqrt(d)
    X = np.tanh(Z @ A) @ B + 0.02 * rng.normal(size=(n, d))
    return X, labels


def agreement(labels: np.ndarray, truth: np.ndarray) -> float:
    return sum(np.bincount(truth[labels == k]).max() for k in np.unique(labels)) / len(truth)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = ap.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    X, truth = synthetic(args.n)
    print(f"data: {X.shape}, torch threads: {torch.get_num_threads()}")

    t0 = time.perf_counter()
    uc = UnsupervisedClassifier(random_state=0).fit(X)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    P = uc.predict_proba(X)
    t_pred = time.perf_counter() - t0
    ours = t_fit + t_pred
    print(f"ours: fit {t_fit:.1f} s + predict {t_pred:.1f} s = {ours:.1f} s "
          f"(target < 60 s); c = {uc.bottleneck_}, N_G = {uc.n_components_}, "
          f"clusters = {uc.n_clusters_}, agreement = {agreement(P.argmax(1), truth):.4f}")

    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    sub = rng.choice(len(X), size=min(len(X), 10_000), replace=False)
    pca = PCA(2, random_state=0).fit(X[sub])
    Zs = pca.transform(X[sub])
    gms = [GaussianMixture(k, random_state=0).fit(Zs) for k in range(1, 9)]
    gm = min(gms, key=lambda g: g.bic(Zs))
    Pp = gm.predict_proba(pca.transform(X))
    peer = time.perf_counter() - t0
    print(f"peer (sklearn PCA(2) + GMM/BIC): {peer:.1f} s, N_G = {gm.n_components}, "
          f"agreement = {agreement(Pp.argmax(1), truth):.4f}")
    print(f"ratio ours / peer: {ours / peer:.1f}")


if __name__ == "__main__":
    main()
