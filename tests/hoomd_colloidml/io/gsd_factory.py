"""Small hoomd-schema GSD trajectories for the io, CLI and HOOMD tests (imported by them)."""

from __future__ import annotations

import gsd.hoomd
import numpy as np


def write_trajectory(path, n_frames=4, n=27, dims=3, seed=0, vary_n=False):
    """A trajectory of a jittered simple-cubic crystal, written by gsd.hoomd directly.

    Frame 0 holds types, diameters and a per-frame log; later frames hold only what
    changes (positions, step, log), so they inherit the rest from frame 0 as gsd does.
    """
    rng = np.random.default_rng(seed)
    side = round(n ** (1 / dims))
    L = 1.2 * side
    grid = np.stack(np.meshgrid(*[np.arange(side)] * dims, indexing="ij"), -1).reshape(-1, dims)
    base = (grid + 0.5) * 1.2 - L / 2
    if dims == 2:
        base = np.column_stack([base, np.zeros(len(base))])
    with gsd.hoomd.open(path, "w") as f:
        for k in range(n_frames):
            fr = gsd.hoomd.Frame()
            fr.configuration.step = 100 * k
            fr.configuration.dimensions = dims
            fr.configuration.box = [L, L, 0 if dims == 2 else L, 0, 0, 0]
            pos = base + rng.normal(0, 0.03, base.shape)
            if dims == 2:
                pos[:, 2] = 0
            fr.particles.N = len(pos)
            fr.particles.types = ["A", "B"]
            fr.particles.typeid = (np.arange(len(pos)) % 2).astype(np.uint32)
            fr.particles.diameter = np.where(fr.particles.typeid == 0, 1.0, 0.8)
            fr.particles.position = pos.astype(np.float32)
            fr.log["value/energy"] = np.array([float(k)])
            f.append(fr)
    return path
