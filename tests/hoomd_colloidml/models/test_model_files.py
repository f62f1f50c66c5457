"""Safe model files: JSON + safetensors with SHA-256, no pickle, descriptor rebuilt on load."""

import json
import pickle

import numpy as np
import pytest

from freud_ext import describe
from hoomd_colloidml.models import ForwardSelector, ModelFileError, PhaseClassifier, load


class FakeDescriber:
    """A minimal describer for the registry (features: distance from the origin)."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def get_config(self):
        return {"kind": "test_fake", "scale": self.scale}

    @classmethod
    def from_config(cls, cfg):
        return cls(cfg["scale"])

    def describe(self, system, typeid=None):
        pts = np.asarray(system[1], dtype=np.float64)
        return self.scale * np.linalg.norm(pts, axis=1)[:, None], ["r"]


@pytest.fixture
def saved(rng, tmp_path):
    X = np.r_[rng.normal(0, 1, (60, 3)), rng.normal(3, 1, (60, 3))]
    y = np.r_[["a"] * 60, ["b"] * 60]
    clf = PhaseClassifier(max_epochs=20, random_state=0, feature_names=["x", "y", "z"],
                          descriptor_config={"kind": "test_fake", "scale": 2.5}).fit(X, y)
    return clf, X, clf.save(tmp_path / "model")


def test_layout_and_contents(saved):
    clf, X, d = saved
    assert sorted(p.name for p in d.iterdir()) == ["model.json", "weights.safetensors"]
    doc = json.loads((d / "model.json").read_text())
    assert doc["class"] == "PhaseClassifier"
    assert doc["package_version"]
    assert doc["params"]["max_epochs"] == 20
    assert doc["params"]["hidden"] == {"__tuple__": []}
    assert doc["descriptor_config"] == {"kind": "test_fake", "scale": 2.5}
    assert doc["feature_names"] == ["x", "y", "z"]
    assert doc["state"]["classes"]["values"] == ["a", "b"]
    np.testing.assert_allclose(doc["state"]["scaling"]["mean"], X.mean(0))
    assert len(doc["weights"]["weights.safetensors"]) == 64
    # overwrite in place (atomic replace of an existing model directory)
    clf.save(d)
    assert load(d).predict(X).tolist() == clf.predict(X).tolist()


def test_descriptor_rebuilt(saved, monkeypatch):
    clf, _, d = saved
    monkeypatch.setitem(describe.KINDS, "test_fake", f"{__name__}:FakeDescriber")
    desc = load(d).descriptor
    assert isinstance(desc, FakeDescriber) and desc.scale == 2.5
    feats, names = desc.describe((None, np.array([[3.0, 4.0, 0.0]])))
    assert feats[0, 0] == pytest.approx(12.5) and names == ["r"]
    with pytest.raises(ValueError, match="no descriptor_config"):
        _ = ForwardSelector().descriptor


def test_tampered_json(saved):
    _, _, d = saved
    doc = json.loads((d / "model.json").read_text())
    doc["state"]["scaling"]["mean"][0] += 1.0
    (d / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ModelFileError, match="model.json .* modified or corrupted"):
        load(d)


def test_truncated_json(saved):
    _, _, d = saved
    text = (d / "model.json").read_text()
    (d / "model.json").write_text(text[: len(text) // 2])
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load(d)


@pytest.mark.parametrize("how", ["flip", "truncate"])
def test_tampered_weights(saved, how):
    _, _, d = saved
    w = d / "weights.safetensors"
    raw = bytearray(w.read_bytes())
    if how == "flip":
        raw[-3] ^= 0xFF
    else:
        raw = raw[: len(raw) - 10]
    w.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="weights.safetensors .* modified or truncated"):
        load(d)


@pytest.mark.parametrize("name", ["extra.pkl", "model.pt", "state.joblib", "x.pickle"])
def test_pickle_files_refused(saved, name):
    _, _, d = saved
    sentinel = d.parent / "unpickled"

    class Boom:
        def __reduce__(self):
            return (open, (str(sentinel), "w"))

    (d / name).write_bytes(pickle.dumps(Boom()))
    with pytest.raises(ModelFileError, match="pickle-like"):
        load(d)
    assert not sentinel.exists()


def test_missing_and_unknown(saved, tmp_path):
    _, _, d = saved
    with pytest.raises(ModelFileError, match="not a model directory"):
        load(tmp_path / "nope")
    (d / "weights.safetensors").unlink()
    with pytest.raises(ModelFileError, match="missing"):
        load(d)
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.txt").write_text("x")
    with pytest.raises(FileExistsError, match="not a model directory"):
        saved[0].save(other)
