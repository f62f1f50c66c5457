"""signac-flow project: unsupervised detection of local crystal environments (thesis Ch. 4).

Systems (state-point key ``system``):

- ``hs_coexistence``: hard spheres, metastable FCC / HCP / fluid coexistence (Ch. 4.3.1);
- ``grain_boundary``: hard-sphere FCC bicrystal with Σ5 twist grain boundaries (Ch. 4.3.2);
- ``laves_fluid``: binary hard spheres (α = 0.82), MgCu2 Laves / fluid coexistence (Ch. 4.3.4);
- ``nucleation``: crystal growth from a small FCC seed in a supersaturated hard-sphere
  fluid, NPT at βPσ³ = 20 (:mod:`hoomd_colloidml.studies.nucleation`); six snapshots from
  a few % to ~95 % crystalline (Ch. 4.3.5);
- ``bulk``: FCC, HCP and fluid runs that tune the standard q̄4–q̄6 method (Fig. 4.3/4.4): at
  fixed densities (NVT) for the coexistence systems, at the nucleation pressure (NPT) for
  Table 4.1.

Operations: ``simulate`` → ``describe`` (q̄1..q̄8 with SANN; plus same-species q̄ for binary
systems, Eqs. 4.4/4.5) → ``learn`` (autoencoder + GMM + entropy merging, FVE/BIC/entropy
diagnostics, latent scatter, snapshot in RGB memberships, relative importance of each q̄_l)
→ ``compare_standard`` (nucleation: crystalline fraction per snapshot, unsupervised versus
the standard q̄4–q̄6 method, Table 4.1; coexistence: agreement of the two classifications)
→ ``report`` (one per mode, ``products/<mode>/report.md``).

Every product is a file in the job directory or ``products/<mode>/``, written atomically;
no operation writes a job or project document. Usage (inside the project root)::

    python init.py --quick && python project.py run && python project.py status
"""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
from flow import FlowProject, aggregator

from hoomd_colloidml.studies import io

BINARY = ("laves_fluid",)


class CrystalDetection(FlowProject):
    """The Ch. 4 study."""


def _system(*names):
    def cond(*jobs):
        return all(j.sp.get("system") in names for j in jobs)

    cond.__name__ = "is_" + "_".join(names)
    return cond


# ------------------------------------------------------------------------------------------
# building and simulating
# ------------------------------------------------------------------------------------------
def build_initial(sp: dict):
    """Initial configuration and the NVT/NPT ensemble of a job."""
    from hoomd_colloidml.engine import NPT, NVT
    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies import builders

    system = sp["system"]
    if system == "hs_coexistence":
        fcc = builders.close_packed_stack("ABC", sp["nx"], sp["ny"], sp["fcc_repeat"],
                                          sp["crystal_density"])
        hcp = builders.close_packed_stack("AB", sp["nx"], sp["ny"], sp["hcp_repeat"],
                                          sp["crystal_density"])
        # + a fluid slab at the fluid density, as wide as the overall density requires
        # (thesis: rho sigma^3 = 1.01); no gaps, so no under-dense region melts the crystals
        s, _ = builders.slab_coexistence([fcc, hcp], sp["density"], sp["total_density"],
                                         seed=sp["seed"])
        return s, NVT()
    if system == "grain_boundary":
        s, _ = builders.bicrystal_sigma5(sp["n_cells"], sp["n_z"], sp["density"],
                                         min_distance=1.0)
        # the grain boundaries start dilute: NPT above the melting pressure closes them
        return s, NPT(sp["pressure"], box_moves="axes")
    if system == "laves_fluid":
        # the thesis's snapshot is an NPT coexistence (beta P sigma_L^3 = 24.2, WCA): the
        # crystal at its bulk pressure against a fluid at the BMCSL density of that
        # pressure, no gaps, NPT there
        from hoomd_colloidml.studies.simulate import crystal_fluid_coexistence

        laves = crystal("mgcu2", sp["n_cells"], sp["packing_fraction"],
                        size_ratio=sp["size_ratio"])
        co = crystal_fluid_coexistence(laves, sp["composition"], sp["seed"])
        return co.system, NPT(co.pressure, box_moves="axes", box_trials=5)
    if system == "nucleation":
        # seeded crystal growth in a supersaturated hard-sphere fluid, NPT (Ch. 4.3.5);
        # simulate() runs it with hoomd_colloidml.studies.nucleation.nucleation_run
        from hoomd_colloidml.studies.nucleation import seeded_fluid

        return (seeded_fluid(sp["N"], sp["pressure"], sp["seed_radius"], seed=sp["seed"]),
                NPT(sp["pressure"]))
    if system == "bulk":
        # at a density (NVT), or at the pressure of the nucleation run (NPT, starting from
        # the Carnahan-Starling / Speedy packing fraction of that pressure)
        ensemble = NVT()
        if "pressure" in sp:
            from hoomd_colloidml.studies import nucleation as nuc

            ensemble = NPT(sp["pressure"], box_moves="axes" if sp["phase"] != "fluid"
                           else "isotropic", box_trials=4)
            eta = (nuc.fluid_packing_fraction(sp["pressure"]) if sp["phase"] == "fluid"
                   else nuc.crystal_packing_fraction(sp["pressure"]))
        else:
            eta = np.pi / 6 * sp["density"]
        if sp["phase"] == "fluid":
            from hoomd_colloidml.lattice import fluid

            return fluid(sp["N"], eta, seed=sp["seed"]), ensemble
        return bulk_crystal(sp["phase"], sp["N"], eta), ensemble
    raise ValueError(f"Unknown system {system!r}.")


def bulk_crystal(phase: str, n: int, eta: float):
    """FCC or HCP of about ``n`` particles in an about cubic box at packing fraction ``eta``."""
    from hoomd_colloidml.lattice import crystal

    if phase == "fcc":
        return crystal("fcc", max(3, round((n / 4) ** (1 / 3))), eta)
    # HCP: orthohexagonal 4-particle cell
    cell = crystal("hcp", 1, eta)
    L = (n / 4 * cell.box.volume) ** (1 / 3)
    return crystal("hcp", [max(2, round(L / x)) for x in (cell.box.Lx, cell.box.Ly, cell.box.Lz)],
                   eta)


@CrystalDetection.post.isfile("trajectory.gsd")
@CrystalDetection.operation
def simulate(job):
    """Build the initial configuration, run MC, save snapshots (``trajectory.gsd``)."""
    from hoomd_colloidml.studies.simulate import run_snapshots

    sp = job.sp()
    system, ensemble = build_initial(sp)
    if sp["system"] == "nucleation":
        from hoomd_colloidml.studies.nucleation import nucleation_run

        snaps, info = nucleation_run(system, sp["pressure"], targets=sp["targets"],
                                     seed=sp["seed"], check_every=sp["check_every"],
                                     max_sweeps=sp["max_sweeps"], strict=False,
                                     progress=sp["mode"] == "full")
    elif sp["system"] == "bulk" and "pressure" in sp:
        from hoomd_colloidml.studies.nucleation import npt_snapshots

        snaps, info = npt_snapshots(system, sp["pressure"], sp["seed"],
                                    sp["equilibration_sweeps"], sp["n_snapshots"], sp["sweeps"],
                                    box_moves=ensemble.box_moves)
    else:
        snaps, info = run_snapshots(system, sp["seed"], sp["equilibration_sweeps"],
                                    sp["n_snapshots"], sp["sweeps"], ensemble=ensemble)
    io.write_json(job.fn("simulation.json"), info)
    io.write_gsd(job.fn("trajectory.gsd"), snaps)


# ------------------------------------------------------------------------------------------
# descriptors
# ------------------------------------------------------------------------------------------
def describer(binary: bool):
    """q̄1..q̄8 with SANN (Eq. 4.4); binary systems add the same-species q̄_l (Eq. 4.5)."""
    from hoomd_colloidml.studies.descriptors import ch4_descriptor

    return ch4_descriptor(binary)


@CrystalDetection.pre.isfile("trajectory.gsd")
@CrystalDetection.post.isfile("bop.npz")
@CrystalDetection.operation
def describe(job):
    """Bond-order vectors of every snapshot (8 or 16 entries)."""
    d = describer(job.sp.system in BINARY)
    feats, names = [], []
    for s in io.read_gsd(job.fn("trajectory.gsd")):
        X, names = d.describe(s)
        feats.append(np.asarray(X, dtype=np.float64))
    io.write_npz(job.fn("bop.npz"), features=np.stack(feats) if len({len(f) for f in feats}) == 1
                 else np.concatenate(feats), counts=np.array([len(f) for f in feats]),
                 names=np.array(names))


def load_features(job):
    data = io.read_npz(job.fn("bop.npz"))
    X = data["features"]
    X = X.reshape(-1, X.shape[-1])
    return X, data["counts"], [str(n) for n in data["names"]]


# ------------------------------------------------------------------------------------------
# unsupervised learning
# ------------------------------------------------------------------------------------------
def make_unsupervised(job, names):
    import torch

    from hoomd_colloidml.models import UnsupervisedClassifier

    torch.set_num_threads(1)

    return UnsupervisedClassifier(
        descriptor_config=describer(job.sp.system in BINARY).get_config(),
        feature_names=list(names), random_state=job.sp.seed,
        max_epochs=100 if job.sp.mode == "quick" else 300)


def _order_clusters(P, X, names):
    """Order the clusters by the mean q̄6 of their members (fluid-like first)."""
    col = names.index("q6") if "q6" in names else min(5, X.shape[1] - 1)
    hard = P.argmax(axis=1)
    means = np.array([X[hard == k, col].mean() if np.any(hard == k) else -np.inf
                      for k in range(P.shape[1])])
    return np.argsort(means)


@CrystalDetection.pre(lambda job: job.sp.get("system") != "bulk")
@CrystalDetection.pre.isfile("bop.npz")
@CrystalDetection.post.isfile("memberships.npz")
@CrystalDetection.operation
def learn(job):
    """Autoencoder + GMM (BIC) + entropy merging; diagnostics, latent space, RGB snapshot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hoomd_colloidml.studies.render import PALETTE, membership_rgb, render_snapshot

    X, counts, names = load_features(job)
    model = make_unsupervised(job, names).fit(X)
    order = _order_clusters(model.predict_proba(X), X, names)
    P = model.predict_proba(X)[:, order]
    Y = model.transform(X)
    ri = {}
    for method, kw in (("perturbation_10", {"method": "perturbation", "noise": 0.1}),
                       ("perturbation_50", {"method": "perturbation", "noise": 0.5}),
                       ("stepwise", {"method": "stepwise"})):
        ri[method] = np.asarray(model.relative_importance(X, **kw)).tolist()
    diag = {"n_clusters": int(P.shape[1]), "feature_names": names,
            "relative_importance": ri, **_diagnostics(model)}
    tmp = job.fn(".model.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(tmp)
    shutil.rmtree(job.fn("model"), ignore_errors=True)
    os.replace(tmp, job.fn("model"))
    # figures: diagnostics (FVE, BIC, entropy), latent scatter, snapshot(s) in RGB
    io.save_figure(model.plot_diagnostics(X), job.fn("diagnostics.png"))
    fig, ax = plt.subplots(figsize=(4, 3.5))
    rgb = membership_rgb(P)
    ax.scatter(Y[:, 0], Y[:, 1] if Y.shape[1] > 1 else np.zeros(len(Y)), c=rgb, s=3)
    ax.set_xlabel("$y_1$")
    ax.set_ylabel("$y_2$")
    ax.set_title(f"{job.sp.system}: {P.shape[1]} environments")
    io.save_figure(fig, job.fn("latent.png"))
    frames = io.read_gsd(job.fn("trajectory.gsd"))
    show = [len(frames) - 1] if job.sp.system != "nucleation" else list(range(len(frames)))
    fig = plt.figure(figsize=(3.2 * len(show), 3.4))
    start = np.r_[0, np.cumsum(counts)]
    legend = {f"env {k}": PALETTE[k] for k in range(P.shape[1])}
    for n, f in enumerate(show):
        ax = fig.add_subplot(1, len(show), n + 1, projection="3d")
        sl = slice(start[f], start[f + 1])
        shrink = P[sl].argmax(axis=1) == 0 if job.sp.system != "hs_coexistence" else None
        render_snapshot(frames[f], rgb[sl], ax=ax, shrink=shrink, legend=legend if n == 0
                        else None, title=f"snapshot {f}")
    io.save_figure(fig, job.fn("snapshot.png"))
    io.write_json(job.fn("diagnostics.json"), diag)
    io.write_npz(job.fn("memberships.npz"), probabilities=P, latent=Y, counts=counts)


def _diagnostics(model) -> dict:
    out = {}
    for attr in ("bottleneck_", "fve_curve_", "bic_curve_", "entropy_curve_", "n_components_",
                 "n_clusters_"):
        if hasattr(model, attr):
            v = getattr(model, attr)
            out[attr.rstrip("_")] = np.asarray(v).tolist() if not isinstance(v, dict) else {
                str(k): float(x) for k, x in v.items()}
    return out


# ------------------------------------------------------------------------------------------
# the standard q4-q6 method (Table 4.1, Fig. 4.5)
# ------------------------------------------------------------------------------------------
def _bulk_jobs(job):
    """The bulk runs that tune the standard method for ``job``.

    The nucleation run uses the bulk runs at its own pressure (state-point key
    ``pressure``); every other system uses the runs at fixed densities (no ``pressure``).
    """
    project = CrystalDetection.get_project(job.project.path)
    pressure = job.sp.get("pressure") if job.sp.get("system") == "nucleation" else None
    return sorted((j for j in project.find_jobs({"system": "bulk", "mode": job.sp.mode})
                   if j.sp.get("pressure") == pressure), key=lambda j: j.sp.phase)


def _compare_ready(job):
    if job.sp.get("system") not in ("nucleation", "hs_coexistence", "grain_boundary"):
        return False
    return job.isfile("memberships.npz") and all(j.isfile("bop.npz") for j in _bulk_jobs(job))


def fit_standard(job, bulk_jobs=None):
    from hoomd_colloidml.studies.standard import StandardQ4Q6

    Xs, ys = [], []
    for j in _bulk_jobs(job) if bulk_jobs is None else bulk_jobs:
        X, _, names = load_features(j)
        Xs.append(X[:, [names.index("q4"), names.index("q6")]])
        ys.append(np.full(len(X), j.sp.phase))
    X, y = np.concatenate(Xs), np.concatenate(ys)
    return StandardQ4Q6(crystal_phases=("fcc", "hcp")).fit(X, y), X, y


def crystal_fluid_split(model, X, q6):
    """Crystalline or fluid-like: the two environments of Table 4.1 from the mixture alone.

    Entropy merging groups the Gaussian components by overlap, which in a growing crystal
    can put the defective crystal (stacking faults, interface) with the fluid and keep
    perfect FCC and HCP apart. Crystal versus fluid is decided instead per component of the
    fitted mixture: a component is crystal-like when the mean q̄6 of its members (hard
    assignment) is above the midpoint of the lowest and highest component means, and each
    particle goes to the group (crystal-like or fluid-like components) that holds the larger
    sum of its membership probabilities — the thesis's "cluster with the largest membership"
    with the two groups as clusters. Where merging keeps crystal and fluid apart (full mode)
    this equals the merged clusters' split. Known limits: a component straddling the
    interface moves the result with the autoencoder's seed (1.5-10 points at quick size); a
    two-component mixture in the latent space instead is seed-stable at quick size but 11
    points above the standard in full mode (4-d latent space).

    Returns:
        tuple: ((N,) bool crystalline, dict with the component means and groups).
    """
    Pc = model.gmm_.predict_proba(model.transform(X))
    hard = Pc.argmax(axis=1)
    means = np.array([q6[hard == k].mean() if np.any(hard == k) else np.nan
                      for k in range(Pc.shape[1])])
    crystal = means > 0.5 * (np.nanmin(means) + np.nanmax(means))
    p_crystal = Pc[:, crystal].sum(axis=1)
    return p_crystal > 0.5, {"component_mean_q6": np.nan_to_num(means).tolist(),
                             "crystalline_components": np.flatnonzero(crystal).tolist()}


@CrystalDetection.pre(_compare_ready)
@CrystalDetection.post.isfile("standard.json")
@CrystalDetection.operation
def compare_standard(job):
    """Unsupervised versus standard q̄4–q̄6 classification (Table 4.1, Fig. 4.5)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hoomd_colloidml.studies.render import render_snapshot

    std, Xb, yb = fit_standard(job)
    X, counts, names = load_features(job)
    q46 = X[:, [names.index("q4"), names.index("q6")]]
    phase = std.predict(q46)
    P = io.read_npz(job.fn("memberships.npz"))["probabilities"]
    hard = P.argmax(axis=1)
    # which clusters are crystalline, from the clusters alone: mean q̄6 above the midpoint of
    # the lowest (fluid-like) and highest cluster means
    q6 = X[:, names.index("q6")]
    means = np.array([q6[hard == k].mean() if np.any(hard == k) else np.nan
                      for k in range(P.shape[1])])
    crystalline = np.flatnonzero(means > 0.5 * (np.nanmin(means) + np.nanmax(means)))
    is_crystal = np.isin(hard, crystalline)
    extra, phase_coex = {}, None
    if job.sp.system == "nucleation":
        # Table 4.1 asks crystal or fluid (the thesis finds exactly these two clusters): each
        # particle goes to the crystal-like or the fluid-like group of mixture components,
        # whichever holds its larger membership (see crystal_fluid_split)
        from hoomd_colloidml.models import load

        is_crystal, extra = crystal_fluid_split(load(job.fn("model")), X, q6)
        # for comparison: the lines tuned on the coexistence-density bulk runs (Sec. 4.3.1)
        project = CrystalDetection.get_project(job.project.path)
        coex = sorted((j for j in project.find_jobs({"system": "bulk", "mode": job.sp.mode})
                       if "pressure" not in j.sp), key=lambda j: j.sp.phase)
        phase_coex = fit_standard(job, coex)[0].predict(q46) if coex else None
    start = np.r_[0, np.cumsum(counts)]
    # the solid-bond fraction that selected the nucleation snapshots (a third method)
    solid = io.read_json(job.fn("simulation.json")).get("solid_fraction")
    rows = []
    for f in range(len(counts)):
        sl = slice(start[f], start[f + 1])
        rows.append({"snapshot": f,
                     "unsupervised": float(np.mean(is_crystal[sl])),
                     "standard": float(np.mean(np.isin(phase[sl], ("fcc", "hcp"))))})
        if solid is not None and len(solid) == len(counts):
            rows[-1]["solid_bond"] = float(solid[f])
        if phase_coex is not None:
            rows[-1]["standard_coexistence_bulk"] = float(
                np.mean(np.isin(phase_coex[sl], ("fcc", "hcp"))))
    result = {"training_accuracy": std.training_accuracy_, "rows": rows, **extra,
              "cluster_mean_q6": means.tolist(), "crystalline_clusters": crystalline.tolist(),
              "max_abs_difference": max(abs(r["unsupervised"] - r["standard"]) for r in rows),
              "standard_fractions": {p: float(np.mean(phase == p)) for p in std.classes_}}
    fig, ax = plt.subplots(figsize=(4, 3.5))
    std.plot(Xb, yb, ax=ax)
    io.save_figure(fig, job.fn("q4q6_plane.png"))
    frames = io.read_gsd(job.fn("trajectory.gsd"))
    colors = {"fluid": (1.0, 1.0, 1.0), "fcc": (0.9, 0.1, 0.1), "hcp": (0.1, 0.35, 0.9)}
    s = frames[-1]
    sl = slice(start[len(counts) - 1], start[len(counts)])
    rgb = np.array([colors.get(p, (0.5, 0.5, 0.5)) for p in phase[sl]])
    fig = plt.figure(figsize=(4, 4))
    render_snapshot(s, rgb, ax=fig.add_subplot(projection="3d"), legend=colors,
                    title="standard q4-q6 classification")
    io.save_figure(fig, job.fn("standard_snapshot.png"))
    io.write_json(job.fn("standard.json"), result)


# ------------------------------------------------------------------------------------------
# report
# ------------------------------------------------------------------------------------------
def _products(project, mode):
    return os.path.join(project.path, "products", mode)


def _all_done(*jobs):
    for j in jobs:
        if j.sp.get("system") == "bulk":
            if not j.isfile("bop.npz"):
                return False
        elif not j.isfile("memberships.npz"):
            return False
        if j.sp.get("system") in ("nucleation", "hs_coexistence", "grain_boundary") and \
                not j.isfile("standard.json"):
            return False
    return True


def _report_done(*jobs):
    from hoomd_colloidml.studies.workflow import report_is_current

    return report_is_current(
        os.path.join(_products(jobs[0].project, jobs[0].sp.mode), "report.md"), jobs)


TITLES = {
    "hs_coexistence": "Hard spheres: FCC / HCP / fluid coexistence (Ch. 4.3.1, Fig. 4.2)",
    "grain_boundary": "Hard-sphere FCC with grain boundaries (Ch. 4.3.2, Fig. 4.8)",
    "laves_fluid": "Binary hard spheres α = 0.82: MgCu2 / fluid coexistence (Ch. 4.3.4, "
                   "Fig. 4.10)",
    "nucleation": "Crystal growth in a supersaturated hard-sphere fluid (Ch. 4.3.5, Fig. 4.12)",
}


@CrystalDetection.pre(_all_done)
@CrystalDetection.post(_report_done)
@CrystalDetection.operation(aggregator=aggregator.groupby("mode"))
def report(*jobs):
    """Markdown report with the diagnostics, figures and Table 4.1 in ``products/<mode>/``."""
    project = jobs[0].project
    mode = jobs[0].sp.mode
    out = _products(project, mode)
    os.makedirs(out, exist_ok=True)
    lines = [f"# Unsupervised crystal detection (thesis Ch. 4) — {mode} mode", "",
             "Autoencoder (d → 5d tanh → c → 5d tanh → d) on averaged bond-order parameters "
             "q̄1..q̄8 (SANN), Gaussian mixture chosen by BIC, components merged by entropy "
             "(L-method elbow); colours are RGB mixtures of the membership probabilities.", ""]
    summary = {}
    for j in sorted(jobs, key=lambda j: list(TITLES).index(j.sp.system)
                    if j.sp.system in TITLES else 99):
        if j.sp.system == "bulk":
            continue
        name = j.sp.system
        diag = io.read_json(j.fn("diagnostics.json"))
        sim = io.read_json(j.fn("simulation.json"))
        n_particles = int(np.sum(io.read_npz(j.fn("memberships.npz"))["counts"]))
        lines += [f"## {TITLES[name]}", "",
                  f"Particles analysed: {n_particles}; environments found: "
                  f"**{diag['n_clusters']}**; bottleneck c = {diag.get('bottleneck', '?')}.", ""]
        for fig in ("snapshot", "latent", "diagnostics", "standard_snapshot"):
            if j.isfile(f"{fig}.png"):
                target = f"{name}_{fig}.png"
                with io.atomic_path(os.path.join(out, target)) as tmp:
                    shutil.copyfile(j.fn(f"{fig}.png"), tmp)
                lines += [f"![{name} {fig}]({target})", ""]
        ri = diag["relative_importance"]
        feats = diag["feature_names"]
        lines += ["Relative importance (Eq. 4.8):", "",
                  "| method | " + " | ".join(feats) + " |", "|---" * (len(feats) + 1) + "|"]
        for method, vals in ri.items():
            lines.append(f"| {method} | " + " | ".join(f"{100 * v:.0f}%" for v in vals) + " |")
        lines.append("")
        summary[name] = {"n_clusters": diag["n_clusters"], "relative_importance": ri,
                         "feature_names": feats, "acceptance": sim.get("acceptance")}
        if j.isfile("standard.json"):
            st = io.read_json(j.fn("standard.json"))
            summary[name]["standard"] = st
            if name == "nucleation":
                lines += ["Table 4.1: crystalline fraction per snapshot", "",
                          "| method | " + " | ".join(f"({chr(97 + r['snapshot'])})"
                                                    for r in st["rows"]) + " |",
                          "|---" * (len(st["rows"]) + 1) + "|",
                          "| unsupervised | " + " | ".join(f"{100 * r['unsupervised']:.0f}%"
                                                          for r in st["rows"]) + " |",
                          "| standard q̄4–q̄6 | " + " | ".join(
                              f"{100 * r['standard']:.0f}%" for r in st["rows"]) + " |"]
                if all("standard_coexistence_bulk" in r for r in st["rows"]):
                    lines.append("| standard q̄4–q̄6, tuned at coexistence densities | " +
                                 " | ".join(f"{100 * r['standard_coexistence_bulk']:.0f}%"
                                            for r in st["rows"]) + " |")
                if all("solid_bond" in r for r in st["rows"]):
                    lines.append("| solid bonds (selects the snapshots) | " + " | ".join(
                        f"{100 * r['solid_bond']:.0f}%" for r in st["rows"]) + " |")
                lines += ["",
                          f"Largest difference: {100 * st['max_abs_difference']:.1f} "
                          "percentage points.", ""]
            else:
                fr = ", ".join(f"{k}: {100 * v:.0f}%" for k, v in
                               st["standard_fractions"].items())
                lines += [f"Standard q̄4–q̄6 classification of the last snapshot: {fr}; "
                          f"crystalline fraction unsupervised "
                          f"{100 * st['rows'][-1]['unsupervised']:.0f}% vs standard "
                          f"{100 * st['rows'][-1]['standard']:.0f}%.", ""]
    io.write_json(os.path.join(out, "summary.json"), summary)
    io.write_text(os.path.join(out, "report.md"), "\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(CrystalDetection().main())
