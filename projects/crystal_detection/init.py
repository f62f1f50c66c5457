"""Initialise the state points of the crystal-detection study (thesis Ch. 4).

Usage::

    python init.py --quick            # CI sizes, in this directory
    python init.py --full             # thesis sizes (N = 1536 for the hard-sphere coexistence)
    python init.py --quick --workspace /scratch/cd
    python init.py --statepoint '{"system": "bulk", ...}'  # add (and validate) one state point

Every state point is validated with
:func:`hoomd_colloidml.studies.statepoints.validate_detection` before any job is created.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from hoomd_colloidml.studies.statepoints import validate_detection
from hoomd_colloidml.studies.workflow import init_jobs

HERE = os.path.dirname(os.path.abspath(__file__))

#: βPσ³ of the nucleation run and of the bulk runs that tune the standard method for it
NUCLEATION_PRESSURE = 20.0

#: Sizes per mode (N is the number of particles; layers / cells set the crystal slabs).
MODES: dict[str, dict] = {
    "quick": {
        # the thesis's size in both modes: one snapshot of N = 1542 (thesis: 1536), FCC 18 +
        # HCP 16 layers of 30 particles (5 x 3 rectangular cells) + fluid, rho sigma^3 = 1.01
        "hs": {"nx": 5, "ny": 3, "fcc_repeat": 6, "hcp_repeat": 8, "n_snapshots": 1,
               "equilibration_sweeps": 500},
        "gb": {"n_cells": 1, "n_z": 4},
        "laves": {"n_cells": 2},
        # seeded growth: N = 864 = 4 x 6^3 particles (a 6x6x6-cell FCC crystal fits the cubic
        # box), FCC seed of radius 3 sigma (135 particles)
        "nucleation": {"N": 864, "seed_radius": 3.0, "check_every": 500, "max_sweeps": 400_000,
                       "targets": [0.10, 0.20, 0.30, 0.45, 0.65, 0.90]},
        "bulk": {"N": 256, "n_snapshots": 4},
        "equilibration_sweeps": 60, "sweeps": 10,
    },
    "full": {
        # as quick (N = 1542), with 2000 equilibration sweeps
        "hs": {"nx": 5, "ny": 3, "fcc_repeat": 6, "hcp_repeat": 8, "n_snapshots": 1},
        "gb": {"n_cells": 1, "n_z": 10},
        "laves": {"n_cells": 3},
        # seeded growth at the thesis's size N = 2048 = 4 x 8^3, FCC seed of radius 3.5 sigma
        # (201 particles); snapshot targets near the thesis's fractions (2, 12, 21, 30, 64,
        # 98 %): the seed alone is ~5 %, and the grown crystal keeps ~8 % of its particles in
        # stacking faults and defects that the solid-bond criterion calls liquid-like (0.95 was
        # not reached in 230 000 sweeps), so the last target is 90 %
        "nucleation": {"N": 2048, "seed_radius": 3.5, "check_every": 500,
                       "max_sweeps": 1_000_000, "targets": [0.05, 0.12, 0.21, 0.30, 0.64, 0.90]},
        "bulk": {"N": 1000, "n_snapshots": 20},
        "equilibration_sweeps": 2000, "sweeps": 100,
    },
}


def build_statepoints(mode: str) -> list[dict]:
    m = MODES[mode]
    eq, sw = m["equilibration_sweeps"], m["sweeps"]
    sps = [
        # Ch. 4.3.1: metastable FCC / HCP / fluid coexistence of hard spheres, rho sigma^3 ~ 1.01
        {"system": "hs_coexistence", "mode": mode, "crystal_density": 1.05, "density": 0.94,
         "total_density": 1.01, "equilibration_sweeps": eq, "sweeps": sw, **m["hs"],
         "seed": 1},
        # Ch. 4.3.2: hard-sphere FCC bicrystal with two Sigma5 twist grain boundaries
        {"system": "grain_boundary", "mode": mode, "density": 1.05, "pressure": 12.0, **m["gb"],
         "equilibration_sweeps": eq, "sweeps": sw, "n_snapshots": 1, "seed": 2},
        # Ch. 4.3.4: binary MgCu2 Laves / binary fluid coexistence (hard spheres, alpha = 0.82)
        {"system": "laves_fluid", "mode": mode, "size_ratio": 0.82, "packing_fraction": 0.60,
         "composition": 2.0 / 3.0, **m["laves"],
         "equilibration_sweeps": eq, "sweeps": sw, "n_snapshots": 1, "seed": 3},
        # Ch. 4.3.5: crystal growth from a small FCC seed in a supersaturated hard-sphere fluid,
        # NPT at beta P sigma^3 = 20 (coexistence: 11.57); snapshots when the solid-bond
        # crystalline fraction first reaches each target
        {"system": "nucleation", "mode": mode, "pressure": NUCLEATION_PRESSURE,
         **m["nucleation"], "seed": 4},
    ]
    # Fig. 4.3/4.4: bulk runs that tune the standard q4-q6 method
    for k, (phase, rho) in enumerate((("fcc", 1.05), ("hcp", 1.05), ("fluid", 0.94))):
        sps.append({"system": "bulk", "mode": mode, "phase": phase, "density": rho,
                    "N": m["bulk"]["N"], "equilibration_sweeps": eq, "sweeps": sw,
                    "n_snapshots": m["bulk"]["n_snapshots"], "seed": 10 + k})
    # ... and at the pressure of the nucleation run (NPT; the fluid is metastable there and
    # too short-lived a run to nucleate), which tune it for Table 4.1
    for k, phase in enumerate(("fcc", "hcp", "fluid")):
        sps.append({"system": "bulk", "mode": mode, "phase": phase,
                    "pressure": NUCLEATION_PRESSURE, "N": m["bulk"]["N"],
                    "equilibration_sweeps": max(eq, 1000), "sweeps": max(sw, 50),
                    "n_snapshots": m["bulk"]["n_snapshots"], "seed": 20 + k})
    return sps


def init_project(root: str, mode: str, systems=None, extra: list | None = None):
    """Create (or open) the signac project at ``root`` and add the state points of ``mode``."""
    # the bulk runs are always included; those at the nucleation pressure with the nucleation
    sps = [sp for sp in build_statepoints(mode)
           if systems is None or sp["system"] in systems
           or (sp["system"] == "bulk" and ("pressure" not in sp or "nucleation" in systems))]
    sps += list(extra or [])
    return init_jobs(root, sps, validate_detection, os.path.join(HERE, "templates"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="CI sizes (default)")
    group.add_argument("--full", action="store_true", help="thesis sizes")
    parser.add_argument("--workspace", default=HERE, help="signac project root")
    parser.add_argument("--systems", nargs="+", default=None,
                        help="subset of systems (bulk runs are always included)")
    parser.add_argument("--statepoint", action="append", default=[],
                        help="extra state point as JSON (validated)")
    args = parser.parse_args(argv)
    mode = "full" if args.full else "quick"
    try:
        project = init_project(args.workspace, mode, args.systems,
                               [json.loads(s) for s in args.statepoint])
    except (ValueError, TypeError) as err:
        print(f"init.py: refused state point: {err}", file=sys.stderr)
        return 2
    print(f"Initialised {len(project)} jobs in {project.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
