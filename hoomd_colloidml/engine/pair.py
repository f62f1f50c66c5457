"""Pair potentials of the embedded engine, given per type pair.

Each potential holds a default parameter set (applied to every type pair) and/or
per-pair overrides ``params={("A", "B"): {...}}``. The engine turns them into numba tables
with :meth:`PairPotential.table`. Energies are in units of ``epsilon``; the engine's ``kT``
sets the temperature. Distances are centre-to-centre.

Hard cores from :attr:`hoomd_colloidml.System.diameters` are always applied on top of
these terms (additively: ``sigma_ij = (d_i + d_j) / 2``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from hoomd_colloidml.engine import kernels as K

__all__ = [
    "PairPotential",
    "HardSphere",
    "SquareShoulder",
    "SoftenedCoreShoulder",
    "LennardJones",
    "WCA",
    "Hertzian",
    "AsakuraOosawa",
]


def _positive(cls: str, name: str, value: Any, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The '{name}' parameter of {cls} must be a real number. Got {value!r} instead."
        ) from None
    if not math.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        kind = ">= 0" if allow_zero else "> 0"
        raise ValueError(
            f"The '{name}' parameter of {cls} must be a finite number {kind}. Got {value!r} "
            "instead."
        )
    return v


def _finite(cls: str, name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The '{name}' parameter of {cls} must be a real number. Got {value!r} instead."
        ) from None
    if not math.isfinite(v):
        raise ValueError(f"The '{name}' parameter of {cls} must be finite. Got {value!r} instead.")
    return v


class PairPotential:
    """Base class: a pair potential with parameters per unordered type pair.

    Subclasses define ``kind`` (a kernel code), ``_required`` (parameter names) and
    :meth:`_encode` returning ``(params (NPARAM,), r_cut)``.
    """

    kind: int = K.KIND_NONE
    _required: tuple[str, ...] = ()
    _defaults: dict[str, Any] = {}

    def __init__(self, params: dict | None = None, **default: Any) -> None:
        self._default = None
        self._pairs: dict[tuple[str, str], dict[str, Any]] = {}
        if default:
            self._default = self._check(dict(default))
        for key, val in (params or {}).items():
            self.set_params(key, **val)
        if self._default is None and not self._pairs:
            raise ValueError(
                f"{type(self).__name__} needs parameters: pass them as keywords (all type pairs) "
                "or as params={('A', 'B'): {...}}."
            )

    def _check(self, p: dict[str, Any]) -> dict[str, Any]:
        name = type(self).__name__
        full = {**self._defaults, **p}
        missing = [k for k in self._required if k not in full]
        unknown = [k for k in full if k not in self._required and k not in self._defaults]
        if missing or unknown:
            raise ValueError(
                f"{name} parameters must be {list(self._required) + list(self._defaults)}; "
                f"missing {missing}, unknown {unknown}."
            )
        self._encode(full)  # validates values
        return full

    def set_params(self, pair: tuple[str, str], **p: Any) -> PairPotential:
        """Set the parameters of one unordered type pair ``(a, b)``; returns ``self``."""
        ok = isinstance(pair, tuple) and len(pair) == 2
        if not (ok and all(isinstance(t, str) for t in pair)):
            raise TypeError(f"A type pair must be a tuple of two type names; got {pair!r}.")
        self._pairs[tuple(sorted(pair))] = self._check(dict(p))
        return self

    def params_for(self, a: str, b: str) -> dict[str, Any] | None:
        """Parameters of the pair ``(a, b)`` (``None``: the pair does not interact)."""
        return self._pairs.get(tuple(sorted((a, b))), self._default)

    def _encode(self, p: dict[str, Any]) -> tuple[np.ndarray, float]:
        raise NotImplementedError

    def table(self, types: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Kernel tables ``(kinds (T, T), params (T, T, NPARAM), r_cut (T, T))``.

        Raises:
            ValueError: A pair refers to a type name that is not in ``types``.
        """
        for pair in self._pairs:
            for t in pair:
                if t not in types:
                    raise ValueError(
                        f"{type(self).__name__} has parameters for type '{t}', which is not one "
                        f"of the system's types {list(types)}."
                    )
        T = len(types)
        kinds = np.zeros((T, T), dtype=np.int64)
        params = np.zeros((T, T, K.NPARAM))
        rcut = np.zeros((T, T))
        for a in range(T):
            for b in range(T):
                p = self.params_for(types[a], types[b])
                if p is None:
                    continue
                arr, rc = self._encode(p)
                kinds[a, b] = self.kind
                params[a, b] = arr
                rcut[a, b] = rc
        return kinds, params, rcut

    def energy(self, r: Any, a: str = "A", b: str = "A") -> np.ndarray:
        """Pair energy ``u(r)`` (vectorised, ``inf`` inside hard cores) for the pair ``(a, b)``."""
        r = np.asarray(r, dtype=np.float64)
        p = self.params_for(a, b)
        out = np.zeros_like(r)
        if p is None:
            return out
        arr, rc = self._encode(p)
        flat = out.reshape(-1)
        for k, rv in enumerate(r.reshape(-1)):
            flat[k] = K.pair_energy(self.kind, arr, rv * rv) if rv < rc else 0.0
        return out

    def __repr__(self) -> str:
        args = []
        if self._default is not None:
            args += [f"{k}={v!r}" for k, v in self._default.items()]
        if self._pairs:
            args.append(f"params={self._pairs!r}")
        return f"{type(self).__name__}({', '.join(args)})"


class HardSphere(PairPotential):
    """Hard sphere/disc with an explicit (possibly non-additive) contact distance ``sigma``.

    Additive hard cores already follow from the particle diameters; use this for
    non-additive cores. ``u = inf`` for ``r < sigma``, else 0.

    Example:
        >>> HardSphere(sigma=1.0).energy([0.9, 1.1]).tolist()
        [inf, 0.0]
    """

    kind = K.KIND_HARD
    _required = ("sigma",)

    def _encode(self, p):
        s = _positive("HardSphere", "sigma", p["sigma"])
        arr = np.zeros(K.NPARAM)
        arr[0] = s
        return arr, s


class SquareShoulder(PairPotential):
    """Hard-core square-shoulder (HCSS) potential, thesis Eq. 7.1.

    ``u = inf`` for ``r < sigma``, ``epsilon`` for ``sigma <= r < delta``, 0 beyond.

    Args:
        sigma (float): Hard-core diameter.
        delta (float): Shoulder range (> sigma).
        epsilon (float): Shoulder height (energy units; may be negative for a square well).

    Example:
        >>> SquareShoulder(sigma=1.0, delta=1.4, epsilon=1.0).energy([1.2, 1.5]).tolist()
        [1.0, 0.0]
    """

    kind = K.KIND_SHOULDER
    _required = ("sigma", "delta", "epsilon")

    def _encode(self, p):
        s = _positive("SquareShoulder", "sigma", p["sigma"])
        d = _positive("SquareShoulder", "delta", p["delta"])
        if d < s:
            raise ValueError(f"SquareShoulder needs delta >= sigma; got delta={d}, sigma={s}.")
        arr = np.zeros(K.NPARAM)
        arr[:3] = s, _finite("SquareShoulder", "epsilon", p["epsilon"]), d
        return arr, d


class SoftenedCoreShoulder(PairPotential):
    """Softened-core-shoulder (SCS) potential, thesis Eq. 7.2.

    ``u/epsilon = (sigma/r)^14 + [1 - tanh(k (r - delta))] / 2``, truncated at ``r_cut`` and
    shifted to zero there. The thesis uses ``delta = 1.35 sigma`` and ``k sigma = 10``.

    Example:
        >>> u = SoftenedCoreShoulder(sigma=1.0, epsilon=1.0, k=10.0, delta=1.35, r_cut=2.5)
        >>> bool(u.energy([1.2])[0] > 0.9), float(u.energy([2.6])[0])
        (True, 0.0)
    """

    kind = K.KIND_SCS
    _required = ("sigma", "epsilon", "k", "delta")
    _defaults = {"r_cut": 2.5, "shift": True}

    def _encode(self, p):
        n = "SoftenedCoreShoulder"
        s = _positive(n, "sigma", p["sigma"])
        rc = _positive(n, "r_cut", p["r_cut"])
        arr = np.zeros(K.NPARAM)
        arr[:4] = s, _finite(n, "epsilon", p["epsilon"]), _positive(n, "k", p["k"]), _positive(
            n, "delta", p["delta"]
        )
        if p["shift"]:
            arr[4] = K.pair_energy(self.kind, arr, rc * rc)
        return arr, rc


class LennardJones(PairPotential):
    """Lennard-Jones ``4 epsilon [(sigma/r)^12 - (sigma/r)^6]``, truncated at ``r_cut``, shifted.

    Built-in parameter sets: :meth:`kob_andersen` and :meth:`wahnstrom` (thesis Ch. 5.2.1).

    Example:
        >>> lj = LennardJones(epsilon=1.0, sigma=1.0, r_cut=2.5)
        >>> round(float(lj.energy([2 ** (1 / 6)])[0]), 4)
        -0.9837
    """

    kind = K.KIND_LJ
    _required = ("epsilon", "sigma")
    _defaults = {"r_cut": 2.5, "shift": True}

    def _encode(self, p):
        n = type(self).__name__
        arr = np.zeros(K.NPARAM)
        arr[0] = _positive(n, "sigma", p["sigma"])
        arr[1] = _finite(n, "epsilon", p["epsilon"])
        rc = _positive(n, "r_cut", p["r_cut"])
        if p["shift"]:
            arr[4] = K.pair_energy(K.KIND_LJ, arr, rc * rc)
        return arr, rc

    @classmethod
    def kob_andersen(cls, r_cut_factor: float = 2.5) -> LennardJones:
        """Kob-Andersen 80:20 mixture (types "A", "B"), cut and shifted at ``2.5 sigma_ij``.

        ``sigma_AB = 0.8, sigma_BB = 0.88, epsilon_AB = 1.5, epsilon_BB = 0.5`` (units of the
        AA values; thesis Ch. 5.2.1, Kob & Andersen, PRE 51, 4626 (1995)).
        """
        sets = {("A", "A"): (1.0, 1.0), ("A", "B"): (1.5, 0.8), ("B", "B"): (0.5, 0.88)}
        return cls(
            params={
                k: {"epsilon": e, "sigma": s, "r_cut": r_cut_factor * s}
                for k, (e, s) in sets.items()
            }
        )

    @classmethod
    def wahnstrom(cls, r_cut_factor: float = 2.5) -> LennardJones:
        """Wahnström 50:50 mixture: equal epsilons, ``sigma_BB = 1.2, sigma_AB = 1.1``.

        (Wahnström, PRA 44, 3752 (1991); thesis Ch. 5.2.1, which uses the WCA variant
        :meth:`WCA.wahnstrom`.)
        """
        sig = {("A", "A"): 1.0, ("A", "B"): 1.1, ("B", "B"): 1.2}
        return cls(
            params={
                k: {"epsilon": 1.0, "sigma": s, "r_cut": r_cut_factor * s} for k, s in sig.items()
            }
        )


class WCA(LennardJones):
    """Weeks-Chandler-Andersen: LJ cut at ``2^(1/6) sigma`` and shifted up by ``epsilon``.

    Example:
        >>> float(WCA(epsilon=1.0, sigma=1.0).energy([1.2])[0])
        0.0
    """

    _required = ("epsilon", "sigma")
    _defaults: dict[str, Any] = {}

    def _encode(self, p):
        return super()._encode(
            {**p, "r_cut": 2.0 ** (1.0 / 6.0) * _positive("WCA", "sigma", p["sigma"]),
             "shift": True}
        )

    @classmethod
    def wahnstrom(cls) -> WCA:  # type: ignore[override]
        """Wahnström mixture with WCA interactions, as in thesis Ch. 5.2.1."""
        sig = {("A", "A"): 1.0, ("A", "B"): 1.1, ("B", "B"): 1.2}
        return cls(params={k: {"epsilon": 1.0, "sigma": s} for k, s in sig.items()})


class Hertzian(PairPotential):
    """Hertzian soft spheres ``u = epsilon (1 - r/sigma)^(5/2)`` for ``r < sigma``.

    Example:
        >>> float(Hertzian(epsilon=1.0, sigma=1.0).energy([0.0])[0])
        1.0
    """

    kind = K.KIND_HERTZ
    _required = ("epsilon", "sigma")

    def _encode(self, p):
        arr = np.zeros(K.NPARAM)
        arr[0] = _positive("Hertzian", "sigma", p["sigma"])
        arr[1] = _finite("Hertzian", "epsilon", p["epsilon"])
        return arr, arr[0]


class AsakuraOosawa(PairPotential):
    """Asakura-Oosawa depletion pair term between hard colloids (3D), in units of kT.

    For ``sigma <= r < sigma (1 + q)``::

        beta u(r) = -eta_p^r (1 + q)^3 / q^3
                    * [1 - 3 r / (2 sigma (1 + q)) + r^3 / (2 sigma^3 (1 + q)^3)]

    and hard core (``inf``) below ``sigma``; ``q = sigma_p / sigma`` and ``eta_p^r`` the
    polymer reservoir packing fraction (thesis Ch. 8.2). Run with ``kT = 1``.

    Example:
        >>> ao = AsakuraOosawa(sigma=1.0, q=0.4, eta_p=0.1)
        >>> round(float(ao.energy([1.0])[0]), 4)  # -eta_p (1 + 3/(2q))
        -0.475
    """

    kind = K.KIND_AO
    _required = ("sigma", "q", "eta_p")

    def _encode(self, p):
        arr = np.zeros(K.NPARAM)
        arr[0] = _positive("AsakuraOosawa", "sigma", p["sigma"])
        arr[1] = _positive("AsakuraOosawa", "eta_p", p["eta_p"], allow_zero=True)
        arr[2] = _positive("AsakuraOosawa", "q", p["q"])
        return arr, arr[0] * (1.0 + arr[2])
