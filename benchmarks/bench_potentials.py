"""Benchmark: reference many-body potentials vs their symmetry-function fits (Ch. 2, 8).

Per-configuration energy time of

* ElasticShell (N_p = 200, N_o = 100, thesis Fig. 2.6) vs the fitted
  SymmetryFunctionPotential, on a hexagonal crystal of N = 64 particles at
  rho sigma^2 = 2.4 ... 4.6 (thesis target: >= 200x);
* the Asakura-Oosawa many-body term (q = 0.4, default 64 x 128 angular rule) vs the
  fitted many-body term, on an equilibrated fluid of N = 1372 colloids at eta_c = 0.3
  (eta_r = 0.3, sampled with the pair term) (thesis target: >= 10^4x,
  against a grid-integration reference of ~10^5 points per particle).

Both fits are made in this run: the shells' on rattled crystals, the AO many-body term's on
MC snapshots of AO fluids (``training_data.asakura_oosawa_data``), labelled by the
references. Times are the median CPU time (``time.process_time``) per call over ``--repeat``
samples, each sample looping the call for at least 20 ms, on one core; the samples of the
reference and of the fit alternate so that both see the same load of the machine. The fit's
time is the full public call (``energies()`` for the shells, ``reduced_energies()``, the
many-body term only, for AO): input validation, a float64 cell list and the one-pass numba
kernel of ``hoomd_colloidml.potentials._sf_energy``.

Note on the AO target: the thesis's 10^4x is measured against "numerical integration on a
grid" with ~10^5 points (Ch. 8.2). The run prints the fit against three references in the
same run: the ray rule at its default (64 x 128) and at 128 x 256, and the grid method
(``AsakuraOosawa(method="grid")``, 58 nodes per diameter, ~1.0e5 nodes per depletion
sphere), each with its own error estimate (``many_body_error``) and its actual deviation
from a converged value (rays, 256 x 512) on the benchmark configuration. Both of our
references skip particles without a triple overlap and integrate only over neighbours that
share a triple, so they are faster than a plain free-volume grid.

``--part mc`` times Monte Carlo with the AO fit (pair term plus fitted many-body term) on
the same N = 1372 fluid: trial moves per CPU second of the fit's compiled translation sweeps
(``SymmetryFunctionPotential.mc_translation_sweeps``) against the engine's generic many-body
path (``local_energy`` through Python before and after every move), both following the same
Markov chain from the same seed.

Usage:
    .venv/bin/python benchmarks/bench_potentials.py [--repeat 5] [--part all|shell|ao|mc]
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
from hoomd_colloidml.lattice import rattle  # noqa: E402
from hoomd_colloidml.models import ForwardSelector  # noqa: E402
from hoomd_colloidml.potentials import (  # noqa: E402
    AsakuraOosawa,
    ElasticShell,
    SymmetryFunctionPotential,
)
from hoomd_colloidml.potentials.training_data import (  # noqa: E402
    asakura_oosawa_data,
    shell_crystal,
)


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
    """Many-body fit on MC snapshots of AO fluids (the training-data generator of the
    package, small settings), so that it is fitted to the kind of configuration timed."""
    data = asakura_oosawa_data(
        packing_fractions=(0.2, 0.3, 0.4),
        eta_r=(0.2, 0.4),
        q=q,
        n_particles=108,
        n_snapshots=6,
        equilibration_sweeps=50,
        sweeps_between=10,
        progress=False,
        seed=int(rng.integers(2**31)),
    )
    return SymmetryFunctionPotential(
        pair_term={"kind": "asakura_oosawa", "q": q, "eta_r": 0.3}
    ).fit(
        data.frames,
        data.energies,
        SymmetryFunctions.pool_3d(1.0 + q),
        selector=ForwardSelector(max_features=20, tol=1e-8),
        indices=data.indices,
    )


def ao_fluid(q, eta_r=0.3, seed=1):
    """Equilibrated AO fluid, N = 1372 at eta_c = 0.3 (100 NVT sweeps with the engine's
    numba AO pair term at eta_r = 0.3 from a random hard-sphere fluid)."""
    from hoomd_colloidml.engine import NVT, MonteCarlo
    from hoomd_colloidml.engine import AsakuraOosawa as AOPair
    from hoomd_colloidml.lattice import fluid

    mc = MonteCarlo(fluid(1372, 0.3, seed=seed), [AOPair(sigma=1.0, q=q, eta_p=eta_r)], seed=seed)
    mc.run(100, NVT(), progress=False, equilibrate=True, pressure_every=0)
    return mc.system


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--part", choices=("all", "shell", "ao", "mc"), default="all")
    args = ap.parse_args()
    if args.part in ("all", "shell"):
        bench_shell(args)
    if args.part in ("all", "ao"):
        bench_ao(args)
    if args.part in ("all", "mc"):
        bench_mc(args)


def bench_shell(args):
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


def bench_ao(args):
    rng = np.random.default_rng(1)
    q = 0.4
    print("\nAsakura-Oosawa many-body term (q=0.4) vs SF fit, fluid N=1372 at eta_c=0.3")
    fit_mb = fit_ao(rng, q)
    print(f"  fit: {len(fit_mb.selected_)} SFs, R2_test={fit_mb.r2_test_:.6f}")
    s = ao_fluid(q)
    # Converged value of the many-body term for this configuration (rays, 256 x 512): the
    # error each reference actually achieves is measured against it.
    u_conv = AsakuraOosawa(q, 0.3, n_theta=256, n_phi=512).many_body_energies(s)
    conv = u_conv.sum()
    refs = [
        ("rays 64x128 (default)", AsakuraOosawa(q, 0.3)),
        ("rays 128x256", AsakuraOosawa(q, 0.3, n_theta=128, n_phi=256)),
        ("grid 58/diam (~1e5 nodes, thesis)", AsakuraOosawa(q, 0.3, method="grid")),
    ]
    print(
        f"  converged many-body energy (rays 256x512): {conv:.5f} kT in total, "
        f"{np.count_nonzero(u_conv)} of {s.N} particles with a triple overlap"
    )
    print(
        f"  {'reference':<34} {'t_ref [ms]':>11} {'t_fit [ms]':>11} {'ratio':>8} "
        f"{'err est.':>9} {'err total':>9} {'rmse/particle [kT]':>18}"
    )
    for name, ao in refs:
        t_ref, t_fit = timed_pair(  # many-body term only, for both
            lambda ao=ao: ao.many_body_energies(s),
            lambda: fit_mb.reduced_energies(s),
            max(1, args.repeat if "default" in name else args.repeat // 2),
        )
        u = ao.many_body_energies(s)
        err_est = ao.many_body_error(s) / conv
        err = abs(u.sum() - conv) / conv
        rmse = np.sqrt(np.mean((u - u_conv) ** 2))
        print(
            f"  {name:<34} {1e3 * t_ref:11.2f} {1e3 * t_fit:11.3f} {t_ref / t_fit:8.1f} "
            f"{err_est:9.1e} {err:9.1e} {rmse:18.1e}"
        )
    u_fit = fit_mb.energy_scale * fit_mb.reduced_energies(s)  # z_p at eta_r = 0.3
    print(
        f"  fit: rmse/particle {np.sqrt(np.mean((u_fit - u_conv) ** 2)):.1e} kT (its intercept "
        "makes its total not comparable); thesis: ~10^4x vs a ~10^5-point grid"
    )


def bench_mc(args):
    from hoomd_colloidml.engine import NVT, MonteCarlo

    q = 0.4
    print("\nNVT Monte Carlo with the AO fit (pair term + fitted many-body term), N=1372, "
          "eta_c=0.3")
    fit = fit_ao(np.random.default_rng(1), q)
    s = ao_fluid(q)
    rates = {}
    for compiled, sweeps in ((True, 20), (False, 1)):
        mc = MonteCarlo(s, [fit], seed=3, step_size=0.1)
        mc.use_compiled_many_body = compiled
        mc.run(1, NVT(), progress=False, pressure_every=0)  # compile / warm up
        samples = []
        for _ in range(max(1, args.repeat if compiled else args.repeat // 2)):
            c0 = int(mc._counters[0])
            t = time.process_time()
            mc.run(sweeps, NVT(), progress=False, pressure_every=0, sample_every=sweeps)
            samples.append((int(mc._counters[0]) - c0) / (time.process_time() - t))
        rates[compiled] = float(np.median(samples))
        print(f"  {'compiled sweeps' if compiled else 'generic Python path':<20} "
              f"{rates[compiled]:10.3e} moves/s (acceptance {mc.acceptance['translate']:.2f})")
    print(f"  ratio {rates[True] / rates[False]:.1f}x")


if __name__ == "__main__":
    main()
