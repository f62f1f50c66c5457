"""Learned order parameters: classifiers, regression, feature selection, CNN and CMA-ES.

Estimators follow the scikit-learn contract (constructor stores parameters, fitted
attributes end in ``_``, ``random_state`` for every stochastic step) and are saved as safe
model directories (``model.json`` + safetensors, never pickle): ``model.save(directory)``,
:func:`load`. Submodules are imported lazily so that, e.g., :class:`ForwardSelector` does not
import torch.
"""

from __future__ import annotations

import importlib

__all__ = [
    "DiffractionCNN",
    "ForwardSelector",
    "InverseDesign",
    "ModelFileError",
    "PhaseClassifier",
    "PropensityRegressor",
    "UnsupervisedClassifier",
    "l_method",
    "load",
]

_LAZY = {
    "ForwardSelector": "selection",
    "PropensityRegressor": "propensity",
    "PhaseClassifier": "phase",
    "UnsupervisedClassifier": "unsupervised",
    "DiffractionCNN": "cnn",
    "InverseDesign": "inverse_design",
    "l_method": "lmethod",
    "ModelFileError": "_base",
}
_ESTIMATOR_MODULES = ("selection", "propensity", "phase", "unsupervised", "cnn")


def load(directory):
    """Load a saved model safely; see :func:`hoomd_colloidml.models._base.load`."""
    for mod in _ESTIMATOR_MODULES:
        try:
            importlib.import_module(f"{__name__}.{mod}")
        except ModuleNotFoundError as err:  # pragma: no cover - partial installs
            if err.name != f"{__name__}.{mod}":
                raise
    from hoomd_colloidml.models._base import load as _load

    return _load(directory)


load.__doc__ = importlib.import_module(f"{__name__}._base").load.__doc__


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_LAZY))
