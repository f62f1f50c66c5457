"""Shared machinery of the models: input validation, JSON encoding and safe model files.

A saved model is a directory with

- ``model.json``: format tag, class name, package version, hyperparameters
  (:meth:`get_params`), fitted metadata (classes, feature names, scaling, descriptor
  configuration), the SHA-256 of every weight file, and a SHA-256 of its own canonical
  content (so edits and truncation are detected);
- ``weights.safetensors``: every fitted array (network weights, coefficients, ...).

Nothing is ever pickled or unpickled: :func:`load` refuses directories that contain
pickle-like files (``.pkl``, ``.pickle``, ``.pt``, ``.pth``, ``.joblib``, ...), verifies the
checksums before reading any weights and reads them with :mod:`safetensors` only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["ModelFileError", "SavableMixin", "load", "check_random_seed", "register_model"]

FORMAT = "hoomd-colloidml-model"
FORMAT_VERSION = 1
WEIGHTS_FILE = "weights.safetensors"
PICKLE_SUFFIXES = (".pkl", ".pickle", ".pt", ".pth", ".joblib", ".ckpt", ".dill", ".npy")

#: class name -> class; filled by :func:`register_model`.
MODEL_CLASSES: dict[str, type] = {}


class ModelFileError(ValueError):
    """A model directory is missing, unsafe, corrupted or tampered with."""


def register_model(cls: type) -> type:
    """Class decorator: make ``cls`` loadable by :func:`load`."""
    MODEL_CLASSES[cls.__name__] = cls
    return cls


def check_random_seed(random_state: Any) -> int:
    """Turn a scikit-learn ``random_state`` into one integer seed (for torch and numpy).

    Args:
        random_state (None | int | numpy.random.RandomState): sklearn-style random state.

    Returns:
        int: A seed in ``[0, 2**31)``; deterministic for an int ``random_state``.
    """
    from sklearn.utils import check_random_state

    return int(check_random_state(random_state).randint(0, 2**31 - 1))


# --------------------------------------------------------------------------- JSON encoding
def _encode(value: Any) -> Any:
    """Encode hyperparameters to JSON (tuples and nested estimators are tagged)."""
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v) for v in value]}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": value.dtype.str}
    if hasattr(value, "get_params") and type(value).__name__ in MODEL_CLASSES:
        return {"__estimator__": type(value).__name__, "params": _encode(value.get_params(False))}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(
        f"Cannot store a parameter of type {type(value).__name__} in model.json; "
        "parameters must be JSON values, tuples, arrays or hoomd_colloidml estimators."
    )


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(_decode(v) for v in value["__tuple__"])
        if "__array__" in value:
            return np.asarray(value["__array__"], dtype=np.dtype(value["dtype"]))
        if "__estimator__" in value:
            cls = MODEL_CLASSES.get(value["__estimator__"])
            if cls is None:
                raise ModelFileError(f"Unknown nested estimator {value['__estimator__']!r}.")
            return cls(**_decode(value["params"]))
        return {k: _decode(v) for k, v in value.items()}
    return value


def _canonical(doc: dict) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _classes_to_json(classes: np.ndarray) -> dict:
    classes = np.asarray(classes)
    if classes.dtype.kind in "iub":
        return {"values": [int(c) for c in classes], "dtype": classes.dtype.str}
    if classes.dtype.kind == "f":
        return {"values": [float(c) for c in classes], "dtype": classes.dtype.str}
    return {"values": [str(c) for c in classes], "dtype": "str"}


def _classes_from_json(doc: dict) -> np.ndarray:
    if doc["dtype"] == "str":
        return np.asarray(doc["values"], dtype=object)
    return np.asarray(doc["values"], dtype=np.dtype(doc["dtype"]))


# --------------------------------------------------------------------------- mixin
class SavableMixin:
    """Adds :meth:`save` and :attr:`descriptor` to an estimator.

    Subclasses implement ``_get_state() -> (meta: dict, arrays: dict[str, ndarray])`` and
    ``_set_state(meta, arrays)``. ``descriptor_config`` and ``feature_names`` are
    constructor parameters of every model.
    """

    @property
    def descriptor(self):
        """The describer rebuilt from ``descriptor_config`` (see :mod:`freud_ext.describe`).

        Raises:
            ValueError: The model has no descriptor configuration.
        """
        if getattr(self, "descriptor_config", None) is None:
            raise ValueError(
                f"This {type(self).__name__} has no descriptor_config; pass the describer's "
                "get_config() as descriptor_config=... when constructing the model."
            )
        from freud_ext.describe import from_config

        return from_config(self.descriptor_config)

    def _get_state(self) -> tuple[dict, dict[str, np.ndarray]]:  # pragma: no cover
        raise NotImplementedError

    def _set_state(self, meta: dict, arrays: dict[str, np.ndarray]) -> None:  # pragma: no cover
        raise NotImplementedError

    def save(self, directory: str | os.PathLike) -> Path:
        """Write the fitted model to ``directory`` atomically (JSON + safetensors).

        An existing model directory at that path is replaced; any other existing
        non-empty directory is refused.

        Args:
            directory (str | os.PathLike): Target directory.

        Returns:
            pathlib.Path: The directory written.

        Raises:
            sklearn.exceptions.NotFittedError: The model is not fitted.
            FileExistsError: ``directory`` exists, is not empty and is not a model directory.
        """
        from safetensors.numpy import save_file

        import hoomd_colloidml

        check_is_fitted(self)
        directory = Path(directory)
        if directory.exists() and (
            not directory.is_dir()
            or (any(directory.iterdir()) and not (directory / "model.json").exists())
        ):
            raise FileExistsError(
                f"{directory} exists and is not a model directory; refusing to overwrite it."
            )
        meta, arrays = self._get_state()
        arrays = {k: np.ascontiguousarray(v) for k, v in arrays.items()}
        directory.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
        try:
            save_file(arrays, str(tmp / WEIGHTS_FILE), metadata={"format": FORMAT})
            doc = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "class": type(self).__name__,
                "package_version": hoomd_colloidml.__version__,
                "params": _encode(self.get_params(deep=False)),
                "descriptor_config": _encode(getattr(self, "descriptor_config", None)),
                "feature_names": _encode(
                    list(getattr(self, "feature_names_", None) or [])
                    if getattr(self, "feature_names_", None) is not None
                    else None
                ),
                "state": _encode(meta),
                "weights": {WEIGHTS_FILE: _sha256(tmp / WEIGHTS_FILE)},
            }
            doc["json_sha256"] = hashlib.sha256(_canonical(doc)).hexdigest()
            with open(tmp / "model.json", "w") as fh:
                json.dump(doc, fh, indent=1, sort_keys=True, allow_nan=False)
                fh.flush()
                os.fsync(fh.fileno())
            old = None
            if directory.exists():
                old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
                os.replace(directory, old)
            os.replace(tmp, directory)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return directory


# --------------------------------------------------------------------------- loading
def load(directory: str | os.PathLike):
    """Load a model saved with ``model.save(directory)``, safely.

    The directory is refused if it contains any pickle-like file; ``model.json`` must be
    intact (its own SHA-256 matches) and every weight file must match the SHA-256 recorded
    in it before it is read (with :mod:`safetensors`, never with pickle).

    Args:
        directory (str | os.PathLike): A model directory.

    Returns:
        The fitted estimator.

    Raises:
        ModelFileError: (a ``ValueError``) missing, unsafe, truncated or tampered files.

    Example:
        >>> import numpy as np, tempfile
        >>> from hoomd_colloidml.models import ForwardSelector, load
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(50, 3)); y = X[:, 1] + 0.1 * rng.normal(size=50)
        >>> fs = ForwardSelector().fit(X, y)
        >>> d = tempfile.mkdtemp()
        >>> load(fs.save(d + "/fs")).selected_.tolist()[0]
        1
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    directory = Path(directory)
    if not directory.is_dir():
        raise ModelFileError(f"{directory} is not a model directory (it does not exist).")
    bad = sorted(p.name for p in directory.rglob("*") if p.suffix.lower() in PICKLE_SUFFIXES)
    if bad:
        raise ModelFileError(
            f"Refusing to load {directory}: it contains pickle-like files {bad}; model "
            "directories hold only model.json and safetensors weights."
        )
    jpath = directory / "model.json"
    if not jpath.is_file():
        raise ModelFileError(f"{directory} has no model.json.")
    try:
        doc = json.loads(jpath.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ModelFileError(
            f"model.json in {directory} is not valid JSON (truncated or corrupted): {err}"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(f"model.json in {directory} is not a {FORMAT} file.")
    recorded = doc.pop("json_sha256", None)
    try:
        actual = hashlib.sha256(_canonical(doc)).hexdigest()
    except (TypeError, ValueError):
        actual = None
    if recorded is None or recorded != actual:
        raise ModelFileError(
            f"model.json in {directory} was modified or corrupted: its SHA-256 does not match "
            "the recorded json_sha256."
        )
    if doc.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(f"Unsupported model format version {doc.get('format_version')!r}.")
    cls = MODEL_CLASSES.get(doc.get("class"))
    if cls is None:
        raise ModelFileError(
            f"Unknown model class {doc.get('class')!r}; expected one of {sorted(MODEL_CLASSES)}."
        )
    weights = doc.get("weights")
    if not isinstance(weights, dict) or WEIGHTS_FILE not in weights:
        raise ModelFileError("model.json does not list its weight file.")
    arrays: dict[str, np.ndarray] = {}
    for name, digest in weights.items():
        wpath = directory / name
        if Path(name).name != name or not wpath.is_file():
            raise ModelFileError(f"Weight file {name!r} listed in model.json is missing.")
        if _sha256(wpath) != digest:
            raise ModelFileError(
                f"Weight file {name} in {directory} was modified or truncated: its SHA-256 does "
                "not match the one recorded in model.json."
            )
        try:
            arrays.update(load_file(str(wpath)))
        except (SafetensorError, OSError, ValueError) as err:  # pragma: no cover
            raise ModelFileError(f"Cannot read weight file {name}: {err}") from None
    params = _decode(doc["params"])
    est = cls(**params)
    est._set_state(_decode(doc["state"]), arrays)
    fn = doc.get("feature_names")
    est.feature_names_ = None if fn is None else [str(f) for f in fn]
    return est


def resolve_feature_names(est: Any, n_features: int) -> list[str] | None:
    """The fitted ``feature_names_``: the ``feature_names`` parameter, else DataFrame columns.

    Raises:
        ValueError: ``feature_names`` does not have one name per feature.
    """
    names = getattr(est, "feature_names", None)
    if names is None:
        cols = getattr(est, "feature_names_in_", None)
        return None if cols is None else [str(c) for c in cols]
    if isinstance(names, str) or len(names) != n_features:
        raise ValueError(
            f"The 'feature_names' parameter of {type(est).__name__} must be a list of "
            f"{n_features} names (one per feature). Got {names!r} instead."
        )
    return [str(n) for n in names]


def check_param(est: Any, name: str, ok: bool, expected: str) -> None:
    """Raise the scikit-learn style error for an invalid constructor parameter."""
    if not ok:
        value = getattr(est, name)
        raise ValueError(
            f"The '{name}' parameter of {type(est).__name__} must be {expected}. "
            f"Got {value!r} instead."
        )


def check_training_params(est: Any) -> None:
    """Check the mini-batch training parameters shared by the network models.

    ``batch_size``, ``max_epochs`` and ``patience`` must be ints >= 1 and
    ``validation_fraction`` a float in [0, 1); the errors are those of :func:`check_param`.
    """
    check_param(est, "batch_size", is_int(est.batch_size, 1), "an int >= 1")
    check_param(est, "max_epochs", is_int(est.max_epochs, 1), "an int >= 1")
    check_param(est, "patience", is_int(est.patience, 1), "an int >= 1")
    check_param(est, "validation_fraction",
                is_real(est.validation_fraction, 0.0) and est.validation_fraction < 1,
                "a float in [0, 1)")


def is_int(value: Any, low: int | None = None) -> bool:
    """True for a (non-bool) integer ``>= low``."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    return ok and (low is None or value >= low)


def is_real(value: Any, low: float | None = None, high: float | None = None) -> bool:
    """True for a finite real number in ``[low, high]``."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not ok or not np.isfinite(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)
