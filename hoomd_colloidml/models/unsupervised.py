"""Unsupervised classification of local environments (thesis Ch. 4.2.2, Ch. 5.2.4, Ch. 5.3.1).

Pipeline: autoencoder (dimensionality reduction) → Gaussian mixture (number of components by
BIC) → Baudry et al. entropy merging of components into clusters (number of clusters from the
L-method elbow) → soft membership probabilities.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.mixture import GaussianMixture
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from hoomd_colloidml.models import _torch
from hoomd_colloidml.models._base import (
    SavableMixin,
    check_param,
    check_random_seed,
    check_training_params,
    is_int,
    is_real,
    register_model,
    resolve_feature_names,
)
from hoomd_colloidml.models.lmethod import l_method

__all__ = ["UnsupervisedClassifier", "cluster_mixture", "entropy", "fve", "merge_components"]


# --------------------------------------------------------------------------- pieces
class Autoencoder(torch.nn.Module):
    """``d → h (tanh) → c (linear) → h (tanh) → d (linear)`` with Xavier-normal weights."""

    def __init__(self, d: int, h: int, c: int, generator: torch.Generator | None = None):
        super().__init__()
        self.encoder = torch.nn.Sequential(
            torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, c)
        )
        self.decoder = torch.nn.Sequential(
            torch.nn.Linear(c, h), torch.nn.Tanh(), torch.nn.Linear(h, d)
        )
        for m in self.modules():
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.xavier_normal_(m.weight, generator=generator)
                torch.nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def _sq_error(out: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``(1/N) Σ_i ||Q(i) - Q̂(i)||²`` (first term of Eq. 4.6)."""
    return ((out - x) ** 2).sum(dim=1).mean()


def fve(X: np.ndarray, X_hat: np.ndarray) -> float:
    """Fraction of variance explained by a reconstruction (Eq. 4.7)."""
    return 1.0 - float(((X - X_hat) ** 2).sum()) / float(((X - X.mean(axis=0)) ** 2).sum())


def entropy(P: np.ndarray) -> float:
    """``S = -Σ_ij p_ij ln p_ij`` (Eq. 4.9), with ``0 ln 0 = 0``."""
    P = np.asarray(P, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    return float(-t.sum())


def _col_entropy(p: np.ndarray) -> float:
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def merge_components(P: np.ndarray) -> tuple[list[list[list[int]]], np.ndarray]:
    """Greedy entropy merging of Baudry et al. (2010).

    Starting from the ``K = N_G`` mixture components, the pair whose merger gives the
    smallest entropy (Eq. 4.9) of the clustering is merged, down to one cluster.

    Args:
        P ((N, N_G) numpy.ndarray): Posterior probabilities of the components.

    Returns:
        (groups, S): ``groups[K-1]`` is the clustering with ``K`` clusters (a list of lists
        of component indices); ``S[K-1]`` its entropy.
    """
    P = np.asarray(P, dtype=np.float64)
    ng = P.shape[1]
    groups: list[list[int]] = [[j] for j in range(ng)]
    cols = [P[:, j].copy() for j in range(ng)]
    ents = [_col_entropy(c) for c in cols]
    out_groups = {ng: [list(g) for g in groups]}
    out_S = {ng: float(sum(ents))}
    while len(groups) > 1:
        best = None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                e_ab = _col_entropy(cols[a] + cols[b])
                gain = ents[a] + ents[b] - e_ab
                if best is None or gain > best[0] + 1e-12:
                    best = (gain, a, b, e_ab)
        _, a, b, e_ab = best
        cols[a] = cols[a] + cols[b]
        ents[a] = e_ab
        groups[a] = sorted(groups[a] + groups[b])
        del cols[b], ents[b], groups[b]
        k = len(groups)
        out_groups[k] = [list(g) for g in groups]
        out_S[k] = float(sum(ents))
    return [out_groups[k] for k in range(1, ng + 1)], np.array([out_S[k] for k in range(1, ng + 1)])


def _elbow_small(x: np.ndarray, y: np.ndarray) -> int:
    """Elbow of an increasing curve with < 4 points (where the L-method is undefined).

    With 3 points the middle one is the elbow if the right slope exceeds twice the left
    slope; otherwise (and with fewer points) the last point is kept.

    Example:
        >>> _elbow_small(np.array([1, 2, 3]), np.array([0.0, 0.1, 5.0]))
        2
    """
    if len(x) == 3:
        left, right = y[1] - y[0], y[2] - y[1]
        if right > 2.0 * max(left, 0.0) and right > 0:
            return int(x[1])
    return int(x[-1])


def cluster_mixture(Z, n_components="bic", max_components=8, merge=True, merge_tol=0.01,
                    covariance_type="full", random_state=0) -> dict:
    """Gaussian mixture with ``N_G`` by BIC, then Baudry et al. entropy merging (Ch. 4.2.2).

    Args:
        Z ((N, c) numpy.ndarray): Points (latent vectors).
        n_components (int | "bic"): Fixed ``N_G`` or "bic" (minimise BIC over
            ``1 … max_components``).
        max_components (int): Largest ``N_G`` tried.
        merge (bool): Merge components (else every component is a cluster).
        merge_tol (float): No merging if the entropy per point at ``N_G`` is below this.
        covariance_type (str): GaussianMixture covariance type.
        random_state (int): Seed of the mixture fits.

    Returns:
        dict: ``gmm`` (fitted GaussianMixture), ``bic_curve`` (2, m), ``entropy_curve``
        (2, N_G), ``groups`` (components of each cluster, clusters by decreasing weight).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> Z = np.r_[rng.normal(0, 1, (400, 2)), rng.normal(8, 1, (400, 2))]
        >>> res = cluster_mixture(Z, max_components=4)
        >>> len(res["groups"])
        2
    """
    Z = np.asarray(Z, dtype=np.float64)
    max_nc = max(1, min(int(max_components), len(Z) // 2))
    ncs = list(range(1, max_nc + 1)) if n_components == "bic" else [int(n_components)]
    if ncs[-1] > len(Z):
        raise ValueError(
            f"n_components={ncs[-1]} exceeds the number of training samples {len(Z)}."
        )
    gmms, bics = {}, []
    # The latent space is tiny (c x c matrices): threaded BLAS only adds overhead here.
    with threadpool_limits(limits=1, user_api="blas"):
        for k in ncs:
            gm = GaussianMixture(k, covariance_type=covariance_type,
                                 random_state=random_state, reg_covar=1e-6)
            gm.fit(Z)
            gmms[k] = gm
            bics.append(float(gm.bic(Z)))
    ng = ncs[int(np.argmin(bics))]
    gmm = gmms[ng]
    P = gmm.predict_proba(Z)
    groups, S = merge_components(P)
    if not merge or ng == 1 or S[-1] / len(Z) <= merge_tol:
        k = ng
    elif ng >= 4:
        k = int(l_method(np.arange(1, ng + 1), S))
    else:
        k = _elbow_small(np.arange(1, ng + 1), S)
    grp = groups[k - 1]
    weight = [P[:, g].sum() for g in grp]
    order = sorted(range(k), key=lambda i: (-weight[i], grp[i][0]))
    return {
        "gmm": gmm,
        "bic_curve": np.array([ncs, bics], dtype=np.float64),
        "entropy_curve": np.array([np.arange(1, ng + 1), S], dtype=np.float64),
        "groups": [grp[i] for i in order],
    }


# --------------------------------------------------------------------------- estimator
@register_model
class UnsupervisedClassifier(SavableMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """Find local environments without labels: autoencoder + GMM + entropy merging (Ch. 4.2.2).

    1. **Autoencoder** ``d → h (tanh) → c (linear) → h (tanh) → d (linear)`` with ``h = 5d``
       by default, Xavier-normal weights and zero biases, trained with mini-batch SGD with
       momentum on the MSE plus ``alpha·Σw²`` with ``alpha = 1e-5`` (Eq. 4.6) and early
       stopping on a validation split.
    2. **Bottleneck** ``c``: with ``bottleneck="auto"`` an autoencoder is trained for every
       ``c = 1 … min(d - 1, max_bottleneck)`` and the FVE (Eq. 4.7) curve is computed; ``c`` is
       its elbow by the L-method (Salvador & Chan), or, with ``fve_threshold`` set, the
       smallest ``c`` whose FVE reaches it (Ch. 5.3.1 uses 0.75). Curves with fewer than 4
       points fall back to the 0.75 threshold.
    3. **Gaussian mixture** on the latent vectors with ``N_G`` minimising the BIC over
       ``1 … max_components`` (or a fixed ``n_components``).
    4. **Merging** (Baudry et al., ``merge=True``): components are merged pairwise to
       minimise the entropy (Eq. 4.9) and the number of clusters is the L-method elbow of the
       entropy curve S(K) (nothing is merged when ``S(N_G)`` per sample is below
       ``merge_tol``, i.e. the components barely overlap). :meth:`predict_proba` returns
       the memberships of the merged clusters (sums of component posteriors); clusters are
       ordered by decreasing weight.

    Inputs are centred and, with ``scaling="global"`` (default), divided by one global scale,
    so the FVE and the importance of each input are those of the raw descriptors (as in the
    thesis); ``scaling="standard"`` standardizes every feature. The autoencoder and the
    mixture are trained on at most ``max_samples`` randomly chosen rows (all rows are
    transformed and classified).

    Args:
        bottleneck (int | "auto"): Number of bottleneck nodes ``c``.
        hidden (int | str): Hidden width; a string ``"<k>d"`` means ``k·d`` (default "5d").
        fve_threshold (float | None): With ``bottleneck="auto"``: pick the smallest ``c``
            with FVE ≥ threshold instead of the L-method elbow.
        max_bottleneck (int): Largest ``c`` tried by ``"auto"``.
        n_components (int | "bic"): Number of Gaussian components.
        max_components (int): Largest ``N_G`` tried by ``"bic"``.
        merge (bool): Merge components into clusters (Baudry et al.).
        merge_tol (float): Entropy per sample (nats) below which the components are taken
            as separate clusters and nothing is merged (their overlap is negligible).
        covariance_type (str): GaussianMixture covariance type.
        alpha (float): Weight decay λ of Eq. 4.6.
        learning_rate (float): SGD learning rate.
        momentum (float): SGD momentum.
        batch_size (int): Mini-batch size.
        max_epochs (int): Maximum epochs per autoencoder.
        patience (int): Early-stopping patience (epochs).
        validation_fraction (float): Fraction of the training rows used for early stopping.
        max_samples (int | None): Train on at most this many rows (None: all).
        scaling (str): "global" or "standard" input scaling.
        random_state (None | int): Seed for every stochastic step.
        descriptor_config (dict | None): Configuration of the describer that made ``X``.
        feature_names (list[str] | None): Names of the ``d`` input features.
        n_threads (int | None): Torch threads used inside ``fit`` (the previous setting is
            restored afterwards); ``None`` uses torch's current ``torch.set_num_threads``
            setting. These networks are tiny, so one thread is fastest (on the shared 2-core
            machine, 2 threads made the autoencoder training ~17x slower).
        verbose (bool): Progress bars.

    Attributes:
        bottleneck_ (int): Chosen ``c``.
        n_components_ (int): Number of Gaussian components ``N_G``.
        n_clusters_ (int): Number of clusters after merging.
        fve_curve_ ((2, m) numpy.ndarray): Rows ``c`` and FVE(c).
        bic_curve_ ((2, m) numpy.ndarray): Rows ``N_G`` and BIC(N_G).
        entropy_curve_ ((2, N_G) numpy.ndarray): Rows ``K`` and S(K).
        groups_ (list[list[int]]): Components merged into each cluster.
        labels_ ((N,) numpy.ndarray): Cluster of each training row.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> X = np.r_[rng.normal(0, .1, (100, 4)), rng.normal(1, .1, (100, 4))]
        >>> uc = UnsupervisedClassifier(bottleneck=1, max_epochs=10, max_components=3,
        ...                             random_state=0).fit(X)
        >>> uc.n_clusters_
        2
    """

    def __init__(
        self,
        bottleneck="auto",
        hidden="5d",
        fve_threshold=None,
        max_bottleneck=8,
        n_components="bic",
        max_components=8,
        merge=True,
        merge_tol=0.01,
        covariance_type="full",
        alpha=1e-5,
        learning_rate=0.01,
        momentum=0.9,
        batch_size=256,
        max_epochs=100,
        patience=8,
        validation_fraction=0.1,
        max_samples=10000,
        scaling="global",
        random_state=None,
        descriptor_config=None,
        feature_names=None,
        n_threads=1,
        verbose=False,
    ):
        self.bottleneck = bottleneck
        self.hidden = hidden
        self.fve_threshold = fve_threshold
        self.max_bottleneck = max_bottleneck
        self.n_components = n_components
        self.max_components = max_components
        self.merge = merge
        self.merge_tol = merge_tol
        self.covariance_type = covariance_type
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.max_samples = max_samples
        self.scaling = scaling
        self.random_state = random_state
        self.descriptor_config = descriptor_config
        self.feature_names = feature_names
        self.n_threads = n_threads
        self.verbose = verbose

    # ---- parameters
    def _check_params(self) -> None:
        b = self.bottleneck
        check_param(self, "bottleneck", b == "auto" if isinstance(b, str) else is_int(b, 1),
                    "an int >= 1 or 'auto'")
        h = self.hidden
        ok = is_int(h, 1) or (
            isinstance(h, str) and h.endswith("d") and h[:-1].replace(".", "", 1).isdigit()
            and float(h[:-1]) > 0
        )
        check_param(self, "hidden", ok, "an int >= 1 or a string like '5d' (a multiple of d)")
        ft = self.fve_threshold
        check_param(self, "fve_threshold", ft is None or (is_real(ft, 0.0, 1.0) and ft > 0),
                    "None or a float in (0, 1]")
        check_param(self, "max_bottleneck", is_int(self.max_bottleneck, 1), "an int >= 1")
        nc = self.n_components
        check_param(self, "n_components", nc == "bic" if isinstance(nc, str) else is_int(nc, 1),
                    "an int >= 1 or 'bic'")
        check_param(self, "max_components", is_int(self.max_components, 1), "an int >= 1")
        check_param(self, "merge", isinstance(self.merge, (bool, np.bool_)), "a bool")
        check_param(self, "merge_tol", is_real(self.merge_tol, 0.0), "a float >= 0")
        check_param(self, "covariance_type",
                    self.covariance_type in ("full", "tied", "diag", "spherical"),
                    "one of 'full', 'tied', 'diag', 'spherical'")
        check_param(self, "alpha", is_real(self.alpha, 0.0), "a float >= 0")
        check_param(self, "learning_rate", is_real(self.learning_rate) and self.learning_rate > 0,
                    "a float > 0")
        check_param(self, "momentum", is_real(self.momentum, 0.0) and self.momentum < 1,
                    "a float in [0, 1)")
        check_training_params(self)
        check_param(self, "max_samples", self.max_samples is None or is_int(self.max_samples, 2),
                    "None or an int >= 2")
        check_param(self, "scaling", self.scaling in ("global", "standard"),
                    "'global' or 'standard'")

    def _hidden_width(self, d: int) -> int:
        h = self.hidden
        if isinstance(h, str):
            return max(1, int(round(float(h[:-1]) * d)))
        return int(h)

    # ---- helpers
    def _scale(self, X: np.ndarray) -> np.ndarray:
        return (X - self.mean_) / self.scale_

    def _train_aes(self, Xs: np.ndarray, cands: list[int], seed: int) -> tuple[list, list]:
        """Train one autoencoder per bottleneck size, all in one batched computation.

        The models are independent (separate weights, momentum buffers and early stopping;
        the loss is the sum of the per-model losses, so each gradient is that model's own);
        batching them only removes Python overhead. Bottleneck units beyond a model's ``c``
        are masked to zero, which is exactly a narrower bottleneck.
        """
        d = Xs.shape[1]
        h = self._hidden_width(d)
        m = len(cands)
        cmax = max(cands)
        gen = torch.Generator().manual_seed(seed)

        def xavier(fan_in: int, fan_outs: list[int], shape: tuple[int, ...]) -> torch.Tensor:
            w = torch.empty((m, *shape))
            for i, fo in enumerate(fan_outs):
                w[i].normal_(0.0, float(np.sqrt(2.0 / (fan_in + fo))), generator=gen)
            return w

        W = [xavier(d, [h] * m, (d, h)), xavier(h, cands, (h, cmax)),
             xavier(cmax, [h] * m, (cmax, h)), xavier(h, [d] * m, (h, d))]
        for i, c in enumerate(cands):  # Xavier fan-in of the decoder uses the real c
            W[2][i].normal_(0.0, float(np.sqrt(2.0 / (c + h))), generator=gen)
        B = [torch.zeros((m, 1, k)) for k in (h, cmax, h, d)]
        W = [w.requires_grad_() for w in W]
        B = [b.requires_grad_() for b in B]
        mask = torch.zeros((m, 1, cmax))
        for i, c in enumerate(cands):
            mask[i, 0, :c] = 1.0

        def forward(x: torch.Tensor) -> torch.Tensor:
            x = x.unsqueeze(0).expand(m, -1, -1)
            z = torch.baddbmm(B[1], torch.tanh(torch.baddbmm(B[0], x, W[0])), W[1]) * mask
            return torch.baddbmm(B[3], torch.tanh(torch.baddbmm(B[2], z, W[2])), W[3])

        def per_model_loss(x: torch.Tensor) -> torch.Tensor:
            return ((forward(x) - x.unsqueeze(0)) ** 2).sum(dim=2).mean(dim=1)

        opt = torch.optim.SGD(
            [{"params": W, "weight_decay": 2.0 * float(self.alpha)},
             {"params": B, "weight_decay": 0.0}],
            lr=float(self.learning_rate), momentum=float(self.momentum),
        )
        rng = np.random.default_rng(seed)
        tr, va = _torch.split_indices(len(Xs), self.validation_fraction, rng, min_val=20)
        Xt = torch.from_numpy(Xs.astype(np.float32))
        Xtr = Xt[tr]
        Xva = Xtr if va is None else Xt[va]
        n = len(Xtr)
        bs = int(self.batch_size)
        best = np.full(m, np.inf)
        bad = np.zeros(m, dtype=int)
        stopped = np.zeros(m, dtype=bool)
        best_state = [p.detach().clone() for p in W + B]
        epochs = range(int(self.max_epochs))
        if self.verbose:
            from tqdm.auto import tqdm

            epochs = tqdm(epochs, desc=f"autoencoders c={cands}", leave=False)
        for _ in epochs:
            perm = torch.randperm(n, generator=gen)
            for start in range(0, n, bs):
                xb = Xtr[perm[start : start + bs]]
                opt.zero_grad(set_to_none=True)
                per_model_loss(xb).sum().backward()
                opt.step()
            with torch.no_grad():
                val = per_model_loss(Xva).numpy().astype(np.float64)
            for i in range(m):
                if stopped[i]:
                    continue
                if np.isfinite(val[i]) and (not np.isfinite(best[i])
                                            or val[i] < best[i] * (1.0 - 1e-4)):
                    best[i] = val[i]
                    bad[i] = 0
                    for bs_, p in zip(best_state, W + B):
                        bs_[i] = p.detach()[i]
                else:
                    bad[i] += 1
                    stopped[i] = bad[i] >= int(self.patience) or not np.isfinite(val[i])
            if stopped.all():
                break
        nets = []
        with torch.no_grad():
            w1, w2, w3, w4, b1, b2, b3, b4 = best_state
            for i, c in enumerate(cands):
                net = Autoencoder(d, h, c)
                net.encoder[0].weight.copy_(w1[i].T)
                net.encoder[0].bias.copy_(b1[i, 0])
                net.encoder[2].weight.copy_(w2[i][:, :c].T)
                net.encoder[2].bias.copy_(b2[i, 0, :c])
                net.decoder[0].weight.copy_(w3[i][:c, :].T)
                net.decoder[0].bias.copy_(b3[i, 0])
                net.decoder[2].weight.copy_(w4[i].T)
                net.decoder[2].bias.copy_(b4[i, 0])
                net.eval()
                nets.append(net)
        return nets, best.tolist()

    @staticmethod
    def _reconstruct(net: Autoencoder, Xs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return net(torch.from_numpy(Xs.astype(np.float32))).numpy().astype(np.float64)

    def _encode(self, Xs: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            z = self.autoencoder_.encoder(torch.from_numpy(Xs.astype(np.float32)))
        return z.numpy().astype(np.float64)

    # ---- fit
    def fit(self, X, y=None):
        """Fit the model with ``n_threads`` torch threads; see :meth:`_fit` for the steps."""
        return _torch.fit_with_threads(self, X, y)

    def _fit(self, X, y=None):
        """Fit the autoencoder, the Gaussian mixture and the merging.

        Args:
            X ((N, d) array_like): Descriptor vectors (e.g. averaged bond-order parameters).
            y: Ignored.

        Returns:
            UnsupervisedClassifier: self.

        Raises:
            ValueError: NaN/inf in ``X``, fewer than 2 samples, invalid parameters.
        """
        self._check_params()
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        n, d = X.shape
        self.feature_names_ = resolve_feature_names(self, d)
        seed = check_random_seed(self.random_state)
        rng = np.random.default_rng(seed)
        seeds = rng.integers(0, 2**31 - 1, size=64)
        self.mean_ = X.mean(axis=0)
        sd = X.std(axis=0)
        if self.scaling == "standard":
            self.scale_ = np.where(sd > 0, sd, 1.0)
        else:
            g = float(np.sqrt(np.mean(sd**2)))
            self.scale_ = np.full(d, g if g > 0 else 1.0)
        if self.max_samples is not None and n > self.max_samples:
            self.train_indices_ = np.sort(rng.choice(n, size=int(self.max_samples), replace=False))
        else:
            self.train_indices_ = np.arange(n)
        Xs = self._scale(X[self.train_indices_])

        # 1-2. autoencoders and the bottleneck
        if self.bottleneck == "auto":
            cands = list(range(1, min(d, int(self.max_bottleneck)) + 1))
        else:
            cands = [int(self.bottleneck)]
        trained, _ = self._train_aes(Xs, cands, int(seeds[0]))
        nets = dict(zip(cands, trained))
        fves = [fve(Xs, self._reconstruct(nets[c], Xs)) for c in cands]
        self.fve_curve_ = np.array([cands, fves], dtype=np.float64)
        if len(cands) == 1:
            c = cands[0]
        elif self.fve_threshold is not None or len(cands) < 4:
            thr = 0.75 if self.fve_threshold is None else float(self.fve_threshold)
            ok = [c for c, f in zip(cands, fves) if f >= thr]
            c = ok[0] if ok else cands[-1]
        else:
            c = int(l_method(cands, fves))
        self.bottleneck_ = c
        self.autoencoder_ = nets[c]
        self.fve_ = float(fves[cands.index(c)])
        Z = self._encode(Xs)

        # 3-4. Gaussian mixture by BIC, Baudry et al. merging
        res = cluster_mixture(
            Z, n_components=self.n_components, max_components=int(self.max_components),
            merge=bool(self.merge), merge_tol=float(self.merge_tol),
            covariance_type=self.covariance_type, random_state=int(seeds[32]),
        )
        self.gmm_ = res["gmm"]
        self.n_components_ = res["gmm"].n_components
        self.bic_curve_ = res["bic_curve"]
        self.entropy_curve_ = res["entropy_curve"]
        self.groups_ = res["groups"]
        self.n_clusters_ = len(self.groups_)
        self.labels_ = self.predict(X)
        return self

    # ---- inference
    def _check_X(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._scale(X)

    def transform(self, X) -> np.ndarray:
        """Latent (bottleneck) coordinates, shape ``(N, c)``."""
        return self._encode(self._check_X(X))

    def _merge_matrix(self) -> np.ndarray:
        M = np.zeros((self.n_components_, self.n_clusters_))
        for j, g in enumerate(self.groups_):
            M[g, j] = 1.0
        return M

    def predict_proba(self, X) -> np.ndarray:
        """Membership probabilities of the (merged) clusters, shape ``(N, n_clusters_)``."""
        Z = self.transform(X)
        return self.gmm_.predict_proba(Z) @ self._merge_matrix()

    def predict(self, X) -> np.ndarray:
        """Most probable cluster of each row, shape ``(N,)``."""
        return np.argmax(self.predict_proba(X), axis=1)

    def fit_predict(self, X, y=None) -> np.ndarray:
        """Fit and return ``labels_``."""
        return self.fit(X).labels_

    def reconstruct(self, X) -> np.ndarray:
        """Autoencoder reconstruction of ``X`` in input units, shape ``(N, d)``."""
        Xs = self._check_X(X)
        return self._reconstruct(self.autoencoder_, Xs) * self.scale_ + self.mean_

    def relative_importance(self, X, method: str = "perturbation", noise: float = 0.1,
                            random_state=None) -> np.ndarray:
        """Relative importance of each input, ``RI_k = ΔE_k / Σ_j ΔE_j`` (Eq. 4.8).

        ``ΔE_k`` is the increase of the autoencoder's reconstruction error (mean squared
        error with respect to the unmodified inputs, in scaled units) when input ``k`` is
        changed and all other inputs are kept: ``"perturbation"`` multiplies it by
        ``1 + noise·ε`` with white noise ``ε ~ N(0, 1)`` (i.e. noise of ``noise``·100 % of
        each input); ``"stepwise"`` (the improved stepwise method) replaces it by its mean.

        Args:
            X ((N, d) array_like): Data to evaluate on.
            method (str): "perturbation" or "stepwise".
            noise (float): Relative noise amplitude (thesis: 0.1 and 0.5).
            random_state (None | int): Seed of the noise (default: the model's).

        Returns:
            (d,) numpy.ndarray: Relative importances (sum to 1).
        """
        if method not in ("perturbation", "stepwise"):
            raise ValueError(
                f"The 'method' argument must be 'perturbation' or 'stepwise'. Got {method!r}."
            )
        if not (is_real(noise) and noise > 0):
            raise ValueError(f"The 'noise' argument must be a float > 0. Got {noise!r}.")
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Xs = self._scale(X)
        base = float(((self._reconstruct(self.autoencoder_, Xs) - Xs) ** 2).sum(1).mean())
        rs = self.random_state if random_state is None else random_state
        rng = np.random.default_rng(check_random_seed(rs))
        dE = np.empty(X.shape[1])
        for k in range(X.shape[1]):
            Xp = X.copy()
            if method == "perturbation":
                Xp[:, k] = X[:, k] * (1.0 + noise * rng.standard_normal(len(X)))
            else:
                Xp[:, k] = X[:, k].mean()
            out = self._reconstruct(self.autoencoder_, self._scale(Xp))
            dE[k] = float(((out - Xs) ** 2).sum(1).mean()) - base
        tot = dE.sum()
        if not tot > 0:
            raise ValueError("The changes of the inputs did not increase the error; "
                             "relative importances are undefined for these data.")
        return dE / tot

    def plot_diagnostics(self, X=None):
        """FVE, BIC and entropy curves and the latent scatter coloured by cluster.

        Args:
            X ((N, d) array_like | None): Data for the scatter (default: none drawn).

        Returns:
            matplotlib.figure.Figure
        """
        import matplotlib.pyplot as plt

        check_is_fitted(self)
        fig, axes = plt.subplots(1, 4, figsize=(16, 3.6))
        c, f = self.fve_curve_
        axes[0].plot(c, f, "o-")
        axes[0].axvline(self.bottleneck_, color="k", ls="--")
        axes[0].set(xlabel="bottleneck nodes $c$", ylabel="FVE")
        k, b = self.bic_curve_
        axes[1].plot(k, b - b.min(), "o-")
        axes[1].axvline(self.n_components_, color="k", ls="--")
        axes[1].set(xlabel="components $N_G$", ylabel="BIC - min")
        k, s = self.entropy_curve_
        axes[2].plot(k, s, "o-")
        axes[2].axvline(self.n_clusters_, color="k", ls="--")
        axes[2].set(xlabel="clusters $K$", ylabel="entropy $S_K$")
        if X is not None:
            Z = self.transform(X)
            lab = self.predict(X)
            zy = Z[:, 1] if Z.shape[1] > 1 else np.zeros(len(Z))
            axes[3].scatter(Z[:, 0], zy, c=lab, s=2, cmap="viridis")
            axes[3].set(xlabel="$Y_1$", ylabel="$Y_2$")
        else:
            axes[3].set_axis_off()
        fig.tight_layout()
        return fig

    # ---- persistence
    def _get_state(self):
        g = self.gmm_
        meta = {
            "n_features_in": int(self.n_features_in_),
            "scaling": {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()},
            "bottleneck": int(self.bottleneck_),
            "fve": self.fve_,
            "n_components": int(self.n_components_),
            "n_clusters": int(self.n_clusters_),
            "groups": self.groups_,
        }
        arrays = _torch.state_to_numpy(self.autoencoder_)
        arrays.update({
            "gmm.weights": g.weights_, "gmm.means": g.means_, "gmm.covariances": g.covariances_,
            "gmm.precisions_cholesky": g.precisions_cholesky_,
            "fve_curve": self.fve_curve_, "bic_curve": self.bic_curve_,
            "entropy_curve": self.entropy_curve_, "labels": self.labels_.astype(np.int64),
        })
        return meta, arrays

    def _set_state(self, meta, arrays):
        self.n_features_in_ = int(meta["n_features_in"])
        self.mean_ = np.asarray(meta["scaling"]["mean"], dtype=np.float64)
        self.scale_ = np.asarray(meta["scaling"]["scale"], dtype=np.float64)
        self.bottleneck_ = int(meta["bottleneck"])
        self.fve_ = float(meta["fve"])
        self.n_components_ = int(meta["n_components"])
        self.n_clusters_ = int(meta["n_clusters"])
        self.groups_ = [[int(i) for i in g] for g in meta["groups"]]
        d = self.n_features_in_
        self.autoencoder_ = Autoencoder(d, self._hidden_width(d), self.bottleneck_)
        _torch.load_numpy_state(self.autoencoder_, arrays)
        self.autoencoder_.eval()
        g = GaussianMixture(self.n_components_, covariance_type=self.covariance_type)
        g.weights_ = arrays["gmm.weights"]
        g.means_ = arrays["gmm.means"]
        g.covariances_ = arrays["gmm.covariances"]
        g.precisions_cholesky_ = arrays["gmm.precisions_cholesky"]
        g.converged_ = True
        g.n_iter_ = 0
        g.lower_bound_ = np.nan
        self.gmm_ = g
        self.fve_curve_ = arrays["fve_curve"]
        self.bic_curve_ = arrays["bic_curve"]
        self.entropy_curve_ = arrays["entropy_curve"]
        self.labels_ = arrays["labels"]
