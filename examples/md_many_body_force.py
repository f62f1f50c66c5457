"""Molecular dynamics with a many-body potential: Asakura-Oosawa colloid-polymer mixtures.

Colloids (diameter 1) with a steep WCA core (HOOMD's own ``md.pair.LJ``) feel the
depletion attraction of ideal polymers of size ratio q = 0.4 at reservoir packing
fraction ``--eta-r`` through :class:`hoomd_colloidml.potentials.AsakuraOosawa`
(exact pair term plus the many-body free-volume correction, thesis Ch. 8), evaluated
by :class:`hoomd_colloidml.hoomd.ManyBodyForce` from the rank-local snapshot. The WCA
core lets colloids overlap slightly, so the AO pair term is used with ``hard_core=False``
(the depletion-layer overlap continued below contact). A Langevin thermostat holds
kT = 1; the run prints the potential energy of each part.

The exact many-body forces are finite differences of a numerical free-volume integral:
about 0.4 s per step for 64 colloids on one core (500 steps: 3.7 min with HOOMD-blue
4.8.2). That cost is what the thesis's fits remove: pass ``--fit DIR``, a saved
:class:`hoomd_colloidml.potentials.SymmetryFunctionPotential` (``pot.save(DIR)``) fitted to
the AO many-body term, and the same ``ManyBodyForce`` runs it with analytic forces instead
(500 colloids, 5000 steps: 82 s).

Usage::

    python examples/md_many_body_force.py --n 64 --phi 0.2 --eta-r 0.3 --steps 500

Single MPI rank only (ManyBodyForce refuses domain decomposition). Requires
HOOMD-blue 4.x (``conda install -c conda-forge hoomd``).
"""

from __future__ import annotations

import argparse


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=64, help="number of colloids")
    p.add_argument("--phi", type=float, default=0.2, help="colloid packing fraction")
    p.add_argument("--eta-r", type=float, default=0.3, help="polymer reservoir packing fraction")
    p.add_argument("--q", type=float, default=0.4, help="polymer/colloid size ratio")
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--fit", default=None,
                   help="directory of a saved SymmetryFunctionPotential to use instead")
    p.add_argument("--dt", type=float, default=0.001)
    p.add_argument("--out", default="ao_md.gsd")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    try:
        import hoomd
        import hoomd.md
    except ImportError as exc:
        raise SystemExit(f"This example needs HOOMD-blue 4.x "
                         f"(conda install -c conda-forge hoomd): {exc}") from None
    from hoomd_colloidml.hoomd import ManyBodyForce
    from hoomd_colloidml.lattice import fluid
    from hoomd_colloidml.potentials import AsakuraOosawa, SymmetryFunctionPotential

    start = fluid(args.n, args.phi, seed=args.seed)
    sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=args.seed)
    snap = hoomd.Snapshot()
    b = start.box
    snap.configuration.box = [b.Lx, b.Ly, b.Lz, 0, 0, 0]
    snap.particles.N = start.N
    snap.particles.types = ["A"]
    snap.particles.position[:] = start.positions
    sim.create_state_from_snapshot(snap)

    cell = hoomd.md.nlist.Cell(buffer=0.3)
    wca = hoomd.md.pair.LJ(nlist=cell, default_r_cut=2 ** (1 / 6), mode="shift")
    wca.params[("A", "A")] = dict(epsilon=10.0, sigma=1.0)
    if args.fit:
        potential = SymmetryFunctionPotential.load(args.fit)
        if potential.pair_term is not None:  # an AO fit: this run's eta_r, soft pair core
            potential.set_params(pair_term={**potential.pair_term, "eta_r": args.eta_r,
                                            "hard_core": False})
    else:
        potential = AsakuraOosawa(q=args.q, eta_r=args.eta_r, hard_core=False)
    ao = ManyBodyForce(potential)
    langevin = hoomd.md.methods.Langevin(filter=hoomd.filter.All(), kT=1.0)
    sim.operations.integrator = hoomd.md.Integrator(dt=args.dt, forces=[wca, ao],
                                                    methods=[langevin])
    sim.state.thermalize_particle_momenta(filter=hoomd.filter.All(), kT=1.0)
    thermo = hoomd.md.compute.ThermodynamicQuantities(filter=hoomd.filter.All())
    sim.operations.computes.append(thermo)
    logger = hoomd.logging.Logger(categories=["scalar", "particle"])
    logger.add(ao, quantities=["energy", "energies"])
    logger.add(thermo, quantities=["kinetic_temperature", "pressure"])
    chunk = max(1, args.steps // 5)
    gsd = hoomd.write.GSD(trigger=hoomd.trigger.Periodic(chunk), filename=args.out,
                          mode="wb", logger=logger)
    sim.operations.writers.append(gsd)
    for _ in range(5):
        sim.run(chunk)
        print(f"step {sim.timestep}: U_WCA/N = {wca.energy / args.n:.4f}, "
              f"U_AO/N = {ao.energy / args.n:.4f}, T = {thermo.kinetic_temperature:.3f}")
    gsd.flush()


if __name__ == "__main__":
    main()
