"""HOOMD-blue runs in subprocesses: MPI (``mpirun -n 2``) and SIGKILL (marked ``hoomd``).

Each test writes a small HPMC hard-sphere script, runs it as a separate process and
reads the GSD it leaves behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import gsd.hoomd
import numpy as np
import pytest

hoomd = pytest.importorskip("hoomd")

from hoomd_colloidml.io import classify_trajectory  # noqa: E402

pytestmark = pytest.mark.hoomd
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

RUN_SCRIPT = """
import sys
sys.path.insert(0, {repo!r})
import hoomd
from hoomd_colloidml.hoomd import ClassifyEnvironments, flush_on_sigterm
from hoomd_colloidml.hoomd.signals import FlushWriters
from hoomd_colloidml.lattice import crystal, rattle

s = rattle(crystal("fcc", {cells}, 0.52), 0.02, seed=0)
sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=1)
snap = hoomd.Snapshot()
if snap.communicator.rank == 0:
    b = s.box
    snap.configuration.box = [b.Lx, b.Ly, b.Lz, 0, 0, 0]
    snap.particles.N = s.N
    snap.particles.types = ["A"]
    snap.particles.position[:] = s.positions
sim.create_state_from_snapshot(snap)
mc = hoomd.hpmc.integrate.Sphere(default_d={d})
mc.shape["A"] = dict(diameter=1.0)
sim.operations.integrator = mc
c = ClassifyEnvironments({model!r}, every={every}, cluster_class=1)
sim.operations.writers.append(c.writer)
logger = hoomd.logging.Logger(categories=["particle", "sequence", "scalar"])
logger.add(c.writer, quantities=["labels", "probabilities", "fractions", "largest_cluster"])
w = hoomd.write.GSD(trigger=hoomd.trigger.Periodic({every}), filename={path!r}, mode="xb",
                    logger=logger)
sim.operations.writers.append(w)
"""


def _log(frame, name):
    keys = [k for k in frame.log if k.endswith("/" + name)]
    assert len(keys) == 1, list(frame.log)
    return frame.log[keys[0]]


def _mpirun() -> list[str] | None:
    exe = shutil.which("mpirun") or shutil.which("mpiexec")
    if exe is None or not hoomd.version.mpi_enabled:
        return None
    cmd = [exe, "-n", "2"]
    if "Open MPI" in subprocess.run([exe, "--version"], capture_output=True, text=True).stdout:
        cmd += ["--oversubscribe"]
    return cmd


@pytest.mark.skipif(_mpirun() is None, reason="needs an MPI build of HOOMD-blue and mpirun")
def test_on_the_fly_labels_under_mpi_equal_serial(model, model_dir, tmp_path):
    """``mpirun -n 2`` (domain decomposition): with frozen particles (HPMC d = 0) every frame's
    labels and probabilities equal a serial run's; with moves (HPMC trajectories differ
    between decompositions) every frame's labels equal those of the serial
    ``hoomd_colloidml.io`` post-processing of the written frames."""
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1")

    def run(name, prefix, d):
        path = str(tmp_path / f"{name}.gsd")
        script = tmp_path / f"{name}.py"
        script.write_text(
            RUN_SCRIPT.format(repo=REPO, cells=5, model=model_dir, every=20, path=path, d=d)
            + "sim.run(101)\nprint('ranks', sim.device.communicator.num_ranks)\n"
        )
        proc = subprocess.run(prefix + [sys.executable, str(script)], capture_output=True,
                              text=True, env=env, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert f"ranks {2 if prefix else 1}" in proc.stdout
        return path

    frozen_serial = run("frozen_serial", [], 0.0)
    frozen_mpi = run("frozen_mpi", _mpirun(), 0.0)
    with gsd.hoomd.open(frozen_serial) as ser, gsd.hoomd.open(frozen_mpi) as par:
        assert len(par) == len(ser) == 5
        for a, b in zip(ser, par):
            assert a.configuration.step == b.configuration.step
            np.testing.assert_array_equal(a.particles.position, b.particles.position)
            np.testing.assert_array_equal(_log(a, "labels"), _log(b, "labels"))
            np.testing.assert_allclose(_log(a, "probabilities"), _log(b, "probabilities"),
                                       rtol=1e-12)
            np.testing.assert_array_equal(_log(a, "fractions"), _log(b, "fractions"))
    moving_mpi = run("moving_mpi", _mpirun(), 0.05)
    post = classify_trajectory(moving_mpi, model, str(tmp_path / "post.gsd"), cluster_class=1)
    with gsd.hoomd.open(moving_mpi) as par, gsd.hoomd.open(str(post)) as ref:
        assert len(par) == 5
        assert not np.array_equal(par[0].particles.position, par[-1].particles.position)
        for a, b in zip(par, ref):
            assert a.particles.N == 500
            np.testing.assert_array_equal(_log(a, "labels"), b.log["particles/colloidml/labels"])
            np.testing.assert_allclose(_log(a, "fractions"), b.log["colloidml/fractions"])
            assert _log(a, "largest_cluster")[0] == b.log["colloidml/largest_cluster"][0]


def test_sigkill_loses_at_most_the_frames_since_the_last_flush(model_dir, tmp_path):
    path = str(tmp_path / "killed.gsd")
    script = RUN_SCRIPT.format(repo=REPO, cells=4, model=model_dir, every=10, path=path, d=0.05)
    script += textwrap.dedent("""
        class Report(FlushWriters):
            def flush(self):
                super().flush()
                print("flushed", sim.timestep, flush=True)

        action = Report([w], interval=0.5)
        sim.operations.writers.append(
            hoomd.write.CustomWriter(trigger=hoomd.trigger.Periodic(10), action=action))
        print("running", flush=True)
        sim.run(10**9)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "running"
    flushed = []
    deadline = time.monotonic() + 120
    while len(flushed) < 3 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("flushed"):
            flushed.append(int(line.split()[1]))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert len(flushed) >= 3
    with gsd.hoomd.open(path) as f:
        steps = [fr.configuration.step for fr in f]
        last = f[-1]
        assert _log(last, "labels").shape == (last.particles.N,)
    # every frame written before the last flush we saw is in the file
    assert steps == sorted(steps)
    assert steps[-1] >= flushed[-1]
    assert set(range(10, flushed[-1] + 1, 10)) <= set(steps)  # HOOMD writes no step-0 frame


@pytest.mark.skipif(_mpirun() is None, reason="needs an MPI build of HOOMD-blue and mpirun")
def test_many_body_force_refuses_domain_decomposition(tmp_path):
    script = tmp_path / "md.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {REPO!r})
        import hoomd, hoomd.md
        from hoomd_colloidml.hoomd import ManyBodyForce
        from hoomd_colloidml.lattice import crystal
        from hoomd_colloidml.potentials import AsakuraOosawa
        s = crystal("fcc", 5, 0.3)
        sim = hoomd.Simulation(device=hoomd.device.CPU(), seed=1)
        snap = hoomd.Snapshot()
        if snap.communicator.rank == 0:
            b = s.box
            snap.configuration.box = [b.Lx, b.Ly, b.Lz, 0, 0, 0]
            snap.particles.N = s.N
            snap.particles.types = ["A"]
            snap.particles.position[:] = s.positions
        sim.create_state_from_snapshot(snap)
        nve = hoomd.md.methods.ConstantVolume(filter=hoomd.filter.All())
        force = ManyBodyForce(AsakuraOosawa(q=0.4, eta_r=0.1, hard_core=False))
        sim.operations.integrator = hoomd.md.Integrator(dt=0.001, forces=[force],
                                                        methods=[nve])
        try:
            sim.run(1)
        except RuntimeError as err:
            print("refused:", err, flush=True)
            sys.exit(3)
    """))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMP_NUM_THREADS="1")
    proc = subprocess.run(_mpirun() + [sys.executable, str(script)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert proc.returncode != 0
    assert "refused: ManyBodyForce does not support MPI domain decomposition" in proc.stdout
