"""GSD trajectories with HOOMD-blue's schema, appended and flushed frame by frame."""

from __future__ import annotations

import os
from typing import Any

import gsd.hoomd
import numpy as np

__all__ = ["GSDWriter", "make_frame"]


def make_frame(
    system: Any, step: int, log: dict[str, Any] | None = None, image: Any = None
) -> gsd.hoomd.Frame:
    """A ``gsd.hoomd.Frame`` of ``system`` at ``step`` with ``log/<name>`` chunks.

    ``log`` maps names (e.g. ``"colloidml/energy"`` for scalars,
    ``"particles/colloidml/x"`` for per-particle arrays) to numbers or arrays; scalars
    are stored as length-1 arrays as HOOMD does.
    """
    frame = system.to_gsd_frame(step)
    if image is not None:
        frame.particles.image = np.asarray(image, dtype=np.int32)
    for name, value in (log or {}).items():
        arr = np.asarray(value)
        frame.log[name] = arr.reshape(1) if arr.ndim == 0 else arr
    return frame


class GSDWriter:
    """Append frames to a GSD file, flushing after each frame.

    A frame is complete on disk when :meth:`write` returns, so a process killed later
    (even with SIGKILL) leaves every previously written frame readable.

    Args:
        path (str or os.PathLike): Output file.
        mode (str): ``"w"`` truncates/creates, ``"a"`` appends (creating when absent).

    Example:
        >>> import freud, numpy as np, tempfile, os
        >>> from hoomd_colloidml import System
        >>> s = System(freud.box.Box.cube(3.0), np.zeros((1, 3)))
        >>> path = os.path.join(tempfile.mkdtemp(), "t.gsd")
        >>> with GSDWriter(path) as w:
        ...     w.write(s, 0, {"colloidml/energy": 0.0})
        >>> len(gsd.hoomd.open(path))
        1
    """

    def __init__(self, path: str | os.PathLike, mode: str = "w") -> None:
        if mode not in ("w", "a"):
            raise ValueError(f"The 'mode' parameter of GSDWriter must be 'w' or 'a'. Got {mode!r}.")
        self.path = os.fspath(path)
        self._file = gsd.hoomd.open(self.path, mode)

    def __len__(self) -> int:
        return len(self._file)

    def write(
        self, system: Any, step: int, log: dict[str, Any] | None = None, image: Any = None
    ) -> None:
        """Append one frame (``particles/image`` from ``image`` (N, 3) when given) and flush."""
        self._file.append(make_frame(system, step, log, image))
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> GSDWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GSDWriter({self.path!r})"
