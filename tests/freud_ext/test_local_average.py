"""Local averages X^(n) (thesis Eq. 6.5)."""

from __future__ import annotations

import freud
import numpy as np
import pytest

from freud_ext.environment import LocalAverage


def system(dim=3, n=80, L=6.0, seed=0):
    rng = np.random.default_rng(seed)
    box = freud.box.Box.cube(L) if dim == 3 else freud.box.Box.square(L)
    pts = rng.uniform(-L / 2, L / 2, (n, 3))
    if dim == 2:
        pts[:, 2] = 0
    return box, pts


def loop_average(box, pts, x, r_cut):
    L = np.asarray(box.L, dtype=np.float64)
    d = 2 if box.is2D else 3
    out = np.zeros_like(x)
    for i in range(len(pts)):
        acc, c = np.zeros(x.shape[1]), 0.0
        for j in range(len(pts)):
            v = pts[j] - pts[i]
            v[:d] -= L[:d] * np.round(v[:d] / L[:d])
            r = np.linalg.norm(v)
            if r < r_cut:  # includes j = i with weight exp(0) = 1
                w = np.exp(-r / r_cut)
                acc += w * x[j]
                c += w
        out[i] = acc / c
    return out


def test_constant_field_stays_constant():
    box, pts = system()
    x = np.tile([1.5, -2.0, 7.0], (len(pts), 1))
    la = LocalAverage(2.3, order=3).compute((box, pts), x)
    np.testing.assert_allclose(la.features, np.tile(x, 4), rtol=1e-12)


@pytest.mark.parametrize("dim", [2, 3])
def test_first_and_second_order_match_loops(dim):
    box, pts = system(dim=dim, n=70, L=6.0 if dim == 3 else 9.0, seed=dim)
    x = np.random.default_rng(5).normal(size=(len(pts), 4))
    la = LocalAverage(2.1, order=2).compute((box, pts), x, names=list("abcd"))
    x1 = loop_average(box, pts, x, 2.1)
    x2 = loop_average(box, pts, x1, 2.1)
    np.testing.assert_allclose(la.features[:, :4], x, rtol=0, atol=0)
    np.testing.assert_allclose(la.features[:, 4:8], x1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(la.features[:, 8:], x2, rtol=1e-12, atol=1e-14)
    assert la.feature_names == [f"{s}^({n})" for n in range(3) for s in "abcd"]


def test_bad_input():
    box, pts = system()
    with pytest.raises(ValueError, match="'r_cut' parameter of LocalAverage"):
        LocalAverage(0.0)
    with pytest.raises(ValueError, match="'order' parameter"):
        LocalAverage(2.0, order=-1)
    with pytest.raises(ValueError, match="half the box"):
        LocalAverage(3.5).compute((box, pts), np.ones(len(pts)))
    with pytest.raises(ValueError, match="shape \\(N, D\\)"):
        LocalAverage(2.0).compute((box, pts), np.ones((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        LocalAverage(2.0).compute((box, pts), np.full((len(pts), 1), np.nan))
    bad = pts.copy()
    bad[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LocalAverage(2.0).compute((box, bad), np.ones(len(pts)))
    with pytest.raises(ValueError, match="'names'"):
        LocalAverage(2.0).compute((box, pts), np.ones((len(pts), 2)), names=["a"])
    with pytest.raises(AttributeError, match="not computed"):
        _ = LocalAverage(2.0).features
