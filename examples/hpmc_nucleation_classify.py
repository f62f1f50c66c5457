"""Watch hard spheres crystallise: HPMC with on-the-fly environment classification.

A HOOMD-blue 4.x HPMC run of N hard spheres compressed to a supersaturated packing
fraction (default 0.54, above freezing at 0.494; thesis Ch. 3.6 "on the fly
calculations in computational nucleation studies"). Every ``--every`` sweeps
:class:`hoomd_colloidml.hoomd.ClassifyEnvironments` labels each sphere crystal or fluid
with a saved model and logs per-particle ``labels``/``probabilities`` and the per-class
``fractions`` and ``largest_cluster`` (the nucleus size) into the GSD file, which OVITO
colours by ``labels``. The GSD writer is flushed every 60 s and on SIGTERM.

Usage::

    python examples/hpmc_nucleation_classify.py --out nucleation.gsd [--model MODEL_DIR]

Without ``--model`` a softmax classifier is trained first on averaged bond-order
vectors (q4, q6; SANN neighbours) of ideal FCC crystals and fluids made by
:mod:`hoomd_colloidml.lattice` (a few seconds). Afterwards,
``colloidml classify nucleation.gsd --model MODEL_DIR --out relabeled.gsd`` gives the
same labels from the saved frames.

Requires HOOMD-blue 4.x (``conda install -c conda-forge hoomd``).
"""

from __future__ import annotations

import argparse

import numpy as np


def quick_model(directory: str) -> str:
    """Train crystal (1) vs fluid (0) on q4, q6 and save it to ``directory``."""
    from freud_ext.order import BondOrderDescriptor
    from hoomd_colloidml.lattice import crystal, fluid, rattle
    from hoomd_colloidml.models import PhaseClassifier

    d = BondOrderDescriptor(l=[4, 6])
    X, y, names = [], [], None
    for seed in range(3):
        for s, lab in ((rattle(crystal("fcc", 4, 0.55), 0.04, seed=seed), 1),
                       (fluid(256, 0.45, seed=seed), 0)):
            f, names = d.describe(s)
            X.append(f)
            y.append(np.full(s.N, lab))
    model = PhaseClassifier(random_state=0, descriptor_config=d.get_config(),
                            feature_names=names, max_epochs=100)
    model.fit(np.concatenate(X), np.concatenate(y))
    model.save(directory)
    return directory


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default="nucleation.gsd", help="GSD trajectory to write")
    p.add_argument("--model", help="model directory (default: train a quick q4/q6 model)")
    p.add_argument("--n", type=int, default=4000, help="number of spheres")
    p.add_argument("--phi", type=float, default=0.54, help="packing fraction")
    p.add_argument("--sweeps", type=int, default=200_000, help="HPMC sweeps after compression")
    p.add_argument("--every", type=int, default=1000, help="classify every this many sweeps")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    try:
        import hoomd
        import hoomd.hpmc
    except ImportError as exc:
        raise SystemExit(f"This example needs HOOMD-blue 4.x "
                         f"(conda install -c conda-forge hoomd): {exc}") from None
    from hoomd_colloidml.hoomd import ClassifyEnvironments, flush_on_sigterm
    from hoomd_colloidml.lattice import fluid

    model = args.model or quick_model("nucleation_model")

    # dilute fluid, then compress to the target packing fraction
    start = fluid(args.n, 0.3, seed=args.seed)
    sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=args.seed)
    snap = hoomd.Snapshot()
    if snap.communicator.rank == 0:
        b = start.box
        snap.configuration.box = [b.Lx, b.Ly, b.Lz, 0, 0, 0]
        snap.particles.N = start.N
        snap.particles.types = ["A"]
        snap.particles.position[:] = start.positions
    sim.create_state_from_snapshot(snap)
    mc = hoomd.hpmc.integrate.Sphere(default_d=0.1)
    mc.shape["A"] = dict(diameter=1.0)
    sim.operations.integrator = mc
    side = (args.n * np.pi / 6 / args.phi) ** (1 / 3)
    compress = hoomd.hpmc.update.QuickCompress(trigger=hoomd.trigger.Periodic(10),
                                               target_box=hoomd.Box.cube(side))
    tune = hoomd.hpmc.tune.MoveSize.scale_solver(moves=["d"], target=0.3,
                                                 trigger=hoomd.trigger.Periodic(100))
    sim.operations.updaters.append(compress)
    sim.operations.tuners.append(tune)
    while not compress.complete:
        sim.run(1000)
    sim.operations.updaters.remove(compress)

    classify = ClassifyEnvironments(model, every=args.every, cluster_class=1)
    sim.operations.writers.append(classify.writer)
    logger = hoomd.logging.Logger(categories=["particle", "sequence", "scalar"])
    logger.add(classify.writer,
               quantities=["labels", "probabilities", "fractions", "largest_cluster"])
    gsd = hoomd.write.GSD(trigger=hoomd.trigger.Periodic(args.every), filename=args.out,
                          mode="wb", logger=logger)
    sim.operations.writers.append(gsd)
    flush_on_sigterm(sim, [gsd], interval=60.0, period=args.every)

    for _ in range(max(1, args.sweeps // (10 * args.every))):
        sim.run(10 * args.every)
        if sim.device.communicator.rank == 0:
            print(f"step {sim.timestep}: crystal fraction {classify.fractions[1]:.3f}, "
                  f"largest crystalline cluster {classify.largest_cluster}")
    gsd.flush()


if __name__ == "__main__":
    main()
