"""L-method (Salvador & Chan) on synthetic two-line curves with a known elbow."""

import numpy as np
import pytest

from hoomd_colloidml.models import l_method


@pytest.mark.parametrize("knee", [2, 3, 5, 8, 11])
def test_known_elbow_two_lines(knee, rng):
    x = np.arange(1, 15, dtype=float)
    # steep line up to the knee (inclusive), a different shallow line after it
    y = np.where(x <= knee, 5.0 * x, 5.0 * knee + 2.0 + 0.3 * (x - knee))
    assert l_method(x, y) == knee
    # decreasing curves and small noise do not move it
    assert l_method(x, -y + 0.01 * rng.normal(size=len(x))) == knee


def test_order_and_errors():
    x = np.array([4, 1, 3, 2, 6, 5], dtype=float)
    y = np.where(x <= 2, x, 3 + 0.1 * (x - 2))
    elbow, errors = l_method(x, y, return_errors=True)
    assert elbow == 2 and errors.shape == (3,) and errors.min() == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="at least 4 points"):
        l_method([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        l_method([1, 2, 3, 4], [1, np.nan, 3, 4])
    with pytest.raises(ValueError, match="distinct"):
        l_method([1, 1, 3, 4], [1, 2, 3, 4])


def test_continuous_corner_is_within_one_point():
    # for a continuous corner the corner point lies on both lines: either side is exact
    x = np.arange(1, 12, dtype=float)
    y = np.minimum(4.0 * x, 16.0 + 0.2 * (x - 4))
    assert l_method(x, y) in (3, 4)
