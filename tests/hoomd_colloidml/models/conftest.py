"""Model tests: one torch thread (these networks are tiny; extra threads only add overhead
on the shared 2-core machines); the previous setting is restored after each test."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)
