"""Table 4.1 on the thesis's own system: spontaneous nucleation of WCA particles.

The study's nucleation job grows a seeded hard-sphere crystal (minutes). The thesis instead
ran NPT Monte Carlo of N = 2048 WCA particles (Eq. 4.10) at βε = 40 and βPσ³ = 30 until they
crystallised (Ch. 4.3.5, Fig. 4.12). This script does that run on the embedded engine and
compares the unsupervised and the standard q̄4–q̄6 crystalline fractions on six snapshots,
as the study's ``compare_standard`` does:

- ``simulate``: a fluid compressed at βPσ³ = 30 (10 000 sweeps), steps tuned to 30 %
  acceptance (2000 sweeps), then the production run, a GSD frame every ``--every`` sweeps
  (``nucleation_seed<S>.gsd``, with the engine state of :meth:`MonteCarlo.trajectory`), until
  the ten Wolde solid-bond fraction reaches ``--stop`` or ``--max-sweeps`` pass. Killed and
  started again, it continues the same Markov chain from the last frame. Nucleation is
  stochastic: at the thesis's state one of three runs had nucleated within 800 000 sweeps
  (~4 ms per sweep on one core).
- ``bulk``: FCC, HCP (N ≈ 800–900) and fluid (N = 1000) at the same pressure, 20 snapshots
  each (``bulk.npz``, q̄1..q̄8): they tune the standard method (Sec. 4.3.1, Fig. 4.4).
- ``export``: the first frames whose solid-bond fraction reaches each ``--targets`` value
  (thesis: 2, 12, 21, 30, 64, 98 %), ``snapshots_seed<S>.npz``.
- ``analyze``: one :class:`UnsupervisedClassifier` on all six snapshots (as in the thesis),
  crystal or fluid per particle by ``project.crystal_fluid_split``, the standard method on
  the same particles (``--hs-workspace``: also tuned on a study's hard-sphere bulk runs);
  ``table41_seed<S>_model<M>.json`` and ``.md``. ``--snapshots FILE`` analyses a snapshot file
  instead of the run, e.g. ``data/wca_nucleation_snapshots.npz``, the six snapshots of the
  run reported in the README.

The WCA energy at r = 0.8σ is 1.7·10³ kT, so the particles carry a hard core of diameter
0.8σ that only spares the engine the energy of moves it would reject anyway.

Usage (from the repository root)::

    python projects/crystal_detection/wca_nucleation.py all --out /tmp/wca_run --seed 12
    python projects/crystal_detection/wca_nucleation.py analyze --out /tmp/wca_an \
        --snapshots projects/crystal_detection/data/wca_nucleation_snapshots.npz
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from hoomd_colloidml import System
from hoomd_colloidml.studies import io

HERE = os.path.dirname(os.path.abspath(__file__))

#: Thesis Ch. 4.3.5: βε, βPσ³, N.
EPSILON, PRESSURE, N_PARTICLES = 40.0, 30.0, 2048
#: Hard core (σ) under the WCA potential; see the module docstring.
HARD_CORE = 0.8
#: Solid-bond fractions that pick snapshots (a)-(f): the thesis's Table 4.1 fractions, with
#: 90 % for its 98 % (the grown crystals keep 6-10 % of defects and stacking faults).
TARGETS = (0.02, 0.12, 0.21, 0.30, 0.64, 0.90)


def _project():
    """The study's ``project`` module (crystal_fluid_split, fit_standard, bulk_crystal)."""
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import project

    return project


def potentials() -> list:
    from hoomd_colloidml.engine.pair import WCA

    return [WCA(epsilon=EPSILON, sigma=1.0)]


def with_hard_core(system: System) -> System:
    return System(system.box, system.positions, diameters=np.full(system.N, HARD_CORE))


def trajectory_path(out: str, seed: int) -> str:
    return os.path.join(out, f"nucleation_seed{seed}.gsd")


def _check_positive_int(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive int. Got {value!r} instead.")
    return int(value)


def simulate(out: str, seed: int, n: int = N_PARTICLES, every: int = 2500,
             max_sweeps: int = 3_000_000, stop: float = 0.90, compress_sweeps: int = 10_000,
             tune_sweeps: int = 2000, log=print) -> dict:
    """Run (or continue) the nucleation run; return its solid-bond trace.

    Returns:
        dict: ``sweeps`` and ``solid_fraction`` of every frame (:func:`trace`).
    """
    from hoomd_colloidml.engine import NPT, MonteCarlo
    from hoomd_colloidml.lattice import fluid
    from hoomd_colloidml.studies.nucleation import solid_fraction

    for name, v in (("n", n), ("every", every), ("max_sweeps", max_sweeps),
                    ("compress_sweeps", compress_sweeps), ("tune_sweeps", tune_sweeps)):
        _check_positive_int(name, v)
    if not 0.0 < stop < 1.0:
        raise ValueError(f"stop must be a solid-bond fraction in (0, 1). Got {stop!r} instead.")
    os.makedirs(out, exist_ok=True)
    path = trajectory_path(out, seed)
    ens = NPT(PRESSURE)
    if os.path.isfile(path) and os.path.getsize(path) > 0:
        mc = MonteCarlo.from_gsd(path, potentials=potentials())
        mc.trajectory(path, every=every, mode="a")
        log(f"continuing {path} at sweep {mc.sweep}")
    else:
        start = with_hard_core(fluid(n, 0.40, seed=seed))
        mc = MonteCarlo(start, potentials=potentials(), seed=seed, box_step=2.0 / n)
        mc.run(compress_sweeps, ensemble=ens, progress=False)
        mc.run(tune_sweeps, ensemble=ens, progress=False, equilibrate=True, pressure_every=0)
        mc.sweep = 0  # frames count production sweeps; the tuned state is frame 0
        with io.atomic_path(path) as tmp:
            mc.trajectory(tmp, every=every, mode="w")
            mc.close()
        mc.trajectory(path, every=every, mode="a")
        log(f"tuned: step {mc.step_size:.4f}, ln V step {mc.box_step:.5f}; writing {path}")
    first = mc.sweep
    t0 = time.time()
    f = solid_fraction(mc.system)
    try:
        while f < stop and mc.sweep - first < max_sweeps:
            mc.run(every, ensemble=ens, progress=False, pressure_every=0)
            f = solid_fraction(mc.system)
            log(f"sweep {mc.sweep:8d}  {time.time() - t0:7.0f} s  rho = {mc.density:.4f}  "
                f"solid-bond fraction = {f:.3f}")
    finally:
        mc.close()
    return trace(out, seed)


def read_frames(out: str, seed: int) -> list[tuple[int, System]]:
    """(sweep, System with float64 positions) of every frame of the run."""
    import freud
    import gsd.hoomd

    frames = []
    with gsd.hoomd.open(trajectory_path(out, seed), "r") as f:
        for fr in f:
            L = np.asarray(fr.log["colloidml/engine/box"], dtype=np.float64)
            pos = np.asarray(fr.log["particles/colloidml/engine/position"], dtype=np.float64)
            box = freud.box.Box(*L)
            frames.append((int(fr.configuration.step), System(box, box.wrap(pos))))
    return frames


def trace(out: str, seed: int, frames: list[tuple[int, System]] | None = None) -> dict:
    """Solid-bond fraction of every frame (cached in ``solid_seed<S>.json``).

    ``frames`` (from :func:`read_frames`) saves reading the trajectory again.
    """
    from hoomd_colloidml.studies.nucleation import solid_fraction

    cache = os.path.join(out, f"solid_seed{seed}.json")
    known = io.read_json(cache) if os.path.isfile(cache) else {"sweeps": [], "solid_fraction": []}
    frames = read_frames(out, seed) if frames is None else frames
    done = dict(zip(known["sweeps"], known["solid_fraction"], strict=True))
    sweeps = [s for s, _ in frames]
    solid = [done[s] if s in done else solid_fraction(x) for s, x in frames]
    result = {"sweeps": sweeps, "solid_fraction": solid}
    io.write_json(cache, result)
    return result


def bulk(out: str, seed: int = 11, equilibration_sweeps: int = 2000, n_snapshots: int = 20,
         sweeps: int = 100, log=print) -> str:
    """FCC, HCP and fluid at βPσ³ = 30 for the standard method; returns ``bulk.npz``."""
    from hoomd_colloidml.engine import NPT, MonteCarlo
    from hoomd_colloidml.lattice import fluid
    from hoomd_colloidml.studies.descriptors import ch4_descriptor
    from hoomd_colloidml.studies.nucleation import solid_fraction

    path = os.path.join(out, "bulk.npz")
    if os.path.isfile(path):
        return path
    eta = 0.95 * np.pi / 6  # ρσ³ = 0.95, below the crystal's ≈ 0.963 at this pressure
    describe = ch4_descriptor(False)
    arrays: dict[str, np.ndarray] = {}
    summary = {}
    for phase in ("fcc", "hcp", "fluid"):
        s = (fluid(1000, 0.40, seed=seed) if phase == "fluid"
             else _project().bulk_crystal(phase, 864, eta))
        ens = NPT(PRESSURE, box_moves="isotropic" if phase == "fluid" else "axes", box_trials=4)
        mc = MonteCarlo(with_hard_core(s), potentials=potentials(), seed=seed,
                        box_step=0.5 / s.N)
        mc.run(equilibration_sweeps + (1000 if phase == "fluid" else 0), ensemble=ens,
               progress=False, equilibrate=True, pressure_every=0)
        feats, rho, solid = [], [], []
        for _ in range(n_snapshots):
            mc.run(sweeps, ensemble=ens, progress=False, pressure_every=0)
            x = mc.system
            X, names = describe.describe(System(x.box, x.positions))
            feats.append(np.asarray(X))
            rho.append(mc.density)
            solid.append(solid_fraction(x))
        arrays[phase] = np.concatenate(feats)
        summary[phase] = {"N": s.N, "density": float(np.mean(rho)),
                          "solid_bond_fraction": [float(min(solid)), float(max(solid))]}
        log(f"bulk {phase}: N = {s.N}, rho = {np.mean(rho):.4f}, solid-bond fraction "
            f"{min(solid):.3f}-{max(solid):.3f}")
    io.write_npz(path, names=np.array(names), **arrays)
    io.write_json(os.path.join(out, "bulk.json"), summary)
    return path


def export_snapshots(out: str, seed: int, targets=TARGETS) -> str:
    """The first frames whose solid-bond fraction reaches each target; ``snapshots_seed<S>.npz``.

    The file holds ``sweeps`` (6,), ``solid_fraction`` (6,), ``box`` (6, 3) and float64
    ``positions`` (6, N, 3): everything :func:`analyze` needs.
    """
    t = _check_targets(targets)
    frames = read_frames(out, seed)
    tr = trace(out, seed, frames)
    solid = np.asarray(tr["solid_fraction"])
    if solid.max() < t[-1]:
        raise ValueError(f"The run reached a solid-bond fraction of {solid.max():.3f}, below "
                         f"the last target {t[-1]}; continue it with 'simulate' first.")
    pick = [int(np.argmax(solid >= x)) for x in t]
    path = os.path.join(out, f"snapshots_seed{seed}.npz")
    io.write_npz(path, sweeps=np.array([tr["sweeps"][k] for k in pick]),
                 solid_fraction=solid[pick], targets=t,
                 box=np.array([[frames[k][1].box.Lx, frames[k][1].box.Ly, frames[k][1].box.Lz]
                               for k in pick]),
                 positions=np.stack([frames[k][1].positions for k in pick]))
    return path


def _check_targets(targets) -> np.ndarray:
    t = np.asarray(targets, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any((t <= 0) | (t >= 1)) or np.any(np.diff(t) <= 0):
        raise ValueError(f"targets must be increasing fractions in (0, 1). Got {targets!r}.")
    return t


def read_snapshots(path: str) -> tuple[list[System], dict]:
    """Systems and metadata of a :func:`export_snapshots` file (checked before use)."""
    import freud

    d = io.read_npz(path)
    missing = {"sweeps", "solid_fraction", "box", "positions"} - set(d)
    if missing:
        raise ValueError(f"{path} is not a snapshot file of wca_nucleation.py: it lacks "
                         f"{sorted(missing)}.")
    pos, box = np.asarray(d["positions"], dtype=np.float64), np.asarray(d["box"], dtype=float)
    if pos.ndim != 3 or pos.shape[2] != 3 or box.shape != (len(pos), 3):
        raise ValueError(f"{path}: positions must be (n_snapshots, N, 3) and box "
                         f"(n_snapshots, 3); got {pos.shape} and {box.shape}.")
    systems = [System(freud.box.Box(*b), freud.box.Box(*b).wrap(x)) for b, x in zip(box, pos)]
    return systems, {"sweeps": [int(x) for x in d["sweeps"]],
                     "solid_fraction": [float(x) for x in d["solid_fraction"]]}


def hard_sphere_standard(workspace: str, pressure: float | None):
    """The study's standard method tuned on the bulk runs of a finished workspace.

    ``pressure`` None selects the runs at the coexistence densities (Sec. 4.3.1), a number
    the runs at that βPσ³ (the study's nucleation pressure, 20).
    """
    P = _project()
    try:
        project = P.CrystalDetection.get_project(workspace)
    except LookupError as err:
        raise ValueError(f"{workspace} is not a crystal_detection workspace.") from err
    jobs = [j for j in project.find_jobs({"system": "bulk"})
            if j.sp.get("pressure") == pressure and j.isfile("bop.npz")]
    if len({j.sp.phase for j in jobs}) < 2:
        raise ValueError(f"{workspace} holds no finished bulk runs at pressure {pressure!r}; "
                         "run the crystal_detection study there first.")
    return P.fit_standard(None, jobs)[0]


def analyze(out: str, seed: int, targets=TARGETS, model_seed: int = 4,
            snapshots: str | None = None, hs_workspace: str | None = None,
            log=print) -> dict:
    """Table 4.1 on the run: unsupervised vs standard crystalline fraction per snapshot.

    Args:
        out (str): Directory of the run (trajectory, ``bulk.npz``, results).
        seed (int): Seed of the run.
        targets (sequence of float): Solid-bond fractions that pick the six snapshots.
        model_seed (int): ``random_state`` of the :class:`UnsupervisedClassifier`.
        snapshots (str): An :func:`export_snapshots` file to analyse instead of the run.
        hs_workspace (str): A finished crystal_detection workspace: its hard-sphere bulk
            runs tune two more versions of the standard method, for comparison.
    """
    import freud  # noqa: F401  (freud before torch, as everywhere in the project)
    import torch

    from hoomd_colloidml.models import UnsupervisedClassifier
    from hoomd_colloidml.studies.descriptors import ch4_descriptor
    from hoomd_colloidml.studies.standard import StandardQ4Q6

    torch.set_num_threads(1)
    if snapshots is None:
        snapshots = export_snapshots(out, seed, targets)
    systems, meta = read_snapshots(snapshots)
    describe = ch4_descriptor(False)
    Xs, names = [], None
    for x in systems:
        X, names = describe.describe(x)
        Xs.append(np.asarray(X))
    X = np.concatenate(Xs)
    model = UnsupervisedClassifier(descriptor_config=describe.get_config(),
                                   feature_names=list(names), random_state=model_seed,
                                   max_epochs=300).fit(X)
    q6 = X[:, names.index("q6")]
    q46 = X[:, [names.index("q4"), names.index("q6")]]
    is_crystal, split = _project().crystal_fluid_split(model, X, q6)
    b = io.read_npz(bulk(out, log=log))
    bn = [str(x) for x in b["names"]]
    cols = [bn.index("q4"), bn.index("q6")]
    standards = {"standard": StandardQ4Q6(crystal_phases=("fcc", "hcp")).fit(
        np.concatenate([b[p][:, cols] for p in ("fcc", "hcp", "fluid")]),
        np.concatenate([np.full(len(b[p]), p) for p in ("fcc", "hcp", "fluid")]))}
    if hs_workspace is not None:
        standards["standard_hs_coexistence_densities"] = hard_sphere_standard(hs_workspace, None)
        standards["standard_hs_p20"] = hard_sphere_standard(hs_workspace, 20.0)
    phases = {k: std.predict(q46) for k, std in standards.items()}
    start = np.r_[0, np.cumsum([len(x) for x in Xs])]
    rows = []
    for f in range(len(systems)):
        sl = slice(start[f], start[f + 1])
        rows.append({"snapshot": "abcdef"[f] if f < 6 else str(f), "sweep": meta["sweeps"][f],
                     "solid_bond": meta["solid_fraction"][f],
                     "unsupervised": float(np.mean(is_crystal[sl])),
                     **{k: float(np.mean(np.isin(ph[sl], ("fcc", "hcp"))))
                        for k, ph in phases.items()}})
    result = {"seed": seed, "model_seed": model_seed, "snapshots": os.path.abspath(snapshots),
              "K": int(model.n_clusters_), "bottleneck": int(model.bottleneck_),
              "n_components": int(model.n_components_), **split, "rows": rows,
              "max_abs_difference": max(abs(r["unsupervised"] - r["standard"]) for r in rows)}
    io.write_json(os.path.join(out, f"table41_seed{seed}_model{model_seed}.json"), result)
    head = "| | " + " | ".join(f"({r['snapshot']})" for r in rows) + " |"
    lines = [f"WCA βε = {EPSILON:g}, βPσ³ = {PRESSURE:g}, N = {systems[0].N}, run seed "
             f"{seed}, autoencoder seed {model_seed}: K = {result['K']} "
             f"(c = {result['bottleneck']}, N_G = {result['n_components']})", "", head,
             "|---" * (len(rows) + 1) + "|"]
    labels = {"sweep": "sweep", "unsupervised": "unsupervised",
              "standard": "standard q̄4–q̄6 (WCA bulk runs at βPσ³ = 30)",
              "standard_hs_coexistence_densities": "standard (hard-sphere bulk runs at the "
                                                   "coexistence densities)",
              "standard_hs_p20": "standard (hard-sphere bulk runs at βPσ³ = 20)",
              "solid_bond": "solid bonds (picks the snapshots)"}
    for key, label in labels.items():
        if key in rows[0]:
            vals = [f"{r[key]}" if key == "sweep" else f"{100 * r[key]:.1f}%" for r in rows]
            lines.append(f"| {label} | " + " | ".join(vals) + " |")
    lines += ["", f"max |unsupervised − standard| = {100 * result['max_abs_difference']:.1f} "
              "points"]
    io.write_text(os.path.join(out, f"table41_seed{seed}_model{model_seed}.md"),
                  "\n".join(lines) + "\n")
    log("\n".join(lines))
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stage", choices=("simulate", "bulk", "export", "analyze", "all"))
    ap.add_argument("--out", required=True, help="directory of the run's files")
    ap.add_argument("--seed", type=int, default=12, help="seed of the nucleation run")
    ap.add_argument("--n", type=int, default=N_PARTICLES)
    ap.add_argument("--every", type=int, default=2500, help="sweeps between frames")
    ap.add_argument("--max-sweeps", type=int, default=3_000_000,
                    help="production sweeps of this invocation at most")
    ap.add_argument("--stop", type=float, default=0.90, help="solid-bond fraction to stop at")
    ap.add_argument("--targets", default=",".join(str(x) for x in TARGETS),
                    help="solid-bond fractions of the six snapshots")
    ap.add_argument("--model-seed", type=int, default=4,
                    help="random_state of the UnsupervisedClassifier")
    ap.add_argument("--snapshots", help="analyse this export_snapshots file instead of the run")
    ap.add_argument("--hs-workspace",
                    help="finished crystal_detection workspace: also tune the standard "
                         "method on its hard-sphere bulk runs")
    a = ap.parse_args(argv)
    if a.stage in ("simulate", "all"):
        simulate(a.out, a.seed, n=a.n, every=a.every, max_sweeps=a.max_sweeps, stop=a.stop)
    if a.stage in ("bulk", "all"):
        bulk(a.out)
    targets = [float(x) for x in a.targets.split(",")]
    if a.stage == "export":
        print(export_snapshots(a.out, a.seed, targets))
    if a.stage in ("analyze", "all"):
        r = analyze(a.out, a.seed, targets, a.model_seed, snapshots=a.snapshots,
                    hs_workspace=a.hs_workspace)
        print(json.dumps({"max_abs_difference": r["max_abs_difference"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
