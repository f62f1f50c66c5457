"""Random non-overlapping fluid configurations of hard spheres/discs (mixtures allowed)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import freud
import numpy as np
from numba import njit

from hoomd_colloidml.engine import kernels as K
from hoomd_colloidml.system import System

__all__ = ["fluid"]

_MAX_ETA = {2: 0.72, 3: 0.58}
_INSERT_ETA = {2: 0.35, 3: 0.2}
_RELAX = 100  # hard-core MC sweeps that decorrelate the final configuration
_SOFT = 1.03  # soft-core diameter / hard-core diameter while removing overlaps


def _remove_overlaps(diam, typeid, type_d, types, Lv, dim, s_ins, s_soft):
    """Random positions at the target density, then zero-temperature soft-sphere MC.

    Hertzian cores ``3 %`` wider than the hard cores are relaxed (Metropolis at a tiny
    temperature) until no hard cores overlap; below jamming this always succeeds.
    """
    from hoomd_colloidml.engine import Hertzian, MonteCarlo

    rng = np.random.default_rng(s_ins)
    N = len(diam)
    pos = np.zeros((N, 3))
    pos[:, :dim] = (rng.random((N, dim)) - 0.5) * Lv[:dim]
    box = freud.box.Box.square(Lv[0]) if dim == 2 else freud.box.Box.cube(Lv[0])
    soft = Hertzian(params={
        (a, b): {"epsilon": 1.0, "sigma": _SOFT * 0.5 * (type_d[i] + type_d[j])}
        for i, a in enumerate(types) for j, b in enumerate(types) if i <= j
    })
    mc = MonteCarlo(System(box, pos, typeid, types, np.zeros(N)), [soft], seed=s_soft,
                    kT=1e-7, step_size=0.05)
    for _ in range(10000):
        mc.run(5, progress=False, equilibrate=True, pressure_every=0, target_acceptance=0.3)
        if K.min_contact_ratio(mc._pos, diam, mc._L, dim, float(diam.max())) >= 1.0:
            return mc._pos.copy()
    raise RuntimeError("fluid could not remove all overlaps; try a lower packing fraction.")


@njit(cache=True)
def _insert(diam, L, dim, rng, max_tries):
    """Random sequential insertion with an O(N) overlap check; -1 on failure."""
    N = diam.shape[0]
    pos = np.zeros((N, 3))
    for i in range(N):
        placed = False
        for _ in range(max_tries):
            for d in range(dim):
                pos[i, d] = (K.rng_uniform(rng) - 0.5) * L[d]
            ok = True
            for j in range(i):
                r2 = 0.0
                for d in range(dim):
                    dx = pos[i, d] - pos[j, d]
                    if dx > 0.5 * L[d]:
                        dx -= L[d]
                    elif dx < -0.5 * L[d]:
                        dx += L[d]
                    r2 += dx * dx
                s = 0.5 * (diam[i] + diam[j])
                if r2 < s * s:
                    ok = False
                    break
            if ok:
                placed = True
                break
        if not placed:
            return pos, i
    return pos, -1


def _counts(n: int, composition: np.ndarray) -> np.ndarray:
    raw = composition * n
    counts = np.floor(raw).astype(int)
    rest = n - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


def fluid(
    n: int,
    packing_fraction: float,
    composition: Sequence[float] = (1.0,),
    size_ratio: float | Sequence[float] | None = None,
    dimensions: int = 3,
    seed: int = 0,
) -> System:
    """A random non-overlapping hard-sphere (hard-disc in 2D) fluid configuration.

    At low packing fractions particles are inserted at random without overlaps. Above
    that (0.2 in 3D, 0.35 in 2D) they are placed at random in the final box and the
    overlaps removed by zero-temperature Monte Carlo with Hertzian cores 3 % wider than
    the hard cores (below jamming this always reaches zero overlap). Either way 100 hard-core
    MC sweeps (:class:`hoomd_colloidml.engine.MonteCarlo`) follow. The box is cubic
    (square in 2D) and the packing fraction exact.

    Args:
        n (int): Number of particles.
        packing_fraction (float): Target packing fraction (at most 0.58 in 3D, 0.72 in 2D).
        composition (sequence of float): Number fractions of types "A", "B", ... (sum 1).
        size_ratio (float or sequence of float): Diameters of "B", "C", ... relative to
            "A" (diameter 1); default all 1. Must be in (0, 1] (the largest species is 1).
        dimensions (int): 2 or 3.
        seed (int): Random seed.

    Returns:
        hoomd_colloidml.System: With types, typeid and diameters set.

    Example:
        >>> s = fluid(64, 0.3, composition=(0.5, 0.5), size_ratio=0.8, seed=1)
        >>> s.N, s.types, round(s.packing_fraction, 6)
        (64, ['A', 'B'], 0.3)
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"The 'n' parameter of fluid must be an int >= 1. Got {n!r} instead.")
    if dimensions not in (2, 3):
        raise ValueError(f"The 'dimensions' parameter of fluid must be 2 or 3. Got {dimensions!r}.")
    try:
        eta = float(packing_fraction)
    except (TypeError, ValueError):
        raise TypeError(
            f"The 'packing_fraction' parameter of fluid must be a number. Got {packing_fraction!r}."
        ) from None
    if not (0 < eta <= _MAX_ETA[dimensions]):
        raise ValueError(
            f"The 'packing_fraction' parameter of fluid must be in (0, {_MAX_ETA[dimensions]}] in "
            f"{dimensions}D (a disordered fluid). Got {packing_fraction!r} instead."
        )
    comp = np.atleast_1d(np.asarray(composition, dtype=np.float64))
    if comp.ndim != 1 or np.any(~np.isfinite(comp)) or np.any(comp < 0) or not math.isclose(
        comp.sum(), 1.0, abs_tol=1e-9
    ):
        raise ValueError(
            "The 'composition' parameter of fluid must be non-negative number fractions summing "
            f"to 1. Got {composition!r} instead."
        )
    T = comp.size
    if size_ratio is None:
        ratios = np.ones(T - 1)
    else:
        ratios = np.atleast_1d(np.asarray(size_ratio, dtype=np.float64))
        if ratios.shape != (T - 1,):
            raise ValueError(
                f"The 'size_ratio' parameter of fluid must give {T - 1} diameter(s) (types after "
                f"'A') for a {T}-component composition. Got {size_ratio!r} instead."
            )
        if np.any(~np.isfinite(ratios)) or np.any(ratios <= 0) or np.any(ratios > 1):
            raise ValueError(
                "The 'size_ratio' parameter of fluid must be in (0, 1]. Got "
                f"{size_ratio!r} instead."
            )
    type_d = np.concatenate([[1.0], ratios])
    counts = _counts(int(n), comp)
    typeid = np.repeat(np.arange(T), counts).astype(np.int32)
    diam = type_d[typeid]
    dim = dimensions
    per = np.pi * diam**2 / 4 if dim == 2 else np.pi * diam**3 / 6
    v_target = per.sum() / eta
    eta0 = min(eta, _INSERT_ETA[dim])
    L0 = (per.sum() / eta0) ** (1.0 / dim)
    if L0 < 2.0 * diam.max():
        raise ValueError(
            f"fluid needs more particles: {n} particles at packing fraction {eta0:g} give a box "
            f"of length {L0:.3g}, smaller than twice the largest diameter."
        )
    ss = np.random.SeedSequence(seed)
    s_ins, s_soft, s_mc = ss.spawn(3)
    types = [chr(ord("A") + t) for t in range(T)]

    def box(L: float) -> freud.box.Box:
        return freud.box.Box.square(L) if dim == 2 else freud.box.Box.cube(L)

    L = v_target ** (1.0 / dim)
    if L < 2.0 * _SOFT * diam.max():
        raise ValueError(
            f"fluid needs more particles: {n} particles at packing fraction {eta:g} give a box "
            f"of length {L:.3g}, smaller than twice the largest diameter."
        )
    Lv = np.array([L, L, L if dim == 3 else 1.0])
    if eta <= _INSERT_ETA[dim]:
        pos, fail = _insert(diam, Lv, dim, K.seed_state(s_ins), 100000)
        if fail >= 0:
            raise RuntimeError(f"Random insertion failed at particle {fail}; try a lower density.")
    else:
        pos = _remove_overlaps(diam, typeid, type_d, types, Lv, dim, s_ins, s_soft)
    system = System(box(L), pos, typeid, types, diam)
    from hoomd_colloidml.engine import MonteCarlo

    mc = MonteCarlo(system, seed=s_mc)
    mc.run(_RELAX, progress=False, equilibrate=True, pressure_every=0)
    system = mc.system
    return system
