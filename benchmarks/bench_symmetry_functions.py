"""Benchmark: the 108-function symmetry-function pool (thesis Ch. 2.3.3) against dscribe.

Values and gradients of ``SymmetryFunctions.pool_3d`` for 10^4 particles in 3D at number
density 0.9 with r_c = 2.5 sigma, against dscribe's ACSF with the same G2 and G4 (= Eq. 2.6)
parameters, both on one core, in the same run.

dscribe's ACSF derivatives are numerical and dense (N x N x 3 x M): they are timed on a
few hundred particles and extrapolated to 10^4 as N^2 (each of the 3N displacements
recomputes the descriptors of the N centres; stated in the output), next to ours on the
same small system.

Usage:
    .venv/bin/python benchmarks/bench_symmetry_functions.py [--n 10000] [--n-small 120]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import freud  # noqa: E402
import numpy as np  # noqa: E402

from freud_ext.environment import SymmetryFunctions  # noqa: E402


def system(n, density, seed=0):
    L = (n / density) ** (1 / 3)
    rng = np.random.default_rng(seed)
    box = freud.box.Box.cube(L)
    return box, rng.uniform(-L / 2, L / 2, (n, 3))


def atoms_of(box, pts):
    import ase

    return ase.Atoms(
        numbers=np.ones(len(pts), int),
        positions=pts + np.asarray(box.L) / 2,
        cell=np.diag(box.L),
        pbc=True,
    )


def best(fn, repeat):
    """Smallest CPU time (process_time) of ``repeat`` calls; everything runs on one
    thread, so CPU time equals wall time on an idle core and is robust to a shared
    machine."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--n-small", type=int, default=120)
    parser.add_argument("--density", type=float, default=0.9)
    parser.add_argument("--r-cut", type=float, default=2.5)
    args = parser.parse_args()
    freud.parallel.set_num_threads(1)
    from dscribe.descriptors import ACSF

    sf = SymmetryFunctions.pool_3d(args.r_cut)
    acsf = ACSF(
        r_cut=args.r_cut,
        g2_params=[list(p) for p in sf.radial],
        g4_params=[list(p) for p in sf.angular],
        species=["H"],
        periodic=True,
    )
    print(f"pool: {sf.n_features} functions; r_cut = {args.r_cut}; density = {args.density}")
    print("times: CPU seconds on one thread (best of runs)")

    # warm-up (numba compile / cache load)
    sf.compute(system(200, args.density), gradients=True)

    box, pts = system(args.n, args.density)
    atoms = atoms_of(box, pts)
    t_ours = best(lambda: sf.compute((box, pts)), 2)
    t_ours_g = best(lambda: sf.compute((box, pts), gradients=True), 1)
    n_pairs = len(sf.pair_indices)
    t_ds = best(lambda: acsf.create(atoms, n_jobs=1), 1)
    ours = sf.compute((box, pts)).values
    ref = acsf.create(atoms, n_jobs=1)
    m2 = len(sf.radial)
    ref = np.hstack([ref[:, 1 : 1 + m2], ref[:, 1 + m2 :]])
    err = np.abs(ours - ref).max() / np.abs(ref).max()
    print(f"N = {args.n}: {n_pairs / args.n:.1f} neighbours per particle")
    print(f"  ours values             {t_ours:8.2f} s")
    print(f"  ours values + gradients {t_ours_g:8.2f} s")
    print(f"  dscribe ACSF values     {t_ds:8.2f} s   (max |diff| / max = {err:.1e})")
    print(f"  ratio dscribe / ours (values): {t_ds / t_ours:.2f}x")

    # gradients: dscribe numerical, dense; small system, extrapolated as N^2
    ns = args.n_small
    box_s, pts_s = system(ns, args.density, seed=1)
    atoms_s = atoms_of(box_s, pts_s)
    t_ds_d = best(lambda: acsf.derivatives(atoms_s, method="numerical", attach=True, n_jobs=1), 1)
    t_ours_s = best(lambda: sf.compute((box_s, pts_s), gradients=True), 3)
    extrap = t_ds_d * (args.n / ns) ** 2
    print(f"gradients, N = {ns}:")
    print(f"  ours analytic (sparse)  {t_ours_s:8.3f} s")
    print(f"  dscribe numerical dense {t_ds_d:8.3f} s   ratio {t_ds_d / t_ours_s:.0f}x")
    print(
        f"  dscribe extrapolated to N = {args.n} (x N^2): {extrap:.0f} s "
        f"(~{extrap / 3600:.1f} h) vs ours {t_ours_g:.1f} s measured: "
        f"ratio ~{extrap / t_ours_g:.0f}x"
    )


if __name__ == "__main__":
    main()
