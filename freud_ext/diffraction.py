"""Diffraction images S(k) on a reciprocal-lattice grid (thesis Ch. 7.3.2, Eq. 7.4).

    S(k) = rho(k) rho(-k) / N = |rho(k)|^2 / N,   rho(k) = sum_j exp(-i k . r_j)

on the grid k = 2 pi B^-T n (``B`` the box matrix; for a rectangular box
k = 2 pi (n_x / L_x, n_y / L_y, n_z / L_z)) with every integer n_a in [-n_max, n_max].
The direct sum is separable in fractional coordinates s = B^-1 r::

    rho(n) = sum_j e^{-2 pi i n_x s_jx} e^{-2 pi i n_y s_jy} e^{-2 pi i n_z s_jz}

so it is evaluated as complex matrix products, O(N n^d) without an FFT or binning.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from freud_ext.util import Compute, computed_property, normalize_system

__all__ = ["DiffractionImage", "max_pool"]

_CLS = "DiffractionImage"


def max_pool(image: np.ndarray, pool: int) -> np.ndarray:
    """Non-overlapping max-pooling with window ``pool`` along every axis.

    Trailing entries that do not fill a whole window are dropped (as
    ``torch.nn.MaxPool2d(pool)``): a 129 x 129 image pooled by 4 is 32 x 32.

    Example:
        >>> max_pool(np.arange(16.0).reshape(4, 4), 2)
        array([[ 5.,  7.],
               [13., 15.]])
    """
    if pool == 1:
        return image.copy()
    shape = [s // pool for s in image.shape]
    if min(shape) == 0:
        raise ValueError(
            f"The 'pool' window {pool} is larger than the image {image.shape}; expected "
            "pool <= 2 n_max + 1."
        )
    crop = image[tuple(slice(0, s * pool) for s in shape)]
    split = []
    for s in shape:
        split += [s, pool]
    return crop.reshape(split).max(axis=tuple(range(1, 2 * len(shape), 2)))


class DiffractionImage(Compute):
    """Diffraction pattern S(k) = |rho(k)|^2 / N on a k grid, max-pooled (Eq. 7.4).

    Args:
        n_max (int): Grid half-width; ``None`` uses the thesis values, 64 in 2D
            (129 x 129) and 32 in 3D (65 x 65 x 65).
        pool (int): Max-pool window (thesis: 4); 1 keeps the full grid.
        rotate (None, "random" or float): Real-space rotation before the transform
            (Ch. 7.3.2): the box is replicated, the copy rotated about the z axis
            (in-plane in 2D, about the long z axis in 3D) by a random angle in
            [0, 2 pi) or by the given angle (radians), and the original box cut back out.
        seed (int): Seed of the random angles (``rotate="random"``); successive
            ``compute`` calls draw successive angles.

    Attributes after compute: :attr:`image` (pooled), :attr:`full_image` (the grid),
    :attr:`k_vectors`, :attr:`n_particles` (particles after the cut-out), :attr:`angle`.

    Example:
        >>> import freud
        >>> box, pts = freud.data.UnitCell.square().generate_system((8, 8, 1))
        >>> dif = DiffractionImage(n_max=16, pool=4).compute((box, pts))
        >>> dif.full_image.shape, dif.image.shape
        ((33, 33), (8, 8))
        >>> round(float(dif.full_image[16 + 8, 16]), 6)  # Bragg peak at k = 2 pi / a: S = N
        64.0
    """

    def __init__(
        self,
        n_max: int | None = None,
        pool: int = 4,
        rotate: str | float | None = None,
        seed: int | None = None,
    ):
        if n_max is not None and (
            isinstance(n_max, bool) or not isinstance(n_max, int | np.integer) or n_max < 1
        ):
            raise ValueError(
                f"The 'n_max' parameter of {_CLS} must be None or an int >= 1. Got {n_max!r} "
                "instead."
            )
        if isinstance(pool, bool) or not isinstance(pool, int | np.integer) or pool < 1:
            raise ValueError(
                f"The 'pool' parameter of {_CLS} must be an int >= 1. Got {pool!r} instead."
            )
        if rotate is not None and rotate != "random":
            try:
                angle = float(rotate)
            except (TypeError, ValueError):
                angle = np.nan
            if not np.isfinite(angle) or isinstance(rotate, bool):
                raise ValueError(
                    f"The 'rotate' parameter of {_CLS} must be None, 'random' or an angle in "
                    f"radians. Got {rotate!r} instead."
                )
            rotate = angle
        self.n_max = None if n_max is None else int(n_max)
        self.pool = int(pool)
        self.rotate = rotate
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def _repr_params(self) -> dict[str, Any]:
        return {"n_max": self.n_max, "pool": self.pool, "rotate": self.rotate, "seed": self.seed}

    # ---------------------------------------------------------------- rotation
    @staticmethod
    def rotated_cutout(box, points: np.ndarray, angle: float) -> np.ndarray:
        """Replicate the box, rotate the copy about z by ``angle``, cut the box back out.

        Args:
            box (freud.box.Box): The box (kept).
            points ((N, 3) numpy.ndarray): Positions inside the box.
            angle (float): Rotation angle in radians (counter-clockwise about z).

        Returns:
            (N', 3) numpy.ndarray: Positions inside ``box``; N' ~ N (the cut-out
            holds the particles that the rotated replica puts in the box).
        """
        mat = np.asarray(box.to_matrix(), dtype=np.float64)
        dim = 2 if box.is2D else 3
        m2 = mat[:dim, :dim]
        inv = np.linalg.inv(m2)
        # the box's circumscribed radius, in units of each perpendicular width
        corners = np.array(np.meshgrid(*[[-0.5, 0.5]] * dim, indexing="ij")).reshape(dim, -1)
        radius = np.linalg.norm(m2 @ corners, axis=0).max()
        widths = 1.0 / np.linalg.norm(inv, axis=1)
        reps = [int(np.ceil(radius / w + 0.5)) for w in widths]
        if dim == 3 and mat[0, 2] == 0 and mat[1, 2] == 0:
            reps[2] = 0  # rotation about z keeps z: no copies needed along z
        shifts = np.stack(
            np.meshgrid(*[np.arange(-r, r + 1) for r in reps], indexing="ij"), -1
        ).reshape(-1, dim)
        frac = points[:, :dim] @ inv.T
        big = (frac[None, :, :] + shifts[:, None, :]).reshape(-1, dim) @ m2.T
        c, s = np.cos(angle), np.sin(angle)
        rot = big.copy()
        rot[:, 0] = c * big[:, 0] - s * big[:, 1]
        rot[:, 1] = s * big[:, 0] + c * big[:, 1]
        f = rot @ inv.T
        keep = np.all((f >= -0.5) & (f < 0.5), axis=1)
        out = np.zeros((int(keep.sum()), 3))
        out[:, :dim] = rot[keep]
        return out

    # ----------------------------------------------------------------- compute
    def compute(self, system: Any):
        """Compute the diffraction image of one configuration.

        Args:
            system: Anything :func:`freud_ext.util.normalize_system` accepts.

        Returns:
            self
        """
        data = normalize_system(system)
        box = data.box
        dim = data.dimensions
        n_max = self.n_max if self.n_max is not None else (64 if dim == 2 else 32)
        points = data.points
        angle = None
        if self.rotate is not None:
            angle = self._rng.uniform(0, 2 * np.pi) if self.rotate == "random" else self.rotate
            points = self.rotated_cutout(box, points, angle)
            if len(points) == 0:
                raise ValueError("The rotated cut-out of the box holds no particle.")
        mat = np.asarray(box.to_matrix(), dtype=np.float64)[:dim, :dim]
        frac = points[:, :dim] @ np.linalg.inv(mat).T  # in [-0.5, 0.5)
        n = np.arange(-n_max, n_max + 1)
        phase = np.exp(-2j * np.pi * frac[:, :, None] * n[None, None, :])  # (N, d, 2n+1)
        if dim == 2:
            rho = phase[:, 0, :].T @ phase[:, 1, :]
        else:
            m = len(n)
            xy = (phase[:, 0, :, None] * phase[:, 1, None, :]).reshape(len(points), m * m)
            rho = (xy.T @ phase[:, 2, :]).reshape(m, m, m)
        full = (rho.real**2 + rho.imag**2) / len(points)
        self._full = full
        self._n = n
        self._recip = 2 * np.pi * np.linalg.inv(mat).T  # columns: reciprocal vectors b_a
        self._image = max_pool(full, self.pool)
        self._n_particles = len(points)
        self._angle = angle
        self._dim = dim
        self._computed = True
        return self

    # ----------------------------------------------------------------- results
    @computed_property
    def image(self) -> np.ndarray:
        """((m, m) or (m, m, m) numpy.ndarray): Max-pooled S(k), m = (2 n_max + 1) // pool."""
        return self._image

    @computed_property
    def full_image(self) -> np.ndarray:
        """((2n+1,)*d numpy.ndarray): S(k) on the full grid; index n_max is k = 0."""
        return self._full

    @computed_property
    def n_values(self) -> np.ndarray:
        """((2 n_max + 1,) numpy.ndarray): Integer grid indices -n_max..n_max per axis."""
        return self._n

    @computed_property
    def k_vectors(self) -> np.ndarray:
        """((2n+1,)*d + (d,) numpy.ndarray): k of every entry of :attr:`full_image`."""
        grids = np.meshgrid(*[self._n] * self._dim, indexing="ij")
        nvec = np.stack(grids, -1).astype(np.float64)
        return nvec @ self._recip.T

    @computed_property
    def n_particles(self) -> int:
        """Number of particles transformed (after the rotated cut-out)."""
        return self._n_particles

    @computed_property
    def angle(self) -> float | None:
        """Rotation angle used (radians), or None."""
        return self._angle

    def radial_average(
        self, bins: int, k_max: float, k_min: float = 0.0, octant: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Average of :attr:`full_image` over |k| bins.

        Args:
            bins (int): Number of equal-width bins on [k_min, k_max].
            k_max (float): Upper edge (inverse length).
            k_min (float): Lower edge.
            octant (bool): Use only grid points with every n_a >= 0 — the k-point set of
                ``freud.diffraction.StaticStructureFactorDirect``.

        Returns:
            (bin centres (bins,), mean S per bin (bins,); NaN for empty bins)
        """
        if not k_max > k_min >= 0:
            raise ValueError(f"Expected 0 <= k_min < k_max; got k_min={k_min}, k_max={k_max}.")
        k = np.linalg.norm(self.k_vectors, axis=-1)
        s = self._full
        mask = (k >= k_min) & (k <= k_max)
        if octant:
            grids = np.meshgrid(*[self._n] * self._dim, indexing="ij")
            mask &= np.all(np.stack(grids) >= 0, axis=0)
        edges = np.linspace(k_min, k_max, bins + 1)
        idx = np.clip(np.searchsorted(edges, k[mask], side="right") - 1, 0, bins - 1)
        total = np.bincount(idx, weights=s[mask], minlength=bins)
        count = np.bincount(idx, minlength=bins)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / count
        return 0.5 * (edges[1:] + edges[:-1]), mean

    def plot(self, ax=None, full: bool = False, log: bool = True):
        """Show the image (3D: the n_z = 0 slice) and return the Axes.

        Args:
            ax (matplotlib.axes.Axes): Axes to draw on; a new figure when None.
            full (bool): Show :attr:`full_image` instead of the pooled :attr:`image`.
            log (bool): Colour by log10(1 + S).
        """
        import matplotlib.pyplot as plt

        img = self.full_image if full else self.image
        if img.ndim == 3:
            img = img[:, :, img.shape[2] // 2]
        if ax is None:
            _, ax = plt.subplots()
        shown = np.log10(1 + img) if log else img
        ax.imshow(shown.T, origin="lower", cmap="magma")
        ax.set_xlabel("$k_x$ (grid index)")
        ax.set_ylabel("$k_y$ (grid index)")
        ax.set_title("log$_{10}$(1 + S(k))" if log else "S(k)")
        return ax
