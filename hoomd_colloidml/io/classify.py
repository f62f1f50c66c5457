"""Apply a saved model or a descriptor to systems and trajectories (HOOMD-free core).

:class:`OnTheFlyClassifier` is the engine-independent work behind
:class:`hoomd_colloidml.hoomd.ClassifyEnvironments` and ``colloidml classify``: both
call the same :meth:`OnTheFlyClassifier.compute`, so labels written during a HOOMD
run equal the labels computed afterwards from the same frames.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import freud
import numpy as np

from hoomd_colloidml.clustering import DEFAULT_NEIGHBORS, largest_cluster
from hoomd_colloidml.io.trajectory import iter_frames
from hoomd_colloidml.io.writer import write_with_logs
from hoomd_colloidml.system import System

__all__ = [
    "OnTheFlyClassifier",
    "load_model",
    "ModelMismatchError",
    "classify_trajectory",
    "describe_trajectory",
    "model_dimensions",
]


class ModelMismatchError(ValueError):
    """A model does not fit the data it is applied to (dimensions or features)."""


def model_dimensions(model: Any) -> int | None:
    """Dimensionality (2 or 3) a model was trained for, when it records one.

    Looks at ``model.dimensions_``, then the ``"dimensions"`` key of the model's
    descriptor configuration (``colloidml train`` records it there).
    """
    dims = getattr(model, "dimensions_", None)
    cfg = getattr(model, "descriptor_config", None)
    if dims is None and isinstance(cfg, dict):
        dims = cfg.get("dimensions")
    return None if dims is None else int(dims)


#: Written next to model.json by ``colloidml train``: training dimensionality and sources.
SIDECAR = "colloidml.json"


def load_model(directory: str | os.PathLike) -> Any:
    """Load a model directory (:func:`hoomd_colloidml.models.load`) plus its sidecar.

    When ``colloidml train`` wrote the model, ``colloidml.json`` records the training
    dimensionality, which becomes ``model.dimensions_`` so that 2D data is refused by a
    3D model (and vice versa).

    Raises:
        ValueError: Unsafe, corrupt or missing model files, or a corrupt sidecar.
    """
    from hoomd_colloidml.models import load

    model = load(directory)
    side = Path(directory) / SIDECAR
    if side.is_file() and getattr(model, "dimensions_", None) is None:
        try:
            dims = json.loads(side.read_text())["dimensions"]
            model.dimensions_ = None if dims is None else int(dims)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{side} is not a valid colloidml sidecar: {exc}") from None
    return model


def _describe(describer: Any, system: System) -> tuple[np.ndarray, list[str]]:
    features, names = describer.describe(system, system.typeid)
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[0] != system.N:
        raise ModelMismatchError(
            f"The descriptor returned features of shape {features.shape}; expected "
            f"({system.N}, D)."
        )
    return features, [str(n) for n in names]


class OnTheFlyClassifier:
    """Describe a system with a model's own descriptor, classify every particle.

    Args:
        model: A fitted :mod:`hoomd_colloidml.models` estimator with a
            ``descriptor_config`` (``model.descriptor`` rebuilds the describer),
            ``predict`` and optionally ``predict_proba`` and ``classes_``.
        cluster_class: Class (a value of ``model.classes_``) whose largest connected
            cluster is measured, or None to skip it.
        cluster_neighbors: Neighbours for the cluster: a dict of freud query arguments;
            None uses the describer's ``nlist`` when it exposes one after
            ``describe`` and :data:`~hoomd_colloidml.clustering.DEFAULT_NEIGHBORS`
            otherwise.

    Attributes (after :meth:`compute`):
        labels ((N,) numpy.ndarray): int32 index into :attr:`classes` of each particle.
        probabilities ((N, C) numpy.ndarray): Class membership probabilities (float64),
            or None when the model has no ``predict_proba``.
        fractions ((C,) numpy.ndarray): Fraction of particles in each class.
        largest_cluster (int): Size of the largest cluster of ``cluster_class`` (-1
            when ``cluster_class`` is None).
        classes (numpy.ndarray): The model's classes.

    Example:
        >>> import numpy as np
        >>> from freud_ext.order import BondOrderDescriptor
        >>> from hoomd_colloidml.lattice import crystal
        >>> class Q6Model:  # any fitted model with a descriptor, predict and classes_
        ...     descriptor = BondOrderDescriptor(l=[6])
        ...     classes_ = np.array(["fluid", "crystal"])
        ...     def predict(self, X):
        ...         return np.where(X[:, 0] > 0.4, "crystal", "fluid")
        >>> clf = OnTheFlyClassifier(Q6Model(), cluster_class="crystal")
        >>> clf = clf.compute(crystal("fcc", 3, 0.55))
        >>> clf.fractions.tolist(), clf.largest_cluster
        ([0.0, 1.0], 108)
    """

    def __init__(
        self,
        model: Any,
        cluster_class: Any = None,
        cluster_neighbors: dict | None = None,
    ) -> None:
        if not hasattr(model, "predict"):
            raise TypeError(
                f"model must be a fitted hoomd_colloidml model with predict(); got "
                f"{type(model).__name__}."
            )
        self.model = model
        self.describer = model.descriptor
        self.classes = self._classes(model)
        self.cluster_class = cluster_class
        if cluster_class is not None:
            hits = np.flatnonzero(np.asarray(self.classes, dtype=object) == cluster_class)
            if len(hits) == 0:
                raise ValueError(
                    f"cluster_class {cluster_class!r} is not one of the model's classes "
                    f"{list(self.classes)}."
                )
            self._cluster_index = int(hits[0])
        if cluster_neighbors is not None and not isinstance(cluster_neighbors, dict):
            raise TypeError("cluster_neighbors must be a dict of freud query arguments or None.")
        self.cluster_neighbors = cluster_neighbors
        self.dimensions = model_dimensions(model)
        names = getattr(model, "feature_names_", None)
        self.feature_names = None if names is None else [str(n) for n in names]
        self.n_features = getattr(model, "n_features_in_", None)

    @staticmethod
    def _classes(model: Any) -> np.ndarray:
        classes = getattr(model, "classes_", None)
        if classes is None:
            n = getattr(model, "n_classes_", None) or getattr(model, "n_components_", None)
            if n is None:
                raise ValueError(
                    f"{type(model).__name__} has neither classes_ nor n_classes_; it is not "
                    "a fitted classifier."
                )
            classes = np.arange(int(n))
        return np.asarray(classes)

    def __repr__(self) -> str:
        return (
            f"OnTheFlyClassifier(model={type(self.model).__name__}(...), "
            f"cluster_class={self.cluster_class!r}, cluster_neighbors={self.cluster_neighbors!r})"
        )

    def check(self, system: System, names: list[str] | None = None, n_features: int = -1):
        """Raise :class:`ModelMismatchError` when the system or features do not fit."""
        if self.dimensions is not None and system.dimensions != self.dimensions:
            raise ModelMismatchError(
                f"The model was trained on {self.dimensions}D systems; got a "
                f"{system.dimensions}D system."
            )
        if names is None:
            return
        if self.feature_names is not None and names != self.feature_names:
            diff = next(
                (f"{a!r} vs {b!r}" for a, b in zip(names, self.feature_names) if a != b),
                f"{len(names)} vs {len(self.feature_names)} features",
            )
            raise ModelMismatchError(
                "The model's descriptor produces features that differ from those it was "
                f"trained on ({diff}); the model directory belongs to another descriptor."
            )
        if self.n_features is not None and n_features != int(self.n_features):
            raise ModelMismatchError(
                f"The descriptor produced {n_features} features; the model expects "
                f"{int(self.n_features)}."
            )

    def compute(self, system: System) -> OnTheFlyClassifier:
        """Describe and classify ``system``; returns self."""
        if not isinstance(system, System):
            system = System(*_system_args(system))
        self.check(system)
        X, names = _describe(self.describer, system)
        self.check(system, names, X.shape[1])
        if not np.all(np.isfinite(X)):
            bad = int((~np.isfinite(X).all(axis=1)).sum())
            raise ValueError(f"The descriptor gave NaN/inf features for {bad} particle(s).")
        pred = np.asarray(self.model.predict(X))
        lookup = {c: k for k, c in enumerate(self.classes.tolist())}
        try:
            labels = np.fromiter((lookup[c] for c in pred.tolist()), np.int32, len(pred))
        except KeyError as exc:
            raise ValueError(f"The model predicted {exc}, which is not in classes_.") from None
        proba = None
        if hasattr(self.model, "predict_proba"):
            proba = np.asarray(self.model.predict_proba(X), dtype=np.float64)
        self.labels = labels
        self.probabilities = proba
        self.fractions = np.bincount(labels, minlength=len(self.classes)) / len(labels)
        self.largest_cluster = -1
        self.cluster_members = np.zeros(0, dtype=np.int64)
        if self.cluster_class is not None:
            nb = self.cluster_neighbors
            if nb is None:
                nl = getattr(self.describer, "nlist", None)
                nb = nl if isinstance(nl, freud.locality.NeighborList) else DEFAULT_NEIGHBORS
            size, members = largest_cluster(system, labels == self._cluster_index, nb)
            self.largest_cluster = size
            self.cluster_members = members
        return self

    def results(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """``(per_particle, per_frame)`` arrays under their GSD log names."""
        part = {"labels": self.labels}
        if self.probabilities is not None:
            part["probabilities"] = self.probabilities
        frame = {"fractions": self.fractions}
        if self.cluster_class is not None:
            frame["largest_cluster"] = np.array([self.largest_cluster], dtype=np.int64)
        return part, frame


def _system_args(system: Any):
    from freud_ext.util import normalize_system

    d = normalize_system(system)
    typeid = d.typeid if d.typeid is not None else None
    types = list(d.types) if d.types is not None else ["A"]
    return d.box, d.points, typeid, types


def classify_trajectory(
    source: str | os.PathLike,
    model: Any,
    destination: str | os.PathLike,
    frames: str | Sequence[int] | None = None,
    *,
    cluster_class: Any = None,
    cluster_neighbors: dict | None = None,
    overwrite: bool = False,
    progress: bool = False,
) -> Path:
    """Classify every particle of the selected frames; write a new labelled GSD file.

    Writes ``log/particles/colloidml/labels`` (int32 index into the classes),
    ``log/particles/colloidml/probabilities`` (N, C), ``log/colloidml/fractions`` (C,),
    ``log/colloidml/largest_cluster`` (when ``cluster_class`` is set) and, in the first
    frame, ``log/colloidml/classes`` (the JSON list of class names as UTF-8 bytes in an
    int8 array: ``json.loads(bytes(arr))``).

    Args:
        source (str): Input trajectory (never modified).
        model: Fitted model (see :class:`OnTheFlyClassifier`) or a model directory.
        destination (str): Output GSD file (written atomically).
        frames: Frame selection (see :func:`~hoomd_colloidml.io.parse_frames`).
        cluster_class, cluster_neighbors: See :class:`OnTheFlyClassifier`.
        overwrite (bool): Replace an existing ``destination``.
        progress (bool): Show a progress bar.

    Returns:
        pathlib.Path: ``destination``.
    """
    if isinstance(model, str | os.PathLike):
        model = load_model(model)
    clf = OnTheFlyClassifier(model, cluster_class, cluster_neighbors)

    def compute(i: int, system: System):
        clf.compute(system)
        return clf.results()

    classes = json.dumps([c if isinstance(c, str) else c for c in clf.classes.tolist()])
    return write_with_logs(
        source,
        destination,
        compute,
        frames,
        static_logs={"classes": classes},
        overwrite=overwrite,
        progress=progress,
    )


def describe_trajectory(
    source: str | os.PathLike,
    describer: Any,
    frames: str | Sequence[int] | None = None,
    *,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Compute a descriptor for the selected frames of a trajectory.

    Args:
        source (str): hoomd-schema GSD file.
        describer: Object with ``describe(system, typeid) -> (features, names)`` (see
            :mod:`freud_ext.describe`).
        frames: Frame selection.
        progress (bool): Progress bar.

    Returns:
        dict: ``X`` ((M, D) float64 features of all selected particles, frames stacked),
        ``feature_names`` ((D,) str), ``frame`` ((M,) int64 frame of each row),
        ``particle`` ((M,) int64 particle index of each row), ``typeid`` ((M,) int32),
        ``dimensions`` (() int64), ``descriptor_config`` (() str, JSON).
    """
    xs, fr, pid, tid = [], [], [], []
    names: list[str] | None = None
    dims = None
    for i, system in iter_frames(source, frames, progress=progress):
        X, nm = _describe(describer, system)
        if names is None:
            names, dims = nm, system.dimensions
        elif nm != names:
            raise ValueError(f"Frame {i} gave different feature names than the first frame.")
        xs.append(X)
        fr.append(np.full(system.N, i, dtype=np.int64))
        pid.append(np.arange(system.N, dtype=np.int64))
        tid.append(system.typeid.astype(np.int32))
    cfg = describer.get_config() if hasattr(describer, "get_config") else {}
    return {
        "X": np.concatenate(xs),
        "feature_names": np.asarray(names, dtype=str),
        "frame": np.concatenate(fr),
        "particle": np.concatenate(pid),
        "typeid": np.concatenate(tid),
        "dimensions": np.int64(dims),
        "descriptor_config": np.asarray(json.dumps(cfg)),
    }
