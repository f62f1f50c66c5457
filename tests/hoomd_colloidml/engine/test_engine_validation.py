"""Full-length equation-of-state validation of the engine (opt in with ``--validate``)."""

import numpy as np
import pytest
from scipy.optimize import brentq

from hoomd_colloidml.engine import NPT, MonteCarlo
from hoomd_colloidml.lattice.fluid import fluid


def carnahan_starling_eta(beta_p):
    f = lambda e: 6 * e / np.pi * (1 + e + e * e - e**3) / (1 - e) ** 3 - beta_p  # noqa: E731
    return brentq(f, 1e-9, 0.7)


def shy_disk_eta(beta_p):
    """Santos, Lopez de Haro & Yuste, J. Chem. Phys. 103, 4622 (1995) hard-disk EOS."""
    ecp = np.pi / (2 * np.sqrt(3))
    z = lambda e: 1 / (1 - 2 * e + (2 * ecp - 1) * e * e / ecp**2)  # noqa: E731
    return brentq(lambda e: z(e) * 4 * e / np.pi - beta_p, 1e-9, 0.8)


def run(n, beta_p, dim, eta0, sweeps, seed):
    mc = MonteCarlo(fluid(n, eta0, dimensions=dim, seed=seed), seed=seed, step_size=0.15,
                    box_step=0.005)
    ens = NPT(beta_p, box_trials=10)
    mc.run(2000, ens, progress=False, equilibrate=True, pressure_every=0)
    mc.run(sweeps, ens, progress=False, pressure_every=0)
    eta = mc.observables["packing_fraction"]
    blocks = np.array([b.mean() for b in np.array_split(eta, 20)])
    return blocks.mean(), blocks.std(ddof=1) / np.sqrt(len(blocks))


@pytest.mark.validate
@pytest.mark.parametrize("beta_p", [2.0, 5.0, 10.0])
def test_hard_spheres_n500_carnahan_starling_1_percent(beta_p):
    ref = carnahan_starling_eta(beta_p)
    eta, err = run(500, beta_p, 3, ref - 0.02, 50000, 1)
    print(f"beta P = {beta_p}: eta = {eta:.5f} +- {err:.5f}, CS {ref:.5f}, "
          f"rel. dev. {(eta - ref) / ref:+.4f}")
    assert abs(eta - ref) / ref < 0.01


@pytest.mark.validate
def test_hard_disks_beta_p_4_published_eos_1_percent():
    ref = shy_disk_eta(4.0)
    eta, err = run(400, 4.0, 2, ref + 0.02, 50000, 2)
    print(f"disks beta P = 4: eta = {eta:.5f} +- {err:.5f}, SHY {ref:.5f}, "
          f"rel. dev. {(eta - ref) / ref:+.4f}")
    assert abs(eta - ref) / ref < 0.01
