"""Small torch helpers shared by the network models: seeded training loop, (de)serialisation.

The number of threads is whatever ``torch.set_num_threads`` says; nothing here changes it.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable

import numpy as np
import torch

from hoomd_colloidml.models._base import _classes_from_json, _classes_to_json, check_param, is_int

__all__ = ["train", "state_to_numpy", "load_numpy_state", "split_indices", "param_groups",
           "torch_threads", "fit_with_threads", "NetClassifierMixin"]


@contextlib.contextmanager
def torch_threads(n: int | None):
    """Use ``n`` torch threads inside the block and restore the previous setting after it.

    ``None`` leaves torch's current ``torch.set_num_threads`` setting untouched.
    """
    if n is None:
        yield
        return
    old = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(old)


def fit_with_threads(est, X, y):
    """``est._fit(X, y)`` with ``est.n_threads`` torch threads (checked: None or an int >= 1)."""
    check_param(est, "n_threads", est.n_threads is None or is_int(est.n_threads, 1),
                "None or an int >= 1")
    with torch_threads(est.n_threads):
        return est._fit(X, y)


def param_groups(net: torch.nn.Module, alpha: float) -> list[dict]:
    """Optimizer groups adding the gradient of ``alpha·Σ w²`` (weights only, not biases).

    For SGD and (non-decoupled) Adam, ``weight_decay = 2·alpha`` on the weights is exactly
    the gradient of the penalty term ``alpha·Σ_j w_j²`` of the loss (e.g. thesis Eq. 4.6).
    """
    w = [p for n, p in net.named_parameters() if n.endswith("weight")]
    b = [p for n, p in net.named_parameters() if not n.endswith("weight")]
    return [{"params": w, "weight_decay": 2.0 * float(alpha)},
            {"params": b, "weight_decay": 0.0}]


def split_indices(n: int, fraction: float, rng: np.random.Generator, min_val: int = 5,
                  stratify: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Random train/validation split; no validation set when it would be too small."""
    n_val = int(round(fraction * n))
    if fraction <= 0 or n_val < min_val or n - n_val < min_val:
        return np.arange(n), None
    if stratify is None:
        perm = rng.permutation(n)
        return np.sort(perm[n_val:]), np.sort(perm[:n_val])
    val = []
    for c in np.unique(stratify):
        idx = rng.permutation(np.flatnonzero(stratify == c))
        val.append(idx[: int(round(fraction * len(idx)))])
    val = np.sort(np.concatenate(val))
    mask = np.ones(n, bool)
    mask[val] = False
    return np.flatnonzero(mask), (val if len(val) else None)


def train(
    net: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    X: torch.Tensor,
    y: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    *,
    max_epochs: int,
    batch_size: int,
    generator: torch.Generator,
    X_val: torch.Tensor | None = None,
    y_val: torch.Tensor | None = None,
    patience: int = 10,
    tol: float = 1e-4,
    penalty: Callable[[], torch.Tensor] | None = None,
    progress: bool = False,
    desc: str = "training",
) -> dict:
    """Mini-batch training with early stopping; the best parameters are restored.

    The monitored quantity is the validation loss if a validation set is given, else the
    training loss. Training stops after ``patience`` epochs without a relative improvement
    larger than ``tol``.

    Returns:
        dict: ``{"loss": [...], "val_loss": [...], "n_epochs": int, "best_epoch": int}``.
    """
    n = X.shape[0]
    hist: dict = {"loss": [], "val_loss": []}
    best = np.inf
    best_state = copy.deepcopy(net.state_dict())
    best_epoch = 0
    bad = 0
    epochs = range(max_epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc=desc, leave=False)
    epoch = -1
    for epoch in epochs:
        net.train()
        perm = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(net(X[idx]), y[idx])
            total += float(loss.detach()) * len(idx)
            if penalty is not None:
                loss = loss + penalty()
            loss.backward()
            optimizer.step()
        hist["loss"].append(total / n)
        net.eval()
        if X_val is not None:
            with torch.no_grad():
                monitored = float(loss_fn(net(X_val), y_val))
            hist["val_loss"].append(monitored)
        else:
            monitored = hist["loss"][-1]
        if not np.isfinite(monitored):
            break
        if (not np.isfinite(best)) or monitored < best - tol * abs(best):
            best = monitored
            best_state = copy.deepcopy(net.state_dict())
            best_epoch = epoch
            bad = 0
        else:
            bad += 1
            if bad >= patience:
                break
    net.load_state_dict(best_state)
    net.eval()
    hist["n_epochs"] = epoch + 1
    hist["best_epoch"] = best_epoch
    return hist


def state_to_numpy(net: torch.nn.Module, prefix: str = "net.") -> dict[str, np.ndarray]:
    """Parameters of ``net`` as float64-preserving numpy arrays keyed by ``prefix + name``."""
    return {prefix + k: v.detach().cpu().numpy().copy() for k, v in net.state_dict().items()}


def load_numpy_state(net: torch.nn.Module, arrays: dict[str, np.ndarray],
                     prefix: str = "net.") -> None:
    """Load arrays written by :func:`state_to_numpy` (strict: names and shapes must match)."""
    state = {k[len(prefix):]: torch.from_numpy(np.array(v)) for k, v in arrays.items()
             if k.startswith(prefix)}
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as err:
        raise ValueError(f"The stored weights do not fit the network: {err}") from None


class NetClassifierMixin:
    """Shared parts of the torch classifiers (``PhaseClassifier``, ``DiffractionCNN``).

    The class provides ``_logits(X) -> (N, n_classes) torch.Tensor`` and
    ``_build_net() -> torch.nn.Module`` (from its fitted shape attributes and ``classes_``),
    and has the hyperparameters ``validation_fraction``, ``max_epochs``, ``batch_size``,
    ``patience`` and ``verbose``. This mixin adds the seeded cross-entropy training, the
    predictions and the (de)serialisation of ``classes_``, ``history_`` and ``net_``.
    """

    def _fit_net(self, Xt: torch.Tensor, yi: np.ndarray, seed: int,
                 make_optimizer: Callable[[torch.nn.Module], torch.optim.Optimizer],
                 desc: str, min_val: int = 5) -> None:
        """Build ``net_`` and train it on the cross-entropy; sets ``history_`` and ``n_iter_``.

        The numpy generator seeded with ``seed`` draws the stratified validation split, a
        torch generator seeded with ``seed`` shuffles the mini-batches, and the network is
        initialised under ``torch.manual_seed(seed)`` without touching the global torch RNG.

        Args:
            Xt ((N, ...) torch.Tensor): Prepared (scaled) inputs.
            yi ((N,) numpy.ndarray): Class indices into ``classes_``.
            seed (int): Seed from :func:`~hoomd_colloidml.models._base.check_random_seed`.
            make_optimizer (Callable): Builds the optimizer for the new network.
            desc (str): Progress-bar label.
            min_val (int): Smallest validation set (see :func:`split_indices`).
        """
        rng = np.random.default_rng(seed)
        gen = torch.Generator().manual_seed(seed)
        tr, va = split_indices(len(Xt), self.validation_fraction, rng, min_val=min_val,
                               stratify=yi)
        yt = torch.from_numpy(yi.astype(np.int64))
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.net_ = self._build_net()
        opt = make_optimizer(self.net_)
        self.history_ = train(
            self.net_, torch.nn.functional.cross_entropy, Xt[tr], yt[tr], opt,
            max_epochs=int(self.max_epochs), batch_size=int(self.batch_size), generator=gen,
            X_val=None if va is None else Xt[va], y_val=None if va is None else yt[va],
            patience=int(self.patience), progress=bool(self.verbose), desc=desc,
        )
        self.n_iter_ = self.history_["n_epochs"]

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (softmax outputs), shape ``(N, n_classes)``."""
        return torch.softmax(self._logits(X), dim=1).numpy().astype(np.float64)

    def predict(self, X) -> np.ndarray:
        """Most probable class of each sample, shape ``(N,)``."""
        idx = self._logits(X).argmax(dim=1).numpy()
        return self.classes_[idx]

    def _net_state(self, meta: dict) -> tuple[dict, dict[str, np.ndarray]]:
        """``meta`` plus the classes and history, and the network weights (for ``save``)."""
        meta = {**meta, "classes": _classes_to_json(self.classes_), "history": self.history_}
        return meta, state_to_numpy(self.net_)

    def _set_net_state(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:
        """Restore ``classes_``, ``history_``, ``n_iter_`` and ``net_`` (shape attributes first)."""
        self.classes_ = _classes_from_json(meta["classes"])
        self.history_ = meta["history"]
        self.n_iter_ = self.history_["n_epochs"]
        self.net_ = self._build_net()
        load_numpy_state(self.net_, arrays)
        self.net_.eval()
