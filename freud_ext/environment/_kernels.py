"""numba kernels for symmetry functions (values and gradients) and shell descriptors.

All kernels take a CSR pair list (``segments``, per-pair neighbour data) as built by
:func:`freud_ext.environment._pairs.pairs_within`; pairs of centre ``i`` are
``segments[i]:segments[i + 1]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

PI = math.pi


@njit(cache=True, inline="always")
def _fc(r, r_cut):
    return 0.5 * (math.cos(PI * r / r_cut) + 1.0)


@njit(cache=True, inline="always")
def _dfc(r, r_cut):
    return -0.5 * PI / r_cut * math.sin(PI * r / r_cut)


@njit(cache=True, inline="always")
def _ipow(x, xi, xi_int):
    """x**xi with a fast path for integer exponents (xi_int >= 0)."""
    if xi_int >= 0:
        out = 1.0
        base = x
        e = xi_int
        while e > 0:
            if e & 1:
                out *= base
            base *= base
            e >>= 1
        return out
    return x**xi


@njit(cache=True)
def symmetry_functions(
    segments,
    vectors,
    distances,
    nbr_species,
    r_cut,
    rad_eta,
    rad_rs,
    ang_eta_u,
    ang_eta_idx,
    ang_xl_xi,
    ang_xl_xi_int,
    ang_xl_lam,
    ang_xl_idx,
    ang_pref,
    n_species,
    pair_index,
    gradients,
):
    """G2 / G3 values (N, M) and, optionally, dG_i/dr_j for every pair, stored (P, 3, M).

    Feature layout: radial block ``s * M2 + a`` for neighbour species ``s``; angular
    block ``S * M2 + pair_index[s_j, s_k] * M3 + b``.
    """
    n = segments.shape[0] - 1
    m2 = rad_eta.shape[0]
    m3 = ang_eta_idx.shape[0]
    n_pairs_sp = n_species * (n_species + 1) // 2
    m_tot = n_species * m2 + n_pairs_sp * m3
    values = np.zeros((n, m_tot))
    if gradients:
        grads = np.zeros((vectors.shape[0], 3, m_tot))
    else:
        grads = np.zeros((0, 3, m_tot))
    n_eu = ang_eta_u.shape[0]
    n_xl = ang_xl_xi.shape[0]
    e_u = np.empty(n_eu)
    a_xl = np.empty(n_xl)
    da_xl = np.empty(n_xl)
    pe_b = np.empty(m3)
    av_b = np.empty(m3)
    dav_b = np.empty(m3)
    eta_b = np.empty(m3)
    for b in range(m3):
        eta_b[b] = ang_eta_u[ang_eta_idx[b]]
    ang_off = n_species * m2
    for i in range(n):
        start = segments[i]
        stop = segments[i + 1]
        # ---- radial G2 (Eq. 2.4)
        for p in range(start, stop):
            r = distances[p]
            fc = _fc(r, r_cut)
            dfc = _dfc(r, r_cut)
            off = nbr_species[p] * m2
            for a in range(m2):
                dr = r - rad_rs[a]
                g = math.exp(-rad_eta[a] * dr * dr)
                values[i, off + a] += g * fc
                if gradients:
                    dg = g * (dfc - 2.0 * rad_eta[a] * dr * fc) / r
                    for c in range(3):
                        grads[p, c, off + a] = dg * vectors[p, c]
        if m3 == 0:
            continue
        # ---- angular G3 (Eq. 2.6), unordered pairs {j, k} of neighbours of i
        for pj in range(start, stop):
            ax = vectors[pj, 0]
            ay = vectors[pj, 1]
            az = vectors[pj, 2]
            ra = distances[pj]
            fa = _fc(ra, r_cut)
            dfa = _dfc(ra, r_cut)
            for pk in range(pj + 1, stop):
                bx = vectors[pk, 0]
                by = vectors[pk, 1]
                bz = vectors[pk, 2]
                cx = bx - ax
                cy = by - ay
                cz = bz - az
                rc2 = cx * cx + cy * cy + cz * cz
                if rc2 >= r_cut * r_cut:
                    continue
                rcc = math.sqrt(rc2)
                rb = distances[pk]
                fb = _fc(rb, r_cut)
                fcc = _fc(rcc, r_cut)
                ff = fa * fb * fcc
                inv_ab = 1.0 / (ra * rb)
                cos = (ax * bx + ay * by + az * bz) * inv_ab
                rsum = ra * ra + rb * rb + rc2
                for e in range(n_eu):
                    e_u[e] = math.exp(-ang_eta_u[e] * rsum)
                for x in range(n_xl):
                    base = 1.0 + ang_xl_lam[x] * cos
                    if gradients:
                        if base > 0.0:
                            pm1 = _ipow(base, ang_xl_xi[x] - 1.0, ang_xl_xi_int[x] - 1)
                        else:
                            pm1 = 0.0 if ang_xl_xi[x] > 1.0 else 1.0
                        a_xl[x] = pm1 * base
                        da_xl[x] = ang_xl_xi[x] * pm1 * ang_xl_lam[x]
                    else:
                        a_xl[x] = _ipow(base, ang_xl_xi[x], ang_xl_xi_int[x]) if base > 0 else 0.0
                off = ang_off + pair_index[nbr_species[pj], nbr_species[pk]] * m3
                if not gradients:
                    for b in range(m3):
                        values[i, off + b] += (
                            ang_pref[b] * a_xl[ang_xl_idx[b]] * e_u[ang_eta_idx[b]] * ff
                        )
                    continue
                # derivative pieces w.r.t. a = r_ij (particle j) and b = r_ik (particle k)
                dca_x = bx * inv_ab - cos * ax / (ra * ra)
                dca_y = by * inv_ab - cos * ay / (ra * ra)
                dca_z = bz * inv_ab - cos * az / (ra * ra)
                dcb_x = ax * inv_ab - cos * bx / (rb * rb)
                dcb_y = ay * inv_ab - cos * by / (rb * rb)
                dcb_z = az * inv_ab - cos * bz / (rb * rb)
                dfcc = _dfc(rcc, r_cut)
                dfb = _dfc(rb, r_cut)
                # dF/da = f'(ra) fb fcc a/ra - fa fb f'(rc) c/rc
                # dF/db = fa f'(rb) fcc b/rb + fa fb f'(rc) c/rc
                t1 = dfa * fb * fcc / ra
                t2 = fa * fb * dfcc / rcc
                t3 = fa * dfb * fcc / rb
                dfa_x = t1 * ax - t2 * cx
                dfa_y = t1 * ay - t2 * cy
                dfa_z = t1 * az - t2 * cz
                dfb_x = t3 * bx + t2 * cx
                dfb_y = t3 * by + t2 * cy
                dfb_z = t3 * bz + t2 * cz
                # d(r_ij^2 + r_ik^2 + r_jk^2)/da = 2(a - c), /db = 2(b + c)
                ua_x = 2.0 * (ax - cx)
                ua_y = 2.0 * (ay - cy)
                ua_z = 2.0 * (az - cz)
                ub_x = 2.0 * (bx + cx)
                ub_y = 2.0 * (by + cy)
                ub_z = 2.0 * (bz + cz)
                for b in range(m3):
                    pe_b[b] = ang_pref[b] * e_u[ang_eta_idx[b]]
                    av_b[b] = a_xl[ang_xl_idx[b]]
                    dav_b[b] = da_xl[ang_xl_idx[b]]
                gj = grads[pj]
                gk = grads[pk]
                for b in range(m3):
                    pe = pe_b[b]
                    av = av_b[b]
                    values[i, off + b] += pe * av * ff
                    s_cos = pe * dav_b[b] * ff
                    s_e = -pe * av * ff * eta_b[b]
                    s_f = pe * av
                    gj[0, off + b] += s_cos * dca_x + s_e * ua_x + s_f * dfa_x
                    gj[1, off + b] += s_cos * dca_y + s_e * ua_y + s_f * dfa_y
                    gj[2, off + b] += s_cos * dca_z + s_e * ua_z + s_f * dfa_z
                    gk[0, off + b] += s_cos * dcb_x + s_e * ub_x + s_f * dfb_x
                    gk[1, off + b] += s_cos * dcb_y + s_e * ub_y + s_f * dfb_y
                    gk[2, off + b] += s_cos * dcb_z + s_e * ub_z + s_f * dfb_z
    return values, grads


@njit(cache=True)
def contract_forces(segments, j_idx, grads, de_dg, dim):
    """F_j = -sum_i sum_m dE/dG_im dG_im/dr_j (including j = i self terms)."""
    n = segments.shape[0] - 1
    m = grads.shape[2]
    forces = np.zeros((n, dim))
    for i in range(n):
        for p in range(segments[i], segments[i + 1]):
            j = j_idx[p]
            for c in range(dim):
                s = 0.0
                for a in range(m):
                    s += de_dg[i, a] * grads[p, c, a]
                # dG_i/dr_i = -sum_j dG_i/dr_j
                forces[j, c] -= s
                forces[i, c] += s
    return forces


@njit(cache=True)
def pair_derivatives(segments, grads, de_dg):
    """Per pair p = (i, j): dE_i/dr_j = sum_m dE/dG_im dG_im/dr_j, (P, 3)."""
    n = segments.shape[0] - 1
    m = grads.shape[2]
    out = np.zeros((grads.shape[0], 3))
    for i in range(n):
        for p in range(segments[i], segments[i + 1]):
            for c in range(3):
                s = 0.0
                for a in range(m):
                    s += de_dg[i, a] * grads[p, c, a]
                out[p, c] = s
    return out


@njit(cache=True)
def shell_radial(segments, distances, nbr_species, r0, delta, n_sigma, n_species):
    """Radial shell functions G(r, delta, s) (Eq. 6.2), (N, S * R)."""
    n = segments.shape[0] - 1
    nr = r0.shape[0]
    out = np.zeros((n, n_species * nr))
    for i in range(n):
        for p in range(segments[i], segments[i + 1]):
            r = distances[p]
            off = nbr_species[p] * nr
            for a in range(nr):
                d = r - r0[a]
                if abs(d) <= n_sigma * delta[a]:
                    out[i, off + a] += math.exp(-d * d / (2.0 * delta[a] * delta[a]))
    return out


@njit(cache=True)
def _legendre_table(lmax):
    """Recursion coefficients for fully normalized associated Legendre functions."""
    a = np.zeros((lmax + 1, lmax + 1))
    b = np.zeros((lmax + 1, lmax + 1))
    for m in range(lmax + 1):
        for ll in range(m + 2, lmax + 1):
            a[ll, m] = math.sqrt((4.0 * ll * ll - 1.0) / (ll * ll - m * m))
            b[ll, m] = math.sqrt(((ll - 1.0) ** 2 - m * m) / (4.0 * (ll - 1.0) ** 2 - 1.0))
    return a, b


@njit(cache=True)
def legendre_normalized(x, s, lmax, a, b, out):
    """out[l, m] = Pbar_l^m(x) for m >= 0, so that Y_lm = Pbar_l^m(cos t) e^{i m phi}.

    ``s`` is sin(theta) >= 0. Condon–Shortley phase included.
    """
    out[0, 0] = math.sqrt(1.0 / (4.0 * PI))
    for m in range(1, lmax + 1):
        out[m, m] = -math.sqrt((2.0 * m + 1.0) / (2.0 * m)) * s * out[m - 1, m - 1]
    for m in range(0, lmax):
        out[m + 1, m] = math.sqrt(2.0 * m + 3.0) * x * out[m, m]
    for m in range(0, lmax + 1):
        for ll in range(m + 2, lmax + 1):
            out[ll, m] = a[ll, m] * (x * out[ll - 1, m] - b[ll, m] * out[ll - 2, m])


@njit(cache=True)
def shell_angular(segments, vectors, distances, r0, delta, n_sigma, lmax):
    """|q(l, m, r, delta)|^2 summed over m and the normalization Z (Eqs. 6.3-6.4).

    Returns ``(power (N, R, lmax + 1), z (N, R))`` with
    ``power[i, a, l] = sum_m |sum_j w_ij Y_lm(r_ij)|^2`` (unnormalized) and
    ``z[i, a] = sum_j w_ij``.
    """
    n = segments.shape[0] - 1
    nr = r0.shape[0]
    ta, tb = _legendre_table(lmax)
    plm = np.zeros((lmax + 1, lmax + 1))
    power = np.zeros((n, nr, lmax + 1))
    z = np.zeros((n, nr))
    re = np.zeros((nr, lmax + 1, lmax + 1))
    im = np.zeros((nr, lmax + 1, lmax + 1))
    cosm = np.zeros(lmax + 1)
    sinm = np.zeros(lmax + 1)
    w = np.zeros(nr)
    for i in range(n):
        re[:] = 0.0
        im[:] = 0.0
        for p in range(segments[i], segments[i + 1]):
            r = distances[p]
            any_w = False
            for a in range(nr):
                d = r - r0[a]
                if abs(d) <= n_sigma * delta[a]:
                    w[a] = math.exp(-d * d / (2.0 * delta[a] * delta[a]))
                    any_w = True
                else:
                    w[a] = 0.0
            if not any_w:
                continue
            x = vectors[p, 2] / r
            if x > 1.0:
                x = 1.0
            elif x < -1.0:
                x = -1.0
            s = math.sqrt(max(0.0, 1.0 - x * x))
            phi = math.atan2(vectors[p, 1], vectors[p, 0])
            legendre_normalized(x, s, lmax, ta, tb, plm)
            for m in range(lmax + 1):
                cosm[m] = math.cos(m * phi)
                sinm[m] = math.sin(m * phi)
            for a in range(nr):
                wa = w[a]
                if wa == 0.0:
                    continue
                z[i, a] += wa
                for ll in range(lmax + 1):
                    for m in range(ll + 1):
                        v = wa * plm[ll, m]
                        re[a, ll, m] += v * cosm[m]
                        im[a, ll, m] += v * sinm[m]
        for a in range(nr):
            for ll in range(lmax + 1):
                acc = re[a, ll, 0] * re[a, ll, 0] + im[a, ll, 0] * im[a, ll, 0]
                for m in range(1, ll + 1):
                    acc += 2.0 * (re[a, ll, m] * re[a, ll, m] + im[a, ll, m] * im[a, ll, m])
                power[i, a, ll] = acc
    return power, z
