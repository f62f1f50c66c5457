"""InverseDesign (CMA-ES, Ch. 7.3.3) on analytic test functions, resumable history, plot."""

import json

import matplotlib
import numpy as np
import pytest

from hoomd_colloidml.models import InverseDesign


def rosenbrock(x):
    return float((1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2)


def test_rosenbrock_2d():
    # thesis population sizes n = 10, k = 5; minimum at (1, 1) with f = 0
    opt = InverseDesign(rosenbrock, x0=[-1.0, 1.5], sigma0=0.5, seed=3)
    assert (opt.popsize, opt.n_parents) == (10, 5)
    opt.run(150, progress=False)
    assert np.linalg.norm(opt.best_x - 1.0) < 1e-3
    assert np.linalg.norm(opt.mean - 1.0) < 1e-3


def test_noisy_quadratic_maximise():
    # maximise f = -|x - x*|² + noise (sd 0.01); the mean must reach x* within 0.05 in 40 gens
    noise = np.random.default_rng(0)
    target = np.array([0.3, -0.7, 1.2])

    def f(x):
        return -float(np.sum((x - target) ** 2)) + 0.01 * noise.normal()

    opt = InverseDesign(f, x0=[0.0, 0.0, 0.0], sigma0=0.5, maximize=True, seed=1,
                        bounds=([-2, -2, -2], [2, 2, 2]))
    assert (opt.popsize, opt.n_parents) == (20, 8)
    opt.run(40, progress=False)
    assert np.linalg.norm(opt.mean - target) < 0.05


def test_history_resume_is_exact(tmp_path):
    path = tmp_path / "hist.json"
    full = InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=0.3, seed=5).run(12, progress=False)
    part = InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=0.3, seed=5, history_path=path)
    part.run(5, progress=False)
    doc = json.loads(path.read_text())
    assert len(doc["history"]) == 5
    g = doc["history"][0]
    assert np.asarray(g["covariance"]).shape == (2, 2) and len(g["fitness"]) == 10
    calls = []

    def counted(x):
        calls.append(1)
        return rosenbrock(x)

    resumed = InverseDesign(counted, x0=[0.0, 0.0], sigma0=0.3, seed=5, history_path=path)
    resumed.run(12, progress=False)
    assert len(calls) == 7 * 10  # the first 5 generations were replayed, not re-evaluated
    for a, b in zip(resumed.history, full.history):
        np.testing.assert_array_equal(a["candidates"], b["candidates"])
        np.testing.assert_array_equal(a["mean"], b["mean"])
    other = InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=0.3, seed=6, history_path=path)
    with pytest.raises(ValueError, match="configuration"):
        other.run(6, progress=False)
    path.write_text(path.read_text()[:-20])
    with pytest.raises(ValueError, match="Cannot read"):
        InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=0.3, seed=5).resume(path)


def test_plot_and_errors():
    matplotlib.use("Agg")
    opt = InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=0.3, seed=0)
    with pytest.raises(ValueError, match="run"):
        opt.plot()
    ax = opt.run(5, progress=False).plot()
    assert len(ax.patches) == 5
    with pytest.raises(ValueError, match="sigma0"):
        InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=-1)
    with pytest.raises(ValueError, match="x0"):
        InverseDesign(rosenbrock, x0=[0.0], sigma0=1)
    with pytest.raises(ValueError, match="bounds"):
        InverseDesign(rosenbrock, x0=[0.0, 0.0], sigma0=1, bounds=([1, 1], [2, 2]))
    with pytest.raises(TypeError, match="callable"):
        InverseDesign(None, x0=[0.0, 0.0], sigma0=1)
    bad = InverseDesign(lambda x: float("nan"), x0=[0.0, 0.0], sigma0=1)
    with pytest.raises(ValueError, match="non-finite"):
        bad.run(1, progress=False)
