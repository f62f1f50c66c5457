"""Open GSD trajectories safely and iterate over any subset of their frames."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from typing import Any

from hoomd_colloidml.io.validate import GSDFormatError, GSDInfo, validate_gsd
from hoomd_colloidml.system import System

__all__ = ["open_trajectory", "parse_frames", "iter_frames", "read_frame"]

_SLICE = re.compile(r"^\s*(-?\d*)\s*(?::\s*(-?\d*)\s*)?(?::\s*(-?\d*)\s*)?$")


def parse_frames(spec: str | Sequence[int] | range | None, n_frames: int) -> list[int]:
    """Turn a frame selection into a list of frame indices.

    Args:
        spec: ``None`` (all frames), a Python slice string ``"start:stop:step"`` (as in
            ``--frames 0:100:10``; negative values count from the end), a single
            index ``"5"``, a comma list ``"0,3,7"``, or a sequence of ints.
        n_frames (int): Number of frames in the file.

    Returns:
        list[int]: Selected frame indices (non-negative, ascending as given).

    Raises:
        ValueError: A malformed specification, a zero step, an index outside
            ``[-n_frames, n_frames)``, a slice whose start or stop is out of range, or
            an empty selection.

    Example:
        >>> parse_frames("0:10:3", 10)
        [0, 3, 6, 9]
        >>> parse_frames("-1", 10)
        [9]
    """
    if spec is None:
        frames = list(range(n_frames))
    elif isinstance(spec, str) and "," in spec:
        frames = [_one(tok, n_frames) for tok in spec.split(",")]
    elif isinstance(spec, str) and ":" in spec:
        m = _SLICE.match(spec)
        if m is None:
            raise ValueError(
                f"Invalid frame range {spec!r}; expected start:stop:step, e.g. 0:100:10."
            )
        start, stop, step = (int(x) if x not in (None, "") else None for x in m.groups())
        if step == 0:
            raise ValueError(f"Invalid frame range {spec!r}: the step must not be 0.")
        for name, v in (("start", start), ("stop", stop)):
            limit = n_frames if name == "stop" else n_frames - 1
            if v is not None and not (-n_frames <= v <= limit):
                raise ValueError(
                    f"Frame range {spec!r}: {name} = {v} is out of range for a file "
                    f"with {n_frames} frame(s)."
                )
        frames = list(range(n_frames))[slice(start, stop, step)]
    elif isinstance(spec, str):
        frames = [_one(spec, n_frames)]
    else:
        frames = [_one(x, n_frames) for x in spec]
    if not frames:
        raise ValueError(
            f"The frame selection {spec!r} selects no frames of a file with {n_frames} frame(s)."
        )
    return frames


def _one(tok: Any, n_frames: int) -> int:
    try:
        i = int(str(tok).strip()) if isinstance(tok, str) else int(tok)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid frame index {tok!r}; expected an integer.") from None
    if not -n_frames <= i < n_frames:
        raise ValueError(
            f"Frame {i} is out of range for a file with {n_frames} frame(s) "
            f"(valid: {-n_frames} to {n_frames - 1})."
        )
    return i % n_frames


@contextlib.contextmanager
def open_trajectory(path: str | os.PathLike) -> Iterator[tuple[Any, GSDInfo]]:
    """Validate a hoomd-schema GSD file, then open it read-only with :mod:`gsd.hoomd`.

    Yields:
        tuple: ``(gsd.hoomd.HOOMDTrajectory, GSDInfo)``.

    Raises:
        GSDFormatError: The file fails :func:`validate_gsd` or gsd refuses it.

    Example:
        >>> import gsd.hoomd, tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "t.gsd")
        >>> with gsd.hoomd.open(p, "w") as f:
        ...     fr = gsd.hoomd.Frame(); fr.particles.N = 1
        ...     fr.particles.position = [[0, 0, 0]]; f.append(fr)
        >>> with open_trajectory(p) as (traj, info):
        ...     len(traj)
        1
    """
    import gsd.hoomd

    info = validate_gsd(path, hoomd_schema=True)
    try:
        traj = gsd.hoomd.open(os.fspath(path), mode="r")
    except Exception as exc:  # gsd raises RuntimeError/OSError/ValueError
        raise GSDFormatError(f"{os.fspath(path)}: gsd cannot open the file: {exc}") from exc
    try:
        yield traj, info
    finally:
        traj.file.close()


def read_frame(traj: Any, index: int, path: str = "") -> Any:
    """Read one ``gsd.hoomd.Frame``, turning gsd's errors into :class:`GSDFormatError`."""
    try:
        return traj[index]
    except Exception as exc:
        raise GSDFormatError(f"{path}: cannot read frame {index}: {exc}") from exc


def iter_frames(
    path: str | os.PathLike,
    frames: str | Sequence[int] | None = None,
    *,
    progress: bool = False,
) -> Iterator[tuple[int, System]]:
    """Yield ``(frame_index, System)`` for the selected frames of a GSD trajectory.

    Args:
        path (str): hoomd-schema GSD file (validated first).
        frames: Frame selection, see :func:`parse_frames`.
        progress (bool): Show a tqdm progress bar.

    Raises:
        GSDFormatError: Corrupt file or a frame that does not describe a valid system.
        ValueError: Bad frame selection.

    Example:
        >>> import gsd.hoomd, tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "t.gsd")
        >>> with gsd.hoomd.open(p, "w") as f:
        ...     for s in range(3):
        ...         fr = gsd.hoomd.Frame(); fr.configuration.step = s; fr.particles.N = 1
        ...         fr.configuration.box = [2, 2, 2, 0, 0, 0]
        ...         fr.particles.position = [[0, 0, 0]]; f.append(fr)
        >>> [(i, s.N) for i, s in iter_frames(p, "1:")]
        [(1, 1), (2, 1)]
    """
    from tqdm.auto import tqdm

    with open_trajectory(path) as (traj, info):
        sel = parse_frames(frames, info.n_frames)
        for i in tqdm(sel, disable=not progress, desc="frames", unit="frame"):
            frame = read_frame(traj, i, info.path)
            try:
                system = System.from_gsd_frame(frame)
            except Exception as exc:  # noqa: BLE001 - any malformed field
                raise GSDFormatError(
                    f"{info.path}: frame {i} is not a valid system: {exc}"
                ) from exc
            yield i, system
