r"""Averaged bond-order parameters (thesis Eqs. 3.2-3.6, 4.5, 5.5) and 2D chi_m (Eq. 2.9).

For particle ``i`` with neighbours ``Nb(i)`` (thesis Eq. 3.2)

.. math:: q_{lm}(i) = \frac{1}{N_b(i)} \sum_{j \in N_b(i)} Y_l^m(\hat r_{ij}),

the Lechner-Dellago average over the particle and its neighbours (Eq. 3.3)
:math:`\bar q_{lm}(i) = (q_{lm}(i) + \sum_{k \in N_b(i)} q_{lm}(k)) / (N_b(i) + 1)`, and the
invariants (Eqs. 3.4, 3.5)

.. math:: \bar q_l = \sqrt{\tfrac{4\pi}{2l+1} \sum_m |\bar q_{lm}|^2}, \qquad
   \bar w_l = \frac{\sum_{m_1+m_2+m_3=0} \begin{pmatrix} l & l & l \\ m_1 & m_2 & m_3
   \end{pmatrix} \bar q_{lm_1} \bar q_{lm_2} \bar q_{lm_3}}{(\sum_m |\bar q_{lm}|^2)^{3/2}}.

``average="ql"`` instead averages the invariants :math:`q_l, w_l` of the particle and its
neighbours (Eq. 5.5); ``average=None`` gives the plain Steinhardt :math:`q_l, w_l`. The
values equal :class:`freud.order.Steinhardt` (``average=True, wl=True,
wl_normalize=True``) on the same neighbour list; the kernels here are numba-compiled,
double precision, and compute all ``l`` in one pass over the bonds, several times faster
than freud for ``l = 1..8``.

A particle without neighbours (possible in a species-filtered list) has
:math:`q_{lm} = 0`, hence :math:`q_l = w_l = 0`: "no bonds" is encoded as zero order,
never as NaN. Likewise the normalized :math:`w_l` is reported as 0 where
:math:`q_l < 10^{-10}` (a 0/0 whose value would be rounding noise, e.g. :math:`w_2` of cubic
lattices, whose :math:`q_2` vanishes by symmetry).
"""

from __future__ import annotations

import math
from typing import Any

import freud
import numba as nb
import numpy as np

from freud_ext.locality import SANN, _check_mode, _offsets, _type_mask, nlist_arrays
from freud_ext.util import Compute, computed_property, normalize_system, normalize_typeid

__all__ = [
    "BondOrderVector",
    "BondOrderDescriptor",
    "BondOrientationalOrder2D",
    "local_average",
    "wigner3j",
]

_AVERAGES = ("lechner-dellago", "ql", None)
#: q_l below which the normalized w_l (0/0, pure rounding noise) is reported as 0
_Q_ZERO = 1e-10


# --------------------------------------------------------------------------- Wigner 3j
def wigner3j(j1: int, j2: int, j3: int, m1: int, m2: int, m3: int) -> float:
    """Wigner 3j symbol for integer arguments (Racah formula, exact integer arithmetic).

    Example:
        >>> round(wigner3j(2, 2, 2, 0, 0, 0), 6)  # -sqrt(2/35)
        -0.239046
    """
    if m1 + m2 + m3 != 0 or abs(m1) > j1 or abs(m2) > j2 or abs(m3) > j3:
        return 0.0
    if j3 < abs(j1 - j2) or j3 > j1 + j2:
        return 0.0
    f = math.factorial
    tri = f(j1 + j2 - j3) * f(j1 - j2 + j3) * f(-j1 + j2 + j3) / f(j1 + j2 + j3 + 1)
    pre = f(j1 + m1) * f(j1 - m1) * f(j2 + m2) * f(j2 - m2) * f(j3 + m3) * f(j3 - m3)
    kmin = max(0, j2 - j3 - m1, j1 - j3 + m2)
    kmax = min(j1 + j2 - j3, j1 - m1, j2 + m2)
    total = 0
    for k in range(kmin, kmax + 1):
        den = (
            f(k) * f(j3 - j2 + k + m1) * f(j3 - j1 + k - m2) * f(j1 + j2 - j3 - k)
            * f(j1 - k - m1) * f(j2 - k + m2)
        )
        total += (-1) ** k / den
    return float((-1) ** (j1 - j2 - m3) * math.sqrt(tri * pre) * total)


def _w_table(l: int) -> np.ndarray:
    """Rows (m1, m2, m3, coefficient) with m1 <= m2 <= m3 of the non-zero 3j(l l l; m1 m2 m3)
    for even l, the coefficient multiplied by the number of distinct column permutations
    (3j(l l l; ...) is symmetric under column permutations when 3l is even)."""
    if l % 2:
        raise ValueError("w_l tables are built for even l only (w_l = 0 for odd l).")
    rows = []
    for m1 in range(-l, l + 1):
        for m2 in range(m1, l + 1):
            m3 = -m1 - m2
            if m3 < m2 or abs(m3) > l:
                continue
            c = wigner3j(l, l, l, m1, m2, m3)
            if c != 0.0:
                mult = 6 if m1 != m2 != m3 != m1 else 1 if m1 == m2 == m3 else 3
                rows.append((m1, m2, m3, c * mult))
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


# --------------------------------------------------------------------------- kernels
def _ylm_coefficients(lmax: int) -> np.ndarray:
    """C[l, m] = (-1)^m sqrt((2l+1)/(4 pi) (l-m)!/(l+m)!) for m >= 0."""
    c = np.zeros((lmax + 1, lmax + 1))
    for l in range(lmax + 1):
        for m in range(l + 1):
            c[l, m] = (-1) ** m * math.sqrt(
                (2 * l + 1) / (4 * math.pi) * math.factorial(l - m) / math.factorial(l + m)
            )
    return c


# No fastmath: with it, this parallel kernel freshly compiled and the same kernel loaded
# from numba's cache (0.68) round differently, so results changed in the last bit with
# the state of the cache (tests/test_cache_determinism.py). Costs ~5 %.
@nb.njit(cache=True, parallel=True, error_model="numpy")
def _qlm_kernel(offsets, vec, lmax, coef, ls, lstart, nq, nthreads):
    """q_lm(i) for m >= 0 of the requested l (packed by lstart), mean over i's bonds.

    Y_l^m = C_lm T_lm(cos theta) (u_x + i u_y)^m with T_lm the associated Legendre function
    P_l^m stripped of its (-1)^m sin^m(theta) factor (carried, with e^{i m phi}, by the
    power of u = (x + i y) / r), and C_lm of :func:`_ylm_coefficients`. T obeys
    T_mm = (2m-1)!!, T_(m+1)m = (2m+1) cos(theta) T_mm and
    (l-m) T_lm = (2l-1) cos(theta) T_(l-1)m - (l+m-1) T_(l-2)m.
    """
    n = offsets.shape[0] - 1
    out = np.zeros((n, nq), dtype=np.complex128)
    chunk = (n + nthreads - 1) // nthreads
    nlm = (lmax + 1) * (lmax + 2) // 2  # accumulators ordered by m, then l
    for t in nb.prange(nthreads):
        acc_re = np.zeros(nlm)
        acc_im = np.zeros(nlm)
        for i in range(t * chunk, min(n, (t + 1) * chunk)):
            acc_re[:] = 0.0
            acc_im[:] = 0.0
            for b in range(offsets[i], offsets[i + 1]):
                x = vec[b, 0]
                y = vec[b, 1]
                z = vec[b, 2]
                r = np.sqrt(x * x + y * y + z * z)
                if r == 0.0:  # coincident particles: theta = 0 as in freud
                    ct = 1.0
                    ux = 0.0
                    uy = 0.0
                else:
                    inv = 1.0 / r
                    ct = z * inv
                    ux = x * inv
                    uy = y * inv
                dfact = 1.0
                pre = 1.0
                pim = 0.0
                k = 0
                for m in range(lmax + 1):
                    if m > 0:
                        dfact *= 2 * m - 1
                        pre, pim = pre * ux - pim * uy, pre * uy + pim * ux
                    t2 = dfact
                    v = coef[m, m] * t2
                    acc_re[k] += v * pre
                    acc_im[k] += v * pim
                    k += 1
                    if m + 1 <= lmax:
                        t1 = ct * (2 * m + 1) * dfact
                        v = coef[m + 1, m] * t1
                        acc_re[k] += v * pre
                        acc_im[k] += v * pim
                        k += 1
                        for l in range(m + 2, lmax + 1):
                            t0 = (ct * (2 * l - 1) * t1 - (l + m - 1) * t2) / (l - m)
                            t2 = t1
                            t1 = t0
                            v = coef[l, m] * t0
                            acc_re[k] += v * pre
                            acc_im[k] += v * pim
                            k += 1
            nbn = offsets[i + 1] - offsets[i]
            if nbn > 0:
                inv = 1.0 / nbn
                for a in range(ls.shape[0]):
                    l = ls[a]
                    for m in range(l + 1):
                        kk = m * (lmax + 1) - m * (m - 1) // 2 + (l - m)
                        out[i, lstart[a] + m] = complex(acc_re[kk] * inv, acc_im[kk] * inv)
    return out


@nb.njit(cache=True, parallel=True)
def _average_kernel(offsets, pj, values):
    """(values[i] + sum_{k in Nb(i)} values[k]) / (Nb(i) + 1), row-wise."""
    n = offsets.shape[0] - 1
    out = np.empty_like(values)
    for i in nb.prange(n):
        for c in range(values.shape[1]):
            out[i, c] = values[i, c]
        for b in range(offsets[i], offsets[i + 1]):
            k = pj[b]
            for c in range(values.shape[1]):
                out[i, c] += values[k, c]
        inv = 1.0 / (offsets[i + 1] - offsets[i] + 1)
        for c in range(values.shape[1]):
            out[i, c] *= inv
    return out


@nb.njit(cache=True, parallel=True)
def _invariants_kernel(qlm, ls, lstart, want_w, wtab, wstart, nthreads):
    """q_l (N, nl) and normalized w_l (N, nl; 0 where not wanted) from packed q_lm (m >= 0)."""
    n = qlm.shape[0]
    nl = ls.shape[0]
    q = np.zeros((n, nl))
    w = np.zeros((n, nl))
    lmax = 0
    for a in range(nl):
        lmax = max(lmax, ls[a])
    chunk = (n + nthreads - 1) // nthreads
    for t in nb.prange(nthreads):
        fre = np.empty(2 * lmax + 1)
        fim = np.empty(2 * lmax + 1)
        for i in range(t * chunk, min(n, (t + 1) * chunk)):
            for a in range(nl):
                l = ls[a]
                s0 = lstart[a]
                norm2 = qlm[i, s0].real ** 2 + qlm[i, s0].imag ** 2
                for m in range(1, l + 1):
                    v = qlm[i, s0 + m]
                    norm2 += 2.0 * (v.real * v.real + v.imag * v.imag)
                q[i, a] = np.sqrt(4.0 * np.pi / (2 * l + 1) * norm2)
                if not want_w[a] or q[i, a] < _Q_ZERO:
                    continue  # w_l = 0/0: no order of this l (e.g. q_2 of cubic lattices)
                for m in range(l + 1):  # q_{l,-m} = (-1)^m conj(q_lm)
                    v = qlm[i, s0 + m]
                    fre[l + m] = v.real
                    fim[l + m] = v.imag
                    sign = 1.0 if m % 2 == 0 else -1.0
                    fre[l - m] = sign * v.real
                    fim[l - m] = -sign * v.imag
                acc = 0.0
                for r in range(wstart[a], wstart[a + 1]):
                    k1 = int(wtab[r, 0]) + l
                    k2 = int(wtab[r, 1]) + l
                    k3 = int(wtab[r, 2]) + l
                    pr = fre[k1] * fre[k2] - fim[k1] * fim[k2]
                    pi_ = fre[k1] * fim[k2] + fim[k1] * fre[k2]
                    acc += wtab[r, 3] * (pr * fre[k3] - pi_ * fim[k3])
                w[i, a] = acc / norm2**1.5
    return q, w


# --------------------------------------------------------------------------- input helpers
def _check_l(l: Any, owner: str) -> tuple[int, ...]:
    if isinstance(l, int | np.integer) and not isinstance(l, bool):
        l = [l]
    try:
        vals = list(l)
    except TypeError:
        raise TypeError(
            f"The 'l' parameter of {owner} must be an int >= 1 or a sequence of them. "
            f"Got {type(l).__name__} instead."
        ) from None
    if len(vals) == 0:
        raise ValueError(f"The 'l' parameter of {owner} must not be empty.")
    out = []
    for v in vals:
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise TypeError(
                f"The 'l' parameter of {owner} must hold ints >= 1. Got {v!r} instead."
            )
        if v < 1:
            raise ValueError(
                f"The 'l' parameter of {owner} must hold ints >= 1. Got {int(v)} instead."
            )
        out.append(int(v))
    if len(set(out)) != len(out):
        raise ValueError(f"The 'l' parameter of {owner} has repeated values: {out}.")
    return tuple(out)


def _check_species(species: Any, owner: str) -> tuple:
    if isinstance(species, str):
        species = (species,)
    try:
        vals = list(species)
    except TypeError:
        raise TypeError(
            f"The 'species' parameter of {owner} must be a tuple of filters ('all', 'same', "
            f"'different' or (type_i, type_j)). Got {type(species).__name__} instead."
        ) from None
    if len(vals) == 0:
        raise ValueError(f"The 'species' parameter of {owner} must not be empty.")
    out = tuple(_check_mode(v) for v in vals)
    if len(set(out)) != len(out):
        raise ValueError(f"The 'species' parameter of {owner} has repeated filters: {out}.")
    return out


def _species_label(mode: Any) -> str:
    return "" if mode == "all" else f"[{mode}]" if isinstance(mode, str) else (
        f"[{mode[0]}-{mode[1]}]"
    )


def _bonds_from(neighbors: Any, data, owner: str):
    """(offsets, qi, pj, float64 vectors, NeighborList or SANN) for the given neighbours."""
    box, points = data.box, data.points
    if neighbors is None or isinstance(neighbors, str) and neighbors == "sann":
        neighbors = SANN()
    if isinstance(neighbors, SANN):
        # Reuse a result computed on exactly this system; otherwise compute it here, so that
        # the lists can never refer to another system.
        if not neighbors._same_system(box, points):
            neighbors.compute((box, points))
        return (*neighbors._bond_arrays(), neighbors)
    if isinstance(neighbors, freud.locality.NeighborList):
        return (*nlist_arrays(neighbors, box, points), neighbors)
    if isinstance(neighbors, dict):
        args = dict(neighbors)
        if not ({"r_max", "num_neighbors"} & set(args)):
            raise ValueError(
                f"The 'neighbors' query of {owner} needs 'r_max' or 'num_neighbors'. "
                f"Got {neighbors!r} instead."
            )
        args["exclude_ii"] = True
        try:
            nlist = (
                freud.locality.AABBQuery(box, points).query(points, args).toNeighborList()
            )
        except (ValueError, RuntimeError, TypeError) as exc:
            raise ValueError(f"Invalid neighbour query {neighbors!r} for {owner}: {exc}") from exc
        return (*nlist_arrays(nlist, box, points), nlist)
    raise TypeError(
        f"The 'neighbors' parameter of {owner} must be None, 'sann', a SANN object, a "
        "freud.locality.NeighborList or a dict of freud query arguments. "
        f"Got {type(neighbors).__name__} instead."
    )


def _resolve_typeid(data, typeid, species, owner: str):
    if typeid is None:
        typeid = data.typeid
    else:
        typeid = normalize_typeid(typeid, data.N, data.types)
    if typeid is None and any(s != "all" for s in species):
        raise ValueError(
            f"{owner} needs per-particle types for the species filters "
            f"{[s for s in species if s != 'all']}: pass 'typeid' or a system that carries "
            "types (hoomd_colloidml.System, gsd.hoomd.Frame)."
        )
    if data.types is not None and typeid is not None:
        for s in species:
            if isinstance(s, tuple) and max(s) >= len(data.types):
                raise ValueError(
                    f"The species filter {s} of {owner} names type id {max(s)}, but the "
                    f"system has {len(data.types)} type(s) {list(data.types)}."
                )
    return typeid


# --------------------------------------------------------------------------- public API
class BondOrderVector(Compute):
    r"""Vectors of (averaged) bond-order parameters per particle (thesis Eqs. 3.2-3.6, 4.5, 5.5).

    With ``l=range(1, 9), wl=True, species=("all", "same")`` the features are the 24-entry
    vector :math:`Q(i) = (\{\bar q_l\}, \{\bar w_{l'}\}, \{\bar q^{ss}_l\}, \{\bar w^{ss}_{l'}\})`
    of Eq. 3.6 (``l' `` even); with ``wl=False`` the 16-entry vector of Eq. 4.5.

    Args:
        l (int or sequence of int): Orders ``l >= 1``.
        wl (bool): Also compute the normalized :math:`\bar w_l` (Eq. 3.5) for the even ``l``
            (for odd ``l`` it vanishes identically).
        average (str or None): ``"lechner-dellago"`` (average :math:`q_{lm}`, Eq. 3.3),
            ``"ql"`` (average :math:`q_l` and :math:`w_l`, Eq. 5.5) or ``None``.
        species (tuple): Neighbour filters of :func:`freud_ext.locality.filter_types`, one
            block of features each: ``"all"``, ``"same"``, ``"different"``,
            ``(type_i, type_j)``. Filtered lists are used both for :math:`q_{lm}` and for the
            average.

    Example:
        >>> import freud
        >>> box, points = freud.data.UnitCell.fcc().generate_system(3)
        >>> bov = BondOrderVector(l=[4, 6]).compute((box, points))
        >>> bov.feature_names
        ['q4', 'q6']
        >>> bov.features[0].round(5).tolist()
        [0.19094, 0.57452]
    """

    def __init__(
        self,
        l: Any = range(1, 9),
        wl: bool = False,
        average: str | None = "lechner-dellago",
        species: Any = ("all",),
    ):
        self.l = _check_l(l, "BondOrderVector")
        if not isinstance(wl, bool | np.bool_):
            raise TypeError(f"The 'wl' parameter of BondOrderVector must be a bool. Got {wl!r}.")
        self.wl = bool(wl)
        if average not in _AVERAGES:
            raise ValueError(
                "The 'average' parameter of BondOrderVector must be 'lechner-dellago', 'ql' or "
                f"None. Got {average!r} instead."
            )
        self.average = average
        self.species = _check_species(species, "BondOrderVector")

    def _repr_params(self) -> dict[str, Any]:
        return {"l": list(self.l), "wl": self.wl, "average": self.average,
                "species": self.species}

    @property
    def _wl_orders(self) -> tuple[int, ...]:
        return tuple(l for l in self.l if l % 2 == 0) if self.wl else ()

    def _names(self) -> list[str]:
        names = []
        for s in self.species:
            tag = _species_label(s)
            names += [f"q{l}{tag}" for l in self.l]
            names += [f"w{l}{tag}" for l in self._wl_orders]
        return names

    def compute(self, system: Any, neighbors: Any = None, typeid: Any = None) -> BondOrderVector:
        """Compute the features.

        Args:
            system: Any system accepted by :func:`freud_ext.util.normalize_system`.
            neighbors: ``None`` or ``"sann"`` (SANN with ``symmetrize="remove"``), a
                :class:`~freud_ext.locality.SANN` object (computed here on ``system``), a
                :class:`freud.locality.NeighborList` over the system's particles, or a dict of
                freud query arguments (``{"r_max": 1.4}``, ``{"num_neighbors": 12}``).
            typeid ((N,) array-like of int): Particle types, needed for species filters
                other than ``"all"`` unless the system carries them.

        Returns:
            BondOrderVector: ``self``.

        Raises:
            ValueError, TypeError: Invalid system, neighbours or types.
        """
        data = normalize_system(system)
        typeid = _resolve_typeid(data, typeid, self.species, "BondOrderVector")
        offsets, qi, pj, vec, used = _bonds_from(neighbors, data, "BondOrderVector")
        n = data.N
        ls = np.array(self.l, dtype=np.int64)
        lmax = int(ls.max())
        lstart = np.zeros(len(ls) + 1, dtype=np.int64)
        np.cumsum(ls + 1, out=lstart[1:])
        want_w = np.array([self.wl and l % 2 == 0 for l in self.l])
        tables = [_w_table(l) if w else np.zeros((0, 4)) for l, w in zip(self.l, want_w)]
        wstart = np.zeros(len(ls) + 1, dtype=np.int64)
        np.cumsum([len(t) for t in tables], out=wstart[1:])
        wtab = np.concatenate(tables) if wstart[-1] else np.zeros((0, 4))
        coef = _ylm_coefficients(lmax)
        w_cols = np.flatnonzero(want_w)
        nthreads = nb.get_num_threads()

        blocks = []
        cache: dict[bool, np.ndarray] = {}
        for s in self.species:
            mask = _type_mask(qi, pj, typeid, s) if s != "all" else None
            full = mask is None or bool(mask.all())
            if full and True in cache:
                blocks.append(cache[True])
                continue
            if full:
                off, p, v = offsets, pj, vec
            else:
                off = _offsets(np.bincount(qi[mask], minlength=n))
                p, v = pj[mask], vec[mask]
            qlm = _qlm_kernel(off, v, lmax, coef, ls, lstart[:-1], int(lstart[-1]), nthreads)
            if self.average == "lechner-dellago":
                qlm = _average_kernel(off, p, qlm)
            q, w = _invariants_kernel(qlm, ls, lstart, want_w, wtab, wstart, nthreads)
            block = np.concatenate([q, w[:, w_cols]], axis=1)
            if self.average == "ql":
                block = _average_kernel(off, p, block)
            if full:
                cache[True] = block
            blocks.append(block)
        self._features = np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=np.float64)
        self._nlist_source = used
        self._computed = True
        return self

    @computed_property
    def features(self) -> np.ndarray:
        """(N, D) numpy.ndarray: float64 features, columns ordered as :attr:`feature_names`."""
        return self._features

    @property
    def feature_names(self) -> list[str]:
        """list[str]: ``"q6"``, ``"w4"``, ``"q6[same]"``, ``"q6[0-1]"``, ... per column."""
        return self._names()

    @computed_property
    def nlist(self) -> freud.locality.NeighborList:
        """freud.locality.NeighborList: The (unfiltered) neighbour list that was used."""
        src = self._nlist_source
        return src.nlist if isinstance(src, SANN) else src

    def plot(self, ax=None, x: str | None = None, y: str | None = None):
        """Scatter two features (default: q4 and q6 when present, else the first two).

        Returns:
            matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        names = self.feature_names
        x = x or ("q4" if "q4" in names else names[0])
        y = y or ("q6" if "q6" in names else names[min(1, len(names) - 1)])
        if ax is None:
            _, ax = plt.subplots()
        f = self.features
        ax.scatter(f[:, names.index(x)], f[:, names.index(y)], s=2)
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        return ax


_NEIGHBOR_METHODS = {"sann": {"symmetrize"}, "ball": {"r_max"}, "knn": {"num_neighbors"}}


def _check_neighbor_spec(spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict) or spec.get("method") not in _NEIGHBOR_METHODS:
        raise ValueError(
            "The 'neighbors' parameter of BondOrderDescriptor must be a dict with 'method' in "
            "'sann', 'ball', 'knn', e.g. {'method': 'sann', 'symmetrize': 'remove'}, "
            "{'method': 'ball', 'r_max': 1.4} or {'method': 'knn', 'num_neighbors': 12}. "
            f"Got {spec!r} instead."
        )
    method = spec["method"]
    extra = set(spec) - {"method"} - _NEIGHBOR_METHODS[method]
    if extra:
        raise ValueError(f"Unknown keys {sorted(extra)} for neighbour method {method!r}.")
    if method == "sann":
        sym = spec.get("symmetrize", "remove")
        SANN(sym)  # validates
        return {"method": "sann", "symmetrize": sym}
    if method == "ball":
        r = spec.get("r_max")
        if isinstance(r, bool) or not isinstance(r, int | float) or not r > 0:
            raise ValueError(f"'r_max' of a 'ball' neighbour query must be > 0. Got {r!r}.")
        return {"method": "ball", "r_max": float(r)}
    k = spec.get("num_neighbors")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"'num_neighbors' of a 'knn' query must be an int >= 1. Got {k!r}.")
    return {"method": "knn", "num_neighbors": int(k)}


class BondOrderDescriptor:
    """Bond-order vectors as a describer (kind ``"bop"``) that models store and rebuild.

    Args:
        neighbors (dict): ``{"method": "sann", "symmetrize": "remove"}`` (default),
            ``{"method": "ball", "r_max": r}`` or ``{"method": "knn", "num_neighbors": k}``.
        l, wl, average, species: As :class:`BondOrderVector`.

    Example:
        >>> import freud
        >>> d = BondOrderDescriptor(l=[4, 6])
        >>> d2 = BondOrderDescriptor.from_config(d.get_config())
        >>> box, points = freud.data.UnitCell.bcc().generate_system(3)
        >>> features, names = d2.describe((box, points))
        >>> names, features.shape
        (['q4', 'q6'], (54, 2))
    """

    kind = "bop"

    def __init__(
        self,
        neighbors: dict | None = None,
        l: Any = range(1, 9),
        wl: bool = False,
        average: str | None = "lechner-dellago",
        species: Any = ("all",),
    ):
        self.neighbors = _check_neighbor_spec(
            {"method": "sann", "symmetrize": "remove"} if neighbors is None else neighbors
        )
        self._bov = BondOrderVector(l=l, wl=wl, average=average, species=species)
        self._described = False

    def __repr__(self) -> str:
        c = self.get_config()
        c.pop("kind")
        return "freud_ext.order.BondOrderDescriptor(" + ", ".join(
            f"{k}={v!r}" for k, v in c.items()) + ")"

    def get_config(self) -> dict[str, Any]:
        """JSON-serialisable configuration (``kind="bop"``)."""
        b = self._bov
        return {
            "kind": self.kind,
            "neighbors": dict(self.neighbors),
            "l": list(b.l),
            "wl": b.wl,
            "average": b.average,
            "species": [list(s) if isinstance(s, tuple) else s for s in b.species],
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BondOrderDescriptor:
        """Rebuild from :meth:`get_config` output.

        Raises:
            TypeError: ``config`` is not a dict.
            ValueError: Wrong ``kind`` or unknown keys.
        """
        if not isinstance(config, dict):
            raise TypeError(f"config must be a dict; got {type(config).__name__}.")
        cfg = dict(config)
        kind = cfg.pop("kind", cls.kind)
        if kind != cls.kind:
            raise ValueError(f"config kind must be {cls.kind!r}; got {kind!r}.")
        allowed = {"neighbors", "l", "wl", "average", "species"}
        extra = set(cfg) - allowed
        if extra:
            raise ValueError(f"Unknown BondOrderDescriptor config keys {sorted(extra)}.")
        if "species" in cfg:
            cfg["species"] = tuple(tuple(s) if isinstance(s, list) else s for s in cfg["species"])
        return cls(**cfg)

    def _neighbors_arg(self):
        spec = self.neighbors
        if spec["method"] == "sann":
            return SANN(spec["symmetrize"])
        if spec["method"] == "ball":
            return {"r_max": spec["r_max"]}
        return {"num_neighbors": spec["num_neighbors"]}

    def describe(self, system: Any, typeid: Any = None) -> tuple[np.ndarray, list[str]]:
        """Features ``(N, D)`` float64 and their ``D`` names for ``system``."""
        self._bov.compute(system, self._neighbors_arg(), typeid=typeid)
        self._described = True  # the list itself is built on first access (lazily)
        return self._bov.features, self._bov.feature_names

    @property
    def feature_names(self) -> list[str]:
        """list[str]: Names of the feature columns."""
        return self._bov.feature_names

    @property
    def nlist(self) -> freud.locality.NeighborList:
        """freud.locality.NeighborList: Neighbours of the last :meth:`describe` call."""
        if not self._described:
            raise AttributeError("Property not computed. Call describe first.")
        return self._bov.nlist


class BondOrientationalOrder2D(Compute):
    r"""2D bond-orientational order :math:`\psi_m` and :math:`\chi_m` (thesis Eq. 2.9).

    :math:`\psi_m(j) = N_b(j)^{-1} \sum_k e^{i m \theta_{jk}}`, with :math:`\theta_{jk}` the
    angle of the bond ``j -> k`` to the x axis, and
    :math:`\chi_m = \langle |\psi_m(j)|^2 \rangle`. Neighbours default to 2D SANN (symmetrized
    by removal), as in the thesis. A particle without neighbours has :math:`\psi_m = 0`.

    Args:
        m (int): Symmetry order (``>= 1``); 6 for hexagonal order.

    Example:
        >>> import freud, numpy as np
        >>> box = freud.box.Box.square(4)
        >>> x, y = np.meshgrid(np.arange(4.0) - 1.5, np.arange(4.0) - 1.5)
        >>> pts = np.column_stack([x.ravel(), y.ravel(), np.zeros(16)])
        >>> round(BondOrientationalOrder2D(m=4).compute((box, pts)).chi, 6)
        1.0
    """

    def __init__(self, m: int = 6):
        if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1:
            raise ValueError(
                f"The 'm' parameter of BondOrientationalOrder2D must be an int >= 1. "
                f"Got {m!r} instead."
            )
        self.m = int(m)

    def _repr_params(self) -> dict[str, Any]:
        return {"m": self.m}

    def compute(self, system: Any, neighbors: Any = None) -> BondOrientationalOrder2D:
        """Compute :math:`\\psi_m` of every particle.

        Args:
            system: A 2D system accepted by :func:`freud_ext.util.normalize_system`.
            neighbors: As in :meth:`BondOrderVector.compute` (default: 2D SANN).

        Returns:
            BondOrientationalOrder2D: ``self``.

        Raises:
            ValueError: The system is not 2D, or invalid (see ``normalize_system``).
        """
        data = normalize_system(system, dimensions=2)
        offsets, qi, pj, vec, used = _bonds_from(neighbors, data, "BondOrientationalOrder2D")
        n = data.N
        phase = np.exp(1j * self.m * np.arctan2(vec[:, 1], vec[:, 0]))
        counts = np.diff(offsets)
        total = np.bincount(qi, weights=phase.real, minlength=n) + 1j * np.bincount(
            qi, weights=phase.imag, minlength=n
        )
        self._psi = np.where(counts > 0, total / np.maximum(counts, 1), 0.0)
        self._nlist_source = used
        self._computed = True
        return self

    @computed_property
    def particle_order(self) -> np.ndarray:
        """(N,) numpy.ndarray: complex :math:`\\psi_m` of each particle."""
        return self._psi

    @computed_property
    def order_squared(self) -> np.ndarray:
        """(N,) numpy.ndarray: :math:`|\\psi_m|^2` of each particle."""
        return np.abs(self._psi) ** 2

    @computed_property
    def chi(self) -> float:
        """float: :math:`\\chi_m`, the mean of :math:`|\\psi_m|^2` (Eq. 2.9)."""
        return float(np.mean(np.abs(self._psi) ** 2))

    @computed_property
    def nlist(self) -> freud.locality.NeighborList:
        """freud.locality.NeighborList: The neighbour list that was used."""
        src = self._nlist_source
        return src.nlist if isinstance(src, SANN) else src


def local_average(
    values: Any,
    nlist: freud.locality.NeighborList,
    weights: Any = None,
    include_self: bool = True,
) -> np.ndarray:
    r"""Average per-particle values over each particle's neighbours (thesis Eqs. 5.5, 6.5).

    :math:`\bar x_i = (s\,x_i + \sum_j w_{ij} x_j) / (s + \sum_j w_{ij})` with ``s = 1`` when
    ``include_self`` else 0.

    Args:
        values ((N,) or (N, D) array-like): Per-particle values.
        nlist (freud.locality.NeighborList): Neighbours over the same N particles.
        weights ((B,) array-like): Per-bond weights :math:`w_{ij} \ge 0` in ``nlist``'s bond
            order (e.g. ``np.exp(-nlist.distances / r_c)``); default 1.
        include_self (bool): Include the particle itself with weight 1.

    Returns:
        numpy.ndarray: Same shape as ``values``, float64.

    Raises:
        TypeError: ``nlist`` is not a NeighborList, or non-numeric values.
        ValueError: Shape mismatches, NaN/inf values or weights, negative weights, or a
            particle with zero total weight (no neighbours and ``include_self=False``).

    Example:
        >>> import freud, numpy as np
        >>> nl = freud.locality.NeighborList.from_arrays(
        ...     3, 3, [0, 1, 1, 2], [1, 0, 2, 1], np.ones((4, 3)))
        >>> local_average([0.0, 3.0, 6.0], nl).tolist()
        [1.5, 3.0, 4.5]
    """
    if not isinstance(nlist, freud.locality.NeighborList):
        raise TypeError(
            "The 'nlist' parameter of local_average must be a freud.locality.NeighborList. "
            f"Got {type(nlist).__name__} instead."
        )
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("The 'values' of local_average must be numeric.") from None
    n = nlist.num_points
    if nlist.num_query_points != n:
        raise ValueError("local_average needs a neighbour list of one particle set with itself.")
    if x.ndim not in (1, 2) or x.shape[0] != n:
        raise ValueError(
            f"The 'values' of local_average must have shape ({n},) or ({n}, D), one row per "
            f"particle of the neighbour list. Got {x.shape} instead."
        )
    if not np.all(np.isfinite(x)):
        raise ValueError("The 'values' of local_average contain NaN or inf.")
    qi = np.asarray(nlist.query_point_indices, dtype=np.int64)
    pj = np.asarray(nlist.point_indices, dtype=np.int64)
    if weights is None:
        w = np.ones(len(qi))
    else:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (len(qi),):
            raise ValueError(
                f"The 'weights' of local_average must have shape ({len(qi)},), one per bond. "
                f"Got {w.shape} instead."
            )
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("The 'weights' of local_average must be finite and >= 0.")
    x2 = x.reshape(n, -1)
    self_w = 1.0 if include_self else 0.0
    total_w = np.bincount(qi, weights=w, minlength=n) + self_w
    if np.any(total_w <= 0):
        bad = int(np.flatnonzero(total_w <= 0)[0])
        raise ValueError(
            f"{int(np.sum(total_w <= 0))} particle(s) (first: {bad}) have no neighbours with "
            "positive weight and include_self=False: their average is undefined."
        )
    out = np.empty_like(x2)
    for c in range(x2.shape[1]):
        out[:, c] = (self_w * x2[:, c] + np.bincount(qi, weights=w * x2[pj, c], minlength=n))
    out /= total_w[:, None]
    return out.reshape(x.shape)
