"""Linear symmetry-function potentials fitted to many-body energies (thesis Ch. 2.3, 8.2).

The energy of particle ``i`` is a linear combination of a selected set of Behler-Parrinello
symmetry functions (:class:`freud_ext.environment.SymmetryFunctions`, Eqs. 2.4-2.6):

    ``u_i = s * (w_0 + sum_k w_k G_k(i)) [+ pair term]``

with ``s`` an energy scale (``beta K`` for the elastic shells, whose targets are the
reduced energies ``U_i / K``; ``z_p`` for the Asakura-Oosawa many-body term, whose targets
are ``u_i^mb / z_p``, a volume). :meth:`SymmetryFunctionPotential.fit` reproduces Ch. 2.3.3:
compute the candidate pool on the training particles, split 80/20 into train and test sets,
select functions one at a time by the gain in R² (Eq. 2.8, :class:`ForwardSelector`), and fit
the weights by least squares on the training set. Forces and the virial are analytic,
contracted from the symmetry-function gradients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import freud
import numba
import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from freud_ext.environment import SymmetryFunctions
from freud_ext.util import SystemData, normalize_system
from hoomd_colloidml.models._base import SavableMixin, is_real, register_model
from hoomd_colloidml.potentials._sf_energy import (
    local_weighted_sf,
    points_valid,
    weighted_sf_all,
)
from hoomd_colloidml.potentials.asakura_oosawa import AsakuraOosawa
from hoomd_colloidml.potentials.base import ManyBodyPotential
from hoomd_colloidml.potentials.elastic_shell import _as_indices, _box_matrices, _neighbors
from hoomd_colloidml.system import System

__all__ = ["SymmetryFunctionPotential"]

_CLS = "SymmetryFunctionPotential"
_PAIR_KINDS = ("asakura_oosawa",)


def _pool_from(pool: Any) -> SymmetryFunctions:
    if isinstance(pool, dict):
        if not pool.get("radial") and not pool.get("angular"):
            raise ValueError(
                f"The 'pool' of {_CLS}.fit is empty: it has no radial and no angular "
                "symmetry functions to select from."
            )
        pool = SymmetryFunctions.from_config(pool)
    if not isinstance(pool, SymmetryFunctions):
        raise TypeError(
            f"The 'pool' of {_CLS}.fit must be a freud_ext.environment.SymmetryFunctions or its "
            f"get_config() dict. Got {type(pool).__name__} instead."
        )
    if pool.n_features == 0:
        raise ValueError(f"The 'pool' of {_CLS}.fit is empty.")
    if pool.species is not None:
        raise ValueError(f"{_CLS} supports one-component pools (species=None) only.")
    return pool


@numba.njit(cache=True)
def _fc(r, rc):
    return 0.5 * (np.cos(np.pi * r / rc) + 1.0) if r < rc else 0.0


@numba.njit(cache=True)
def _sf_energy_kernel(
    targets, starts, counts, nbr, vecs, excluded, rc, r_eta, r_rs, r_w, a_eta, a_xi, a_lam, a_w
):
    """``sum_k w_k G_k(i)`` for each target (values only; same conventions as
    :class:`freud_ext.environment.SymmetryFunctions`: G3 over unordered pairs {j, k})."""
    n_t = targets.shape[0]
    out = np.zeros(n_t)
    m2 = r_eta.shape[0]
    m3 = a_eta.shape[0]
    for t in range(n_t):
        s = starts[t]
        c = counts[t]
        vx = np.empty(c)
        vy = np.empty(c)
        vz = np.empty(c)
        rr = np.empty(c)
        m = 0
        for q in range(c):
            if excluded[nbr[s + q]]:
                continue
            x = vecs[s + q, 0]
            y = vecs[s + q, 1]
            z = vecs[s + q, 2]
            r = np.sqrt(x * x + y * y + z * z)
            if r >= rc:
                continue
            vx[m] = x
            vy[m] = y
            vz[m] = z
            rr[m] = r
            m += 1
        acc = 0.0
        for a in range(m):
            fa = _fc(rr[a], rc)
            for k in range(m2):
                d = rr[a] - r_rs[k]
                acc += r_w[k] * np.exp(-r_eta[k] * d * d) * fa
        if m3 > 0:
            for a in range(m):
                fa = _fc(rr[a], rc)
                for b in range(a + 1, m):
                    cx = vx[b] - vx[a]
                    cy = vy[b] - vy[a]
                    cz = vz[b] - vz[a]
                    rc2 = cx * cx + cy * cy + cz * cz
                    if rc2 >= rc * rc:
                        continue
                    ff = fa * _fc(rr[b], rc) * _fc(np.sqrt(rc2), rc)
                    cos = (vx[a] * vx[b] + vy[a] * vy[b] + vz[a] * vz[b]) / (rr[a] * rr[b])
                    rsum = rr[a] * rr[a] + rr[b] * rr[b] + rc2
                    for k in range(m3):
                        base = 1.0 + a_lam[k] * cos
                        if base <= 0.0:
                            continue
                        xi = a_xi[k]
                        ni = int(xi)
                        if ni == xi and ni <= 16:
                            pw = 1.0
                            for _ in range(ni):
                                pw *= base
                        else:
                            pw = base**xi
                        acc += a_w[k] * pw * np.exp(-a_eta[k] * rsum) * ff
        out[t] = acc
    return out


def _rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((a - b) ** 2))) if len(a) else float("nan")


@register_model
class SymmetryFunctionPotential(SavableMixin, BaseEstimator, ManyBodyPotential):
    """Energy ``u_i = s (w_0 + sum_k w_k G_k(i))`` on forward-selected symmetry functions.

    Args:
        scale (float | None): Energy scale ``s`` in kT multiplying the fitted reduced
            energy (``beta K`` for elastic shells). ``None``: ``z_p`` of ``pair_term`` when it
            is an Asakura-Oosawa term, else 1.
        pair_term (dict | None): An exact pair term added to the fit, e.g.
            ``{"kind": "asakura_oosawa", "q": 0.4, "eta_r": 0.3, "sigma_c": 1.0}`` (the fit
            is then the AO many-body term, Ch. 8.2); ``"hard_core": False`` continues the
            pair term below contact (see :class:`AsakuraOosawa`) for MD with a soft core.
        test_size (float): Fraction of the data held out for testing (thesis: 0.2).
        random_state (int | None): Seed of the train/test split.
        descriptor_config (dict | None): Unused at fit time (the selected set is stored in
            ``sf_config_``); kept for the models' file format.
        feature_names (list[str] | None): Names of the pool features (optional).

    Attributes:
        sf_config_ (dict): Configuration of the selected symmetry functions.
        coef_ ((k,) numpy.ndarray): Weights ``w_k`` in the order of ``sf_config_`` features.
        intercept_ (float): ``w_0``.
        selected_ ((k,) numpy.ndarray): Indices of the selected functions in the pool, in
            selection order.
        r2_path_ ((k,) numpy.ndarray): Training R² after each selection (Fig. 2.5a).
        rmse_path_train_, rmse_path_test_ ((k,) numpy.ndarray): RMSE of the least-squares
            fit on the first ``n`` selected functions (Fig. 2.5b), reduced units.
        rmse_train_, rmse_test_, r2_test_ (float): Final fit quality (reduced units).
        dimensions_ (int): 2 or 3, from the training frames.
        r_cut (float): The symmetry-function cutoff.

    Example:
        >>> import freud, numpy as np
        >>> from freud_ext.environment import SymmetryFunctions
        >>> from hoomd_colloidml.models import ForwardSelector
        >>> rng = np.random.default_rng(0)
        >>> frames = [(freud.box.Box.square(5.0), np.c_[rng.uniform(-2.5, 2.5, (40, 2)),
        ...            np.zeros(40)]) for _ in range(5)]
        >>> toy = SymmetryFunctions(1.0, radial=[(2.0, 0.0)], angular=[(0.1, 1.0, 1.0)])
        >>> energies = [2.0 * toy.compute(f).values[:, 0] + 0.5 for f in frames]
        >>> pool = SymmetryFunctions.pool_2d(1.0)
        >>> pot = SymmetryFunctionPotential().fit(frames, energies, pool,
        ...                                       selector=ForwardSelector(max_features=3))
        >>> bool(pot.r2_test_ > 0.999)
        True
    """

    local_energy_is_removal = True

    def __init__(
        self,
        scale: float | None = None,
        pair_term: dict | None = None,
        test_size: float = 0.2,
        random_state: int | None = 0,
        descriptor_config: dict | None = None,
        feature_names: list[str] | None = None,
    ) -> None:
        self.scale = scale
        self.pair_term = pair_term
        self.test_size = test_size
        self.random_state = random_state
        self.descriptor_config = descriptor_config
        self.feature_names = feature_names

    # ------------------------------------------------------------------ helpers
    def _validate_params(self) -> None:
        if self.scale is not None and not is_real(self.scale, 0.0):
            raise ValueError(
                f"The 'scale' parameter of {_CLS} must be a finite float >= 0 or None. "
                f"Got {self.scale!r} instead."
            )
        if not is_real(self.test_size, 0.0, 1.0) or not 0 < self.test_size < 1:
            raise ValueError(
                f"The 'test_size' parameter of {_CLS} must be a float in (0, 1). "
                f"Got {self.test_size!r} instead."
            )
        self._pair()

    def _pair(self) -> AsakuraOosawa | None:
        pt = self.pair_term
        if pt is None:
            return None
        if not isinstance(pt, dict) or pt.get("kind") not in _PAIR_KINDS:
            raise ValueError(
                f"The 'pair_term' parameter of {_CLS} must be None or a dict with kind in "
                f"{_PAIR_KINDS}. Got {pt!r} instead."
            )
        key = (pt["q"], pt["eta_r"], pt.get("sigma_c", 1.0), pt.get("hard_core", True))
        cached = getattr(self, "_pair_cache", None)
        if cached is None or cached[0] != key:
            ao = AsakuraOosawa(key[0], key[1], sigma_c=key[2], include_many_body=False,
                               hard_core=key[3])
            cached = (key, ao)
            self._pair_cache = cached
        return cached[1]

    @property
    def energy_scale(self) -> float:
        """The factor ``s`` applied to the fitted reduced energy (kT)."""
        if self.scale is not None:
            return float(self.scale)
        pair = self._pair()
        return float(pair.z_p) if pair is not None else 1.0

    @property
    def r_cut(self) -> float:  # type: ignore[override]
        check_is_fitted(self, "sf_config_")
        r = float(self.sf_config_["r_cut"])
        pair = self._pair()
        return max(r, pair.r_cut) if pair is not None else r

    def _sf(self) -> SymmetryFunctions:
        cached = getattr(self, "_sf_cache", None)
        if cached is None or cached[0] is not self.sf_config_:
            cached = (self.sf_config_, SymmetryFunctions.from_config(self.sf_config_))
            self._sf_cache = cached
        return cached[1]

    def _kernel_params(self):
        cached = getattr(self, "_kp_cache", None)
        if cached is not None and cached[0] is self.coef_:
            return cached[1]
        cfg = self.sf_config_
        rad = np.asarray(cfg["radial"], dtype=np.float64).reshape(-1, 2)
        ang = np.asarray(cfg["angular"], dtype=np.float64).reshape(-1, 3)
        w = np.asarray(self.coef_, dtype=np.float64)
        n2 = len(rad)
        params = (
            float(cfg["r_cut"]),
            np.ascontiguousarray(rad[:, 0]),
            np.ascontiguousarray(rad[:, 1]),
            np.ascontiguousarray(w[:n2]),
            np.ascontiguousarray(ang[:, 0]),
            np.ascontiguousarray(ang[:, 1]),
            np.ascontiguousarray(ang[:, 2]),
            np.ascontiguousarray(w[n2:] * np.exp2(1.0 - ang[:, 1])),
        )
        self._kp_cache = (self.coef_, params)
        return params

    def _fast_params(self):
        """Kernel parameters of :func:`weighted_sf_all` (angular ``eta`` deduplicated)."""
        cached = getattr(self, "_fp_cache", None)
        if cached is not None and cached[0] is self.coef_:
            return cached[1]
        rc, r_eta, r_rs, r_w, a_eta, a_xi, a_lam, a_w = self._kernel_params()
        etas, idx = np.unique(a_eta, return_inverse=True)
        params = (
            rc,
            r_eta,
            r_rs,
            r_w,
            np.ascontiguousarray(idx.reshape(-1), dtype=np.int64),
            np.ascontiguousarray(etas, dtype=np.float64),
            a_xi,
            a_lam,
            a_w,
        )
        self._fp_cache = (self.coef_, params)
        return params

    def _weighted_sf_all(self, data) -> np.ndarray:
        """``sum_k w_k G_k(i)`` for all particles (one numba pass, cell list, triangles)."""
        mat, inv = _box_matrices(data.box)
        pts = np.ascontiguousarray(data.points, dtype=np.float64)
        return weighted_sf_all(pts, mat, inv, bool(data.box.is2D), self._fast_params())

    def _weighted_sf(self, box, pts, targets, excluded=None) -> np.ndarray:
        """``sum_k w_k G_k(i)`` for ``targets`` (numba; float64 neighbour search)."""
        targets = np.asarray(targets, dtype=np.int64)
        if targets.size == 0:
            return np.zeros(0)
        params = self._kernel_params()
        starts, counts, nbr, vecs = _neighbors(box, pts, targets, params[0])
        if excluded is None:
            excluded = np.zeros(len(pts), dtype=np.bool_)
        return _sf_energy_kernel(targets, starts, counts, nbr, vecs, excluded, *params)

    def _lean_data(self, system: Any) -> SystemData | None:
        """Validated data without copies for the common inputs (a :class:`System` or a
        ``(freud.box.Box, (N, 3) float64 array)`` tuple), checked in one numba pass; ``None``
        when the input needs :func:`normalize_system` (other types, or invalid input, which
        it reports). Positions up to ``1e-6`` (fractional) outside the box count as inside:
        freud's float32 wrapping leaves points ~1e-8 outside in float64, and the minimum
        image makes such points well defined."""
        if isinstance(system, System):
            box, pts = system.box, system.positions
        elif isinstance(system, tuple) and len(system) == 2:
            box, pts = system
        else:
            return None
        if (
            type(box) is not freud.box.Box
            or type(pts) is not np.ndarray
            or pts.dtype != np.float64
            or pts.ndim != 2
            or pts.shape[1] != 3
            or pts.shape[0] == 0
            or not pts.flags.c_contiguous
        ):
            return None
        is2d = bool(box.is2D)
        if (2 if is2d else 3) != self.dimensions_:
            return None
        if not points_valid(pts, _box_matrices(box)[1], is2d, 1e-6):
            return None
        return SystemData(box=box, points=pts)

    def _data(self, system: Any):
        check_is_fitted(self, "sf_config_")
        data = self._lean_data(system)
        if data is not None:
            return data
        data = normalize_system(system)
        if data.dimensions != self.dimensions_:
            raise ValueError(
                f"This {_CLS} was fitted on {self.dimensions_}D systems; got a "
                f"{data.dimensions}D system."
            )
        return data

    # ---------------------------------------------------------------------- fit
    def fit(
        self,
        frames: Sequence[Any],
        energies: Sequence[Any],
        pool: Any,
        selector: Any = None,
        indices: Sequence[Any] | None = None,
    ) -> SymmetryFunctionPotential:
        """Select symmetry functions from ``pool`` and fit the weights (Ch. 2.3.3).

        Args:
            frames (sequence): Systems (anything :func:`normalize_system` accepts), all 2D
                or all 3D.
            energies (sequence of (n_f,) array_like): Reduced per-particle target energies
                of each frame (``U_i / K``; for AO the many-body term over ``z_p``), for the
                particles ``indices[f]`` (default: all particles).
            pool (SymmetryFunctions | dict): Candidate pool (e.g.
                ``SymmetryFunctions.pool_2d(1.0)``, 108 functions) or its config.
            selector (ForwardSelector | None): Selection by R² (cloned). Default
                ``ForwardSelector(max_features=20, tol=1e-7)``.
            indices (sequence of (n_f,) array_like | None): Particles of each frame used as
                samples (the thesis takes 10 random particles per snapshot).

        Returns:
            SymmetryFunctionPotential: self.

        Raises:
            ValueError: Empty pool, NaN/inf energies, mismatched lengths, mixed dimensions.
        """
        from hoomd_colloidml.models import ForwardSelector

        self._validate_params()
        pool = _pool_from(pool)
        frames = list(frames)
        energies = list(energies)
        if len(frames) == 0:
            raise ValueError(f"{_CLS}.fit needs at least one frame; got none.")
        if len(energies) != len(frames):
            raise ValueError(
                f"{_CLS}.fit needs one energy array per frame: got {len(frames)} frames and "
                f"{len(energies)} energy arrays."
            )
        if indices is not None and len(indices) != len(frames):
            raise ValueError(f"'indices' must hold one index array per frame ({len(frames)}).")
        X, y, dims = [], [], set()
        for f, (frame, e) in enumerate(zip(frames, energies, strict=True)):
            data = normalize_system(frame)
            dims.add(data.dimensions)
            idx = np.arange(data.N) if indices is None else _as_indices(indices[f], data.N)
            e = np.asarray(e, dtype=np.float64).reshape(-1)
            if e.shape != idx.shape:
                raise ValueError(
                    f"energies[{f}] must have shape {idx.shape} (one value per selected "
                    f"particle); got {e.shape}."
                )
            if not np.all(np.isfinite(e)):
                raise ValueError(
                    f"energies[{f}] contains NaN or infinite values; targets must be finite."
                )
            X.append(pool.compute((data.box, data.points)).values[idx])
            y.append(e)
        if len(dims) != 1:
            raise ValueError(f"{_CLS}.fit needs frames of one dimensionality; got {sorted(dims)}.")
        X = np.concatenate(X)
        y = np.concatenate(y)
        n = len(y)
        if n < 5:
            raise ValueError(f"{_CLS}.fit needs at least 5 samples; got {n}.")
        rng = np.random.default_rng(self.random_state)
        perm = rng.permutation(n)
        n_test = max(1, int(round(self.test_size * n)))
        test, train = perm[:n_test], perm[n_test:]
        sel = ForwardSelector(max_features=20, tol=1e-7) if selector is None else clone(selector)
        sel.fit(X[train], y[train])
        chosen = np.asarray(sel.selected_, dtype=np.int64)
        if chosen.size == 0:
            raise ValueError(f"{_CLS}.fit: the selector chose no symmetry function.")
        rmse_tr, rmse_te = [], []
        for k in range(1, len(chosen) + 1):
            cols = chosen[:k]
            w0, w = self._lstsq(X[train][:, cols], y[train])
            rmse_tr.append(_rmse(X[train][:, cols] @ w + w0, y[train]))
            rmse_te.append(_rmse(X[test][:, cols] @ w + w0, y[test]))
        # Selected set as a SymmetryFunctions config (radial first, then angular).
        n_rad = len(pool.radial)
        rad = sorted(int(c) for c in chosen if c < n_rad)
        ang = sorted(int(c) for c in chosen if c >= n_rad)
        order = np.array(rad + ang, dtype=np.int64)
        w0, w = self._lstsq(X[train][:, order], y[train])
        self.sf_config_ = SymmetryFunctions(
            pool.r_cut,
            radial=[pool.radial[c] for c in rad],
            angular=[pool.angular[c - n_rad] for c in ang],
        ).get_config()
        self.pool_config_ = pool.get_config()
        self.coef_ = w
        self.intercept_ = float(w0)
        self.selected_ = chosen
        self.sf_indices_ = order
        self.r2_path_ = np.asarray(sel.r2_path_, dtype=np.float64)
        self.rmse_path_train_ = np.asarray(rmse_tr)
        self.rmse_path_test_ = np.asarray(rmse_te)
        pred_tr = X[train][:, order] @ w + w0
        pred_te = X[test][:, order] @ w + w0
        self.rmse_train_ = _rmse(pred_tr, y[train])
        self.rmse_test_ = _rmse(pred_te, y[test])
        var_te = float(np.var(y[test]))
        self.r2_test_ = 1.0 - self.rmse_test_**2 / var_te if var_te > 0 else float("nan")
        self.r2_train_ = 1.0 - self.rmse_train_**2 / float(np.var(y[train]))
        self.dimensions_ = int(dims.pop())
        self.n_train_, self.n_test_ = len(train), len(test)
        self.feature_names_ = SymmetryFunctions.from_config(self.sf_config_).feature_names
        self._sf_cache = None
        self._kp_cache = None
        self._fp_cache = None
        return self

    @staticmethod
    def _lstsq(X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        xm, ym = X.mean(0), y.mean()
        w, *_ = np.linalg.lstsq(X - xm, y - ym, rcond=None)
        return float(ym - xm @ w), w

    # ------------------------------------------------------------------ energies
    def reduced_energies(self, system: Any) -> np.ndarray:
        """The fitted reduced energies ``w_0 + sum_k w_k G_k(i)``, shape ``(N,)``."""
        data = self._data(system)
        return self._weighted_sf_all(data) + self.intercept_

    def energies(self, system: Any) -> np.ndarray:
        """Per-particle energies in kT, shape ``(N,)`` (fit times scale, plus pair term)."""
        data = self._data(system)
        g = self._weighted_sf_all(data)
        u = self.energy_scale * (g + self.intercept_)
        pair = self._pair()
        if pair is not None:
            u = u + pair.pair_energies((data.box, data.points))
        return u

    def forces(self, system: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Analytic ``(energies (N,), forces (N, dim), virial (6,))``.

        ``F_k = -s sum_i sum_m w_m dG_m(i)/dr_k`` and ``W_ab = -sum_(i,j) r_ij,a
        dE_i/dr_j,b`` from the symmetry-function gradients; plus the analytic pair term.
        """
        data = self._data(system)
        sf = self._sf().compute((data.box, data.points), gradients=True)
        s = self.energy_scale
        u = s * (sf.values @ self.coef_ + self.intercept_)
        de_dg = np.broadcast_to(s * self.coef_, sf.values.shape)
        forces = sf.contract_gradients(de_dg)
        virial = sf.virial(de_dg)
        pair = self._pair()
        if pair is not None:
            pe, pf, pw = pair.pair_forces((data.box, data.points))
            u = u + pe
            forces = forces + pf[:, : forces.shape[1]]
            virial = virial + pw
        return u, forces, virial

    def mc_translation_sweeps(self, pos: np.ndarray, image: np.ndarray, diam: np.ndarray,
                              L: np.ndarray, L_image: np.ndarray, dim: int, beta: float,
                              energy: float, n_sweeps: int, step: float, rng: np.ndarray,
                              counters: np.ndarray, r_hard: float) -> float:
        """Compiled translation sweeps for the embedded engine (see :mod:`._sf_mc`).

        :class:`hoomd_colloidml.engine.MonteCarlo` calls this instead of its Python
        many-body path when this potential is its only potential besides the hard cores:
        the same moves, random draws and acceptance rule, one compiled loop over a cell
        list (257x faster per move than the generic path on an AO fluid of N = 1372,
        ``benchmarks/bench_potentials.py --part mc``). Arguments are the engine's state
        arrays, modified in place (``L_image``: the box lengths of the minimum image, those of the
        engine's ``freud.box.Box``); returns the running energy.

        Raises:
            ValueError: The engine's dimension differs from the training frames'.
        """
        from hoomd_colloidml.potentials._sf_mc import sf_translation_sweeps

        check_is_fitted(self, "sf_config_")
        if int(dim) != self.dimensions_:
            raise ValueError(
                f"This {_CLS} was fitted on {self.dimensions_}D systems; got a {dim}D system."
            )
        rc, r_eta, r_rs, r_w, a_eta_idx, etas, a_xi, a_lam, a_w = self._fast_params()
        pair = self._pair()
        if pair is None:
            ao = (False, 0.0, 0.0, 0.0, False)
        else:
            ao = (True, float(pair.sigma_c), float(pair.r_cut), float(pair.z_p),
                  bool(pair.hard_core))
        r_search = max(float(r_hard), float(self.r_cut))
        return sf_translation_sweeps(
            pos, image, diam, L, np.asarray(L_image, dtype=np.float64), int(dim), float(beta),
            float(energy), int(n_sweeps), float(step), rng, counters, r_search, rc, r_eta,
            r_rs, r_w, a_eta_idx, etas, a_xi, a_lam, a_w, float(self.energy_scale), *ao,
        )

    def local_energy(self, system: Any, indices: Any) -> float:
        """Energy attributable to ``indices`` (``E - E_(indices removed)`` + const).

        Evaluates in one numba call the weighted symmetry functions of ``indices`` and, of
        their neighbours within ``r_cut``, the terms that involve ``indices`` (``W(o) -
        W(o without indices)``), so before/after differences of a trial move are exact and
        cost O(N) for the brute-force float64 neighbour search plus O(neighbours).
        """
        data = self._data(system)
        idx = _as_indices(indices, data.N)
        if idx.size == 0:
            return 0.0
        mat, inv = _box_matrices(data.box)
        pts = np.ascontiguousarray(data.points, dtype=np.float64)
        total = local_weighted_sf(pts, mat, inv, bool(data.box.is2D), idx, *self._kernel_params())
        total = self.energy_scale * (total + self.intercept_ * idx.size)
        pair = self._pair()
        if pair is not None:
            total += pair.local_energy((data.box, data.points), idx)
        return total

    # ---------------------------------------------------------------- persistence
    def _get_state(self):
        meta = {
            "sf_config": self.sf_config_,
            "pool_config": self.pool_config_,
            "intercept": self.intercept_,
            "rmse_train": self.rmse_train_,
            "rmse_test": self.rmse_test_,
            "r2_test": self.r2_test_,
            "r2_train": self.r2_train_,
            "dimensions": self.dimensions_,
            "n_train": self.n_train_,
            "n_test": self.n_test_,
        }
        arrays = {
            "coef": self.coef_,
            "selected": self.selected_,
            "sf_indices": self.sf_indices_,
            "r2_path": self.r2_path_,
            "rmse_path_train": self.rmse_path_train_,
            "rmse_path_test": self.rmse_path_test_,
        }
        return meta, arrays

    def _set_state(self, meta, arrays):
        self.sf_config_ = meta["sf_config"]
        self.pool_config_ = meta["pool_config"]
        self.intercept_ = float(meta["intercept"])
        self.rmse_train_ = float(meta["rmse_train"])
        self.rmse_test_ = float(meta["rmse_test"])
        self.r2_test_ = float(meta["r2_test"])
        self.r2_train_ = float(meta["r2_train"])
        self.dimensions_ = int(meta["dimensions"])
        self.n_train_ = int(meta["n_train"])
        self.n_test_ = int(meta["n_test"])
        self.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        self.selected_ = np.asarray(arrays["selected"], dtype=np.int64)
        self.sf_indices_ = np.asarray(arrays["sf_indices"], dtype=np.int64)
        self.r2_path_ = arrays["r2_path"]
        self.rmse_path_train_ = arrays["rmse_path_train"]
        self.rmse_path_test_ = arrays["rmse_path_test"]
        self._sf_cache = None
        self._kp_cache = None
        self._fp_cache = None

    @classmethod
    def load(cls, directory: Any) -> SymmetryFunctionPotential:
        """Load a potential written by :meth:`save` (JSON + safetensors, SHA-256 checked)."""
        from hoomd_colloidml.models._base import ModelFileError
        from hoomd_colloidml.models._base import load as _load

        est = _load(directory)
        if not isinstance(est, cls):
            raise ModelFileError(f"{directory} holds a {type(est).__name__}, not a {_CLS}.")
        return est

    def __repr__(self) -> str:
        return (
            f"{_CLS}(scale={self.scale!r}, pair_term={self.pair_term!r}, "
            f"test_size={self.test_size!r}, random_state={self.random_state!r})"
        )
