"""DiffractionCNN (Fig. 7.4) on diffraction images of rattled 2D hexagonal, square and fluid
configurations with random rotations (images from freud_ext.diffraction.DiffractionImage)."""

import functools

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from freud_ext.diffraction import DiffractionImage
from hoomd_colloidml import lattice
from hoomd_colloidml.models import DiffractionCNN, load
from hoomd_colloidml.models.cnn import build_cnn

PHASES = ("hex", "square", "fluid")


@functools.cache
def _fluid2d(seed):
    return lattice.fluid(200, 0.55, dimensions=2, seed=seed)


def _images(n_per_class, seed):
    rng = np.random.default_rng(seed)
    dif = DiffractionImage(n_max=32, pool=4, rotate="random", seed=seed)
    X, y = [], []
    for p in PHASES:
        for _ in range(n_per_class):
            if p == "fluid":
                s = _fluid2d(seed)  # one fluid per set; rotations give different cut-outs
            else:
                name, cells = {"hex": ("hex2d", (14, 8)), "square": ("square2d", (14, 14))}[p]
                s = lattice.crystal(name, cells, 0.6)
                s = lattice.rattle(s, sigma=0.06, seed=int(rng.integers(2**31)))
            X.append(dif.compute(s).image)
            y.append(p)
    return np.asarray(X), np.asarray(y)


@pytest.fixture(scope="module")
def data():
    return _images(24, 0), _images(8, 1)


def test_architecture():
    net = build_cnn(2, (32, 32), 6)
    convs = [m for m in net.modules() if m.__class__.__name__ == "Conv2d"]
    assert [(c.in_channels, c.out_channels, c.kernel_size, c.padding) for c in convs] == [
        (1, 9, (4, 4), (1, 1)), (9, 4, (3, 3), (1, 1))]
    fcs = [m for m in net.modules() if m.__class__.__name__ == "Linear"]
    # 32 -> conv4/pad1 31 -> pool 15 -> conv3/pad1 15 -> pool 7: 4 * 7 * 7 inputs to FC 20
    assert [(f.in_features, f.out_features) for f in fcs] == [(4 * 7 * 7, 20), (20, 6)]
    net3 = build_cnn(3, (16, 16, 16), 5)
    assert [m.kernel_size for m in net3.modules() if m.__class__.__name__ == "Conv3d"] == [
        (4, 4, 4), (3, 3, 3)]


def test_heldout_accuracy_and_save_load(data, tmp_path):
    (Xtr, ytr), (Xte, yte) = data
    assert Xtr.shape[1:] == (16, 16)
    # learning rate 1e-3 (thesis 1e-4) keeps the test short
    cnn = DiffractionCNN(learning_rate=1e-3, max_epochs=300, patience=20, random_state=0)
    cnn.fit(Xtr, ytr)
    assert np.mean(cnn.predict(Xte) == yte) == 1.0
    cnn2 = load(cnn.save(tmp_path / "cnn"))
    np.testing.assert_array_equal(cnn2.predict_proba(Xte), cnn.predict_proba(Xte))


def test_bad_input(data):
    (Xtr, ytr), _ = data
    with pytest.raises(NotFittedError):
        DiffractionCNN().predict(Xtr)
    with pytest.raises(ValueError, match="expects images of shape"):
        DiffractionCNN(max_epochs=1).fit(Xtr[:, 0], ytr)
    with pytest.raises(ValueError, match="at least 2 classes"):
        DiffractionCNN(max_epochs=1).fit(Xtr, np.zeros(len(Xtr)))
    Xn = Xtr.copy()
    Xn[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        DiffractionCNN(max_epochs=1).fit(Xn, ytr)
    with pytest.raises(ValueError, match="'dim' parameter"):
        DiffractionCNN(dim=4).fit(Xtr, ytr)
    cnn = DiffractionCNN(max_epochs=1, random_state=0).fit(Xtr, ytr)
    with pytest.raises(ValueError, match="fitted on images of shape"):
        cnn.predict(Xtr[:, :8, :8])


def test_3d_variant(rng):
    X = rng.random((12, 8, 8, 8))
    X[6:, 4, 4, 4] += 30.0
    y = np.r_[[0] * 6, [1] * 6]
    cnn = DiffractionCNN(dim=3, learning_rate=1e-2, max_epochs=60, validation_fraction=0,
                         random_state=0).fit(X, y)
    assert cnn.predict_proba(X).shape == (12, 2)
    assert cnn.score(X, y) == 1.0
