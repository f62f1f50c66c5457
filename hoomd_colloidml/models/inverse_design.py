"""Inverse design with the covariance-matrix-adaptation evolution strategy (thesis Ch. 7.3.3).

The generation loop of Eq. 7.5 runs on the :mod:`cma` package (``ask``/``tell``): each
generation draws ``n`` parameter sets from a multivariate Gaussian, evaluates the fitness
(in the thesis: the mean CNN probability of the target phase over 10 configurations
simulated at those parameters), and updates the mean and covariance from the best ``k``
with recombination weights ``w ∝ ln(k + 1) − ln(m)`` (``m`` = rank). Defaults are the
thesis's population sizes: ``n = 10, k = 5`` for two parameters and ``n = 20, k = 8`` for
three or more.

The history (means, covariances, candidates and fitness values per generation) is a JSON
file written atomically after every generation. A run resumes exactly from it: the
recorded generations are replayed into a fresh strategy with the same seed (without
re-evaluating the fitness), which restores the complete internal state (evolution paths,
step size) — nothing is pickled.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["InverseDesign"]


class InverseDesign:
    """CMA-ES optimisation of design parameters (Ch. 7.3.3, Eq. 7.5).

    Args:
        fitness (callable): ``fitness(x) -> float`` for one parameter vector ``x`` of shape
            ``(D,)``.
        x0 ((D,) array_like): Initial mean, D ≥ 2.
        sigma0 (float): Initial step size (the initial covariance is ``sigma0² I``).
        bounds (tuple[(D,) array_like, (D,) array_like] | None): Lower and upper bounds.
        popsize (int | None): Candidates per generation ``n`` (default 10 for D = 2, else 20).
        n_parents (int | None): Parents ``k`` (default 5 for D = 2, else 8).
        seed (int): Seed of the strategy's own random generator.
        maximize (bool): Maximise the fitness (the thesis maximises P_target); default minimise.
        history_path (str | os.PathLike | None): JSON history; if it exists, :meth:`run`
            resumes from it.

    Attributes:
        history (list[dict]): One entry per generation: ``mean`` (D,), ``sigma``,
            ``covariance`` (D, D), ``candidates`` (n, D), ``fitness`` (n,).

    Example:
        >>> opt = InverseDesign(lambda x: float((x[0] - 1) ** 2 + (x[1] + 2) ** 2),
        ...                     x0=[0.0, 0.0], sigma0=0.5, seed=1)
        >>> opt.run(60, progress=False).best_fitness < 1e-8
        True
    """

    def __init__(
        self,
        fitness: Callable[[np.ndarray], float],
        x0: Sequence[float],
        sigma0: float,
        bounds: tuple[Sequence[float], Sequence[float]] | None = None,
        popsize: int | None = None,
        n_parents: int | None = None,
        seed: int = 0,
        maximize: bool = False,
        history_path: str | os.PathLike | None = None,
    ):
        if not callable(fitness):
            raise TypeError(f"fitness must be callable; got {type(fitness).__name__}.")
        x0 = np.asarray(x0, dtype=np.float64)
        if x0.ndim != 1 or len(x0) < 2 or not np.all(np.isfinite(x0)):
            raise ValueError(
                f"x0 must be a finite 1D vector of at least 2 parameters; got {x0!r}."
            )
        if not (np.isscalar(sigma0) and np.isfinite(sigma0) and sigma0 > 0):
            raise ValueError(f"sigma0 must be a float > 0; got {sigma0!r}.")
        D = len(x0)
        if bounds is not None:
            lo, hi = (np.broadcast_to(np.asarray(b, dtype=np.float64), (D,)) for b in bounds)
            if not np.all(lo < hi) or not np.all((x0 >= lo) & (x0 <= hi)):
                raise ValueError(
                    f"bounds must satisfy lower < upper with x0 inside; got {bounds!r}."
                )
            bounds = (lo.tolist(), hi.tolist())
        n = (10 if D == 2 else 20) if popsize is None else popsize
        k = (5 if D == 2 else 8) if n_parents is None else n_parents
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"popsize must be an int >= 2; got {popsize!r}.")
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
            raise ValueError(f"n_parents must be an int in [1, popsize]; got {n_parents!r}.")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int; got {seed!r}.")
        self.fitness = fitness
        self.x0 = x0
        self.sigma0 = float(sigma0)
        self.bounds = bounds
        self.popsize = int(n)
        self.n_parents = int(k)
        self.seed = int(seed)
        self.maximize = bool(maximize)
        self.history_path = None if history_path is None else Path(history_path)
        self.history: list[dict] = []
        self._es = self._new_strategy()

    def __repr__(self) -> str:
        return (
            f"InverseDesign(fitness={getattr(self.fitness, '__name__', 'fitness')}, "
            f"x0={self.x0.tolist()}, sigma0={self.sigma0}, bounds={self.bounds}, "
            f"popsize={self.popsize}, n_parents={self.n_parents}, seed={self.seed}, "
            f"maximize={self.maximize})"
        )

    # ---- strategy
    def _config(self) -> dict:
        return {"x0": self.x0.tolist(), "sigma0": self.sigma0, "bounds": self.bounds,
                "popsize": self.popsize, "n_parents": self.n_parents, "seed": self.seed,
                "maximize": self.maximize}

    def _new_strategy(self):
        import cma

        rng = np.random.default_rng(self.seed)
        k, n = self.n_parents, self.popsize
        weights = [np.log(k + 1) - np.log(m) for m in range(1, k + 1)] + [0.0] * (n - k)
        opts = {
            "CMA_recombination_weights": weights,
            "seed": np.nan,  # never touch numpy's global random state
            "randn": lambda *shape: rng.standard_normal(shape),
            "verbose": -9,
            "tolfun": 0.0, "tolx": 0.0, "tolfunhist": 0.0, "tolstagnation": 10**9,
            "maxiter": 10**9,
        }
        if self.bounds is not None:
            opts["bounds"] = [list(self.bounds[0]), list(self.bounds[1])]
        return cma.CMAEvolutionStrategy(self.x0.tolist(), self.sigma0, opts)

    def _record(self, X: list, f: np.ndarray) -> None:
        es = self._es
        self.history.append({
            "generation": len(self.history),
            "candidates": np.asarray(X).tolist(),
            "fitness": [float(v) for v in f],
            "mean": np.asarray(es.mean).tolist(),
            "sigma": float(es.sigma),
            "covariance": (float(es.sigma) ** 2 * np.asarray(es.C)).tolist(),
        })

    def step(self) -> dict:
        """Run one generation (ask, evaluate, tell) and return its history entry."""
        X = self._es.ask()
        f = np.array([float(self.fitness(np.asarray(x))) for x in X])
        if not np.all(np.isfinite(f)):
            raise ValueError(f"The fitness returned non-finite values {f.tolist()}.")
        self._es.tell(X, (-f if self.maximize else f).tolist())
        self._record(X, f)
        return self.history[-1]

    def run(self, n_generations: int, progress: bool = True) -> InverseDesign:
        """Run until ``n_generations`` generations exist in the history (resuming if any).

        Args:
            n_generations (int): Total number of generations.
            progress (bool): Show a progress bar.

        Returns:
            InverseDesign: self.
        """
        if isinstance(n_generations, bool) or not isinstance(n_generations, (int, np.integer)) \
                or n_generations < 0:
            raise ValueError(f"n_generations must be an int >= 0; got {n_generations!r}.")
        if not self.history and self.history_path is not None and self.history_path.exists():
            self.resume(self.history_path)
        todo = range(len(self.history), int(n_generations))
        if progress:
            from tqdm.auto import tqdm

            todo = tqdm(todo, desc="CMA-ES", leave=False)
        for _ in todo:
            self.step()
            if self.history_path is not None:
                self.save_history(self.history_path)
        return self

    # ---- results
    def _best(self) -> tuple[np.ndarray, float]:
        if not self.history:
            raise ValueError("No generation has been run yet; call run() first.")
        best = None
        for g in self.history:
            f = np.asarray(g["fitness"])
            i = int(np.argmax(f) if self.maximize else np.argmin(f))
            if best is None or (f[i] > best[1] if self.maximize else f[i] < best[1]):
                best = (np.asarray(g["candidates"][i]), float(f[i]))
        return best

    @property
    def best_x(self) -> np.ndarray:
        """(D,) numpy.ndarray: Best candidate evaluated so far."""
        return self._best()[0]

    @property
    def best_fitness(self) -> float:
        """float: Fitness of :attr:`best_x`."""
        return self._best()[1]

    @property
    def mean(self) -> np.ndarray:
        """(D,) numpy.ndarray: Current mean of the search distribution."""
        return np.asarray(self._es.mean, dtype=np.float64).copy()

    @property
    def covariance(self) -> np.ndarray:
        """(D, D) numpy.ndarray: Current covariance ``σ² C``."""
        return float(self._es.sigma) ** 2 * np.asarray(self._es.C, dtype=np.float64)

    # ---- history files
    def save_history(self, path: str | os.PathLike) -> Path:
        """Write the configuration and history as JSON, atomically (temp file + rename)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"format": "hoomd-colloidml-cmaes-history", "config": self._config(),
               "history": self.history}
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(doc, fh, allow_nan=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path

    def resume(self, path: str | os.PathLike) -> InverseDesign:
        """Restore the exact strategy state from a history file by replaying it.

        Raises:
            ValueError: The file is not a history, is truncated, or was made with a different
                configuration (x0, sigma0, bounds, population sizes, seed).
        """
        path = Path(path)
        try:
            doc = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            raise ValueError(f"Cannot read the CMA-ES history {path}: {err}") from None
        if not isinstance(doc, dict) or doc.get("format") != "hoomd-colloidml-cmaes-history":
            raise ValueError(f"{path} is not a CMA-ES history file.")
        if doc.get("config") != json.loads(json.dumps(self._config())):
            raise ValueError(
                f"The history {path} was made with configuration {doc.get('config')}, not "
                f"{self._config()}; refusing to resume."
            )
        self._es = self._new_strategy()
        self.history = []
        for g in doc["history"]:
            X = self._es.ask()
            if not np.allclose(np.asarray(X), np.asarray(g["candidates"]), rtol=0, atol=1e-10):
                raise ValueError(
                    f"Replaying {path} diverged at generation {len(self.history)}; the file "
                    "was modified or made by a different version of cma."
                )
            f = np.asarray(g["fitness"], dtype=np.float64)
            self._es.tell(X, (-f if self.maximize else f).tolist())
            self._record(X, f)
        return self

    # ---- plot
    def plot(self, ax=None, dims: tuple[int, int] = (0, 1), every: int = 1):
        """Mean per generation and its 1-σ ellipse in the plane of two parameters.

        Args:
            ax (matplotlib.axes.Axes | None): Axes to draw on.
            dims (tuple[int, int]): The two parameters shown.
            every (int): Draw an ellipse every this many generations.

        Returns:
            matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt
        from matplotlib.patches import Ellipse

        if not self.history:
            raise ValueError("No generation has been run yet; call run() first.")
        if ax is None:
            _, ax = plt.subplots()
        i, j = dims
        means = np.array([g["mean"] for g in self.history])[:, [i, j]]
        cmap = plt.get_cmap("viridis")
        ng = len(self.history)
        for t, g in enumerate(self.history):
            if t % every:
                continue
            cov = np.asarray(g["covariance"])[np.ix_([i, j], [i, j])]
            vals, vecs = np.linalg.eigh(cov)
            vals = np.clip(vals, 0.0, None)
            angle = np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1]))
            ax.add_patch(Ellipse(means[t], 2 * np.sqrt(vals[1]), 2 * np.sqrt(vals[0]),
                                 angle=angle, fill=False, color=cmap(t / max(ng - 1, 1)),
                                 lw=1))
        ax.plot(means[:, 0], means[:, 1], "k.-", lw=0.8, ms=3)
        ax.set_xlabel(f"parameter {i}")
        ax.set_ylabel(f"parameter {j}")
        ax.autoscale_view()
        return ax
