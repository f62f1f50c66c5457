"""Training data for the symmetry-function potentials (thesis Ch. 2.3.1 and Ch. 8.2).

Snapshots come from Monte Carlo runs of the embedded engine
(:class:`hoomd_colloidml.engine.MonteCarlo`); from each snapshot a few random particles
are labelled with the reference many-body energy:

* :func:`elastic_shell_data`: NVT runs of N = 64 elastic shells in 2D started from a
  hexagonal (and optionally square) crystal over ``rho sigma^2 in [2.4, 4.6]`` and
  ``beta K in {1, 10, 50, 100, 1000}``; targets are the reduced energies ``u_i = U_i / K``
  (Eq. 2.1). The runs use a cheaper orientation average (``sim_orientations``); the
  targets use the full reference (``n_orientations``, thesis: 100).
* :func:`asakura_oosawa_data`: NVT runs of AO colloids at size ratio ``q = 0.4`` over colloid
  packing fractions and reservoir packing fractions ``eta_r``, sampled with the exact
  pair term (the engine's numba AO pair potential, fast) or the full reference; targets
  are the many-body terms over the polymer fugacity, ``u_i^mb / z_p`` (a volume,
  independent of ``eta_r``).

The result is a :class:`TrainingData` (frames, labelled particle indices, targets and the
state point of each frame), which :meth:`SymmetryFunctionPotential.fit` takes directly
(``pot.fit(data.frames, data.energies, pool, indices=data.indices)``) and which saves to
a single ``.npz`` file (no pickle).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import freud
import numpy as np
from tqdm.auto import tqdm

from hoomd_colloidml.potentials.asakura_oosawa import AsakuraOosawa
from hoomd_colloidml.potentials.elastic_shell import ElasticShell
from hoomd_colloidml.system import System

__all__ = [
    "TrainingData",
    "elastic_shell_data",
    "asakura_oosawa_data",
    "shell_crystal",
    "BETA_K",
]

#: Interaction strengths of Ch. 2.3.1.
BETA_K = (1.0, 10.0, 50.0, 100.0, 1000.0)


@dataclass
class TrainingData:
    """Labelled snapshots.

    Attributes:
        frames (list[System]): Snapshots.
        indices (list[numpy.ndarray]): Labelled particles of each frame.
        energies (list[numpy.ndarray]): Reduced target energies of those particles.
        states (list[dict]): State point of each frame (e.g. ``{"rho": 3.0, "beta_K": 10}``).
    """

    frames: list = field(default_factory=list)
    indices: list = field(default_factory=list)
    energies: list = field(default_factory=list)
    states: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def n_samples(self) -> int:
        """Total number of labelled particles."""
        return int(sum(len(i) for i in self.indices))

    def save(self, path: str | os.PathLike) -> Path:
        """Write to one ``.npz`` file atomically (plain arrays and JSON, no pickle)."""
        import json

        path = Path(path)
        arrays: dict[str, np.ndarray] = {}
        for f, s in enumerate(self.frames):
            b = s.box
            arrays[f"box_{f}"] = np.array([b.Lx, b.Ly, b.Lz, b.xy, b.xz, b.yz, s.dimensions])
            arrays[f"pos_{f}"] = s.positions
            arrays[f"diam_{f}"] = s.diameters
            arrays[f"idx_{f}"] = np.asarray(self.indices[f], dtype=np.int64)
            arrays[f"e_{f}"] = np.asarray(self.energies[f], dtype=np.float64)
        arrays["states"] = np.frombuffer(json.dumps(self.states).encode(), dtype=np.uint8)
        arrays["n_frames"] = np.array([len(self.frames)])
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".npz", dir=path.parent)
        os.close(fd)
        try:
            np.savez(tmp, **arrays)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> TrainingData:
        """Read a file written by :meth:`save` (``allow_pickle=False``)."""
        import json

        out = cls()
        with np.load(path, allow_pickle=False) as z:
            n = int(z["n_frames"][0])
            for f in range(n):
                b = z[f"box_{f}"]
                box = freud.box.Box(*b[:6], is2D=int(b[6]) == 2)
                out.frames.append(System(box, z[f"pos_{f}"], diameters=z[f"diam_{f}"]))
                out.indices.append(z[f"idx_{f}"])
                out.energies.append(z[f"e_{f}"])
            out.states = json.loads(bytes(z["states"]).decode())
        return out

    def extend(self, other: TrainingData) -> None:
        """Append another data set."""
        self.frames += other.frames
        self.indices += other.indices
        self.energies += other.energies
        self.states += other.states


def shell_crystal(lattice: str, n_particles: int, rho: float, sigma: float = 1.0) -> System:
    """A 2D crystal of elastic shells at number density ``rho`` (``rho sigma^2``).

    The hard cores have diameter ``sigma / 2`` (``System.diameters``), so densities up to
    close packing of the cores (``rho sigma^2 = 8 / sqrt(3) = 4.62`` hexagonal) are allowed.

    Args:
        lattice (str): ``"hex2d"`` or ``"square2d"``.
        n_particles (int): 64 (8 x 8 hexagonal: 8 x 4 orthohexagonal cells) or a square number.
        rho (float): Number density in ``sigma^-2``.
        sigma (float): Shell diameter.

    Example:
        >>> s = shell_crystal("hex2d", 64, 3.0)
        >>> s.N, round(s.N / s.volume, 6), float(s.diameters[0])
        (64, 3.0, 0.5)
    """
    from hoomd_colloidml.lattice import crystal

    if not np.isfinite(rho) or rho <= 0:
        raise ValueError(f"The 'rho' parameter must be a positive float. Got {rho!r} instead.")
    if lattice == "hex2d":
        nx = int(round(np.sqrt(n_particles)))
        if nx * nx != n_particles or nx % 2:
            raise ValueError(
                f"hex2d needs n_particles = (2m)^2 (e.g. 64). Got {n_particles} instead."
            )
        cells = (nx, nx // 2)
    elif lattice == "square2d":
        nx = int(round(np.sqrt(n_particles)))
        if nx * nx != n_particles:
            raise ValueError(f"square2d needs a square n_particles. Got {n_particles} instead.")
        cells = (nx, nx)
    else:
        raise ValueError(f"The 'lattice' must be 'hex2d' or 'square2d'. Got {lattice!r} instead.")
    base = crystal(lattice, cells, 0.5)
    f = np.sqrt((base.N / base.volume) / rho) * sigma
    box = freud.box.Box(base.box.Lx * f, base.box.Ly * f, is2D=True)
    return System(box, base.positions * f, diameters=np.full(base.N, 0.5 * sigma))


def _check_seq(name: str, values: Any, low: float = 0.0) -> list[float]:
    vals = [float(v) for v in np.atleast_1d(values)]
    if not vals or any((not np.isfinite(v)) or v <= low for v in vals):
        raise ValueError(
            f"The '{name}' parameter must be a non-empty list of finite numbers > {low}. "
            f"Got {values!r} instead."
        )
    return vals


def elastic_shell_data(
    densities: Sequence[float] = tuple(np.round(np.arange(2.4, 4.6001, 0.1), 3)),
    beta_K: Sequence[float] = BETA_K,  # noqa: N803
    lattices: Sequence[str] = ("hex2d",),
    n_particles: int = 64,
    n_snapshots: int = 50,
    particles_per_snapshot: int = 10,
    equilibration_sweeps: int = 50,
    sweeps_between: int = 10,
    n_points: int = 200,
    n_orientations: int = 100,
    sim_orientations: int = 10,
    seed: int = 0,
    progress: bool = True,
) -> TrainingData:
    """MC snapshots of 2D elastic shells labelled with ``U_i / K`` (Ch. 2.3.1).

    Args:
        densities (sequence of float): ``rho sigma^2`` (thesis: 2.4 to 4.6 in steps of 0.025).
        beta_K (sequence of float): Interaction strengths (thesis: 1, 10, 50, 100, 1000).
        lattices (sequence of str): Initial crystals (thesis: hexagonal, and square up to 4).
        n_particles (int): Particles (thesis: 64).
        n_snapshots (int): Snapshots per run (thesis: 50).
        particles_per_snapshot (int): Random particles labelled per snapshot (thesis: 10).
        equilibration_sweeps (int): Sweeps before the first snapshot (step size tuned).
        sweeps_between (int): Sweeps between snapshots.
        n_points (int): Shell points of the reference (thesis: 200).
        n_orientations (int): Orientations of the reference targets (thesis: 100).
        sim_orientations (int): Orientations of the potential that drives the runs.
        seed (int): Seed of the runs and of the particle choice.
        progress (bool): Show a progress bar over state points.

    Returns:
        TrainingData: ``states`` hold ``rho``, ``beta_K`` and ``lattice``.
    """
    from hoomd_colloidml.engine import NVT, MonteCarlo

    densities = _check_seq("densities", densities)
    beta_K = _check_seq("beta_K", beta_K)  # noqa: N806
    ref = ElasticShell(n_points=n_points, n_orientations=n_orientations, random_state=seed + 1)
    rng = np.random.default_rng(seed)
    out = TrainingData()
    points = [(lat, rho, bk) for lat in lattices for rho in densities for bk in beta_K]
    for run, (lat, rho, bk) in enumerate(tqdm(points, disable=not progress, desc="ES data")):
        system = shell_crystal(lat, n_particles, rho)
        sim = ElasticShell(
            n_points=n_points, n_orientations=sim_orientations, K=bk, random_state=seed + 2
        )
        mc = MonteCarlo(system, [sim], seed=seed * 100003 + run, step_size=0.02)
        mc.run(equilibration_sweeps, NVT(), progress=False, equilibrate=True, pressure_every=0)
        for _ in range(n_snapshots):
            mc.run(sweeps_between, NVT(), progress=False, pressure_every=0)
            snap = mc.system
            idx = np.sort(rng.choice(snap.N, size=particles_per_snapshot, replace=False))
            e = ref._energies_of(snap.box, snap.positions, idx)
            out.frames.append(snap)
            out.indices.append(idx)
            out.energies.append(e / ref.K)
            out.states.append({"rho": rho, "beta_K": bk, "lattice": lat})
    return out


def asakura_oosawa_data(
    packing_fractions: Sequence[float] = (0.1, 0.2, 0.3, 0.4),
    eta_r: Sequence[float] = (0.2, 0.4, 0.6),
    q: float = 0.4,
    n_particles: int = 108,
    n_snapshots: int = 20,
    particles_per_snapshot: int = 10,
    equilibration_sweeps: int = 100,
    sweeps_between: int = 10,
    sample_with: str = "pair",
    seed: int = 0,
    progress: bool = True,
) -> TrainingData:
    """MC snapshots of AO colloids labelled with ``u_i^mb / z_p`` (Ch. 8.2).

    Args:
        packing_fractions (sequence of float): Colloid packing fractions ``eta_c``.
        eta_r (sequence of float): Polymer reservoir packing fractions.
        q (float): Size ratio (thesis: 0.4).
        n_particles (int): Colloids (FCC start, ``4 n^3``).
        n_snapshots (int): Snapshots per state point.
        particles_per_snapshot (int): Random colloids labelled per snapshot.
        equilibration_sweeps (int): Sweeps before the first snapshot (step size tuned).
        sweeps_between (int): Sweeps between snapshots.
        sample_with (str): ``"pair"`` (exact AO pair term, numba engine) or ``"full"``
            (pair + many-body reference; slow).
        seed (int): Seed.
        progress (bool): Progress bar.

    Returns:
        TrainingData: ``states`` hold ``eta_c``, ``eta_r`` and ``q``.
    """
    from hoomd_colloidml.engine import NVT, MonteCarlo
    from hoomd_colloidml.engine import AsakuraOosawa as AOPair
    from hoomd_colloidml.lattice import crystal

    etas = _check_seq("packing_fractions", packing_fractions)
    etars = [float(v) for v in np.atleast_1d(eta_r)]
    if not etars or any(not np.isfinite(v) or v < 0 for v in etars):
        raise ValueError(f"The 'eta_r' parameter must hold finite floats >= 0. Got {eta_r!r}.")
    if sample_with not in ("pair", "full"):
        raise ValueError(f"'sample_with' must be 'pair' or 'full'. Got {sample_with!r} instead.")
    n_cells = int(round((n_particles / 4) ** (1 / 3)))
    if 4 * n_cells**3 != n_particles:
        raise ValueError(f"n_particles must be 4 n^3 (FCC start). Got {n_particles} instead.")
    geom = AsakuraOosawa(q, 1.0)  # targets u_mb / z_p do not depend on eta_r
    rng = np.random.default_rng(seed)
    out = TrainingData()
    points = [(ec, er) for ec in etas for er in etars]
    for run, (ec, er) in enumerate(tqdm(points, disable=not progress, desc="AO data")):
        system = crystal("fcc", n_cells, ec)
        pot = (
            [AOPair(sigma=1.0, q=q, eta_p=er)]
            if sample_with == "pair"
            else [AsakuraOosawa(q, er, n_theta=32, n_phi=64)]
        )
        mc = MonteCarlo(system, pot, seed=seed * 100003 + run)
        mc.run(equilibration_sweeps, NVT(), progress=False, equilibrate=True, pressure_every=0)
        for _ in range(n_snapshots):
            mc.run(sweeps_between, NVT(), progress=False, pressure_every=0)
            snap = mc.system
            idx = np.sort(rng.choice(snap.N, size=particles_per_snapshot, replace=False))
            e = geom._terms(snap.box, snap.positions, idx, which=("mb",)) / geom.z_p
            out.frames.append(snap)
            out.indices.append(idx)
            out.energies.append(e)
            out.states.append({"eta_c": ec, "eta_r": er, "q": q})
    return out
