"""State-point schemas and validation of the crystal-identification studies (thesis Ch. 3, 4).

Every state point holds physics and size parameters only (no paths). :func:`validate_binary`
and :func:`validate_detection` are called by the projects' ``init.py`` *before* a job is
created, so a state point outside the physics (η ≥ 0.74, size ratio ≤ 0 or > 1, a phase that
is not stable at the given size ratio) never reaches the workspace.

Tables from the thesis:

- :data:`PHASES` — stable phases per size ratio α = σ_S/σ_L (Ch. 3.4; at α = 0.82 all three
  Laves phases MgCu2, MgZn2, MgNi2 are included, Ch. 3.4.3).
- :data:`TRAINING_PACKING` — packing fractions of the training simulations (Ch. 3.4).
- :data:`FLUID_COMPOSITION` — stoichiometry x = N_S/N of the binary fluid (Ch. 3.4).
- :data:`CUTOFFS` — Table 3.1, (r_c, r_c^LL, r_c^ss) in units of σ_L.

Example:
    >>> validate_binary({"kind": "bulk", "size_ratio": 0.45, "phase": "nacl",
    ...                  "packing_fraction": 0.63})["phase"]
    'nacl'
    >>> validate_binary({"kind": "bulk", "size_ratio": 0.45, "phase": "nacl",
    ...                  "packing_fraction": 0.75})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: The 'packing_fraction' state-point parameter must be in (0, 0.74) ...
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "CUTOFFS",
    "FIG34_PACKING",
    "FLUID_COMPOSITION",
    "PHASES",
    "SIZE_RATIOS",
    "TRAINING_PACKING",
    "check_packing_fraction",
    "check_phase",
    "check_size_ratio",
    "validate_binary",
    "validate_detection",
]

#: Size ratios of Ch. 3.
SIZE_RATIOS: tuple[float, ...] = (0.45, 0.54, 0.82)

#: Stable phases per size ratio (Ch. 3.4). "fcc" is the FCC crystal of large particles,
#: "fluid" the binary fluid.
PHASES: dict[float, tuple[str, ...]] = {
    0.45: ("nacl", "alb2", "fcc", "fluid"),
    0.54: ("ab13", "alb2", "fcc", "fluid"),
    0.82: ("mgcu2", "mgzn2", "mgni2", "fcc", "fluid"),
}

#: Phases that exist at any size ratio (one-component crystals and the fluid).
UNIVERSAL_PHASES: tuple[str, ...] = ("fcc", "hcp", "fluid")

#: Packing fractions of the training simulations (Ch. 3.4.1-3.4.3).
TRAINING_PACKING: dict[float, dict[str, float]] = {
    0.45: {"nacl": 0.63, "alb2": 0.60, "fcc": 0.55, "fluid": 0.45},
    0.54: {"ab13": 0.55, "alb2": 0.60, "fcc": 0.55, "fluid": 0.45},
    0.82: {"mgcu2": 0.60, "mgzn2": 0.60, "mgni2": 0.60, "fcc": 0.55, "fluid": 0.45},
}

#: Stoichiometry x = N_S / N of the binary fluid (Ch. 3.4).
FLUID_COMPOSITION: dict[float, float] = {0.45: 0.5, 0.54: 2.0 / 3.0, 0.82: 2.0 / 3.0}

#: Table 3.1: cutoff distances (r_c, r_c^LL, r_c^ss) in units of σ_L.
CUTOFFS: dict[float, tuple[float, float, float]] = {
    0.45: (1.3, 1.3, 1.3),
    0.54: (1.3, 1.45, 0.83),
    0.82: (1.3, 1.3, 1.1),
}

#: Packing fractions of the density scan of Fig. 3.4 (test sets only; within each phase's
#: range of (meta)stability).
FIG34_PACKING: dict[str, tuple[float, ...]] = {
    "fluid": (0.40, 0.425, 0.45, 0.475, 0.50),
    "fcc": (0.55, 0.575, 0.60, 0.625, 0.65),
    "nacl": (0.58, 0.605, 0.63, 0.655, 0.68),
    "alb2": (0.56, 0.58, 0.60, 0.62, 0.64),
    "ab13": (0.53, 0.55, 0.57, 0.59, 0.61),
    "mgcu2": (0.56, 0.58, 0.60, 0.62, 0.64),
    "mgzn2": (0.56, 0.58, 0.60, 0.62, 0.64),
    "mgni2": (0.56, 0.58, 0.60, 0.62, 0.64),
}

MAX_PACKING = 0.74


def _err(name: str, expected: str, got: Any) -> ValueError:
    return ValueError(
        f"The {name!r} state-point parameter must be {expected}; got {got!r} instead."
    )


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(
            f"The {name!r} state-point parameter must be a real number; "
            f"got {type(value).__name__} instead."
        )
    value = float(value)
    if not math.isfinite(value):
        raise _err(name, "finite", value)
    return value


def check_packing_fraction(eta: Any, name: str = "packing_fraction") -> float:
    """Return ``eta`` as float; refuse η ≤ 0 and η ≥ 0.74 (close packing of equal spheres).

    Raises:
        TypeError: Not a number.
        ValueError: Outside (0, 0.74).
    """
    eta = _number(eta, name)
    if not 0.0 < eta < MAX_PACKING:
        raise _err(name, "in (0, 0.74) (0.74 is the close packing of equal spheres)", eta)
    return eta


def check_size_ratio(alpha: Any) -> float:
    """Return the size ratio α = σ_S/σ_L as float; refuse α ≤ 0 and α > 1.

    Raises:
        TypeError: Not a number.
        ValueError: Outside (0, 1].
    """
    alpha = _number(alpha, "size_ratio")
    if not 0.0 < alpha <= 1.0:
        raise _err("size_ratio", "in (0, 1] (sigma_S / sigma_L of the small and large species)",
                   alpha)
    return alpha


def _table_key(alpha: float) -> float | None:
    for a in PHASES:
        if abs(a - alpha) < 1e-9:
            return a
    return None


def check_phase(phase: Any, alpha: float) -> str:
    """Return ``phase`` if it is stable at size ratio ``alpha`` (Ch. 3.4), else raise.

    FCC, HCP and the fluid exist at any size ratio; binary crystals only at the size ratios
    of :data:`PHASES`.

    Raises:
        TypeError: ``phase`` is not a string.
        ValueError: Unknown phase for this size ratio.
    """
    if not isinstance(phase, str):
        raise TypeError(f"The 'phase' state-point parameter must be a str; got {phase!r}.")
    key = _table_key(alpha)
    allowed = PHASES[key] if key is not None else UNIVERSAL_PHASES
    if phase not in allowed and phase not in UNIVERSAL_PHASES:
        raise ValueError(
            f"Unknown phase {phase!r} for size ratio {alpha}: the phases studied at this size "
            f"ratio are {sorted(set(allowed))} (thesis Ch. 3.4)."
        )
    return phase


def _check_int(sp: dict, name: str, minimum: int = 1) -> None:
    if name in sp:
        v = sp[name]
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise _err(name, f"an int >= {minimum}", v)


def _check_mode(sp: dict) -> None:
    if "mode" in sp and sp["mode"] not in ("quick", "full"):
        raise _err("mode", "'quick' or 'full'", sp["mode"])


def validate_binary(sp: dict[str, Any]) -> dict[str, Any]:
    """Validate a state point of the binary hard-sphere crystal study (Ch. 3).

    Kinds: ``"bulk"`` (one phase at one packing fraction), ``"coexistence"`` (two phases in
    one box, Fig. 3.5) and ``"network"`` (one single-layer network per size ratio and
    neighbour rule).

    Returns:
        dict: ``sp`` unchanged.

    Raises:
        TypeError, ValueError: What is wrong and what is expected.
    """
    if not isinstance(sp, dict):
        raise TypeError(f"A state point must be a dict; got {type(sp).__name__}.")
    kind = sp.get("kind")
    if kind not in ("bulk", "coexistence", "network"):
        raise _err("kind", "one of 'bulk', 'coexistence', 'network'", kind)
    _check_mode(sp)
    alpha = check_size_ratio(sp.get("size_ratio"))
    for name in ("N", "n_snapshots", "sweeps", "equilibration_sweeps", "seed"):
        _check_int(sp, name, 0 if name in ("seed", "equilibration_sweeps") else 1)
    if kind == "bulk":
        check_phase(sp.get("phase"), alpha)
        check_packing_fraction(sp.get("packing_fraction"))
        if sp.get("phase") == "fluid":
            x = _number(sp.get("composition"), "composition")
            if not 0.0 <= x <= 1.0:
                raise _err("composition", "in [0, 1] (fraction N_S/N of small particles)", x)
    elif kind == "coexistence":
        phases = sp.get("phases")
        if not isinstance(phases, list | tuple) or len(phases) != 2:
            raise _err("phases", "a list of two phase names", phases)
        for p in phases:
            check_phase(p, alpha)
        check_packing_fraction(sp.get("packing_fraction"))
    else:
        if sp.get("neighbors") not in ("sann", "sann_species", "cutoff"):
            raise _err("neighbors", "'sann', 'sann_species' or 'cutoff' (Table 3.1)",
                       sp.get("neighbors"))
        if sp.get("neighbors") == "cutoff" and _table_key(alpha) is None:
            raise ValueError(
                f"No cutoff distances are tabulated for size ratio {alpha} (Table 3.1 has "
                f"{sorted(CUTOFFS)}); use neighbors='sann'."
            )
    return sp


#: Systems of the crystal-detection study (Ch. 4).
DETECTION_SYSTEMS: tuple[str, ...] = (
    "hs_coexistence",  # FCC / HCP / fluid coexistence of hard spheres (Ch. 4.3.1)
    "grain_boundary",  # FCC bicrystal with grain boundaries (Ch. 4.3.2)
    "laves_fluid",  # binary MgCu2 Laves / fluid coexistence (Ch. 4.3.4)
    "nucleation",  # seeded crystal growth in a supersaturated fluid, NPT (Ch. 4.3.5)
    "bulk",  # bulk FCC / HCP / fluid runs that tune the standard q4-q6 method (Fig. 4.4)
)


def validate_detection(sp: dict[str, Any]) -> dict[str, Any]:
    """Validate a state point of the crystal-detection study (Ch. 4).

    Raises:
        TypeError, ValueError: What is wrong and what is expected.
    """
    if not isinstance(sp, dict):
        raise TypeError(f"A state point must be a dict; got {type(sp).__name__}.")
    system = sp.get("system")
    if system not in DETECTION_SYSTEMS:
        raise _err("system", f"one of {list(DETECTION_SYSTEMS)}", system)
    _check_mode(sp)
    for name in ("N", "n_snapshots", "sweeps", "equilibration_sweeps", "seed"):
        _check_int(sp, name, 0 if name in ("seed", "equilibration_sweeps") else 1)
    for key in sorted(sp):
        if key.endswith("packing_fraction"):
            check_packing_fraction(sp[key], name=key)
        elif key.endswith("density"):
            rho = _number(sp[key], key)
            if rho <= 0:
                raise _err(key, "> 0 (number density in units of sigma^-3)", rho)
            check_packing_fraction(math.pi / 6.0 * rho,
                                   name=f"{key} (as packing fraction pi/6 rho)")
    if "size_ratio" in sp:
        alpha = check_size_ratio(sp["size_ratio"])
        if "phase" in sp:
            check_phase(sp["phase"], alpha)
    elif "phase" in sp:
        check_phase(sp["phase"], 1.0)
    if "pressure" in sp:
        p = _number(sp["pressure"], "pressure")
        if p <= 0:
            raise _err("pressure", "> 0 (reduced pressure beta P sigma^3)", p)
    if system == "nucleation":
        _validate_nucleation(sp)
    return sp


def _validate_nucleation(sp: dict[str, Any]) -> None:
    """The seeded-growth run of Ch. 4.3.5 (:mod:`hoomd_colloidml.studies.nucleation`)."""
    for name in ("check_every", "max_sweeps"):
        _check_int(sp, name, 1)
    if "pressure" in sp:
        p = float(sp["pressure"])
        # below hard-sphere coexistence (11.57) a crystal melts; above ~30 the fluid is glassy
        if not 11.6 <= p <= 30.0:
            raise _err("pressure", "in [11.6, 30] for a nucleation run (hard-sphere "
                       "freezing at beta P sigma^3 = 11.57, glassy above ~30)", p)
    if "seed_radius" in sp:
        r = _number(sp["seed_radius"], "seed_radius")
        if r < 0:
            raise _err("seed_radius", ">= 0 (radius of the FCC seed in sigma; 0: no seed)", r)
    if "targets" in sp:
        t = sp["targets"]
        ok = isinstance(t, list | tuple) and len(t) > 0 and all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0 < x < 1 for x in t
        ) and all(b > a for a, b in zip(t, t[1:], strict=False))
        if not ok:
            raise _err("targets", "a non-empty increasing list of crystalline fractions in "
                       "(0, 1)", t)
