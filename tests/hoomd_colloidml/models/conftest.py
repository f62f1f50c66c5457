"""Model tests run torch and freud on one thread (these networks and test systems are tiny;
on the shared 2-core machines extra threads only add contention). The previous settings are
restored after each module."""

import freud
import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    old_torch = torch.get_num_threads()
    old_freud = freud.parallel.get_num_threads()
    torch.set_num_threads(1)
    freud.parallel.set_num_threads(1)
    yield
    torch.set_num_threads(old_torch)
    freud.parallel.set_num_threads(old_freud or None)
