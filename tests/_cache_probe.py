"""Run every compiled kernel family on fixed inputs; save the results to an ``.npz``.

Run by ``test_cache_determinism.py`` in fresh processes (``python _cache_probe.py OUT``):
freud_ext descriptors (SANN, bond-order vectors, symmetry functions with gradients, shell
descriptors), the embedded engine (hard-sphere NVT and NPT Monte Carlo) and the many-body
potentials (elastic shells, Asakura–Oosawa, a symmetry-function fit with forces and its
compiled Monte Carlo sweeps).
"""

import sys

import freud
import numpy as np

from freud_ext.environment import ShellDescriptors, SymmetryFunctions
from freud_ext.locality import SANN
from freud_ext.order import BondOrderVector
from hoomd_colloidml.engine import NPT, NVT, MonteCarlo
from hoomd_colloidml.lattice import crystal, rattle
from hoomd_colloidml.models import ForwardSelector
from hoomd_colloidml.potentials import AsakuraOosawa, ElasticShell, SymmetryFunctionPotential
from hoomd_colloidml.potentials.training_data import shell_crystal


def descriptors(res: dict) -> None:
    box, pts = freud.data.UnitCell.fcc().generate_system(5, sigma_noise=0.06, seed=3)
    typeid = np.arange(len(pts)) % 2
    nl = SANN().compute((box, pts)).nlist
    res["sann"] = np.c_[nl.query_point_indices, nl.point_indices]
    res["bop"] = BondOrderVector(l=range(1, 9), wl=True, species=("all", "same")).compute(
        (box, pts), typeid=typeid, neighbors=nl).features
    res["bop_ql_average"] = BondOrderVector(average="ql").compute(
        (box, pts), neighbors=nl).features
    sf = SymmetryFunctions(r_cut=2.0, radial=[(1.0, 0.5), (4.0, 1.0)],
                           angular=[(0.5, 1.0, 1.0), (0.5, 2.0, -1.0)])
    sf.compute((box, pts), gradients=True)
    res["sf"], res["sf_gradients"] = sf.values, sf.gradients
    sd = ShellDescriptors(radial=[(1.0, 0.1), (1.4, 0.1)], angular=[(1.0, 0.1)], l=[4, 6])
    res["shell"] = sd.compute((box, pts)).features


def engine(res: dict) -> None:
    mc = MonteCarlo(crystal("fcc", 3, 0.50), seed=5)
    mc.run(30, ensemble=NVT(), progress=False)
    res["mc_nvt"] = mc.system.positions
    mc.run(30, ensemble=NPT(12.0), progress=False)
    res["mc_npt"] = np.r_[mc.system.positions.ravel(), mc.system.box.L]


def potentials(res: dict) -> None:
    s2 = rattle(shell_crystal("hex2d", 16, 3.0), 0.03, seed=1)
    res["elastic_shell"] = ElasticShell(n_points=50, n_orientations=4).energies(s2)
    s3 = rattle(crystal("fcc", 2, 0.35), 0.05, seed=2)
    ao = AsakuraOosawa(0.4, 0.3, n_theta=16, n_phi=32)
    res["ao_energies"] = ao.energies(s3)
    res["ao_forces"] = np.concatenate([np.ravel(x) for x in ao.forces(s3)])
    frames = [rattle(crystal("fcc", 2, 0.35), 0.05, seed=k) for k in range(8)]
    targets = [ao.many_body_energies(f) / ao.z_p for f in frames]
    pot = SymmetryFunctionPotential(
        pair_term={"kind": "asakura_oosawa", "q": 0.4, "eta_r": 0.3}, random_state=0
    ).fit(frames, targets, SymmetryFunctions.pool_3d(1.4),
          selector=ForwardSelector(max_features=4, tol=1e-8))
    res["sf_fit_energies"] = pot.energies(s3)
    res["sf_fit_forces"] = np.concatenate([np.ravel(x) for x in pot.forces(s3)])
    mc = MonteCarlo(s3, [pot], seed=7, step_size=0.05)  # the fit's compiled MC sweeps
    mc.run(10, ensemble=NVT(), progress=False)
    mc.run(5, ensemble=NPT(2.0), progress=False)
    res["sf_fit_mc"] = np.r_[mc.system.positions.ravel(), mc.system.box.L, mc.energy]


def main(out: str) -> None:
    res: dict = {}
    descriptors(res)
    engine(res)
    potentials(res)
    np.savez(out, **res)


if __name__ == "__main__":
    main(sys.argv[1])
