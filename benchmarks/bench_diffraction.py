"""Benchmark: a 3D 65^3 diffraction image (thesis Ch. 7.3.2) of 432 particles on one core.

Ours (``DiffractionImage``, separable direct sum as complex matrix products) against
freud's ``StaticStructureFactorDirect`` (direct sum, one k point at a time) and a naive
numpy direct sum ``exp(-i k . r)`` over all k. freud evaluates only the octant
n_a >= 0 inside the sphere |k| <= k_max, i.e. fewer k points; the time per k point is
compared as well. Target: ours under 1 s for the full 65^3 grid.

Usage:
    .venv/bin/python benchmarks/bench_diffraction.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import time  # noqa: E402

import freud  # noqa: E402
import numpy as np  # noqa: E402

from freud_ext.diffraction import DiffractionImage  # noqa: E402


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
    freud.parallel.set_num_threads(1)
    rng = np.random.default_rng(0)
    n = 432
    L, Lz = 6.0, 12.0  # elongated along z as in the thesis' 3D systems
    box = freud.box.Box(L, L, Lz)
    pts = rng.uniform(-0.5, 0.5, (n, 3)) * [L, L, Lz]

    dif = DiffractionImage()  # n_max = 32 in 3D, pool 4
    dif.compute((box, pts))
    t_ours = best(lambda: dif.compute((box, pts)), 5)
    n_k = dif.full_image.size
    print("times: CPU seconds on one thread (best of runs)")
    print(f"N = {n}, grid {dif.full_image.shape} = {n_k} k points, pooled {dif.image.shape}")
    print(f"  ours DiffractionImage        {t_ours:8.3f} s   ({t_ours / n_k * 1e9:.0f} ns / k)")

    # naive numpy: exp(-i k.r) for every k, timed on a fifth of the grid and scaled
    kv = dif.k_vectors.reshape(-1, 3)
    sub = kv[: len(kv) // 5]

    def naive():
        out = np.empty(len(sub))
        for s in range(0, len(sub), 8192):
            ph = np.exp(-1j * (sub[s : s + 8192] @ pts.T))
            out[s : s + 8192] = np.abs(ph.sum(axis=1)) ** 2 / n
        return out

    t_naive = best(naive, 1) * len(kv) / len(sub)
    assert np.allclose(naive(), dif.full_image.reshape(-1)[: len(sub)])
    print(f"  naive numpy exp(-i k.r)      {t_naive:8.3f} s   ratio {t_naive / t_ours:.1f}x")

    k_max = 2 * np.pi * 32 / L * 0.999  # the grid's x/y extent
    ssf = freud.diffraction.StaticStructureFactorDirect(
        bins=50, k_max=k_max, k_min=0.0, num_sampled_k_points=10**9
    )
    t_freud = best(lambda: ssf.compute((box, pts)), 1)
    # freud's k set: n_a >= 0 with |k| <= k_max
    kk = np.linalg.norm(kv, axis=1)
    nn = np.stack(np.meshgrid(*[dif.n_values] * 3, indexing="ij"), -1).reshape(-1, 3)
    n_kf = int(((kk <= k_max) & (nn >= 0).all(axis=1)).sum())
    per_f = t_freud / n_kf * 1e9
    per_o = t_ours / n_k * 1e9
    print(
        f"  freud StaticStructureFactorDirect {t_freud:6.3f} s for {n_kf} k points "
        f"({per_f:.0f} ns / k): per-k ratio {per_f / per_o:.1f}x"
    )
    print(f"  target: ours < 1 s -> {'met' if t_ours < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
