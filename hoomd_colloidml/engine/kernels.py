"""Numba kernels of the embedded Monte Carlo engine.

Everything that runs once per trial move lives here: the random number generator
(xoshiro256**, state kept in a ``(4,) uint64`` array so it can be saved and resumed),
doubly linked cell lists, pair energies of every built-in pair potential, and
:func:`mc_sweeps`, which runs whole sweeps (``N`` translation trials plus, in NPT, one
box move per sweep) inside a single compiled function.

Pair potentials are passed as tables indexed by potential slot ``k`` and type pair
``(ti, tj)``: ``kinds (P, T, T) int64``, ``params (P, T, T, NPARAM) float64`` and
``rcut2 (P, T, T) float64``. Hard cores come from the per-particle diameters
(additive: ``sigma_ij = (d_i + d_j) / 2``). Energies are in units of the potential's
energy scale; the kernels multiply by ``beta = 1 / kT``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# potential kinds -----------------------------------------------------------------------
KIND_NONE = 0
KIND_HARD = 1  # params: sigma
KIND_SHOULDER = 2  # params: sigma (hard core), epsilon, delta (shoulder edge)
KIND_SCS = 3  # params: sigma, epsilon, k, delta, shift
KIND_LJ = 4  # params: sigma, epsilon, -, -, shift
KIND_HERTZ = 5  # params: sigma, epsilon
KIND_AO = 6  # params: sigma (colloid contact), eta_p^r, q
NPARAM = 6

_U64 = np.uint64


# --------------------------------------------------------------------------------------
# random numbers: xoshiro256** (Blackman & Vigna 2018)
@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << _U64(k)) | (x >> _U64(64 - k))


@njit(cache=True)
def rng_next(s):
    """Next 64-bit output of xoshiro256**; advances the state ``s`` in place."""
    result = _rotl(s[1] * _U64(5), 7) * _U64(9)
    t = s[1] << _U64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True)
def rng_uniform(s):
    """Uniform double in [0, 1)."""
    return float(rng_next(s) >> _U64(11)) * (1.0 / 9007199254740992.0)


def seed_state(seed) -> np.ndarray:
    """A ``(4,) uint64`` xoshiro state derived from ``seed`` with numpy's SeedSequence."""
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    state = ss.generate_state(4, dtype=np.uint64)
    if not state.any():  # the all-zero state is a fixed point
        state[0] = 1
    return state


# --------------------------------------------------------------------------------------
# pair potentials
@njit(cache=True)
def pair_energy(kind, p, r2):
    """Energy of one potential term at squared distance ``r2`` (inside its cut-off)."""
    if kind == KIND_HARD:
        return np.inf if r2 < p[0] * p[0] else 0.0
    if kind == KIND_SHOULDER:
        if r2 < p[0] * p[0]:
            return np.inf
        if r2 < p[2] * p[2]:
            return p[1]
        return 0.0
    if kind == KIND_LJ:
        s2 = p[0] * p[0] / r2
        s6 = s2 * s2 * s2
        return 4.0 * p[1] * (s6 * s6 - s6) - p[4]
    if kind == KIND_SCS:
        r = np.sqrt(r2)
        s2 = p[0] * p[0] / r2
        s14 = s2 * s2 * s2 * s2 * s2 * s2 * s2
        return p[1] * (s14 + 0.5 * (1.0 - np.tanh(p[2] * (r - p[3])))) - p[4]
    if kind == KIND_HERTZ:
        x = 1.0 - np.sqrt(r2) / p[0]
        if x <= 0.0:
            return 0.0
        return p[1] * x * x * np.sqrt(x)
    if kind == KIND_AO:
        r = np.sqrt(r2)
        if r < p[0]:
            return np.inf
        q1 = 1.0 + p[2]
        x = r / (p[0] * q1)
        if x >= 1.0:
            return 0.0
        return -p[1] * (q1 * q1 * q1) / (p[2] * p[2] * p[2]) * (1.0 - 1.5 * x + 0.5 * x * x * x)
    return 0.0


@njit(cache=True, inline="always")
def pair_energy_at(kind, params, k, ti, tj, r2):
    """:func:`pair_energy` reading the parameters in place (no array view per call)."""
    if kind == KIND_HARD:
        s0 = params[k, ti, tj, 0]
        return np.inf if r2 < s0 * s0 else 0.0
    if kind == KIND_LJ:
        s0 = params[k, ti, tj, 0]
        s2 = s0 * s0 / r2
        s6 = s2 * s2 * s2
        return 4.0 * params[k, ti, tj, 1] * (s6 * s6 - s6) - params[k, ti, tj, 4]
    if kind == KIND_SHOULDER:
        s0 = params[k, ti, tj, 0]
        if r2 < s0 * s0:
            return np.inf
        s2 = params[k, ti, tj, 2]
        if r2 < s2 * s2:
            return params[k, ti, tj, 1]
        return 0.0
    return pair_energy(kind, params[k, ti, tj], r2)


@njit(cache=True)
def pair_r_dudr(kind, p, r2):
    """``r du/dr`` of the continuous part of one term (0 for step potentials)."""
    if kind == KIND_LJ:
        s2 = p[0] * p[0] / r2
        s6 = s2 * s2 * s2
        return -24.0 * p[1] * (2.0 * s6 * s6 - s6)
    if kind == KIND_SCS:
        r = np.sqrt(r2)
        s2 = p[0] * p[0] / r2
        s14 = s2 * s2 * s2 * s2 * s2 * s2 * s2
        c = np.cosh(p[2] * (r - p[3]))
        return p[1] * (-14.0 * s14 - 0.5 * p[2] * r / (c * c))
    if kind == KIND_HERTZ:
        r = np.sqrt(r2)
        x = 1.0 - r / p[0]
        if x <= 0.0:
            return 0.0
        return -2.5 * p[1] * np.sqrt(x) * x * r / p[0]
    if kind == KIND_AO:
        r = np.sqrt(r2)
        q1 = 1.0 + p[2]
        x = r / (p[0] * q1)
        if r < p[0] or x >= 1.0:
            return 0.0
        return -p[1] * (q1 * q1 * q1) / (p[2] * p[2] * p[2]) * (-1.5 * x + 1.5 * x * x * x)
    return 0.0


@njit(cache=True)
def pair_step_energy(kind, p, r2):
    """Discontinuous (step) part of one term: hard cores and square shoulders."""
    if kind == KIND_HARD or kind == KIND_SHOULDER or kind == KIND_AO:
        if r2 < p[0] * p[0]:
            return np.inf
        if kind == KIND_SHOULDER and r2 < p[2] * p[2]:
            return p[1]
    return 0.0


@njit(cache=True, inline="always")
def _min_image(dx, L):
    if dx > 0.5 * L:
        return dx - L
    if dx < -0.5 * L:
        return dx + L
    return dx


@njit(cache=True)
def pair_total(ti, tj, sig, r2, kinds, params, rcut2):
    """Sum of all potential terms for the pair (hard core ``sig`` from the diameters)."""
    if r2 < sig * sig:
        return np.inf
    e = 0.0
    for k in range(kinds.shape[0]):
        kd = kinds[k, ti, tj]
        if kd != KIND_NONE and r2 < rcut2[k, ti, tj]:
            e += pair_energy(kd, params[k, ti, tj], r2)
    return e


# --------------------------------------------------------------------------------------
# cell lists (doubly linked, O(1) removal)
@njit(cache=True, inline="always")
def _stencil(n, h):
    """Cell offsets ``lo..hi`` along an axis with ``n`` cells, each cell visited once."""
    if n >= 2 * h + 1:
        return -h, h
    return 0, n - 1


@njit(cache=True, inline="always")
def cell_coords(x, L, n, dim):
    """Cell coordinates ``(3,)`` of the point ``x`` (0 along unused axes)."""
    ci = np.zeros(3, dtype=np.int64)
    for d in range(dim):
        c = int((x[d] / L[d] + 0.5) * n[d])
        if c >= n[d]:
            c = n[d] - 1
        elif c < 0:
            c = 0
        ci[d] = c
    return ci


@njit(cache=True)
def cell_of(x, L, n, dim):
    """Linear index of the cell holding the point ``x`` (no array allocated: hot path)."""
    c = 0
    mult = 1
    for d in range(dim):
        ci = int((x[d] / L[d] + 0.5) * n[d])
        if ci >= n[d]:
            ci = n[d] - 1
        elif ci < 0:
            ci = 0
        c += ci * mult
        mult *= n[d]
    return c


@njit(cache=True)
def build_cells(pos, L, dim, rmax):
    # n[3] holds the stencil half-width h: cells >= rmax / h wide, h cells each way.
    # Finer cells (h = 2) pay off when a range-wide cell holds many particles.
    n = np.ones(4, dtype=np.int64)
    ncell1 = 1.0
    for d in range(dim):
        ncell1 *= max(1, int(L[d] / rmax))
    h = 2 if pos.shape[0] / ncell1 > 4.0 else 1
    n[3] = h
    for d in range(dim):
        n[d] = max(1, int(L[d] * h / rmax))
    ncell = n[0] * n[1] * n[2]
    N = pos.shape[0]
    head = -np.ones(ncell, dtype=np.int64)
    nxt = -np.ones(N, dtype=np.int64)
    prv = -np.ones(N, dtype=np.int64)
    cell = np.empty(N, dtype=np.int64)
    for i in range(N):
        c = cell_of(pos[i], L, n, dim)
        cell[i] = c
        h = head[c]
        nxt[i] = h
        if h >= 0:
            prv[h] = i
        head[c] = i
    return n, head, nxt, prv, cell


@njit(cache=True, inline="always")
def _cell_remove(i, head, nxt, prv, cell):
    a = prv[i]
    b = nxt[i]
    if a >= 0:
        nxt[a] = b
    else:
        head[cell[i]] = b
    if b >= 0:
        prv[b] = a
    prv[i] = -1
    nxt[i] = -1


@njit(cache=True, inline="always")
def _cell_insert(i, c, head, nxt, prv, cell):
    h = head[c]
    nxt[i] = h
    prv[i] = -1
    if h >= 0:
        prv[h] = i
    head[c] = i
    cell[i] = c


@njit(cache=True)
def particle_energy(i, xi, ti, di, pos, typeid, diam, L, dim, n, head, nxt,
                    kinds, params, rcut2, rmax2):
    """Energy of particle ``i`` placed at ``xi`` with all others (``inf`` on overlap)."""
    ci = cell_coords(xi, L, n, dim)
    lo0, hi0 = _stencil(n[0], n[3])
    lo1, hi1 = _stencil(n[1], n[3])
    lo2, hi2 = _stencil(n[2], n[3])
    npot = kinds.shape[0]
    e = 0.0
    for oz in range(lo2, hi2 + 1):
        cz = (ci[2] + oz) % n[2]
        for oy in range(lo1, hi1 + 1):
            cy = (ci[1] + oy) % n[1]
            for ox in range(lo0, hi0 + 1):
                cx = (ci[0] + ox) % n[0]
                j = head[(cz * n[1] + cy) * n[0] + cx]
                while j >= 0:
                    if j != i:
                        dx = _min_image(pos[j, 0] - xi[0], L[0])
                        dy = _min_image(pos[j, 1] - xi[1], L[1])
                        r2 = dx * dx + dy * dy
                        if dim == 3:
                            dz = _min_image(pos[j, 2] - xi[2], L[2])
                            r2 += dz * dz
                        if r2 < rmax2:
                            sig = 0.5 * (di + diam[j])
                            if r2 < sig * sig:
                                return np.inf
                            if npot > 0:
                                tj = typeid[j]
                                for k in range(npot):
                                    kd = kinds[k, ti, tj]
                                    if kd != KIND_NONE and r2 < rcut2[k, ti, tj]:
                                        e += pair_energy_at(kd, params, k, ti, tj, r2)
                                if e == np.inf:
                                    return np.inf
                    j = nxt[j]
    return e


@njit(cache=True)
def total_energy(pos, typeid, diam, L, dim, kinds, params, rcut2, rmax):
    """Total pair energy from scratch (``inf`` on any overlap)."""
    n, head, nxt, prv, cell = build_cells(pos, L, dim, rmax)
    rmax2 = rmax * rmax
    e = 0.0
    N = pos.shape[0]
    for i in range(N):
        ei = particle_energy(i, pos[i], typeid[i], diam[i], pos, typeid, diam, L, dim, n,
                             head, nxt, kinds, params, rcut2, rmax2)
        if ei == np.inf:
            return np.inf
        e += ei
    return 0.5 * e


@njit(cache=True)
def pair_terms(pos, typeid, diam, L, dim, kinds, params, rcut2, rmax, scales, beta):
    """Return ``(W, S)`` for the pressure estimators.

    ``W = -sum_pairs r du/dr`` over the continuous terms (the virial). ``S[k]`` is the
    first-order (pairwise) virtual-compression sum ``sum_pairs 1 - exp(-beta du_ij)`` where
    ``du_ij`` is the change of the step (hard-core and shoulder) energy of the pair when
    all separations are scaled by ``scales[k] < 1``.
    """
    smin = scales.min()
    rmax = rmax / smin  # pairs just beyond the range come into it on compression
    n, head, nxt, prv, cell = build_cells(pos, L, dim, rmax)
    rmax2 = rmax * rmax
    N = pos.shape[0]
    npot = kinds.shape[0]
    nk = scales.shape[0]
    W = 0.0
    S = np.zeros(nk)
    lo0, hi0 = _stencil(n[0], n[3])
    lo1, hi1 = _stencil(n[1], n[3])
    lo2, hi2 = _stencil(n[2], n[3])
    for i in range(N):
        c = cell[i]
        cxi = c % n[0]
        cyi = (c // n[0]) % n[1]
        czi = c // (n[0] * n[1])
        ti = typeid[i]
        for oz in range(lo2, hi2 + 1):
            cz = (czi + oz) % n[2]
            for oy in range(lo1, hi1 + 1):
                cy = (cyi + oy) % n[1]
                for ox in range(lo0, hi0 + 1):
                    cx = (cxi + ox) % n[0]
                    j = head[(cz * n[1] + cy) * n[0] + cx]
                    while j >= 0:
                        if j > i:
                            dx = _min_image(pos[j, 0] - pos[i, 0], L[0])
                            dy = _min_image(pos[j, 1] - pos[i, 1], L[1])
                            r2 = dx * dx + dy * dy
                            if dim == 3:
                                dz = _min_image(pos[j, 2] - pos[i, 2], L[2])
                                r2 += dz * dz
                            if r2 < rmax2:
                                sig = 0.5 * (diam[i] + diam[j])
                                tj = typeid[j]
                                u0 = 0.0
                                for kp in range(npot):
                                    kd = kinds[kp, ti, tj]
                                    if kd != KIND_NONE and r2 < rcut2[kp, ti, tj]:
                                        p = params[kp, ti, tj]
                                        W -= pair_r_dudr(kd, p, r2)
                                        u0 += pair_step_energy(kd, p, r2)
                                for k in range(nk):
                                    r2s = r2 * scales[k] * scales[k]
                                    if r2s < sig * sig:
                                        S[k] += 1.0
                                        continue
                                    u1 = 0.0
                                    for kp in range(npot):
                                        kd = kinds[kp, ti, tj]
                                        if kd != KIND_NONE and r2s < rcut2[kp, ti, tj]:
                                            u1 += pair_step_energy(kd, params[kp, ti, tj], r2s)
                                    du = u1 - u0
                                    if du != 0.0:
                                        S[k] += 1.0 - np.exp(-beta * du)
                        j = nxt[j]
    return W, S


# --------------------------------------------------------------------------------------
@njit(cache=True)
def _wrap(x, L, img):
    if x >= 0.5 * L:
        return x - L, img + 1
    if x < -0.5 * L:
        return x + L, img - 1
    return x, img


@njit(cache=True)
def _box_move(pos, typeid, diam, L, dim, kinds, params, rcut2, rmax, beta, energy, box_mode,
              beta_p, d_box, rng, counters, hard_only):
    """One box trial (see :func:`mc_sweeps`); updates ``pos`` and ``L`` when accepted."""
    N = pos.shape[0]
    counters[2] += 1
    newL = L.copy()
    if box_mode == 1:
        f = np.exp(d_box * (2.0 * rng_uniform(rng) - 1.0) / dim)
        for d in range(dim):
            newL[d] = L[d] * f
    else:
        k = int(rng_uniform(rng) * dim)
        if k >= dim:
            k = dim - 1
        newL[k] = L[k] * np.exp(d_box * (2.0 * rng_uniform(rng) - 1.0))
    vold = 1.0
    vnew = 1.0
    expand = True
    for d in range(dim):
        if newL[d] < 2.0 * rmax:
            return energy
        if newL[d] < L[d]:
            expand = False
        vold *= L[d]
        vnew *= newL[d]
    arg = -beta_p * (vnew - vold) + (N + 1) * np.log(vnew / vold)
    if hard_only and expand:
        # no overlaps can appear: decide without touching the particles
        if arg < 0.0 and rng_uniform(rng) >= np.exp(arg):
            return energy
        enew = 0.0
        newpos = pos.copy()
        for i in range(N):
            for d in range(dim):
                newpos[i, d] = pos[i, d] * (newL[d] / L[d])
    else:
        newpos = pos.copy()
        for i in range(N):
            for d in range(dim):
                newpos[i, d] = pos[i, d] * (newL[d] / L[d])
        enew = total_energy(newpos, typeid, diam, newL, dim, kinds, params, rcut2, rmax)
        if enew == np.inf:
            return energy
        arg += -beta * (enew - energy)
        if arg < 0.0 and rng_uniform(rng) >= np.exp(arg):
            return energy
    counters[3] += 1
    for i in range(N):
        for d in range(dim):
            pos[i, d] = newpos[i, d]
    for d in range(dim):
        L[d] = newL[d]
    return enew


@njit(cache=True)
def mc_sweeps(pos, image, typeid, diam, L, dim, kinds, params, rcut2, rmax, beta,
              energy, n_sweeps, d_trans, box_mode, beta_p, d_box, n_box, rng, counters):
    """Run ``n_sweeps`` Metropolis sweeps in place; return the running energy.

    One sweep is ``N`` translation trials of uniformly chosen particles (uniform
    displacement in ``[-d_trans, d_trans]`` per axis), followed in NPT (``box_mode`` 1:
    isotropic ln V move, 2: ln L move of one random axis) by ``n_box`` box trials, each
    accepted with ``min(1, exp(-beta dU - beta_p dV + (N + 1) ln(V'/V)))``.

    ``counters`` (int64, length 4) accumulates translation attempts/acceptances and box
    attempts/acceptances. ``pos``, ``image``, ``L`` and ``rng`` are modified in place.
    """
    N = pos.shape[0]
    rmax2 = rmax * rmax
    n, head, nxt, prv, cell = build_cells(pos, L, dim, rmax)
    hard_only = kinds.shape[0] == 0
    xi = np.zeros(3)
    n_acc_box = counters[3]
    for _sweep in range(n_sweeps):
        for _t in range(N):
            i = int(rng_uniform(rng) * N)
            if i >= N:
                i = N - 1
            ti = typeid[i]
            di = diam[i]
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
            enew = particle_energy(i, xi, ti, di, pos, typeid, diam, L, dim, n, head, nxt,
                                   kinds, params, rcut2, rmax2)
            if enew == np.inf:
                continue
            de = 0.0
            if not hard_only:
                eold = particle_energy(i, pos[i], ti, di, pos, typeid, diam, L, dim, n, head,
                                       nxt, kinds, params, rcut2, rmax2)
                de = enew - eold
                if de > 0.0:
                    if rng_uniform(rng) >= np.exp(-beta * de):
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
        if box_mode == 0:
            continue
        for _b in range(n_box):
            energy = _box_move(pos, typeid, diam, L, dim, kinds, params, rcut2, rmax, beta,
                               energy, box_mode, beta_p, d_box, rng, counters, hard_only)
        if counters[3] != n_acc_box:
            n_acc_box = counters[3]
            n, head, nxt, prv, cell = build_cells(pos, L, dim, rmax)
    return energy


@njit(cache=True)
def brute_particle_energy(i, xi, pos, typeid, diam, L, dim, kinds, params, rcut2, rmax):
    """O(N) energy of particle ``i`` at ``xi`` (``inf`` on overlap); for small systems."""
    rmax2 = rmax * rmax
    e = 0.0
    ti = typeid[i]
    for j in range(pos.shape[0]):
        if j == i:
            continue
        dx = _min_image(pos[j, 0] - xi[0], L[0])
        dy = _min_image(pos[j, 1] - xi[1], L[1])
        r2 = dx * dx + dy * dy
        if dim == 3:
            dz = _min_image(pos[j, 2] - xi[2], L[2])
            r2 += dz * dz
        if r2 < rmax2:
            e += pair_total(ti, typeid[j], 0.5 * (diam[i] + diam[j]), r2, kinds, params, rcut2)
            if e == np.inf:
                return np.inf
    return e


@njit(cache=True)
def neighbors_within(xa, xb, pos, L, dim, rc):
    """Indices of particles within ``rc`` of point ``xa`` or of point ``xb``."""
    out = np.empty(pos.shape[0], dtype=np.int64)
    m = 0
    rc2 = rc * rc
    for j in range(pos.shape[0]):
        for x in (xa, xb):
            dx = _min_image(pos[j, 0] - x[0], L[0])
            dy = _min_image(pos[j, 1] - x[1], L[1])
            r2 = dx * dx + dy * dy
            if dim == 3:
                dz = _min_image(pos[j, 2] - x[2], L[2])
                r2 += dz * dz
            if r2 < rc2:
                out[m] = j
                m += 1
                break
    return out[:m]


@njit(cache=True)
def min_contact_ratio(pos, diam, L, dim, rmax):
    """Smallest ``r_ij / sigma_ij`` over pairs closer than ``rmax`` (``rmax / max d`` if none)."""
    n, head, nxt, prv, cell = build_cells(pos, L, dim, rmax)
    N = pos.shape[0]
    best = rmax / diam.max()
    lo0, hi0 = _stencil(n[0], n[3])
    lo1, hi1 = _stencil(n[1], n[3])
    lo2, hi2 = _stencil(n[2], n[3])
    for i in range(N):
        c = cell[i]
        cxi = c % n[0]
        cyi = (c // n[0]) % n[1]
        czi = c // (n[0] * n[1])
        for oz in range(lo2, hi2 + 1):
            cz = (czi + oz) % n[2]
            for oy in range(lo1, hi1 + 1):
                cy = (cyi + oy) % n[1]
                for ox in range(lo0, hi0 + 1):
                    cx = (cxi + ox) % n[0]
                    j = head[(cz * n[1] + cy) * n[0] + cx]
                    while j >= 0:
                        if j > i:
                            dx = _min_image(pos[j, 0] - pos[i, 0], L[0])
                            dy = _min_image(pos[j, 1] - pos[i, 1], L[1])
                            r2 = dx * dx + dy * dy
                            if dim == 3:
                                dz = _min_image(pos[j, 2] - pos[i, 2], L[2])
                                r2 += dz * dz
                            sig = 0.5 * (diam[i] + diam[j])
                            if sig > 0:
                                ratio = np.sqrt(r2) / sig
                                if ratio < best:
                                    best = ratio
                        j = nxt[j]
    return best
