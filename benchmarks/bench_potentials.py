"""Benchmark: reference many-body potentials vs their symmetry-function fits (Ch. 2, 8).

Per-configuration energy time of

* ElasticShell (N_p = 200, N_o = 100, thesis Fig. 2.6) vs the fitted
  SymmetryFunctionPotential, on a hexagonal crystal of N = 64 particles at
  rho sigma^2 = 2.4 ... 4.6 (thesis target: >= 200x);
* the Asakura-Oosawa many-body term (q = 0.4, default 64 x 128 angular rule) vs the
  fitted many-body term, on N = 1372 colloids at eta_c = 0.3 (thesis target: >= 10^4x,
  against a grid-integration reference of ~10^5 points per particle).

Both fits are made in this run on rattled crystals labelled by the references (as in the
tests). Times are the median CPU time (``time.process_time``) per call over ``--repeat``
samples, each sample looping the call for at least 20 ms, on one core; the samples of the
reference and of the fit alternate so that both see the same load of the machine. The
fit's time is the full public call (``energies()`` for the shells, ``reduced_energies()``,
the many-body term only, for AO): input validation, a float64 cell list and the one-pass
numba kernel of ``hoomd_colloidml.potentials._sf_energy``.

Note on the AO target: the thesis's 10^4x is measured against a grid integration of the
free volume (~10^5 points per particle); our reference integrates along rays with a numba
kernel and is itself much faster, so the ratio printed here is not the thesis's quantity
(it would be larger against a grid reference).

Usage:
    .venv/bin/python benchmarks/bench_potentials.py [--repeat 5]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from freud_ext.environment import SymmetryFunctions  # noqa: E402
from hoomd_colloidml.lattice import crystal, rattle  # noqa: E402
from hoomd_colloidml.models import ForwardSelector  # noqa: E402
from hoomd_colloidml.potentials import (  # noqa: E402
    AsakuraOosawa,
    ElasticShell,
    SymmetryFunctionPotential,
)
from hoomd_colloidml.potentials.training_data import shell_crystal  # noqa: E402


def _calls_per_sample(fn, min_time):
    fn()  # warm-up (numba compile / cache load)
    n = 1
    while True:
        t = time.process_time()  # CPU time of this process: robust on a shared machine
        for _ in range(n):
            fn()
        dt = time.process_time() - t
        if dt >= min_time:
            return n
        n *= 2 if dt <= 0 else max(2, int(1.2 * min_time / dt))


def _sample(fn, n):
    t = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t) / n


def timed_pair(ref, fit, repeat, min_time=0.02):
    """Median CPU time per call of ``ref`` and ``fit``; samples alternate between the two
    (so both see the same machine load) and loop each call for >= ``min_time`` s."""
    n_ref = _calls_per_sample(ref, min_time)
    n_fit = _calls_per_sample(fit, min_time)
    t_ref, t_fit = [], []
    for _ in range(repeat):
        t_ref.append(_sample(ref, n_ref))
        t_fit.append(_sample(fit, n_fit))
    return float(np.median(t_ref)), float(np.median(t_fit))


def fit_shell(rng):
    ref = ElasticShell(n_points=200, n_orientations=20)
    frames, energies = [], []
    for rho in np.arange(2.4, 4.61, 0.1):
        for amp in (0.01, 0.025, 0.04):
            s = rattle(shell_crystal("hex2d", 64, rho), amp, seed=int(rng.integers(2**31)))
            e = ref.energies(s)
            if np.isfinite(e).all():
                frames.append(s)
                energies.append(e)
    return SymmetryFunctionPotential(scale=1.0).fit(
        frames,
        energies,
        SymmetryFunctions.pool_2d(1.0),
        selector=ForwardSelector(max_features=18, tol=1e-8),
    )


def fit_ao(rng, q):
    geom = AsakuraOosawa(q, 1.0, n_theta=32, n_phi=64)
    pair = AsakuraOosawa(q, 0.1, include_many_body=False)
    frames, targets = [], []
    for eta in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45):
        for amp in (0.03, 0.06, 0.1):
            s = rattle(crystal("fcc", 3, eta), amp, seed=int(rng.integers(2**31)))
            if np.isfinite(pair.pair_energies(s)).all():
                frames.append(s)
                targets.append(geom.many_body_energies(s) / geom.z_p)
    return SymmetryFunctionPotential(
        pair_term={"kind": "asakura_oosawa", "q": q, "eta_r": 0.3}
    ).fit(
        frames,
        targets,
        SymmetryFunctions.pool_3d(1.0 + q),
        selector=ForwardSelector(max_features=20, tol=1e-8),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = np.random.default_rng(0)

    print("ElasticShell (N_p=200, N_o=100) vs SF fit, hexagonal crystal N=64")
    fit = fit_shell(rng)
    print(f"  fit: {len(fit.selected_)} SFs, R2_test={fit.r2_test_:.6f}")
    ref = ElasticShell(n_points=200, n_orientations=100)
    print(f"  {'rho':>5} {'t_ref [ms]':>11} {'t_fit [ms]':>11} {'ratio':>8}")
    ratios = []
    for rho in np.round(np.arange(2.4, 4.61, 0.2), 2):
        s = shell_crystal("hex2d", 64, float(rho))
        t_ref, t_fit = timed_pair(
            lambda s=s: ref.energies(s), lambda s=s: fit.energies(s), args.repeat
        )
        ratios.append(t_ref / t_fit)
        print(f"  {rho:5.2f} {1e3 * t_ref:11.3f} {1e3 * t_fit:11.3f} {t_ref / t_fit:8.1f}")
    print(f"  min ratio {min(ratios):.1f}x (thesis: >= 200x)")

    q = 0.4
    print("\nAsakura-Oosawa many-body term (q=0.4) vs SF fit, N=1372 at eta_c=0.3")
    fit_mb = fit_ao(rng, q)
    print(f"  fit: {len(fit_mb.selected_)} SFs, R2_test={fit_mb.r2_test_:.6f}")
    s = rattle(crystal("fcc", 7, 0.3), 0.05, seed=1)
    ao = AsakuraOosawa(q, 0.3)
    t_ref, t_fit = timed_pair(  # many-body term only, for both
        lambda: ao.many_body_energies(s), lambda: fit_mb.reduced_energies(s), args.repeat
    )
    print(
        f"  t_ref = {1e3 * t_ref:.2f} ms, t_fit = {1e3 * t_fit:.2f} ms, "
        f"ratio {t_ref / t_fit:.1f}x (thesis: ~10^4x vs a 10^5-point grid)"
    )
    fine = AsakuraOosawa(q, 0.3, n_theta=128, n_phi=256)
    t_fine, t_fit = timed_pair(
        lambda: fine.many_body_energies(s), lambda: fit_mb.reduced_energies(s),
        max(1, args.repeat // 2),
    )
    print(
        f"  reference at 128 x 256 rays (~0.1% accuracy): {1e3 * t_fine:.2f} ms, "
        f"ratio {t_fine / t_fit:.1f}x"
    )


if __name__ == "__main__":
    main()
