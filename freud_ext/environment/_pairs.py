"""Float64 pair lists within a cutoff, shared by the environment compute classes.

freud finds the neighbours (its AABB tree); the separation vectors are then recomputed in
float64 with the minimum-image convention, because freud's own vectors are float32 and the
descriptors and their gradients are checked to 1e-8.
"""

from __future__ import annotations

from dataclasses import dataclass

import freud
import numpy as np

from freud_ext.util import SystemData

__all__ = ["Pairs", "box_matrix", "half_width", "pairs_within", "check_cutoff"]


@dataclass(frozen=True)
class Pairs:
    """Ordered pairs (i, j), i != j, with |r_j - r_i| < r_max, sorted by i.

    Attributes:
        i ((P,) numpy.ndarray of int64): Centre particle.
        j ((P,) numpy.ndarray of int64): Neighbour.
        vectors ((P, 3) numpy.ndarray): Minimum-image r_j - r_i, float64.
        distances ((P,) numpy.ndarray): |r_j - r_i|.
        segments ((N + 1,) numpy.ndarray of int64): Pairs of particle i are
            ``segments[i]:segments[i + 1]``.
    """

    i: np.ndarray
    j: np.ndarray
    vectors: np.ndarray
    distances: np.ndarray
    segments: np.ndarray


def box_matrix(box: freud.box.Box) -> np.ndarray:
    """Lattice vectors as columns, (d, d) with d = 2 for 2D boxes, float64."""
    mat = np.asarray(box.to_matrix(), dtype=np.float64)
    return mat[:2, :2] if box.is2D else mat


def half_width(box: freud.box.Box) -> float:
    """Half the smallest distance between opposite box faces (largest safe cutoff)."""
    inv = np.linalg.inv(box_matrix(box))
    return 0.5 / float(np.max(np.linalg.norm(inv, axis=1)))


def check_cutoff(name: str, cls: str, r_cut: float, box: freud.box.Box) -> None:
    """Raise ValueError when ``r_cut`` exceeds half the box (minimum image breaks)."""
    hw = half_width(box)
    if r_cut > hw * (1 + 1e-12):
        raise ValueError(
            f"The '{name}' parameter of {cls} must be at most half the box width ({hw:g}) "
            f"so that every neighbour is counted once. Got {r_cut:g} instead; use a larger box."
        )


def pairs_within(data: SystemData, r_max: float) -> Pairs:
    """All ordered pairs closer than ``r_max`` (exclusive), float64 vectors.

    Args:
        data (SystemData): A validated system.
        r_max (float): Cutoff, at most half the box width (not checked here).

    Returns:
        Pairs
    """
    box = data.box
    points = data.points
    n = len(points)
    mat = box_matrix(box)
    inv = np.linalg.inv(mat)
    dim = mat.shape[0]
    r_query = float(r_max) * (1 + 1e-5) + 1e-9
    if r_query < half_width(box) * (1 - 1e-6):
        aq = freud.locality.AABBQuery(box, points)
        nl = aq.query(points, dict(r_max=r_query, exclude_ii=True)).toNeighborList()
        i = np.asarray(nl.query_point_indices, dtype=np.int64)
        j = np.asarray(nl.point_indices, dtype=np.int64)
    else:  # freud refuses r_max >= half the box: brute force, in chunks
        ii, jj = [], []
        cols = np.arange(n)
        for start in range(0, n, 256):
            rows = np.arange(start, min(n, start + 256))
            d = points[None, :, :dim] - points[rows, None, :dim]
            frac = d @ inv.T
            frac -= np.round(frac)
            r2 = np.einsum("abk,abk->ab", frac @ mat.T, frac @ mat.T)
            a, b = np.nonzero(r2 < r_query**2)
            keep = rows[a] != cols[b]
            ii.append(rows[a][keep])
            jj.append(cols[b][keep])
        i = np.concatenate(ii).astype(np.int64)
        j = np.concatenate(jj).astype(np.int64)
    d = points[j, :dim] - points[i, :dim]
    frac = d @ inv.T
    frac -= np.round(frac)
    d = frac @ mat.T
    vec = np.zeros((len(i), 3))
    vec[:, :dim] = d
    dist = np.sqrt(np.einsum("ij,ij->i", vec, vec))
    keep = dist < r_max
    i, j, vec, dist = i[keep], j[keep], vec[keep], dist[keep]
    order = np.lexsort((j, i))
    i, j, vec, dist = i[order], j[order], vec[order], dist[order]
    segments = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(i, minlength=n), out=segments[1:])
    return Pairs(i=i, j=j, vectors=vec, distances=dist, segments=segments)
