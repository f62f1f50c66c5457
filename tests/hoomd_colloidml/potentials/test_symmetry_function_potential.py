"""SymmetryFunctionPotential fitted to the ElasticShell and AO many-body references."""

import freud
import numpy as np
import pytest

from freud_ext.environment import SymmetryFunctions
from hoomd_colloidml.lattice import crystal, rattle
from hoomd_colloidml.models import ForwardSelector
from hoomd_colloidml.potentials import AsakuraOosawa, ElasticShell, SymmetryFunctionPotential
from hoomd_colloidml.potentials.elastic_shell import wrap64
from hoomd_colloidml.potentials.training_data import shell_crystal


@pytest.fixture(scope="module")
def shell_fit():
    """Rattled hexagonal crystals over rho sigma^2 in [2.4, 4.6] labelled by the reference."""
    ref = ElasticShell(n_points=200, n_orientations=20)
    rng = np.random.default_rng(7)
    frames, energies = [], []
    for rho in np.arange(2.4, 4.61, 0.1):
        for amp in (0.01, 0.025, 0.04):
            s = rattle(shell_crystal("hex2d", 64, rho), amp, seed=int(rng.integers(2**31)))
            e = ref.energies(s)
            if np.isfinite(e).all():  # skip the rare hard-core overlaps of rattling
                frames.append(s)
                energies.append(e)
    pot = SymmetryFunctionPotential(scale=1.0, random_state=0).fit(
        frames,
        energies,
        SymmetryFunctions.pool_2d(1.0),
        selector=ForwardSelector(max_features=20, tol=1e-8),
    )
    return pot, frames, energies


def test_shell_fit_quality(shell_fit):
    pot, frames, _ = shell_fit
    assert len(pot.selected_) <= 20
    assert pot.r2_test_ >= 0.999
    assert pot.rmse_test_ / pot.rmse_train_ <= 1.2
    assert np.all(np.diff(pot.r2_path_) >= -1e-12)
    assert len(pot.rmse_path_test_) == len(pot.selected_)
    # the selected set is a valid SymmetryFunctions config that reproduces the fit
    sf = SymmetryFunctions.from_config(pot.sf_config_)
    g = sf.compute(frames[0]).values
    # (the potential evaluates energies with its own numba kernel: check it against freud_ext)
    for f in frames[::5]:
        g = sf.compute(f).values
        assert np.allclose(pot.reduced_energies(f), g @ pot.coef_ + pot.intercept_, rtol=1e-10)


def _fd_forces(pot, system, h=1e-5):
    box, pts = system.box, system.positions
    out = np.zeros((system.N, system.dimensions))
    for i in range(system.N):
        for a in range(system.dimensions):
            p = pts.copy()
            p[i, a] += h
            ep = pot.energy((box, wrap64(box, p)))
            p[i, a] -= 2 * h
            em = pot.energy((box, wrap64(box, p)))
            out[i, a] = -(ep - em) / (2 * h)
    return out


def test_shell_fit_forces_are_minus_gradient(shell_fit):
    pot, frames, _ = shell_fit
    pot = pot.set_params(scale=50.0)
    s = frames[len(frames) // 2]
    e, f, w = pot.forces(s)
    assert np.allclose(e, pot.energies(s))
    fd = _fd_forces(pot, s)
    assert np.max(np.abs(f - fd)) <= 1e-6 * np.max(np.abs(f))
    # virial xx from an exact affine stretch of box and positions
    es, lx = [], []
    for sgn in (1.0, -1.0):
        b = freud.box.Box(s.box.Lx * (1 + sgn * 1e-5), s.box.Ly, is2D=True)
        q = s.positions.copy()
        q[:, 0] *= b.Lx / s.box.Lx
        es.append(pot.energy((b, q)))
        lx.append(b.Lx)
    w_xx = -(es[0] - es[1]) / ((lx[0] - lx[1]) / s.box.Lx)
    assert w[0] == pytest.approx(w_xx, rel=1e-4)
    pot.set_params(scale=1.0)


def test_shell_fit_local_energy_exact(shell_fit):
    pot, frames, _ = shell_fit
    s = frames[3]
    p = s.positions.copy()
    p[7, :2] += [0.06, -0.04]
    p = wrap64(s.box, p)
    d_local = pot.local_energy((s.box, p), [7]) - pot.local_energy(s, [7])
    d_full = pot.energy((s.box, p)) - pot.energy(s)
    assert d_local == pytest.approx(d_full, rel=1e-9, abs=1e-12)


def test_save_load_roundtrip(shell_fit, tmp_path):
    from hoomd_colloidml.models import ModelFileError, load

    pot, frames, _ = shell_fit
    d = pot.save(tmp_path / "sfpot")
    again = SymmetryFunctionPotential.load(d)
    assert np.array_equal(again.energies(frames[0]), pot.energies(frames[0]))
    assert isinstance(load(d), SymmetryFunctionPotential)
    assert not list(d.glob("*.pkl"))
    wfile = d / "weights.safetensors"
    wfile.write_bytes(wfile.read_bytes()[:-3] + b"xyz")
    with pytest.raises(ModelFileError, match="SHA-256"):
        SymmetryFunctionPotential.load(d)


def test_wrong_dimension_rejected(shell_fit):
    pot, _, _ = shell_fit
    s3 = crystal("fcc", 2, 0.3)
    with pytest.raises(ValueError, match="fitted on 2D"):
        pot.energies(s3)


def test_bad_fit_inputs(shell_fit):
    _, frames, energies = shell_fit
    pool = SymmetryFunctions.pool_2d(1.0)
    pot = SymmetryFunctionPotential()
    empty = {"kind": "sf", "r_cut": 1.0, "radial": [], "angular": [], "species": None}
    with pytest.raises(ValueError, match="empty"):
        pot.fit(frames[:3], energies[:3], empty)
    bad = [e.copy() for e in energies[:3]]
    bad[1][4] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        pot.fit(frames[:3], bad, pool)
    with pytest.raises(ValueError, match="one energy array per frame"):
        pot.fit(frames[:3], energies[:2], pool)
    with pytest.raises(ValueError, match="'test_size'"):
        SymmetryFunctionPotential(test_size=1.5).fit(frames[:3], energies[:3], pool)
    with pytest.raises(TypeError, match="'pool'"):
        pot.fit(frames[:3], energies[:3], [])


@pytest.fixture(scope="module")
def ao_fit():
    """AO q = 0.4: many-body volume u_mb / z_p on rattled FCC/fluid-like configurations."""
    q = 0.4
    geom = AsakuraOosawa(q, 1.0, n_theta=32, n_phi=64)
    rng = np.random.default_rng(3)
    frames, targets = [], []
    pair = AsakuraOosawa(q, 0.1, include_many_body=False)
    for eta in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45):
        for amp in (0.03, 0.06, 0.1):
            s = rattle(crystal("fcc", 3, eta), amp, seed=int(rng.integers(2**31)))
            if not np.isfinite(pair.pair_energies(s)).all():
                continue  # hard-core overlap from rattling
            e = geom.many_body_energies(s) / geom.z_p
            frames.append(s)
            targets.append(e)
    pool = SymmetryFunctions.pool_3d(1.0 + q)
    pot = SymmetryFunctionPotential(
        pair_term={"kind": "asakura_oosawa", "q": q, "eta_r": 0.3}, random_state=0
    ).fit(frames, targets, pool, selector=ForwardSelector(max_features=20, tol=1e-8))
    return pot, frames, targets, geom


def test_ao_many_body_fit(ao_fit):
    pot, frames, _, geom = ao_fit
    assert len(pot.selected_) <= 20
    assert pot.r2_test_ >= 0.999
    assert pot.rmse_test_ / pot.rmse_train_ <= 1.2
    sf = SymmetryFunctions.from_config(pot.sf_config_)
    for f in frames[::4]:
        g = sf.compute(f).values
        assert np.allclose(pot.reduced_energies(f), g @ pot.coef_ + pot.intercept_, rtol=1e-10)
    # total energy = exact pair term + z_p * fitted volume
    s = frames[0]
    ao = AsakuraOosawa(0.4, 0.3, include_many_body=False)
    assert np.allclose(pot.energies(s), ao.pair_energies(s) + ao.z_p * pot.reduced_energies(s))


def test_ao_fit_forces_are_minus_gradient(ao_fit):
    pot, frames, _, _ = ao_fit
    s = frames[2]
    e, f, w = pot.forces(s)
    fd = _fd_forces(pot, s)
    assert np.max(np.abs(f - fd)) <= 1e-6 * np.max(np.abs(f))


def _fit_all(frames, pool, seed):
    """A potential holding every function of ``pool`` with random nonzero weights."""
    rng = np.random.default_rng(seed)
    x = [pool.compute(f).values for f in frames]
    w = rng.normal(size=pool.n_features)
    y = [v @ w + 0.3 * rng.normal(size=len(v)) for v in x]  # noise: every function helps
    pot = SymmetryFunctionPotential(scale=1.0).fit(
        frames, y, pool, selector=ForwardSelector(max_features=pool.n_features, tol=0.0)
    )
    assert len(pot.sf_config_["angular"]) >= 2 and len(pot.sf_config_["radial"]) >= 2
    return pot


def _assert_fast_equals_peer(pot, system):
    sf = SymmetryFunctions.from_config(pot.sf_config_)
    ref = sf.compute(system).values @ pot.coef_ + pot.intercept_
    fast = pot.reduced_energies(system)
    assert np.max(np.abs(fast - ref)) <= 1e-12 * max(1.0, np.max(np.abs(ref)))
    # and the per-target kernel of local_energy agrees with the one-pass kernel
    data = pot._data(system)
    per_target = pot._weighted_sf(data.box, data.points, np.arange(data.N)) + pot.intercept_
    assert np.max(np.abs(fast - per_target)) <= 1e-12 * max(1.0, np.max(np.abs(ref)))
    # local_energy differences of a move of two particles equal total-energy differences
    idx = [1, data.N // 2]
    moved = data.points.copy()
    moved[idx, : data.dimensions] += [[0.05, -0.03, 0.02][: data.dimensions]] * 2
    moved = (data.box, wrap64(data.box, moved))
    d_local = pot.local_energy(moved, idx) - pot.local_energy(system, idx)
    d_full = pot.energy(moved) - pot.energy(system)
    assert d_local == pytest.approx(d_full, rel=1e-9, abs=1e-12)


def _uniform(box, n, rng):
    frac = rng.uniform(0.0, 1.0, (n, 3))
    if box.is2D:
        frac[:, 2] = 0.5
    pts = box.make_absolute(frac).astype(np.float64)
    return (box, wrap64(box, pts))


def test_fast_energy_path_equals_symmetry_functions_2d():
    rng = np.random.default_rng(11)
    pool = SymmetryFunctions(
        1.0,
        radial=[(4.0, 0.0), (16.0, 0.5), (24.0, 0.3)],
        angular=[(0.1, 1.0, 1.0), (1.0, 4.0, -1.0), (1.0, 2.5, 1.0), (4.0, 8.0, -1.0),
                 (0.1, 2.0, -1.0)],
    )
    train = [_uniform(freud.box.Box(5.0, 4.0, is2D=True), 80, rng) for _ in range(4)]
    pot = _fit_all(train, pool, seed=1)
    systems = [
        rattle(shell_crystal("hex2d", 64, 4.6), 0.03, seed=4),  # 3 x 3 cells
        rattle(shell_crystal("hex2d", 64, 2.4), 0.03, seed=5),
        _uniform(freud.box.Box(2.6, 2.2, is2D=True), 20, rng),  # < 3 cells: one cell
        _uniform(freud.box.Box(9.0, 7.0, xy=0.4, is2D=True), 300, rng),  # tilted
    ]
    for s in systems:
        _assert_fast_equals_peer(pot, s)


def test_fast_energy_path_equals_symmetry_functions_3d():
    rng = np.random.default_rng(12)
    pool = SymmetryFunctions(
        1.4,
        radial=[(8.0, 0.84), (12.0, 0.0), (8.0, 1.26)],
        angular=[(0.5, 1.0, -1.0), (1.0, 2.0, -1.0), (0.05, 8.0, -1.0), (2.0, 4.0, 1.0),
                 (0.5, 1.5, 1.0)],
    )
    train = [_uniform(freud.box.Box.cube(4.5), 60, rng) for _ in range(4)]
    pot = _fit_all(train, pool, seed=2)
    systems = [
        rattle(crystal("fcc", 4, 0.3), 0.05, seed=3),
        _uniform(freud.box.Box(7.0, 6.5, 6.0, 0.3, -0.2, 0.1), 250, rng),  # triclinic
        _uniform(freud.box.Box.cube(3.2), 30, rng),  # < 3 cells per axis
    ]
    for s in systems:
        _assert_fast_equals_peer(pot, s)


def test_fast_input_path_still_rejects_bad_positions(shell_fit):
    pot, frames, _ = shell_fit
    s = frames[0]
    ref = pot.energies(s)
    assert np.array_equal(pot.energies((s.box, s.positions.copy())), ref)
    # non-contiguous / float32 / (N, 2) inputs take the normalize_system path, same result
    assert np.allclose(pot.energies((s.box, np.asfortranarray(s.positions))), ref, atol=1e-14)
    assert np.allclose(pot.energies((s.box, s.positions[:, :2].copy())), ref, atol=1e-14)
    bad = s.positions.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        pot.energies((s.box, bad))
    bad = s.positions.copy()
    bad[5, 0] = 0.6 * s.box.Lx
    with pytest.raises(ValueError, match="outside the box"):
        pot.energies((s.box, bad))
    bad = s.positions.copy()
    bad[2, 2] = 0.1
    with pytest.raises(ValueError, match="z != 0"):
        pot.energies((s.box, bad))


def _mc_pair(system, pot, ensemble, sweeps, seed=11):
    """The same run on the compiled translation sweeps and on the engine's Python path."""
    from hoomd_colloidml.engine import MonteCarlo

    runs = []
    for compiled in (True, False):
        mc = MonteCarlo(system, [pot], seed=seed, step_size=0.06, box_step=0.01)
        mc.use_compiled_many_body = compiled
        assert (mc._compiled_many() is not None) == compiled
        mc.run(sweeps, ensemble, progress=False, pressure_every=0)
        runs.append(mc)
    return runs


@pytest.mark.parametrize("ensemble", ["nvt", "npt"])
def test_compiled_mc_sweeps_follow_the_python_path_2d(shell_fit, ensemble):
    from hoomd_colloidml.engine import NPT, NVT

    pot, _, _ = shell_fit
    pot = pot.set_params(scale=50.0)
    s = shell_crystal("hex2d", 64, 3.4)
    ens = NVT() if ensemble == "nvt" else NPT(60.0, box_moves="axes")
    fast, slow = _mc_pair(s, pot, ens, 6)
    # same random draws and decisions: same trajectory (energy changes agree to rounding)
    assert np.array_equal(fast._counters, slow._counters)
    assert 0 < fast.acceptance["translate"] < 1
    assert np.allclose(fast._pos, slow._pos, rtol=0, atol=1e-12)
    assert np.array_equal(fast._image, slow._image)
    # the running energy is the sum of the compiled local energy changes (pairs and
    # triangles of the moved particle); it must equal the total recomputed from scratch
    assert fast.energy == pytest.approx(fast.recompute_energy(), rel=1e-10, abs=1e-9)
    assert fast.energy == pytest.approx(slow.energy, rel=1e-10, abs=1e-9)


@pytest.mark.parametrize("ensemble", ["nvt", "npt"])
def test_compiled_mc_sweeps_follow_the_python_path_ao(ao_fit, ensemble):
    """Dense AO fluid with engine diameters 0.95 below the AO core sigma_c = 1: both kinds
    of hard-core rejection (diameters: before any other draw; AO core: de = inf) occur."""
    from hoomd_colloidml import System
    from hoomd_colloidml.engine import NPT, NVT
    from hoomd_colloidml.lattice import fluid

    pot = ao_fit[0]
    ens = NVT() if ensemble == "nvt" else NPT(1.0)
    f = fluid(108, 0.42, seed=5)
    s = System(f.box, f.positions, diameters=np.full(f.N, 0.95))
    fast, slow = _mc_pair(s, pot, ens, 8)
    assert np.array_equal(fast._counters, slow._counters)
    assert 0.1 < fast.acceptance["translate"] < 0.9
    if ensemble == "npt":
        assert fast._counters[3] > 0  # some box moves accepted
    assert np.allclose(fast._pos, slow._pos, rtol=0, atol=1e-12)
    assert np.array_equal(fast._image, slow._image)
    assert fast.energy == pytest.approx(fast.recompute_energy(), rel=1e-10, abs=1e-9)
    assert fast.energy == pytest.approx(slow.energy, rel=1e-10, abs=1e-9)


def test_compiled_mc_sweeps_only_without_engine_pair_terms(ao_fit):
    from hoomd_colloidml.engine import WCA, MonteCarlo
    from hoomd_colloidml.lattice import fluid

    s = fluid(108, 0.3, seed=2)
    assert MonteCarlo(s, [ao_fit[0]], seed=1)._compiled_many() is ao_fit[0]
    mixed = MonteCarlo(s, [ao_fit[0], WCA(epsilon=1.0, sigma=1.0)], seed=1)
    assert mixed._compiled_many() is None
    two = MonteCarlo(s, [ao_fit[0], AsakuraOosawa(0.4, 0.1)], seed=1)
    assert two._compiled_many() is None
