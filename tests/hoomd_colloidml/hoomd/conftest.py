"""Shared fixtures of the HOOMD tests: a small crystal-vs-fluid model and its directory."""

import numpy as np
import pytest

from hoomd_colloidml.lattice import crystal, fluid, rattle


@pytest.fixture(scope="session")
def model():
    """Softmax network, FCC (1) vs fluid (0), on SANN-averaged q4, q6."""
    from freud_ext.order import BondOrderDescriptor
    from hoomd_colloidml.models import PhaseClassifier

    d = BondOrderDescriptor(l=[4, 6])
    X, y = [], []
    for seed in range(2):
        for s, lab in ((rattle(crystal("fcc", 3, 0.55), 0.03, seed=seed), 1),
                       (fluid(108, 0.3, seed=seed), 0)):
            f, names = d.describe(s)
            X.append(f)
            y.append(np.full(s.N, lab))
    return PhaseClassifier(max_epochs=60, random_state=0, descriptor_config=d.get_config(),
                           feature_names=names).fit(np.concatenate(X), np.concatenate(y))


@pytest.fixture(scope="session")
def model_dir(model, tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("hoomd_model") / "model")
    model.save(directory)
    return directory
