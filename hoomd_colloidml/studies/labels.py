"""Local-environment labels of the single-layer networks of Ch. 3.4.

Each size ratio has its own label set (thesis Ch. 3.4.1-3.4.3). Since particles do not
diffuse out of the crystal phases, the label of a particle is fixed by its lattice site.
At α = 0.82 the Laves phases MgCu2, MgZn2 and MgNi2 share local environments (Fig. 3.3);
:func:`laves_environments` finds them from the bond-order vectors of the *perfect* crystals.

Example:
    >>> LABELS[0.45]
    ('NaCl', 'AlB2 large', 'AlB2 small', 'fluid', 'FCC')
    >>> import numpy as np
    >>> site_labels(0.45, "alb2", np.array([0, 1, 1])).tolist()
    [1, 2, 2]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["LABELS", "laves_environments", "on_site", "site_labels"]

#: Label names per size ratio, in the order of the network outputs (Ch. 3.4).
LABELS: dict[float, tuple[str, ...]] = {
    0.45: ("NaCl", "AlB2 large", "AlB2 small", "fluid", "FCC"),
    0.54: ("AB13 large", "AB13 small", "AlB2 large", "AlB2 small", "FCC", "fluid"),
    0.82: ("MgCu2 L (+MgNi2)", "MgCu2 S (+MgNi2)", "MgZn2 L (+MgNi2)", "MgZn2 S only",
           "MgZn2 S (+MgNi2)", "MgNi2 S only", "fluid", "FCC"),
}

# (phase -> (label of large, label of small)) for the size ratios without shared environments
_SIMPLE = {
    0.45: {"nacl": (0, 0), "alb2": (1, 2), "fluid": (3, 3), "fcc": (4, 4)},
    0.54: {"ab13": (0, 1), "alb2": (2, 3), "fcc": (4, 4), "fluid": (5, 5)},
    0.82: {"fluid": (6, 6), "fcc": (7, 7)},
}

LAVES = ("mgcu2", "mgzn2", "mgni2")


def _key(alpha: float) -> float:
    for a in LABELS:
        if abs(a - alpha) < 1e-9:
            return a
    raise ValueError(f"No label set for size ratio {alpha}; expected one of {sorted(LABELS)}.")


def site_labels(
    alpha: float, phase: str, typeid: np.ndarray, laves: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """Label of every particle of a bulk phase (typeid 0 = large, 1 = small).

    Args:
        alpha (float): Size ratio (0.45, 0.54 or 0.82).
        phase (str): Phase name.
        typeid ((N,) numpy.ndarray): Species of each particle.
        laves (dict): For the Laves phases, ``{phase: (N,) labels}`` from
            :func:`laves_environments` (the ideal crystal with the same particle order).

    Returns:
        (N,) numpy.ndarray: int labels.
    """
    key = _key(alpha)
    typeid = np.asarray(typeid, dtype=int)
    if phase in _SIMPLE[key]:
        large, small = _SIMPLE[key][phase]
        return np.where(typeid == 0, large, small)
    if key == 0.82 and phase in LAVES:
        if laves is None or phase not in laves:
            raise ValueError(f"Labels of {phase} need the environments of the perfect crystal.")
        lab = np.asarray(laves[phase], dtype=int)
        if lab.shape != typeid.shape:
            raise ValueError(f"{phase} labels have shape {lab.shape}; expected {typeid.shape}.")
        return lab
    raise ValueError(f"Unknown phase {phase!r} for size ratio {alpha}.")


def laves_environments(
    crystals: dict[str, tuple[np.ndarray, np.ndarray]],
    rtol: float = 0.05,
) -> dict[str, np.ndarray]:
    """Group the sites of the three perfect Laves crystals into shared environments (Fig. 3.3).

    Sites whose bond-order vectors differ by less than ``rtol`` times the vector norm (per
    species) are the same environment. Pass the q̄_l columns only: the normalised w̄_l of a
    q̄_l that vanishes by symmetry is ill-conditioned in a perfect crystal. Groups map onto
    the labels of Ch. 3.4.3:
    large sites in MgCu2's group → 0, other large → 2; small sites in MgCu2's group → 1,
    in MgZn2's groups but not MgNi2 → 3, in both MgZn2 and MgNi2 → 4, only in MgNi2 → 5.

    Args:
        crystals (dict): phase -> (features (N, D) of the perfect crystal, typeid (N,)).
        rtol (float): Relative tolerance of "the same vector".

    Returns:
        dict: phase -> (N,) int labels.
    """
    missing = [p for p in LAVES if p not in crystals]
    if missing:
        raise ValueError(f"laves_environments needs all three Laves phases; missing {missing}.")
    out = {p: np.full(len(crystals[p][1]), -1, dtype=int) for p in LAVES}
    for species in (0, 1):
        reps: list[np.ndarray] = []
        members: list[set[str]] = []
        assign: dict[str, np.ndarray] = {}
        for p in LAVES:
            X, t = crystals[p]
            idx = np.flatnonzero(np.asarray(t) == species)
            g = np.empty(len(idx), dtype=int)
            for n, i in enumerate(idx):
                x = X[i]
                for k, r in enumerate(reps):
                    if np.linalg.norm(x - r) <= rtol * max(np.linalg.norm(r), 1e-12):
                        g[n] = k
                        members[k].add(p)
                        break
                else:
                    reps.append(x)
                    members.append({p})
                    g[n] = len(reps) - 1
            assign[p] = np.stack([idx, g])
        group_label = []
        for m in members:
            if species == 0:
                group_label.append(0 if "mgcu2" in m else 2)
            elif "mgcu2" in m:
                group_label.append(1)
            elif "mgzn2" in m and "mgni2" not in m:
                group_label.append(3)
            elif "mgzn2" in m:
                group_label.append(4)
            else:
                group_label.append(5)
        for p in LAVES:
            idx, g = assign[p]
            out[p][idx] = np.asarray(group_label)[g]
    return out


def describe_perfect_laves(
    build: Callable[[str], object], describe: Callable[[object], np.ndarray]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Helper: ``{phase: (describe(build(phase)), typeid)}`` for the three Laves phases."""
    out = {}
    for p in LAVES:
        s = build(p)
        out[p] = (np.asarray(describe(s)), np.asarray(s.typeid))
    return out


def on_site(lattice, frames, max_displacement: float = 0.5) -> np.ndarray:
    """Which particles of a crystal run are still at their lattice site.

    Site labels (:func:`site_labels`) hold only while particles do not diffuse (thesis
    Ch. 3.3: "since diffusion in the crystal phases is essentially absent, we know the correct
    environment for each particle"). A particle counts as on its site when its displacement
    from the site in ``lattice`` (minimum image, the mean displacement of the frame
    subtracted) is below ``max_displacement`` times the shortest distance between two sites
    of the ideal lattice.

    Args:
        lattice: The ideal crystal the run started from (same particle order and box).
        frames (list): Snapshots of the run (``.positions``).
        max_displacement (float): Threshold in units of the nearest-site distance.

    Returns:
        (n_frames, N) numpy.ndarray of bool.

    Example:
        >>> from hoomd_colloidml.lattice import crystal
        >>> s = crystal("fcc", 2, 0.55)
        >>> moved = s.copy()
        >>> moved.positions = s.positions.copy()
        >>> moved.positions[0, 0] += 0.6 * 2 ** 0.5 * (4 / (6 * 0.55 / np.pi)) ** (1 / 3) / 2
        >>> on_site(s, [s, moved]).sum(axis=1).tolist()
        [32, 31]
    """
    import freud

    ref = np.asarray(lattice.positions, dtype=np.float64)
    box = lattice.box
    L = np.array([box.Lx, box.Ly, box.Lz], dtype=np.float64)
    if len(ref) < 2:
        raise ValueError("on_site needs a lattice of at least 2 particles.")
    nn = freud.locality.AABBQuery(box, ref).query(
        ref, {"num_neighbors": 1, "exclude_ii": True}).toNeighborList()
    d_site = float(np.min(nn.distances))
    out = []
    for f in frames:
        pos = np.asarray(f.positions, dtype=np.float64)
        if pos.shape != ref.shape:
            raise ValueError(f"A frame has {pos.shape} positions; the lattice {ref.shape}.")
        u = pos - ref
        u -= L * np.round(u / L)
        u -= u.mean(axis=0)
        out.append(np.linalg.norm(u, axis=1) < max_displacement * d_site)
    return np.array(out, dtype=bool).reshape(len(out), len(ref))
