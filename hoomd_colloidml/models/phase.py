"""Supervised classification of local environments (thesis Ch. 3.3): softmax network or MLP."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

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

__all__ = ["PhaseClassifier"]

_ACTIVATIONS = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}


def build_mlp(d_in: int, hidden: tuple[int, ...], d_out: int, activation: str) -> torch.nn.Module:
    """``Linear → act → … → Linear`` (no hidden layer: a single linear layer)."""
    layers: list[torch.nn.Module] = []
    prev = d_in
    for h in hidden:
        layers += [torch.nn.Linear(prev, h), _ACTIVATIONS[activation]()]
        prev = h
    layers.append(torch.nn.Linear(prev, d_out))
    return torch.nn.Sequential(*layers)


def standardize_fit(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and scale (std, or 1 for constant columns) of the columns of ``X``."""
    mean = X.mean(axis=0)
    sd = X.std(axis=0)
    return mean, np.where(sd > 0, sd, 1.0)


class GroupMaskedNet(torch.nn.Module):
    """``inner`` network whose logits are masked per group: a row of group ``g`` can only get
    the classes with ``allowed[g]``; the last input column holds the group index ``g``."""

    def __init__(self, inner: torch.nn.Module, allowed: np.ndarray):
        super().__init__()
        self.inner = inner
        self.register_buffer("allowed", torch.from_numpy(np.asarray(allowed, dtype=bool)),
                             persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logits = self.inner(x[:, :-1])
        return logits.masked_fill(~self.allowed[x[:, -1].long()], float("-inf"))


def group_values(column: np.ndarray, where: str) -> np.ndarray:
    """Integer group of each row from a float column (integral values only), or an error."""
    col = np.asarray(column, dtype=np.float64)
    if not np.all(col == np.round(col)):
        raise ValueError(
            f"The group column of {where} must hold integers (e.g. particle type ids); got "
            f"non-integral values such as {col[col != np.round(col)][0]!r}."
        )
    return col.astype(np.int64)


@register_model
class PhaseClassifier(_torch.NetClassifierMixin, SavableMixin, ClassifierMixin, BaseEstimator):
    """Classify local environments (crystal phases, fluid) from descriptor vectors.

    ``hidden=()`` is the single-layer network of Ch. 3.3: the standardized inputs feed one
    linear layer with a softmax output, trained on the cross-entropy; ``hidden=(h, ...)``
    inserts hidden layers (an MLP). Adam, mini-batches, an L2 penalty ``alpha·Σw²`` on the
    weights, and early stopping on a stratified validation split.

    With ``group_column`` set, that column of ``X`` holds an integer group of each row
    (for binary mixtures: the particle's species) and is not an input of the network; a row
    of group ``g`` can only receive the classes seen with group ``g`` in the training data
    (the softmax runs over those classes only, in training and in prediction). For the
    binary crystals of Ch. 3.4 this is "a large particle is never labelled *AlB2 small*":
    the network still sees only the bond-order vector, and shared labels (fluid, FCC) keep
    one weight vector for both species.

    Args:
        hidden (tuple[int, ...]): Hidden layer widths; ``()`` for the softmax network.
        activation (str): Hidden activation, "tanh", "relu" or "sigmoid".
        alpha (float): L2 weight-decay coefficient.
        learning_rate (float): Adam learning rate.
        batch_size (int): Mini-batch size.
        max_epochs (int): Maximum number of epochs.
        validation_fraction (float): Fraction held out for early stopping (0 disables it).
        patience (int): Epochs without improvement before stopping.
        random_state (None | int): Seed for initialisation, split and shuffling.
        group_column (None | int): Column of ``X`` with the integer group of each row
            (e.g. the particle type, ``-1`` for the last column), or None.
        descriptor_config (dict | None): Configuration of the describer that made ``X``.
        feature_names (list[str] | None): Names of the ``d`` input features.
        n_threads (int | None): Torch threads used inside ``fit`` (the previous setting is
            restored afterwards); ``None`` uses torch's current ``torch.set_num_threads``
            setting. These networks are tiny, so one thread is fastest (on the shared 2-core
            machine, 2 threads made the autoencoder training ~17x slower).
        verbose (bool): Show a progress bar.

    Attributes:
        classes_ ((n_classes,) numpy.ndarray): Class labels.
        mean_, scale_ ((d,) numpy.ndarray): Input standardization (without the group
            column).
        groups_ ((n_groups,) numpy.ndarray): Group values seen in training (with
            ``group_column``).
        allowed_ ((n_groups, n_classes) numpy.ndarray): Classes each group can receive.
        history_ (dict): Training and validation loss per epoch.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> X = np.r_[rng.normal(0, 1, (100, 3)), rng.normal(4, 1, (100, 3))]
        >>> y = np.r_[["fluid"] * 100, ["fcc"] * 100]
        >>> clf = PhaseClassifier(random_state=0, max_epochs=50).fit(X, y)
        >>> clf.predict([[4.0, 4.0, 4.0]]).tolist()
        ['fcc']
    """

    def __init__(
        self,
        hidden=(),
        activation="tanh",
        alpha=1e-5,
        learning_rate=1e-2,
        batch_size=256,
        max_epochs=200,
        validation_fraction=0.1,
        patience=10,
        random_state=None,
        group_column=None,
        descriptor_config=None,
        feature_names=None,
        n_threads=1,
        verbose=False,
    ):
        self.hidden = hidden
        self.activation = activation
        self.alpha = alpha
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.random_state = random_state
        self.group_column = group_column
        self.descriptor_config = descriptor_config
        self.feature_names = feature_names
        self.n_threads = n_threads
        self.verbose = verbose

    def _check_params(self) -> tuple[int, ...]:
        h = self.hidden
        ok = isinstance(h, (tuple, list)) and all(is_int(v, 1) for v in h)
        check_param(self, "hidden", ok, "a tuple of ints >= 1 (() for the softmax network)")
        check_param(self, "activation", self.activation in _ACTIVATIONS,
                    f"one of {sorted(_ACTIVATIONS)}")
        check_param(self, "alpha", is_real(self.alpha, 0.0), "a float >= 0")
        check_param(self, "learning_rate", is_real(self.learning_rate) and self.learning_rate > 0,
                    "a float > 0")
        check_training_params(self)
        check_param(self, "group_column", self.group_column is None or is_int(self.group_column),
                    "None or an int (a column index of X)")
        return tuple(int(v) for v in h)

    def _build_net(self) -> torch.nn.Module:
        grouped = getattr(self, "allowed_", None) is not None
        net = build_mlp(self.n_features_in_ - int(grouped), tuple(int(v) for v in self.hidden),
                        len(self.classes_), self.activation)
        return GroupMaskedNet(net, self.allowed_) if grouped else net

    def _group_index(self, n_columns: int) -> int | None:
        """The group column as a non-negative index, or None (checked against ``X``)."""
        if self.group_column is None:
            return None
        c = int(self.group_column)
        if not -n_columns <= c < n_columns or n_columns < 2:
            raise ValueError(
                f"The 'group_column' parameter of {type(self).__name__} must index a column "
                f"of X besides at least one feature; got {c} for X with {n_columns} columns."
            )
        return c % n_columns

    def _split_groups(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(feature columns, integer group of each row or None)."""
        c = self._group_index(X.shape[1])
        if c is None:
            return X, None
        return np.delete(X, c, axis=1), group_values(X[:, c], type(self).__name__)

    def _inputs(self, F: np.ndarray, g: np.ndarray | None) -> torch.Tensor:
        """Scaled features (+ the group index as last column) as a float32 tensor."""
        Z = ((F - self.mean_) / self.scale_).astype(np.float32)
        if g is None:
            return torch.from_numpy(Z)
        known = np.isin(g, self.groups_)
        if not known.all():
            raise ValueError(
                f"Group {int(g[~known][0])} of the group column was not in the training data "
                f"of {type(self).__name__}; known groups: {self.groups_.tolist()}."
            )
        gi = np.searchsorted(self.groups_, g).astype(np.float32)
        return torch.from_numpy(np.column_stack([Z, gi]))

    def fit(self, X, y):
        """Fit the model with ``n_threads`` torch threads; see :meth:`_fit` for the steps."""
        return _torch.fit_with_threads(self, X, y)

    def _fit(self, X, y):
        """Train the network.

        Args:
            X ((N, d) array_like): Descriptor vectors (e.g. averaged bond-order vectors).
            y ((N,) array_like): Class labels.

        Returns:
            PhaseClassifier: self.

        Raises:
            ValueError: NaN/inf in ``X``, fewer than two classes, invalid parameters.
        """
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, yi = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                "PhaseClassifier needs at least 2 classes in y to train; got 1 class "
                f"({self.classes_[0]!r})."
            )
        self.feature_names_ = resolve_feature_names(self, X.shape[1])
        F, g = self._split_groups(X)
        self.groups_, self.allowed_ = None, None
        if g is not None:
            self.groups_ = np.unique(g)
            self.allowed_ = np.zeros((len(self.groups_), len(self.classes_)), dtype=bool)
            self.allowed_[np.searchsorted(self.groups_, g), yi] = True
        self.mean_, self.scale_ = standardize_fit(F)
        seed = check_random_seed(self.random_state)
        Xt = self._inputs(F, g)
        self._fit_net(
            Xt, yi, seed,
            lambda net: torch.optim.Adam(_torch.param_groups(net, self.alpha),
                                         lr=float(self.learning_rate)),
            desc="PhaseClassifier",
        )
        return self

    def _logits(self, X) -> torch.Tensor:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Xt = self._inputs(*self._split_groups(X))
        with torch.no_grad():
            return self.net_(Xt)

    # ---- persistence (classes, history and weights: _torch.NetClassifierMixin)
    def _get_state(self):
        meta = {
            "n_features_in": int(self.n_features_in_),
            "scaling": {"mean": self.mean_.tolist(), "scale": self.scale_.tolist()},
        }
        if getattr(self, "allowed_", None) is not None:
            meta["groups"] = {"values": self.groups_.tolist(),
                              "allowed": self.allowed_.astype(int).tolist()}
        return self._net_state(meta)

    def _set_state(self, meta, arrays):
        self.n_features_in_ = int(meta["n_features_in"])
        self.mean_ = np.asarray(meta["scaling"]["mean"], dtype=np.float64)
        self.scale_ = np.asarray(meta["scaling"]["scale"], dtype=np.float64)
        groups = meta.get("groups")
        self.groups_ = None if groups is None else np.asarray(groups["values"], dtype=np.int64)
        self.allowed_ = None if groups is None else np.asarray(groups["allowed"], dtype=bool)
        if (self.allowed_ is None) != (self.group_column is None):
            raise ValueError("model.json: 'groups' and the 'group_column' parameter disagree.")
        self._set_net_state(meta, arrays)
