"""Frame selections and the HOOMD-free classification core: validation and results."""

from __future__ import annotations

import numpy as np
import pytest

from freud_ext.order import BondOrderDescriptor
from hoomd_colloidml.io import (
    ModelMismatchError,
    OnTheFlyClassifier,
    describe_trajectory,
    iter_frames,
    parse_frames,
)
from hoomd_colloidml.lattice import crystal


def test_parse_frames():
    assert parse_frames(None, 3) == [0, 1, 2]
    assert parse_frames("::2", 5) == [0, 2, 4]
    assert parse_frames("-2:", 5) == [3, 4]
    assert parse_frames("4,0", 5) == [4, 0]
    assert parse_frames([1, -1], 5) == [1, 4]
    assert parse_frames("0:100:10", 100) == list(range(0, 100, 10))


@pytest.mark.parametrize(
    ("spec", "match"),
    [("0:10", "stop = 10 is out of range"), ("7", "Frame 7 is out of range"),
     ("5:", "start = 5 is out of range"), ("0:4:0", "step must not be 0"),
     ("a:b", "Invalid frame range"), ("x", "Invalid frame index"), ("3:1", "selects no")],
)
def test_parse_frames_errors(spec, match):
    with pytest.raises(ValueError, match=match):
        parse_frames(spec, 4)


class _Model:
    def __init__(self, names=("q4", "q6"), dims=None, n_features=None, classes=(0, 1)):
        self.descriptor_config = BondOrderDescriptor(l=[4, 6]).get_config()
        self.feature_names_ = list(names)
        self.classes_ = np.array(classes)
        if dims is not None:
            self.dimensions_ = dims
        if n_features is not None:
            self.n_features_in_ = n_features

    @property
    def descriptor(self):
        return BondOrderDescriptor(l=[4, 6])

    def predict(self, X):
        return (X[:, 1] > 0.4).astype(int)


def test_core_results_equal_direct_application():
    s = crystal("fcc", 3, 0.55)
    clf = OnTheFlyClassifier(_Model()).compute(s)
    X, _ = BondOrderDescriptor(l=[4, 6]).describe(s)
    np.testing.assert_array_equal(clf.labels, (X[:, 1] > 0.4).astype(int))
    assert clf.probabilities is None and clf.largest_cluster == -1
    part, frame = clf.results()
    assert set(part) == {"labels"} and set(frame) == {"fractions"}


def test_core_validation():
    s3 = crystal("fcc", 3, 0.55)
    s2 = crystal("hex2d", (10, 6), 0.7)
    with pytest.raises(TypeError, match="predict"):
        OnTheFlyClassifier(object())
    with pytest.raises(ValueError, match="not one of the model's classes"):
        OnTheFlyClassifier(_Model(), cluster_class="fcc")
    with pytest.raises(TypeError, match="cluster_neighbors"):
        OnTheFlyClassifier(_Model(), cluster_neighbors=1.4)
    with pytest.raises(ModelMismatchError, match="trained on 3D systems; got a 2D"):
        OnTheFlyClassifier(_Model(dims=3)).compute(s2)
    with pytest.raises(ModelMismatchError, match="another descriptor"):
        OnTheFlyClassifier(_Model(names=("G2(a)", "G2(b)"))).compute(s3)
    with pytest.raises(ModelMismatchError, match="expects 5"):
        OnTheFlyClassifier(_Model(n_features=5)).compute(s3)
    with pytest.raises(ValueError, match="not in classes_"):
        OnTheFlyClassifier(_Model(classes=(7, 8))).compute(s3)


def test_describe_trajectory(tmp_path):
    from tests.hoomd_colloidml.io.gsd_factory import write_trajectory

    p = write_trajectory(str(tmp_path / "t.gsd"), n_frames=3, n=27)
    d = BondOrderDescriptor(l=[6], neighbors={"method": "ball", "r_max": 1.5})
    res = describe_trajectory(p, d, "1:")
    assert res["X"].shape == (54, 1) and res["frame"].tolist() == [1] * 27 + [2] * 27
    for i, s in iter_frames(p, "1:"):
        X, _ = d.describe(s, s.typeid)
        np.testing.assert_array_equal(res["X"][res["frame"] == i], X)
    assert int(res["dimensions"]) == 3 and list(res["feature_names"]) == ["q6"]
