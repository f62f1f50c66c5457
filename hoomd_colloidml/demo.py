"""Descriptor demo, the project's interim main job: bond-order fingerprints of crystals.

Builds thermal FCC, HCP and BCC crystals and a strongly disordered (fluid-like) system of
unit-diameter particles (nearest-neighbour distance 1), finds the SANN neighbours
(symmetrized by removal, thesis Ch. 3.2), computes the 24-entry averaged bond-order vector of
thesis Eq. 3.6 for every particle, prints a summary table, and writes a scatter plot of
averaged q4 against q6 (the classic crystal map) as a PNG.

Usage::

    python -m hoomd_colloidml.demo [--out DIR] [--sigma 0.06] [--seed 0]

Example:
    >>> from hoomd_colloidml.demo import structures
    >>> sorted(structures(sigma=0.05, seed=0))
    ['bcc', 'fcc', 'fluid-like', 'hcp']
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import freud
import numpy as np

from freud_ext.locality import SANN
from freud_ext.order import BondOrderVector
from hoomd_colloidml.system import System

__all__ = ["structures", "summarize", "plot_q4_q6", "main"]


def _wrap(box: freud.box.Box, pts: np.ndarray) -> np.ndarray:
    L = np.array([box.Lx, box.Ly, box.Lz])
    return pts - L * np.round(pts / L)


def _unitcell(name: str, cells: int, nn: float) -> tuple[freud.box.Box, np.ndarray]:
    box, pts = getattr(freud.data.UnitCell, name)().generate_system(cells)
    scale = 1.0 / nn  # nearest-neighbour distance of the unit cell -> 1
    return freud.box.Box.cube(box.Lx * scale), np.asarray(pts, dtype=np.float64) * scale


def _hcp(n: tuple[int, int, int]) -> tuple[freud.box.Box, np.ndarray]:
    """Ideal HCP (ABAB stacking), nearest-neighbour distance 1, orthorhombic 4-atom cell."""
    cell = np.array([1.0, np.sqrt(3.0), np.sqrt(8.0 / 3.0)])
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 1 / 6, 0.5], [0, 2 / 3, 0.5]]) * cell
    grid = np.stack(np.meshgrid(*[np.arange(k) for k in n], indexing="ij"), -1).reshape(-1, 3)
    pts = (grid[:, None, :] * cell + basis[None]).reshape(-1, 3)
    L = cell * np.array(n)
    box = freud.box.Box(*L)
    return box, _wrap(box, pts - L / 2 + 1e-3)


def structures(sigma: float = 0.06, seed: int = 0) -> dict[str, System]:
    """Thermal crystals and a fluid-like system, nearest-neighbour distance 1.

    Args:
        sigma (float): Gaussian displacement per coordinate of the crystals (units of the
            nearest-neighbour distance); the fluid-like system uses ``5 * sigma`` (at least
            0.25), beyond the Lindemann melting criterion.
        seed (int): Random seed.

    Returns:
        dict[str, hoomd_colloidml.System]: ``"fcc"`` (864 particles), ``"hcp"`` (864),
        ``"bcc"`` (1024) and ``"fluid-like"`` (864).
    """
    if not (isinstance(sigma, int | float) and 0 <= sigma < 0.5):
        raise ValueError(f"sigma must be a float in [0, 0.5); got {sigma!r}.")
    rng = np.random.default_rng(seed)
    ideal = {
        "fcc": _unitcell("fcc", 6, 1 / np.sqrt(2)),
        "hcp": _hcp((9, 4, 6)),
        "bcc": _unitcell("bcc", 8, np.sqrt(3) / 2),
        "fluid-like": _unitcell("fcc", 6, 1 / np.sqrt(2)),
    }
    out = {}
    for name, (box, pts) in ideal.items():
        s = max(5 * sigma, 0.25) if name == "fluid-like" else sigma
        moved = _wrap(box, pts + rng.normal(0.0, s, pts.shape))
        out[name] = System(box, moved)
    return out


def summarize(systems: dict[str, System]) -> dict[str, dict[str, np.ndarray | float]]:
    """SANN + 24-entry bond-order vector (Eq. 3.6) of every system.

    Returns:
        dict: per structure, ``features`` ((N, 24) numpy.ndarray), ``names`` (list[str]),
        ``neighbours`` (mean SANN shell size after symmetrization) and ``seconds``.
    """
    bov = BondOrderVector(l=range(1, 9), wl=True, species=("all", "same"))
    result = {}
    for name, system in systems.items():
        t = time.perf_counter()
        sann = SANN("remove").compute(system)
        bov.compute(system, sann)
        result[name] = {
            "features": bov.features.copy(),
            "names": bov.feature_names,
            "neighbours": float(np.mean(sann.nlist.neighbor_counts)),
            "seconds": time.perf_counter() - t,
        }
    return result


def plot_q4_q6(result: dict, path: str | os.PathLike) -> Path:
    """Scatter averaged q4 vs q6 per structure; written atomically (temp file + rename)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 4), dpi=120)
    for name, r in result.items():
        names = r["names"]
        f = r["features"]
        ax.scatter(f[:, names.index("q4")], f[:, names.index("q6")], s=3, alpha=0.5, label=name)
    ax.set_xlabel(r"$\bar q_4$")
    ax.set_ylabel(r"$\bar q_6$")
    ax.set_title("Averaged bond order (SANN, Lechner-Dellago)")
    ax.legend(markerscale=4, frameon=False)
    fig.tight_layout()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".png")
    os.close(fd)
    try:
        fig.savefig(tmp, format="png")
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the process exit code."""
    p = argparse.ArgumentParser(
        prog="python -m hoomd_colloidml.demo",
        description="Bond-order fingerprints (SANN + Eq. 3.6) of thermal crystals and a "
        "fluid-like system; prints a summary and writes q4_q6.png.",
    )
    p.add_argument("--out", default="demo_output", help="output directory (default: %(default)s)")
    p.add_argument("--sigma", type=float, default=0.06,
                   help="thermal displacement of the crystals (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    try:
        systems = structures(args.sigma, args.seed)
    except ValueError as exc:
        p.error(str(exc))
    result = summarize(systems)
    print(f"{'structure':<12}{'N':>6}{'<neighbours>':>14}{'<q4>':>9}{'<q6>':>9}"
          f"{'<w4>':>9}{'<w6>':>9}{'time/s':>8}")
    for name, r in result.items():
        f, names = r["features"], r["names"]
        col = {k: f[:, names.index(k)].mean() for k in ("q4", "q6", "w4", "w6")}
        print(f"{name:<12}{len(f):>6}{r['neighbours']:>14.2f}{col['q4']:>9.4f}{col['q6']:>9.4f}"
              f"{col['w4']:>9.4f}{col['w6']:>9.4f}{r['seconds']:>8.2f}")
    print(f"features per particle: {len(result['fcc']['names'])} (thesis Eq. 3.6): "
          + ", ".join(result["fcc"]["names"][:12]) + ", and the same for same-species bonds")
    path = plot_q4_q6(result, Path(args.out) / "q4_q6.png")
    print(f"wrote {path.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
