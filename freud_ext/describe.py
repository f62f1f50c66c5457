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

__all__ = ["Describer", "KINDS", "WithTypes", "from_config", "register"]


class Describer(Protocol):
    def get_config(self) -> dict[str, Any]: ...

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]: ...


#: kind -> "module:Class" whose ``from_config(dict)`` classmethod rebuilds a describer.
KINDS: dict[str, str] = {
    "bop": "freud_ext.order:BondOrderDescriptor",
    "sf": "freud_ext.environment:SymmetryFunctions",
    "shell": "freud_ext.environment:ShellDescriptors",
    "with-types": "freud_ext.describe:WithTypes",
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


class WithTypes:
    """Any describer's features plus the particle type id as a last column ``"type"``.

    For classifiers whose labels depend on the species (the binary crystals of thesis
    Ch. 3.4: "large particles of AlB2"), e.g. ``PhaseClassifier(group_column=-1)``, which
    uses the column to restrict each particle to its species' labels and not as an input.

    Args:
        base: A describer (``get_config``/``describe``) or its configuration dict.

    Example:
        >>> import freud
        >>> from freud_ext.order import BondOrderDescriptor
        >>> d = WithTypes(BondOrderDescriptor(l=[6]))
        >>> box, points = freud.data.UnitCell.bcc().generate_system(3)
        >>> X, names = d.describe((box, points), typeid=np.arange(54) % 2)
        >>> names, X.shape, X[:3, -1].tolist()
        (['q6', 'type'], (54, 2), [0.0, 1.0, 0.0])
        >>> from_config(d.get_config()).get_config() == d.get_config()
        True
    """

    kind = "with-types"

    def __init__(self, base: Any):
        self.base = from_config(base) if isinstance(base, dict) else base
        if not (hasattr(self.base, "get_config") and hasattr(self.base, "describe")):
            raise TypeError(
                "WithTypes needs a describer (get_config and describe) or its configuration; "
                f"got {type(base).__name__}."
            )

    def __repr__(self) -> str:
        return f"WithTypes({self.base!r})"

    def get_config(self) -> dict[str, Any]:
        return {"kind": self.kind, "base": self.base.get_config()}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> WithTypes:
        cfg = dict(config)
        if cfg.pop("kind", cls.kind) != cls.kind or set(cfg) != {"base"}:
            raise ValueError(f"A {cls.kind!r} configuration holds 'kind' and 'base' only.")
        return cls(cfg["base"])

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """``(N, D + 1)`` features (the base's, then the type id) and names."""
        from freud_ext.util import normalize_system, normalize_typeid

        data = normalize_system(system)
        tid = data.typeid if typeid is None else typeid
        if tid is None:
            raise ValueError("WithTypes needs the type of every particle: pass typeid or a "
                             "system that carries types (gsd frame, hoomd_colloidml.System).")
        tid = normalize_typeid(tid, data.N)
        X, names = self.base.describe(system, typeid=tid)
        return (np.column_stack([np.asarray(X, dtype=np.float64), tid.astype(np.float64)]),
                [*names, "type"])
