"""Fast energy-only evaluation of a weighted sum of symmetry functions (numba).

``weighted_sf_all`` returns ``sum_k w_k G_k(i)`` for every particle of a periodic system in
one compiled pass: a float64 cell list builds the half neighbour list (``i < j``), the
radial terms are evaluated once per pair and the angular terms once per triangle — the
factor ``exp(-eta (r_ij^2 + r_ik^2 + r_jk^2)) f_c f_c f_c`` of Eq. 2.6 is the same for the
three centres of a triangle, only the cosine differs. The conventions are those of
:class:`freud_ext.environment.SymmetryFunctions` (angular sum over unordered pairs
``{j, k}``, cosine cutoff, ``2^(1 - xi)`` prefactor folded into the weights by the caller).
Exponentials are evaluated once per distinct ``eta``.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["half_neighbor_list", "points_valid", "weighted_sf_all"]


@numba.njit(cache=True)
def points_valid(points, inv, is2d, tol):
    """True when all positions are finite, inside the box (fractional tolerance ``tol``)
    and, in 2D, have ``|z| <= tol`` — the checks of :func:`freud_ext.util.normalize_system`
    in one compiled pass (a ``False`` sends the caller to that function for the error)."""
    dims = 2 if is2d else 3
    for i in range(points.shape[0]):
        x = points[i, 0]
        y = points[i, 1]
        z = points[i, 2]
        if not (np.isfinite(x) and np.isfinite(y) and np.isfinite(z)):
            return False
        if is2d and abs(z) > tol:
            return False
        for a in range(dims):
            f = inv[a, 0] * x + inv[a, 1] * y + inv[a, 2] * z + 0.5
            if f < -tol or f > 1.0 + tol:
                return False
    return True


@numba.njit(cache=True, inline="always")
def _fc(r, rc):
    return 0.5 * (np.cos(np.pi * r / rc) + 1.0) if r < rc else 0.0


@numba.njit(cache=True)
def _fill_pairs(pts, mat, inv, is2d, rc, cell, head, stencil, n_sten, starts, counts, nbr, vec):
    """Fill the half list (particles sorted by cell) into preallocated arrays.

    Returns the number of pairs, or -1 when ``nbr`` is too small.
    """
    m00, m01, m02 = mat[0, 0], mat[0, 1], mat[0, 2]
    m10, m11, m12 = mat[1, 0], mat[1, 1], mat[1, 2]
    m20, m21, m22 = mat[2, 0], mat[2, 1], mat[2, 2]
    i00, i01, i02 = inv[0, 0], inv[0, 1], inv[0, 2]
    i10, i11, i12 = inv[1, 0], inv[1, 1], inv[1, 2]
    i20, i21, i22 = inv[2, 0], inv[2, 1], inv[2, 2]
    rc2 = rc * rc
    cap = nbr.shape[0]
    n = pts.shape[0]
    m = 0
    for i in range(n):
        starts[i] = m
        px = pts[i, 0]
        py = pts[i, 1]
        pz = pts[i, 2]
        c = cell[i]
        for t in range(n_sten):
            cc = stencil[c, t]
            if cc < c:
                continue  # all its particles have smaller indices
            lo = i + 1 if cc == c else head[cc]
            for j in range(lo, head[cc + 1]):
                d0 = pts[j, 0] - px
                d1 = pts[j, 1] - py
                d2 = pts[j, 2] - pz
                f0 = i00 * d0 + i01 * d1 + i02 * d2
                f1 = i10 * d0 + i11 * d1 + i12 * d2
                f2 = 0.0 if is2d else i20 * d0 + i21 * d1 + i22 * d2
                f0 -= np.floor(f0 + 0.5)
                f1 -= np.floor(f1 + 0.5)
                f2 -= np.floor(f2 + 0.5)
                d0 = m00 * f0 + m01 * f1 + m02 * f2
                d1 = m10 * f0 + m11 * f1 + m12 * f2
                d2 = m20 * f0 + m21 * f1 + m22 * f2
                if d0 * d0 + d1 * d1 + d2 * d2 < rc2:
                    if m == cap:
                        return -1
                    nbr[m] = j
                    vec[m, 0] = d0
                    vec[m, 1] = d1
                    vec[m, 2] = d2
                    m += 1
        counts[i] = m - starts[i]
    return m


@numba.njit(cache=True)
def half_neighbor_list(points, mat, inv, is2d, rc):
    """Pairs ``i < j`` with minimum-image distance ``< rc``, float64, via a cell list.

    The particles are renumbered in cell order (``perm``), so that a particle's
    neighbours of higher index lie in its own cell or in cells of higher index.

    Args:
        points ((N, 3) numpy.ndarray): Positions inside the box.
        mat, inv ((3, 3) numpy.ndarray): Box matrix (columns are the box vectors; for 2D
            boxes ``mat[2, 2] = 1``) and its inverse.
        is2d (bool): Two-dimensional box.
        rc (float): Cutoff; must be below half the smallest plane spacing of the box.

    Returns:
        tuple: ``(perm (N,), starts (N,), counts (N,), nbr (P,), vec (P, 3))``: new index
        ``i`` is particle ``perm[i]``; its neighbours ``j > i`` (new indices) are
        ``nbr[starts[i]:starts[i] + counts[i]]`` with separation vectors ``r_j - r_i`` in
        ``vec``.
    """
    n = points.shape[0]
    nc = np.ones(3, dtype=np.int64)
    dims = 2 if is2d else 3
    for a in range(dims):
        g = np.sqrt(inv[a, 0] ** 2 + inv[a, 1] ** 2 + inv[a, 2] ** 2)
        k = int(np.floor(1.0 / (g * rc * (1.0 + 1e-9))))
        nc[a] = k if k >= 3 else 1
    n0, n1, n2 = nc[0], nc[1], nc[2]
    ncell = n0 * n1 * n2
    cell0 = np.empty(n, dtype=np.int64)
    for i in range(n):
        c = 0
        for a in range(3):
            f = inv[a, 0] * points[i, 0] + inv[a, 1] * points[i, 1] + inv[a, 2] * points[i, 2]
            f += 0.5
            f -= np.floor(f)
            ca = int(f * nc[a])
            if ca >= nc[a]:
                ca = nc[a] - 1
            elif ca < 0:
                ca = 0
            c = c * nc[a] + ca
        cell0[i] = c
    head = np.zeros(ncell + 1, dtype=np.int64)
    for i in range(n):
        head[cell0[i] + 1] += 1
    for c in range(ncell):
        head[c + 1] += head[c]
    fill = head[:-1].copy()
    perm = np.empty(n, dtype=np.int64)
    for i in range(n):
        perm[fill[cell0[i]]] = i
        fill[cell0[i]] += 1
    pts = np.empty((n, 3))
    cell = np.empty(n, dtype=np.int64)
    for i in range(n):
        for a in range(3):
            pts[i, a] = points[perm[i], a]
        cell[i] = cell0[perm[i]]
    # Distinct neighbouring cells of each cell (a single cell along axes with < 3 cells).
    ox = 1 if n0 >= 3 else 0
    oy = 1 if n1 >= 3 else 0
    oz = 1 if n2 >= 3 else 0
    n_sten = (2 * ox + 1) * (2 * oy + 1) * (2 * oz + 1)
    stencil = np.empty((ncell, n_sten), dtype=np.int64)
    for c in range(ncell):
        cz = c % n2
        cy = (c // n2) % n1
        cx = c // (n1 * n2)
        t = 0
        for ddx in range(-ox, ox + 1):
            x = (cx + ddx) % n0
            for ddy in range(-oy, oy + 1):
                y = (cy + ddy) % n1
                for ddz in range(-oz, oz + 1):
                    z = (cz + ddz) % n2
                    stencil[c, t] = (x * n1 + y) * n2 + z
                    t += 1
    cap = 8 * n + 16
    counts = np.zeros(n, dtype=np.int64)
    starts = np.zeros(n, dtype=np.int64)
    while True:
        nbr = np.empty(cap, dtype=np.int64)
        vec = np.empty((cap, 3))
        m = _fill_pairs(
            pts, mat, inv, is2d, rc, cell, head, stencil, n_sten, starts, counts, nbr, vec
        )
        if m >= 0:
            break
        cap *= 4
    return perm, starts, counts, nbr[:m], vec[:m]


@numba.njit(cache=True, inline="always")
def _ipow(base, xi, ni, is_int):
    if is_int:
        pw = 1.0
        b = base
        e = ni
        while e > 0:
            if e & 1:
                pw *= b
            e >>= 1
            if e > 0:
                b *= b
        return pw
    return base**xi


@numba.njit(cache=True)
def _weighted_sf_half(
    n, starts, counts, nbr, vec, rc, r_eta, r_rs, r_w, a_eta_idx, etas, a_xi, a_lam, a_w
):
    """Weighted sums from a half neighbour list: per-edge terms once, triangles once."""
    out = np.zeros(n)
    n_edges = nbr.shape[0]
    m2 = r_eta.shape[0]
    m3 = a_xi.shape[0]
    ne = etas.shape[0]
    # Distinct (lambda, xi) combinations: each power is evaluated once per centre.
    combo = np.empty(m3, dtype=np.int64)
    c_lam = np.empty(m3)
    c_xi = np.empty(m3)
    n_combo = 0
    for k in range(m3):
        found = -1
        for c in range(n_combo):
            if c_lam[c] == a_lam[k] and c_xi[c] == a_xi[k]:
                found = c
                break
        if found < 0:
            c_lam[n_combo] = a_lam[k]
            c_xi[n_combo] = a_xi[k]
            found = n_combo
            n_combo += 1
        combo[k] = found
    xi_int = np.zeros(n_combo, dtype=np.bool_)
    xi_n = np.zeros(n_combo, dtype=np.int64)
    for c in range(n_combo):
        ni = int(c_xi[c])
        if ni == c_xi[c] and 0 <= ni <= 64:
            xi_int[c] = True
            xi_n[c] = ni
    # Per-edge quantities: distance, cutoff, exp(-eta r^2) per distinct eta; radial terms.
    rr = np.empty(n_edges)
    fcs = np.empty(n_edges)
    ee = np.empty((n_edges, ne))
    for i in range(n):
        for p in range(starts[i], starts[i] + counts[i]):
            x = vec[p, 0]
            y = vec[p, 1]
            z = vec[p, 2]
            r = np.sqrt(x * x + y * y + z * z)
            rr[p] = r
            fa = _fc(r, rc)
            fcs[p] = fa
            acc = 0.0
            for k in range(m2):
                dr = r - r_rs[k]
                acc += r_w[k] * np.exp(-r_eta[k] * dr * dr)
            acc *= fa
            out[i] += acc
            out[nbr[p]] += acc
            r2 = r * r
            for e in range(ne):
                ee[p, e] = np.exp(-etas[e] * r2)
    if m3 == 0:
        return out
    rc2 = rc * rc
    ejk = np.empty(ne)
    pw_i = np.empty(n_combo)
    pw_a = np.empty(n_combo)
    pw_b = np.empty(n_combo)
    # Triangles {i, j, k} with i the smallest index: j, k in the upper list of i and the
    # edge j-k in the upper list of min(j, k).
    for i in range(n):
        s = starts[i]
        e_i = s + counts[i]
        for a in range(s, e_i):
            ja = nbr[a]
            ax = vec[a, 0]
            ay = vec[a, 1]
            az = vec[a, 2]
            ra = rr[a]
            for b in range(a + 1, e_i):
                jb = nbr[b]
                bx = vec[b, 0]
                by = vec[b, 1]
                bz = vec[b, 2]
                dx = bx - ax
                dy = by - ay
                dz = bz - az
                if dx * dx + dy * dy + dz * dz >= rc2:
                    continue
                if ja < jb:
                    lo = ja
                    hi = jb
                else:
                    lo = jb
                    hi = ja
                q = -1
                for t in range(starts[lo], starts[lo] + counts[lo]):
                    if nbr[t] == hi:
                        q = t
                        break
                if q < 0:
                    continue  # r_jk within rounding of r_cut: f_c(r_jk) = 0 to O(eps^2)
                rb = rr[b]
                rd = rr[q]
                ff = fcs[a] * fcs[b] * fcs[q]
                cos_i = (ax * bx + ay * by + az * bz) / (ra * rb)
                cos_a = -(ax * dx + ay * dy + az * dz) / (ra * rd)
                cos_b = (bx * dx + by * dy + bz * dz) / (rb * rd)
                for e in range(ne):
                    ejk[e] = ee[a, e] * ee[b, e] * ee[q, e] * ff
                for c in range(n_combo):
                    lam = c_lam[c]
                    base = 1.0 + lam * cos_i
                    pw_i[c] = _ipow(base, c_xi[c], xi_n[c], xi_int[c]) if base > 0.0 else 0.0
                    base = 1.0 + lam * cos_a
                    pw_a[c] = _ipow(base, c_xi[c], xi_n[c], xi_int[c]) if base > 0.0 else 0.0
                    base = 1.0 + lam * cos_b
                    pw_b[c] = _ipow(base, c_xi[c], xi_n[c], xi_int[c]) if base > 0.0 else 0.0
                acc_i = 0.0
                acc_a = 0.0
                acc_b = 0.0
                for k in range(m3):
                    g = a_w[k] * ejk[a_eta_idx[k]]
                    c = combo[k]
                    acc_i += g * pw_i[c]
                    acc_a += g * pw_a[c]
                    acc_b += g * pw_b[c]
                out[i] += acc_i
                out[ja] += acc_a
                out[jb] += acc_b
    return out


def weighted_sf_all(points, mat, inv, is2d, params) -> np.ndarray:
    """``sum_k w_k G_k(i)`` for all particles, shape ``(N,)``.

    Args:
        points ((N, 3) numpy.ndarray): float64 positions inside the box.
        mat, inv ((3, 3) numpy.ndarray): Box matrix and inverse (see
            :func:`half_neighbor_list`).
        is2d (bool): Two-dimensional box.
        params (tuple): ``(r_cut, r_eta, r_rs, r_w, a_eta_idx, etas, a_xi, a_lam, a_w)``:
            radial ``eta``, ``R_s`` and weights; for the angular functions the index of their
            ``eta`` in the distinct values ``etas``, ``xi``, ``lambda`` and the weights
            including the ``2^(1 - xi)`` prefactor.

    Returns:
        numpy.ndarray: ``(N,)`` weighted sums.
    """
    rc = params[0]
    perm, starts, counts, nbr, vec = half_neighbor_list(points, mat, inv, is2d, rc)
    out = np.empty(len(points))
    out[perm] = _weighted_sf_half(len(points), starts, counts, nbr, vec, *params)
    return out


@numba.njit(cache=True)
def _target_terms(
    points,
    mat,
    inv,
    is2d,
    t,
    flagged,
    only_flagged,
    rc,
    r_eta,
    r_rs,
    r_w,
    a_eta,
    a_xi,
    a_lam,
    a_w,
    vx,
    vy,
    vz,
    rr,
    fl,
):
    """``sum_k w_k G_k(t)`` (brute-force float64 neighbours); with ``only_flagged`` only the
    terms that involve at least one flagged neighbour."""
    n = points.shape[0]
    rc2 = rc * rc
    m = 0
    px = points[t, 0]
    py = points[t, 1]
    pz = points[t, 2]
    for j in range(n):
        if j == t:
            continue
        d0 = points[j, 0] - px
        d1 = points[j, 1] - py
        d2 = points[j, 2] - pz
        f0 = inv[0, 0] * d0 + inv[0, 1] * d1 + inv[0, 2] * d2
        f1 = inv[1, 0] * d0 + inv[1, 1] * d1 + inv[1, 2] * d2
        f2 = 0.0 if is2d else inv[2, 0] * d0 + inv[2, 1] * d1 + inv[2, 2] * d2
        f0 -= np.floor(f0 + 0.5)
        f1 -= np.floor(f1 + 0.5)
        f2 -= np.floor(f2 + 0.5)
        d0 = mat[0, 0] * f0 + mat[0, 1] * f1 + mat[0, 2] * f2
        d1 = mat[1, 0] * f0 + mat[1, 1] * f1 + mat[1, 2] * f2
        d2 = mat[2, 0] * f0 + mat[2, 1] * f1 + mat[2, 2] * f2
        r2 = d0 * d0 + d1 * d1 + d2 * d2
        if r2 < rc2:
            vx[m] = d0
            vy[m] = d1
            vz[m] = d2
            rr[m] = np.sqrt(r2)
            fl[m] = flagged[j]
            m += 1
    acc = 0.0
    for a in range(m):
        if only_flagged and not fl[a]:
            continue
        fa = _fc(rr[a], rc)
        for k in range(r_eta.shape[0]):
            d = rr[a] - r_rs[k]
            acc += r_w[k] * np.exp(-r_eta[k] * d * d) * fa
    m3 = a_eta.shape[0]
    if m3 == 0:
        return acc
    for a in range(m):
        fa = _fc(rr[a], rc)
        for b in range(a + 1, m):
            if only_flagged and not (fl[a] or fl[b]):
                continue
            cx = vx[b] - vx[a]
            cy = vy[b] - vy[a]
            cz = vz[b] - vz[a]
            c2 = cx * cx + cy * cy + cz * cz
            if c2 >= rc2:
                continue
            ff = fa * _fc(rr[b], rc) * _fc(np.sqrt(c2), rc)
            cos = (vx[a] * vx[b] + vy[a] * vy[b] + vz[a] * vz[b]) / (rr[a] * rr[b])
            rsum = rr[a] * rr[a] + rr[b] * rr[b] + c2
            for k in range(m3):
                base = 1.0 + a_lam[k] * cos
                if base <= 0.0:
                    continue
                xi = a_xi[k]
                ni = int(xi)
                pw = _ipow(base, xi, ni, ni == xi and 0 <= ni <= 64)
                acc += a_w[k] * pw * np.exp(-a_eta[k] * rsum) * ff
    return acc


@numba.njit(cache=True)
def local_weighted_sf(points, mat, inv, is2d, idx, rc, r_eta, r_rs, r_w, a_eta, a_xi, a_lam, a_w):
    """``sum_(i in idx) W(i) + sum_(o near idx) [W(o) - W(o without idx)]`` with
    ``W = sum_k w_k G_k``: the part of ``sum_i W(i)`` that depends on the particles ``idx``
    (the before/after difference of a trial move of ``idx`` is exact). Brute-force float64
    neighbour search, O(N) per particle involved.

    Args:
        points ((N, 3) numpy.ndarray): Positions. mat, inv, is2d: see
            :func:`half_neighbor_list`.
        idx ((n,) numpy.ndarray of int64): Distinct particle indices.
        rc, r_eta, r_rs, r_w, a_eta, a_xi, a_lam, a_w: cutoff and the parameters and weights
            of the radial and angular functions (angular weights include ``2^(1 - xi)``).

    Returns:
        float: The local weighted sum.
    """
    n = points.shape[0]
    rc2 = rc * rc
    flagged = np.zeros(n, dtype=np.bool_)
    for i in idx:
        flagged[i] = True
    other = np.zeros(n, dtype=np.bool_)
    for i in idx:
        for j in range(n):
            if flagged[j] or other[j]:
                continue
            d0 = points[j, 0] - points[i, 0]
            d1 = points[j, 1] - points[i, 1]
            d2 = points[j, 2] - points[i, 2]
            f0 = inv[0, 0] * d0 + inv[0, 1] * d1 + inv[0, 2] * d2
            f1 = inv[1, 0] * d0 + inv[1, 1] * d1 + inv[1, 2] * d2
            f2 = 0.0 if is2d else inv[2, 0] * d0 + inv[2, 1] * d1 + inv[2, 2] * d2
            f0 -= np.floor(f0 + 0.5)
            f1 -= np.floor(f1 + 0.5)
            f2 -= np.floor(f2 + 0.5)
            d0 = mat[0, 0] * f0 + mat[0, 1] * f1 + mat[0, 2] * f2
            d1 = mat[1, 0] * f0 + mat[1, 1] * f1 + mat[1, 2] * f2
            d2 = mat[2, 0] * f0 + mat[2, 1] * f1 + mat[2, 2] * f2
            if d0 * d0 + d1 * d1 + d2 * d2 < rc2:
                other[j] = True
    vx = np.empty(n)
    vy = np.empty(n)
    vz = np.empty(n)
    rr = np.empty(n)
    fl = np.empty(n, dtype=np.bool_)
    total = 0.0
    for i in idx:
        total += _target_terms(
            points,
            mat,
            inv,
            is2d,
            i,
            flagged,
            False,
            rc,
            r_eta,
            r_rs,
            r_w,
            a_eta,
            a_xi,
            a_lam,
            a_w,
            vx,
            vy,
            vz,
            rr,
            fl,
        )
    for j in range(n):
        if other[j]:
            total += _target_terms(
                points,
                mat,
                inv,
                is2d,
                j,
                flagged,
                True,
                rc,
                r_eta,
                r_rs,
                r_w,
                a_eta,
                a_xi,
                a_lam,
                a_w,
                vx,
                vy,
                vz,
                rr,
                fl,
            )
    return total
