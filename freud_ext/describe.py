"""Descriptor configurations: build a descriptor from JSON and apply it to a system.

A *describer* is any object with

- ``get_config() -> dict``: JSON-serialisable, with key ``"kind"`` naming a registered kind
  and every parameter needed to rebuild the object exactly;
- ``describe(system, typeid=None) -> (features, names)``: ``(N, D)`` float64 features and
  ``D`` feature names, computing its own neighbours as configured.

Models store ``get_config()`` in their ``model.json``; :func:`from_config` rebuilds the
describer, so a loaded model featurises new frames exactly as during training.

Example:
    >>> cfg = {"kind": "bop", "neighbors": {"method": "sann"}, "l": [4, 6]}
    >>> sorted(from_config(cfg).get_config())  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol

import numpy as np

__all__ = ["Describer", "KINDS", "from_config", "register"]


class Describer(Protocol):
    def get_config(self) -> dict[str, Any]: ...

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]: ...


#: kind -> "module:Class" whose ``from_config(dict)`` classmethod rebuilds a describer.
KINDS: dict[str, str] = {
    "bop": "freud_ext.order:BondOrderDescriptor",
    "sf": "freud_ext.environment:SymmetryFunctions",
    "shell": "freud_ext.environment:ShellDescriptors",
}


def register(kind: str, target: str) -> None:
    """Register ``"module:Class"`` under ``kind`` (the class needs ``from_config``)."""
    KINDS[kind] = target


def from_config(config: dict[str, Any]):
    """Rebuild a describer from its :meth:`get_config` dictionary.

    Raises:
        TypeError: ``config`` is not a dict.
        ValueError: No ``"kind"`` key, or an unknown kind.
    """
    if not isinstance(config, dict):
        raise TypeError(f"A descriptor configuration must be a dict; got {type(config).__name__}.")
    kind = config.get("kind")
    if kind not in KINDS:
        raise ValueError(
            f"Unknown descriptor kind {kind!r}; expected one of {sorted(KINDS)}."
        )
    module, cls = KINDS[kind].split(":")
    return getattr(importlib.import_module(module), cls).from_config(config)
