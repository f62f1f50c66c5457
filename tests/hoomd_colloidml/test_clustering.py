"""Largest connected cluster of a class, checked against freud on the selected subset."""

from __future__ import annotations

import freud
import numpy as np
import pytest

from hoomd_colloidml.clustering import largest_cluster


def _reference(box, pts, mask, r_max):
    """freud.cluster.Cluster on the selected points only (an independent construction)."""
    sub = pts[mask]
    if len(sub) == 0:
        return 0, np.zeros(0, int)
    cl = freud.cluster.Cluster().compute((box, sub), neighbors={"r_max": r_max})
    sizes = np.bincount(cl.cluster_idx)
    best = np.argmax(sizes)
    return int(sizes[best]), np.flatnonzero(mask)[cl.cluster_idx == best]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_freud_on_subset(seed):
    rng = np.random.default_rng(seed)
    box = freud.box.Box.cube(12.0)
    pts = box.wrap(rng.uniform(-6, 6, (600, 3)))
    mask = rng.random(600) < 0.6
    size, members = largest_cluster((box, pts), mask, {"r_max": 1.3})
    ref_size, ref_members = _reference(box, pts, mask, 1.3)
    assert size == ref_size > 1
    np.testing.assert_array_equal(np.sort(members), np.sort(ref_members))


def test_neighbor_list_argument_and_empty_selection():
    box, pts = freud.data.UnitCell.fcc().generate_system(3, scale=1.5)
    nl = freud.locality.AABBQuery(box, pts).query(
        pts, {"num_neighbors": 12, "exclude_ii": True}).toNeighborList()
    assert largest_cluster((box, pts), np.ones(len(pts), bool), nl)[0] == len(pts)
    assert largest_cluster((box, pts), np.zeros(len(pts), bool), nl) [0] == 0


def test_validation():
    box, pts = freud.data.UnitCell.fcc().generate_system(2)
    with pytest.raises(ValueError, match="one entry per particle"):
        largest_cluster((box, pts), np.ones(3, bool))
    with pytest.raises(TypeError, match="NeighborList or a dict"):
        largest_cluster((box, pts), np.ones(len(pts), bool), neighbors=1.5)
    other = freud.locality.AABBQuery(box, pts[:5]).query(
        pts[:5], {"r_max": 0.9, "exclude_ii": True}).toNeighborList()
    with pytest.raises(ValueError, match="built for 5 particles"):
        largest_cluster((box, pts), np.ones(len(pts), bool), other)
