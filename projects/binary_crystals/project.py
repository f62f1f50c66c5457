"""signac-flow project: neural-network order parameters for binary hard-sphere crystals (Ch. 3).

Job kinds (state-point key ``kind``):

- ``bulk``: one phase (NaCl, AlB2, ico-AB13, the Laves phases, FCC or the binary fluid) at one
  packing fraction. Operations ``simulate`` (lattice → NVT MC → snapshots) and ``describe``
  (24-entry bond-order vectors Q(i), Eq. 3.6, with SANN and with the cutoffs of Table 3.1).
- ``network``: one single-layer softmax network per size ratio and neighbour rule. ``train``
  (snapshot-grouped cross-validation → Table 3.2 row, then the final model) and, for SANN,
  ``density_scan`` (accuracy versus packing fraction, Fig. 3.4).
- ``coexistence``: two phases in one box (Fig. 3.5). ``simulate_coexistence`` and
  ``classify_coexistence`` (SANN network, rendered snapshot).

``report`` (one per mode) collects everything into ``products/<mode>/report.md``.

Every product is a file in the job's directory (or ``products/<mode>/``), written atomically;
post-conditions test those files, so ``python project.py run`` after an interruption resumes
where it stopped. No operation writes a job or project document.

Usage (inside the project root, see README.md)::

    python init.py --quick && python project.py run && python project.py status
"""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
from flow import FlowProject, aggregator

from hoomd_colloidml.studies import io
from hoomd_colloidml.studies.labels import LABELS, laves_environments, site_labels
from hoomd_colloidml.studies.statepoints import TRAINING_PACKING

#: Neighbour rules of the networks: SANN as in the thesis (same-species block filtered from
#: the all-particle SANN list), SANN among each species for the same-species block, and the
#: fixed cutoffs of Table 3.1 (``hoomd_colloidml.studies.descriptors.ch3_descriptor``).
RULES = ("sann", "sann_species", "cutoff")
#: Rules whose networks are also scanned over packing fraction (Fig. 3.4).
SCANNED = ("sann", "sann_species")
#: The SANN network that classifies the coexistence snapshots (Fig. 3.5): SANN per species
#: for the same-species block, the parameter-free counterpart of Table 3.1 (the one that
#: reaches >= 99 % on every label at every size ratio, see README).
COEXISTENCE_RULE = "sann_species"


class BinaryCrystals(FlowProject):
    """The Ch. 3 study."""


def _kind(kind):
    def cond(*jobs):
        return all(j.sp.get("kind") == kind for j in jobs)

    cond.__name__ = f"is_{kind}"
    return cond


# ------------------------------------------------------------------------------------------
# descriptors and models (the only places that touch freud_ext / models)
# ------------------------------------------------------------------------------------------
def describer(alpha: float, rule: str):
    """The 24-entry bond-order vector of Eq. 3.6 with SANN or the Table 3.1 cutoffs."""
    from hoomd_colloidml.studies.descriptors import ch3_descriptor

    return ch3_descriptor(alpha, rule)


def describe_frames(systems, alpha: float, rule: str) -> tuple[np.ndarray, list[str]]:
    d = describer(alpha, rule)
    feats = []
    names: list[str] = []
    for s in systems:
        X, names = d.describe(s)
        feats.append(np.asarray(X, dtype=np.float64))
    return np.stack(feats), list(names)


def build_crystal(sp: dict, eta: float | None = None, n_cells=None):
    from hoomd_colloidml.lattice import crystal

    phase = sp["phase"]
    alpha = None if phase == "fcc" else sp["size_ratio"]
    return crystal(phase, n_cells or sp["n_cells"], eta or sp["packing_fraction"], alpha)


def build_initial(sp: dict):
    """Initial configuration of a bulk job."""
    if sp["phase"] == "fluid":
        from hoomd_colloidml.lattice import fluid

        x = sp["composition"]
        return fluid(sp["N"], sp["packing_fraction"], composition=(1 - x, x),
                     size_ratio=sp["size_ratio"], dimensions=3, seed=sp["seed"])
    return build_crystal(sp)


def laves_labels(sp: dict) -> np.ndarray:
    """Labels of a Laves crystal from the environments of the three perfect crystals."""
    crystals = {}
    for p in ("mgcu2", "mgzn2", "mgni2"):
        s = build_crystal({**sp, "phase": p}, eta=sp["packing_fraction"],
                          n_cells=sp["n_cells"] if p == sp["phase"] else [2, 2, 2])
        X, names = describe_frames([s], sp["size_ratio"], "cutoff")
        # compare the q̄_l only: w̄_l of a near-zero q̄_l is ill-conditioned in a perfect crystal
        q_cols = [k for k, n in enumerate(names) if n.startswith("q")]
        crystals[p] = (X[0][:, q_cols], s.typeid)
    return laves_environments(crystals)[sp["phase"]]


# ------------------------------------------------------------------------------------------
# bulk jobs
# ------------------------------------------------------------------------------------------
@BinaryCrystals.pre(_kind("bulk"))
@BinaryCrystals.post.isfile("trajectory.gsd")
@BinaryCrystals.post.isfile("labels.npz")
@BinaryCrystals.operation
def simulate(job):
    """Lattice (or random fluid) → NVT MC equilibration → ``n_snapshots`` snapshots."""
    from hoomd_colloidml.studies.simulate import run_snapshots

    sp = job.sp()
    system = build_initial(sp)
    if sp["phase"] in ("mgcu2", "mgzn2", "mgni2"):
        labels = laves_labels(sp)
    else:
        labels = site_labels(sp["size_ratio"], sp["phase"], system.typeid)
    snaps, info = run_snapshots(system, sp["seed"], sp["equilibration_sweeps"],
                                sp["n_snapshots"], sp["sweeps"])
    io.write_npz(job.fn("labels.npz"), labels=labels, typeid=system.typeid)
    io.write_json(job.fn("simulation.json"), info)
    io.write_gsd(job.fn("trajectory.gsd"), snaps)  # last: the post-condition


@BinaryCrystals.pre(_kind("bulk"))
@BinaryCrystals.pre.isfile("trajectory.gsd")
@BinaryCrystals.post(lambda job: all(job.isfile(f"bop_{r}.npz") for r in RULES))
@BinaryCrystals.operation
def describe(job):
    """Bond-order vectors Q(i) (Eq. 3.6) of every snapshot, one file per neighbour rule."""
    frames = io.read_gsd(job.fn("trajectory.gsd"))
    for rule in RULES:
        if job.isfile(f"bop_{rule}.npz"):
            continue
        X, names = describe_frames(frames, job.sp.size_ratio, rule)
        io.write_npz(job.fn(f"bop_{rule}.npz"), features=X, names=np.array(names))


# ------------------------------------------------------------------------------------------
# networks
# ------------------------------------------------------------------------------------------
def bulk_jobs(project, job, training_only=False):
    jobs = project.find_jobs({"kind": "bulk", "mode": job.sp.mode,
                              "size_ratio": job.sp.size_ratio})
    jobs = sorted(jobs, key=lambda j: (j.sp.phase, j.sp.packing_fraction))
    if training_only:
        train = TRAINING_PACKING[job.sp.size_ratio]
        jobs = [j for j in jobs if abs(j.sp.packing_fraction - train[j.sp.phase]) < 1e-9]
    return jobs


def _described(job):
    project = BinaryCrystals.get_project(job.project.path)
    rule = job.sp.neighbors
    return all(j.isfile(f"bop_{rule}.npz") and j.isfile("labels.npz")
               for j in bulk_jobs(project, job, training_only=True))


def with_species(X: np.ndarray, typeid: np.ndarray) -> np.ndarray:
    """Q(i) (N, 24) plus the particle's species as a last column (the network's group)."""
    return np.column_stack([X, np.asarray(typeid, dtype=np.float64)])


def load_set(jobs, rule):
    """Stacked (X, y, snapshot index, phase index) of the given bulk jobs; X holds the 24
    entries of Eq. 3.6 and the species of each particle (last column)."""
    Xs, ys, snap, phase = [], [], [], []
    for k, j in enumerate(jobs):
        F = io.read_npz(j.fn(f"bop_{rule}.npz"))["features"]  # (S, N, 24)
        data = io.read_npz(j.fn("labels.npz"))
        lab = data["labels"]
        S, N, _ = F.shape
        Xs.append(with_species(F.reshape(S * N, -1), np.tile(data["typeid"], S)))
        ys.append(np.tile(lab, S))
        snap.append(np.repeat(np.arange(S), N))
        phase.append(np.full(S * N, k))
    return np.concatenate(Xs), np.concatenate(ys), np.concatenate(snap), np.concatenate(phase)


#: Training schedule per mode: cross-validation folds (whole snapshots held out) and epochs.
TRAINING = {"quick": {"folds": 3, "max_epochs": 200}, "full": {"folds": 5, "max_epochs": 200}}


def make_classifier(alpha, rule, names, mode, seed=0):
    """The single-layer softmax network of Ch. 3.3 (``hidden=()``) on the 24 entries of
    Eq. 3.6; the species column (``group_column=-1``) restricts every particle to the labels
    of its species (a large particle is never "AlB2 small"), it is not a network input."""
    import torch

    from freud_ext.describe import WithTypes
    from hoomd_colloidml.models import PhaseClassifier

    torch.set_num_threads(1)  # deterministic and fast for a 24 x n_labels layer
    return PhaseClassifier(hidden=(), group_column=-1,
                           descriptor_config=WithTypes(describer(alpha, rule)).get_config(),
                           feature_names=[*names, "type"], random_state=seed, batch_size=1024,
                           max_epochs=TRAINING[mode]["max_epochs"])


def balance(X, y, seed):
    """Oversample every label to the count of the most frequent one (rows repeated).

    Labels differ in frequency by up to ~10x (e.g. MgNi2's own small environment versus the
    MgCu2 small environment); without balancing the softmax network under-weights the rare
    environments.
    """
    rng = np.random.default_rng(seed)
    counts = np.bincount(y)
    idx = [np.flatnonzero(y == k) for k in np.flatnonzero(counts)]
    n = counts.max()
    idx = np.concatenate([m if len(m) == n else np.r_[m, rng.choice(m, n - len(m))] for m in idx])
    return X[idx], y[idx]


def per_label_accuracy(y_true, y_pred, n_labels):
    return [float(np.mean(y_pred[y_true == k] == k)) if np.any(y_true == k) else float("nan")
            for k in range(n_labels)]


@BinaryCrystals.pre(_kind("network"))
@BinaryCrystals.pre(_described)
@BinaryCrystals.post.isfile("cv.json")
@BinaryCrystals.post.isfile("model/model.json")
@BinaryCrystals.operation
def train(job):
    """Single-layer network, k-fold cross-validation over held-out snapshots (Table 3.2)."""
    project = BinaryCrystals.get_project(job.project.path)
    alpha, rule = job.sp.size_ratio, job.sp.neighbors
    jobs = bulk_jobs(project, job, training_only=True)
    X, y, snap, _ = load_set(jobs, rule)
    names = [str(n) for n in io.read_npz(jobs[0].fn(f"bop_{rule}.npz"))["names"]]
    n_labels = len(LABELS[alpha])
    n_snap = int(snap.max()) + 1
    k = min(TRAINING[job.sp.mode]["folds"], n_snap)
    folds = snap % k  # whole snapshots are held out together
    acc_fold, overall, confusion = [], [], np.zeros((n_labels, n_labels), dtype=np.int64)
    for f in range(k):
        test = folds == f
        clf = make_classifier(alpha, rule, names, job.sp.mode, seed=f).fit(
            *balance(X[~test], y[~test], seed=f))
        pred = np.asarray(clf.predict(X[test]))
        acc_fold.append(per_label_accuracy(y[test], pred, n_labels))
        overall.append(float(np.mean(pred == y[test])))
        np.add.at(confusion, (y[test], pred), 1)
    result = {
        "size_ratio": alpha, "neighbors": rule, "labels": list(LABELS[alpha]), "folds": k,
        "overall": float(np.mean(overall)),
        "per_label": np.nanmean(np.array(acc_fold), axis=0).tolist(),
        "n_samples": int(len(y)), "n_snapshots": n_snap,
    }
    io.write_npz(job.fn("confusion.npz"), confusion=confusion)
    final = make_classifier(alpha, rule, names, job.sp.mode, seed=k).fit(*balance(X, y, seed=k))
    tmp = job.fn(".model.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    final.save(tmp)
    shutil.rmtree(job.fn("model"), ignore_errors=True)
    os.replace(tmp, job.fn("model"))
    io.write_json(job.fn("cv.json"), result)  # last: the post-condition


def _scan_ready(job):
    if job.sp.get("kind") != "network" or job.sp.get("neighbors") not in SCANNED:
        return False
    if not job.isfile("model/model.json"):
        return False
    project = BinaryCrystals.get_project(job.project.path)
    return all(j.isfile(f"bop_{job.sp.neighbors}.npz") for j in bulk_jobs(project, job))


@BinaryCrystals.pre(_scan_ready)
@BinaryCrystals.post.isfile("density_scan.json")
@BinaryCrystals.operation
def density_scan(job):
    """Accuracy of a SANN network versus packing fraction for every phase (Fig. 3.4)."""
    from hoomd_colloidml.models import load
    from hoomd_colloidml.studies.labels import on_site

    project = BinaryCrystals.get_project(job.project.path)
    model = load(job.fn("model"))
    rows = []
    for j in bulk_jobs(project, job):
        X, y, _, _ = load_set([j], job.sp.neighbors)
        pred = np.asarray(model.predict(X))
        # site labels hold for particles still at their lattice site (no diffusion, Ch. 3.3);
        # a crystal whose particles leave their sites is disordering at this packing fraction
        if j.sp.phase == "fluid":
            site = np.ones(len(y), dtype=bool)
        else:
            site = on_site(build_initial(j.sp()), io.read_gsd(j.fn("trajectory.gsd"))).ravel()
        rows.append({"phase": j.sp.phase, "packing_fraction": j.sp.packing_fraction,
                     "accuracy": float(np.mean(pred == y)),
                     "accuracy_on_site": float(np.mean(pred[site] == y[site])),
                     "left_site": float(1.0 - np.mean(site)),
                     "training": abs(j.sp.packing_fraction
                                     - TRAINING_PACKING[job.sp.size_ratio][j.sp.phase]) < 1e-9})
    io.write_json(job.fn("density_scan.json"), {"size_ratio": job.sp.size_ratio,
                                                "neighbors": job.sp.neighbors, "rows": rows})


# ------------------------------------------------------------------------------------------
# coexistence
# ------------------------------------------------------------------------------------------
#: Smallest slab thickness (σ_L) of a coexistence: thinner crystals are mostly interface.
MIN_SLAB = 5.0
#: Sampling sweeps of the bulk-pressure run of a crystal/fluid coexistence's crystal.
COEX_BULK_SWEEPS = 1500


def _cell(phase, alpha, eta):
    from hoomd_colloidml.lattice import crystal

    c = crystal(phase, 1, eta, None if phase == "fcc" else alpha)
    return np.array([c.box.Lx, c.box.Ly, c.box.Lz]), c.N


def _square_slab(phase, alpha, eta, n_target, min_box):
    """Cells (nx, ny, nz) with Lx ~ Ly (a square cross-section) and ~n_target particles."""
    lengths, per = _cell(phase, alpha, eta)
    best, cost = None, np.inf
    for nx in range(1, 16):
        for ny in range(1, 16):
            lx, ly = nx * lengths[0], ny * lengths[1]
            if min(lx, ly) < min_box:
                continue
            nz = max(1, round(n_target / (per * nx * ny)))
            if nz * lengths[2] < MIN_SLAB:
                nz = int(np.ceil(MIN_SLAB / lengths[2]))
            c = 4 * abs(lx / ly - 1) + abs(per * nx * ny * nz - n_target) / n_target
            if c < cost:
                best, cost = [nx, ny, nz], c
    return best


def _matched_slab(phase, alpha, eta, section, n_target):
    """Cells, a packing fraction (within [η − 0.03, η_max − 0.04]) and the relative
    mismatch of a slab whose cross-section fits inside ``section`` (stack_slabs stretches it
    by that much along one axis)."""
    from hoomd_colloidml.lattice import max_packing_fraction

    lengths, per = _cell(phase, alpha, eta)
    eta_max = max_packing_fraction(phase, None if phase == "fcc" else alpha) - 0.04
    best, cost = None, np.inf
    for nx in range(1, 16):
        for ny in range(1, 16):
            f = min(section[0] / (nx * lengths[0]), section[1] / (ny * lengths[1]))
            eta2 = eta / f**3
            if not eta - 0.03 <= eta2 <= eta_max:
                continue
            mismatch = max(section[0] / (nx * lengths[0] * f),
                           section[1] / (ny * lengths[1] * f)) - 1
            nz = max(1, round(n_target / (per * nx * ny)), int(np.ceil(MIN_SLAB / lengths[2])))
            c = mismatch + 0.5 * abs(eta2 - eta)
            if c < cost:
                best, cost = ([nx, ny, nz], eta2, mismatch), c
    if best is None:
        raise ValueError(f"No {phase} slab fits the cross-section {section}.")
    return best


def build_coexistence(sp: dict):
    """Two slabs, one per phase, with a common cross-section (Fig. 3.5), to be run in NPT
    at the first crystal's bulk pressure at its training η, so that the first phase keeps
    its training density and the second one takes its density at that pressure.

    A crystal and the fluid: direct coexistence
    (``studies.simulate.crystal_fluid_coexistence``): a fluid slab of the crystal's
    stoichiometry at the BMCSL density of that pressure, without gaps. Two crystals: matched
    slabs (the second near its training η; stack_slabs stretches it to the common
    cross-section) stacked along z without gaps, the overlaps across the interfaces removed
    with soft cores; NPT then brings the second crystal to the pressure.

    Returns:
        tuple: (System, (N,) slab index, dict: ``pressure`` (βPσ_L³) and the starting
        packing fraction of the second phase, ``fluid_packing_fraction`` or
        ``second_packing_fraction``).
    """
    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies.builders import stack_slabs
    from hoomd_colloidml.studies.simulate import bulk_pressure, crystal_fluid_coexistence
    from hoomd_colloidml.studies.statepoints import FLUID_COMPOSITION

    alpha = sp["size_ratio"]
    half = sp["N"] // 2
    etas = TRAINING_PACKING[alpha]
    first, second = sp["phases"]
    if second == "fluid":
        n1 = _square_slab(first, alpha, etas[first], half, sp["min_box"])
        slab1 = crystal(first, n1, etas[first], alpha)
        co = crystal_fluid_coexistence(slab1, FLUID_COMPOSITION[alpha], sp["seed"],
                                       equilibration_sweeps=COEX_BULK_SWEEPS // 5,
                                       sweeps=COEX_BULK_SWEEPS)
        return co.system, co.slab, {"pressure": co.pressure,
                                    "fluid_packing_fraction": co.fluid_packing_fraction}
    # two crystals with matching cross-sections (search slab 1 too)
    lengths, per = _cell(first, alpha, etas[first])
    best, cost = None, np.inf
    for nx in range(1, 12):
        for ny in range(1, 12):
            sec = (nx * lengths[0], ny * lengths[1])
            if min(sec) < sp["min_box"] or max(sec) / min(sec) > 1.3:
                continue
            try:
                (_, eta2, _) = _matched_slab(second, alpha, etas[second], sec, half)
            except ValueError:
                continue
            c = abs(eta2 - etas[second]) + abs(per * nx * ny - half / 3) / half
            if c < cost:
                nz = max(1, round(half / (per * nx * ny)), int(np.ceil(MIN_SLAB / lengths[2])))
                best, cost = [nx, ny, nz], c
    if best is None:
        raise ValueError(f"No {second} slab matches a {first} slab near {half} particles.")
    slab1 = crystal(first, best, etas[first], alpha)
    n2, eta2, _ = _matched_slab(second, alpha, etas[second], (slab1.box.Lx, slab1.box.Ly), half)
    slab2 = crystal(second, n2, eta2, None if second == "fcc" else alpha)
    pressure, _ = bulk_pressure(slab1, sp["seed"], COEX_BULK_SWEEPS // 5, COEX_BULK_SWEEPS)
    system, slab = stack_slabs([slab1, slab2], relax_seed=sp["seed"])
    return system, slab, {"pressure": pressure, "second_packing_fraction": float(eta2)}


def _init_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "binary_crystals_init", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "init.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@BinaryCrystals.pre(_kind("coexistence"))
@BinaryCrystals.post.isfile("trajectory.gsd")
@BinaryCrystals.operation
def simulate_coexistence(job):
    """Two-phase slab system → NPT MC at the first crystal's pressure → snapshots."""
    from hoomd_colloidml.engine import NPT
    from hoomd_colloidml.studies.simulate import run_snapshots

    sp = job.sp()
    system, slab, setup = build_coexistence(sp)
    snaps, info = run_snapshots(system, sp["seed"], sp["equilibration_sweeps"],
                                sp["n_snapshots"], sp["sweeps"],
                                ensemble=NPT(setup["pressure"], box_moves="axes", box_trials=5))
    info.update(ensemble="NPT", **setup)
    io.write_npz(job.fn("slabs.npz"), slab=slab)
    io.write_json(job.fn("simulation.json"), info)
    io.write_gsd(job.fn("trajectory.gsd"), snaps)


def _network_job(project, job, rule=COEXISTENCE_RULE):
    jobs = list(project.find_jobs({"kind": "network", "mode": job.sp.mode,
                                   "size_ratio": job.sp.size_ratio, "neighbors": rule}))
    return jobs[0] if jobs else None


def _coex_ready(job):
    if job.sp.get("kind") != "coexistence" or not job.isfile("trajectory.gsd"):
        return False
    net = _network_job(BinaryCrystals.get_project(job.project.path), job)
    return net is not None and net.isfile("model/model.json")


@BinaryCrystals.pre(_coex_ready)
@BinaryCrystals.post.isfile("classified.png")
@BinaryCrystals.operation
def classify_coexistence(job):
    """Classify the last coexistence snapshot with the SANN-per-species network and render it
    (Fig. 3.5)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hoomd_colloidml.models import load
    from hoomd_colloidml.studies.render import PALETTE, render_snapshot

    project = BinaryCrystals.get_project(job.project.path)
    model = load(_network_job(project, job).fn("model"))
    frames = io.read_gsd(job.fn("trajectory.gsd"))
    s = frames[-1]
    X, _ = describe_frames([s], job.sp.size_ratio, COEXISTENCE_RULE)
    pred = np.asarray(model.predict(with_species(X[0], s.typeid)))
    names = LABELS[job.sp.size_ratio]
    fluid = names.index("fluid")
    colors = np.where((pred == fluid)[:, None], 1.0, PALETTE[pred % len(PALETTE)])
    fractions = {names[k]: float(np.mean(pred == k)) for k in range(len(names))}
    io.write_npz(job.fn("classified.npz"), labels=pred)
    io.write_json(job.fn("classified.json"), {"fractions": fractions,
                                              "phases": list(job.sp.phases)})
    fig = plt.figure(figsize=(5, 5))
    ax = fig.add_subplot(projection="3d")
    legend = {n: ("white" if k == fluid else PALETTE[k % len(PALETTE)])
              for k, n in enumerate(names) if fractions[n] > 0}
    render_snapshot(s, colors, ax=ax, legend=legend,
                    title=f"α = {job.sp.size_ratio}: {' + '.join(job.sp.phases)} "
                          f"({COEXISTENCE_RULE} network)")
    io.save_figure(fig, job.fn("classified.png"))


# ------------------------------------------------------------------------------------------
# report (one aggregate per mode; writes only products/<mode>/)
# ------------------------------------------------------------------------------------------
def _products(project, mode):
    return os.path.join(project.path, "products", mode)


def _all_done(*jobs):
    for j in jobs:
        kind = j.sp.get("kind")
        if kind == "network" and not j.isfile("cv.json"):
            return False
        if kind == "network" and j.sp.neighbors in SCANNED and not j.isfile(
                "density_scan.json"):
            return False
        if kind == "coexistence" and not j.isfile("classified.png"):
            return False
    return True


def _report_done(*jobs):
    from hoomd_colloidml.studies.workflow import report_is_current

    return report_is_current(
        os.path.join(_products(jobs[0].project, jobs[0].sp.mode), "report.md"), jobs)


@BinaryCrystals.pre(_all_done)
@BinaryCrystals.post(_report_done)
@BinaryCrystals.operation(aggregator=aggregator.groupby("mode"))
def report(*jobs):
    """Markdown report with Table 3.2, Fig. 3.4 and Fig. 3.5 in ``products/<mode>/``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    project = jobs[0].project
    mode = jobs[0].sp.mode
    out = _products(project, mode)
    os.makedirs(out, exist_ok=True)
    nets = sorted([j for j in jobs if j.sp.kind == "network"],
                  key=lambda j: (j.sp.size_ratio, RULES.index(j.sp.neighbors)))
    lines = [f"# Binary hard-sphere crystals (thesis Ch. 3) — {mode} mode", ""]
    lines += ["Single-layer softmax networks on the 24 averaged bond-order parameters of "
              "Eq. 3.6, each particle choosing among the labels of its species; accuracies "
              "from cross-validation over held-out snapshots.", ""]
    summary = {"table32": [], "fig34": [], "fig35": []}
    lines += ["## Table 3.2: accuracy per label", ""]
    for j in nets:
        cv = io.read_json(j.fn("cv.json"))
        summary["table32"].append(cv)
    for alpha in sorted({j.sp.size_ratio for j in nets}):
        names = LABELS[alpha]
        lines += [f"α = {alpha}", "",
                  "| network | overall | " + " | ".join(f"{k}: {n}" for k, n in
                                                         enumerate(names)) + " |",
                  "|---" * (len(names) + 2) + "|"]
        for cv in summary["table32"]:
            if cv["size_ratio"] == alpha:
                lines.append(f"| {cv['neighbors']} | {100 * cv['overall']:.2f}% | " + " | ".join(
                    f"{100 * a:.2f}%" for a in cv["per_label"]) + " |")
        lines.append("")
    # Fig. 3.4
    scans = [io.read_json(j.fn("density_scan.json")) for j in nets
             if j.sp.neighbors in SCANNED and j.isfile("density_scan.json")]
    if scans:
        for scan in scans:
            scan.setdefault("neighbors", "sann")  # files written before the key existed
        alphas = sorted({scan["size_ratio"] for scan in scans})
        rules = [r for r in SCANNED if any(scan["neighbors"] == r for scan in scans)]
        fig, axes = plt.subplots(len(rules), len(alphas), figsize=(4 * len(alphas),
                                                                   3.2 * len(rules)),
                                 squeeze=False)
        lines += ["## Fig. 3.4: accuracy versus packing fraction (SANN networks)", "",
                  "![Fig. 3.4](fig34_density_scan.png)", "",
                  "Accuracy over all particles and over the particles still at their "
                  "lattice site (site labels hold only without diffusion, Ch. 3.3); "
                  "'left site' is the fraction of crystal particles displaced by more than "
                  "half the nearest-site distance — a crystal that disorders during the run.",
                  "",
                  "| α | network | phase | η | accuracy | on-site accuracy | left site | "
                  "training η |",
                  "|---|---|---|---|---|---|---|---|"]
        for scan in scans:
            rule = scan["neighbors"]
            ax = axes[rules.index(rule), alphas.index(scan["size_ratio"])]
            phases = sorted({r["phase"] for r in scan["rows"]})
            for p in phases:
                rows = sorted([r for r in scan["rows"] if r["phase"] == p],
                              key=lambda r: r["packing_fraction"])
                ax.plot([r["packing_fraction"] for r in rows],
                        [100 * r["accuracy"] for r in rows], "o-", label=p)
                for r in rows:
                    on = r.get("accuracy_on_site", r["accuracy"])
                    left = r.get("left_site", 0.0)
                    lines.append(f"| {scan['size_ratio']} | {rule} | {p} | "
                                 f"{r['packing_fraction']} | {100 * r['accuracy']:.2f}% | "
                                 f"{100 * on:.2f}% | {100 * left:.2f}% | "
                                 f"{'yes' if r['training'] else ''} |")
            ax.set_title(f"α = {scan['size_ratio']}, {rule}")
            ax.set_xlabel("packing fraction η")
            ax.set_ylabel("accuracy (%)")
            ax.legend(fontsize=7)
            summary["fig34"].append(scan)
        fig.tight_layout()
        io.save_figure(fig, os.path.join(out, "fig34_density_scan.png"))
        lines.append("")
    # Fig. 3.5
    coex = sorted([j for j in jobs if j.sp.kind == "coexistence"],
                  key=lambda j: j.sp.size_ratio)
    if coex:
        lines += [f"## Fig. 3.5: coexistence snapshots classified by the {COEXISTENCE_RULE} "
                  "networks", "",
                  "Fluid-classified particles are white.", ""]
        for j in coex:
            name = f"fig35_alpha{j.sp.size_ratio}.png"
            with io.atomic_path(os.path.join(out, name)) as tmp:
                shutil.copyfile(j.fn("classified.png"), tmp)
            info = io.read_json(j.fn("classified.json"))
            frac = ", ".join(f"{k}: {100 * v:.1f}%" for k, v in info["fractions"].items()
                             if v > 0)
            lines += [f"### α = {j.sp.size_ratio}: {' + '.join(j.sp.phases)}", "",
                      f"![{name}]({name})", "", f"Label fractions: {frac}", ""]
            summary["fig35"].append({"size_ratio": j.sp.size_ratio, **info})
    io.write_json(os.path.join(out, "summary.json"), summary)
    io.write_text(os.path.join(out, "report.md"), "\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(BinaryCrystals().main())
