"""Validation of systems before freud sees them (freud_ext.util)."""

import freud
import gsd.hoomd
import numpy as np
import pytest

from freud_ext.util import Compute, computed_property, normalize_system, normalize_typeid


def _cube(n=8, L=4.0, seed=0):
    rng = np.random.default_rng(seed)
    box = freud.box.Box.cube(L)
    return box, rng.uniform(-L / 2, L / 2, size=(n, 3))


def test_accepts_tuple_neighborquery_and_gsd_frame():
    box, pts = _cube()
    a = normalize_system((box, pts))
    b = normalize_system(freud.locality.AABBQuery(box, pts))
    frame = gsd.hoomd.Frame()
    frame.configuration.box = [box.Lx, box.Ly, box.Lz, 0, 0, 0]
    frame.particles.N = len(pts)
    frame.particles.position = pts
    frame.particles.typeid = np.zeros(len(pts), dtype=np.uint32)
    frame.particles.types = ["A"]
    c = normalize_system(frame)
    # freud stores points as float32: compare at that precision.
    np.testing.assert_allclose(a.points, b.points, atol=1e-6)
    np.testing.assert_allclose(a.points, c.points)
    assert c.typeid is not None and c.types == ("A",)
    assert a.N == 8 and a.dimensions == 3


def test_2d_points_padded():
    box = freud.box.Box.square(3.0)
    data = normalize_system((box, np.zeros((2, 2))))
    assert data.points.shape == (2, 3) and data.dimensions == 2


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda p: p.__setitem__((1, 0), np.nan), "NaN or infinite"),
        (lambda p: p.__setitem__((2, 1), np.inf), "NaN or infinite"),
        (lambda p: p.__setitem__((3, 2), 2.5), "outside the box"),
    ],
)
def test_bad_points(mutate, match):
    box, pts = _cube()
    mutate(pts)
    with pytest.raises(ValueError, match=match):
        normalize_system((box, pts))


def test_z_in_2d_box():
    box = freud.box.Box.square(3.0)
    pts = np.zeros((2, 3))
    pts[1, 2] = 0.1
    with pytest.raises(ValueError, match="z != 0 in a 2D box"):
        normalize_system((box, pts))


def test_empty_and_shapes():
    box = freud.box.Box.cube(3.0)
    with pytest.raises(ValueError, match="empty"):
        normalize_system((box, np.zeros((0, 3))))
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        normalize_system((box, np.zeros((4,))))
    with pytest.raises(TypeError, match="as a system"):
        normalize_system(object())
    with pytest.raises(TypeError, match="numeric"):
        normalize_system((box, [["a", "b", "c"]]))
    with pytest.raises(ValueError, match="Expected a 2D system"):
        normalize_system((box, np.zeros((1, 3))), dimensions=2)


def test_typeid_validation():
    assert normalize_typeid([0, 1, 1], 3, ("A", "B")).dtype == np.int32
    with pytest.raises(ValueError, match="one entry per particle"):
        normalize_typeid([0, 1], 3)
    with pytest.raises(ValueError, match="unknown"):
        normalize_typeid([0, 2, 1], 3, ("A", "B"))
    with pytest.raises(ValueError, match=">= 0"):
        normalize_typeid([0, -1, 1], 3)
    with pytest.raises(TypeError, match="integers"):
        normalize_typeid([0.5, 1, 1], 3)


def test_computed_property_before_compute():
    class Thing(Compute):
        def compute(self):
            self._computed = True
            return self

        @computed_property
        def value(self):
            return 1

    t = Thing()
    with pytest.raises(AttributeError, match="Call compute first"):
        _ = t.value
    assert t.compute().value == 1
