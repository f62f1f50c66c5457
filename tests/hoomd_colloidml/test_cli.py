"""The colloidml command: describe, train, classify, info; byte-identical copies; errors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import freud
import gsd.fl
import gsd.hoomd
import numpy as np
import pytest

from hoomd_colloidml.cli import main
from hoomd_colloidml.io import load_model, validate_gsd
from hoomd_colloidml.lattice import crystal, fluid, rattle

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _labelled_gsd(path, dims=3):
    """Frames of a rattled crystal (label 1) and a fluid (label 0) of 108 / 100 particles."""
    with gsd.hoomd.open(path, "w") as f:
        for seed in range(2):
            if dims == 3:
                systems = ((rattle(crystal("fcc", 3, 0.55), 0.03, seed=seed), 1),
                           (fluid(108, 0.3, seed=seed), 0))
            else:
                systems = ((rattle(crystal("hex2d", (10, 6), 0.7), 0.03, seed=seed), 1),
                           (fluid(100, 0.3, dimensions=2, seed=seed), 0))
            for s, lab in systems:
                fr = s.to_gsd_frame(seed)
                fr.log["particles/colloidml/phase"] = np.full(s.N, lab, np.int32)
                f.append(fr)
    return path


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    lab = _labelled_gsd(str(d / "lab.gsd"))
    assert main(["describe", lab, "--descriptor", "bop", "--l", "4", "6", "--labels", "phase",
                 "--out", str(d / "f.npz"), "-q"]) == 0
    assert main(["train", "supervised", "--features", str(d / "f.npz"), "--out",
                 str(d / "model"), "--max-epochs", "60", "-q"]) == 0
    return d


def _engine_trajectory(path):
    from hoomd_colloidml.engine import MonteCarlo

    mc = MonteCarlo(rattle(crystal("fcc", 3, 0.55), 0.02, seed=3), seed=5)
    writer = mc.trajectory(path, every=2)
    mc.run(6, progress=False)
    writer.close()
    return path


def _run(args, capsys):
    code = main(args)
    err = capsys.readouterr().err
    return code, err


def test_help_on_every_subcommand(capsys):
    for args in (["--help"], ["describe", "--help"], ["classify", "--help"],
                 ["train", "--help"], ["train", "supervised", "--help"],
                 ["train", "unsupervised", "--help"], ["info", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 0
        assert "usage: colloidml" in capsys.readouterr().out


def test_console_script_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "colloidml")
    out = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "classify" in out.stdout


def test_describe_matches_describer(workdir):
    from freud_ext.order import BondOrderDescriptor

    z = np.load(workdir / "f.npz")
    assert list(z["feature_names"]) == ["q4", "q6"]
    with gsd.hoomd.open(str(workdir / "lab.gsd")) as f:
        frame = f[1]
    from hoomd_colloidml import System

    ref, _ = BondOrderDescriptor(l=[4, 6]).describe(System.from_gsd_frame(frame))
    rows = z["frame"] == 1
    np.testing.assert_allclose(z["X"][rows], ref, rtol=1e-12)
    np.testing.assert_array_equal(z["y"][rows], frame.log["particles/colloidml/phase"])


def test_classify_engine_trajectory(workdir, tmp_path):
    src = _engine_trajectory(str(tmp_path / "mc.gsd"))
    out = str(tmp_path / "labeled.gsd")
    before = open(src, "rb").read()
    assert main(["classify", src, "--model", str(workdir / "model"), "--out", out,
                 "--cluster-class", "1", "-q"]) == 0
    assert open(src, "rb").read() == before
    model = load_model(workdir / "model")
    with gsd.fl.open(src, "r") as fs, gsd.fl.open(out, "r") as fo:
        assert fs.nframes == fo.nframes >= 3
        names = fs.find_matching_chunk_names("")
        for i in range(fs.nframes):
            for name in names:
                if fs.chunk_exists(frame=i, name=name):
                    a, b = fs.read_chunk(frame=i, name=name), fo.read_chunk(frame=i, name=name)
                    assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), (i, name)
    with gsd.hoomd.open(out) as f:
        for frame in f:
            labels = frame.log["particles/colloidml/labels"]
            proba = frame.log["particles/colloidml/probabilities"]
            # independent: describer + model.predict on the frame freud reads
            from hoomd_colloidml import System

            system = System.from_gsd_frame(frame)
            X, _ = model.descriptor.describe(system, system.typeid)
            expect = np.searchsorted(model.classes_, model.predict(X))
            np.testing.assert_array_equal(labels, expect)
            np.testing.assert_allclose(proba, model.predict_proba(X), rtol=1e-10)
            np.testing.assert_allclose(
                frame.log["colloidml/fractions"], np.bincount(expect, minlength=2) / len(expect)
            )
            # largest cluster with freud alone: cluster only the class-1 particles
            sel = labels == 1
            box = freud.box.Box.from_box(frame.configuration.box)
            pts = box.wrap(np.asarray(frame.particles.position, dtype=np.float64))
            nl = model.descriptor
            nl.describe(system, system.typeid)
            cl = freud.cluster.Cluster()
            sub = np.flatnonzero(sel)
            keep = sel[nl.nlist.query_point_indices] & sel[nl.nlist.point_indices]
            remap = -np.ones(len(sel), int)
            remap[sub] = np.arange(len(sub))
            qi = remap[nl.nlist.query_point_indices[keep]]
            pj = remap[nl.nlist.point_indices[keep]]
            sub_nl = freud.locality.NeighborList.from_arrays(
                len(sub), len(sub), qi, pj, nl.nlist.vectors[keep])
            cl.compute((box, pts[sub]), neighbors=sub_nl)
            expect_size = np.bincount(cl.cluster_idx).max() if len(sub) else 0
            assert frame.log["colloidml/largest_cluster"].tolist() == [expect_size]


def test_info(workdir, capsys):
    assert main(["info", str(workdir / "model")]) == 0
    out = capsys.readouterr().out
    assert "PhaseClassifier" in out and '"kind": "bop"' in out and "dimensions: 3" in out
    assert main(["info", str(workdir / "lab.gsd")]) == 0
    assert "frames: 4" in capsys.readouterr().out


def _assert_one_line_error(code, err, match):
    assert code != 0
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("colloidml: error: ") and match in lines[0], lines[0]


def test_truncated_gsd(workdir, tmp_path, capsys):
    data = open(workdir / "lab.gsd", "rb").read()
    bad = tmp_path / "cut.gsd"
    bad.write_bytes(data[: len(data) - 500])
    code, err = _run(["classify", str(bad), "--model", str(workdir / "model"), "--out",
                      str(tmp_path / "o.gsd"), "-q"], capsys)
    _assert_one_line_error(code, err, "cut.gsd")
    assert not (tmp_path / "o.gsd").exists()


def test_empty_gsd(workdir, tmp_path, capsys):
    bad = tmp_path / "empty.gsd"
    bad.write_bytes(b"")
    code, err = _run(["classify", str(bad), "--model", str(workdir / "model"), "--out",
                      str(tmp_path / "o.gsd"), "-q"], capsys)
    _assert_one_line_error(code, err, "empty")
    code, err = _run(["info", str(bad)], capsys)
    _assert_one_line_error(code, err, "empty")


def test_2d_data_into_3d_model(workdir, tmp_path, capsys):
    two = _labelled_gsd(str(tmp_path / "two.gsd"), dims=2)
    code, err = _run(["classify", two, "--model", str(workdir / "model"), "--out",
                      str(tmp_path / "o.gsd"), "-q"], capsys)
    _assert_one_line_error(code, err, "trained on 3D systems; got a 2D system")
    assert not (tmp_path / "o.gsd").exists()


def test_model_from_another_descriptor(workdir, tmp_path, capsys):
    from freud_ext.environment import SymmetryFunctions
    from hoomd_colloidml.models import PhaseClassifier

    z = np.load(workdir / "f.npz")
    sf = SymmetryFunctions(2.0, radial=[(1.0, 1.0), (2.0, 1.0)])
    model = PhaseClassifier(max_epochs=5, random_state=0, descriptor_config=sf.get_config(),
                            feature_names=["q4", "q6"]).fit(z["X"], z["y"])
    model.save(tmp_path / "wrong")
    code, err = _run(["classify", str(workdir / "lab.gsd"), "--model", str(tmp_path / "wrong"),
                      "--out", str(tmp_path / "o.gsd"), "-q"], capsys)
    _assert_one_line_error(code, err, "belongs to another descriptor")
    # and a feature file made with another descriptor than the first one
    np.savez(tmp_path / "g.npz", X=z["X"], y=z["y"], feature_names=np.array(["a", "b"]),
             descriptor_config=z["descriptor_config"], dimensions=z["dimensions"])
    code, err = _run(["train", "supervised", "--features", str(workdir / "f.npz"),
                      str(tmp_path / "g.npz"), "--out", str(tmp_path / "m2"), "-q"], capsys)
    _assert_one_line_error(code, err, "another descriptor")


@pytest.mark.parametrize("frames", ["0:10", "7", "5:", "0:4:0", "x:y"])
def test_frame_range_out_of_range(workdir, tmp_path, capsys, frames):
    code, err = _run(["classify", str(workdir / "lab.gsd"), "--model", str(workdir / "model"),
                      "--out", str(tmp_path / "o.gsd"), "--frames", frames, "-q"], capsys)
    _assert_one_line_error(code, err, "rame")
    assert not (tmp_path / "o.gsd").exists()


def test_frames_subset(workdir, tmp_path):
    out = tmp_path / "sub.gsd"
    assert main(["classify", str(workdir / "lab.gsd"), "--model", str(workdir / "model"),
                 "--out", str(out), "--frames", "1:4:2", "-q"]) == 0
    assert validate_gsd(out).n_frames == 2


def test_sigterm_leaves_no_output(workdir, tmp_path):
    out = tmp_path / "o.gsd"
    code = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {REPO!r})
        from hoomd_colloidml.io import classify as c
        from hoomd_colloidml.cli import main
        orig = c.OnTheFlyClassifier.compute
        calls = []
        def compute(self, system):
            calls.append(1)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGTERM)
            return orig(self, system)
        c.OnTheFlyClassifier.compute = compute
        sys.exit(main(["classify", {str(workdir / "lab.gsd")!r}, "--model",
                       {str(workdir / "model")!r}, "--out", {str(out)!r}, "-q"]))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, env=dict(os.environ, PYTHONPATH=REPO))
    assert proc.returncode == 143, proc.stderr
    assert "terminated by SIGTERM" in proc.stderr
    assert os.listdir(tmp_path) == []


def test_train_supervised_from_gsd_and_unsupervised(workdir, tmp_path):
    assert main(["train", "supervised", "--gsd", str(workdir / "lab.gsd"), "--labels", "phase",
                 "--descriptor", "bop", "--l", "4", "6", "--out", str(tmp_path / "m"),
                 "--max-epochs", "40", "-q"]) == 0
    model = load_model(tmp_path / "m")
    z = np.load(workdir / "f.npz")
    assert (model.predict(z["X"]) == z["y"]).mean() > 0.95  # crystal vs fluid separate
    assert model.dimensions_ == 3
    assert main(["train", "unsupervised", "--features", str(workdir / "f.npz"), "--out",
                 str(tmp_path / "u"), "--max-epochs", "5", "-q"]) == 0
    u = load_model(tmp_path / "u")
    assert u.predict(z["X"]).shape == (len(z["X"]),)
