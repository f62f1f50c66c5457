import pytest

from tests.hoomd_colloidml.io.gsd_factory import write_trajectory


@pytest.fixture
def traj(tmp_path):
    return write_trajectory(str(tmp_path / "traj.gsd"))
