"""Parameter checks and species resolution shared by the environment compute classes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from freud_ext.util import SystemData, normalize_typeid


def check_positive(name: str, cls: str, value: Any) -> float:
    """A finite float > 0, else ValueError/TypeError in sklearn style."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The '{name}' parameter of {cls} must be a positive float. Got {value!r} instead."
        ) from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(
            f"The '{name}' parameter of {cls} must be a positive finite float. Got {value!r} "
            "instead."
        )
    return v


def check_species(species: Any, cls: str) -> tuple[str, ...] | None:
    """None or a non-empty sequence of distinct type names."""
    if species is None:
        return None
    if isinstance(species, str) or not hasattr(species, "__iter__"):
        raise TypeError(
            f"The 'species' parameter of {cls} must be None or a list of type names such as "
            f"['A', 'B']. Got {species!r} instead."
        )
    out = tuple(str(s) for s in species)
    if not out or len(set(out)) != len(out):
        raise ValueError(
            f"The 'species' parameter of {cls} must list distinct type names. Got {species!r} "
            "instead."
        )
    return out


def particle_species(
    species: tuple[str, ...] | None, data: SystemData, typeid: Any, cls: str
) -> np.ndarray:
    """Index into ``species`` of every particle, (N,) int64 (all zero when species is None).

    Type names of the system are matched to ``species`` by name; without names, the
    type ids index ``species`` directly.

    Raises:
        ValueError: A particle's type is not in ``species``, or species are requested
            but the system carries no types.
    """
    n = data.N
    if species is None:
        return np.zeros(n, dtype=np.int64)
    tid = data.typeid if typeid is None else normalize_typeid(typeid, n, data.types)
    if tid is None:
        raise ValueError(
            f"{cls} was built with species={list(species)} but the system carries no particle "
            "types; pass typeid=... or a system with types."
        )
    tid = np.asarray(tid, dtype=np.int64)
    if data.types is not None:
        lookup = np.full(len(data.types), -1, dtype=np.int64)
        for t, name in enumerate(data.types):
            if name in species:
                lookup[t] = species.index(name)
        out = lookup[tid]
        bad = out < 0
        if bad.any():
            name = data.types[int(tid[np.flatnonzero(bad)[0]])]
            raise ValueError(
                f"Unknown species {name!r}: {int(bad.sum())} particle(s) have a type that is not "
                f"in the 'species' parameter of {cls} ({list(species)})."
            )
        return out
    if tid.max() >= len(species):
        raise ValueError(
            f"Unknown species: typeid {int(tid.max())} has no entry in the 'species' parameter "
            f"of {cls} ({list(species)})."
        )
    return tid
