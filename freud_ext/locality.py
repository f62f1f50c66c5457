"""Neighbour lists: solid-angle nearest neighbours (SANN) in 2D and 3D, species filters.

SANN (van Meel, Filion, Valeriani and Frenkel, J. Chem. Phys. 136, 234107 (2012); thesis
Ch. 3.2) gives every particle its own cutoff: the neighbours ``j`` of ``i``, sorted by
distance ``r_1 <= r_2 <= ...``, are the smallest ``m >= 3`` closest particles whose solid
angles fill the sphere. In 3D, with the solid angle ``2 pi (1 - r_j / R)`` of neighbour ``j``
on a sphere of radius ``R``, the shell radius is ``R_m = sum_j r_j / (m - 2)`` and the shell
closes at the first ``m`` with ``R_m <= r_(m+1)`` -- the criterion of
:class:`freud.locality.FilterSANN`. In 2D, neighbour ``j`` subtends the angle
``2 arccos(r_j / R)`` and the shell closes at the first ``m`` whose angles, evaluated at
``R = r_(m+1)``, already sum to at least ``2 pi``.

The candidates come from a cell list over the (possibly triclinic) periodic box whose radius
grows, for the particles whose shell is not yet complete only, up to half the smallest box
width. The kernels are compiled with numba; on 10^5 particles they are an order of magnitude
faster than a freud ball query followed by ``FilterSANN`` (see ``benchmarks/``), and the test
suite checks that both give the same lists.
"""

from __future__ import annotations

from typing import Any

import freud
import numba as nb
import numpy as np

from freud_ext.util import Compute, computed_property, normalize_system, normalize_typeid

__all__ = ["SANN", "filter_types", "nlist_arrays"]

_SYMMETRIZE = ("remove", "add", None)
_GROW = 1.4  # factor by which the candidate radius grows for incomplete shells
_R0 = 1.8  # initial candidate radius in units of (V / N)^(1/d)


# --------------------------------------------------------------------------- kernels
@nb.njit(cache=True)
def _cell_lists(frac, ncell):
    """Counting sort of particles into cells; returns (cell start offsets, order, cell of i)."""
    n = frac.shape[0]
    cid = np.empty(n, dtype=np.int64)
    for i in range(n):
        c = np.empty(3, dtype=np.int64)
        for d in range(3):
            k = int(np.floor(frac[i, d] * ncell[d]))
            if k < 0:
                k = 0
            elif k >= ncell[d]:
                k = ncell[d] - 1
            c[d] = k
        cid[i] = (c[0] * ncell[1] + c[1]) * ncell[2] + c[2]
    ntot = ncell[0] * ncell[1] * ncell[2]
    start = np.zeros(ntot + 1, dtype=np.int64)
    for i in range(n):
        start[cid[i] + 1] += 1
    for c in range(ntot):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        order[fill[cid[i]]] = i
        fill[cid[i]] += 1
    return start, order, cid


@nb.njit(cache=True, inline="always")
def _less(da, ja, db, jb):
    return da < db or (da == db and ja < jb)


@nb.njit(cache=True)
def _collect(i, frac, fsorted, mat, ncell, start, order, cid, r_max, stencil_z, cd, cj, cs):
    """Candidates of particle i within r_max, sorted by (distance, index); returns count.

    ``cs`` receives the periodic image (shift in box vectors) of each candidate.
    """
    r2 = r_max * r_max
    xi = frac[i, 0]
    yi = frac[i, 1]
    zi = frac[i, 2]
    c = cid[i]
    cz = c % ncell[2]
    cy = (c // ncell[2]) % ncell[1]
    cx = c // (ncell[1] * ncell[2])
    n = 0
    for ox in range(-1, 2):
        jx = cx + ox
        sx = 0
        if jx < 0:
            jx += ncell[0]
            sx = -1
        elif jx >= ncell[0]:
            jx -= ncell[0]
            sx = 1
        for oy in range(-1, 2):
            jy = cy + oy
            sy = 0
            if jy < 0:
                jy += ncell[1]
                sy = -1
            elif jy >= ncell[1]:
                jy -= ncell[1]
                sy = 1
            for oz in range(-stencil_z, stencil_z + 1):
                jz = cz + oz
                sz = 0
                if jz < 0:
                    jz += ncell[2]
                    sz = -1
                elif jz >= ncell[2]:
                    jz -= ncell[2]
                    sz = 1
                cell = (jx * ncell[1] + jy) * ncell[2] + jz
                for p in range(start[cell], start[cell + 1]):
                    j = order[p]
                    fx = fsorted[p, 0] + sx - xi
                    fy = fsorted[p, 1] + sy - yi
                    fz = fsorted[p, 2] + sz - zi
                    vx = mat[0, 0] * fx + mat[0, 1] * fy + mat[0, 2] * fz
                    vy = mat[1, 1] * fy + mat[1, 2] * fz
                    vz = mat[2, 2] * fz
                    d2 = vx * vx + vy * vy + vz * vz
                    if d2 >= r2 or d2 == 0.0 and j == i:
                        continue
                    if n == cd.shape[0]:
                        return -1  # buffer full: caller enlarges it
                    d = np.sqrt(d2)
                    # insertion into the sorted prefix
                    k = n
                    while k > 0 and _less(d, j, cd[k - 1], cj[k - 1]):
                        cd[k] = cd[k - 1]
                        cj[k] = cj[k - 1]
                        cs[k, 0] = cs[k - 1, 0]
                        cs[k, 1] = cs[k - 1, 1]
                        cs[k, 2] = cs[k - 1, 2]
                        k -= 1
                    cd[k] = d
                    cj[k] = j
                    cs[k, 0] = sx
                    cs[k, 1] = sy
                    cs[k, 2] = sz
                    n += 1
    return n


@nb.njit(cache=True)
def _shell_size(cd, n, dim):
    """SANN shell size from n sorted candidate distances; -1 when the shell is incomplete."""
    if dim == 3:
        s = 0.0
        m = 0
        while m < 3 and m < n:
            s += cd[m]
            m += 1
        while m < n and s / (m - 2.0) > cd[m]:
            s += cd[m]
            m += 1
        return -1 if m >= n else m
    # 2D: close at the first m with sum_j arccos(r_j / r_(m+1)) >= pi
    for m in range(3, n):
        rn = cd[m]
        s = 0.0
        for k in range(m):
            x = cd[k] / rn
            if x < 1.0:
                s += np.arccos(x)
        if s >= np.pi * (1.0 - 1e-12):
            return m
    return -1


@nb.njit(cache=True, parallel=True)
def _sann_pass(idx, frac, mat, ncell, start, order, cid, r_max, dim, cap, counts, jbuf, sbuf,
               nthreads):
    """SANN for particles ``idx``: shell sizes into ``counts`` (-1: incomplete) and the
    shells, sorted by neighbour index, into rows of ``jbuf`` (index) and ``sbuf`` (image).

    Returns the largest number of candidates seen, or -1 if a buffer of size cap overflowed.
    """
    nidx = idx.shape[0]
    chunk = (nidx + nthreads - 1) // nthreads
    worst = np.zeros(nthreads, dtype=np.int64)
    stencil_z = 1 if dim == 3 else 0
    fsorted = np.empty((order.shape[0], 3))
    for p in range(order.shape[0]):
        fsorted[p] = frac[order[p]]
    for t in nb.prange(nthreads):
        cd = np.empty(cap, dtype=np.float64)
        cj = np.empty(cap, dtype=np.int64)
        cs = np.empty((cap, 3), dtype=np.int8)
        sj = np.empty(cap, dtype=np.int64)
        for q in range(t * chunk, min(nidx, (t + 1) * chunk)):
            i = idx[q]
            n = _collect(
                i, frac, fsorted, mat, ncell, start, order, cid, r_max, stencil_z, cd, cj, cs
            )
            if n < 0:
                worst[t] = -1
                break
            if n > worst[t]:
                worst[t] = n
            m = _shell_size(cd, n, dim)
            counts[i] = m
            # store the shell sorted by neighbour index
            for k in range(m):
                sj[k] = k
            for a in range(1, m):
                b = sj[a]
                k = a
                while k > 0 and cj[sj[k - 1]] > cj[b]:
                    sj[k] = sj[k - 1]
                    k -= 1
                sj[k] = b
            for k in range(m):
                jbuf[i, k] = cj[sj[k]]
                sbuf[i, k, 0] = cs[sj[k], 0]
                sbuf[i, k, 1] = cs[sj[k], 1]
                sbuf[i, k, 2] = cs[sj[k], 2]
    w = 0
    for t in range(nthreads):
        if worst[t] < 0:
            return -1
        w = max(w, worst[t])
    return w


@nb.njit(cache=True, parallel=True)
def _compact(frac, mat, counts, offsets, jbuf, sbuf):
    """Flat (point index, bond vector) arrays from the per-particle shell buffers."""
    n = counts.shape[0]
    pj = np.empty(offsets[n], dtype=np.int64)
    vec = np.empty((offsets[n], 3), dtype=np.float64)
    for i in nb.prange(n):
        o = offsets[i]
        for k in range(counts[i]):
            j = jbuf[i, k]
            fx = frac[j, 0] + sbuf[i, k, 0] - frac[i, 0]
            fy = frac[j, 1] + sbuf[i, k, 1] - frac[i, 1]
            fz = frac[j, 2] + sbuf[i, k, 2] - frac[i, 2]
            pj[o + k] = j
            vec[o + k, 0] = mat[0, 0] * fx + mat[0, 1] * fy + mat[0, 2] * fz
            vec[o + k, 1] = mat[1, 1] * fy + mat[1, 2] * fz
            vec[o + k, 2] = mat[2, 2] * fz
    return pj, vec


@nb.njit(cache=True, parallel=True)
def _reciprocal(offsets, pj):
    """For each bond (i, j) of a list sorted by (i, j): does j list i?"""
    n = offsets.shape[0] - 1
    keep = np.zeros(pj.shape[0], dtype=np.bool_)
    for i in nb.prange(n):
        for b in range(offsets[i], offsets[i + 1]):
            j = pj[b]
            lo = offsets[j]
            hi = offsets[j + 1]
            while lo < hi:  # binary search for i in j's sorted list
                mid = (lo + hi) // 2
                if pj[mid] < i:
                    lo = mid + 1
                else:
                    hi = mid
            keep[b] = lo < offsets[j + 1] and pj[lo] == i
    return keep


# --------------------------------------------------------------------------- helpers
def _plane_distances(box: freud.box.Box) -> np.ndarray:
    """Distances between opposite faces of the box along each box vector."""
    mat = np.array(box.to_matrix(), dtype=np.float64)
    a = [mat[:, 0], mat[:, 1], mat[:, 2]]
    if box.is2D:
        area = abs(a[0][0] * a[1][1] - a[0][1] * a[1][0])
        return np.array([area / np.linalg.norm(a[1]), area / np.linalg.norm(a[0]), np.inf])
    vol = abs(np.linalg.det(mat))
    return np.array([vol / np.linalg.norm(np.cross(a[(k + 1) % 3], a[(k + 2) % 3]))
                     for k in range(3)])


def _max_radius(box: freud.box.Box) -> float:
    """Largest candidate radius: just below half the smallest box width."""
    npd = _plane_distances(box)
    widths = npd[:2] if box.is2D else npd
    return 0.5 * float(widths.min()) * (1.0 - 1e-9)


def _box_matrix(box: freud.box.Box) -> np.ndarray:
    mat = np.array(box.to_matrix(), dtype=np.float64)
    if box.is2D:
        mat[2, 2] = 1.0  # fractional z is 0 anyway; keep the matrix invertible
    return mat


def _wrap64(box: freud.box.Box, vectors: np.ndarray) -> np.ndarray:
    """Minimum-image vectors in double precision (freud's ``Box.wrap`` returns float32)."""
    mat = _box_matrix(box)
    frac = np.linalg.solve(mat, np.asarray(vectors, dtype=np.float64).T)
    periodic = np.asarray(box.periodic, dtype=bool)
    frac[periodic] -= np.round(frac[periodic])
    if box.is2D:
        frac[2] = 0.0
    return (mat @ frac).T


def _fractional(box: freud.box.Box, points: np.ndarray) -> np.ndarray:
    frac = np.linalg.solve(_box_matrix(box), points.T).T + 0.5
    frac -= np.floor(frac)  # wrap points that sit exactly on the upper face
    if box.is2D:
        frac[:, 2] = 0.0
    return frac


def _grid(npd: np.ndarray, r: float, n: int, dim: int) -> np.ndarray:
    """Cells per box vector: widths >= r, and no more cells in total than ~8 per particle
    (coarser cells stay correct; they only hold more candidates)."""
    ncell = np.maximum(np.floor(np.minimum(npd / r, 1e6)).astype(np.int64), 1)
    if dim == 2:
        ncell[2] = 1
    while np.prod(ncell) > 8 * n + 64:
        k = int(np.argmax(ncell))
        ncell[k] = max(1, ncell[k] // 2)
    return ncell


def _offsets(counts: np.ndarray) -> np.ndarray:
    off = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=off[1:])
    return off


def _sann_bonds(box: freud.box.Box, points: np.ndarray, r_guess: float | None):
    """Directed SANN bonds sorted by (i, j): (counts, offsets, pj, vectors)."""
    n = len(points)
    dim = 2 if box.is2D else 3
    r_limit = _max_radius(box)
    if r_guess is None:
        vol = box.volume
        r = _R0 * (vol / n) ** (1.0 / dim)
    else:
        r = float(r_guess)
    r = min(r, r_limit)
    frac = _fractional(box, points)
    mat = _box_matrix(box)
    npd = _plane_distances(box)
    counts = np.full(n, -1, dtype=np.int64)
    pending = np.arange(n, dtype=np.int64)
    cap = 64
    jbuf = np.empty((n, cap), dtype=np.int32)
    sbuf = np.empty((n, cap, 3), dtype=np.int8)
    while True:
        ncell = _grid(npd, r, n, dim)
        start, order, cid = _cell_lists(frac, ncell)
        pending = pending[np.argsort(cid[pending], kind="stable")]
        while True:
            w = _sann_pass(pending, frac, mat, ncell, start, order, cid, r, dim, cap,
                           counts, jbuf, sbuf, nb.get_num_threads())
            if w >= 0:
                break
            cap *= 4  # more candidates than expected: enlarge the buffers, keep results
            jbuf = np.concatenate([jbuf, np.empty((n, cap - jbuf.shape[1]), np.int32)], 1)
            sbuf = np.concatenate([sbuf, np.empty((n, cap - sbuf.shape[1], 3), np.int8)], 1)
        pending = pending[counts[pending] < 0]
        if len(pending) == 0:
            break
        if r >= r_limit:
            i = int(pending[0])
            raise ValueError(
                f"{len(pending)} particle(s) have no complete SANN neighbour shell within "
                f"r = {r_limit:.6g}, half the smallest box width (first: particle {i} at "
                f"{points[i].tolist()}). SANN needs at least 4 particles "
                "around each particle; the system is too small or too dilute."
            )
        r = min(r * _GROW, r_limit)
    offsets = _offsets(counts)
    pj, vec = _compact(frac, mat, counts, offsets, jbuf, sbuf)
    if dim == 2:
        vec[:, 2] = 0.0
    return counts, offsets, pj, vec


def _symmetrize(offsets, pj, vec, mode, n):
    """Apply the symmetrization; returns (offsets, pj, vec) sorted by (i, j)."""
    if mode is None:
        return offsets, pj, vec
    keep = _reciprocal(offsets, pj)
    qi = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    if mode == "remove":
        qi, pj, vec = qi[keep], pj[keep], vec[keep]
    else:  # "add": the reverse of every unreciprocated bond
        miss = ~keep
        qi = np.concatenate([qi, pj[miss]])
        pj = np.concatenate([pj, np.repeat(np.arange(n), np.diff(offsets))[miss]])
        vec = np.concatenate([vec, -vec[miss]])
        o = np.lexsort((pj, qi))
        qi, pj, vec = qi[o], pj[o], vec[o]
    return _offsets(np.bincount(qi, minlength=n)), pj, vec


def _to_nlist(n: int, offsets: np.ndarray, pj: np.ndarray, vec: np.ndarray):
    qi = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    return freud.locality.NeighborList.from_arrays(n, n, qi, pj, vec)


def nlist_arrays(nlist: freud.locality.NeighborList, box: freud.box.Box, points: np.ndarray):
    """Bond arrays of a neighbour list, sorted by (query point, point), float64 vectors.

    Args:
        nlist (freud.locality.NeighborList): Neighbour list over ``points`` (both sets).
        box (freud.box.Box): The periodic box.
        points ((N, 3) numpy.ndarray): Positions the list refers to.

    Returns:
        tuple: ``(offsets (N+1,), query_point_indices (B,), point_indices (B,),
        vectors (B, 3))``; vectors point from the query point to the point and are
        recomputed in double precision from ``points``.

    Raises:
        TypeError: ``nlist`` is not a NeighborList.
        ValueError: The list does not refer to ``len(points)`` points.
    """
    if not isinstance(nlist, freud.locality.NeighborList):
        raise TypeError(
            f"Expected a freud.locality.NeighborList; got {type(nlist).__name__} instead."
        )
    n = len(points)
    if nlist.num_query_points != n or nlist.num_points != n:
        raise ValueError(
            f"The neighbour list refers to {nlist.num_query_points} query points and "
            f"{nlist.num_points} points, but the system has {n} particles."
        )
    qi = np.asarray(nlist.query_point_indices, dtype=np.int64)
    pj = np.asarray(nlist.point_indices, dtype=np.int64)
    if len(qi) and (np.any(qi[1:] < qi[:-1]) or np.any((qi[1:] == qi[:-1]) & (pj[1:] < pj[:-1]))):
        o = np.lexsort((pj, qi))
        qi, pj = qi[o], pj[o]
    vec = _wrap64(box, points[pj] - points[qi])
    return _offsets(np.bincount(qi, minlength=n)), qi, pj, vec


# --------------------------------------------------------------------------- public API
class SANN(Compute):
    r"""Solid-angle nearest neighbours (SANN) in 2D and 3D (thesis Ch. 3.2).

    The shell of particle ``i`` holds its ``m`` closest particles, with ``m`` the smallest
    number ``>= 3`` whose solid angles (3D) or angles (2D) fill the full sphere (circle);
    see the module docstring. Raw SANN is not symmetric; ``symmetrize`` chooses:

    - ``"remove"`` (default, the thesis's choice): drop ``j`` from ``i``'s list when ``j``
      does not list ``i``;
    - ``"add"``: add ``i`` to ``j``'s list when ``i`` lists ``j`` (union);
    - ``None``: keep the raw, directed lists.

    Args:
        symmetrize (str or None): ``"remove"``, ``"add"`` or ``None``.

    Example:
        >>> import freud
        >>> box, points = freud.data.UnitCell.fcc().generate_system(3)
        >>> sann = SANN().compute((box, points))
        >>> sann.nlist.neighbor_counts[:4].tolist()
        [12, 12, 12, 12]
    """

    def __init__(self, symmetrize: str | None = "remove"):
        if symmetrize not in _SYMMETRIZE:
            raise ValueError(
                "The 'symmetrize' parameter of SANN must be 'remove', 'add' or None. "
                f"Got {symmetrize!r} instead."
            )
        self.symmetrize = symmetrize

    def _repr_params(self) -> dict[str, Any]:
        return {"symmetrize": self.symmetrize}

    def compute(self, system: Any, r_guess: float | None = None) -> SANN:
        """Find the SANN neighbours of every particle.

        Args:
            system: Any system accepted by :func:`freud_ext.util.normalize_system`.
            r_guess (float): Initial candidate radius (length units). It grows by a factor
                1.4 for the particles whose shell is not complete, up to half the smallest
                box width (a larger guess starts there). Default: ``1.8 (V/N)^(1/d)``.

        Returns:
            SANN: ``self``.

        Raises:
            ValueError: Invalid system (see :func:`~freud_ext.util.normalize_system`), a
                non-periodic box, non-positive ``r_guess``, or a particle without a complete
                shell within half the smallest box width (e.g. an isolated particle).
        """
        data = normalize_system(system)
        if r_guess is not None:
            if isinstance(r_guess, bool) or not isinstance(r_guess, int | float | np.number):
                raise TypeError(
                    f"The 'r_guess' parameter of SANN.compute must be a float > 0 or None. "
                    f"Got {type(r_guess).__name__} instead."
                )
            if not np.isfinite(r_guess) or r_guess <= 0:
                raise ValueError(
                    "The 'r_guess' parameter of SANN.compute must be a float > 0 or None. "
                    f"Got {r_guess!r} instead."
                )
        dim = data.dimensions
        if not np.all(np.asarray(data.box.periodic)[:dim]):
            raise ValueError(
                "SANN needs a box that is periodic in every direction; got periodic = "
                f"{np.asarray(data.box.periodic)[:dim].tolist()}."
            )
        n = data.N
        counts, offsets, pj, vec = _sann_bonds(data.box, data.points, r_guess)
        offsets, pj, vec = _symmetrize(offsets, pj, vec, self.symmetrize, n)
        self._box = data.box
        self._points = data.points
        self._offsets, self._pj, self._vec = offsets, pj, vec
        self._raw_counts = counts
        self._nlist = None
        self._computed = True
        return self

    @computed_property
    def nlist(self) -> freud.locality.NeighborList:
        """freud.locality.NeighborList: Neighbours, sorted by query point then point,
        without self pairs (vectors point from the query point to its neighbour)."""
        if self._nlist is None:
            self._nlist = _to_nlist(len(self._points), self._offsets, self._pj, self._vec)
        return self._nlist

    @computed_property
    def raw_counts(self) -> np.ndarray:
        """(N,) numpy.ndarray: SANN shell sizes before symmetrization."""
        return self._raw_counts.copy()

    def _same_system(self, box: freud.box.Box, points: np.ndarray) -> bool:
        """Whether the last compute ran on exactly this box and these positions."""
        return (
            self._computed
            and self._box == box
            and self._points.shape == points.shape
            and np.array_equal(self._points, points)
        )

    def _bond_arrays(self):
        """(offsets, query_point_indices, point_indices, float64 vectors) of the result."""
        n = len(self._points)
        qi = np.repeat(np.arange(n, dtype=np.int64), np.diff(self._offsets))
        return self._offsets, qi, self._pj, self._vec


_MODES = ("all", "same", "different")


def _check_mode(mode: Any) -> Any:
    if isinstance(mode, str):
        if mode not in _MODES:
            raise ValueError(
                "The 'mode' parameter of filter_types must be 'all', 'same', 'different' or a "
                f"pair (type_i, type_j) of type ids. Got {mode!r} instead."
            )
        return mode
    if (
        isinstance(mode, tuple | list)
        and len(mode) == 2
        and all(isinstance(t, int | np.integer) and not isinstance(t, bool) for t in mode)
    ):
        if min(mode) < 0:
            raise ValueError(f"Type ids in the 'mode' pair must be >= 0. Got {tuple(mode)}.")
        return (int(mode[0]), int(mode[1]))
    raise TypeError(
        "The 'mode' parameter of filter_types must be 'all', 'same', 'different' or a pair "
        f"(type_i, type_j) of int type ids. Got {mode!r} instead."
    )


def _type_mask(qi: np.ndarray, pj: np.ndarray, typeid: np.ndarray, mode: Any) -> np.ndarray:
    if mode == "all":
        return np.ones(len(qi), dtype=bool)
    ti, tj = typeid[qi], typeid[pj]
    if mode == "same":
        return ti == tj
    if mode == "different":
        return ti != tj
    return (ti == mode[0]) & (tj == mode[1])


def filter_types(
    nlist: freud.locality.NeighborList, typeid: Any, mode: Any = "all"
) -> freud.locality.NeighborList:
    """Keep the bonds whose species match ``mode`` (thesis Eqs. 3.6, 4.5).

    Args:
        nlist (freud.locality.NeighborList): Neighbour list over N particles.
        typeid ((N,) array-like of int): Type of each particle.
        mode (str or tuple): ``"all"`` (every bond), ``"same"`` (``type_i == type_j``),
            ``"different"`` (``type_i != type_j``), or a pair ``(type_i, type_j)``: bonds from
            a query particle of type ``type_i`` to a neighbour of type ``type_j``.

    Returns:
        freud.locality.NeighborList: A new list with distances and weights kept; every
        particle keeps its place (query particles may be left without bonds).

    Raises:
        TypeError: ``nlist`` is not a NeighborList, ``mode`` is of the wrong type, or
            ``typeid`` does not hold integers.
        ValueError: Unknown ``mode`` string, or ``typeid`` of the wrong length.

    Example:
        >>> import freud, numpy as np
        >>> box = freud.box.Box.cube(10)
        >>> points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0.]])
        >>> nl = freud.locality.AABBQuery(box, points).query(
        ...     points, {"r_max": 1.5, "exclude_ii": True}).toNeighborList()
        >>> filter_types(nl, [0, 0, 1], "same").point_indices.tolist()
        [1, 0]
    """
    if not isinstance(nlist, freud.locality.NeighborList):
        raise TypeError(
            "The 'nlist' parameter of filter_types must be a freud.locality.NeighborList. "
            f"Got {type(nlist).__name__} instead."
        )
    mode = _check_mode(mode)
    if nlist.num_query_points != nlist.num_points:
        raise ValueError(
            "filter_types needs a list of one particle set with itself; got "
            f"{nlist.num_query_points} query points and {nlist.num_points} points."
        )
    typeid = normalize_typeid(typeid, nlist.num_points)
    qi = np.asarray(nlist.query_point_indices)
    pj = np.asarray(nlist.point_indices)
    mask = _type_mask(qi, pj, typeid, mode)
    return freud.locality.NeighborList.from_arrays(
        nlist.num_query_points,
        nlist.num_points,
        qi[mask],
        pj[mask],
        np.asarray(nlist.vectors)[mask],
        np.asarray(nlist.weights)[mask],
    )
