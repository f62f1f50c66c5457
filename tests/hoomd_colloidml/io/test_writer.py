"""Labelled copies of GSD files: original chunks byte-identical, atomic output."""

from __future__ import annotations

import os

import freud
import gsd.fl
import gsd.hoomd
import numpy as np
import pytest

from hoomd_colloidml.io import GSDFormatError, validate_gsd, write_with_logs


def _compute(i, system):
    return (
        {"x": system.positions[:, 0].copy(), "pair": np.column_stack([system.typeid] * 2)},
        {"n": np.array([system.N, i])},
    )


def _assert_chunks_identical(src, dst, sel):
    """Every chunk of each selected source frame is in the output with equal bytes (gsd.fl)."""
    with gsd.fl.open(src, "r") as fs, gsd.fl.open(dst, "r") as fd:
        assert fd.nframes == len(sel)
        names = fs.find_matching_chunk_names("")
        n_checked = 0
        for j, i in enumerate(sel):
            for name in names:
                if not fs.chunk_exists(frame=i, name=name):
                    continue
                a = fs.read_chunk(frame=i, name=name)
                b = fd.read_chunk(frame=j, name=name)
                assert a.dtype == b.dtype and a.shape == b.shape, name
                assert a.tobytes() == b.tobytes(), name
                n_checked += 1
        assert fd.schema == fs.schema and fd.schema_version == fs.schema_version
    # and the raw stored bytes, through the independent Python index reader
    ia, ib = validate_gsd(src), validate_gsd(dst)
    with open(src, "rb") as fa, open(dst, "rb") as fb:
        for j, i in enumerate(sel):
            for ent in ia.frame_entries(i):
                name = ia.names[ent["id"]]
                other = ib.find(j, name)
                assert other is not None, name
                assert ia.read_raw(fa, ent).tobytes() == ib.read_raw(fb, other).tobytes()
    return n_checked


def test_all_frames_byte_identical(traj, tmp_path):
    out = str(tmp_path / "out.gsd")
    before = open(traj, "rb").read()
    write_with_logs(traj, out, _compute)
    assert open(traj, "rb").read() == before  # input untouched
    assert _assert_chunks_identical(traj, out, [0, 1, 2, 3]) > 10
    with gsd.hoomd.open(out) as f, gsd.hoomd.open(traj) as g:
        for k, (a, b) in enumerate(zip(f, g)):
            box = freud.box.Box.from_box(a.configuration.box)
            x = box.wrap(np.asarray(b.particles.position, dtype=np.float64))[:, 0]
            np.testing.assert_allclose(a.log["particles/colloidml/x"], x, atol=1e-6)
            assert a.log["particles/colloidml/pair"].shape == (a.particles.N, 2)
            assert a.log["colloidml/n"].tolist() == [a.particles.N, k]
            assert a.log["value/energy"].tolist() == b.log["value/energy"].tolist()


def test_subset_keeps_gsd_semantics(traj, tmp_path):
    out = str(tmp_path / "sub.gsd")
    write_with_logs(traj, out, _compute, frames="1:4:2")
    _assert_chunks_identical(traj, out, [1, 3])
    with gsd.hoomd.open(out) as f, gsd.hoomd.open(traj) as g:
        for a, i in zip(f, [1, 3]):
            b = g[i]
            assert a.particles.types == b.particles.types
            np.testing.assert_array_equal(a.particles.typeid, b.particles.typeid)
            np.testing.assert_array_equal(a.particles.diameter, b.particles.diameter)
            np.testing.assert_array_equal(a.particles.position, b.particles.position)
            np.testing.assert_array_equal(a.configuration.box, b.configuration.box)
            assert a.configuration.step == b.configuration.step


def test_result_rows_validated(traj, tmp_path):
    out = tmp_path / "bad.gsd"
    with pytest.raises(ValueError, match="one per particle"):
        write_with_logs(traj, out, lambda i, s: ({"x": np.zeros(3)}, {}))
    assert not out.exists()
    assert os.listdir(tmp_path) == ["traj.gsd"]


def test_interrupt_leaves_no_output(traj, tmp_path):
    out = tmp_path / "out.gsd"

    def boom(i, s):
        if i == 2:
            raise KeyboardInterrupt
        return _compute(i, s)

    with pytest.raises(KeyboardInterrupt):
        write_with_logs(traj, out, boom)
    assert sorted(os.listdir(tmp_path)) == ["traj.gsd"]


def test_refuses_existing_and_same_file(traj, tmp_path):
    out = tmp_path / "out.gsd"
    out.write_bytes(b"keep")
    with pytest.raises(FileExistsError, match="exists"):
        write_with_logs(traj, out, _compute)
    assert out.read_bytes() == b"keep"
    write_with_logs(traj, out, _compute, overwrite=True)
    assert validate_gsd(out).n_frames == 4
    with pytest.raises(ValueError, match="is the input file"):
        write_with_logs(traj, traj, _compute, overwrite=True)


def test_corrupt_input_refused(traj, tmp_path):
    data = open(traj, "rb").read()
    bad = tmp_path / "bad.gsd"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(GSDFormatError):
        write_with_logs(bad, tmp_path / "o.gsd", _compute)
    assert not (tmp_path / "o.gsd").exists()
