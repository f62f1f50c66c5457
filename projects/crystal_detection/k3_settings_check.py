"""How often the unsupervised method finds K = 3 in the FCC / HCP / fluid coexistence.

The study's coexistence (README, "Number of environments") gives K = 3 only in a minority of
runs. This script repeats the analysis over independent simulations and autoencoder seeds
for several settings of :class:`hoomd_colloidml.models.UnsupervisedClassifier` and two slab
geometries, and prints how often each gives K = 3 and where the particles of each slab go:

- geometry ``touching`` (the study's): FCC | HCP | fluid, close-packed layers stacked along
  z, so the crystal faces are close-packed planes and the FCC and HCP slabs share one;
- geometry ``separated``: FCC | fluid | HCP | fluid, layers stacked along z as in the
  study, so the crystals keep close-packed faces but no longer share one;
- geometry ``rotated``: FCC | fluid | HCP | fluid with the close-packed layers stacked along
  x (12 layers), so the crystals touch only the fluid, through non-close-packed faces on
  which growth cannot add stacking faults (FCC and HCP slabs of 480 particles, N = 1451).

Every simulation is the study's quick one (NVT MC at ρσ³ = 1.01, 500 sweeps; the rotated
slabs are built at the same densities). About 8 min per geometry and 8 seeds on one core::

    python projects/crystal_detection/k3_settings_check.py [--geometry G] [--seeds 8]

``--training converged`` replaces the settings by autoencoders trained up to 2000 epochs
with an early-stopping patience of 50 epochs (the study's 100–300 epochs with patience 8 stop
after a few hundred SGD steps on one snapshot), with automatic ``c`` and with ``c = 2``
(about 20 min on one core).
"""

from __future__ import annotations

import argparse
import collections

import freud
import numpy as np

from hoomd_colloidml import System
from hoomd_colloidml.models import UnsupervisedClassifier
from hoomd_colloidml.studies import builders
from hoomd_colloidml.studies.descriptors import ch4_descriptor
from hoomd_colloidml.studies.simulate import run_snapshots

#: (scaling, max_epochs, bottleneck, patience): the study's quick and full settings, c fixed
#: at the thesis's 2, and per-feature standardised inputs.
SETTINGS = {
    "study": (("global", 100, "auto", 8), ("global", 300, "auto", 8), ("global", 300, 2, 8),
              ("standard", 100, "auto", 8), ("standard", 300, "auto", 8)),
    "converged": (("global", 2000, "auto", 50), ("global", 2000, 2, 50)),
}
FITS_PER_SETTING = 3


def stacked_along_x(system: System) -> System:
    """The same crystal with its axes relabelled (x, y, z) -> (y, z, x)."""
    b = system.box
    return System(freud.box.Box(b.Lz, b.Lx, b.Ly), system.positions[:, [2, 0, 1]])


def coexistence(geometry: str, seed: int):
    """Initial configuration and the slab index of each particle (2 = fluid)."""
    if geometry in ("touching", "separated"):
        fcc = builders.close_packed_stack("ABC", 5, 3, 6, 1.05)
        hcp = builders.close_packed_stack("AB", 5, 3, 8, 1.05)
        return builders.slab_coexistence([fcc, hcp], 0.94, 1.01, seed=seed,
                                         separate=geometry == "separated")
    fcc = stacked_along_x(builders.close_packed_stack("ABC", 5, 4, 4, 1.05))
    hcp = stacked_along_x(builders.close_packed_stack("AB", 5, 4, 6, 1.05))
    return builders.slab_coexistence([fcc, hcp], 0.94, 1.01, seed=seed, separate=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geometry", choices=("touching", "separated", "rotated"),
                        default="touching")
    parser.add_argument("--seeds", type=int, default=8, help="independent simulations")
    parser.add_argument("--training", choices=tuple(SETTINGS), default="study",
                        help="the study's training lengths or converged autoencoders")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    describer = ch4_descriptor(False)
    settings = SETTINGS[args.training]
    found = collections.defaultdict(list)
    to_fluid = collections.defaultdict(list)
    for seed in range(1, args.seeds + 1):
        start, slab = coexistence(args.geometry, seed)
        frame = run_snapshots(start, seed, 500, 1, 10)[0][-1]
        X, names = describer.describe(frame)
        X = np.asarray(X)
        for setting in settings:
            scaling, epochs, bottleneck, patience = setting
            for fit in range(FITS_PER_SETTING):
                model = UnsupervisedClassifier(
                    bottleneck=bottleneck, scaling=scaling, max_epochs=epochs,
                    patience=patience, random_state=10 * seed + fit,
                    feature_names=list(names)).fit(X)
                found[setting].append(model.n_clusters_)
                if model.n_clusters_ == 3:
                    # share of the crystal particles in the fluid slab's commonest cluster
                    hard = model.predict(X)
                    fluid = np.bincount(hard[slab == 2]).argmax()
                    to_fluid[setting].append(float(np.mean(hard[slab < 2] == fluid)))
        print(f"seed {seed} done", flush=True)
    print(f"\ngeometry {args.geometry!r}, N = {start.N}, {args.seeds} simulations x "
          f"{FITS_PER_SETTING} fits")
    print("| scaling | epochs | c | patience | fits | K = 3 | K found | crystal particles in "
          "the fluid cluster when K = 3 |")
    print("|---|---|---|---|---|---|---|---|")
    for setting in settings:
        ks = collections.Counter(found[setting])
        share = to_fluid[setting]
        spread = f"{100 * min(share):.0f}–{100 * max(share):.0f} %" if share else "–"
        print(f"| {setting[0]} | {setting[1]} | {setting[2]} | {setting[3]} | "
              f"{len(found[setting])} | "
              f"{ks[3]} | {dict(sorted(ks.items()))} | {spread} |")


if __name__ == "__main__":
    main()
