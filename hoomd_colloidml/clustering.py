"""Largest connected cluster of the particles of one class: the nucleation observable.

Two particles of the selected class belong to the same cluster when they are
neighbours (thesis Ch. 3.6: the size of the largest crystalline cluster measured on the
fly during nucleation). Connected components (as :class:`freud.cluster.Cluster` finds
them) are computed with :func:`scipy.sparse.csgraph.connected_components` on the
neighbour-list bonds whose both ends are selected.
"""

from __future__ import annotations

from typing import Any

import freud
import numpy as np
import scipy.sparse
import scipy.sparse.csgraph

from freud_ext.util import normalize_system

__all__ = ["largest_cluster", "DEFAULT_NEIGHBORS"]

#: Neighbour query used when none is given: a ball of 1.4 diameters (the first minimum of
#: g(r) of dense hard-sphere fluids and crystals lies near r = 1.4).
DEFAULT_NEIGHBORS = {"r_max": 1.4, "exclude_ii": True}


def largest_cluster(
    system: Any,
    mask: Any,
    neighbors: freud.locality.NeighborList | dict | None = None,
) -> tuple[int, np.ndarray]:
    """Size and members of the largest connected cluster of the selected particles.

    Args:
        system: Anything :func:`freud_ext.util.normalize_system` accepts.
        mask ((N,) numpy.ndarray of bool): Selected particles (e.g. ``labels == crystal``).
        neighbors: A :class:`freud.locality.NeighborList` over the system (for example
            the descriptor's SANN list) or freud query arguments;
            default :data:`DEFAULT_NEIGHBORS`.

    Returns:
        tuple: ``(size, members)``: the number of particles in the largest cluster (0
        when nothing is selected) and their indices, ``(size,)`` int64.

    Raises:
        ValueError: ``mask`` does not have one boolean per particle, or the neighbour
            list does not belong to a system of this size.

    Example:
        >>> import freud, numpy as np
        >>> box = freud.box.Box.cube(20)
        >>> pts = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [6, 0, 0], [7, 0, 0.]])
        >>> size, members = largest_cluster((box, pts), np.ones(5, bool), {"r_max": 1.1})
        >>> size, members.tolist()
        (3, [0, 1, 2])
        >>> largest_cluster((box, pts), np.array([1, 0, 1, 1, 1], bool), {"r_max": 1.1})[0]
        2
    """
    data = normalize_system(system)
    mask = np.asarray(mask)
    if mask.shape != (data.N,) or mask.dtype.kind not in "bi":
        raise ValueError(
            f"mask must be a boolean array with one entry per particle ({data.N},); got "
            f"shape {mask.shape} and dtype {mask.dtype}."
        )
    mask = mask.astype(bool)
    if not mask.any():
        return 0, np.zeros(0, dtype=np.int64)
    if neighbors is None:
        neighbors = DEFAULT_NEIGHBORS
    if isinstance(neighbors, freud.locality.NeighborList):
        nl = neighbors
        if nl.num_query_points != data.N or nl.num_points != data.N:
            raise ValueError(
                f"The neighbour list was built for {nl.num_query_points} particles; the "
                f"system has {data.N}."
            )
    elif isinstance(neighbors, dict):
        aq = freud.locality.AABBQuery(data.box, data.points)
        nl = aq.query(data.points, dict(neighbors)).toNeighborList()
    else:
        raise TypeError(
            "neighbors must be a freud.locality.NeighborList or a dict of query arguments; "
            f"got {type(neighbors).__name__}."
        )
    qi, pj = np.asarray(nl.query_point_indices), np.asarray(nl.point_indices)
    both = mask[qi] & mask[pj]
    # connected components of the bonds between selected particles (undirected, as
    # freud.cluster.Cluster; scipy avoids freud's slow NeighborList.filter)
    graph = scipy.sparse.coo_matrix(
        (np.ones(int(both.sum()), dtype=np.int8), (qi[both], pj[both])), shape=(data.N, data.N)
    )
    _, ids = scipy.sparse.csgraph.connected_components(graph, directed=True, connection="weak")
    counts = np.bincount(ids[mask])
    best = int(np.argmax(counts))
    members = np.flatnonzero(mask & (ids == best)).astype(np.int64)
    return int(counts[best]), members
