"""Metropolis Monte Carlo for hard, pair and many-body potentials (the embedded engine)."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from typing import Any

import freud
import numpy as np
from tqdm.auto import tqdm

from hoomd_colloidml.engine import kernels as K
from hoomd_colloidml.engine.ensembles import NPT, NVT
from hoomd_colloidml.engine.pair import PairPotential
from hoomd_colloidml.engine.trajectory import GSDWriter
from hoomd_colloidml.potentials.base import ManyBodyPotential
from hoomd_colloidml.system import System

__all__ = ["MonteCarlo"]

_LOG = "colloidml/engine/"
_EPS = 0.002 * np.arange(1, 9)  # relative virtual compressions for the step-pressure


def _check_real(name: str, value: Any, positive: bool = True, allow_zero: bool = False) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(
            f"The '{name}' parameter of MonteCarlo must be a real number. Got {value!r} instead."
        ) from None
    bad = not math.isfinite(v) or (positive and (v < 0 or (v == 0 and not allow_zero)))
    if bad:
        what = "a finite number" + ((" >= 0" if allow_zero else " > 0") if positive else "")
        raise ValueError(
            f"The '{name}' parameter of MonteCarlo must be {what}. Got {value!r} instead."
        )
    return v


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"The '{name}' parameter of MonteCarlo must be an int >= {minimum}. Got {value!r} "
            "instead."
        )
    if value < minimum:
        raise ValueError(
            f"The '{name}' parameter of MonteCarlo must be an int >= {minimum}. Got {value!r} "
            "instead."
        )
    return int(value)


class MonteCarlo:
    """Metropolis Monte Carlo in a periodic orthorhombic box, 2D or 3D.

    Hard cores come from ``system.diameters`` (additive); ``potentials`` adds pair
    potentials (:mod:`hoomd_colloidml.engine.pair`, given per type pair) and many-body
    potentials (:class:`hoomd_colloidml.potentials.ManyBodyPotential`). Pair and hard
    interactions run inside one numba-compiled sweep with cell lists. A many-body potential
    that is the only potential besides the hard cores and provides ``mc_translation_sweeps``
    (a fitted :class:`~hoomd_colloidml.potentials.SymmetryFunctionPotential`) runs the
    translation moves in its own compiled sweep with the same random draws and acceptance
    rule. Otherwise many-body terms go through Python: ``local_energy`` before and after
    the move, of the moved particle alone when every many-body potential sets
    ``local_energy_is_removal`` (its ``local_energy([i])`` holds every term that depends on
    ``i``), else of the moved particle and every particle within ``r_cut`` of its old or
    new position. Box moves with many-body potentials recompute the total energy.

    One sweep is ``N`` translation trials (uniformly chosen particles) and, in NPT,
    ``box_trials`` box trials. Runs are reproducible from ``seed`` (xoshiro256** stream)
    and resumable from a GSD frame written by :meth:`trajectory` (:meth:`from_gsd`).

    Args:
        system (hoomd_colloidml.System): Initial configuration (copied).
        potentials (sequence): Pair and many-body potentials (may be empty: hard cores only).
        seed (int): Seed of the random stream.
        kT (float): Temperature in energy units (``beta = 1 / kT``).
        step_size (float): Initial maximum displacement per axis (default ``0.1 d_min``).
        box_step (float): Initial maximum change of ln V (isotropic) or ln L (axes).

    Attributes:
        system (hoomd_colloidml.System): Current configuration (a copy).
        energy (float): Running total energy (sum of accepted energy changes).
        acceptance (dict): Acceptance ratios of the last :meth:`run` (``"translate"``, ``"box"``).
        pressure (float): Pressure estimate over the last :meth:`run` (see :meth:`run`).

    Example:
        >>> import freud, numpy as np
        >>> from hoomd_colloidml import System
        >>> from hoomd_colloidml.engine import MonteCarlo, NPT
        >>> pos = np.stack(np.meshgrid(*[np.arange(4) * 1.5 - 3.0] * 3), -1).reshape(-1, 3)
        >>> mc = MonteCarlo(System(freud.box.Box.cube(6.0), pos), seed=1)
        >>> mc.run(20, NPT(pressure=2.0), progress=False)
        >>> 0.1 < mc.packing_fraction < 0.6
        True
    """

    def __init__(
        self,
        system: System,
        potentials: Sequence[Any] = (),
        seed: int = 0,
        kT: float = 1.0,
        step_size: float | None = None,
        box_step: float = 0.01,
    ) -> None:
        if not isinstance(system, System):
            raise TypeError(
                "The 'system' parameter of MonteCarlo must be a hoomd_colloidml.System. Got "
                f"{type(system).__name__} instead."
            )
        if isinstance(potentials, PairPotential | ManyBodyPotential):
            potentials = (potentials,)
        self._pairs: list[PairPotential] = []
        self._many: list[ManyBodyPotential] = []
        for p in potentials:
            if isinstance(p, PairPotential):
                self._pairs.append(p)
            elif isinstance(p, ManyBodyPotential):
                self._many.append(p)
            else:
                raise TypeError(
                    "Each potential must be an engine PairPotential or a ManyBodyPotential. Got "
                    f"{type(p).__name__} instead."
                )
        self.seed = seed
        self.kT = _check_real("kT", kT)
        self._dim = system.dimensions
        self._types = list(system.types)
        self._typeid = np.ascontiguousarray(system.typeid, dtype=np.int64)
        self._diam = np.ascontiguousarray(system.diameters, dtype=np.float64)
        self._build_tables()
        box = system.box
        self._L = np.array([box.Lx, box.Ly, box.Lz if self._dim == 3 else 1.0])
        if abs(box.xy) + abs(box.xz) + abs(box.yz) > 0:
            raise ValueError(
                "MonteCarlo needs an orthorhombic box (tilt factors xy = xz = yz = 0)."
            )
        self._check_box(self._L)
        self._pos = np.array(system.positions, dtype=np.float64)  # freud.wrap is float32
        self._wrap_half_open()
        self._image = np.zeros((system.N, 3), dtype=np.int64)
        self._sys = system.copy()
        self._sys.positions = self._pos
        self._rng = K.seed_state(seed)
        dmin = float(self._diam[self._diam > 0].min()) if np.any(self._diam > 0) else 1.0
        self.step_size = 0.1 * dmin if step_size is None else _check_real("step_size", step_size)
        self.box_step = _check_real("box_step", box_step)
        self.sweep = 0
        self._counters = np.zeros(4, dtype=np.int64)
        self._last_counters = np.zeros(4, dtype=np.int64)
        self._energy = self._initial_energy()
        self._writer: GSDWriter | None = None
        self._every = 0
        self._reset_samples()
        self._set_pressure = float("nan")
        #: Let a many-body potential with ``mc_translation_sweeps`` (a fitted
        #: :class:`~hoomd_colloidml.potentials.SymmetryFunctionPotential`) run the
        #: translation moves in compiled code; False forces the generic Python path.
        self.use_compiled_many_body = True

    # ---- set-up -------------------------------------------------------------------------
    def _build_tables(self) -> None:
        T = len(self._types)
        P = len(self._pairs)
        self._kinds = np.zeros((P, T, T), dtype=np.int64)
        self._params = np.zeros((P, T, T, K.NPARAM))
        rcut = np.zeros((P, T, T))
        for k, pot in enumerate(self._pairs):
            self._kinds[k], self._params[k], rcut[k] = pot.table(self._types)
        self._rcut2 = rcut**2
        self._rmax = float(max(self._diam.max(initial=0.0), rcut.max(initial=0.0)))
        self._rc_many = float(max((p.r_cut for p in self._many), default=0.0))

    def _check_box(self, L: np.ndarray) -> None:
        need = max(self._rmax, self._rc_many)
        for d, name in zip(range(self._dim), "xyz", strict=False):
            if L[d] < 2.0 * need:
                raise ValueError(
                    f"The box length L{name} = {L[d]:g} is smaller than twice the interaction "
                    f"range ({need:g}); the minimum-image convention needs L >= {2 * need:g}. "
                    "Use a larger system."
                )

    def _cell_r(self) -> float:
        if self._rmax > 0:
            return self._rmax
        return float(self._L[: self._dim].min()) / 3.0  # no pair interactions at all

    def _wrap_half_open(self) -> None:
        for d in range(self._dim):
            col = self._pos[:, d]
            col -= self._L[d] * np.floor(col / self._L[d] + 0.5)
            col[col >= 0.5 * self._L[d]] -= self._L[d]

    def _first_overlap(self) -> str:
        box = freud.box.Box(*self._L[:2], self._L[2] if self._dim == 3 else 0.0)
        nq = freud.locality.AABBQuery(box, self._pos)
        rmax = max(self._rmax, 1e-12)
        nl = nq.query(self._pos, {"r_max": rmax, "exclude_ii": True}).toNeighborList()
        for i, j, r in zip(nl.query_point_indices, nl.point_indices, nl.distances, strict=True):
            sig = 0.5 * (self._diam[i] + self._diam[j])
            if r < sig:
                return f"e.g. particles {i} and {j} at distance {r:.6g} < sigma_ij = {sig:.6g}"
        return "a pair potential with a hard core reports an overlap"

    def _pair_energy(self, pos=None, L=None) -> float:
        return float(
            K.total_energy(
                self._pos if pos is None else pos, self._typeid, self._diam,
                self._L if L is None else L, self._dim, self._kinds, self._params,
                self._rcut2, self._cell_r(),
            )
        )

    def _initial_energy(self) -> float:
        e = self._pair_energy()
        if not math.isfinite(e):
            raise ValueError(
                "The initial configuration has overlapping hard cores (" + self._first_overlap()
                + "); MonteCarlo needs a configuration with finite energy."
            )
        return e + sum(p.energy(self._sys) for p in self._many)

    # ---- public state -------------------------------------------------------------------
    def _box(self, L: np.ndarray | None = None) -> freud.box.Box:
        L = self._L if L is None else L
        if self._dim == 2:
            return freud.box.Box(L[0], L[1], 0.0, is2D=True)
        return freud.box.Box(L[0], L[1], L[2])

    @property
    def system(self) -> System:
        """Current configuration as a new :class:`hoomd_colloidml.System`."""
        box = self._box()
        # freud stores box lengths in single precision: wrap with those lengths
        Lf = np.array([box.Lx, box.Ly, box.Lz if self._dim == 3 else 1.0], dtype=np.float64)
        pos = self._pos.copy()
        d = self._dim
        pos[:, :d] -= Lf[:d] * np.floor(pos[:, :d] / Lf[:d] + 0.5)
        return System(box, pos, self._typeid.copy(), list(self._types), self._diam.copy())

    @property
    def N(self) -> int:  # noqa: N802
        return len(self._pos)

    @property
    def volume(self) -> float:
        return float(np.prod(self._L[: self._dim]))

    @property
    def density(self) -> float:
        """Number density N / V."""
        return self.N / self.volume

    @property
    def packing_fraction(self) -> float:
        """Current packing fraction of the hard cores (diameters)."""
        return self._sys_packing(self.volume)

    def _sys_packing(self, volume: float) -> float:
        d = self._diam
        per = np.pi * d**2 / 4 if self._dim == 2 else np.pi * d**3 / 6
        return float(per.sum() / volume)

    @property
    def energy(self) -> float:
        """Running total energy (energy units)."""
        return float(self._energy)

    def recompute_energy(self) -> float:
        """Total energy computed from scratch (for checks against :attr:`energy`)."""
        self._sys.box = self._box()
        return self._pair_energy() + sum(p.energy(self._sys) for p in self._many)

    @property
    def unwrapped_positions(self) -> np.ndarray:
        """(N, 3) numpy.ndarray: positions plus image shifts (continuous trajectories)."""
        return self._pos + self._image * self._L[None, :] * (np.arange(3) < self._dim)

    @property
    def image(self) -> np.ndarray:
        return self._image.copy()

    @property
    def acceptance(self) -> dict[str, float]:
        """Acceptance ratios of translation and box moves during the last :meth:`run`."""
        c = self._counters - self._last_counters
        return {
            "translate": float(c[1] / c[0]) if c[0] else float("nan"),
            "box": float(c[3] / c[2]) if c[2] else float("nan"),
        }

    # ---- observables ------------------------------------------------------------------
    def _reset_samples(self) -> None:
        self._obs: dict[str, list[float]] = {
            k: [] for k in ("sweep", "energy", "volume", "density", "packing_fraction")
        }
        self._pobs: dict[str, list[Any]] = {k: [] for k in ("density", "virial", "step", "many")}

    @property
    def observables(self) -> dict[str, np.ndarray]:
        """Samples of the last :meth:`run`: sweep, energy, volume, density, packing_fraction."""
        return {k: np.asarray(v) for k, v in self._obs.items()}

    @property
    def pressure(self) -> float:
        """Pressure estimate over the last :meth:`run` (energy / length^dim).

        ``P = kT <rho> + <W> / (d V) + P_step + P_many``: the virial ``W`` of the continuous
        pair terms; for hard cores and square shoulders a virtual-compression estimator
        (Eppenga & Frenkel, Mol. Phys. 52, 1303 (1984)): ``beta P_step = lim dV->0
        <sum_pairs 1 - exp(-beta du_ij)> / dV`` over pairs whose step energy changes when
        the box is compressed by ``dV = eps V``, evaluated at eps = 0.002 ... 0.016 and
        extrapolated linearly to 0; many-body terms by a finite difference
        of their energy under a compression by ``eps = 1e-6``. NaN without samples.
        """
        if not self._pobs["density"]:
            return float("nan")
        rho = np.mean(self._pobs["density"])
        vir = np.mean(self._pobs["virial"])
        y = np.mean(self._pobs["step"], axis=0)  # beta P_step estimates at each eps
        step = self.kT * float(np.polyfit(_EPS, y, 1)[-1]) if np.any(y) else 0.0
        many = np.mean(self._pobs["many"])
        return float(self.kT * rho + vir + step + many)

    def _sample_pressure(self) -> None:
        scales = (1.0 - _EPS) ** (1.0 / self._dim)
        W, S = K.pair_terms(self._pos, self._typeid, self._diam, self._L, self._dim,
                            self._kinds, self._params, self._rcut2, self._cell_r(), scales,
                            1.0 / self.kT)
        V = self.volume
        many = 0.0
        if self._many:
            eps = 1e-6
            Ls = self._L.copy()
            Ls[: self._dim] *= (1.0 - eps) ** (1.0 / self._dim)
            e0 = self._mb_total()
            self._sys.positions = self._pos * (Ls / self._L)
            self._sys.box = self._box(Ls)
            e1 = self._mb_total()
            self._sys.positions = self._pos
            self._sys.box = self._box()
            many = (e1 - e0) / (eps * V)
        self._pobs["density"].append(self.N / V)
        self._pobs["virial"].append(W / (self._dim * V))
        self._pobs["step"].append(S / (_EPS * V))
        self._pobs["many"].append(many)

    def _sample(self) -> None:
        V = self.volume
        self._obs["sweep"].append(self.sweep)
        self._obs["energy"].append(self._energy)
        self._obs["volume"].append(V)
        self._obs["density"].append(self.N / V)
        self._obs["packing_fraction"].append(self._sys_packing(V))

    # ---- trajectory -------------------------------------------------------------------
    def trajectory(self, path: str | os.PathLike, every: int, mode: str = "w") -> GSDWriter:
        """Write a GSD frame (HOOMD schema) every ``every`` sweeps during :meth:`run`.

        Frames carry ``particles/image``, the energy, packing fraction, pressure and, under
        ``log/colloidml/engine/...``, the float64 positions and box, step sizes and random
        stream state needed by :meth:`from_gsd` to continue the same Markov chain. The
        current state is written immediately when the file is empty. Each frame is flushed.
        """
        every = _check_int("every", every, 1)
        if self._writer is not None:
            self._writer.close()
        self._writer = GSDWriter(path, mode)
        self._every = every
        if len(self._writer) == 0:
            self._write_frame()
        return self._writer

    def _frame_log(self) -> dict[str, Any]:
        return {
            "colloidml/energy": np.float64(self._energy),
            "colloidml/packing_fraction": np.float64(self.packing_fraction),
            "colloidml/density": np.float64(self.density),
            "colloidml/pressure": np.float64(self._set_pressure),
            _LOG + "sweep": np.int64(self.sweep),
            _LOG + "rng_state": self._rng.copy(),
            _LOG + "step_size": np.float64(self.step_size),
            _LOG + "box_step": np.float64(self.box_step),
            _LOG + "kT": np.float64(self.kT),
            _LOG + "box": self._L.copy(),
            _LOG + "counters": self._counters.copy(),
            "particles/" + _LOG + "position": self._pos.copy(),
        }

    def _write_frame(self) -> None:
        self._writer.write(self.system, self.sweep, self._frame_log(), self._image)

    def close(self) -> None:
        """Close the trajectory file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    @classmethod
    def from_gsd(
        cls,
        path: str | os.PathLike,
        frame: int = -1,
        potentials: Sequence[Any] = (),
        seed: int | None = None,
        kT: float | None = None,
    ) -> MonteCarlo:
        """Resume from a frame of a GSD file.

        Frames written by :meth:`trajectory` restore the exact float64 state, sweep count,
        step sizes and random stream, so the resumed run continues the same Markov chain
        (pass the same ``potentials``). Other HOOMD GSD files start a new chain from the
        frame (``seed`` required then).
        """
        import gsd.hoomd

        with gsd.hoomd.open(os.fspath(path), "r") as f:
            if len(f) == 0:
                raise ValueError(f"The GSD file {os.fspath(path)!r} has no frames.")
            fr = f[frame]
        system = System.from_gsd_frame(fr)
        log = fr.log
        exact = (_LOG + "rng_state") in log
        if exact:  # rebuild from the float64 copies: float32 rounding may create overlaps
            L = np.asarray(log[_LOG + "box"], dtype=np.float64)
            box = (
                freud.box.Box(L[0], L[1], 0.0, is2D=True)
                if system.dimensions == 2
                else freud.box.Box(*L)
            )
            pos = np.asarray(log["particles/" + _LOG + "position"], dtype=np.float64)
            system = System(box, pos, system.typeid, system.types, system.diameters)
        if kT is None:
            kT = float(log[_LOG + "kT"][0]) if exact else 1.0
        if not exact and seed is None:
            raise ValueError(
                "This GSD frame has no engine state (log/colloidml/engine/...); pass a seed."
            )
        mc = cls(system, potentials, seed=0 if seed is None else seed, kT=kT)
        if exact:
            mc._L[:] = L
            mc._pos[:] = pos
            mc._wrap_half_open()
            mc._sys.box = mc._box()
            if fr.particles.image is not None:
                mc._image[:] = np.asarray(fr.particles.image, dtype=np.int64)
            mc.sweep = int(log[_LOG + "sweep"][0])
            mc.step_size = float(log[_LOG + "step_size"][0])
            mc.box_step = float(log[_LOG + "box_step"][0])
            mc._counters[:] = np.asarray(log[_LOG + "counters"], dtype=np.int64)
            mc._last_counters[:] = mc._counters
            if seed is None:
                mc._rng = np.asarray(log[_LOG + "rng_state"], dtype=np.uint64).copy()
            mc._energy = float(log["colloidml/energy"][0])
            fresh = mc.recompute_energy()
            if not math.isclose(fresh, mc._energy, rel_tol=1e-9, abs_tol=1e-9 * mc.N):
                mc._energy = fresh  # different potentials than the writer: start from scratch
        return mc

    # ---- running ------------------------------------------------------------------------
    def run(
        self,
        sweeps: int,
        ensemble: NVT | NPT | None = None,
        progress: bool = True,
        equilibrate: bool = False,
        target_acceptance: float = 0.3,
        sample_every: int = 1,
        pressure_every: int = 10,
    ) -> None:
        """Run ``sweeps`` Monte Carlo sweeps.

        Args:
            sweeps (int): Number of sweeps (``N`` translation trials each, plus one box
                trial in NPT).
            ensemble (NVT or NPT): Default :class:`NVT`.
            progress (bool): Show a tqdm bar with acceptance, energy per particle,
                packing fraction and pressure.
            equilibrate (bool): Tune the maximum displacement and box step every 20 sweeps
                towards ``target_acceptance``. Leave False in production runs (tuning
                breaks detailed balance).
            target_acceptance (float): Target acceptance ratio when equilibrating.
            sample_every (int): Record energy, volume, density and packing fraction every
                this many sweeps (:attr:`observables`).
            pressure_every (int): Take a pressure sample every this many sweeps (0: never).
        """
        sweeps = _check_int("sweeps", sweeps, 0)
        sample_every = _check_int("sample_every", sample_every, 1)
        pressure_every = _check_int("pressure_every", pressure_every, 0)
        ensemble = NVT() if ensemble is None else ensemble
        if not isinstance(ensemble, NVT | NPT):
            raise TypeError(
                "The 'ensemble' parameter of MonteCarlo.run must be NVT() or NPT(pressure). Got "
                f"{ensemble!r} instead."
            )
        target = _check_real("target_acceptance", target_acceptance)
        if not target < 1:
            raise ValueError(f"target_acceptance must be in (0, 1). Got {target_acceptance!r}.")
        box_mode = ensemble.box_mode
        n_box = ensemble.box_trials if isinstance(ensemble, NPT) else 0
        beta_p = ensemble.pressure / self.kT if isinstance(ensemble, NPT) else 0.0
        self._set_pressure = ensemble.pressure if isinstance(ensemble, NPT) else float("nan")
        self._last_counters = self._counters.copy()
        self._reset_samples()
        tune_every = 20
        win = self._counters.copy()
        bar = tqdm(total=sweeps, disable=not progress, desc="MC", unit="sweep")
        last_post = 0.0
        done = 0
        try:
            while done < sweeps:
                chunk = sweeps - done
                for period in (sample_every, pressure_every, self._every,
                               tune_every if equilibrate else 0):
                    if period:
                        chunk = min(chunk, period - self.sweep % period)
                self._advance(chunk, box_mode, beta_p, n_box)
                done += chunk
                self.sweep += chunk
                if self.sweep % sample_every == 0:
                    self._sample()
                if pressure_every and self.sweep % pressure_every == 0:
                    self._sample_pressure()
                if equilibrate and self.sweep % tune_every == 0:
                    self._tune(win, target)
                    win = self._counters.copy()
                if self._every and self.sweep % self._every == 0:
                    self._write_frame()
                bar.update(chunk)
                now = time.monotonic()
                if progress and now - last_post > 0.5:
                    last_post = now
                    acc = self.acceptance
                    bar.set_postfix(
                        acc=f"{acc['translate']:.2f}", E_N=f"{self._energy / self.N:.4g}",
                        rho=f"{self.density:.4f}", eta=f"{self.packing_fraction:.4f}",
                        P=f"{self.pressure:.4g}",
                        refresh=False,
                    )
        finally:
            bar.close()

    def _tune(self, win: np.ndarray, target: float) -> None:
        c = self._counters - win
        if c[0]:
            f = min(2.0, max(0.5, (c[1] / c[0]) / target))
            self.step_size = min(self.step_size * f, 0.25 * float(self._L[: self._dim].min()))
        if c[2]:
            f = min(2.0, max(0.5, (c[3] / c[2]) / target))
            self.box_step = min(self.box_step * f, 0.5)

    def _advance(self, n: int, box_mode: int, beta_p: float, n_box: int) -> None:
        if self._many:
            if self._compiled_many() is not None:
                self._advance_compiled(n, box_mode, beta_p, n_box)
            else:
                self._advance_python(n, box_mode, beta_p, n_box)
            return
        self._energy = K.mc_sweeps(
            self._pos, self._image, self._typeid, self._diam, self._L, self._dim,
            self._kinds, self._params, self._rcut2, self._cell_r(), 1.0 / self.kT,
            self._energy, n, self.step_size, box_mode, beta_p, self.box_step, n_box, self._rng,
            self._counters,
        )
        self._sys.box = self._box()

    # ---- many-body path (compiled by the potential) -------------------------------------
    def _compiled_many(self) -> ManyBodyPotential | None:
        """The many-body potential that runs its own compiled translation sweeps, if any.

        Used when it is the only potential besides the hard cores (no engine pair
        potential, one many-body potential with ``mc_translation_sweeps``) and
        ``use_compiled_many_body`` is true.
        """
        if not self.use_compiled_many_body or len(self._many) != 1 or self._kinds.shape[0]:
            return None
        p = self._many[0]
        return p if callable(getattr(p, "mc_translation_sweeps", None)) else None

    def _advance_compiled(self, n: int, box_mode: int, beta_p: float, n_box: int) -> None:
        p = self._compiled_many()
        beta = 1.0 / self.kT
        blocks = [n] if not (box_mode and n_box) else [1] * n
        for m in blocks:
            box = self._box()
            self._sys.box = box
            # the minimum image of the freud box (single-precision lengths), as the
            # potential's own energies use it, so translation and box moves share one E
            L_image = np.array([box.Lx, box.Ly, box.Lz if self._dim == 3 else 1.0])
            self._energy = p.mc_translation_sweeps(
                self._pos, self._image, self._diam, self._L, L_image, self._dim, beta,
                self._energy, m, self.step_size, self._rng, self._counters, self._rmax,
            )
            for _b in range(n_box if box_mode else 0):
                self._box_move_python(box_mode, beta_p, beta)

    # ---- many-body path (Python) --------------------------------------------------------
    def _mb_local(self, idx: np.ndarray) -> float:
        return float(sum(p.local_energy(self._sys, idx) for p in self._many))

    def _mb_total(self) -> float:
        return float(sum(p.energy(self._sys) for p in self._many))

    def _advance_python(self, n: int, box_mode: int, beta_p: float, n_box: int) -> None:
        N, dim, L, pos, rng = self.N, self._dim, self._L, self._pos, self._rng
        beta = 1.0 / self.kT
        args = (self._typeid, self._diam)
        tab = (self._kinds, self._params, self._rcut2, self._cell_r())
        has_pair = self._kinds.shape[0] > 0
        rc = self._rc_many
        removal = all(getattr(p, "local_energy_is_removal", False) for p in self._many)
        for _ in range(n):
            self._sys.box = self._box()
            for _t in range(N):
                i = min(int(K.rng_uniform(rng) * N), N - 1)
                self._counters[0] += 1
                new = pos[i].copy()
                img = self._image[i].copy()
                for d in range(dim):
                    new[d] += self.step_size * (2.0 * K.rng_uniform(rng) - 1.0)
                    if new[d] >= 0.5 * L[d]:
                        new[d] -= L[d]
                        img[d] += 1
                    elif new[d] < -0.5 * L[d]:
                        new[d] += L[d]
                        img[d] -= 1
                e_new = K.brute_particle_energy(i, new, pos, *args, L, dim, *tab)
                if e_new == np.inf:
                    continue
                e_old = K.brute_particle_energy(i, pos[i], pos, *args, L, dim, *tab) if has_pair \
                    else 0.0
                if removal:  # local_energy([i]) holds every term that depends on i
                    idx = np.array([i], dtype=np.int64)
                else:
                    idx = K.neighbors_within(pos[i], new, pos, L, dim, rc)
                before = self._mb_local(idx)
                old = pos[i].copy()
                pos[i] = new
                after = self._mb_local(idx)
                de = (e_new - e_old) + (after - before)
                if de > 0.0 and K.rng_uniform(rng) >= math.exp(-beta * de):
                    pos[i] = old
                    continue
                self._counters[1] += 1
                self._energy += de
                self._image[i] = img
            for _b in range(n_box if box_mode else 0):
                self._box_move_python(box_mode, beta_p, beta)

    def _box_move_python(self, box_mode: int, beta_p: float, beta: float) -> None:
        dim, rng = self._dim, self._rng
        self._counters[2] += 1
        newL = self._L.copy()
        if box_mode == 1:
            newL[:dim] *= math.exp(self.box_step * (2.0 * K.rng_uniform(rng) - 1.0) / dim)
        else:
            k = min(int(K.rng_uniform(rng) * dim), dim - 1)
            newL[k] *= math.exp(self.box_step * (2.0 * K.rng_uniform(rng) - 1.0))
        need = max(self._rmax, self._rc_many)
        if np.any(newL[:dim] < 2.0 * need):
            return
        vold, vnew = self.volume, float(np.prod(newL[:dim]))
        newpos = self._pos * (newL / self._L)
        e_pair = self._pair_energy(newpos, newL)
        if not math.isfinite(e_pair):
            return
        self._sys.positions = newpos
        self._sys.box = self._box(newL)
        enew = e_pair + self._mb_total()
        arg = -beta * (enew - self._energy) - beta_p * (vnew - vold) + (self.N + 1) * math.log(
            vnew / vold
        )
        if arg < 0.0 and K.rng_uniform(rng) >= math.exp(arg):
            self._sys.positions = self._pos
            self._sys.box = self._box()
            return
        self._counters[3] += 1
        self._pos[:] = newpos
        self._L[:] = newL
        self._sys.positions = self._pos
        self._sys.box = self._box()
        self._energy = enew

    def __repr__(self) -> str:
        pots = ", ".join(repr(p) for p in (*self._pairs, *self._many))
        return (
            f"MonteCarlo(<System N={self.N}>, potentials=[{pots}], seed={self.seed!r}, "
            f"kT={self.kT!r})"
        )
