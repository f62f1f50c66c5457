"""Validate a GSD file's header, name list and index in Python before gsd opens it.

gsd 5.0.1 trusts several header fields: an index location plus size that overflows
64 bits passes its bounds check and the interpreter crashes on the mapped index; a
name list with zero allocated entries makes it read before its buffer; a chunk whose
``N * M`` overflows passes the end-of-file check, and an absurd ``particles/N`` makes
:mod:`gsd.hoomd` allocate default arrays of many GiB. :func:`validate_gsd` checks every
such field with exact (Python integer) arithmetic so that only well-formed files reach
gsd. The file layout follows ``gsd/gsd.h`` (file format versions 1.x and 2.x):

- a 256-byte header: magic ``0x65DF65DF65DF65DF``, index location and allocated
  entries, name-list location and allocated 64-byte blocks, schema version, file
  version, application and schema names (64 bytes each, NUL-terminated);
- a name list: NUL-separated UTF-8 names (v2) or fixed 64-byte names (v1);
- an index of 32-byte entries ``(frame u64, N u64, location i64, M u32, id u16, type
  u8, flags u8)`` sorted by frame, terminated by the first entry with location 0.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

__all__ = ["GSDFormatError", "GSDInfo", "validate_gsd", "GSD_DTYPES", "HEADER_SIZE"]

HEADER_SIZE = 256
_MAGIC = 0x65DF65DF65DF65DF
_NAME_SIZE = 64
_MAX_NAMES = 65535  # names are addressed by uint16 ids

_HEADER_DTYPE = np.dtype(
    [
        ("magic", "<u8"),
        ("index_location", "<u8"),
        ("index_allocated_entries", "<u8"),
        ("namelist_location", "<u8"),
        ("namelist_allocated_entries", "<u8"),
        ("schema_version", "<u4"),
        ("gsd_version", "<u4"),
        ("application", "V64"),
        ("schema", "V64"),
        ("reserved", "V80"),
    ]
)
INDEX_DTYPE = np.dtype(
    [
        ("frame", "<u8"),
        ("N", "<u8"),
        ("location", "<i8"),
        ("M", "<u4"),
        ("id", "<u2"),
        ("type", "u1"),
        ("flags", "u1"),
    ]
)
assert _HEADER_DTYPE.itemsize == HEADER_SIZE and INDEX_DTYPE.itemsize == 32

#: gsd type code -> numpy dtype (11 = character, stored as int8).
GSD_DTYPES = {
    1: np.dtype("u1"),
    2: np.dtype("<u2"),
    3: np.dtype("<u4"),
    4: np.dtype("<u8"),
    5: np.dtype("i1"),
    6: np.dtype("<i2"),
    7: np.dtype("<i4"),
    8: np.dtype("<i8"),
    9: np.dtype("<f4"),
    10: np.dtype("<f8"),
    11: np.dtype("i1"),
}
_TYPE_SIZE = np.zeros(256, dtype=np.uint64)
for _code, _dt in GSD_DTYPES.items():
    _TYPE_SIZE[_code] = _dt.itemsize

# Per-item quantities of the hoomd schema (rows must equal the group's N).
_HOOMD_GROUPS = {
    "particles": (
        "typeid", "mass", "charge", "diameter", "body", "moment_inertia", "position",
        "orientation", "velocity", "angmom", "image",
    ),
    "bonds": ("typeid", "group"),
    "angles": ("typeid", "group"),
    "dihedrals": ("typeid", "group"),
    "impropers": ("typeid", "group"),
    "constraints": ("value", "group"),
    "pairs": ("typeid", "group"),
}


class GSDFormatError(ValueError):
    """A file is not a readable GSD file; the message says which field is wrong."""


@dataclass
class GSDInfo:
    """What :func:`validate_gsd` learned about a file.

    Attributes:
        path (str): The file.
        file_size (int): Size in bytes.
        gsd_version (tuple[int, int]): File-format version.
        application (str): Writing application.
        schema (str): Schema name (``"hoomd"`` for HOOMD trajectories).
        schema_version (tuple[int, int]): Schema version.
        names (list[str]): Chunk names; ``entries["id"]`` indexes it.
        entries (numpy.ndarray): Valid index entries (structured, fields ``frame``,
            ``N``, ``location``, ``M``, ``id``, ``type``, ``flags``), sorted by frame.
        n_frames (int): Number of frames (last frame index + 1, 0 when empty).
    """

    path: str
    file_size: int
    gsd_version: tuple[int, int]
    application: str
    schema: str
    schema_version: tuple[int, int]
    names: list[str]
    entries: np.ndarray
    n_frames: int
    _frame_start: np.ndarray = field(repr=False, default=None)

    def frame_entries(self, frame: int) -> np.ndarray:
        """Index entries of one frame."""
        if self._frame_start is None:
            self._frame_start = np.searchsorted(
                self.entries["frame"], np.arange(self.n_frames + 1, dtype=np.uint64)
            )
        return self.entries[self._frame_start[frame] : self._frame_start[frame + 1]]

    def chunk_names(self, frame: int) -> list[str]:
        """Names of the chunks stored in ``frame`` (in file order)."""
        return [self.names[i] for i in self.frame_entries(frame)["id"]]

    def read_raw(self, fh, entry) -> np.ndarray:
        """Read one chunk's bytes as a ``(N, M)`` array of its stored dtype."""
        dt = GSD_DTYPES[int(entry["type"])]
        n, m = int(entry["N"]), int(entry["M"])
        fh.seek(int(entry["location"]))
        buf = fh.read(n * m * dt.itemsize)
        if len(buf) != n * m * dt.itemsize:  # file changed under us
            raise GSDFormatError(f"{self.path}: short read of a chunk; was the file modified?")
        return np.frombuffer(buf, dtype=dt).reshape(n, m)

    def find(self, frame: int, name: str):
        """The index entry of chunk ``name`` in ``frame``, or None."""
        try:
            nid = self.names.index(name)
        except ValueError:
            return None
        ent = self.frame_entries(frame)
        hit = np.flatnonzero(ent["id"] == nid)
        return ent[hit[-1]] if len(hit) else None


def _cstring(raw: bytes, what: str, path: str) -> str:
    end = raw.find(b"\0")
    if end < 0:
        raise GSDFormatError(f"{path}: the {what} name in the header is not NUL-terminated.")
    try:
        return raw[:end].decode("utf-8")
    except UnicodeDecodeError:
        raise GSDFormatError(f"{path}: the {what} name in the header is not UTF-8.") from None


def _version(v: int) -> tuple[int, int]:
    return (int(v) >> 16, int(v) & 0xFFFF)


def _pread(fd: int, size: int, offset: int) -> bytes:
    out = bytearray()
    while len(out) < size:
        chunk = os.pread(fd, size - len(out), offset + len(out))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def validate_gsd(path: str | os.PathLike, *, hoomd_schema: bool = True) -> GSDInfo:
    """Check that ``path`` is a well-formed GSD file that gsd can open safely.

    Every check uses exact integer arithmetic on the raw bytes; nothing is handed to
    gsd. Reads the header, the name list and the index (``32 * entries`` bytes),
    plus the ``*/N`` chunks when ``hoomd_schema`` is set.

    Args:
        path (str): The file.
        hoomd_schema (bool): Also check the hoomd schema: schema name and version,
            group sizes ``*/N`` are single unsigned integers no larger than the file,
            and per-item chunks (``particles/position``, ``bonds/group``, ...) have
            ``N`` rows.

    Returns:
        GSDInfo: Header fields, names and index entries.

    Raises:
        GSDFormatError: The file is empty, truncated, not a GSD file, or corrupt;
            the message names the offending field.
        FileNotFoundError: No such file.

    Example:
        >>> import gsd.hoomd, tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "t.gsd")
        >>> with gsd.hoomd.open(p, "w") as f:
        ...     fr = gsd.hoomd.Frame(); fr.particles.N = 1
        ...     fr.particles.position = [[0, 0, 0]]; f.append(fr)
        >>> info = validate_gsd(p)
        >>> info.n_frames, info.schema
        (1, 'hoomd')
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No such GSD file: {path}")
    fd = os.open(path, os.O_RDONLY)
    try:
        return _validate(fd, path, hoomd_schema)
    finally:
        os.close(fd)


def _validate(fd: int, path: str, hoomd_schema: bool) -> GSDInfo:  # noqa: C901
    size = os.fstat(fd).st_size
    if size == 0:
        raise GSDFormatError(f"{path}: the file is empty (0 bytes); expected a GSD file.")
    if size < HEADER_SIZE:
        raise GSDFormatError(
            f"{path}: the file has {size} bytes, fewer than the {HEADER_SIZE}-byte GSD "
            "header; it is truncated or not a GSD file."
        )
    h = np.frombuffer(_pread(fd, HEADER_SIZE, 0), dtype=_HEADER_DTYPE)[0]
    if int(h["magic"]) != _MAGIC:
        raise GSDFormatError(f"{path}: not a GSD file (wrong magic number).")
    ver = _version(h["gsd_version"])
    if not (1 <= ver[0] <= 2):
        raise GSDFormatError(
            f"{path}: unsupported GSD file version {ver[0]}.{ver[1]}; expected 1.x or 2.x."
        )
    application = _cstring(bytes(h["application"]), "application", path)
    schema = _cstring(bytes(h["schema"]), "schema", path)

    # --- name list --------------------------------------------------------------
    nl_loc, nl_n = int(h["namelist_location"]), int(h["namelist_allocated_entries"])
    if nl_n == 0:
        raise GSDFormatError(f"{path}: corrupt header: the name list has 0 allocated entries.")
    nl_bytes = _NAME_SIZE * nl_n
    if nl_loc < HEADER_SIZE or nl_loc + nl_bytes > size:
        raise GSDFormatError(
            f"{path}: corrupt header: the name list ({nl_bytes} bytes at offset {nl_loc}) "
            f"does not lie inside the file ({size} bytes); the file may be truncated."
        )
    raw_names = _pread(fd, nl_bytes, nl_loc)
    if raw_names[-1] != 0:
        raise GSDFormatError(f"{path}: corrupt name list: it does not end with a NUL byte.")
    names: list[str] = []
    start = 0
    while start < nl_bytes and raw_names[start] != 0:
        end = raw_names.index(b"\0", start)
        try:
            names.append(raw_names[start:end].decode("utf-8"))
        except UnicodeDecodeError:
            raise GSDFormatError(f"{path}: corrupt name list: a name is not UTF-8.") from None
        start = start + _NAME_SIZE if ver[0] < 2 else end + 1
        if len(names) > _MAX_NAMES:
            raise GSDFormatError(f"{path}: corrupt name list: more than {_MAX_NAMES} names.")

    # --- index --------------------------------------------------------------------
    ix_loc, ix_n = int(h["index_location"]), int(h["index_allocated_entries"])
    if ix_n == 0:
        raise GSDFormatError(f"{path}: corrupt header: the index has 0 allocated entries.")
    if ix_loc < HEADER_SIZE or ix_loc + 32 * ix_n > size:
        raise GSDFormatError(
            f"{path}: corrupt header: the index ({ix_n} entries at offset {ix_loc}) does "
            f"not lie inside the file ({size} bytes); the file may be truncated."
        )
    idx = np.frombuffer(_pread(fd, 32 * ix_n, ix_loc), dtype=INDEX_DTYPE)
    zero = np.flatnonzero(idx["location"] == 0)
    n_ent = int(zero[0]) if len(zero) else ix_n
    if np.any(idx["location"][n_ent:] != 0):
        raise GSDFormatError(
            f"{path}: corrupt index: entry {n_ent} is empty but later entries are not."
        )
    e = idx[:n_ent]
    if len(set(names)) != len(names):
        raise GSDFormatError(f"{path}: corrupt name list: a chunk name appears twice.")
    if n_ent:
        _check_entries(e, names, size, ix_n, path, sorted_ids=ver[0] >= 2)
    n_frames = int(e["frame"][-1]) + 1 if n_ent else 0
    info = GSDInfo(
        path=path,
        file_size=size,
        gsd_version=ver,
        application=application,
        schema=schema,
        schema_version=_version(h["schema_version"]),
        names=names,
        entries=e.copy(),
        n_frames=n_frames,
    )
    if hoomd_schema:
        _check_hoomd(fd, info)
    return info


def _check_entries(
    e: np.ndarray, names: list[str], size: int, ix_n: int, path: str, sorted_ids: bool
) -> None:
    def bad(mask, what):
        i = int(np.flatnonzero(mask)[0])
        raise GSDFormatError(f"{path}: corrupt index entry {i}: {what}.")

    tsize = _TYPE_SIZE[e["type"]]
    if np.any(tsize == 0):
        bad(tsize == 0, "invalid data type code")
    n, m = e["N"], e["M"].astype(np.uint64)
    if np.any((n == 0) | (m == 0)):
        bad((n == 0) | (m == 0), "a chunk with zero rows or columns")
    usize = np.uint64(size)
    too_big = (n > usize) | (m > usize)
    if np.any(too_big):
        bad(too_big, "chunk dimensions larger than the file")
    too_big = n > usize // m  # no overflow: N * M <= size afterwards
    if np.any(too_big):
        bad(too_big, "chunk size larger than the file")
    nbytes = n * m * tsize  # <= 8 * size, fits in uint64
    loc = e["location"]
    if np.any(loc < HEADER_SIZE):
        bad(loc < HEADER_SIZE, "chunk location inside the header or negative")
    end = loc.astype(np.uint64) + nbytes
    if np.any(end > usize):
        bad(end > usize, "chunk data extends past the end of the file (truncated file?)")
    fr = e["frame"]
    if np.any(fr >= np.uint64(ix_n)):
        bad(fr >= np.uint64(ix_n), "frame number larger than the index")
    if np.any(np.diff(fr.astype(np.int64)) < 0):
        bad(np.r_[False, np.diff(fr.astype(np.int64)) < 0], "frames out of order")
    if np.any(e["id"] >= len(names)):
        bad(e["id"] >= len(names), "chunk name id not in the name list")
    order = np.lexsort((e["id"], fr))
    same_frame = np.diff(fr[order].astype(np.int64)) == 0
    dup = same_frame & (np.diff(e["id"][order].astype(np.int64)) == 0)
    if np.any(dup):
        k = int(order[1:][dup][0])
        raise GSDFormatError(
            f"{path}: corrupt index entry {k}: chunk {names[int(e['id'][k])]!r} appears twice "
            f"in frame {int(fr[k])}."
        )
    if sorted_ids:  # gsd 2.x binary-searches the index sorted by (frame, name id)
        key_f, key_i = fr.astype(np.int64), e["id"].astype(np.int64)
        unsorted = (np.diff(key_f) == 0) & (np.diff(key_i) < 0)
        if np.any(unsorted):
            bad(np.r_[False, unsorted], "index not sorted by chunk name within a frame")


def _check_hoomd(fd: int, info: GSDInfo) -> None:
    path = info.path
    if info.schema != "hoomd":
        raise GSDFormatError(f"{path}: schema {info.schema!r} is not the hoomd schema.")
    if not ((1, 0) <= info.schema_version < (3, 0)):
        v = info.schema_version
        raise GSDFormatError(f"{path}: unsupported hoomd schema version {v[0]}.{v[1]}.")
    name_id = {n: i for i, n in enumerate(info.names)}
    e = info.entries
    for group, fields in _HOOMD_GROUPS.items():
        nid = name_id.get(group + "/N")
        field_ids = {name_id[f"{group}/{f}"]: f for f in fields if f"{group}/{f}" in name_id}
        if nid is None and not field_ids:
            continue
        n_of_frame: dict[int, int] = {}
        if nid is not None:
            for ent in e[e["id"] == nid]:
                what = f"{group}/N in frame {int(ent['frame'])}"
                if int(ent["N"]) * int(ent["M"]) != 1 or int(ent["type"]) not in (1, 2, 3, 4):
                    raise GSDFormatError(f"{path}: {what} is not a single unsigned integer.")
                dt = GSD_DTYPES[int(ent["type"])]
                val = int(np.frombuffer(_pread(fd, dt.itemsize, int(ent["location"])), dt)[0])
                if val > info.file_size:
                    raise GSDFormatError(
                        f"{path}: {what} = {val} is larger than the file could hold."
                    )
                n_of_frame[int(ent["frame"])] = val
        n0 = n_of_frame.get(0, 0)
        for fid, fname in field_ids.items():
            for ent in e[e["id"] == fid]:
                f = int(ent["frame"])
                n = n_of_frame.get(f, n0)
                if int(ent["N"]) != n:
                    raise GSDFormatError(
                        f"{path}: {group}/{fname} in frame {f} has {int(ent['N'])} rows but "
                        f"{group}/N = {n}."
                    )
