"""Compute every compiled freud_ext descriptor on a fixed system; save them to an ``.npz``.

Run by ``test_cache_determinism.py`` in fresh processes (``python _cache_probe.py OUT``).
"""

import sys

import freud
import numpy as np

from freud_ext.environment import ShellDescriptors, SymmetryFunctions
from freud_ext.locality import SANN
from freud_ext.order import BondOrderVector


def main(out: str) -> None:
    box, pts = freud.data.UnitCell.fcc().generate_system(5, sigma_noise=0.06, seed=3)
    typeid = np.arange(len(pts)) % 2
    nl = SANN().compute((box, pts)).nlist
    res = {"sann": np.c_[nl.query_point_indices, nl.point_indices]}
    bov = BondOrderVector(l=range(1, 9), wl=True, species=("all", "same")).compute(
        (box, pts), typeid=typeid, neighbors=nl)
    res["bop"] = bov.features
    res["bop_ql_average"] = BondOrderVector(average="ql").compute(
        (box, pts), neighbors=nl).features
    sf = SymmetryFunctions(r_cut=2.0, radial=[(1.0, 0.5), (4.0, 1.0)],
                           angular=[(0.5, 1.0, 1.0), (0.5, 2.0, -1.0)])
    sf.compute((box, pts), gradients=True)
    res["sf"], res["sf_gradients"] = sf.values, sf.gradients
    sd = ShellDescriptors(radial=[(1.0, 0.1), (1.4, 0.1)], angular=[(1.0, 0.1)], l=[4, 6])
    res["shell"] = sd.compute((box, pts)).features
    np.savez(out, **res)


if __name__ == "__main__":
    main(sys.argv[1])
