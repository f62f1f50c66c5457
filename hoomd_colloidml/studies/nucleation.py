"""Crystal nucleation and growth runs of hard spheres on the embedded engine (thesis Ch. 4.3.5).

The thesis follows a WCA system (βε = 40, βPσ³ = 30, N = 2048) in an isothermal-isobaric
Monte Carlo run from the fluid to the crystal and analyses six snapshots spanning crystalline
fractions of 2 % to 98 % (Fig. 4.12, Table 4.1). Here the same run is made with hard spheres
(βε = 40 WCA is close to hard spheres; issue 8 allows either):

1. :func:`supersaturated_fluid` builds a fluid at the Carnahan–Starling packing fraction of
   the chosen pressure, optionally with a small FCC *seed* (a sphere of crystal at the
   crystal's density, :func:`seeded_fluid`) at the box centre. Without a seed the run relies
   on spontaneous nucleation, which for hard spheres at βPσ³ ≲ 25 and N ≈ 2000 takes far
   more sweeps than a CI run (or a study run) can afford (none in 37 000 sweeps at
   βPσ³ = 20, 21 000 at 22, 7 700 at 25); with a seed the crystal grows from a
   supercritical nucleus (seeded growth, e.g. Espinosa et al., J. Chem. Phys. 144, 034501
   (2016)). At βPσ³ = 20 a seed of radius 3.5σ (201 particles) in N = 2048 grows to 90 %
   solid-like in ~1.4e5 sweeps; radius 2.5σ in N = 600 dissolved.
2. :func:`nucleation_run` runs NPT Monte Carlo (isotropic ln V moves tuned to the acceptance
   of a dense hard-sphere box) and keeps the first configuration whose crystalline fraction
   reaches each of a list of targets (the thesis's snapshots have 2, 12, 21, 30, 64, 98 %).
   The crystalline fraction used to *select* snapshots is the solid-bond criterion of ten
   Wolde, Ruiz-Montero and Frenkel (:func:`solid_fraction`, q6 · q6 > 0.7 for at least 7
   neighbours within 1.45σ), a third method, independent of both the unsupervised
   classification and the standard q̄4–q̄6 method compared in Table 4.1.

Equations of state (packing fraction η = πρσ³/6):

- fluid, Carnahan & Starling, J. Chem. Phys. 51, 635 (1969):
  βP/ρ = (1 + η + η² − η³)/(1 − η)³;
- FCC crystal, Speedy, J. Phys.: Condens. Matter 10, 4387 (1998):
  βP/ρ = 3/(1 − z) − a (z − b)/(z − c), z = ρσ³/√2, a = 0.5921, b = 0.7072, c = 0.601.

Example:
    >>> round(fluid_packing_fraction(11.57), 3)  # fluid at hard-sphere coexistence
    0.492
    >>> round(crystal_packing_fraction(11.57), 3)  # FCC at coexistence
    0.543
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import freud
import numpy as np

from hoomd_colloidml.system import System

__all__ = [
    "bmcsl_pressure",
    "carnahan_starling_pressure",
    "crystal_packing_fraction",
    "fluid_packing_fraction",
    "npt_snapshots",
    "nucleation_run",
    "seeded_fluid",
    "solid_fraction",
    "speedy_pressure",
    "supersaturated_fluid",
]


def _positive(name: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise TypeError(
            f"The {name!r} parameter of {where} must be a real number. Got {value!r} instead."
        )
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(
            f"The {name!r} parameter of {where} must be a finite number > 0. Got {value!r} "
            "instead."
        )
    return v


def carnahan_starling_pressure(eta: float) -> float:
    """βPσ³ of the hard-sphere fluid at packing fraction ``eta`` (Carnahan–Starling).

    Example:
        >>> round(carnahan_starling_pressure(0.5), 4)
        12.4141
    """
    eta = float(eta)
    return 6.0 * eta / math.pi * (1 + eta + eta**2 - eta**3) / (1 - eta) ** 3


def bmcsl_pressure(eta: float, small_fraction: float, size_ratio: float) -> float:
    """βPσ_L³ of a binary hard-sphere fluid (Boublík–Mansoori–Carnahan–Starling–Leland).

    ``βP = (6/π) [ξ0/(1−ξ3) + 3 ξ1 ξ2/(1−ξ3)² + (3−ξ3) ξ2³/(1−ξ3)³]`` with
    ``ξ_n = (π/6) ρ Σ_i x_i σ_i^n``; it reduces to Carnahan–Starling for one species.

    Args:
        eta (float): Packing fraction (Eq. 3.1), in [0, 1).
        small_fraction (float): Number fraction x = N_S/N of the small species.
        size_ratio (float): σ_S/σ_L in (0, 1].

    Example:
        >>> round(bmcsl_pressure(0.5, 0.0, 0.8), 4) == round(carnahan_starling_pressure(0.5), 4)
        True
    """
    eta, x, a = float(eta), float(small_fraction), float(size_ratio)
    rho = eta / (math.pi / 6 * ((1 - x) + x * a**3))
    xi = [math.pi / 6 * rho * ((1 - x) + x * a**n) for n in range(4)]
    d = 1.0 - xi[3]
    return 6.0 / math.pi * (xi[0] / d + 3 * xi[1] * xi[2] / d**2 + (3 - xi[3]) * xi[2] ** 3 / d**3)


def speedy_pressure(eta: float) -> float:
    """βPσ³ of the hard-sphere FCC crystal at packing fraction ``eta`` (Speedy 1998).

    Example:
        >>> round(speedy_pressure(0.60), 2)
        17.79
    """
    rho = 6.0 * float(eta) / math.pi
    z = rho / math.sqrt(2.0)
    a, b, c = 0.5921, 0.7072, 0.601
    return rho * (3.0 / (1.0 - z) - a * (z - b) / (z - c))


def _invert(f, pressure: float, lo: float, hi: float) -> float:
    from scipy.optimize import brentq

    return float(brentq(lambda e: f(e) - pressure, lo, hi, xtol=1e-12))


def fluid_packing_fraction(pressure: float, small_fraction: float = 0.0,
                           size_ratio: float = 1.0) -> float:
    """Packing fraction of the (metastable) hard-sphere fluid at βPσ³ = ``pressure``.

    One component (default): Carnahan–Starling. A binary fluid with a number fraction
    ``small_fraction`` of spheres of diameter ``size_ratio`` (σ_L = 1): BMCSL
    (:func:`bmcsl_pressure`).

    Raises:
        ValueError: ``pressure`` not a finite number in (0, 100], ``small_fraction``
            outside [0, 1] or ``size_ratio`` outside (0, 1].
    """
    p = _positive("pressure", pressure, "fluid_packing_fraction")
    if p > 100:
        raise ValueError(f"The 'pressure' parameter must be <= 100 (a fluid). Got {pressure!r}.")
    x, a = float(small_fraction), float(size_ratio)
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"The 'small_fraction' parameter must be in [0, 1]. Got {x!r}.")
    if not 0.0 < a <= 1.0:
        raise ValueError(f"The 'size_ratio' parameter must be in (0, 1]. Got {a!r}.")
    if x == 0.0 or a == 1.0:
        return _invert(carnahan_starling_pressure, p, 1e-9, 0.7)
    return _invert(lambda e: bmcsl_pressure(e, x, a), p, 1e-9, 0.7)


def crystal_packing_fraction(pressure: float) -> float:
    """Packing fraction of the hard-sphere FCC crystal at βPσ³ = ``pressure`` (≥ 10).

    Raises:
        ValueError: ``pressure`` outside [10, 1000] (the range of Speedy's fit).
    """
    p = _positive("pressure", pressure, "crystal_packing_fraction")
    if not 10.0 <= p <= 1000.0:
        raise ValueError(
            "The 'pressure' parameter of crystal_packing_fraction must be in [10, 1000] (the "
            f"range of the crystal equation of state). Got {pressure!r} instead."
        )
    return _invert(speedy_pressure, p, 0.5, math.pi * math.sqrt(2) / 6 - 1e-9)


def solid_fraction(system: Any, r_max: float = 1.45, q_threshold: float = 0.7,
                   solid_threshold: int = 7) -> float:
    """Fraction of solid-like particles by the solid-bond criterion (ten Wolde et al. 1996).

    Two neighbours closer than ``r_max`` share a solid bond when the normalised dot product
    of their q6m vectors exceeds ``q_threshold``; a particle with at least
    ``solid_threshold`` solid bonds is solid-like (:class:`freud.order.SolidLiquid`).

    Args:
        system: Anything :func:`freud_ext.util.normalize_system` accepts.

    Returns:
        float: Solid-like fraction in [0, 1].

    Example:
        >>> from hoomd_colloidml.lattice import crystal
        >>> solid_fraction(crystal("fcc", 4, 0.60))
        1.0
    """
    from freud_ext.util import normalize_system

    data = normalize_system(system)
    sl = freud.order.SolidLiquid(l=6, q_threshold=q_threshold, solid_threshold=solid_threshold)
    sl.compute((data.box, data.points), neighbors={"r_max": r_max, "exclude_ii": True})
    return float(np.mean(np.asarray(sl.num_connections) >= solid_threshold))


def _push_apart(box: freud.box.Box, pos: np.ndarray, n_fixed: int,
                max_iter: int = 20000) -> np.ndarray:
    """Remove hard-core overlaps (diameter 1) by moving only particles ``n_fixed:``.

    Overlapping pairs are pushed apart along their bond to a distance 1.02 (a free particle
    of a free–fixed pair takes the whole push, two free particles half each), damped and
    capped at 0.1 per iteration, until no pair is closer than 1 (below jamming this
    converges). The first ``n_fixed`` particles (the crystal seed) never move.
    """
    L = np.array([box.Lx, box.Ly, box.Lz], dtype=np.float64)
    pos = np.array(pos, dtype=np.float64)
    free = np.ones(len(pos), bool)
    free[:n_fixed] = False
    target = 1.02
    for _ in range(max_iter):
        pos -= L * np.round(pos / L)
        nl = freud.locality.AABBQuery(box, pos).query(
            pos, {"r_max": target, "exclude_ii": True}).toNeighborList()
        i, j = nl.query_point_indices, nl.point_indices
        keep = i < j
        i, j = i[keep], j[keep]
        dx = pos[j] - pos[i]
        dx -= L * np.round(dx / L)
        r = np.sqrt(np.sum(dx * dx, axis=1))
        if not np.any(r < 1.0):
            return pos
        over = r < target
        i, j, dx, r = i[over], j[over], dx[over], np.maximum(r[over], 1e-9)
        push = ((target - r) / r)[:, None] * dx  # moves j away from i by target - r
        wi = np.where(free[j], 0.5, 1.0) * free[i]
        wj = np.where(free[i], 0.5, 1.0) * free[j]
        step = np.zeros_like(pos)
        np.add.at(step, i, -wi[:, None] * push)
        np.add.at(step, j, wj[:, None] * push)
        norm = np.linalg.norm(step, axis=1, keepdims=True)
        pos += 0.8 * step * np.minimum(1.0, 0.1 / np.maximum(norm, 1e-12))
    raise RuntimeError("Could not remove the overlaps of the seeded fluid; lower the density.")


def seeded_fluid(n: int, pressure: float, seed_radius: float, seed: int = 0,
                 relax_sweeps: int = 100) -> System:
    """A hard-sphere fluid at pressure ``pressure`` with a spherical FCC seed at its centre.

    The fluid is at the Carnahan–Starling packing fraction of ``pressure``
    (:func:`fluid_packing_fraction`), the seed is the FCC lattice (cubic axes along the box)
    at the crystal packing fraction of ``pressure`` (:func:`crystal_packing_fraction`) cut to
    a sphere of radius ``seed_radius`` σ. Fluid particles are placed at random outside the
    seed, their overlaps removed by pushing them apart (the seed stays fixed), and
    ``relax_sweeps`` hard-sphere NVT sweeps decorrelate the fluid. Pass ``seed_radius=0``
    for a fluid without a seed.

    Args:
        n (int): Total number of particles (seed + fluid).
        pressure (float): βPσ³ (the supersaturation; coexistence is at 11.57).
        seed_radius (float): Radius of the crystal seed in σ (0: no seed).
        seed (int): Random seed.
        relax_sweeps (int): NVT hard-sphere sweeps after the overlap removal.

    Returns:
        System: The seed particles first, then the fluid; cubic box.

    Raises:
        ValueError: Invalid arguments, or a seed that does not fit in the box.

    Example:
        >>> s = seeded_fluid(300, 17.0, 2.0, seed=1, relax_sweeps=5)
        >>> s.N, round(s.packing_fraction, 2)
        (300, 0.54)
    """
    from hoomd_colloidml.engine import NVT, MonteCarlo
    from hoomd_colloidml.lattice import crystal

    where = "seeded_fluid"
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 32:
        raise ValueError(f"The 'n' parameter of {where} must be an int >= 32. Got {n!r} instead.")
    p = _positive("pressure", pressure, where)
    if isinstance(seed_radius, bool) or not isinstance(seed_radius, int | float) or not (
            math.isfinite(seed_radius) and seed_radius >= 0):
        raise ValueError(
            f"The 'seed_radius' parameter of {where} must be a finite number >= 0. Got "
            f"{seed_radius!r} instead."
        )
    eta_f = fluid_packing_fraction(p)
    rng = np.random.default_rng(seed)
    v = math.pi / 6.0
    if seed_radius > 0:
        eta_x = crystal_packing_fraction(max(p, 10.0))
        a = (4.0 * v / eta_x) ** (1.0 / 3.0)
        m = 2 * int(math.ceil(seed_radius / a)) + 2
        lattice = crystal("fcc", m, eta_x).positions
        # centre a lattice site on the origin (sites sit at multiples of a/2 from the corner)
        lattice = lattice - lattice[np.argmin(np.linalg.norm(lattice, axis=1))]
        seed_pos = lattice[np.linalg.norm(lattice, axis=1) <= seed_radius]
    else:
        seed_pos = np.zeros((0, 3))
    n_seed = len(seed_pos)
    if n_seed >= n:
        raise ValueError(f"The seed ({n_seed} particles) must be smaller than n = {n}.")
    v_seed = n_seed * v / eta_x if n_seed else 0.0
    volume = v_seed + (n - n_seed) * v / eta_f
    L = volume ** (1.0 / 3.0)
    if 2.0 * seed_radius + 2.0 > L:
        raise ValueError(
            f"A seed of radius {seed_radius} does not fit in the box of side {L:.3g} of "
            f"{n} particles; use a larger n or a smaller seed_radius."
        )
    # fluid particles at random outside the seed (plus half a diameter)
    fluid_pos = np.zeros((0, 3))
    r_out = seed_radius + 0.5 if n_seed else 0.0
    while len(fluid_pos) < n - n_seed:
        trial = (rng.random((2 * n, 3)) - 0.5) * L
        trial = trial[np.linalg.norm(trial, axis=1) > r_out]
        fluid_pos = np.concatenate([fluid_pos, trial])[: n - n_seed]
    box = freud.box.Box.cube(L)
    relaxed = System(box, _push_apart(box, np.concatenate([seed_pos, fluid_pos]), n_seed))
    if relax_sweeps > 0:
        mc = MonteCarlo(relaxed, seed=int(rng.integers(2**31)))
        mc.run(int(relax_sweeps), ensemble=NVT(), progress=False, equilibrate=True,
               pressure_every=0)
        relaxed = mc.system
    return relaxed


def supersaturated_fluid(n: int, pressure: float, seed: int = 0) -> System:
    """A hard-sphere fluid of ``n`` particles at the Carnahan–Starling η of ``pressure``.

    Example:
        >>> round(supersaturated_fluid(200, 15.0, seed=2).packing_fraction, 3)
        0.521
    """
    from hoomd_colloidml.lattice import fluid

    return fluid(int(n), fluid_packing_fraction(pressure), seed=seed)


def nucleation_run(
    system: System,
    pressure: float,
    targets: Sequence[float] = (0.02, 0.12, 0.21, 0.30, 0.64, 0.95),
    seed: int = 0,
    check_every: int = 100,
    max_sweeps: int = 200_000,
    box_trials: int = 1,
    tune_sweeps: int = 1000,
    progress: bool = False,
    monitor: Any = None,
    strict: bool = True,
) -> tuple[list[System], dict[str, Any]]:
    """NPT hard-sphere Monte Carlo until the crystalline fraction passes every target.

    After ``tune_sweeps`` sweeps that tune the translation and ln V steps towards 30 %
    acceptance (not part of the run: tuning breaks detailed balance), the run checks the
    solid-like fraction (``monitor``, default :func:`solid_fraction`) every ``check_every``
    sweeps and keeps the first configuration at or above each target, in order. A target
    passed within one check interval together with the next one gets the same snapshot.

    Args:
        system (System): Initial configuration (e.g. from :func:`seeded_fluid`).
        pressure (float): βPσ³ of the run.
        targets (sequence of float): Increasing crystalline fractions in (0, 1) at which
            snapshots are taken (thesis Table 4.1: 2, 12, 21, 30, 64, 98 %).
        seed (int): Seed of the MC stream.
        check_every (int): Sweeps between two checks of the crystalline fraction.
        max_sweeps (int): Give up after this many sweeps (RuntimeError).
        box_trials (int): ln V trials per sweep.
        tune_sweeps (int): Step-tuning sweeps before the run.
        progress (bool): Print one line per check.
        monitor (callable): ``monitor(system) -> float`` crystalline fraction.
        strict (bool): Raise when ``max_sweeps`` pass before the last target; if False,
            warn and let the last configuration stand in for the missing snapshots
            (``info["complete"]`` is then False).

    Returns:
        tuple: (list of ``len(targets)`` System snapshots, dict with ``sweeps`` (sweep of each
        snapshot), ``solid_fraction`` (monitor value of each), ``packing_fraction``,
        ``trace`` (sweep, packing fraction, solid fraction of every check), ``acceptance``).

    Raises:
        RuntimeError: The last target was not reached within ``max_sweeps`` (``strict``).
    """
    from hoomd_colloidml.engine import NPT, MonteCarlo

    where = "nucleation_run"
    if not isinstance(system, System):
        raise TypeError(f"The 'system' parameter of {where} must be a hoomd_colloidml.System. "
                        f"Got {type(system).__name__} instead.")
    p = _positive("pressure", pressure, where)
    t = np.asarray(targets, dtype=np.float64)
    if t.ndim != 1 or t.size == 0 or np.any(~((t > 0) & (t < 1))) or np.any(np.diff(t) <= 0):
        raise ValueError(
            f"The 'targets' parameter of {where} must be increasing fractions in (0, 1). Got "
            f"{targets!r} instead."
        )
    for name, val, lo in (("check_every", check_every, 1), ("max_sweeps", max_sweeps, 1),
                          ("box_trials", box_trials, 1), ("tune_sweeps", tune_sweeps, 0)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < lo:
            raise ValueError(
                f"The {name!r} parameter of {where} must be an int >= {lo}. Got {val!r} instead."
            )
    monitor = solid_fraction if monitor is None else monitor
    ens = NPT(p, box_trials=int(box_trials))
    mc = MonteCarlo(system, seed=int(seed), box_step=0.5 / system.N)
    if tune_sweeps:
        mc.run(int(tune_sweeps), ensemble=ens, progress=False, equilibrate=True,
               pressure_every=0)
    snaps: list[System] = []
    info: dict[str, Any] = {"sweeps": [], "solid_fraction": [], "packing_fraction": [],
                            "trace": [], "pressure": p, "step_size": mc.step_size,
                            "box_step": mc.box_step}
    done = 0
    k = 0
    while k < len(t):
        current = mc.system
        f = monitor(current)
        info["trace"].append([done, float(mc.packing_fraction), float(f)])
        if progress:
            print(f"sweep {done}: eta = {mc.packing_fraction:.4f}, solid = {f:.3f}", flush=True)
        while k < len(t) and f >= t[k]:
            snaps.append(current)
            info["sweeps"].append(done)
            info["solid_fraction"].append(float(f))
            info["packing_fraction"].append(float(mc.packing_fraction))
            k += 1
        if k == len(t):
            break
        if done >= max_sweeps:
            msg = (f"{where}: the crystalline fraction reached {f:.3f} after {done} sweeps, "
                   f"below the target {t[k]:.3f}; increase max_sweeps, the pressure or the seed.")
            if strict:
                raise RuntimeError(msg)
            warnings.warn(msg + " The last configuration stands in for the missing snapshots.",
                          RuntimeWarning, stacklevel=2)
            while k < len(t):
                snaps.append(current)
                info["sweeps"].append(done)
                info["solid_fraction"].append(float(f))
                info["packing_fraction"].append(float(mc.packing_fraction))
                k += 1
            break
        mc.run(int(check_every), ensemble=ens, progress=False, pressure_every=0)
        done += int(check_every)
    info["acceptance"] = mc.acceptance
    info["complete"] = bool(info["solid_fraction"][-1] >= t[-1])
    return snaps, info


def npt_snapshots(
    system: System,
    pressure: float,
    seed: int,
    equilibration_sweeps: int,
    n_snapshots: int,
    sweeps: int,
    box_moves: str = "isotropic",
    box_trials: int = 4,
) -> tuple[list[System], dict[str, Any]]:
    """Bulk NPT hard-sphere run at βPσ³ = ``pressure`` with snapshots ``sweeps`` apart.

    The translation and box steps are tuned to 30 % acceptance during the equilibration
    (tuning stops before the first snapshot), so dense crystals and fluids relax at the
    rate of a well-tuned run. These runs tune the standard q̄4–q̄6 method at the pressure of
    the nucleation run (Table 4.1).

    Returns:
        tuple: (snapshots, dict with the packing fraction of each and the acceptance).

    Example:
        >>> from hoomd_colloidml.lattice import crystal
        >>> snaps, info = npt_snapshots(crystal("fcc", 3, 0.6), 20.0, seed=1,
        ...                             equilibration_sweeps=20, n_snapshots=2, sweeps=5,
        ...                             box_moves="axes")
        >>> len(snaps), 0.55 < info["packing_fraction"][-1] < 0.65
        (2, True)
    """
    from hoomd_colloidml.engine import NPT, MonteCarlo

    ens = NPT(_positive("pressure", pressure, "npt_snapshots"), box_moves=box_moves,
              box_trials=int(box_trials))
    mc = MonteCarlo(system, seed=int(seed), box_step=0.5 / system.N)
    if equilibration_sweeps > 0:
        mc.run(int(equilibration_sweeps), ensemble=ens, progress=False, equilibrate=True,
               pressure_every=0)
    snaps, etas = [], []
    for _ in range(int(n_snapshots)):
        mc.run(int(sweeps), ensemble=ens, progress=False, pressure_every=0)
        snaps.append(mc.system)
        etas.append(float(mc.packing_fraction))
    return snaps, {"packing_fraction": etas, "acceptance": mc.acceptance,
                   "step_size": mc.step_size, "box_step": mc.box_step}
