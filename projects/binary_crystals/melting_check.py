"""Where does each binary crystal of Fig. 3.4 melt? Direct coexistence with its fluid.

The thesis reports the networks' accuracy "over the entire range of stability of the
explored phases" (Ch. 3.5, Fig. 3.4); the scan ranges of this study
(``studies.statepoints.FIG34_PACKING``) are our choice. This script places each crystal
in contact with a binary fluid of the crystal's own composition (congruent melting) at the
crystal's bulk pressure at a packing fraction η_c, and watches whether the crystal melts:

1. bulk NVT run of the ideal crystal at η_c: its pressure βPσ_L³ (virtual compressions);
2. ``studies.builders.crystal_fluid_slabs``: the equilibrated crystal and a fluid slab of
   equal thickness at the BMCSL packing fraction of that pressure, without gaps;
3. NPT at that pressure with independent box lengths; every ``sweeps / 10`` sweeps the
   fraction of crystal-like particles: a linear discriminant of q̄1..q̄8 (SANN, Eq. 4.4)
   trained on the bulk crystal and on a bulk fluid at the same pressure.

Below the melting pressure the crystal-like fraction falls to the fluid's (the interface
needs no nucleation to advance); at and above it the crystal persists (binary hard-sphere
crystals grow only slowly). One run per state; about 4 min per state on one core::

    python projects/binary_crystals/melting_check.py --phase nacl --packing-fractions 0.58 0.605
    python projects/binary_crystals/melting_check.py --phase mgzn2 --packing-fractions 0.53 0.56

Prints one row per state (the crystal-like fraction at every tenth of the run) and writes
them to ``--out`` (JSON) if given.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hoomd_colloidml.engine import NPT, NVT, MonteCarlo
from hoomd_colloidml.lattice import crystal, fluid
from hoomd_colloidml.studies import io
from hoomd_colloidml.studies.descriptors import ch4_descriptor
from hoomd_colloidml.studies.simulate import crystal_fluid_coexistence

#: name -> (lattice, size ratio, composition x = N_S/N of the crystal, unit cells of the slab)
PHASES = {
    "nacl": ("nacl", 0.45, 1 / 2, (5, 5, 5)),
    "alb2": ("alb2", 0.45, 2 / 3, (7, 4, 7)),
    "alb2-0.54": ("alb2", 0.54, 2 / 3, (7, 4, 7)),
    "mgcu2": ("mgcu2", 0.82, 2 / 3, (3, 3, 4)),
    "mgzn2": ("mgzn2", 0.82, 2 / 3, (5, 3, 3)),
    "mgni2": ("mgni2", 0.82, 2 / 3, (5, 3, 2)),
}


def bond_order(system) -> np.ndarray:
    """q̄1..q̄8 of every particle on SANN neighbours (Eq. 4.4, the Ch. 4 describer), (N, 8)."""
    return np.asarray(ch4_descriptor(False).describe(system)[0])


def melting_run(phase: str, eta_c: float, sweeps: int, seed: int) -> dict:
    """One direct-coexistence run; see the module docstring."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    lattice, alpha, x, cells = PHASES[phase]
    co = crystal_fluid_coexistence(crystal(lattice, cells, eta_c, alpha), x, seed)
    start, slab, pressure, eta_f = co.system, co.slab, co.pressure, co.fluid_packing_fraction
    bulk = co.bulk_crystal
    liquid = MonteCarlo(fluid(1000, min(eta_f, 0.57), composition=(1 - x, x),
                              size_ratio=alpha, seed=seed), seed=seed + 1, step_size=0.05)
    liquid.run(1300, NVT(), progress=False, equilibrate=True, pressure_every=0)
    q_c, q_f = bond_order(bulk), bond_order(liquid.system)
    lda = LinearDiscriminantAnalysis().fit(np.r_[q_c, q_f],
                                           np.r_[np.ones(len(q_c)), np.zeros(len(q_f))])

    def crystal_like(system) -> float:
        return float(np.mean(lda.predict(bond_order(system)) > 0.5))

    mc = MonteCarlo(start, seed=seed + 3, step_size=0.04, box_step=0.001)
    ens = NPT(pressure, box_moves="axes", box_trials=5)
    mc.run(200, ens, progress=False, equilibrate=True, pressure_every=0)
    chunk = max(1, sweeps // 10)
    trace = [(mc.sweep, crystal_like(mc.system), mc.system.packing_fraction)]
    for _ in range(10):
        mc.run(chunk, ens, progress=False, pressure_every=0)
        trace.append((mc.sweep, crystal_like(mc.system), mc.system.packing_fraction))
    return {"phase": phase, "size_ratio": alpha, "eta_crystal": eta_c, "pressure": pressure,
            "eta_fluid": eta_f, "N": start.N, "n_crystal": int(np.sum(slab == 0)),
            "bulk_crystal_like": float(np.mean(lda.predict(q_c) > 0.5)),
            "bulk_fluid_crystal_like": float(np.mean(lda.predict(q_f) > 0.5)),
            "trace": trace}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=sorted(PHASES), required=True)
    parser.add_argument("--packing-fractions", type=float, nargs="+", required=True)
    parser.add_argument("--sweeps", type=int, default=50000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="JSON file for the rows")
    args = parser.parse_args(argv)
    rows = []
    print("| phase | η_c | βPσ_L³ | η_f (BMCSL) | N (crystal) | crystal-like fraction, "
          "every tenth of the run |")
    print("|---|---|---|---|---|---|")
    for eta in args.packing_fractions:
        t = time.time()
        r = melting_run(args.phase, eta, args.sweeps, args.seed)
        rows.append(r)
        frac = " ".join(f"{c:.2f}" for _, c, _ in r["trace"])
        print(f"| {r['phase']} | {eta} | {r['pressure']:.2f} | {r['eta_fluid']:.3f} | "
              f"{r['N']} ({r['n_crystal']}) | {frac} |  ({time.time() - t:.0f} s)", flush=True)
    if args.out:
        io.write_json(args.out, {"rows": rows, "sweeps": args.sweeps, "seed": args.seed})


if __name__ == "__main__":
    main()
