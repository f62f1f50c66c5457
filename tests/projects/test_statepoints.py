"""State-point validation, initialisation and the shared builders of the crystal studies."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import freud
import numpy as np
import pytest

from hoomd_colloidml.studies import io
from hoomd_colloidml.studies.builders import bicrystal_sigma5, close_packed_stack, stack_slabs
from hoomd_colloidml.studies.statepoints import (
    PHASES,
    TRAINING_PACKING,
    validate_binary,
    validate_detection,
)

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "projects"


def _bulk(**kw):
    sp = {"kind": "bulk", "size_ratio": 0.45, "phase": "nacl", "packing_fraction": 0.63}
    sp.update(kw)
    return sp


@pytest.mark.parametrize("eta", [0.74, 0.75, 0.9, 0.0, -0.1])
def test_packing_fraction_outside_physics_is_refused(eta):
    with pytest.raises(ValueError, match="packing_fraction.*0.74"):
        validate_binary(_bulk(packing_fraction=eta))


@pytest.mark.parametrize("alpha", [0.0, -0.3, 1.2])
def test_size_ratio_outside_physics_is_refused(alpha):
    with pytest.raises(ValueError, match=r"size_ratio.*\(0, 1\]"):
        validate_binary(_bulk(size_ratio=alpha, phase="fcc"))


@pytest.mark.parametrize(
    "alpha, phase",
    [(0.45, "ab13"), (0.45, "mgcu2"), (0.54, "nacl"), (0.82, "alb2"), (0.6, "nacl"),
     (0.45, "quasicrystal")],
)
def test_unknown_phase_for_size_ratio_is_refused(alpha, phase):
    with pytest.raises(ValueError, match=f"Unknown phase '{phase}' for size ratio {alpha}"):
        validate_binary(_bulk(size_ratio=alpha, phase=phase))


def test_other_state_point_errors():
    with pytest.raises(TypeError, match="real number"):
        validate_binary(_bulk(packing_fraction="0.6"))
    with pytest.raises(ValueError, match="'kind'"):
        validate_binary(_bulk(kind="crystal"))
    with pytest.raises(ValueError, match="'neighbors'"):
        validate_binary({"kind": "network", "size_ratio": 0.45, "neighbors": "voronoi"})
    with pytest.raises(ValueError, match="Table 3.1"):
        validate_binary({"kind": "network", "size_ratio": 0.6, "neighbors": "cutoff"})
    with pytest.raises(ValueError, match="composition"):
        validate_binary(_bulk(phase="fluid", packing_fraction=0.45, composition=1.5))
    with pytest.raises(ValueError, match="'mode'"):
        validate_binary(_bulk(mode="medium"))
    # number density 1.5 is a packing fraction of 0.785 > 0.74
    with pytest.raises(ValueError, match="0.74"):
        validate_detection({"system": "bulk", "phase": "fcc", "density": 1.5})
    with pytest.raises(ValueError, match="'system'"):
        validate_detection({"system": "glass"})
    with pytest.raises(ValueError, match="pressure"):
        validate_detection({"system": "nucleation", "pressure": -1.0})


def test_phase_tables_agree_with_the_lattice_library():
    from hoomd_colloidml.lattice import STABLE_PHASES, THESIS_PACKING_FRACTIONS

    for alpha, phases in PHASES.items():
        assert set(phases) - {"fluid"} == set(STABLE_PHASES[alpha])
        assert TRAINING_PACKING[alpha] == THESIS_PACKING_FRACTIONS[alpha]


def _load(project, name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"{project}_{name}_under_test", PROJECTS / project / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(PROJECTS / project))
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(PROJECTS / project))
    return mod


@pytest.mark.parametrize("mode", ["quick", "full"])
def test_every_built_state_point_is_valid(mode):
    bc = _load("binary_crystals", "init")
    cd = _load("crystal_detection", "init")
    sps = bc.build_statepoints(mode)
    for sp in sps:
        validate_binary(sp)
    kinds = [sp["kind"] for sp in sps]
    assert kinds.count("network") == 9  # 3 size ratios x (SANN, SANN per species, cutoff)
    assert kinds.count("coexistence") == 3
    # every stable phase of every size ratio is simulated at its training packing fraction
    for alpha, phases in PHASES.items():
        for p in phases:
            assert any(sp.get("phase") == p and sp["size_ratio"] == alpha
                       and sp["packing_fraction"] == TRAINING_PACKING[alpha][p] for sp in sps)
    for sp in cd.build_statepoints(mode):
        validate_detection(sp)
    if mode == "full":  # thesis sizes: 100 snapshots, N ~ 432-448 per crystal
        assert all(sp["n_snapshots"] == 100 for sp in sps if sp["kind"] == "bulk")


def test_init_refuses_before_creating_anything(tmp_path):
    bad = json.dumps(_bulk(packing_fraction=0.75, mode="quick"))
    res = subprocess.run(
        [sys.executable, str(PROJECTS / "binary_crystals" / "init.py"), "--quick",
         "--workspace", str(tmp_path / "p"), "--statepoint", bad],
        capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"})
    assert res.returncode == 2
    assert "refused state point" in res.stderr and "0.74" in res.stderr
    assert not (tmp_path / "p" / "workspace").exists()
    bad = json.dumps({"system": "bulk", "mode": "quick", "phase": "nacl", "size_ratio": 0.82})
    res = subprocess.run(
        [sys.executable, str(PROJECTS / "crystal_detection" / "init.py"), "--quick",
         "--workspace", str(tmp_path / "q"), "--statepoint", bad],
        capture_output=True, text=True)
    assert res.returncode == 2 and "Unknown phase 'nacl'" in res.stderr
    assert not (tmp_path / "q" / "workspace").exists()


def _min_contact_ratio(system):
    """min over pairs of r_ij / ((d_i + d_j)/2), with freud's neighbour query."""
    nl = freud.locality.AABBQuery(system.box, system.positions).query(
        system.positions, {"r_max": 1.2, "exclude_ii": True}).toNeighborList()
    d = system.diameters
    return float(np.min(nl.distances / (0.5 * (d[nl.query_point_indices]
                                               + d[nl.point_indices]))))


def test_close_packed_stacks_are_fcc_and_hcp():
    rho = 1.05
    fcc = close_packed_stack("ABC", 4, 2, 2, rho)
    hcp = close_packed_stack("AB", 4, 2, 3, rho)
    for s in (fcc, hcp):
        assert s.N / s.volume == pytest.approx(rho, rel=1e-6)  # freud boxes are float32
        # close packing: 12 neighbours at a = (sqrt(2)/rho)^(1/3)
        a = (math.sqrt(2) / rho) ** (1 / 3)
        nl = freud.locality.AABBQuery(s.box, s.positions).query(
            s.positions, {"r_max": 1.05 * a, "exclude_ii": True}).toNeighborList()
        assert np.all(np.bincount(nl.query_point_indices) == 12)
        assert np.allclose(nl.distances, a, atol=1e-5)
    # FCC / HCP from freud's PolyhedralNeighborhood-free check: Steinhardt q4 (Lechner values)
    q4 = freud.order.Steinhardt(4)
    for s, ref in ((fcc, 0.190941), (hcp, 0.097222)):
        q4.compute((s.box, s.positions), {"num_neighbors": 12})
        assert np.allclose(q4.particle_order, ref, atol=1e-4)
    with pytest.raises(ValueError, match="must differ"):
        close_packed_stack("AAB", 2, 2, 1, 1.0)


def test_stacked_slabs_and_bicrystal_have_no_overlaps():
    from hoomd_colloidml.lattice import crystal

    slabs = [crystal("nacl", 3, 0.63, size_ratio=0.45), crystal("fcc", [3, 3, 2], 0.55)]
    s, slab = stack_slabs(slabs, gap=0.2)
    assert s.N == sum(x.N for x in slabs) and np.bincount(slab).tolist() == [x.N for x in slabs]
    assert _min_contact_ratio(s) >= 1.0 - 1e-6
    b, grain = bicrystal_sigma5(1, 4, 1.05, min_distance=1.0)
    assert set(np.unique(grain)) == {0, 1}
    assert _min_contact_ratio(b) >= 1.0 - 1e-6


def test_atomic_writes_leave_old_product_on_failure(tmp_path):
    path = tmp_path / "cv.json"
    io.write_json(path, {"accuracy": 0.99})

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with io.atomic_path(path) as tmp:
            Path(tmp).write_text("{ truncated")
            raise Boom
    assert io.read_json(path) == {"accuracy": 0.99}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cv.json"]
    io.write_npz(tmp_path / "a.npz", x=np.arange(3))
    assert io.read_npz(tmp_path / "a.npz")["x"].tolist() == [0, 1, 2]
    with pytest.raises(TypeError, match="object"):
        io.write_npz(tmp_path / "b.npz", x=np.array([{}], dtype=object))


def test_laves_environments_follow_fig_3_3():
    """MgNi2 shares half of its large environments with MgCu2, half with MgZn2 (Ch. 3.4.3)."""
    from hoomd_colloidml.lattice import crystal
    from hoomd_colloidml.studies.descriptors import ch3_descriptor
    from hoomd_colloidml.studies.labels import laves_environments

    crystals = {}
    for p in ("mgcu2", "mgzn2", "mgni2"):
        s = crystal(p, [2, 2, 2], 0.60, size_ratio=0.82)
        X, names = ch3_descriptor(0.82, "cutoff").describe(s)
        crystals[p] = (X[:, [k for k, n in enumerate(names) if n.startswith("q")]], s.typeid)
    lab = laves_environments(crystals)
    large = {p: lab[p][crystals[p][1] == 0] for p in lab}
    assert set(large["mgcu2"]) == {0} and set(large["mgzn2"]) == {2}
    assert np.mean(large["mgni2"] == 0) == pytest.approx(0.5)
    assert np.mean(large["mgni2"] == 2) == pytest.approx(0.5)
    small = {p: set(lab[p][crystals[p][1] == 1]) for p in lab}
    assert small["mgcu2"] == {1} and small["mgzn2"] == {3, 4} and small["mgni2"] == {1, 4, 5}


def test_cluster_script_uses_the_study_template(tmp_path):
    """`submit --pretend` renders the job script with templates/script.sh (no paths in it)."""
    root = tmp_path / "root"
    e = {**os.environ, "MPLBACKEND": "Agg", "SIGNAC_FLOW_ENVIRONMENT": "TestEnvironment"}
    subprocess.run([sys.executable, str(PROJECTS / "crystal_detection" / "init.py"),
                    "--quick", "--workspace", str(root)], check=True, env=e,
                   capture_output=True)
    res = subprocess.run(
        [sys.executable, str(PROJECTS / "crystal_detection" / "project.py"), "submit",
         "--pretend", "-o", "simulate", "-n", "1"],
        cwd=root, env=e, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "hoomd-colloidml set-up" in res.stdout and "COLLOIDML_VENV" in res.stdout
    template = (PROJECTS / "crystal_detection" / "templates" / "script.sh").read_text()
    assert "/work" not in template and "/home" not in template
