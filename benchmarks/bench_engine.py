"""Trial moves per second of the embedded Monte Carlo engine (one core).

Rates are per CPU second of this (single-threaded) process (``time.process_time``), so
they measure one core even on a shared, loaded machine.

Cases (issue 4): hard spheres at packing fraction 0.50 (N = 4000) and the Kob-Andersen
mixture at rho = 1.2, T = 0.6 (N = 1000). The peer is a plain numpy Metropolis loop
(one vectorised distance computation over all particles per trial move, no cell list) run
on the same configuration in the same process; HOOMD-blue HPMC is not installable here.

Run:  NUMBA_CACHE_DIR=.venv/numba-cache .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

import time

import numpy as np

from hoomd_colloidml import System
from hoomd_colloidml.engine import NVT, LennardJones, MonteCarlo
from hoomd_colloidml.lattice.fluid import fluid


def _particle_energy(pos, L, x, i, pot_energy):
    d = pos - x
    d -= L * np.round(d / L)
    r2 = (d * d).sum(1)
    r2[i] = np.inf
    return pot_energy(r2, i)


def numpy_reference_moves_per_second(system, pot_energy, kT, step, n_moves, seed=0):
    """Plain numpy Metropolis (the peer): all-particle distances per trial, no cell list."""
    rng = np.random.default_rng(seed)
    pos = system.positions.copy()
    L = np.array([system.box.Lx, system.box.Ly, system.box.Lz])
    n = len(pos)
    t0 = time.process_time()
    for _ in range(n_moves):
        i = rng.integers(n)
        new = pos[i] + rng.uniform(-step, step, 3)
        new -= L * np.round(new / L)

        de = _particle_energy(pos, L, new, i, pot_energy) - _particle_energy(
            pos, L, pos[i], i, pot_energy
        )
        if de <= 0 or rng.random() < np.exp(-de / kT):
            pos[i] = new
    return n_moves / (time.process_time() - t0)


def time_engine(mc, sweeps):
    mc.run(2, progress=False, pressure_every=0)  # compile / warm up
    c0 = mc._counters.copy()
    t0 = time.process_time()
    mc.run(sweeps, NVT(), progress=False, pressure_every=0, sample_every=sweeps)
    dt = time.process_time() - t0
    moves = int(mc._counters[0] - c0[0])
    return moves / dt, mc.acceptance["translate"]


def hard_spheres():
    s = fluid(4000, 0.50, seed=1)
    mc = MonteCarlo(s, seed=2, step_size=0.09)
    rate, acc = time_engine(mc, 100)
    diam = s.diameters

    def hs(r2, i):
        return np.inf if np.any(r2 < (0.5 * (diam + diam[i])) ** 2) else 0.0

    ref = numpy_reference_moves_per_second(mc.system, hs, 1.0, 0.09, 20000)
    return rate, acc, ref


def kob_andersen():
    n = 1000
    s = fluid(n, 0.50, composition=(0.8, 0.2), size_ratio=0.88, seed=1)
    f = (s.N / 1.2 / s.volume) ** (1 / 3)  # rescale to rho = 1.2
    import freud

    s = System(freud.box.Box.cube(s.box.Lx * f), s.positions * f, s.typeid, ["A", "B"],
               np.zeros(n))
    ka = LennardJones.kob_andersen()
    mc = MonteCarlo(s, [ka], seed=2, kT=0.6, step_size=0.08)
    mc.run(200, progress=False, equilibrate=True, pressure_every=0)
    rate, acc = time_engine(mc, 20)
    eps = np.array([[1.0, 1.5], [1.5, 0.5]])
    sig = np.array([[1.0, 0.8], [0.8, 0.88]])
    tid = s.typeid

    def lj(r2, i):
        e_ = eps[tid[i], tid]
        s2 = sig[tid[i], tid] ** 2
        rc2 = 6.25 * s2
        m = r2 < rc2
        x = (s2[m] / r2[m]) ** 3
        xc = (1 / 6.25) ** 3
        return float((4 * e_[m] * (x * x - x - (xc * xc - xc))).sum())

    ref = numpy_reference_moves_per_second(mc.system, lj, 0.6, mc.step_size, 5000)
    return rate, acc, ref


def main():
    print("embedded engine, trial moves per second (one core)")
    for name, fn in (("hard spheres eta=0.50 N=4000", hard_spheres),
                     ("Kob-Andersen rho=1.2 T=0.6 N=1000", kob_andersen)):
        rate, acc, ref = fn()
        print(f"{name:36s} engine {rate:12.3e} moves/s (acceptance {acc:.2f}) | "
              f"numpy reference {ref:10.3e} moves/s | ratio {rate / ref:8.1f}x")


if __name__ == "__main__":
    main()
