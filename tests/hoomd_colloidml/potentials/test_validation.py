"""Long validation runs (opt in with ``--validate``): fits on MC training data (Ch. 2.3.1,
Ch. 8.2) and NPT equations of state of fit vs reference (Fig. 2.7, smaller runs)."""

import copy

import numpy as np
import pytest

from freud_ext.environment import SymmetryFunctions
from hoomd_colloidml.engine import NPT, MonteCarlo
from hoomd_colloidml.lattice import crystal
from hoomd_colloidml.models import ForwardSelector
from hoomd_colloidml.potentials import AsakuraOosawa, ElasticShell, SymmetryFunctionPotential
from hoomd_colloidml.potentials.training_data import (
    asakura_oosawa_data,
    elastic_shell_data,
    shell_crystal,
)

pytestmark = pytest.mark.validate


def _npt_density(system, potentials, pressure, eq, prod, seed, box_moves="isotropic"):
    mc = MonteCarlo(system, potentials, seed=seed, step_size=0.02, box_step=0.005)
    mc.run(
        eq, NPT(pressure, box_moves=box_moves), progress=False, equilibrate=True, pressure_every=0
    )
    mc.run(prod, NPT(pressure, box_moves=box_moves), progress=False, pressure_every=0)
    rho = mc.observables["density"]
    blocks = [b.mean() for b in np.array_split(rho, 5)]
    return float(rho.mean()), float(np.std(blocks, ddof=1) / np.sqrt(5))


@pytest.fixture(scope="module")
def shell_mc_fit():
    data = elastic_shell_data(
        densities=np.round(np.arange(2.4, 4.61, 0.4), 2),
        n_snapshots=6,
        equilibration_sweeps=10,
        sweeps_between=4,
        sim_orientations=1,
        progress=False,
        seed=11,
    )
    return SymmetryFunctionPotential(scale=1.0).fit(
        data.frames,
        data.energies,
        SymmetryFunctions.pool_2d(1.0),
        selector=ForwardSelector(max_features=20, tol=1e-9),
        indices=data.indices,
    )


def test_shell_fit_on_mc_data(shell_mc_fit):
    pot = shell_mc_fit
    print("ES MC fit:", len(pot.selected_), pot.r2_test_, pot.rmse_train_, pot.rmse_test_)
    assert len(pot.selected_) <= 20
    assert pot.r2_test_ >= 0.999
    assert pot.rmse_test_ / pot.rmse_train_ <= 1.2


@pytest.mark.parametrize("beta_k, pressure", [(1.0, 6.0), (50.0, 30.0), (100.0, 50.0)])
def test_shell_npt_fit_vs_reference(shell_mc_fit, beta_k, pressure):
    """Fig. 2.7: mean density of fit and reference (N_o = 10) agree within 2 %."""
    fit = copy.deepcopy(shell_mc_fit).set_params(scale=beta_k)
    ref = ElasticShell(n_orientations=10, K=beta_k, random_state=5)
    start = shell_crystal("hex2d", 64, 4.6)
    r_fit, e_fit = _npt_density(start, [fit], pressure, 200, 1000, seed=1, box_moves="axes")
    r_ref, e_ref = _npt_density(start, [ref], pressure, 200, 1000, seed=2, box_moves="axes")
    print(
        f"ES beta K={beta_k} P={pressure}: fit {r_fit:.4f}+-{e_fit:.4f} "
        f"ref {r_ref:.4f}+-{e_ref:.4f}"
    )
    assert abs(r_fit - r_ref) <= 0.02 * r_ref


@pytest.fixture(scope="module")
def ao_mc_fit():
    data = asakura_oosawa_data(
        packing_fractions=(0.1, 0.2, 0.3, 0.4),
        eta_r=(0.2, 0.4, 0.6),
        n_particles=108,
        n_snapshots=10,
        equilibration_sweeps=100,
        sweeps_between=10,
        progress=False,
        seed=3,
    )
    return SymmetryFunctionPotential(
        pair_term={"kind": "asakura_oosawa", "q": 0.4, "eta_r": 0.3}
    ).fit(
        data.frames,
        data.energies,
        SymmetryFunctions.pool_3d(1.4),
        selector=ForwardSelector(max_features=20, tol=1e-9),
        indices=data.indices,
    )


def test_ao_fit_on_mc_data(ao_mc_fit):
    pot = ao_mc_fit
    print("AO MC fit:", len(pot.selected_), pot.r2_test_, pot.rmse_train_, pot.rmse_test_)
    assert len(pot.selected_) <= 20
    assert pot.r2_test_ >= 0.999
    assert pot.rmse_test_ / pot.rmse_train_ <= 1.2


@pytest.mark.parametrize("eta_r, pressure", [(0.3, 5.0), (0.15, 1.0)])
def test_ao_npt_fit_vs_reference(ao_mc_fit, eta_r, pressure):
    """q = 0.4, one-phase fluid states (away from the gas-liquid binodal): colloid density
    with the fitted vs the exact many-body term."""
    ao_fit = ao_mc_fit.set_params(pair_term={"kind": "asakura_oosawa", "q": 0.4, "eta_r": eta_r})
    ref = AsakuraOosawa(0.4, eta_r, n_theta=32, n_phi=64)
    start = crystal("fcc", 2, 0.3)
    r_fit, e_fit = _npt_density(start, [ao_fit], pressure, 200, 1000, seed=3)
    r_ref, e_ref = _npt_density(start, [ref], pressure, 200, 1000, seed=4)
    print(f"AO P={pressure}: fit {r_fit:.4f}+-{e_fit:.4f} ref {r_ref:.4f}+-{e_ref:.4f}")
    assert abs(r_fit - r_ref) <= 0.02 * r_ref
