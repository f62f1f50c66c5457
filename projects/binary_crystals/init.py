"""Initialise the state points of the binary hard-sphere crystal study (thesis Ch. 3).

Usage::

    python init.py --quick            # CI sizes, in this directory
    python init.py --full             # thesis sizes (N = 432-448 per crystal, 100 snapshots)
    python init.py --quick --workspace /scratch/bc   # project root elsewhere
    python init.py --statepoint '{"kind": "bulk", ...}'  # add (and validate) one state point

Every state point is validated with :func:`hoomd_colloidml.studies.statepoints.validate_binary`
before a job is created; a state point outside the physics (η >= 0.74, size ratio <= 0 or > 1,
a phase not stable at the size ratio) is refused with a message saying why.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from hoomd_colloidml.studies.statepoints import (
    FIG34_PACKING,
    FLUID_COMPOSITION,
    PHASES,
    SIZE_RATIOS,
    TRAINING_PACKING,
    validate_binary,
)
from hoomd_colloidml.studies.workflow import init_jobs

HERE = os.path.dirname(os.path.abspath(__file__))

#: Sizes per mode. ``N`` is the target number of particles per crystal (unit-cell counts are
#: chosen to come closest with a near-cubic box of edge >= ``min_box``), ``n_snapshots`` the
#: snapshots saved per simulation, ``sweeps`` the MC sweeps between snapshots.
MODES: dict[str, dict] = {
    "quick": {
        "N": 200, "equilibration_sweeps": 50, "sweeps": 10, "n_snapshots": 10,
        "fig34_points": 1, "coexistence_N": 600, "min_box": 3.8,
    },
    "full": {
        "N": 440, "equilibration_sweeps": 1000, "sweeps": 50, "n_snapshots": 100,
        "fig34_points": 5, "coexistence_N": 2000, "min_box": 3.4,
    },
}

#: Two-phase coexistences of Fig. 3.5 (crystal slabs; "fluid" is melted in place).
COEXISTENCES: dict[float, tuple[str, str]] = {
    0.45: ("nacl", "fcc"),
    0.54: ("alb2", "fluid"),
    0.82: ("mgcu2", "fcc"),
}


def choose_n_cells(phase: str, alpha: float, eta: float, target: int, min_box: float) -> list:
    """Unit cells per axis giving ~``target`` particles in a near-cubic box (edges >= min_box)."""
    from hoomd_colloidml.lattice import crystal

    cell = crystal(phase, 1, eta, size_ratio=alpha if phase != "fcc" else None)
    lengths = np.array([cell.box.Lx, cell.box.Ly, cell.box.Lz])
    best, best_cost = None, np.inf
    for nx in range(1, 13):
        for ny in range(1, 13):
            for nz in range(1, 13):
                n = np.array([nx, ny, nz])
                box = n * lengths
                if box.min() < min_box:
                    continue
                N = cell.N * n.prod()
                cost = abs(N - target) / target + 0.25 * (box.max() / box.min() - 1)
                if cost < best_cost:
                    best, best_cost = [int(v) for v in n], cost
    return best


def fig34_values(phase: str, alpha: float, n_points: int) -> list[float]:
    """Packing fractions of the density scan (Fig. 3.4), excluding the training value."""
    train = TRAINING_PACKING[alpha][phase]
    values = [v for v in FIG34_PACKING[phase] if abs(v - train) > 1e-9]
    if n_points >= len(values):
        return values
    # spread the requested number of points over the range
    idx = np.unique(np.round(np.linspace(0, len(values) - 1, n_points + 2)[1:-1]).astype(int))
    if n_points == 1:
        idx = [len(values) - 1]  # the densest point: farthest from the training data
    return [values[i] for i in idx]


def build_statepoints(mode: str, size_ratios=SIZE_RATIOS) -> list[dict]:
    """All state points of one mode."""
    m = MODES[mode]
    sps: list[dict] = []
    seed = 0
    for alpha in size_ratios:
        for phase in PHASES[alpha]:
            etas = [TRAINING_PACKING[alpha][phase], *fig34_values(phase, alpha, m["fig34_points"])]
            for eta in etas:
                seed += 1
                sp = {"kind": "bulk", "mode": mode, "size_ratio": alpha, "phase": phase,
                      "packing_fraction": eta, "equilibration_sweeps": m["equilibration_sweeps"],
                      "sweeps": m["sweeps"], "n_snapshots": m["n_snapshots"], "seed": seed}
                if phase == "fluid":
                    sp["composition"] = FLUID_COMPOSITION[alpha]
                    sp["N"] = m["N"]
                else:
                    sp["n_cells"] = choose_n_cells(phase, alpha, eta, m["N"], m["min_box"])
                sps.append(sp)
        for neighbors in ("sann", "sann_species", "cutoff"):
            sps.append({"kind": "network", "mode": mode, "size_ratio": alpha,
                        "neighbors": neighbors})
        seed += 1
        sps.append({"kind": "coexistence", "mode": mode, "size_ratio": alpha,
                    "phases": list(COEXISTENCES[alpha]),
                    "packing_fraction": TRAINING_PACKING[alpha][COEXISTENCES[alpha][0]],
                    "N": m["coexistence_N"], "equilibration_sweeps": m["equilibration_sweeps"],
                    "sweeps": m["sweeps"], "n_snapshots": 2, "seed": seed,
                    "min_box": m["min_box"]})
    return sps


def init_project(root: str, mode: str, size_ratios=SIZE_RATIOS, extra: list | None = None):
    """Create (or open) the signac project at ``root`` and add the state points of ``mode``."""
    sps = build_statepoints(mode, size_ratios) + list(extra or [])
    return init_jobs(root, sps, validate_binary, os.path.join(HERE, "templates"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="CI sizes (default)")
    group.add_argument("--full", action="store_true", help="thesis sizes")
    parser.add_argument("--workspace", default=HERE, help="signac project root")
    parser.add_argument("--size-ratios", type=float, nargs="+", default=list(SIZE_RATIOS))
    parser.add_argument("--statepoint", action="append", default=[],
                        help="extra state point as JSON (validated)")
    args = parser.parse_args(argv)
    mode = "full" if args.full else "quick"
    extra = [json.loads(s) for s in args.statepoint]
    try:
        project = init_project(args.workspace, mode, args.size_ratios, extra)
    except (ValueError, TypeError) as err:
        print(f"init.py: refused state point: {err}", file=sys.stderr)
        return 2
    print(f"Initialised {len(project)} jobs in {project.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
