"""Atomic writers for per-job products (write to a temporary name, then ``os.replace``).

An interrupted operation therefore leaves either the previous complete file or no file, never
a truncated one, and the post-conditions of signac-flow operations (``job.isfile(...)``) only
see complete products.

Example:
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> write_json(os.path.join(d, "a.json"), {"x": 1})
    >>> read_json(os.path.join(d, "a.json"))
    {'x': 1}
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PARTIAL",
    "atomic_path",
    "remove_partials",
    "read_json",
    "read_npz",
    "save_figure",
    "write_json",
    "write_npz",
    "write_text",
]


#: Marker in the names of temporary product files (``.<name>.partial-XXXX<suffix>``).
PARTIAL = ".partial-"


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[str]:
    """Yield a temporary file name next to ``path``; rename it onto ``path`` on success.

    The temporary file lives in the same directory (same file system), so the final
    ``os.replace`` is atomic. On an exception the temporary file is removed and ``path``
    is left untouched. A process killed outright (SIGKILL) leaves the temporary file,
    named ``.<name>.partial-XXXX<suffix>``; :func:`remove_partials` clears them.

    Args:
        path (str or os.PathLike): Final destination.
        suffix (str): Suffix of the temporary name (some writers, e.g. ``numpy.savez`` and
            matplotlib, pick the format from it). Defaults to the suffix of ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name}{PARTIAL}", suffix=suffix if suffix is not None else path.suffix,
        dir=path.parent,
    )
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; products get the usual mode
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def remove_partials(root: str | os.PathLike) -> list[Path]:
    """Delete the temporary files that killed writers left under ``root``; return them.

    Call it only while no operation is writing (e.g. before a serial ``project.run``).

    Example:
        >>> import tempfile, os
        >>> d = tempfile.mkdtemp()
        >>> open(os.path.join(d, ".bop.npz.partial-abc.npz"), "w").close()
        >>> [p.name for p in remove_partials(d)]
        ['.bop.npz.partial-abc.npz']
    """
    found = [p for p in Path(root).rglob(f".*{PARTIAL}*") if p.is_file()]
    for p in found:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()
    return found


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write ``data`` (numpy scalars/arrays converted to lists) as JSON, atomically."""
    text = json.dumps(_jsonable(data), indent=2, sort_keys=True)
    write_text(path, text + "\n")


def read_json(path: str | os.PathLike) -> Any:
    """Read a JSON file."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())


def write_npz(path: str | os.PathLike, **arrays: Any) -> None:
    """Write arrays to an ``.npz`` file atomically (no pickled objects allowed)."""
    arrays = {k: np.asarray(v) for k, v in arrays.items()}
    for k, v in arrays.items():
        if v.dtype == object:
            raise TypeError(f"Array {k!r} has dtype object; only numeric/string arrays are saved.")
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez_compressed(tmp, **arrays)


def read_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read an ``.npz`` file written by :func:`write_npz` (``allow_pickle=False``)."""
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def save_figure(fig: Any, path: str | os.PathLike, dpi: int = 120) -> None:
    """Save a matplotlib figure atomically and close it."""
    import matplotlib.pyplot as plt

    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".") or "png", bbox_inches="tight")
    plt.close(fig)


def write_gsd(path: str | os.PathLike, systems: list[Any], steps: list[int] | None = None) -> None:
    """Write :class:`hoomd_colloidml.System` frames to a GSD file (HOOMD schema), atomically."""
    import gsd.hoomd

    steps = list(range(len(systems))) if steps is None else list(steps)
    with atomic_path(path, suffix=".gsd") as tmp:
        with gsd.hoomd.open(tmp, "w") as traj:
            for s, step in zip(systems, steps):
                traj.append(s.to_gsd_frame(int(step)))


def read_gsd(path: str | os.PathLike) -> list[Any]:
    """Read every frame of a GSD file as :class:`hoomd_colloidml.System`."""
    import gsd.hoomd

    from hoomd_colloidml.system import System

    with gsd.hoomd.open(path, "r") as traj:
        return [System.from_gsd_frame(f) for f in traj]
