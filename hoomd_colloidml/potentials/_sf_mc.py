"""Compiled Monte Carlo translation sweeps for :class:`SymmetryFunctionPotential` (numba).

The engine's generic many-body path calls ``local_energy`` through Python twice per trial
move, each call an O(N) float64 neighbour search; with a fitted potential that is ~1.2 ms per
move at N = 1372. Here the whole sweep is one compiled loop over a cell list (the engine's
:func:`hoomd_colloidml.engine.kernels.build_cells`): the energy change of moving particle
``i`` needs only the neighbours ``A`` of ``i`` within the cutoff, because every term of
``sum_o W(o)`` that involves ``i`` is a pair ``{i, a}`` or a triangle ``{i, a, b}`` with
``a, b`` in ``A``:

    ``W_loc(i) = sum_a 2 R(r_ia) + sum_(a<b, r_ab < r_c) [T_i + T_a + T_b]``

(``R`` the weighted radial sum, which counts for ``i`` and for ``a``; ``T_c`` the weighted
angular sum of the triangle with centre ``c``, Eq. 2.6). An exact Asakura-Oosawa pair term
adds ``sum_a beta phi_AO(r_ia)``. The random-number stream, the order of the draws and the
acceptance rule are those of :meth:`hoomd_colloidml.engine.MonteCarlo._advance_python`, so
both paths follow the same trajectory up to floating-point rounding of the energy changes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hoomd_colloidml.engine.kernels import (
    _cell_insert,
    _cell_remove,
    _min_image,
    _stencil,
    _wrap,
    build_cells,
    cell_coords,
    cell_of,
    rng_uniform,
)
from hoomd_colloidml.potentials._sf_energy import _fc, _ipow

__all__ = ["sf_translation_sweeps"]


@njit(cache=True)
def _gather(i, xi, pos, L, Lm, dim, n, head, nxt, rs2, vx, vy, vz, r2s, jj):
    """Neighbours ``j != i`` of the point ``xi`` closer than ``sqrt(rs2)``; their count.

    Cells follow the engine's box ``L``; separations use the minimum image of ``Lm``."""
    ci = cell_coords(xi, L, n, dim)
    lo0, hi0 = _stencil(n[0], n[3])
    lo1, hi1 = _stencil(n[1], n[3])
    lo2, hi2 = _stencil(n[2], n[3])
    m = 0
    for oz in range(lo2, hi2 + 1):
        cz = (ci[2] + oz) % n[2]
        for oy in range(lo1, hi1 + 1):
            cy = (ci[1] + oy) % n[1]
            for ox in range(lo0, hi0 + 1):
                cx = (ci[0] + ox) % n[0]
                j = head[(cz * n[1] + cy) * n[0] + cx]
                while j >= 0:
                    if j != i:
                        dx = _min_image(pos[j, 0] - xi[0], Lm[0])
                        dy = _min_image(pos[j, 1] - xi[1], Lm[1])
                        dz = 0.0
                        if dim == 3:
                            dz = _min_image(pos[j, 2] - xi[2], Lm[2])
                        r2 = dx * dx + dy * dy + dz * dz
                        if r2 < rs2:
                            vx[m] = dx
                            vy[m] = dy
                            vz[m] = dz
                            r2s[m] = r2
                            jj[m] = j
                            m += 1
                    j = nxt[j]
    return m


@njit(cache=True)
def _local_energy(m, vx, vy, vz, r2s, jj, di, diam, rc, r_eta, r_rs, r_w, a_eta_idx, etas,
                  a_xi, a_lam, a_w, scale, ao, sigma_c, two_rd, zp, ao_hard, rr, fcs, ee,
                  sel):
    """``scale * W_loc(i) + sum_a beta phi_AO(r_ia)`` from the gathered neighbours of ``i``
    (see the module docstring); ``inf`` on a hard-core overlap (diameters or AO core)."""
    rc2 = rc * rc
    e_pair = 0.0
    ns = 0
    ne = etas.shape[0]
    for a in range(m):
        r2 = r2s[a]
        sig = 0.5 * (di + diam[jj[a]])
        if r2 < sig * sig:
            return np.inf
        r = np.sqrt(r2)
        if ao:
            if ao_hard and r < sigma_c:
                return np.inf
            if r < two_rd:
                e_pair -= zp * np.pi / 12.0 * (2.0 * two_rd + r) * (two_rd - r) ** 2
        if r2 < rc2:
            sel[ns] = a
            rr[ns] = r
            fcs[ns] = _fc(r, rc)
            for e in range(ne):
                ee[ns, e] = np.exp(-etas[e] * r2)
            ns += 1
    w = 0.0
    for s in range(ns):
        r = rr[s]
        acc = 0.0
        for k in range(r_eta.shape[0]):
            dr = r - r_rs[k]
            acc += r_w[k] * np.exp(-r_eta[k] * dr * dr)
        w += 2.0 * acc * fcs[s]
    m3 = a_xi.shape[0]
    if m3 > 0:
        for s in range(ns):
            a = sel[s]
            ax = vx[a]
            ay = vy[a]
            az = vz[a]
            ra = rr[s]
            for t in range(s + 1, ns):
                b = sel[t]
                dx = vx[b] - ax
                dy = vy[b] - ay
                dz = vz[b] - az
                d2 = dx * dx + dy * dy + dz * dz
                if d2 >= rc2:
                    continue
                rd = np.sqrt(d2)
                rb = rr[t]
                ff = fcs[s] * fcs[t] * _fc(rd, rc)
                cos_i = (ax * vx[b] + ay * vy[b] + az * vz[b]) / (ra * rb)
                cos_a = -(ax * dx + ay * dy + az * dz) / (ra * rd)
                cos_b = (vx[b] * dx + vy[b] * dy + vz[b] * dz) / (rb * rd)
                for k in range(m3):
                    e = a_eta_idx[k]
                    g = a_w[k] * ee[s, e] * ee[t, e] * np.exp(-etas[e] * d2) * ff
                    lam = a_lam[k]
                    xi = a_xi[k]
                    ni = int(xi)
                    is_int = ni == xi and 0 <= ni <= 64
                    p = 0.0
                    base = 1.0 + lam * cos_i
                    if base > 0.0:
                        p += _ipow(base, xi, ni, is_int)
                    base = 1.0 + lam * cos_a
                    if base > 0.0:
                        p += _ipow(base, xi, ni, is_int)
                    base = 1.0 + lam * cos_b
                    if base > 0.0:
                        p += _ipow(base, xi, ni, is_int)
                    w += g * p
    return scale * w + e_pair


@njit(cache=True)
def sf_translation_sweeps(pos, image, diam, L, Lm, dim, beta, energy, n_sweeps, d_trans, rng,
                          counters, r_search, rc, r_eta, r_rs, r_w, a_eta_idx, etas, a_xi,
                          a_lam, a_w, scale, ao, sigma_c, two_rd, zp, ao_hard):
    """``n_sweeps`` sweeps of ``N`` translation trials in place; return the running energy.

    Args:
        pos ((N, 3) numpy.ndarray): Positions in ``[-L/2, L/2)`` (modified).
        image ((N, 3) numpy.ndarray of int64): Image counters (modified).
        diam ((N,) numpy.ndarray): Hard-core diameters (additive; 0 for none).
        L ((3,) numpy.ndarray): Box lengths (``L[2] = 1`` in 2D): wrapping and cells.
        Lm ((3,) numpy.ndarray): Box lengths of the minimum image: the engine passes those
            of its ``freud.box.Box`` (single precision), so that the energy changes match
            the totals its box moves compute through the potential's ``energies``.
        dim (int): 2 or 3.
        beta (float): ``1 / kT``. energy (float): Running energy before the sweeps.
        n_sweeps (int): Sweeps. d_trans (float): Maximum displacement per axis.
        rng ((4,) numpy.ndarray of uint64): The engine's xoshiro state (advanced).
        counters ((4,) numpy.ndarray of int64): Translation attempts / acceptances (updated).
        r_search (float): Cell size: max of the cutoff, the AO range and the diameters.
        rc, r_eta, r_rs, r_w, a_eta_idx, etas, a_xi, a_lam, a_w: Symmetry-function cutoff,
            parameters and weights (``SymmetryFunctionPotential._fast_params``).
        scale (float): Energy scale ``s`` (kT).
        ao (bool), sigma_c, two_rd, zp (float), ao_hard (bool): The exact AO pair term
            (colloid diameter, ``sigma_c + sigma_p``, polymer reservoir density, hard core).
    """
    N = pos.shape[0]
    n, head, nxt, prv, cell = build_cells(pos, L, dim, r_search)
    rs2 = r_search * r_search
    cap = N
    vx = np.empty(cap)
    vy = np.empty(cap)
    vz = np.empty(cap)
    r2s = np.empty(cap)
    jj = np.empty(cap, dtype=np.int64)
    rr = np.empty(cap)
    fcs = np.empty(cap)
    ee = np.empty((cap, max(1, etas.shape[0])))
    sel = np.empty(cap, dtype=np.int64)
    xi = np.zeros(3)
    for _sweep in range(n_sweeps):
        for _t in range(N):
            i = int(rng_uniform(rng) * N)
            if i >= N:
                i = N - 1
            counters[0] += 1
            for d in range(dim):
                xi[d] = pos[i, d] + d_trans * (2.0 * rng_uniform(rng) - 1.0)
            img0 = image[i, 0]
            img1 = image[i, 1]
            img2 = image[i, 2]
            xi[0], img0 = _wrap(xi[0], L[0], img0)
            xi[1], img1 = _wrap(xi[1], L[1], img1)
            if dim == 3:
                xi[2], img2 = _wrap(xi[2], L[2], img2)
            else:
                xi[2] = pos[i, 2]
            m = _gather(i, xi, pos, L, Lm, dim, n, head, nxt, rs2, vx, vy, vz, r2s, jj)
            after = _local_energy(m, vx, vy, vz, r2s, jj, diam[i], diam, rc, r_eta, r_rs,
                                  r_w, a_eta_idx, etas, a_xi, a_lam, a_w, scale, ao,
                                  sigma_c, two_rd, zp, ao_hard, rr, fcs, ee, sel)
            if after == np.inf:
                # a hard-core overlap of the diameters is rejected before any other draw
                # (as the engine's Python path); an AO core overlap is a de = inf rejection
                overlap = False
                for a in range(m):
                    sig = 0.5 * (diam[i] + diam[jj[a]])
                    if r2s[a] < sig * sig:
                        overlap = True
                        break
                if not overlap:
                    rng_uniform(rng)
                continue
            m = _gather(i, pos[i], pos, L, Lm, dim, n, head, nxt, rs2, vx, vy, vz, r2s, jj)
            before = _local_energy(m, vx, vy, vz, r2s, jj, diam[i], diam, rc, r_eta, r_rs,
                                   r_w, a_eta_idx, etas, a_xi, a_lam, a_w, scale, ao,
                                   sigma_c, two_rd, zp, ao_hard, rr, fcs, ee, sel)
            de = after - before
            if de > 0.0 and rng_uniform(rng) >= np.exp(-beta * de):
                continue
            counters[1] += 1
            energy += de
            for d in range(dim):
                pos[i, d] = xi[d]
            image[i, 0] = img0
            image[i, 1] = img1
            image[i, 2] = img2
            c = cell_of(xi, L, n, dim)
            if c != cell[i]:
                _cell_remove(i, head, nxt, prv, cell)
                _cell_insert(i, c, head, nxt, prv, cell)
    return energy
