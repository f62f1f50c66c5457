"""Snapshots coloured by labels or by RGB mixtures of membership probabilities (Ch. 4.3.1).

Example:
    >>> import numpy as np
    >>> P = np.array([[1.0, 0.0], [0.5, 0.5]])
    >>> membership_rgb(P, palette=[(1, 0, 0), (0, 0, 1)]).tolist()
    [[1.0, 0.0, 0.0], [0.5, 0.0, 0.5]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["PALETTE", "membership_rgb", "render_snapshot"]

#: Default cluster / label colours (RGB in [0, 1]).
PALETTE = np.array([
    (0.90, 0.10, 0.10), (0.10, 0.35, 0.90), (0.10, 0.70, 0.20), (0.95, 0.60, 0.05),
    (0.60, 0.20, 0.75), (0.05, 0.75, 0.80), (0.55, 0.35, 0.15), (0.95, 0.40, 0.70),
    (0.45, 0.45, 0.45), (0.70, 0.70, 0.10),
])


def membership_rgb(probabilities: Any, palette: Any = None) -> np.ndarray:
    """RGB colour of each particle: Σ_j p_ij c_j (Ch. 4.3.1, Fig. 4.2f).

    Args:
        probabilities ((N, K) numpy.ndarray): Membership probabilities (rows sum to 1).
        palette ((K, 3) array_like): Colour of each cluster; defaults to :data:`PALETTE`.

    Returns:
        (N, 3) numpy.ndarray: RGB in [0, 1].
    """
    P = np.asarray(probabilities, dtype=np.float64)
    if P.ndim != 2 or not np.all(np.isfinite(P)) or np.any(P < -1e-9):
        raise ValueError("probabilities must be a finite, non-negative (N, K) array.")
    if not np.allclose(P.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("Each row of probabilities must sum to 1.")
    C = PALETTE if palette is None else np.asarray(palette, dtype=np.float64)
    if len(C) < P.shape[1]:
        raise ValueError(f"palette has {len(C)} colours for {P.shape[1]} clusters.")
    return np.clip(P @ C[: P.shape[1]], 0.0, 1.0)


def render_snapshot(
    system: Any,
    colors: Any,
    ax: Any = None,
    sizes: Any = None,
    title: str | None = None,
    legend: dict[str, Any] | None = None,
    shrink: Any = None,
) -> Any:
    """Draw particles as a 3D scatter plot (depth-sorted), coloured per particle.

    Args:
        system: A :class:`hoomd_colloidml.System`.
        colors ((N, 3) numpy.ndarray or (N,) int): RGB colours, or labels mapped through
            :data:`PALETTE` (label -1 is drawn white).
        ax: A 3D matplotlib Axes; a new figure is made if None.
        sizes ((N,) numpy.ndarray): Marker sizes; defaults from the particle diameters.
        title (str): Axes title.
        legend (dict): name -> colour entries of a legend.
        shrink ((N,) bool): Particles drawn at 1/4 size (e.g. fluid-like, Fig. 4.10a).

    Returns:
        The Axes.
    """
    import matplotlib.pyplot as plt

    pos = np.asarray(system.positions)
    n = len(pos)
    c = np.asarray(colors)
    if c.ndim == 1:
        lab = c.astype(int)
        c = np.where(lab[:, None] < 0, 1.0, PALETTE[np.mod(lab, len(PALETTE))])
    if c.shape != (n, 3):
        raise ValueError(f"colors must be (N, 3) RGB or (N,) labels with N={n}; got {c.shape}.")
    if ax is None:
        fig = plt.figure(figsize=(4.5, 4.5))
        ax = fig.add_subplot(projection="3d")
    s = (40.0 * np.asarray(system.diameters) ** 2) if sizes is None else np.asarray(sizes)
    s = np.broadcast_to(s, (n,)).astype(float).copy()
    if shrink is not None:
        s[np.asarray(shrink, bool)] /= 16.0
    order = np.argsort(pos[:, 0] + pos[:, 1])
    ax.scatter(pos[order, 0], pos[order, 1], pos[order, 2], c=c[order], s=s[order],
               edgecolors="k", linewidths=0.1, depthshade=False)
    ax.set_box_aspect((system.box.Lx, system.box.Ly, system.box.Lz))
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=8)
    if legend:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], ls="", marker="o", color=v, label=k) for k, v in legend.items()]
        ax.legend(handles=handles, fontsize=6, loc="upper left")
    return ax
