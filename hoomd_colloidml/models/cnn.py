"""Convolutional classifier of diffraction images (thesis Ch. 7.3.2, Fig. 7.4)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from hoomd_colloidml.models import _torch
from hoomd_colloidml.models._base import (
    SavableMixin,
    check_param,
    check_random_seed,
    check_training_params,
    is_int,
    is_real,
    register_model,
)

__all__ = ["DiffractionCNN", "build_cnn"]


def build_cnn(dim: int, image_shape: tuple[int, ...], n_classes: int) -> torch.nn.Module:
    """The network of Fig. 7.4 (2D) or its 3D variant with 3D kernels.

    conv(1→9, 4×4, padding 1) → ReLU → max-pool 2 → conv(9→4, 3×3, padding 1) → ReLU →
    max-pool 2 → flatten → FC 20 → ReLU → FC ``n_classes`` (softmax in the loss / output).
    """
    Conv = torch.nn.Conv2d if dim == 2 else torch.nn.Conv3d
    Pool = torch.nn.MaxPool2d if dim == 2 else torch.nn.MaxPool3d
    features = torch.nn.Sequential(
        Conv(1, 9, kernel_size=4, stride=1, padding=1), torch.nn.ReLU(), Pool(2),
        Conv(9, 4, kernel_size=3, stride=1, padding=1), torch.nn.ReLU(), Pool(2),
        torch.nn.Flatten(),
    )
    with torch.no_grad():
        n_flat = features(torch.zeros((1, 1, *image_shape))).shape[1]
    return torch.nn.Sequential(
        features, torch.nn.Linear(n_flat, 20), torch.nn.ReLU(), torch.nn.Linear(20, n_classes)
    )


@register_model
class DiffractionCNN(_torch.NetClassifierMixin, SavableMixin, ClassifierMixin, BaseEstimator):
    """Classify phases from diffraction images S(k) (Ch. 7.3.2, architecture of Fig. 7.4).

    Trained on the cross-entropy with Adam (learning rate 1e-4 in the thesis), weight decay
    and early stopping on a stratified validation split. Images are transformed by
    ``log1p`` (if ``log_scale``) and standardized with one global mean and scale learnt at
    fit time (stored in the model file).

    Args:
        dim (int): 2 (images ``(H, W)``) or 3 (volumes ``(D, H, W)``).
        n_classes (int | None): Number of classes (None: from ``y``; if given it must match).
        learning_rate (float): Adam learning rate.
        weight_decay (float): L2 weight decay.
        batch_size (int): Mini-batch size.
        max_epochs (int): Maximum number of epochs.
        patience (int): Early-stopping patience (epochs).
        validation_fraction (float): Held-out fraction for early stopping (0 disables it).
        log_scale (bool): Apply ``log1p`` to the intensities first.
        random_state (None | int): Seed for initialisation, split and shuffling.
        descriptor_config (dict | None): Configuration of the diffraction-image describer.
        feature_names (list[str] | None): Unused for images; kept for the common interface.
        verbose (bool): Progress bar.

    Attributes:
        classes_ ((n_classes,) numpy.ndarray): Class labels.
        image_shape_ (tuple[int, ...]): Shape of one image.
        history_ (dict): Losses per epoch.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> X = rng.random((20, 8, 8)); X[10:, 4, 4] += 50.0
        >>> y = np.r_[[0] * 10, [1] * 10]
        >>> cnn = DiffractionCNN(learning_rate=1e-2, max_epochs=30, validation_fraction=0,
        ...                      random_state=0).fit(X, y)
        >>> float(cnn.score(X, y))
        1.0
    """

    def __init__(
        self,
        dim=2,
        n_classes=None,
        learning_rate=1e-4,
        weight_decay=1e-4,
        batch_size=32,
        max_epochs=200,
        patience=10,
        validation_fraction=0.15,
        log_scale=True,
        random_state=None,
        descriptor_config=None,
        feature_names=None,
        verbose=False,
    ):
        self.dim = dim
        self.n_classes = n_classes
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.log_scale = log_scale
        self.random_state = random_state
        self.descriptor_config = descriptor_config
        self.feature_names = feature_names
        self.verbose = verbose

    def _check_params(self) -> None:
        check_param(self, "dim", self.dim in (2, 3) and is_int(self.dim), "2 or 3")
        check_param(self, "n_classes", self.n_classes is None or is_int(self.n_classes, 2),
                    "None or an int >= 2")
        check_param(self, "learning_rate", is_real(self.learning_rate) and self.learning_rate > 0,
                    "a float > 0")
        check_param(self, "weight_decay", is_real(self.weight_decay, 0.0), "a float >= 0")
        check_training_params(self)
        check_param(self, "log_scale", isinstance(self.log_scale, (bool, np.bool_)), "a bool")

    def _images(self, X, reset: bool) -> np.ndarray:
        """Validate images: ``(N, *shape)`` or ``(N, 1, *shape)`` with ``len(shape) == dim``."""
        X = np.asarray(X)
        if X.dtype.kind not in "fiub":
            raise TypeError(f"Images must be numeric; got dtype {X.dtype}.")
        X = X.astype(np.float64, copy=False)
        nd = int(self.dim)
        if X.ndim == nd + 2 and X.shape[1] == 1:
            X = X[:, 0]
        if X.ndim != nd + 1:
            raise ValueError(
                f"DiffractionCNN(dim={nd}) expects images of shape (N, {'D, ' if nd == 3 else ''}"
                f"H, W) or (N, 1, ...); got an array of shape {X.shape}."
            )
        if len(X) == 0:
            raise ValueError("Found an empty array of images; at least 1 is required.")
        if not np.all(np.isfinite(X)):
            raise ValueError("Images contain NaN or infinity.")
        if self.log_scale and np.any(X < 0):
            raise ValueError("Diffraction intensities must be >= 0 with log_scale=True.")
        if min(X.shape[1:]) < 4:
            raise ValueError(f"Images must be at least 4 pixels per side; got {X.shape[1:]}.")
        if not reset and tuple(X.shape[1:]) != tuple(self.image_shape_):
            raise ValueError(
                f"Images have shape {X.shape[1:]}, but DiffractionCNN was fitted on images of "
                f"shape {tuple(self.image_shape_)}."
            )
        return X

    def _prep(self, X: np.ndarray) -> torch.Tensor:
        Z = np.log1p(X) if self.log_scale else X
        Z = (Z - self.mean_) / self.scale_
        return torch.from_numpy(Z.astype(np.float32)).unsqueeze(1)

    def fit(self, X, y):
        """Train the CNN.

        Args:
            X ((N, H, W) or (N, D, H, W) array_like): Diffraction images.
            y ((N,) array_like): Phase labels.

        Returns:
            DiffractionCNN: self.
        """
        self._check_params()
        X = self._images(X, reset=True)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(X):
            raise ValueError(f"y must have shape ({len(X)},); got {y.shape}.")
        check_classification_targets(y)
        self.classes_, yi = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("DiffractionCNN needs at least 2 classes in y to train; got 1.")
        if self.n_classes is not None and int(self.n_classes) != len(self.classes_):
            raise ValueError(
                f"n_classes={self.n_classes} but y contains {len(self.classes_)} classes."
            )
        self.image_shape_ = tuple(int(s) for s in X.shape[1:])
        self.n_features_in_ = int(np.prod(self.image_shape_))
        Z = np.log1p(X) if self.log_scale else X
        self.mean_ = float(Z.mean())
        sd = float(Z.std())
        self.scale_ = sd if sd > 0 else 1.0
        seed = check_random_seed(self.random_state)
        self._fit_net(
            self._prep(X), yi, seed,
            lambda net: torch.optim.Adam(net.parameters(), lr=float(self.learning_rate),
                                         weight_decay=float(self.weight_decay)),
            desc="DiffractionCNN", min_val=3,
        )
        return self

    def _build_net(self) -> torch.nn.Module:
        return build_cnn(int(self.dim), self.image_shape_, len(self.classes_))

    def _logits(self, X) -> torch.Tensor:
        check_is_fitted(self)
        X = self._images(X, reset=False)
        with torch.no_grad():
            return self.net_(self._prep(X))

    # ---- persistence (classes, history and weights: _torch.NetClassifierMixin)
    def _get_state(self):
        return self._net_state({
            "image_shape": list(self.image_shape_),
            "scaling": {"mean": self.mean_, "scale": self.scale_},
        })

    def _set_state(self, meta, arrays):
        self.image_shape_ = tuple(int(s) for s in meta["image_shape"])
        self.n_features_in_ = int(np.prod(self.image_shape_))
        self.mean_ = float(meta["scaling"]["mean"])
        self.scale_ = float(meta["scaling"]["scale"])
        self._set_net_state(meta, arrays)
