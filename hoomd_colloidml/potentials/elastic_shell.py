"""The many-body elastic-shell model of thesis Ch. 2.2 (Eqs. 2.1-2.3).

Each particle is a sphere of diameter ``sigma``: a hard core of diameter ``sigma / 2``
and a deformable shell of radius ``R = sigma / 2``. The shell is discretised by ``N_p``
approximately equidistributed points (a golden-spiral / Fibonacci lattice) with
weights ``w_k`` equal to the areas of their spherical Voronoi cells. When the shells of
particles ``i`` and ``j`` overlap (``r_ij < sigma``), every point of ``i`` lying beyond
the plane of the disk of intersection (the plane at ``r_ij / 2`` perpendicular to
``r_ij``) is pushed radially onto that plane, a deformation
``dr_jk = R - r_ij / (2 cos(theta_jk))``. With several neighbours the deformation of
point ``k`` is the largest one, ``dr_k = max_j dr_jk`` (Eq. 2.3), and the elastic energy
of particle ``i`` is (Eq. 2.1)

    ``U_i = K / 2 * sum_k (w_k / sigma^2) (dr_k / sigma)^2``,

averaged over ``N_o`` random orientations of the point set. The per-particle energy is
the energy stored in the shell of that particle, so the many-body energy splits into
per-particle terms naturally; the total energy is ``sum_i U_i``. In the continuum limit
the energy of one of two overlapping particles is Eq. 2.2,
``U_i = K pi / 16 [1 - x^2 + 2 x ln x]`` with ``x = r_ij / sigma`` (:func:`pair_energy`).

Centres may be in 3D or in a plane (the thesis's quasi-2D geometry: spherical shells
whose centres lie in the ``z = 0`` plane); the same spherical point set serves both.
"""

from __future__ import annotations

from typing import Any

import freud
import numba
import numpy as np

from freud_ext.util import normalize_system
from hoomd_colloidml.potentials.base import ManyBodyPotential

__all__ = ["ElasticShell", "pair_energy", "shell_points"]


def _check_positive(cls: str, name: str, value: Any, kind: type = float) -> Any:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if kind is int:
        ok = ok and float(value) == int(value)
    if not ok or not np.isfinite(value) or value <= 0:
        what = "a positive int" if kind is int else "a positive finite float"
        raise ValueError(f"The '{name}' parameter of {cls} must be {what}. Got {value!r} instead.")
    return kind(value)


def shell_points(n_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Approximately equidistributed unit vectors and their spherical Voronoi areas.

    Args:
        n_points (int): Number of points ``N_p`` (at least 4).

    Returns:
        tuple: ``(points, areas)`` with ``points`` an ``(N_p, 3)`` array of unit vectors
        (Fibonacci lattice) and ``areas`` an ``(N_p,)`` array of Voronoi-cell areas on the
        unit sphere that sum to ``4 pi``.

    Example:
        >>> import numpy as np
        >>> p, a = shell_points(200)
        >>> p.shape, bool(np.isclose(a.sum(), 4 * np.pi))
        ((200, 3), True)
    """
    from scipy.spatial import SphericalVoronoi

    n = int(n_points)
    if n < 4:
        raise ValueError(f"The 'n_points' parameter must be an int >= 4. Got {n_points!r} instead.")
    i = np.arange(n) + 0.5
    z = 1.0 - 2.0 * i / n
    phi = np.pi * (1.0 + 5**0.5) * i
    rho = np.sqrt(1.0 - z * z)
    pts = np.column_stack([rho * np.cos(phi), rho * np.sin(phi), z])
    areas = SphericalVoronoi(pts, radius=1.0).calculate_areas()
    return pts, np.asarray(areas, dtype=np.float64)


def pair_energy(r: Any, sigma: float = 1.0, K: float = 1.0) -> np.ndarray:  # noqa: N803
    """Analytic continuum energy of ONE of two overlapping shells (thesis Eq. 2.2).

    Args:
        r ((M,) numpy.ndarray or float): Centre distances.
        sigma (float): Shell diameter.
        K (float): Elastic constant (energy units, kT).

    Returns:
        (M,) numpy.ndarray: ``K pi/16 [1 - x^2 + 2 x ln x]`` for ``x = r/sigma < 1``, else 0.

    Example:
        >>> float(pair_energy(1.0))
        0.0
    """
    x = np.asarray(r, dtype=np.float64) / sigma
    with np.errstate(divide="ignore", invalid="ignore"):
        u = K * np.pi / 16.0 * (1.0 - x * x + 2.0 * x * np.log(np.where(x > 0, x, 1.0)))
    return np.where(x < 1.0, u, 0.0)


@numba.njit(cache=True, inline="always")
def _deformation(px, py, pz, ux, uy, uz, half, m, R):  # noqa: N803
    """δr of Eq. 2.3 at the shell point along ``(px, py, pz)``: the largest radial push by
    the first ``m`` overlapping neighbours (unit directions ``u``, half distances)."""
    dmax = 0.0
    for q in range(m):
        cth = px * ux[q] + py * uy[q] + pz * uz[q]
        if cth * R > half[q]:
            d = R - half[q] / cth
            if d > dmax:
                dmax = d
    return dmax


@numba.njit(cache=True)
def _shell_kernel(targets, starts, counts, nbr, vecs, excluded, dirs, w, sigma, scale):
    """Per-target shell energies; neighbours flagged in ``excluded`` are ignored."""
    n_t = targets.shape[0]
    n_o = dirs.shape[0]
    n_p = dirs.shape[1]
    R = 0.5 * sigma
    out = np.zeros(n_t)
    for t in range(n_t):
        s = starts[t]
        c = counts[t]
        # collect active neighbours: unit vectors and half distances
        m = 0
        ux = np.empty(c)
        uy = np.empty(c)
        uz = np.empty(c)
        half = np.empty(c)
        core = False
        for q in range(c):
            j = nbr[s + q]
            if excluded[j]:
                continue
            vx = vecs[s + q, 0]
            vy = vecs[s + q, 1]
            vz = vecs[s + q, 2]
            r = np.sqrt(vx * vx + vy * vy + vz * vz)
            if r >= sigma:
                continue
            if r < R:
                core = True
                break
            ux[m] = vx / r
            uy[m] = vy / r
            uz[m] = vz / r
            half[m] = 0.5 * r
            m += 1
        if core:
            out[t] = np.inf
            continue
        if m == 0:
            continue
        acc = 0.0
        for o in range(n_o):
            for k in range(n_p):
                dmax = _deformation(dirs[o, k, 0], dirs[o, k, 1], dirs[o, k, 2], ux, uy, uz,
                                    half, m, R)
                if dmax > 0.0:
                    acc += w[k] * dmax * dmax
        out[t] = scale * acc / n_o
    return out


@numba.njit(cache=True)
def _shell_diff_kernel(targets, starts, counts, nbr, vecs, flagged, dirs, w, sigma, scale):
    """Per-target ``U_i - U_i(without flagged neighbours)`` in one pass.

    Points not deformed by any flagged neighbour contribute nothing and are skipped after
    testing the flagged neighbours only.
    """
    n_t = targets.shape[0]
    n_o = dirs.shape[0]
    n_p = dirs.shape[1]
    R = 0.5 * sigma
    out = np.zeros(n_t)
    for t in range(n_t):
        s = starts[t]
        c = counts[t]
        fx = np.empty(c)
        fy = np.empty(c)
        fz = np.empty(c)
        fh = np.empty(c)
        ox = np.empty(c)
        oy = np.empty(c)
        oz = np.empty(c)
        oh = np.empty(c)
        mf = 0
        mo = 0
        core = False
        for q in range(c):
            vx = vecs[s + q, 0]
            vy = vecs[s + q, 1]
            vz = vecs[s + q, 2]
            r = np.sqrt(vx * vx + vy * vy + vz * vz)
            if r >= sigma:
                continue
            if r < R:
                core = True
                break
            if flagged[nbr[s + q]]:
                fx[mf] = vx / r
                fy[mf] = vy / r
                fz[mf] = vz / r
                fh[mf] = 0.5 * r
                mf += 1
            else:
                ox[mo] = vx / r
                oy[mo] = vy / r
                oz[mo] = vz / r
                oh[mo] = 0.5 * r
                mo += 1
        if core:
            out[t] = np.inf
            continue
        if mf == 0:
            continue
        acc = 0.0
        for o in range(n_o):
            for k in range(n_p):
                px = dirs[o, k, 0]
                py = dirs[o, k, 1]
                pz = dirs[o, k, 2]
                df = _deformation(px, py, pz, fx, fy, fz, fh, mf, R)
                if df == 0.0:
                    continue
                du = _deformation(px, py, pz, ox, oy, oz, oh, mo, R)
                if df > du:
                    acc += w[k] * (df * df - du * du)
        out[t] = scale * acc / n_o
    return out


def _box_matrix(box: freud.box.Box) -> np.ndarray:
    m = np.asarray(box.to_matrix(), dtype=np.float64)
    if box.is2D:
        m[2, 2] = 1.0
    return m


_MATRIX_CACHE: dict = {}


def _box_matrices(box: freud.box.Box) -> tuple[np.ndarray, np.ndarray]:
    """(matrix, inverse) of a box, cached by the box parameters."""
    key = (box.Lx, box.Ly, box.Lz, box.xy, box.xz, box.yz, box.is2D)
    hit = _MATRIX_CACHE.get(key)
    if hit is None:
        m = _box_matrix(box)
        hit = (m, np.linalg.inv(m))
        if len(_MATRIX_CACHE) > 256:
            _MATRIX_CACHE.clear()
        _MATRIX_CACHE[key] = hit
    return hit


def wrap64(box: freud.box.Box, points: np.ndarray) -> np.ndarray:
    """Wrap points into the box in float64 (freud's ``Box.wrap`` works in float32)."""
    m = _box_matrix(box)
    frac = np.asarray(points, dtype=np.float64) @ np.linalg.inv(m).T + 0.5
    if box.is2D:
        frac[:, 2] = 0.5
    frac -= np.floor(frac)
    out = (frac - 0.5) @ m.T
    if box.is2D:
        out[:, 2] = 0.0
    return out


def min_image64(box: freud.box.Box, vectors: np.ndarray) -> np.ndarray:
    """Minimum-image separation vectors in float64."""
    m = _box_matrix(box)
    frac = np.asarray(vectors, dtype=np.float64) @ np.linalg.inv(m).T
    if box.is2D:
        frac[:, 2] = 0.0
    frac -= np.round(frac)
    out = frac @ m.T
    if box.is2D:
        out[:, 2] = 0.0
    return out


@numba.njit(cache=True)
def _brute_pairs(points, targets, mat, inv, is2d, r_max):
    """All (target, j) pairs with minimum-image distance < r_max, float64 (O(T N))."""
    n = points.shape[0]
    nt = targets.shape[0]
    r2 = r_max * r_max
    counts = np.zeros(nt, dtype=np.int64)
    cap = 64 * nt + 16
    nbr = np.empty(cap, dtype=np.int64)
    vec = np.empty((cap, 3))
    m = 0
    d = np.empty(3)
    f = np.empty(3)
    for t in range(nt):
        i = targets[t]
        for j in range(n):
            if j == i:
                continue
            for a in range(3):
                d[a] = points[j, a] - points[i, a]
            for a in range(3):
                f[a] = inv[a, 0] * d[0] + inv[a, 1] * d[1] + inv[a, 2] * d[2]
            if is2d:
                f[2] = 0.0
            for a in range(3):
                f[a] -= np.floor(f[a] + 0.5)
            dd = 0.0
            for a in range(3):
                d[a] = mat[a, 0] * f[0] + mat[a, 1] * f[1] + mat[a, 2] * f[2]
                dd += d[a] * d[a]
            if dd < r2:
                if m == cap:
                    cap *= 2
                    nbr2 = np.empty(cap, dtype=np.int64)
                    vec2 = np.empty((cap, 3))
                    nbr2[:m] = nbr[:m]
                    vec2[:m] = vec[:m]
                    nbr = nbr2
                    vec = vec2
                nbr[m] = j
                for a in range(3):
                    vec[m, a] = d[a]
                if is2d:
                    vec[m, 2] = 0.0
                counts[t] += 1
                m += 1
    starts = np.zeros(nt, dtype=np.int64)
    for t in range(1, nt):
        starts[t] = starts[t - 1] + counts[t - 1]
    return starts, counts, nbr[:m].copy(), vec[:m].copy()


def _neighbors(box: freud.box.Box, points: np.ndarray, targets: np.ndarray, r_max: float):
    """Pairs (target, neighbour) within ``r_max`` as segment arrays for the kernels.

    Few targets: a float64 brute-force numba search. Otherwise freud finds the pairs
    (with a small skin, as it works in float32) and the separation vectors are recomputed
    in float64.
    """
    targets = np.ascontiguousarray(targets, dtype=np.int64)
    if len(targets) * len(points) <= 200_000:
        m = _box_matrix(box)
        return _brute_pairs(
            np.ascontiguousarray(points, dtype=np.float64),
            targets,
            m,
            np.linalg.inv(m),
            bool(box.is2D),
            float(r_max),
        )
    aq = freud.locality.AABBQuery(box, points)
    query = dict(r_max=r_max * (1.0 + 1e-5))
    nl = aq.query(points[targets], query).toNeighborList(sort_by_distance=False)
    qi = np.asarray(nl.query_point_indices)
    pj = np.asarray(nl.point_indices)
    keep = pj != targets[qi]
    qi, pj = qi[keep], pj[keep]
    vec = min_image64(box, points[pj] - points[targets[qi]])
    order = np.argsort(qi, kind="stable")
    qi, pj, vec = qi[order], pj[order], np.ascontiguousarray(vec[order])
    counts = np.bincount(qi, minlength=len(targets)).astype(np.int64)
    starts = np.zeros(len(targets), dtype=np.int64)
    starts[1:] = np.cumsum(counts)[:-1]
    return starts, counts, pj.astype(np.int64), vec


def _near(box: freud.box.Box, points: np.ndarray, indices: np.ndarray, r_max: float):
    """Sorted union of ``indices`` and all particles within ``r_max`` of them."""
    indices = np.ascontiguousarray(indices, dtype=np.int64)
    if len(indices) * len(points) <= 200_000:
        _, _, nbr, _ = _neighbors(box, points, indices, r_max)
        return np.union1d(indices, nbr).astype(np.int64)
    aq = freud.locality.AABBQuery(box, points)
    nl = aq.query(points[indices], dict(r_max=r_max * (1.0 + 1e-5))).toNeighborList()
    return np.union1d(indices, np.asarray(nl.point_indices)).astype(np.int64)


def _as_indices(indices: Any, n: int) -> np.ndarray:
    idx = np.atleast_1d(np.asarray(indices))
    if idx.dtype == bool:
        idx = np.flatnonzero(idx)
    if idx.size and (not np.issubdtype(idx.dtype, np.integer) or idx.min() < -n or idx.max() >= n):
        raise ValueError(f"indices must be integers in [0, {n}); got {indices!r}.")
    return np.unique(np.mod(idx.astype(np.int64), n))


def fd_forces_virial(
    potential: ManyBodyPotential, system: Any, h: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reference forces and virial by central finite differences of the energy.

    Forces ``F_i = -dE/dr_i`` use :meth:`ManyBodyPotential.local_energy` differences
    (exact for the local-energy definition used here); the virial is
    ``W_ab = -dE/d eps_ab`` for the affine strain ``x_a -> x_a + eps_ab x_b`` applied to
    all separation vectors (the potential's ``_strained_energy``; exact in float64, unlike
    a strained freud box, whose lengths are float32), in HOOMD order xx, xy, xz, yy, yz, zz.

    Args:
        potential (ManyBodyPotential): The potential.
        system: Any system :func:`freud_ext.util.normalize_system` accepts.
        h (float): Step (length units for forces, strain units for the virial).

    Returns:
        tuple: ``(energies (N,), forces (N, dim), virial (6,))``.
    """
    data = normalize_system(system)
    box, pts = data.box, data.points
    dim = data.dimensions
    e = potential.energies((box, pts))
    forces = np.zeros((data.N, dim))
    for i in range(data.N):
        for a in range(dim):
            p = pts.copy()
            p[i, a] += h
            ep = potential.local_energy((box, wrap64(box, p)), [i])
            p[i, a] -= 2 * h
            em = potential.local_energy((box, wrap64(box, p)), [i])
            forces[i, a] = -(ep - em) / (2 * h)
    virial = np.zeros(6)
    comps = [(0, 0, 0), (1, 0, 1), (2, 0, 2), (3, 1, 1), (4, 1, 2), (5, 2, 2)]
    for slot, a, b in comps:
        if dim == 2 and (a == 2 or b == 2):
            continue
        es = []
        for sgn in (1.0, -1.0):
            strain = np.eye(3)
            strain[a, b] += sgn * h
            es.append(potential._strained_energy(box, pts, strain))
        virial[slot] = -(es[0] - es[1]) / (2 * h)
    return e, forces, virial


class ElasticShell(ManyBodyPotential):
    """Many-body elastic-shell reference model (thesis Ch. 2.2, Eqs. 2.1-2.3).

    Args:
        n_points (int): Shell points ``N_p`` (thesis: 200).
        n_orientations (int): Random orientations ``N_o`` averaged over (thesis: 100;
            10 in the NPT validation).
        K (float): Elastic constant in kT (``beta K``).
        sigma (float): Shell diameter (the hard core has diameter ``sigma / 2``).
        random_state (int): Seed of the random orientations (fixed at construction, so
            the energy is a deterministic function of the positions).

    Attributes:
        r_cut (float): ``sigma``: a particle's energy depends on particles closer than it.

    Hard-core overlaps (``r < sigma / 2``) give an infinite energy; give the systems
    ``diameters = sigma / 2`` so that the engine's hard cores reject them first.

    Example:
        >>> import freud, numpy as np
        >>> pot = ElasticShell(n_points=200, n_orientations=4, K=1.0)
        >>> box = freud.box.Box.square(5.0)
        >>> pos = np.array([[0.0, 0, 0], [0.8, 0, 0]])
        >>> u = pot.energies((box, pos))
        >>> bool(abs(u[0] - pair_energy(0.8)) < 2e-3 * np.pi / 16)
        True
    """

    local_energy_is_removal = True

    def __init__(
        self,
        n_points: int = 200,
        n_orientations: int = 100,
        K: float = 1.0,  # noqa: N803
        sigma: float = 1.0,
        random_state: int = 0,
    ) -> None:
        cls = type(self).__name__
        self.n_points = _check_positive(cls, "n_points", n_points, int)
        if self.n_points < 4:
            raise ValueError(
                f"The 'n_points' parameter of {cls} must be an int >= 4. Got {n_points!r} instead."
            )
        self.n_orientations = _check_positive(cls, "n_orientations", n_orientations, int)
        self.K = _check_positive(cls, "K", K)
        self.sigma = _check_positive(cls, "sigma", sigma)
        self.random_state = int(random_state)
        self.r_cut = self.sigma
        from scipy.spatial.transform import Rotation

        pts, areas = shell_points(self.n_points)
        rot = Rotation.random(self.n_orientations, random_state=self.random_state)
        self._dirs = np.ascontiguousarray(
            np.einsum("oab,kb->oka", rot.as_matrix(), pts), dtype=np.float64
        )
        # Voronoi areas on the shell of radius sigma/2, in units of sigma^2.
        self._w = np.ascontiguousarray(areas * (0.5 * self.sigma) ** 2)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(n_points={self.n_points}, "
            f"n_orientations={self.n_orientations}, K={self.K!r}, sigma={self.sigma!r}, "
            f"random_state={self.random_state})"
        )

    @property
    def weights(self) -> np.ndarray:
        """(N_p,) numpy.ndarray: Voronoi areas ``w_k`` of the shell points (sum ``pi sigma^2``)."""
        return self._w.copy()

    def _scale(self) -> float:
        return 0.5 * self.K / self.sigma**4

    def _energies_of(self, box, pts, targets, excluded=None, strain=None) -> np.ndarray:
        targets = np.asarray(targets, dtype=np.int64)
        if targets.size == 0:
            return np.zeros(0)
        starts, counts, nbr, vecs = _neighbors(box, pts, targets, self.sigma)
        if strain is not None:
            vecs = np.ascontiguousarray(vecs @ np.asarray(strain).T)
        if excluded is None:
            excluded = np.zeros(len(pts), dtype=np.bool_)
        return _shell_kernel(
            targets,
            starts,
            counts,
            nbr,
            vecs,
            excluded,
            self._dirs,
            self._w,
            self.sigma,
            self._scale(),
        )

    def _strained_energy(self, box, pts, strain) -> float:
        return float(self._energies_of(box, pts, np.arange(len(pts)), strain=strain).sum())

    def energies(self, system: Any) -> np.ndarray:
        """Per-particle shell energies ``U_i`` (Eq. 2.1), shape ``(N,)``, in kT."""
        data = normalize_system(system)
        return self._energies_of(data.box, data.points, np.arange(data.N))

    def local_energy(self, system: Any, indices: Any) -> float:
        """Energy attributable to ``indices``: ``E - E_(indices removed)`` + const.

        Returns ``sum_{i in indices} U_i + sum_{i near, not in indices} (U_i -
        U_i^(without indices))``. It differs from the total energy by a term that does not
        depend on the positions of ``indices``, so before/after differences of a trial
        move of ``indices`` are exact energy changes (including neighbours that stop
        overlapping). Only particles within ``sigma`` of ``indices`` are evaluated.
        """
        data = normalize_system(system)
        idx = _as_indices(indices, data.N)
        if idx.size == 0:
            return 0.0
        near = _near(data.box, data.points, idx, self.sigma)
        others = np.setdiff1d(near, idx)
        e_idx = self._energies_of(data.box, data.points, idx).sum()
        if others.size == 0:
            return float(e_idx)
        flagged = np.zeros(data.N, dtype=np.bool_)
        flagged[idx] = True
        starts, counts, nbr, vecs = _neighbors(data.box, data.points, others, self.sigma)
        diff = _shell_diff_kernel(
            others,
            starts,
            counts,
            nbr,
            vecs,
            flagged,
            self._dirs,
            self._w,
            self.sigma,
            self._scale(),
        )
        return float(e_idx + np.sum(diff))

    def forces(self, system: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Energies, forces and virial by central finite differences (reference use only).

        The discretised model is only piecewise smooth (points enter and leave the
        deformed caps), so analytic forces are not offered; see :func:`fd_forces_virial`.
        """
        return fd_forces_virial(self, system, h=1e-6 * self.sigma)
