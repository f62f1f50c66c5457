"""Ideal crystal structures for (binary) hard spheres and discs.

Every structure is stored as an **orthorhombic** unit cell (hexagonal lattices use their
rectangular "orthohexagonal" cell with ``b = a√3``) holding fractional coordinates and a
species label per site: species ``A`` is the large particle (diameter 1), species ``B`` the
small one (diameter ``size_ratio`` α = σ_B/σ_A, thesis Ch. 3). :func:`crystal` replicates the
cell and scales it isotropically so that the packing fraction equals the requested one
(thesis Eq. 3.1, η = π/6 (N_A σ_A³ + N_B σ_B³)/V; in 2D the area analogue π/4 Σσ²/A).

Sources of the coordinates (fractional, conventional cells):

* FCC, BCC, SC, HCP (ideal c/a = √(8/3)), NaCl (B1, Fm-3m: Na 4a, Cl 4b), 2D hexagonal and
  square: textbook lattices.
* AlB2 (C32, P6/mmm): Al 1a (0,0,0), B 2d (1/3,2/3,1/2), (2/3,1/3,1/2). The c/a ratio is a free
  parameter for hard spheres; it is chosen to maximize the close-packing fraction at the given
  α (this reproduces the known densest AlB2 packing η = 0.7826 at α ≈ 0.528, where a = c = σ_A).
* ico-AB13 (NaZn13, D2_3, Fm-3c, 112 particles per cubic cell): Na 8a (1/4,1/4,1/4),
  Zn 8b (0,0,0) and Zn 96i (0, y, z) with y = 0.1806, z = 0.1192 (Shoemaker, Marsh, Ewing and
  Pauling, Acta Cryst. 5, 637 (1952); AFLOW prototype AB13_cF112_226_a_bi). The 96i sites form
  icosahedra around the 8b sites, alternately rotated by 90° on the two 8b sublattices; every
  Na sits in a 24-vertex snub cube of Zn.
* MgCu2 (C15, Fd-3m, origin choice 1): Mg 8a (0,0,0)+diamond, Cu 16d (5/8,5/8,5/8)-orbit.
* MgZn2 (C14, P6_3/mmc): Mg 4f (1/3,2/3,z), Zn 2a (0,0,0), Zn 6h (x,2x,1/4). Ideal Laves
  geometry z = 1/16, x = −1/6, c/a = √(8/3) (commonly quoted experimental MgZn2 values
  z = 0.062, x = −0.1697 differ by < 2 % of a; the ideal values make all three Laves phases
  share the same first coordination shells, as the thesis notes in Ch. 3.4.3).
* MgNi2 (C36, P6_3/mmc): Mg 4e (0,0,z1), Mg 4f (1/3,2/3,z2), Ni 4f (1/3,2/3,z3), Ni 6g
  (1/2,0,0), Ni 6h (x,2x,1/4); ideal z1 = 3/32, z2 = 27/32, z3 = 1/8, x = 1/6,
  c/a = 2√(8/3) (AFLOW prototype AB2_hP24_194_ef_fgh; experimental z1 = 0.094, z2 = 0.844,
  z3 = 0.125, x = 0.167).
* 2D σ phase ("sigma2d"): the 3².4.3.4 (snub square) Archimedean tiling, the two-dimensional
  analogue of the Frank–Kasper σ phase, plane group p4g with the four vertices of the square
  cell at Wyckoff 4c (x, x+1/2) with x = (√3−1)/4; every vertex has five neighbours at one
  edge length.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import freud
import numpy as np

from hoomd_colloidml.system import System

__all__ = [
    "UnitCell",
    "available",
    "crystal",
    "max_packing_fraction",
    "rattle",
    "unit_cell",
    "STABLE_PHASES",
    "THESIS_PACKING_FRACTIONS",
]

#: Stable (and, for α = 0.82, competing Laves) crystal phases of binary hard spheres per size
#: ratio, thesis Ch. 3.4 (refs. [106]-[109] there). "fcc" is the one-component FCC crystal of
#: either species; the binary fluid is stable at every size ratio as well.
STABLE_PHASES: dict[float, list[str]] = {
    0.45: ["nacl", "alb2", "fcc"],
    0.54: ["ab13", "alb2", "fcc"],
    0.82: ["mgzn2", "mgcu2", "mgni2", "fcc"],
}

#: Packing fractions of the thesis's training simulations (Ch. 3.4.1-3.4.3); the binary fluid
#: is at η = 0.45 with x = 1/2 (α = 0.45) or x = 2/3 (α = 0.54, 0.82).
THESIS_PACKING_FRACTIONS: dict[float, dict[str, float]] = {
    0.45: {"nacl": 0.63, "alb2": 0.60, "fcc": 0.55, "fluid": 0.45},
    0.54: {"ab13": 0.55, "alb2": 0.60, "fcc": 0.55, "fluid": 0.45},
    0.82: {"mgzn2": 0.60, "mgcu2": 0.60, "mgni2": 0.60, "fcc": 0.55, "fluid": 0.45},
}


@dataclass(frozen=True)
class UnitCell:
    """An orthorhombic unit cell.

    Attributes:
        name (str): Lattice name.
        lengths ((3,) numpy.ndarray): Cell edge lengths (arbitrary units; ``lengths[2] = 0``
            in 2D).
        fractional ((n, 3) numpy.ndarray): Fractional coordinates in [0, 1) (z = 0 in 2D).
        species ((n,) numpy.ndarray): 0 for the large species A, 1 for the small species B.
        dimensions (int): 2 or 3.
    """

    name: str
    lengths: np.ndarray
    fractional: np.ndarray
    species: np.ndarray
    dimensions: int

    @property
    def n_sites(self) -> int:
        return len(self.fractional)

    @property
    def cartesian(self) -> np.ndarray:
        """Site positions ((n, 3) numpy.ndarray) in cell-length units, inside [0, L)."""
        return self.fractional * self.lengths


# --------------------------------------------------------------------------------------
# Site generators (fractional coordinates of conventional cells)
# --------------------------------------------------------------------------------------
_FCC = np.array([[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0]])
_SQRT3 = np.sqrt(3.0)
_IDEAL_COA = np.sqrt(8.0 / 3.0)


def _unique_mod1(frac: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Wrap fractional coordinates into [0, 1) and drop duplicates."""
    frac = np.mod(np.asarray(frac, dtype=np.float64), 1.0)
    frac[np.abs(frac - 1.0) < tol] = 0.0
    frac[np.abs(frac) < tol] = 0.0
    out: list[np.ndarray] = []
    for p in frac:
        if not any(np.all(np.abs(((p - q + 0.5) % 1.0) - 0.5) < tol) for q in out):
            out.append(p)
    return np.array(out)


def _hex_to_ortho(frac_hex: np.ndarray) -> np.ndarray:
    """Map fractional coordinates of a hexagonal cell (a1 = a x̂, a2 = a(−1/2, √3/2), c ẑ)
    to the orthohexagonal cell (a, a√3, c), which holds twice as many sites."""
    frac_hex = np.atleast_2d(frac_hex)
    u, v, w = frac_hex[:, 0], frac_hex[:, 1], frac_hex[:, 2]
    x = u - 0.5 * v  # in units of a
    y = v * 0.5  # (√3/2) v a / (√3 a)
    base = np.column_stack([x, y, w])
    both = np.vstack([base, base + [0.5, 0.5, 0.0]])
    return _unique_mod1(both)


def _p63mmc(site: str, x: float = 0.0, z: float = 0.0) -> np.ndarray:
    """Wyckoff orbits of space group P6_3/mmc (No. 194), hexagonal fractional coordinates."""
    if site == "2a":
        pts = [[0, 0, 0], [0, 0, 0.5]]
    elif site == "4e":
        pts = [[0, 0, z], [0, 0, z + 0.5], [0, 0, -z], [0, 0, -z + 0.5]]
    elif site == "4f":
        t, tt = 1 / 3, 2 / 3
        pts = [[t, tt, z], [tt, t, z + 0.5], [tt, t, -z], [t, tt, -z + 0.5]]
    elif site == "6g":
        pts = [
            [0.5, 0, 0],
            [0, 0.5, 0],
            [0.5, 0.5, 0],
            [0.5, 0, 0.5],
            [0, 0.5, 0.5],
            [0.5, 0.5, 0.5],
        ]
    elif site == "6h":
        pts = [
            [x, 2 * x, 0.25],
            [-2 * x, -x, 0.25],
            [x, -x, 0.25],
            [-x, -2 * x, 0.75],
            [2 * x, x, 0.75],
            [-x, x, 0.75],
        ]
    else:  # pragma: no cover - internal
        raise KeyError(site)
    return np.array(pts, dtype=np.float64)


def _ab13_sites(y: float = 0.1806, z: float = 0.1192) -> tuple[np.ndarray, np.ndarray]:
    """NaZn13 (Fm-3c): returns (Na sites, Zn sites) in the cubic cell (8 + 104)."""
    half = np.array([[i, j, k] for i in (0, 0.5) for j in (0, 0.5) for k in (0, 0.5)])
    na = half + 0.25  # 8a: simple cubic a/2 lattice shifted by a/4
    ico_even, ico_odd = [], []
    for s1 in (1, -1):
        for s2 in (1, -1):
            for p, q in ((y, z), (z, y)):
                v = np.array([0.0, s1 * p, s2 * q])
                target = ico_even if (p == y) else ico_odd
                for r in range(3):
                    target.append(np.roll(v, r))
    ico_even, ico_odd = np.array(ico_even), np.array(ico_odd)
    zn = [half]
    for c in half:
        parity = int(round(2 * c.sum())) % 2
        zn.append(c + (ico_even if parity == 0 else ico_odd))
    return _unique_mod1(na), _unique_mod1(np.vstack(zn))


def _sites(name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(lengths up to scale, fractional coords, species, dimensions) of the fixed-shape cells."""
    if name == "fcc":
        return np.ones(3), _FCC.astype(float), np.zeros(4, int), 3
    if name == "bcc":
        return np.ones(3), np.array([[0, 0, 0], [0.5, 0.5, 0.5]]), np.zeros(2, int), 3
    if name == "sc":
        return np.ones(3), np.zeros((1, 3)), np.zeros(1, int), 3
    if name == "hcp":
        frac = _hex_to_ortho(np.array([[1 / 3, 2 / 3, 0.25], [2 / 3, 1 / 3, 0.75]]))
        return np.array([1.0, _SQRT3, _IDEAL_COA]), frac, np.zeros(len(frac), int), 3
    if name == "nacl":
        frac = np.vstack([_FCC, _FCC + [0.5, 0, 0]])
        return np.ones(3), _unique_mod1(frac), np.repeat([0, 1], 4), 3
    if name == "ab13":
        na, zn = _ab13_sites()
        return np.ones(3), np.vstack([na, zn]), np.repeat([0, 1], [len(na), len(zn)]), 3
    if name == "mgcu2":
        diamond = np.vstack([_FCC, _FCC + 0.25])
        # 16d of Fd-3m (origin choice 1): (5/8,5/8,5/8), (3/8,7/8,1/8)... + F centring.
        t = np.array([[5, 5, 5], [5, 3, 3], [3, 5, 3], [3, 3, 5]]) / 8.0
        cu = (t[:, None, :] + _FCC[None, :, :]).reshape(-1, 3)
        a, b = _unique_mod1(diamond), _unique_mod1(cu)
        return np.ones(3), np.vstack([a, b]), np.repeat([0, 1], [len(a), len(b)]), 3
    if name == "mgzn2":
        a = _hex_to_ortho(_p63mmc("4f", z=1 / 16))
        b = _hex_to_ortho(np.vstack([_p63mmc("2a"), _p63mmc("6h", x=-1 / 6)]))
        lengths = np.array([1.0, _SQRT3, _IDEAL_COA])
        return lengths, np.vstack([a, b]), np.repeat([0, 1], [len(a), len(b)]), 3
    if name == "mgni2":
        a = _hex_to_ortho(np.vstack([_p63mmc("4e", z=3 / 32), _p63mmc("4f", z=27 / 32)]))
        b = _hex_to_ortho(
            np.vstack([_p63mmc("4f", z=1 / 8), _p63mmc("6g"), _p63mmc("6h", x=1 / 6)])
        )
        lengths = np.array([1.0, _SQRT3, 2 * _IDEAL_COA])
        return lengths, np.vstack([a, b]), np.repeat([0, 1], [len(a), len(b)]), 3
    if name == "hex2d":
        return (
            np.array([1.0, _SQRT3, 0.0]),
            np.array([[0, 0, 0], [0.5, 0.5, 0]]),
            np.zeros(2, int),
            2,
        )
    if name == "square2d":
        return np.array([1.0, 1.0, 0.0]), np.zeros((1, 3)), np.zeros(1, int), 2
    if name == "sigma2d":
        x = (_SQRT3 - 1.0) / 4.0
        frac = np.array([[x, x + 0.5, 0], [-x, -x + 0.5, 0], [-x + 0.5, x, 0], [x + 0.5, -x, 0]])
        return np.array([1.0, 1.0, 0.0]), _unique_mod1(frac), np.zeros(4, int), 2
    raise KeyError(name)  # pragma: no cover - guarded by _check_name


def _alb2_sites(c_over_a: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    a = _hex_to_ortho(np.array([[0.0, 0.0, 0.0]]))
    b = _hex_to_ortho(np.array([[1 / 3, 2 / 3, 0.5], [2 / 3, 1 / 3, 0.5]]))
    lengths = np.array([1.0, _SQRT3, c_over_a])
    return lengths, np.vstack([a, b]), np.repeat([0, 1], [len(a), len(b)]), 3


# --------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------
_CATALOGUE: dict[str, tuple[str, bool, int]] = {
    # name: (stoichiometry, binary?, dimensions)
    "fcc": ("A", False, 3),
    "hcp": ("A", False, 3),
    "bcc": ("A", False, 3),
    "sc": ("A", False, 3),
    "nacl": ("AB", True, 3),
    "alb2": ("AB2", True, 3),
    "ab13": ("AB13", True, 3),
    "mgcu2": ("AB2", True, 3),
    "mgzn2": ("AB2", True, 3),
    "mgni2": ("AB2", True, 3),
    "hex2d": ("A", False, 2),
    "square2d": ("A", False, 2),
    "sigma2d": ("A", False, 2),
}


def available() -> dict[str, str]:
    """Names of the lattices :func:`crystal` builds, with their stoichiometry.

    Returns:
        dict[str, str]: ``{name: stoichiometry}``, e.g. ``"alb2": "AB2"`` (A large, B small).

    Example:
        >>> available()["ab13"]
        'AB13'
        >>> sorted(n for n, s in available().items() if s == "AB2")
        ['alb2', 'mgcu2', 'mgni2', 'mgzn2']
    """
    return {name: stoich for name, (stoich, _, _) in _CATALOGUE.items()}


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(
            f"The 'name' parameter of crystal must be a str; got {type(name).__name__} instead."
        )
    key = name.strip().lower()
    if key not in _CATALOGUE:
        raise ValueError(
            f"Unknown lattice {name!r}. Known lattices: {', '.join(sorted(_CATALOGUE))}."
        )
    return key


def _check_size_ratio(key: str, size_ratio: object) -> float | None:
    binary = _CATALOGUE[key][1]
    if size_ratio is None:
        if binary:
            raise ValueError(
                f"The 'size_ratio' parameter of crystal is required for the binary lattice "
                f"{key!r}: give σ_B/σ_A in (0, 1]."
            )
        return None
    if isinstance(size_ratio, bool) or not isinstance(size_ratio, (int, float, np.number)):
        raise TypeError(
            "The 'size_ratio' parameter of crystal must be a float in (0, 1]; got "
            f"{type(size_ratio).__name__} instead."
        )
    alpha = float(size_ratio)
    if not np.isfinite(alpha) or not 0.0 < alpha <= 1.0:
        raise ValueError(
            f"The 'size_ratio' parameter of crystal must be a float in (0, 1]; got {size_ratio!r}"
            " instead."
        )
    return alpha


# --------------------------------------------------------------------------------------
# Geometry: minimum contact ratio and close packing
# --------------------------------------------------------------------------------------
def _contact_scale(lengths: np.ndarray, frac: np.ndarray, diam: np.ndarray, dim: int) -> float:
    """Smallest d_ij / ((σ_i + σ_j)/2) over all periodic pairs of the unit cell."""
    cart = frac * lengths
    rng = (-1, 0, 1)
    shifts = np.array([[i, j, k] for i in rng for j in rng for k in (rng if dim == 3 else (0,))])
    shifts = shifts * lengths
    sig = 0.5 * (diam[:, None] + diam[None, :])
    best = np.inf
    for s in shifts:
        d = np.linalg.norm(cart[None, :, :] + s - cart[:, None, :], axis=-1)
        if not np.any(s):
            np.fill_diagonal(d, np.inf)
        best = min(best, float(np.min(d / sig)))
    return best


def _particle_volume(diam: np.ndarray, dim: int) -> float:
    return float(np.sum(np.pi * diam**2 / 4) if dim == 2 else np.sum(np.pi * diam**3 / 6))


def _eta_max(lengths: np.ndarray, frac: np.ndarray, diam: np.ndarray, dim: int) -> float:
    s = _contact_scale(lengths, frac, diam, dim)
    vol = float(np.prod(lengths[:dim]))
    return _particle_volume(diam, dim) / (vol / s**dim)


@lru_cache(maxsize=256)
def _alb2_best_c_over_a(alpha: float) -> float:
    """c/a of AlB2 maximizing the close-packing fraction at size ratio α."""
    _, frac, species, _ = _alb2_sites(1.0)
    diam = np.where(species == 0, 1.0, alpha)

    def eta(r: float) -> float:
        return _eta_max(np.array([1.0, _SQRT3, r]), frac, diam, 3)

    grid = np.linspace(0.3, 2.5, 441)
    vals = np.array([eta(r) for r in grid])
    i = int(np.argmax(vals))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    # golden-section refinement on the (unimodal near the optimum) bracket
    g = (np.sqrt(5) - 1) / 2
    for _ in range(60):
        m1, m2 = hi - g * (hi - lo), lo + g * (hi - lo)
        if eta(m1) >= eta(m2):
            hi = m2
        else:
            lo = m1
    return float(0.5 * (lo + hi))


def unit_cell(name: str, size_ratio: float | None = None) -> UnitCell:
    """The orthorhombic unit cell :func:`crystal` replicates, at close packing.

    Lengths are scaled so that the closest pair is exactly in contact (σ_A = 1).

    Args:
        name (str): A name from :func:`available`.
        size_ratio (float): σ_B/σ_A in (0, 1], required for binary lattices.

    Returns:
        UnitCell: The cell.

    Example:
        >>> cell = unit_cell("nacl", size_ratio=0.45)
        >>> cell.n_sites, round(float(cell.lengths[0]), 6)  # a = σ_A + σ_B at contact
        (8, 1.45)
    """
    key = _check_name(name)
    alpha = _check_size_ratio(key, size_ratio)
    if key == "alb2":
        lengths, frac, species, dim = _alb2_sites(_alb2_best_c_over_a(alpha))
    else:
        lengths, frac, species, dim = _sites(key)
    diam = np.where(species == 0, 1.0, alpha if alpha is not None else 1.0)
    s = _contact_scale(lengths, frac, diam, dim)
    return UnitCell(
        key,
        np.asarray(lengths, dtype=np.float64) / s,
        np.asarray(frac, dtype=np.float64),
        np.asarray(species, dtype=np.int32),
        dim,
    )


def max_packing_fraction(name: str, size_ratio: float | None = None) -> float:
    """Close-packing fraction of a lattice (all closest pairs in contact).

    For fixed-geometry lattices this is the η at which the minimum contact distance
    d_ij = (σ_i + σ_j)/2 is reached; for AlB2 the c/a ratio is optimised at the size ratio.

    Args:
        name (str): A name from :func:`available`.
        size_ratio (float): σ_B/σ_A in (0, 1], required for binary lattices.

    Returns:
        float: η_max (area fraction in 2D).

    Example:
        >>> round(max_packing_fraction("fcc"), 6)  # π/√18
        0.74048
        >>> round(max_packing_fraction("hex2d"), 5)  # π/√12
        0.9069
    """
    cell = unit_cell(name, size_ratio)
    diam = _diameters(cell.species, size_ratio)
    vol = float(np.prod(cell.lengths[: cell.dimensions]))
    return _particle_volume(diam, cell.dimensions) / vol


def _diameters(species: np.ndarray, size_ratio: float | None) -> np.ndarray:
    return np.where(species == 0, 1.0, float(size_ratio) if size_ratio is not None else 1.0)


def _check_n_cells(n_cells: object, dim: int) -> tuple[int, ...]:
    msg = (
        f"The 'n_cells' parameter of crystal must be an int >= 1 or a sequence of {dim} ints "
        f">= 1 (one per axis); got {n_cells!r} instead."
    )
    if isinstance(n_cells, (bool, np.bool_, str, bytes)):
        raise TypeError(msg)
    if isinstance(n_cells, (int, np.integer)):
        counts = (int(n_cells),) * dim
    elif isinstance(n_cells, Sequence) or isinstance(n_cells, np.ndarray):
        items = list(n_cells)
        if len(items) != dim or not all(
            isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_)) for n in items
        ):
            raise (ValueError if len(items) != dim else TypeError)(msg)
        counts = tuple(int(n) for n in items)
    else:
        raise TypeError(msg)
    if any(n < 1 for n in counts):
        raise ValueError(msg)
    return counts


def _float32_ceil(x: np.ndarray) -> np.ndarray:
    """Smallest float32 values >= x (freud stores box lengths in single precision; rounding
    up keeps particles that touch at close packing from overlapping)."""
    x = np.asarray(x, dtype=np.float64)
    f = x.astype(np.float32)
    f = np.where(f.astype(np.float64) < x, np.nextafter(f, np.float32(np.inf)), f)
    return f.astype(np.float64)


def crystal(
    name: str,
    n_cells: int | Sequence[int],
    packing_fraction: float,
    size_ratio: float | None = None,
) -> System:
    """Build an ideal crystal scaled to a packing fraction.

    Species ``A`` (typeid 0) is the large particle with diameter 1, species ``B`` (typeid 1)
    the small one with diameter ``size_ratio``. One-component lattices contain only ``A``
    (``types == ["A"]``; a given ``size_ratio`` is validated and otherwise unused).
    The packing fraction is thesis Eq. 3.1, η = π/6 (N_A σ_A³ + N_B σ_B³)/V (area fraction
    π/4 Σσ²/A in 2D). The box is orthorhombic with edge ``n_cells[k] * cell_length[k]``;
    hexagonal lattices (HCP, AlB2, MgZn2, MgNi2, hex2d) use the rectangular orthohexagonal cell.

    Args:
        name (str): A name from :func:`available` (case-insensitive).
        n_cells (int or sequence of int): Unit cells per axis (one int for all axes).
        packing_fraction (float): Target η in (0, η_max], with η_max from
            :func:`max_packing_fraction`.
        size_ratio (float): σ_B/σ_A in (0, 1]; required for binary lattices.

    Returns:
        System: Positions inside the box (origin-centred freud convention), ``typeid``,
        ``types``, ``diameters``. ``System.packing_fraction`` equals the request to the
        single precision in which ``freud.box.Box`` stores lengths (relative error < 2e-7;
        box lengths are rounded up, so particles never overlap).

    Raises:
        ValueError: Unknown name, missing/invalid size ratio, n_cells < 1, or a packing
            fraction outside (0, η_max] (larger η would make particles overlap).

    Example:
        >>> s = crystal("nacl", 2, 0.60, size_ratio=0.45)
        >>> s.N, s.types, round(s.packing_fraction, 6)
        (64, ['A', 'B'], 0.6)
        >>> crystal("fcc", 3, 0.55).N
        108
    """
    key = _check_name(name)
    alpha = _check_size_ratio(key, size_ratio)
    dim = _CATALOGUE[key][2]
    counts = _check_n_cells(n_cells, dim)
    if isinstance(packing_fraction, bool) or not isinstance(
        packing_fraction, (int, float, np.number)
    ):
        raise TypeError(
            "The 'packing_fraction' parameter of crystal must be a float; got "
            f"{type(packing_fraction).__name__} instead."
        )
    eta = float(packing_fraction)
    cell = unit_cell(key, alpha)
    diam_cell = _diameters(cell.species, alpha)
    eta_max = _particle_volume(diam_cell, dim) / float(np.prod(cell.lengths[:dim]))
    if not np.isfinite(eta) or eta <= 0:
        raise ValueError(
            f"The 'packing_fraction' parameter of crystal must be a finite float > 0; got "
            f"{packing_fraction!r} instead."
        )
    if eta > eta_max * (1 + 1e-12):
        ratio = f" at size ratio {alpha}" if alpha is not None else ""
        raise ValueError(
            f"The 'packing_fraction' parameter of crystal must be <= {eta_max:.6f}, the "
            f"close-packing fraction of {key}{ratio}; got {eta} instead (particles would "
            "overlap)."
        )
    scale = (eta_max / eta) ** (1.0 / dim)
    box_l = _float32_ceil(cell.lengths[:dim] * scale * np.array(counts))
    lengths = box_l / np.array(counts)

    grid = np.stack(np.meshgrid(*[np.arange(n) for n in counts], indexing="ij"), axis=-1).reshape(
        -1, dim
    )
    frac = cell.fractional[:, :dim]
    pos = ((grid[:, None, :] + frac[None, :, :]) * lengths).reshape(-1, dim)
    species = np.tile(cell.species, len(grid))
    if dim == 3:
        box = freud.box.Box(*box_l)
    else:
        box = freud.box.Box(box_l[0], box_l[1], is2D=True)
    points = np.zeros((len(pos), 3))
    # freud boxes are centred on the origin; fractional coordinates are in [0, 1) already, so
    # no wrap is needed (freud's wrap would round to float32)
    points[:, :dim] = pos - 0.5 * box_l
    binary = _CATALOGUE[key][1]
    types = ["A", "B"] if binary else ["A"]
    diameters = _diameters(species, alpha)
    return System(box, points, species.astype(np.int32), types, diameters)


def _wrap64(box: freud.box.Box, points: np.ndarray) -> np.ndarray:
    """Wrap points into a (possibly triclinic) freud box in float64 (``Box.wrap`` rounds to
    float32)."""
    dim = 2 if box.is2D else 3
    mat = np.asarray(box.to_matrix(), dtype=np.float64)[:dim, :dim]
    frac = np.linalg.solve(mat, points[:, :dim].T).T + 0.5
    frac -= np.floor(frac)
    frac[frac >= 1.0] = 0.0
    out = np.zeros_like(points, dtype=np.float64)
    out[:, :dim] = (frac - 0.5) @ mat.T
    return out


def rattle(system: System, sigma: float, seed: int | np.random.Generator | None = None) -> System:
    """Displace every particle by an independent Gaussian vector and wrap into the box.

    Args:
        system (System): The configuration (left unchanged).
        sigma (float): Standard deviation per Cartesian component, in units of the largest
            diameter of the system (σ_A = 1 in reduced units). ``0`` returns a copy.
        seed (int, numpy.random.Generator or None): Random state.

    Returns:
        System: A new system; z stays 0 in 2D.

    Example:
        >>> s = rattle(crystal("fcc", 2, 0.5), 0.02, seed=1)
        >>> s.N
        32
    """
    if not isinstance(system, System):
        raise TypeError(
            "The 'system' parameter of rattle must be a hoomd_colloidml.System; got "
            f"{type(system).__name__} instead."
        )
    if isinstance(sigma, bool) or not isinstance(sigma, (int, float, np.number)):
        raise TypeError(
            f"The 'sigma' parameter of rattle must be a float >= 0; got {type(sigma).__name__} "
            "instead."
        )
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"The 'sigma' parameter of rattle must be a float >= 0; got {sigma!r}.")
    if seed is not None and not isinstance(seed, (int, np.integer, np.random.Generator)):
        raise TypeError(
            "The 'seed' parameter of rattle must be an int, a numpy Generator or None; got "
            f"{type(seed).__name__} instead."
        )
    rng = np.random.default_rng(seed)
    out = system.copy()
    if sigma == 0:
        return out
    scale = float(sigma) * (float(np.max(out.diameters)) if out.N else 1.0)
    dim = out.dimensions
    disp = np.zeros_like(out.positions)
    disp[:, :dim] = rng.normal(0.0, scale, size=(out.N, dim))
    pos = _wrap64(out.box, out.positions + disp)
    return System(out.box, pos, out.typeid, out.types, out.diameters)
