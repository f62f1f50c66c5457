"""Write per-frame results into a new GSD file that keeps every original chunk.

Results go under ``log/particles/colloidml/<name>`` (one row per particle) and
``log/colloidml/<name>`` (per frame), the names OVITO, freud and ``gsd.hoomd`` read as
per-particle properties and logged quantities. The input file is never opened for
writing; the output is written to a hidden temporary file in the destination
directory and renamed over the destination only when complete (``os.replace``), so an
interrupted run (exception, ``KeyboardInterrupt``, SIGTERM turned into an exception by
:func:`sigterm_as_exception`) leaves no partial output. A SIGKILL can leave the hidden
``.<name>.*.partial`` file behind, never a truncated output under the requested name.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from hoomd_colloidml.io.trajectory import open_trajectory, parse_frames, read_frame
from hoomd_colloidml.io.validate import GSDFormatError, GSDInfo
from hoomd_colloidml.system import System

__all__ = [
    "PARTICLE_PREFIX",
    "SCALAR_PREFIX",
    "Terminated",
    "atomic_output",
    "sigterm_as_exception",
    "write_with_logs",
]

PARTICLE_PREFIX = "log/particles/colloidml/"
SCALAR_PREFIX = "log/colloidml/"

#: ``compute(frame_index, system) -> (per-particle results, per-frame results)``
ComputeFn = Callable[[int, System], tuple[Mapping[str, Any], Mapping[str, Any]]]


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM arrives inside :func:`sigterm_as_exception`."""


@contextlib.contextmanager
def sigterm_as_exception() -> Iterator[None]:
    """Turn SIGTERM into a :class:`Terminated` exception so ``finally`` blocks clean up.

    Only effective in the main thread (elsewhere it does nothing).
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):  # noqa: ARG001
        raise Terminated("terminated by SIGTERM")

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it to ``path`` on success.

    On any exception (including ``KeyboardInterrupt``) the temporary file is removed
    and ``path`` is untouched.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is False.

    Example:
        >>> import tempfile, os
        >>> d = tempfile.mkdtemp()
        >>> with atomic_output(os.path.join(d, "x.txt")) as tmp:
        ...     _ = tmp.write_text("done")
        >>> sorted(os.listdir(d))
        ['x.txt']
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True (--force) to replace it.")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory; expected a file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _copyable(info: GSDInfo, raw: np.ndarray, entry, name: str) -> Any:
    """The object to hand to ``gsd.fl.write_chunk`` so that the stored bytes are identical."""
    if int(entry["type"]) != 11:
        return raw if raw.shape[1] > 1 else raw.reshape(-1)
    data = raw.tobytes()
    # gsd.fl writes character chunks only from str (N = len, M = 1, ASCII-safe).
    if int(entry["M"]) == 1 and data.isascii() and not data.endswith(b"\0"):
        return data.decode("ascii")
    raise GSDFormatError(
        f"{info.path}: character chunk {name!r} cannot be copied byte-identically with gsd "
        "(non-ASCII, multi-column or NUL-terminated text)."
    )


def _check_results(kind: str, results: Mapping[str, Any], n: int, frame: int) -> dict:
    out = {}
    for name, value in results.items():
        if not isinstance(name, str) or not name or name.startswith("/") or "\0" in name:
            raise ValueError(f"Invalid result name {name!r}; expected a non-empty string.")
        arr = np.ascontiguousarray(value)
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if arr.ndim > 2 or arr.size == 0:
            raise ValueError(
                f"Result {name!r} of frame {frame} must be a non-empty 1D or 2D array; got "
                f"shape {arr.shape}."
            )
        if arr.dtype.kind not in "iuf" or arr.dtype.itemsize > 8:
            raise TypeError(f"Result {name!r} must be numeric; got dtype {arr.dtype}.")
        if kind == "particle" and arr.shape[0] != n:
            raise ValueError(
                f"Per-particle result {name!r} of frame {frame} has {arr.shape[0]} rows; "
                f"expected one per particle ({n})."
            )
        out[name] = arr
    return out


def write_with_logs(
    source: str | os.PathLike,
    destination: str | os.PathLike,
    compute: ComputeFn,
    frames: str | Sequence[int] | None = None,
    *,
    static_logs: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    progress: bool = False,
) -> Path:
    """Copy the selected frames of ``source`` to ``destination`` and add result chunks.

    Every chunk of every selected frame is copied with its exact bytes, type and
    shape. When the first selected frame is not frame 0, the frame-0 chunks that it
    lacks are copied into it (and into later frames where needed) so that
    ``gsd.hoomd`` resolves the same values as in the source. Chunks of ``source``
    with the same name as a new result are replaced by the result.

    Args:
        source (str): Input hoomd-schema GSD file (validated first; never modified).
        destination (str): Output GSD file (written atomically).
        compute: ``compute(frame_index, system) -> (per_particle, per_frame)``; two
            dicts of arrays. Per-particle arrays have N rows and are stored as
            ``log/particles/colloidml/<name>``; per-frame arrays as
            ``log/colloidml/<name>``.
        frames: Frame selection (see :func:`~hoomd_colloidml.io.parse_frames`).
        static_logs (dict): Per-file values written in the first frame only as
            ``log/colloidml/<name>``; text is stored as its UTF-8 bytes (int8 array;
            ``bytes(arr).decode()`` reads it back).
        overwrite (bool): Replace an existing ``destination``.
        progress (bool): Show a progress bar.

    Returns:
        pathlib.Path: ``destination``.

    Raises:
        GSDFormatError: Corrupt input.
        ValueError: Bad frame selection, ``destination`` is ``source``, or bad results.
        FileExistsError: ``destination`` exists and ``overwrite`` is False.

    Example:
        >>> import gsd.hoomd, tempfile, os, numpy as np
        >>> d = tempfile.mkdtemp(); src = os.path.join(d, "in.gsd")
        >>> with gsd.hoomd.open(src, "w") as f:
        ...     fr = gsd.hoomd.Frame(); fr.particles.N = 2
        ...     fr.configuration.box = [4, 4, 4, 0, 0, 0]
        ...     fr.particles.position = [[0, 0, 0], [1, 0, 0]]; f.append(fr)
        >>> out = write_with_logs(src, os.path.join(d, "out.gsd"),
        ...     lambda i, s: ({"x": s.positions[:, 0]}, {"n": np.array([s.N])}))
        >>> with gsd.hoomd.open(out) as f:
        ...     f[0].log["particles/colloidml/x"].tolist(), f[0].log["colloidml/n"].tolist()
        ([0.0, 1.0], [2])
    """
    import gsd.fl
    from tqdm.auto import tqdm

    source, destination = Path(source), Path(destination)
    if destination.exists() and destination.resolve() == source.resolve():
        raise ValueError(f"The output {destination} is the input file; choose a new file name.")
    with open_trajectory(source) as (traj, info), open(source, "rb") as fh:
        sel = parse_frames(frames, info.n_frames)
        frame0_names = set(info.chunk_names(0)) if info.n_frames else set()
        with atomic_output(destination, overwrite=overwrite) as tmp:
            out = gsd.fl.open(
                str(tmp),
                mode="w",
                application=info.application,
                schema=info.schema,
                schema_version=list(info.schema_version),
            )
            try:
                own0: set[str] = set()
                for j, i in enumerate(tqdm(sel, disable=not progress, desc="frames")):
                    frame = read_frame(traj, i, info.path)
                    try:
                        system = System.from_gsd_frame(frame)
                    except Exception as exc:  # noqa: BLE001
                        raise GSDFormatError(
                            f"{info.path}: frame {i} is not a valid system: {exc}"
                        ) from exc
                    per_particle, per_frame = compute(i, system)
                    new = {
                        PARTICLE_PREFIX + k: v
                        for k, v in _check_results("particle", per_particle, system.N, i).items()
                    }
                    new.update(
                        {
                            SCALAR_PREFIX + k: v
                            for k, v in _check_results("frame", per_frame, system.N, i).items()
                        }
                    )
                    if j == 0 and static_logs:
                        for k, v in static_logs.items():
                            # text as int8 bytes: gsd.hoomd cannot inherit str log chunks
                            new[SCALAR_PREFIX + k] = (
                                np.frombuffer(v.encode("utf-8"), dtype=np.int8).copy()
                                if isinstance(v, str)
                                else np.ascontiguousarray(v)
                            )
                    ents = info.frame_entries(i)
                    own = [info.names[k] for k in ents["id"]]
                    if j == 0:
                        own0 = set(own)
                    # frame-0 chunks the source frame inherits that the new frame 0 would
                    # shadow (or, for the first output frame, all of them).
                    inherit = [
                        n for n in sorted(frame0_names - set(own))
                        if i != 0 and (j == 0 or (n in own0 and sel[0] != 0))
                    ]
                    for name in inherit:
                        if name in new or _inherited_per_item_mismatch(info, frame, name):
                            continue
                        ent0 = info.find(0, name)
                        out.write_chunk(name, _copyable(info, info.read_raw(fh, ent0), ent0, name))
                    for ent, name in zip(ents, own):
                        if name in new:
                            continue
                        out.write_chunk(name, _copyable(info, info.read_raw(fh, ent), ent, name))
                    for name, value in new.items():
                        out.write_chunk(name, value)
                    out.end_frame()
            finally:
                out.close()
    return destination


def _inherited_per_item_mismatch(info: GSDInfo, frame: Any, name: str) -> bool:
    """True when gsd.hoomd would not inherit per-item chunk ``name`` (group N differs)."""
    group = name.split("/")[0]
    if group not in ("particles", "bonds", "angles", "dihedrals", "impropers", "constraints",
                     "pairs") or name.endswith(("/N", "/types", "/type_shapes")):
        return False
    ent0 = info.find(0, name)
    return int(ent0["N"]) != int(getattr(frame, group).N)
