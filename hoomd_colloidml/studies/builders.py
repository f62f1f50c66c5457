"""Initial conditions with interfaces: coexistence slabs, bicrystals and crystal seeds.

These build the starting configurations of the coexistence snapshots of Fig. 3.5 and of the
Ch. 4 systems; the bulk crystals themselves come from :mod:`hoomd_colloidml.lattice`.

Example:
    >>> s = close_packed_stack("ABC", nx=3, ny=2, n_repeat=2, density=1.05)
    >>> s.N, round(s.N / s.volume, 6)
    (72, 1.05)
"""

from __future__ import annotations

import freud
import numpy as np

from hoomd_colloidml.system import System


def _wrap64(pos: np.ndarray, lengths) -> np.ndarray:
    """Wrap into the origin-centred orthorhombic box in float64 (freud's wrap is float32)."""
    L = np.asarray(lengths, dtype=np.float64)
    pos = np.asarray(pos, dtype=np.float64)
    return pos - L * np.round(pos / L)


__all__ = [
    "bicrystal_sigma5",
    "check_slab_crystal",
    "close_packed_stack",
    "crystal_fluid_slabs",
    "insert_seed",
    "merge_types",
    "slab_coexistence",
    "stack_slabs",
]


def close_packed_stack(
    stacking: str, nx: int, ny: int, n_repeat: int, density: float
) -> System:
    """Hexagonal close-packed layers stacked along z with an arbitrary sequence.

    ``"ABC"`` gives FCC with [111] along z, ``"AB"`` gives HCP with [0001] along z; the
    sequence is repeated ``n_repeat`` times. The in-plane cell is rectangular
    (a × a√3, 2 particles per layer), so slabs with different stackings share the same
    cross-section and can be stacked into one periodic box.

    Args:
        stacking (str): Letters from "ABC" (no two equal neighbours, also cyclically).
        nx (int): Rectangular cells along x.
        ny (int): Rectangular cells along y.
        n_repeat (int): Repeats of ``stacking`` along z.
        density (float): Number density ρσ³.

    Returns:
        System: ``2 nx ny len(stacking) n_repeat`` particles of type "A".
    """
    seq = stacking.upper() * int(n_repeat)
    if not seq or any(c not in "ABC" for c in seq):
        raise ValueError(f"stacking must be letters from 'ABC'; got {stacking!r}.")
    if any(seq[i] == seq[(i + 1) % len(seq)] for i in range(len(seq))):
        raise ValueError(f"Neighbouring layers of {stacking!r} (cyclically) must differ.")
    if min(nx, ny) < 1 or density <= 0:
        raise ValueError("nx, ny must be >= 1 and density > 0.")
    # nearest-neighbour distance a from rho = sqrt(2) / a^3 (close packing)
    a = (np.sqrt(2.0) / density) ** (1.0 / 3.0)
    dz = a * np.sqrt(2.0 / 3.0)
    shift = {"A": np.array([0.0, 0.0]), "B": np.array([0.5 * a, a / (2 * np.sqrt(3))]),
             "C": np.array([a, a / np.sqrt(3)])}
    i, j = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    base = np.concatenate([
        np.stack([i.ravel() * a, j.ravel() * a * np.sqrt(3)], axis=1),
        np.stack([i.ravel() * a + 0.5 * a, j.ravel() * a * np.sqrt(3) + 0.5 * a * np.sqrt(3)],
                 axis=1),
    ])
    layers = []
    for k, c in enumerate(seq):
        xy = base + shift[c]
        layers.append(np.column_stack([xy, np.full(len(xy), k * dz)]))
    pos = np.concatenate(layers)
    box = freud.box.Box(nx * a, ny * a * np.sqrt(3), len(seq) * dz)
    pos = _wrap64(pos - np.array([box.Lx, box.Ly, box.Lz]) / 2, [box.Lx, box.Ly, box.Lz])
    return System(box, pos)


def merge_types(systems: list[System]) -> tuple[list[str], list[np.ndarray]]:
    """Common type list of ``systems`` and each system's typeid mapped onto it."""
    types: list[str] = []
    for s in systems:
        for t in s.types:
            if t not in types:
                types.append(t)
    mapped = [np.array([types.index(s.types[t]) for t in s.typeid], dtype=np.int32)
              for s in systems]
    return types, mapped


def _overlapping_interfaces(system: System, slab: np.ndarray, n: int) -> set[int]:
    """Interfaces (k = between slab k and k+1, cyclic) across which hard cores overlap."""
    d = system.diameters
    nl = freud.locality.AABBQuery(system.box, system.positions).query(
        system.positions, {"r_max": 1.01 * float(d.max()), "exclude_ii": True}).toNeighborList()
    i, j = nl.query_point_indices, nl.point_indices
    sig = 0.5 * (d[i] + d[j])
    # distances in float64 (freud works in float32): contacts of an MC fluid are exact
    L = np.array([system.box.Lx, system.box.Ly, system.box.Lz], dtype=np.float64)
    dx = system.positions[j] - system.positions[i]
    dx -= L * np.round(dx / L)
    bad = np.sum(dx * dx, axis=1) < sig * sig
    out = set()
    for a, b in zip(slab[i[bad]], slab[j[bad]]):
        if a == b:
            raise ValueError(f"Slab {a} has overlapping hard cores by itself.")
        out.add(int(a) if (a + 1) % n == b else int(b))
    return out


def stack_slabs(systems: list[System], gap: float = 0.0, max_gap: float = 2.0,
                relax_seed: int | None = None) -> tuple[System, np.ndarray]:
    """Stack orthorhombic boxes along z into one box (coexisting phases in slabs).

    The cross-sections are first brought to the largest ``Lx`` and ``Ly`` of all slabs by
    affine *expansion* (never compression, so no overlaps are created); a gap of at least
    ``gap`` is put at every interface (including the periodic one), and each interface's
    gap grows in steps of 0.05 until no two hard cores overlap across it. With
    ``relax_seed``, the gaps stay at ``gap`` and the overlaps across the interfaces are
    removed with soft cores instead (as :func:`slab_coexistence`): two crystals whose
    lattices do not match across an interface would otherwise be separated by up to
    ``max_gap`` of empty space, which melts their surfaces.

    Returns:
        tuple: (System, (N,) int array naming the slab each particle came from).
    """
    if relax_seed is not None:
        system, slab = _stack(systems, np.full(len(systems), float(gap)))
        return _relax_soft(system, int(relax_seed)), slab
    gaps = np.full(len(systems), float(gap))
    while True:
        system, slab = _stack(systems, gaps)
        bad = _overlapping_interfaces(system, slab, len(systems))
        if not bad:
            return system, slab
        for k in bad:
            gaps[k] += 0.05
        if gaps.max() > max_gap:
            raise ValueError("stack_slabs: overlaps remain across an interface.")


def _stack(systems: list[System], gaps: np.ndarray) -> tuple[System, np.ndarray]:
    if not systems:
        raise ValueError("stack_slabs needs at least one system.")
    for s in systems:
        if s.dimensions != 3 or abs(s.box.xy) + abs(s.box.xz) + abs(s.box.yz) > 0:
            raise ValueError("stack_slabs needs orthorhombic 3D boxes.")
    lx = max(s.box.Lx for s in systems)
    ly = max(s.box.Ly for s in systems)
    types, typeids = merge_types(systems)
    pos, tid, diam, slab = [], [], [], []
    z0 = 0.0
    for k, (s, t) in enumerate(zip(systems, typeids)):
        p = s.positions + np.array([s.box.Lx, s.box.Ly, s.box.Lz]) / 2  # [0, L)
        p = p * np.array([lx / s.box.Lx, ly / s.box.Ly, 1.0])
        p[:, 2] += z0
        z0 += s.box.Lz + gaps[k]
        pos.append(p)
        tid.append(t)
        diam.append(s.diameters)
        slab.append(np.full(s.N, k))
    box = freud.box.Box(lx, ly, z0)
    pos = _wrap64(np.concatenate(pos) - np.array([lx, ly, z0]) / 2, [lx, ly, z0])
    system = System(box, pos, np.concatenate(tid), types, np.concatenate(diam))
    return system, np.concatenate(slab)


def insert_seed(fluid: System, crystal: System, radius: float, margin: float = 0.0) -> System:
    """Replace the fluid inside a sphere by the crystal (seed for crystal growth).

    Crystal particles within ``radius`` of the crystal box centre are inserted at the fluid
    box centre; fluid particles inside the sphere, or closer than contact + ``margin`` to a
    seed particle, are removed (the density around the seed stays that of the fluid).

    Returns:
        System: seed particles first, then the remaining fluid.
    """
    if radius <= 0:
        raise ValueError(f"radius must be > 0; got {radius}.")
    inside = np.linalg.norm(crystal.positions, axis=1) <= radius
    if not inside.any():
        raise ValueError("The crystal has no particle within the seed radius.")
    seed_pos = crystal.positions[inside]
    keep = np.linalg.norm(fluid.positions, axis=1) > radius
    L = np.array([fluid.box.Lx, fluid.box.Ly, fluid.box.Lz])
    ds = crystal.diameters[inside]
    for k in np.flatnonzero(keep):
        dx = seed_pos - fluid.positions[k]
        dx -= L * np.round(dx / L)
        if np.any(np.linalg.norm(dx, axis=1) < 0.5 * (ds + fluid.diameters[k]) + margin):
            keep[k] = False
    types, (tf, tc) = merge_types([fluid, crystal])
    pos = np.concatenate([seed_pos, fluid.positions[keep]])
    tid = np.concatenate([tc[inside], tf[keep]])
    diam = np.concatenate([ds, fluid.diameters[keep]])
    return System(fluid.box, pos, tid, types, diam)


def insert_slab(fluid: System, crystal: System, half_thickness: float, margin: float = 0.0
                ) -> System:
    """Replace the fluid with |z| < ``half_thickness`` by the crystal (planar seed).

    The crystal box is first scaled onto the fluid box (the caller makes them nearly equal);
    fluid particles closer than contact + ``margin`` to a crystal particle are removed.

    Returns:
        System: crystal particles first, then the remaining fluid.
    """
    if half_thickness <= 0:
        raise ValueError(f"half_thickness must be > 0; got {half_thickness}.")
    Lf = np.array([fluid.box.Lx, fluid.box.Ly, fluid.box.Lz])
    Lc = np.array([crystal.box.Lx, crystal.box.Ly, crystal.box.Lz])
    cpos = crystal.positions * (Lf / Lc)
    inside = np.abs(cpos[:, 2]) < half_thickness
    keep = np.abs(fluid.positions[:, 2]) >= half_thickness
    ds = crystal.diameters[inside]
    seed_pos = cpos[inside]
    for k in np.flatnonzero(keep):
        dx = seed_pos - fluid.positions[k]
        dx -= Lf * np.round(dx / Lf)
        if np.any(np.linalg.norm(dx, axis=1) < 0.5 * (ds + fluid.diameters[k]) + margin):
            keep[k] = False
    types, (tf, tc) = merge_types([fluid, crystal])
    return System(fluid.box, np.concatenate([seed_pos, fluid.positions[keep]]),
                  np.concatenate([tc[inside], tf[keep]]), types,
                  np.concatenate([ds, fluid.diameters[keep]]))


def bicrystal_sigma5(n_cells: int, n_z: int, density: float, min_distance: float = 0.8
                     ) -> tuple[System, np.ndarray]:
    """FCC bicrystal with two Σ5 (36.87° about [001]) twist grain boundaries.

    Grain 0 fills the lower half of the box along z, grain 1 (rotated by 36.87° about z)
    the upper half. A rotation with cos θ = 4/5, sin θ = 3/5 maps the cubic lattice onto itself
    with period 5a along x and y, so both grains are periodic in a box of ``5 n_cells`` cubic
    cells across. Particles closer than ``min_distance`` to a particle of the other grain are
    removed from grain 1.

    Returns:
        tuple: (System, (N,) int grain index of each particle).
    """
    if n_cells < 1 or n_z < 2 or density <= 0:
        raise ValueError("n_cells >= 1, n_z >= 2 and density > 0 are required.")
    a = (4.0 / density) ** (1.0 / 3.0)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    L = 5 * n_cells * a
    Lz = n_z * a
    box = freud.box.Box(L, L, Lz)
    # grain 0: cubic lattice
    m = 5 * n_cells
    ijk = np.stack(np.meshgrid(np.arange(m), np.arange(m), np.arange(n_z // 2), indexing="ij"),
                   -1).reshape(-1, 3)
    g0 = ((ijk[:, None, :] + basis[None]) * a).reshape(-1, 3)
    # grain 1: rotated lattice; generate enough points to cover the box and keep one image
    c, s = 0.8, 0.6
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    r = int(np.ceil(m * 1.5)) + 1
    ijk1 = np.stack(np.meshgrid(np.arange(-r, r), np.arange(-r, r), np.arange(n_z - n_z // 2),
                                indexing="ij"), -1).reshape(-1, 3)
    g1 = ((ijk1[:, None, :] + basis[None]) * a).reshape(-1, 3) @ rot.T
    g1[:, 2] += (n_z // 2) * a
    in_box = (g1[:, 0] >= -1e-9) & (g1[:, 0] < L - 1e-6) & (g1[:, 1] >= -1e-9) & (
        g1[:, 1] < L - 1e-6)
    g1 = g1[in_box]
    g1 = g1[np.unique(np.round(g1, 6), axis=0, return_index=True)[1]]
    off = np.array([L, L, Lz]) / 2
    p0 = _wrap64(g0 - off, [L, L, Lz])
    p1 = _wrap64(g1 - off, [L, L, Lz])
    # remove grain-1 particles too close to grain 0 or to each other (periodic images)
    aq = freud.locality.AABBQuery(box, p0)
    nl = aq.query(p1, {"r_max": min_distance, "exclude_ii": False}).toNeighborList()
    bad = np.zeros(len(p1), bool)
    bad[nl.query_point_indices] = True
    p1 = p1[~bad]
    aq1 = freud.locality.AABBQuery(box, p1)
    nl1 = aq1.query(p1, {"r_max": min_distance, "exclude_ii": True}).toNeighborList()
    drop = np.zeros(len(p1), bool)
    for i, j in zip(nl1.query_point_indices, nl1.point_indices):
        if i < j and not drop[i]:
            drop[j] = True
    p1 = p1[~drop]
    pos = np.concatenate([p0, p1])
    grain = np.concatenate([np.zeros(len(p0), int), np.ones(len(p1), int)])
    return System(box, pos), grain


def crop_periodic(system: System, lengths: tuple[float, float, float], seed: int = 0) -> System:
    """Cut an orthorhombic block out of a larger configuration and make it periodic.

    Particles inside ``[0, Lx) × [0, Ly) × [0, Lz)`` (measured from the box corner) are kept;
    pairs that overlap across the new periodic boundaries are resolved by removing one
    particle of each (a few per face). Used to give a fluid slab any cross-section.

    Args:
        system (System): The larger configuration (orthorhombic box).
        lengths (tuple): (Lx, Ly, Lz), each at most the corresponding box length.

    Returns:
        System: The periodic block, without overlaps.
    """
    L = np.asarray(lengths, dtype=np.float64)
    big = np.array([system.box.Lx, system.box.Ly, system.box.Lz])
    if np.any(L > big + 1e-9) or np.any(L <= 0):
        raise ValueError(f"Block {tuple(L)} must be positive and fit in the box {tuple(big)}.")
    p = system.positions + big / 2
    keep = np.all(p < L, axis=1)
    box = freud.box.Box(*L)
    sub = System(box, _wrap64(p[keep] - L / 2, L), system.typeid[keep], list(system.types),
                 system.diameters[keep])
    rng = np.random.default_rng(seed)
    while True:
        d = sub.diameters
        nl = freud.locality.AABBQuery(sub.box, sub.positions).query(
            sub.positions, {"r_max": 1.01 * float(d.max()), "exclude_ii": True}).toNeighborList()
        i, j = nl.query_point_indices, nl.point_indices
        dx = sub.positions[j] - sub.positions[i]
        dx -= L * np.round(dx / L)
        bad = np.sum(dx * dx, axis=1) < (0.5 * (d[i] + d[j]) * (1 + 1e-6)) ** 2  # float32 box
        if not bad.any():
            return sub
        counts = np.bincount(np.r_[i[bad], j[bad]], minlength=sub.N)
        worst = np.flatnonzero(counts == counts.max())
        drop = rng.choice(worst)
        m = np.ones(sub.N, bool)
        m[drop] = False
        sub = System(sub.box, sub.positions[m], sub.typeid[m], list(sub.types), sub.diameters[m])


def _relax_soft(system: System, seed: int, max_sweeps: int = 20000) -> System:
    """Remove the hard-core overlaps of a system of hard spheres (one or more species).

    Zero-temperature Monte Carlo with Hertzian cores 3 % wider than the additive hard cores
    (the method of :func:`hoomd_colloidml.lattice.fluid`) until no two particles are closer
    than their contact distance; particles that do not overlap anything move freely within
    their cages. Returns the system with its types and diameters.
    """
    from hoomd_colloidml.engine import Hertzian, MonteCarlo
    from hoomd_colloidml.engine import kernels as K

    diam = np.asarray(system.diameters, dtype=np.float64)
    types = list(system.types)
    d_type = [float(diam[system.typeid == t][0]) if np.any(system.typeid == t) else 1.0
              for t in range(len(types))]
    soft = Hertzian(params={(types[a], types[b]): {"epsilon": 1.0,
                                                   "sigma": 1.03 * 0.5 * (d_type[a] + d_type[b])}
                            for a in range(len(types)) for b in range(a, len(types))})
    mc = MonteCarlo(System(system.box, system.positions, system.typeid, types,
                           np.zeros(system.N)),
                    [soft], seed=seed, kT=1e-7, step_size=0.05)
    L = np.array([system.box.Lx, system.box.Ly, system.box.Lz], dtype=np.float64)
    for _ in range(0, max_sweeps, 5):
        pos = np.ascontiguousarray(mc.system.positions, dtype=np.float64)
        if K.min_contact_ratio(pos, diam, L, 3, float(diam.max())) >= 1.0:
            return System(system.box, pos, system.typeid, types, diam)
        mc.run(5, progress=False, equilibrate=True, pressure_every=0, target_acceptance=0.3)
    raise RuntimeError("Could not remove the hard-core overlaps of the slabs; lower the densities.")


def check_slab_crystal(crystal: System, small_fraction: float) -> float:
    """Check a crystal and fluid composition for :func:`crystal_fluid_slabs`.

    Returns:
        float: The size ratio α (diameter of ``B``; 1 for a one-component crystal).

    Raises:
        ValueError: Not an orthorhombic 3D crystal with types ``["A", "B"]`` or ``["A"]``,
            ``small_fraction`` outside [0, 1], or > 0 with a one-component crystal.
    """
    types = list(crystal.types)
    if crystal.dimensions != 3 or abs(crystal.box.xy) + abs(crystal.box.xz) + abs(
            crystal.box.yz) > 0 or types not in (["A", "B"], ["A"]):
        raise ValueError("crystal_fluid_slabs needs a binary (types ['A', 'B']) or "
                         "one-component (['A']) crystal in an orthorhombic 3D box.")
    x = float(small_fraction)
    if not 0 <= x <= 1:
        raise ValueError(f"small_fraction must be in [0, 1]; got {x!r}.")
    if types == ["A"] and x != 0:
        raise ValueError(f"A one-component crystal takes a one-component fluid "
                         f"(small_fraction=0); got {x!r}.")
    small = crystal.typeid == 1
    return float(crystal.diameters[small][0]) if np.any(small) else 1.0


def crystal_fluid_slabs(crystal: System, fluid_packing_fraction: float,
                        small_fraction: float, seed: int = 0) -> tuple[System, np.ndarray]:
    """A crystal slab and a fluid slab of the same thickness, without gaps.

    The crystal (orthorhombic box, species ``A`` of diameter 1 and ``B`` of diameter α, e.g.
    from :func:`hoomd_colloidml.lattice.crystal`; or ``A`` alone, with a one-component fluid)
    keeps its cross-section; a fluid slab as
    thick as the crystal is put after it along z, holding
    ``round(η_f V_f / v̄)`` particles (``v̄`` the mean particle volume at composition
    ``small_fraction`` = N_B/N, exact counts per species) at random positions, and the
    overlaps are removed with soft cores (as :func:`slab_coexistence`; every particle,
    the crystal's included, rattles in its cage meanwhile), so that no interface is left
    under-dense. The starting point of a direct-coexistence run of a
    binary crystal with its fluid (``projects/binary_crystals/melting_check.py``).

    Args:
        crystal (System): Binary crystal, types ``["A", "B"]``, or one-component, ``["A"]``.
        fluid_packing_fraction (float): η_f of the fluid slab (Eq. 3.1), in (0, 0.62]
            (dense binary fluids of small size ratios pack beyond 0.58).
        small_fraction (float): Number fraction x = N_B/N of the fluid, in [0, 1].
        seed (int): Seed of the fluid positions and of the overlap removal.

    Returns:
        tuple: (System, (N,) int array: 0 for the crystal's particles, 1 for the fluid's).

    Raises:
        ValueError: A crystal that is not binary or one-component and orthorhombic, η_f or x
            out of range, or x > 0 with a one-component crystal.
        RuntimeError: The overlaps could not be removed (a fluid too dense to be packed).

    Example:
        >>> from hoomd_colloidml.lattice import crystal
        >>> xtal = crystal("nacl", 3, 0.62, size_ratio=0.45)
        >>> s, slab = crystal_fluid_slabs(xtal, 0.5, 0.5, seed=1)
        >>> int((slab == 0).sum()), round(float(s.box.Lz / xtal.box.Lz), 6)
        (216, 2.0)
    """
    alpha = check_slab_crystal(crystal, small_fraction)
    eta_f, x = float(fluid_packing_fraction), float(small_fraction)
    if not 0 < eta_f <= 0.62:
        raise ValueError(f"fluid_packing_fraction must be in (0, 0.62]; got {eta_f!r}.")
    types = list(crystal.types)
    Lx, Ly, lc = crystal.box.Lx, crystal.box.Ly, crystal.box.Lz
    v_mean = np.pi / 6 * ((1 - x) + x * alpha**3)
    n_f = int(round(eta_f * Lx * Ly * lc / v_mean))
    rng = np.random.default_rng(seed)
    tid_f = np.zeros(n_f, dtype=int)
    tid_f[: int(round(x * n_f))] = 1
    rng.shuffle(tid_f)
    p_f = rng.random((n_f, 3)) * np.array([Lx, Ly, lc]) + np.array([0.0, 0.0, lc])
    L = np.array([Lx, Ly, 2 * lc])
    pos = np.concatenate([crystal.positions + np.array([Lx, Ly, lc]) / 2, p_f]) - L / 2
    tid = np.concatenate([crystal.typeid, tid_f])
    start = System(freud.box.Box(*L), _wrap64(pos, L), tid, types,
                   np.where(tid == 0, 1.0, alpha))
    return _relax_soft(start, seed), np.r_[np.zeros(crystal.N, int), np.ones(n_f, int)]


def slab_coexistence(crystals: list[System], fluid_density: float, total_density: float,
                     seed: int = 0, separate: bool = False) -> tuple[System, np.ndarray]:
    """Crystal slabs and fluid slabs in one periodic box at a given overall density.

    The crystals (one-component, diameter 1, orthorhombic boxes with the same cross-section,
    e.g. :func:`close_packed_stack`) are stacked along z without gaps, each shifted so that
    both of its faces have the same clearance. The fluid is as wide in total as the lever
    rule requires for the overall density ``total_density`` with the fluid at
    ``fluid_density``, ``W = V_c (ρ_c - ρ) / ((ρ - ρ_f) A)``, and holds
    ``round(ρ (V_c + A W)) - N_c`` particles, so the box has *exactly* the overall density
    (thesis Ch. 4.3.1: ρσ³ = 1.01 for the FCC / HCP / fluid coexistence). With
    ``separate=False`` the crystals touch each other and one fluid slab follows them
    (FCC | HCP | fluid); with ``separate=True`` a fluid slab of width ``W / n`` follows every
    crystal (FCC | fluid | HCP | fluid), so each crystal borders only the fluid. The fluid
    particles start at random positions and the overlaps are removed with soft cores
    (:func:`_relax_soft`), which barely moves the crystal particles: no gaps, no particles
    removed, so no interface region is left under-dense (an under-dense fluid melts the
    crystal surfaces).

    Args:
        crystals (list[System]): Crystal slabs, stacked in this order along z.
        fluid_density (float): Number density ρ_f σ³ of the fluid (coexistence: 0.94).
        total_density (float): Overall number density ρσ³, between ``fluid_density`` and
            the crystals' density.
        seed (int): Seed of the fluid positions and of the overlap removal.
        separate (bool): A fluid slab after every crystal instead of one after all.

    Returns:
        tuple: (System, (N,) int array: index of the crystal slab of each particle, or
        ``len(crystals)`` for the fluid).

    Example:
        >>> fcc = close_packed_stack("ABC", 3, 2, 2, 1.05)
        >>> s, slab = slab_coexistence([fcc], 0.94, 1.0, seed=1)
        >>> round(s.N / s.volume, 2), int((slab == 1).sum()) > 0
        (1.0, True)
    """
    if not crystals:
        raise ValueError("slab_coexistence needs at least one crystal slab.")
    for s in crystals:
        if s.dimensions != 3 or abs(s.box.xy) + abs(s.box.xz) + abs(s.box.yz) > 0:
            raise ValueError("slab_coexistence needs orthorhombic 3D crystal boxes.")
        if np.any(s.diameters != 1.0) or len(s.types) != 1:
            raise ValueError("slab_coexistence needs one-component crystals of diameter 1.")
    Lx, Ly = crystals[0].box.Lx, crystals[0].box.Ly
    if any(abs(s.box.Lx - Lx) > 1e-6 * Lx or abs(s.box.Ly - Ly) > 1e-6 * Ly for s in crystals):
        raise ValueError("The crystal slabs of slab_coexistence must share the cross-section.")
    n_c = sum(s.N for s in crystals)
    v_c = sum(s.volume for s in crystals)
    rho_c = n_c / v_c
    rho_f, rho = float(fluid_density), float(total_density)
    if not 0 < rho_f < rho < rho_c:
        raise ValueError(
            "slab_coexistence needs 0 < fluid_density < total_density < crystal density "
            f"({rho_c:.4g}); got fluid_density={fluid_density!r}, "
            f"total_density={total_density!r}."
        )
    if np.pi / 6 * rho_f > 0.55:
        raise ValueError(f"fluid_density {fluid_density!r} is above the fluid branch.")
    width = v_c * (rho_c - rho) / ((rho - rho_f) * Lx * Ly)
    Lz = sum(c.box.Lz for c in crystals) + width
    n_f = int(round(rho * Lx * Ly * Lz)) - n_c
    blocks = [list(crystals)] if not separate else [[c] for c in crystals]
    n_gap = len(blocks)
    # fluid slab k after block k: width W / n_gap, particles split as evenly as possible
    per_gap = [n_f // n_gap + (1 if k < n_f % n_gap else 0) for k in range(n_gap)]
    rng = np.random.default_rng(seed)
    pos, slab, z0, k0 = [], [], 0.0, 0
    for k, block in enumerate(blocks):
        xtal, sl = _stack(block, np.zeros(len(block)))
        lc = xtal.box.Lz
        p = xtal.positions + np.array([Lx, Ly, lc]) / 2  # [0, lc) along z
        z = p[:, 2]
        p[:, 2] += 0.5 * (lc - z.max() - z.min()) + z0  # the same clearance at both faces
        pos.append(p)
        slab.append(sl + k0)
        k0 += len(block)
        z0 += lc
        w = width / n_gap
        pos.append(rng.random((per_gap[k], 3)) * np.array([Lx, Ly, w]) + np.array([0, 0, z0]))
        slab.append(np.full(per_gap[k], len(crystals)))
        z0 += w
    L = np.array([Lx, Ly, Lz])
    box = freud.box.Box(Lx, Ly, Lz)
    start = System(box, _wrap64(np.concatenate(pos) - L / 2, L))
    system = _relax_soft(start, seed)
    return system, np.concatenate(slab)
