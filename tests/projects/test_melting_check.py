"""projects/binary_crystals/melting_check.py: direct coexistence of a binary crystal with its
fluid (a short run; the melting brackets themselves are in the project's README)."""

import numpy as np
import pytest

from hoomd_colloidml.studies.nucleation import bmcsl_pressure
from tests.projects._run import load_script

pytestmark = pytest.mark.slow


def test_short_melting_run_of_nacl(tmp_path):
    mod = load_script("binary_crystals", "melting_check")
    out = tmp_path / "melt.json"
    mod.main(["--phase", "nacl", "--packing-fractions", "0.58", "--sweeps", "100",
              "--out", str(out)])
    from hoomd_colloidml.studies import io

    [row] = io.read_json(out)["rows"]
    # the fluid slab sits at the BMCSL density of the crystal's pressure (x = 1/2, 0.45)
    assert bmcsl_pressure(row["eta_fluid"], 0.5, 0.45) == pytest.approx(row["pressure"])
    # the bond-order discriminant separates the bulk crystal from the bulk fluid
    assert row["bulk_crystal_like"] > 0.9 and row["bulk_fluid_crystal_like"] < 0.1
    trace = np.array(row["trace"])
    assert trace.shape == (11, 3) and np.all(np.diff(trace[:, 0]) == 10)
    # at the start most of the crystal slab is crystal-like, and no more than the slab
    # (its two interface layers count as fluid)
    share = row["n_crystal"] / row["N"]
    assert 0.5 * share < trace[0, 1] <= share
