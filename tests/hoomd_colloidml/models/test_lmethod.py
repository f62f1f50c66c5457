"""L-method (Salvador & Chan) on synthetic two-line curves with a known elbow."""

import numpy as np
import pytest

from hoomd_colloidml.models import l_method


@pytest.mark.parametrize("knee", [2, 3, 5, 8, 11, 13])
def test_known_elbow_two_lines(knee, rng):
    x = np.arange(1, 15, dtype=float)
    # steep line up to the knee, shallow line after it, meeting at the knee
    y = np.minimum(5.0 * x, 5.0 * knee + 0.3 * (x - knee))
    assert l_method(x, y) == knee
    # decreasing curves, other slopes and small noise do not move it
    assert l_method(x, -y + 0.01 * rng.normal(size=len(x))) == knee
    y2 = np.where(x <= knee, 1.0 - 0.2 * x, 1.0 - 0.2 * knee - 0.01 * (x - knee))
    assert l_method(x, y2 + 1e-4 * rng.normal(size=len(x))) == knee


def test_order_and_errors():
    x = np.array([4, 1, 3, 2, 6, 5], dtype=float)
    y = np.minimum(x, 2 + 0.1 * (x - 2))
    elbow, errors = l_method(x, y, return_errors=True)
    assert elbow == 2 and errors.shape == (4,) and errors.min() == pytest.approx(0, abs=1e-12)
    with pytest.raises(ValueError, match="at least 4 points"):
        l_method([1, 2, 3], [1, 2, 3])
    with pytest.raises(ValueError, match="finite"):
        l_method([1, 2, 3, 4], [1, np.nan, 3, 4])
    with pytest.raises(ValueError, match="distinct"):
        l_method([1, 1, 3, 4], [1, 2, 3, 4])
