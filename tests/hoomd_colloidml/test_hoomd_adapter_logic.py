"""The HOOMD adapters' own logic, run against a minimal stand-in for the hoomd API.

HOOMD-blue is not installable here, so a stub module provides exactly the names the
adapters use (``hoomd.custom.Action``, ``hoomd.logging.log``, ``hoomd.md.force.Custom``,
``hoomd.write.CustomWriter``, ``hoomd.trigger.Periodic``) and fake objects mimic
``state.cpu_local_snapshot`` (rank-local arrays in storage order with tags) and
``cpu_local_force_arrays``. Real-HOOMD tests: tests/hoomd_colloidml/hoomd/test_hoomd_ops.py.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types

import freud
import gsd.hoomd
import numpy as np
import pytest

from hoomd_colloidml import System
from hoomd_colloidml.io import OnTheFlyClassifier


class _Action:
    def __init__(self):
        pass


def _log(*args, **kwargs):
    def deco(fn):
        return property(fn)
    return deco if not (args and callable(args[0])) else property(args[0])


class _Custom:
    def __init__(self, aniso=False):
        self._aniso = aniso


@pytest.fixture
def adapters(monkeypatch):
    hoomd = types.ModuleType("hoomd")
    hoomd.custom = types.SimpleNamespace(Action=_Action)
    hoomd.logging = types.SimpleNamespace(log=_log)
    hoomd.md = types.ModuleType("hoomd.md")
    hoomd.md.force = types.SimpleNamespace(Custom=_Custom)
    hoomd.write = types.SimpleNamespace(
        CustomWriter=lambda trigger, action: types.SimpleNamespace(trigger=trigger,
                                                                   action=action))
    hoomd.trigger = types.SimpleNamespace(Periodic=lambda p: ("Periodic", p))
    monkeypatch.setitem(sys.modules, "hoomd", hoomd)
    monkeypatch.setitem(sys.modules, "hoomd.custom", hoomd.custom)
    monkeypatch.setitem(sys.modules, "hoomd.md", hoomd.md)
    for m in [m for m in sys.modules if m.startswith("hoomd_colloidml.hoomd")]:
        monkeypatch.delitem(sys.modules, m)
    pkg = importlib.import_module("hoomd_colloidml.hoomd")
    yield pkg
    for m in [m for m in sys.modules if m.startswith("hoomd_colloidml.hoomd")]:
        sys.modules.pop(m)


class _Box:
    def __init__(self, box: freud.box.Box):
        self.Lx, self.Ly, self.Lz = box.Lx, box.Ly, box.Lz
        self.xy, self.xz, self.yz = box.xy, box.xz, box.yz
        self.is2D = box.is2D


class _FakeState:
    """Rank-local snapshot with particles stored in a shuffled order (as HOOMD sorts them)."""

    def __init__(self, system: System, seed=0):
        self.perm = np.random.default_rng(seed).permutation(system.N)
        parts = types.SimpleNamespace(
            position=system.positions[self.perm].astype(np.float64),
            typeid=system.typeid[self.perm],
            diameter=system.diameters[self.perm],
            tag=self.perm.astype(np.uint32),
        )
        self.snap = types.SimpleNamespace(particles=parts, global_box=_Box(system.box))
        self.particle_types = list(system.types)
        self._simulation = types.SimpleNamespace(
            device=types.SimpleNamespace(communicator=types.SimpleNamespace(num_ranks=1,
                                                                            rank=0)))

    @property
    @contextlib.contextmanager
    def cpu_local_snapshot(self):
        yield self.snap


class _DuckModel:
    """A fitted 'model': class 1 when q6 > threshold (from the bop descriptor)."""

    def __init__(self, threshold):
        from freud_ext.order import BondOrderDescriptor

        self.descriptor_config = BondOrderDescriptor(l=[4, 6]).get_config()
        self.feature_names_ = ["q4", "q6"]
        self.classes_ = np.array([0, 1])
        self.threshold = threshold

    @property
    def descriptor(self):
        from freud_ext.describe import from_config

        return from_config(self.descriptor_config)

    def predict(self, X):
        return (X[:, 1] > self.threshold).astype(int)

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-(X[:, 1] - self.threshold) * 20))
        return np.c_[1 - p, p]


def _mixed_system():
    from hoomd_colloidml.lattice import crystal, rattle

    s = rattle(crystal("fcc", 3, 0.55), 0.03, seed=0)
    pos = s.positions.copy()
    rng = np.random.default_rng(1)
    half = pos[:, 0] > 0
    pos[half] += rng.normal(0, 0.3, (half.sum(), 3))  # melt half of the crystal
    return System(s.box, s.box.wrap(pos), s.typeid, s.types, s.diameters)


def test_system_from_state_tag_order(adapters):
    from hoomd_colloidml.hoomd.classify import system_from_state

    s = _mixed_system()
    got = system_from_state(_FakeState(s, seed=3))
    np.testing.assert_array_equal(got.positions, s.positions)
    np.testing.assert_array_equal(got.typeid, s.typeid)


def test_classify_environments_equals_offline(adapters, tmp_path):
    from hoomd_colloidml.io import classify_trajectory

    s = _mixed_system()
    model = _DuckModel(threshold=0.4)
    action = adapters.ClassifyEnvironments(model, every=10, cluster_class=1)
    assert action.writer.trigger == ("Periodic", 10)
    action._state = _FakeState(s, seed=5)
    action.act(1234)
    # offline path: colloidml classify's core on the same frame written to GSD
    src = str(tmp_path / "f.gsd")
    with gsd.hoomd.open(src, "w") as f:
        f.append(s.to_gsd_frame(1234))
    out = classify_trajectory(src, model, str(tmp_path / "o.gsd"), cluster_class=1)
    with gsd.hoomd.open(str(out)) as f:
        fr = f[0]
    np.testing.assert_array_equal(action.labels, fr.log["particles/colloidml/labels"])
    np.testing.assert_allclose(action.probabilities,
                               fr.log["particles/colloidml/probabilities"], atol=1e-6)
    np.testing.assert_allclose(action.fractions, fr.log["colloidml/fractions"])
    assert action.largest_cluster == int(fr.log["colloidml/largest_cluster"][0])
    assert 0 < action.fractions[1] < 1 and action.largest_cluster > 5
    # and both equal the model applied directly
    X, _ = model.descriptor.describe(s, s.typeid)
    np.testing.assert_array_equal(action.labels, model.predict(X))


def test_classify_environments_validates(adapters):
    with pytest.raises(ValueError, match="every must be an int >= 1"):
        adapters.ClassifyEnvironments(_DuckModel(0.4), every=0)
    with pytest.raises(ValueError, match="not one of the model's classes"):
        adapters.ClassifyEnvironments(_DuckModel(0.4), cluster_class=7)


class _LJ:
    """Truncated Lennard-Jones as a ManyBodyPotential-like object (pair sum)."""

    r_cut = 2.5

    def forces(self, system, neighbors=None):
        aq = freud.locality.AABBQuery(system.box, system.positions)
        nl = neighbors if neighbors is not None else aq.query(
            system.positions, {"r_max": self.r_cut, "exclude_ii": True}).toNeighborList()
        i, j = nl.query_point_indices, nl.point_indices
        L = np.array([system.box.Lx, system.box.Ly, system.box.Lz])  # cubic test boxes
        d = system.positions[j] - system.positions[i]  # float64 minimum image r_j - r_i
        d -= L * np.round(d / L)
        r2 = (d**2).sum(1)
        inv6 = r2**-3
        u = 4 * (inv6**2 - inv6) - 4 * (self.r_cut**-12 - self.r_cut**-6)
        f_over_r = 24 * (2 * inv6**2 - inv6) / r2  # -dU/dr / r
        e = np.zeros(system.N)
        np.add.at(e, i, 0.5 * u)
        F = np.zeros((system.N, 3))
        np.add.at(F, i, -f_over_r[:, None] * d)
        W = 0.5 * np.einsum("ka,kb->ab", -d, -f_over_r[:, None] * d)
        return e, F, W[[0, 0, 0, 1, 1, 2], [0, 1, 2, 1, 2, 2]]


class _ForceArrays:
    def __init__(self, n):
        self.force = np.zeros((n, 3))
        self.potential_energy = np.zeros(n)
        self.virial = np.zeros((n, 6))


class _FakeNlist:
    """HOOMD-style half neighbour list (head_list, n_neigh, nlist) of a system."""

    def __init__(self, system, r):
        aq = freud.locality.AABBQuery(system.box, system.positions)
        nl = aq.query(system.positions, {"r_max": r, "exclude_ii": True}).toNeighborList()
        keep = nl.query_point_indices < nl.point_indices
        i, j = nl.query_point_indices[keep], nl.point_indices[keep]
        n_neigh = np.bincount(i, minlength=system.N)
        self.arrays = types.SimpleNamespace(
            head_list=np.r_[0, np.cumsum(n_neigh)[:-1]], n_neigh=n_neigh, nlist=j)

    @property
    @contextlib.contextmanager
    def cpu_local_nlist_arrays(self):
        yield self.arrays


@pytest.mark.parametrize("use_nlist", [False, True])
def test_many_body_force_writes_local_arrays(adapters, use_nlist):
    from hoomd_colloidml.lattice import fluid

    s = fluid(300, 0.3, seed=2)
    pot = _LJ()
    state = _FakeState(s, seed=7)
    local = System(s.box, state.snap.particles.position, state.snap.particles.typeid)
    force = adapters.ManyBodyForce(pot, nlist=_FakeNlist(local, 2.9) if use_nlist else None)
    force._state = state
    force._simulation = state._simulation
    arrays = _ForceArrays(s.N)
    force.cpu_local_force_arrays = contextlib.nullcontext(arrays)
    force.set_forces(0)
    e, F, W = pot.forces(s)
    inv = np.argsort(state.perm)  # local index of each tag
    np.testing.assert_allclose(arrays.force[inv], F, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(arrays.potential_energy[inv], e, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(arrays.virial.sum(0), W, rtol=1e-10, atol=1e-12)


def test_many_body_force_refuses_domain_decomposition(adapters):
    from hoomd_colloidml.lattice import fluid

    s = fluid(8, 0.1, seed=2)
    force = adapters.ManyBodyForce(_LJ())
    force._state = _FakeState(s)
    force._simulation = types.SimpleNamespace(
        device=types.SimpleNamespace(communicator=types.SimpleNamespace(num_ranks=2, rank=0)))
    with pytest.raises(RuntimeError, match="domain decomposition"):
        force.set_forces(0)


def test_many_body_force_validates(adapters):
    with pytest.raises(TypeError, match="ManyBodyPotential"):
        adapters.ManyBodyForce(object())


def test_flush_writers_on_sigterm(adapters):
    from hoomd_colloidml.hoomd.signals import FlushWriters

    flushed = []
    w = types.SimpleNamespace(flush=lambda: flushed.append(1))
    act = FlushWriters([w], interval=1e9)
    act.act(1)
    assert flushed == []
    act.terminate = True
    with pytest.raises(SystemExit):
        act.act(2)
    assert flushed == [1]


def test_core_is_the_same_object_type(adapters):
    action = adapters.ClassifyEnvironments(_DuckModel(0.4))
    assert isinstance(action.core, OnTheFlyClassifier)
