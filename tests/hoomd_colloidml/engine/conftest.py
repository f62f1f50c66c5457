"""Fixtures for the embedded engine tests: a simple many-body test potential."""

import numpy as np
import pytest

from hoomd_colloidml.potentials.base import ManyBodyPotential


def _min_image(d, L, dim):
    d = d.copy()
    d[..., :dim] -= L[:dim] * np.round(d[..., :dim] / L[:dim])
    return d[..., :dim]


class Embedding(ManyBodyPotential):
    """Density-dependent embedding energy u_i = A * (sum_j phi(r_ij))^2 (a many-body test).

    phi(r) = (1 - (r / r_cut)^2)^2 for r < r_cut. The square makes the energy genuinely
    many-body (three-body cross terms). Brute-force numpy, O(N^2).
    """

    def __init__(self, amplitude=0.5, r_cut=1.6):
        self.amplitude = amplitude
        self.r_cut = r_cut

    def _rho(self, system, idx):
        L = np.array([system.box.Lx, system.box.Ly, system.box.Lz])
        dim = 2 if system.box.is2D else 3
        pos = np.asarray(system.positions)
        d = _min_image(pos[None, :, :] - pos[idx][:, None, :], L, dim)
        r2 = (d**2).sum(-1)
        x = 1.0 - r2 / self.r_cut**2
        phi = np.where(r2 < self.r_cut**2, x * x, 0.0)
        phi[np.arange(len(idx)), idx] = 0.0
        return phi.sum(1)

    def energies(self, system):
        idx = np.arange(len(system.positions))
        return self.amplitude * self._rho(system, idx) ** 2

    def local_energy(self, system, indices):
        idx = np.atleast_1d(np.asarray(indices, dtype=np.int64))
        L = np.array([system.box.Lx, system.box.Ly, system.box.Lz])
        dim = 2 if system.box.is2D else 3
        pos = np.asarray(system.positions)
        d = _min_image(pos[None, :, :] - pos[idx][:, None, :], L, dim)
        near = ((d**2).sum(-1) < self.r_cut**2).any(0)
        near[idx] = True
        dep = np.flatnonzero(near)
        return float(self.amplitude * (self._rho(system, dep) ** 2).sum())


@pytest.fixture
def embedding():
    return Embedding
