"""Isoconfigurational ensembles with Monte Carlo dynamics (dynamic propensity, Eq. 5.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from hoomd_colloidml.engine.montecarlo import MonteCarlo
from hoomd_colloidml.system import System

__all__ = ["isoconfigurational"]


def isoconfigurational(
    system: System,
    n_runs: int,
    times: Sequence[int],
    potentials: Sequence[Any] = (),
    seed: int = 0,
    kT: float = 1.0,
    step_size: float = 0.1,
    progress: bool = True,
) -> np.ndarray:
    """Run ``n_runs`` NVT Monte Carlo continuations of ``system`` differing only in the seed.

    Monte Carlo dynamics (fixed maximum displacement ``step_size``, no tuning): time is
    counted in sweeps. The dynamic propensity of thesis Eq. 5.1 is
    ``D_i(t) = mean over runs of |displacement|``, i.e.
    ``np.linalg.norm(result, axis=-1).mean(axis=0)``.

    Args:
        system (hoomd_colloidml.System): Common initial configuration.
        n_runs (int): Number of independent runs (thesis: at least 32).
        times (sequence of int): Increasing times in sweeps (> 0) at which to record.
        potentials (sequence): Potentials passed to :class:`MonteCarlo`.
        seed (int): Master seed; run ``k`` uses the ``k``-th spawned child seed.
        kT (float): Temperature.
        step_size (float): Maximum displacement per axis per trial.
        progress (bool): Show a progress bar over runs.

    Returns:
        (n_runs, len(times), N, dim) numpy.ndarray: Unwrapped displacements from the start.

    Example:
        >>> import freud, numpy as np
        >>> from hoomd_colloidml import System
        >>> pos = np.stack(np.meshgrid(*[np.arange(3) * 1.5 - 2.0] * 3), -1).reshape(-1, 3)
        >>> s = System(freud.box.Box.cube(4.5), pos)
        >>> dr = isoconfigurational(s, n_runs=2, times=[1, 5], progress=False)
        >>> dr.shape
        (2, 2, 27, 3)
    """
    if isinstance(n_runs, bool) or not isinstance(n_runs, int | np.integer) or n_runs < 1:
        raise ValueError(
            "The 'n_runs' parameter of isoconfigurational must be an int >= 1. Got "
            f"{n_runs!r} instead."
        )
    t = np.asarray(times)
    if t.ndim != 1 or t.size == 0 or t.dtype.kind not in "iu" or np.any(t <= 0) or np.any(
        np.diff(t) <= 0
    ):
        raise ValueError(
            "The 'times' parameter of isoconfigurational must be a non-empty increasing sequence "
            f"of positive ints (sweeps). Got {times!r} instead."
        )
    dim = system.dimensions
    out = np.empty((int(n_runs), t.size, system.N, dim))
    children = np.random.SeedSequence(seed).spawn(int(n_runs))
    for r in tqdm(range(int(n_runs)), disable=not progress, desc="isoconfigurational"):
        mc = MonteCarlo(system, potentials, seed=children[r], kT=kT, step_size=step_size)
        start = mc.unwrapped_positions
        done = 0
        for k, tk in enumerate(t):
            mc.run(int(tk) - done, progress=False, pressure_every=0, sample_every=10**9)
            done = int(tk)
            out[r, k] = (mc.unwrapped_positions - start)[:, :dim]
    return out
