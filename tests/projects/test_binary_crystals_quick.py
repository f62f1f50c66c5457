"""Quick mode of the binary hard-sphere crystal study (thesis Ch. 3), end to end.

Asserts the study's own outcome at quick size: every environment label of every
single-layer network (3 size ratios x SANN / SANN per species / Table 3.1 cutoffs) is
recognised in >= 97 % of
the cases on held-out snapshots (thesis Table 3.2: >= 98.35 % at full size).
"""

import pytest

from hoomd_colloidml.studies import io
from tests.projects._run import check_no_debris, jobs, run_main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    ws = tmp_path_factory.mktemp("binary_crystals")
    return ws, run_main("binary_crystals", ws)


def test_every_label_at_least_97_percent_on_held_out_snapshots(study):
    ws, report = study
    nets = jobs(ws, kind="network")
    assert len(nets) == 9
    for sp, d in nets:
        cv = io.read_json(d / "cv.json")
        assert cv["folds"] >= 3 and cv["n_snapshots"] >= 6
        assert len(cv["per_label"]) == len(cv["labels"])
        worst = min(cv["per_label"])
        assert worst >= 0.97, (sp, cv)
    text = report.read_text()
    assert "Table 3.2" in text and "Fig. 3.4" in text and "Fig. 3.5" in text
    check_no_debris(ws)


def test_density_scan_and_coexistence_products(study):
    ws, report = study
    scanned = jobs(ws, kind="network", neighbors="sann") + jobs(
        ws, kind="network", neighbors="sann_species")
    assert len(scanned) == 6
    for _sp, d in scanned:
        rows = io.read_json(d / "density_scan.json")["rows"]
        assert {r["phase"] for r in rows} >= {"fcc", "fluid"}
        # at least one packing fraction per phase differs from the training one
        assert any(not r["training"] for r in rows)
    for _sp, d in jobs(ws, kind="coexistence"):
        frac = io.read_json(d / "classified.json")["fractions"]
        assert sum(frac.values()) == pytest.approx(1.0)
        assert (d / "classified.png").stat().st_size > 1000
        info = io.read_json(d / "simulation.json")
        assert info["ensemble"] == "NPT" and info["pressure"] > 10  # dense crystals


def test_crystal_fluid_coexistence_keeps_its_crystal(study):
    """Fig. 3.5, AlB2 / fluid at α = 0.54: NPT at the crystal's bulk pressure with the fluid
    slab at the BMCSL density of that pressure; the crystal slab stays AlB2 (two interfaces
    of a slab ~5 σ_L thick take the rest) and the fluid slab stays fluid."""
    import numpy as np

    from hoomd_colloidml.studies.labels import LABELS
    from hoomd_colloidml.studies.nucleation import bmcsl_pressure

    ws, _ = study
    [(sp, d)] = [(sp, d) for sp, d in jobs(ws, kind="coexistence") if "fluid" in sp["phases"]]
    assert sp["size_ratio"] == 0.54
    info = io.read_json(d / "simulation.json")
    assert bmcsl_pressure(info["fluid_packing_fraction"], 2 / 3, 0.54) == pytest.approx(
        info["pressure"])
    slab = np.load(d / "slabs.npz")["slab"]
    labels = np.load(d / "classified.npz")["labels"]
    names = LABELS[0.54]
    alb2 = np.isin(labels, [names.index("AlB2 large"), names.index("AlB2 small")])
    assert alb2[slab == 0].mean() > 0.5
    assert np.mean(labels[slab == 1] == names.index("fluid")) > 0.95


def test_networks_keep_each_particle_to_its_species_labels(study):
    """Every network restricts a particle to the labels of its species (group_column of
    PhaseClassifier): on a held-in snapshot of every training phase, no large particle gets
    a small-only label and vice versa, and the saved model featurises a frame by itself
    (its descriptor appends the type column) with the same predictions."""
    import numpy as np

    from hoomd_colloidml.models import load
    from hoomd_colloidml.studies.labels import LABELS

    ws, _ = study
    for sp, d in jobs(ws, kind="network", size_ratio=0.54):
        model = load(d / "model")
        assert model.group_column == -1 and model.feature_names_[-1] == "type"
        names = LABELS[0.54]
        small_only = [names.index(n) for n in ("AB13 small", "AlB2 small")]
        large_only = [names.index(n) for n in ("AB13 large", "AlB2 large")]
        assert not model.allowed_[0, small_only].any() and not model.allowed_[1, large_only].any()
        for bsp, bd in jobs(ws, kind="bulk", size_ratio=0.54):
            if bsp["phase"] not in ("ab13", "alb2"):
                continue
            frame = io.read_gsd(bd / "trajectory.gsd")[0]
            X, _ = model.descriptor.describe(frame)
            pred = np.asarray(model.predict(X))
            assert not np.isin(pred[frame.typeid == 0], small_only).any()
            assert not np.isin(pred[frame.typeid == 1], large_only).any()
            bop = io.read_npz(bd / f"bop_{sp['neighbors']}.npz")["features"][0]
            np.testing.assert_allclose(X[:, :-1], bop, atol=1e-12)
