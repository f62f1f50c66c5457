"""GSD post-processing: safe opening, frame iteration, labelled copies of trajectories.

- :func:`validate_gsd` checks a file's header, name list and index in Python before gsd
  sees it (gsd 5.0.1 crashes or allocates > 2 GiB on some corrupted headers);
- :func:`open_trajectory`, :func:`iter_frames` and :func:`parse_frames` read any subset
  of frames as :class:`hoomd_colloidml.System`;
- :func:`write_with_logs` writes results as ``log/particles/colloidml/<name>`` and
  ``log/colloidml/<name>`` into a new GSD file that keeps every original chunk
  byte-identical, atomically (temporary file + ``os.replace``);
- :func:`classify_trajectory` and :func:`describe_trajectory` apply a saved model or a
  descriptor frame by frame; :class:`OnTheFlyClassifier` is the HOOMD-free core of
  :class:`hoomd_colloidml.hoomd.ClassifyEnvironments`.
"""

from hoomd_colloidml.io.classify import (
    ModelMismatchError,
    OnTheFlyClassifier,
    classify_trajectory,
    describe_trajectory,
    load_model,
    model_dimensions,
)
from hoomd_colloidml.io.trajectory import iter_frames, open_trajectory, parse_frames, read_frame
from hoomd_colloidml.io.validate import GSDFormatError, GSDInfo, validate_gsd
from hoomd_colloidml.io.writer import (
    PARTICLE_PREFIX,
    SCALAR_PREFIX,
    Terminated,
    atomic_output,
    sigterm_as_exception,
    write_with_logs,
)

__all__ = [
    "GSDFormatError",
    "GSDInfo",
    "ModelMismatchError",
    "OnTheFlyClassifier",
    "PARTICLE_PREFIX",
    "SCALAR_PREFIX",
    "Terminated",
    "atomic_output",
    "classify_trajectory",
    "describe_trajectory",
    "iter_frames",
    "load_model",
    "model_dimensions",
    "open_trajectory",
    "parse_frames",
    "read_frame",
    "sigterm_as_exception",
    "validate_gsd",
    "write_with_logs",
]
