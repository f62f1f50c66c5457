"""hoomd_colloidml.System: validation and GSD round trips."""

import freud
import gsd.hoomd
import numpy as np
import pytest

from hoomd_colloidml import System


def test_gsd_round_trip(tmp_path):
    rng = np.random.default_rng(1)
    box = freud.box.Box(3.0, 4.0, 5.0)
    pos = box.wrap(rng.uniform(-2, 2, size=(10, 3)))
    s = System(box, pos, rng.integers(0, 2, 10), ["A", "B"], rng.uniform(0.5, 1, 10))
    path = tmp_path / "t.gsd"
    with gsd.hoomd.open(path, "w") as f:
        f.append(s.to_gsd_frame(step=7))
    with gsd.hoomd.open(path, "r") as f:
        frame = f[0]
        back = System.from_gsd_frame(frame)
    assert frame.configuration.step == 7
    np.testing.assert_allclose(back.positions, pos, atol=1e-6)  # float32 in GSD
    np.testing.assert_array_equal(back.typeid, s.typeid)
    assert back.types == ["A", "B"] and back.box == box
    # the same object is accepted by freud
    nq = freud.locality.AABBQuery(back.box, back.positions)
    assert nq.points.shape == (10, 3)


def test_packing_fraction_analytic():
    # one sphere of diameter 1 in a cube of side 2: pi/6 / 8
    s = System(freud.box.Box.cube(2.0), np.zeros((1, 3)))
    assert s.packing_fraction == pytest.approx(np.pi / 48)
    d = System(freud.box.Box.square(2.0), np.zeros((1, 3)))
    assert d.packing_fraction == pytest.approx(np.pi / 16)


def test_bad_system():
    box = freud.box.Box.cube(2.0)
    with pytest.raises(ValueError, match="unknown"):
        System(box, np.zeros((2, 3)), [0, 1], ["A"])
    with pytest.raises(ValueError, match="distinct"):
        System(box, np.zeros((2, 3)), [0, 1], ["A", "A"])
    with pytest.raises(ValueError, match="diameters"):
        System(box, np.zeros((2, 3)), diameters=[1.0])
    with pytest.raises(ValueError, match="outside the box"):
        System(box, np.full((2, 3), 1.5))
