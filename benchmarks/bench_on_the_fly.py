"""Benchmark: cost of one on-the-fly classification relative to one MC sweep, N ~ 10^4.

One ``ClassifyEnvironments`` call = :class:`hoomd_colloidml.io.OnTheFlyClassifier`
``.compute``: averaged bond-order vectors (q4, q6, SANN neighbours, Lechner-Dellago
averaging) + softmax ``predict``/``predict_proba`` + largest crystalline cluster. It is
timed against one Monte Carlo sweep (N trial moves) of the same 10^4 hard spheres in a
supersaturated FCC/fluid state (packing fraction 0.54):

* with HOOMD-blue 4.x importable: one HPMC sweep (``hoomd.hpmc.integrate.Sphere``,
  timed over ``--sweeps`` steps) - the comparison the issue asks for;
* always: one sweep of the embedded engine (:class:`hoomd_colloidml.engine.MonteCarlo`).

Times are medians over ``--repeat`` calls after one warm-up call (numba compiles).

Usage:
    .venv/bin/python benchmarks/bench_on_the_fly.py [--repeat 5] [--cells 14]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from freud_ext.order import BondOrderDescriptor  # noqa: E402
from hoomd_colloidml.io import OnTheFlyClassifier  # noqa: E402
from hoomd_colloidml.lattice import crystal, fluid, rattle  # noqa: E402
from hoomd_colloidml.models import PhaseClassifier  # noqa: E402


def _median_time(fn, repeat):
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _model():
    d = BondOrderDescriptor(l=[4, 6])
    X, y = [], []
    for seed in range(2):
        for s, lab in ((rattle(crystal("fcc", 3, 0.55), 0.04, seed=seed), 1),
                       (fluid(108, 0.45, seed=seed), 0)):
            f, names = d.describe(s)
            X.append(f)
            y.append(np.full(s.N, lab))
    return PhaseClassifier(random_state=0, max_epochs=60, descriptor_config=d.get_config(),
                           feature_names=names).fit(np.concatenate(X), np.concatenate(y))


def _hpmc_sweep(system, sweeps, model=None):
    """Seconds per HPMC sweep; with ``model``, per sweep with ClassifyEnvironments every sweep."""
    try:
        import hoomd
        import hoomd.hpmc
    except ImportError:
        return None
    sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=1)
    snap = hoomd.Snapshot()
    b = system.box
    snap.configuration.box = [b.Lx, b.Ly, b.Lz, 0, 0, 0]
    snap.particles.N = system.N
    snap.particles.types = ["A"]
    snap.particles.position[:] = system.positions
    sim.create_state_from_snapshot(snap)
    mc = hoomd.hpmc.integrate.Sphere(default_d=0.05, nselect=1)
    mc.shape["A"] = dict(diameter=1.0)
    sim.operations.integrator = mc
    if model is not None:
        from hoomd_colloidml.hoomd import ClassifyEnvironments

        action = ClassifyEnvironments(model, every=1, cluster_class=1)
        sim.operations.writers.append(action.writer)
    sim.run(10)
    t0 = time.perf_counter()
    sim.run(sweeps)
    return (time.perf_counter() - t0) / sweeps


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--cells", type=int, default=14, help="FCC cells per side (N = 4 cells^3)")
    p.add_argument("--hpmc-sweeps", type=int, default=50)
    args = p.parse_args()

    from hoomd_colloidml.engine import MonteCarlo

    mc = MonteCarlo(crystal("fcc", args.cells, 0.54), seed=1)
    mc.run(3, progress=False)  # thermal disorder without hard-core overlaps
    system = mc.system
    print(f"N = {system.N} hard spheres, packing fraction {system.packing_fraction:.3f}")
    clf = OnTheFlyClassifier(_model(), cluster_class=1)
    t_cls = _median_time(lambda: clf.compute(system), args.repeat)
    describer = clf.describer
    t_desc = _median_time(lambda: describer.describe(system, system.typeid), args.repeat)
    X, _ = describer.describe(system, system.typeid)
    t_pred = _median_time(lambda: (clf.model.predict(X), clf.model.predict_proba(X)),
                          args.repeat)
    print(f"ClassifyEnvironments call (descriptor + predict + cluster): {t_cls * 1e3:9.1f} ms")
    print(f"  descriptor (q4, q6 SANN, averaged):                       {t_desc * 1e3:9.1f} ms")
    print(f"  predict + predict_proba:                                  {t_pred * 1e3:9.1f} ms")

    t_sweep = _median_time(lambda: mc.run(1, progress=False), args.repeat)
    print(f"embedded-engine MC sweep (N trial moves):                  {t_sweep * 1e3:9.1f} ms")
    print(f"ratio classify / embedded-engine sweep:                    {t_cls / t_sweep:9.2f}")
    t_hpmc = _hpmc_sweep(system, args.hpmc_sweeps)
    if t_hpmc is None:
        print("HOOMD-blue not importable: HPMC sweep not measured (ratio above uses the "
              "embedded engine).")
    else:
        print(f"HOOMD HPMC sweep (hoomd {__import__('hoomd').version.version}):"
              f"               {t_hpmc * 1e3:9.1f} ms")
        print(f"ratio classify / HPMC sweep:                                {t_cls / t_hpmc:9.2f}")
        n_act = max(3, args.hpmc_sweeps // 10)
        t_both = _hpmc_sweep(system, n_act, clf.model)
        t_action = t_both - t_hpmc
        print(f"ClassifyEnvironments in HOOMD (sweep+action - sweep):     "
              f"{t_action * 1e3:9.1f} ms")
        print(f"ratio ClassifyEnvironments / HPMC sweep:                   "
              f"{t_action / t_hpmc:9.2f}")


if __name__ == "__main__":
    main()
