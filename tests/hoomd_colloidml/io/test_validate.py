"""Header/index validation of GSD files before gsd opens them."""

from __future__ import annotations

import struct

import gsd.fl
import numpy as np
import pytest

from hoomd_colloidml.io import GSDFormatError, iter_frames, open_trajectory, validate_gsd
from tests.hoomd_colloidml.io.gsd_factory import write_trajectory


def _patch(path, offset, fmt, value):
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(struct.pack(fmt, value))


def _header(path):
    with open(path, "rb") as fh:
        return struct.unpack("<QQQQQII", fh.read(48))


def test_valid_file_matches_gsd(traj):
    info = validate_gsd(traj)
    with gsd.fl.open(traj, "r") as f:
        assert info.n_frames == f.nframes
        assert info.schema == f.schema and info.schema_version == f.schema_version
        assert info.application == f.application
        assert (info.gsd_version[0], info.gsd_version[1]) == tuple(f.gsd_version)
        for frame in range(f.nframes):
            for name in f.find_matching_chunk_names(""):
                present = f.chunk_exists(frame=frame, name=name)
                assert present == (name in info.chunk_names(frame))
    with open(traj, "rb") as fh, gsd.fl.open(traj, "r") as f:
        ent = info.find(1, "particles/position")
        np.testing.assert_array_equal(
            info.read_raw(fh, ent), f.read_chunk(frame=1, name="particles/position")
        )


def test_empty_file(tmp_path):
    p = tmp_path / "empty.gsd"
    p.write_bytes(b"")
    with pytest.raises(GSDFormatError, match="empty"):
        validate_gsd(p)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such GSD file"):
        validate_gsd(tmp_path / "nope.gsd")


@pytest.mark.parametrize("keep", [10, 255, 300, 2000])
def test_truncated_file(traj, tmp_path, keep):
    data = open(traj, "rb").read()
    p = tmp_path / "cut.gsd"
    p.write_bytes(data[:keep])
    with pytest.raises(GSDFormatError, match="truncated|not lie inside|past the end"):
        validate_gsd(p)


def test_truncated_tail_is_refused(traj, tmp_path):
    data = open(traj, "rb").read()
    p = tmp_path / "cut.gsd"
    p.write_bytes(data[:-100])
    with pytest.raises(GSDFormatError):
        validate_gsd(p)


def test_not_a_gsd_file(tmp_path):
    p = tmp_path / "text.gsd"
    p.write_bytes(b"hello world" * 100)
    with pytest.raises(GSDFormatError, match="magic"):
        validate_gsd(p)


def test_index_location_overflow(traj):
    # index_location + 32 * entries wraps around 2**64 in gsd's own C check.
    _patch(traj, 8, "<Q", 2**64 - 64)
    with pytest.raises(GSDFormatError, match="index"):
        validate_gsd(traj)


def test_huge_index_allocation(traj):
    _patch(traj, 16, "<Q", 2**58)
    with pytest.raises(GSDFormatError, match="index"):
        validate_gsd(traj)


def test_zero_namelist(traj):
    _patch(traj, 32, "<Q", 0)
    with pytest.raises(GSDFormatError, match="name list has 0"):
        validate_gsd(traj)


def test_bad_version(traj):
    _patch(traj, 44, "<I", 7 << 16)
    with pytest.raises(GSDFormatError, match="version 7.0"):
        validate_gsd(traj)


def _entry_offset(path, k):
    index_location = _header(path)[1]
    return index_location + 32 * k


@pytest.mark.parametrize(
    ("field_offset", "fmt", "value", "match"),
    [
        (8, "<Q", 2**62, "larger than the file"),  # N
        (24, "<I", 2**31, "larger than the file|past the end"),  # M
        (16, "<q", -5, "header or negative"),  # location
        (16, "<q", 2**40, "past the end"),
        (30, "<B", 12, "data type"),
        (28, "<H", 999, "name id"),
        (0, "<Q", 2**40, "frame"),
    ],
)
def test_corrupt_index_entry(traj, field_offset, fmt, value, match):
    _patch(traj, _entry_offset(traj, 1) + field_offset, fmt, value)
    with pytest.raises(GSDFormatError, match=match):
        validate_gsd(traj)


def test_particle_count_mismatch(tmp_path):
    import gsd.hoomd

    p = str(tmp_path / "t.gsd")
    with gsd.hoomd.open(p, "w") as f:
        fr = gsd.hoomd.Frame()
        fr.particles.N = 3
        fr.particles.position = np.ones((3, 3))
        f.append(fr)
    info = validate_gsd(p)
    ent = info.find(0, "particles/N")
    _patch(p, int(ent["location"]), "<I", 2**32 - 1)  # gsd.hoomd would allocate ~50 GiB
    with pytest.raises(GSDFormatError, match="particles/N"):
        validate_gsd(p)
    _patch(p, int(ent["location"]), "<I", 5)
    with pytest.raises(GSDFormatError, match="3 rows but particles/N = 5"):
        validate_gsd(p)


def test_iter_frames_and_subset(traj):
    import gsd.hoomd

    with gsd.hoomd.open(traj) as f:
        ref = [np.asarray(fr.particles.position, dtype=np.float64) for fr in f]
    got = list(iter_frames(traj, "1::2"))
    assert [i for i, _ in got] == [1, 3]
    for i, s in got:
        np.testing.assert_allclose(s.box.wrap(ref[i]), s.positions, atol=1e-12)
        assert s.types == ["A", "B"]


def test_open_trajectory_2d(tmp_path):
    p = write_trajectory(str(tmp_path / "t2.gsd"), n=16, dims=2)
    with open_trajectory(p) as (traj, info):
        assert len(traj) == info.n_frames == 4
    assert all(s.dimensions == 2 for _, s in iter_frames(p))
