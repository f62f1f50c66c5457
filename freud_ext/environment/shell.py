"""Radial and angular shell descriptors (thesis Ch. 6.2.3, Eqs. 6.2–6.4).

Radial (Eq. 6.2), per neighbour species s::

    G_i(r, delta, s) = sum_{j != i, s_j = s} exp(-(r_ij - r)^2 / (2 delta^2))

Angular (Eqs. 6.3–6.4), over neighbours of every species::

    q_i(l, m, r, delta) = (1/Z) sum_{j != i} exp(-(r_ij - r)^2 / (2 delta^2)) Y_lm(r_ij)
    q_i(l, r, delta) = sqrt(4 pi / (2l + 1) sum_m |q_i(l, m, r, delta)|^2)

The Gaussians are truncated at |r_ij - r| > ``n_sigma`` * delta (default 6: neglected
terms are below exp(-18) ~ 1.5e-8 of the peak). A shell with no neighbour in its window
(Z = 0) has q = 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from freud_ext.environment import _kernels
from freud_ext.environment._pairs import check_cutoff, pairs_within
from freud_ext.environment._species import check_positive, check_species, particle_species
from freud_ext.environment.local_average import LocalAverage
from freud_ext.util import Compute, computed_property, normalize_system

__all__ = ["ShellDescriptors"]

_CLS = "ShellDescriptors"


def _check_shells(name: str, shells: Any) -> tuple[tuple[float, float], ...]:
    out = []
    for item in shells:
        try:
            r, delta = (float(v) for v in item)
        except (TypeError, ValueError):
            raise ValueError(
                f"The '{name}' parameter of {_CLS} must be a list of (r, delta) pairs. "
                f"Got entry {item!r} instead."
            ) from None
        if not (np.isfinite(r) and np.isfinite(delta)) or r < 0 or delta <= 0:
            raise ValueError(
                f"The '{name}' parameter of {_CLS} needs r >= 0 and delta > 0 (finite). "
                f"Got (r={r}, delta={delta}) instead."
            )
        out.append((r, delta))
    return tuple(out)


class ShellDescriptors(Compute):
    """Radial G(r, delta, s) and angular q(l, r, delta) shell descriptors (Eqs. 6.2–6.4).

    Args:
        radial (list of (r, delta)): Shell radii and half-widths (length units) of the
            radial functions.
        angular (list of (r, delta)): Shells of the angular functions.
        l (iterable of int): Spherical-harmonic degrees of the angular functions (>= 0).
        species (list of str): Radial functions get one block per neighbour species;
            ``None`` counts all neighbours in one block. Angular functions always use
            all neighbours (Eq. 6.3).
        n_sigma (float): Gaussian truncation in units of delta.
        average (dict): Optional ``{"r_cut": r_c, "order": n_max}``; then
            :meth:`describe` returns the local averages (X^(0), ..., X^(n_max)) of Eq. 6.5
            (see :class:`LocalAverage`). :attr:`features` are always X^(0).

    Features are ``[radial block per species] + [angular: for each shell, for each l]``.

    Example:
        >>> import freud, numpy as np
        >>> box, pts = freud.data.UnitCell.fcc().generate_system(3, scale=np.sqrt(2))
        >>> sd = ShellDescriptors(radial=[(1.0, 0.05)], angular=[(1.0, 0.05)], l=[6])
        >>> g, q6 = sd.compute((box, pts)).features[0]
        >>> round(float(g), 6), round(float(q6), 4)
        (12.0, 0.5745)
    """

    def __init__(
        self,
        radial: Iterable[tuple[float, float]] = (),
        angular: Iterable[tuple[float, float]] = (),
        l: Iterable[int] = range(1, 13),  # noqa: E741 - the thesis' name
        species: Iterable[str] | None = None,
        n_sigma: float = 6.0,
        average: dict[str, Any] | None = None,
    ):
        self.radial = _check_shells("radial", radial)
        self.angular = _check_shells("angular", angular)
        try:
            ls = tuple(int(v) for v in l)
        except (TypeError, ValueError):
            raise ValueError(
                f"The 'l' parameter of {_CLS} must be an iterable of ints >= 0. Got {l!r} instead."
            ) from None
        if self.angular and (not ls or min(ls) < 0 or len(set(ls)) != len(ls)):
            raise ValueError(
                f"The 'l' parameter of {_CLS} must hold distinct ints >= 0. Got {l!r} instead."
            )
        self.l = ls
        if not self.radial and not self.angular:
            raise ValueError(f"{_CLS} needs at least one radial or angular shell; got none.")
        self.species = check_species(species, _CLS)
        self.n_sigma = check_positive("n_sigma", _CLS, n_sigma)
        if average is not None:
            if not isinstance(average, dict) or "r_cut" not in average:
                raise ValueError(
                    f"The 'average' parameter of {_CLS} must be None or a dict "
                    f"{{'r_cut': float, 'order': int}}. Got {average!r} instead."
                )
            LocalAverage(average["r_cut"], average.get("order", 2))  # validates
            average = {"r_cut": float(average["r_cut"]), "order": int(average.get("order", 2))}
        self.average = average

    @classmethod
    def kob_andersen(
        cls, species: Iterable[str] = ("A", "B"), average: dict[str, Any] | None = None
    ) -> ShellDescriptors:
        """The D = 392 Kob–Andersen grid of thesis Ch. 6.2.3 (lengths in sigma_AA).

        Radial (x 2 species): 60 shells r in (0.5, 2.0] with delta = 0.025, 20 in
        (2.0, 3.0] with delta = 0.05, 20 in (3.0, 5.0] with delta = 0.1 (200 functions).
        Angular: 16 shells r in [1, 2.5], delta = 0.1, l = 1..12 (192 functions).

        Example:
            >>> len(ShellDescriptors.kob_andersen().feature_names)
            392
        """
        radial = [(0.5 + 0.025 * k, 0.025) for k in range(1, 61)]
        radial += [(2.0 + 0.05 * k, 0.05) for k in range(1, 21)]
        radial += [(3.0 + 0.1 * k, 0.1) for k in range(1, 21)]
        angular = [(float(r), 0.1) for r in np.linspace(1.0, 2.5, 16)]
        return cls(radial, angular, l=range(1, 13), species=species, average=average)

    # ----------------------------------------------------------- describer API
    def get_config(self) -> dict[str, Any]:
        """JSON-serialisable configuration (``kind = "shell"``) for :meth:`from_config`."""
        return {
            "kind": "shell",
            "radial": [list(p) for p in self.radial],
            "angular": [list(p) for p in self.angular],
            "l": list(self.l),
            "species": None if self.species is None else list(self.species),
            "n_sigma": self.n_sigma,
            "average": None if self.average is None else dict(self.average),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ShellDescriptors:
        """Rebuild from :meth:`get_config` output."""
        if config.get("kind", "shell") != "shell":
            raise ValueError(f"Expected a config of kind 'shell'; got {config.get('kind')!r}.")
        return cls(
            radial=config.get("radial", ()),
            angular=config.get("angular", ()),
            l=config.get("l", range(1, 13)),
            species=config.get("species"),
            n_sigma=config.get("n_sigma", 6.0),
            average=config.get("average"),
        )

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """Features and names; with ``average`` set, the concatenated X^(0..n_max)."""
        self.compute(system, typeid=typeid)
        if self.average is None:
            return self.features.copy(), list(self.feature_names)
        la = LocalAverage(self.average["r_cut"], self.average["order"])
        la.compute(system, self.features, self.feature_names)
        return la.features, la.feature_names

    def _repr_params(self) -> dict[str, Any]:
        cfg = self.get_config()
        cfg.pop("kind")
        return cfg

    @property
    def feature_names(self) -> list[str]:
        """``'G(r=..,delta=..,s=A)'`` then ``'q(l=..,r=..,delta=..)'``."""
        names = []
        for s in range(1 if self.species is None else len(self.species)):
            tag = "" if self.species is None else f",s={self.species[s]}"
            names += [f"G(r={r:.6g},delta={d:.6g}{tag})" for r, d in self.radial]
        for r, d in self.angular:
            names += [f"q(l={ll},r={r:.6g},delta={d:.6g})" for ll in self.l]
        return names

    @property
    def r_max(self) -> float:
        """Largest distance any function sees: max(r + n_sigma * delta)."""
        shells = self.radial + self.angular
        return max(r + self.n_sigma * d for r, d in shells)

    def compute(self, system: Any, typeid: Any = None):
        """Compute the descriptors X^(0).

        Args:
            system: Anything :func:`freud_ext.util.normalize_system` accepts.
            typeid ((N,) array-like of int): Overrides the system's types.

        Returns:
            self

        Raises:
            ValueError: The truncated Gaussians reach beyond half the box width, unknown
                species, or invalid systems.
        """
        data = normalize_system(system)
        check_cutoff("radial/angular (r + n_sigma * delta)", _CLS, self.r_max, data.box)
        sp = particle_species(self.species, data, typeid, _CLS)
        pairs = pairs_within(data, self.r_max)
        blocks = []
        if self.radial:
            rad = np.array(self.radial, dtype=np.float64)
            blocks.append(
                _kernels.shell_radial(
                    pairs.segments,
                    pairs.distances,
                    sp[pairs.j],
                    np.ascontiguousarray(rad[:, 0]),
                    np.ascontiguousarray(rad[:, 1]),
                    self.n_sigma,
                    1 if self.species is None else len(self.species),
                )
            )
        if self.angular:
            ang = np.array(self.angular, dtype=np.float64)
            lmax = max(self.l)
            power, z = _kernels.shell_angular(
                pairs.segments,
                pairs.vectors,
                pairs.distances,
                np.ascontiguousarray(ang[:, 0]),
                np.ascontiguousarray(ang[:, 1]),
                self.n_sigma,
                lmax,
            )
            ls = np.array(self.l)
            p = power[:, :, ls] * (4 * np.pi / (2 * ls + 1))
            with np.errstate(divide="ignore", invalid="ignore"):
                q = np.where(z[:, :, None] > 0, np.sqrt(p) / z[:, :, None], 0.0)
            blocks.append(q.reshape(data.N, -1))
        self._features = np.hstack(blocks)
        self._computed = True
        return self

    @computed_property
    def features(self) -> np.ndarray:
        """((N, D) numpy.ndarray): X^(0), columns as :attr:`feature_names`."""
        return self._features
