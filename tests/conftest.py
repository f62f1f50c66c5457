"""Shared pytest configuration: optional-capability markers and opt-in validation runs."""

import importlib.util

import numpy as np
import pytest

HAVE_HOOMD = importlib.util.find_spec("hoomd") is not None


def pytest_addoption(parser):
    parser.addoption(
        "--validate",
        action="store_true",
        default=False,
        help="run long validation tests at the thesis's full sizes",
    )


def pytest_collection_modifyitems(config, items):
    skip_hoomd = pytest.mark.skip(reason="HOOMD-blue 4.x is not installed (import hoomd fails)")
    skip_val = pytest.mark.skip(reason="full-size validation: run with --validate")
    for item in items:
        if item.get_closest_marker("hoomd") is not None and not HAVE_HOOMD:
            item.add_marker(skip_hoomd)
        if item.get_closest_marker("validate") is not None and not config.getoption("--validate"):
            item.add_marker(skip_val)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
