"""The ``colloidml`` command: describe, classify, train and inspect from the shell.

Subcommands (``colloidml SUBCOMMAND --help`` for the options of each)::

    colloidml describe TRAJ.gsd --descriptor bop|sf|shell [options] --out features.npz
    colloidml classify TRAJ.gsd --model DIR --out labeled.gsd [--frames 0:100:10]
    colloidml train supervised (--gsd F.gsd ... --labels NAME --descriptor K | --features F.npz ...) --out DIR
    colloidml train unsupervised (--gsd F.gsd ... --descriptor K | --features F.npz ...) --out DIR
    colloidml info MODEL_DIR|TRAJ.gsd

Errors print one line ``colloidml: error: ...`` on stderr and exit with status 1
(130 after Ctrl-C, 143 after SIGTERM; ``COLLOIDML_DEBUG=1`` shows tracebacks); outputs
are written atomically, so an interrupted command leaves no partial file.
"""  # noqa: E501

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main", "build_parser", "SIDECAR"]

from hoomd_colloidml.io.classify import SIDECAR


# --------------------------------------------------------------------------- helpers
class CLIError(Exception):
    """A user error with a one-line message."""


def _describer(args: argparse.Namespace, dimensions: int):
    """Build the describer selected on the command line."""
    from freud_ext.describe import from_config

    if getattr(args, "config", None):
        text = args.config
        if os.path.isfile(text):
            text = Path(text).read_text()
        try:
            cfg = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CLIError(f"--config is neither a JSON file nor JSON text: {exc}") from None
        return from_config(cfg)
    kind = args.descriptor
    if kind is None:
        raise CLIError("choose a descriptor with --descriptor bop|sf|shell (or --config).")
    if kind == "bop":
        from freud_ext.order import BondOrderDescriptor

        neighbors = {"method": "sann", "symmetrize": "remove"}
        if args.r_max is not None:
            neighbors = {"method": "ball", "r_max": float(args.r_max)}
        average = None if args.average == "none" else args.average
        return BondOrderDescriptor(neighbors=neighbors, l=args.l, wl=args.wl, average=average)
    if kind == "sf":
        from freud_ext.environment import SymmetryFunctions

        r_cut = 2.0 if args.r_cut is None else float(args.r_cut)
        pool = SymmetryFunctions.pool_2d if dimensions == 2 else SymmetryFunctions.pool_3d
        return pool(r_cut)
    if kind == "shell":
        from freud_ext.environment import ShellDescriptors

        return ShellDescriptors.kob_andersen()
    raise CLIError(f"unknown descriptor {kind!r}; expected bop, sf or shell.")


def _first_dimensions(path: str) -> int:
    from hoomd_colloidml.io import iter_frames

    for _, system in iter_frames(path, "0"):
        return system.dimensions
    return 3  # pragma: no cover


def _save_npz(path: str, force: bool, arrays: dict[str, Any]) -> None:
    from hoomd_colloidml.io import atomic_output

    with atomic_output(path, overwrite=force) as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)


def _load_npz(path: str) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise CLIError(f"cannot read feature file {path}: {exc}") from None


def _labels_from_gsd(path: str, frames, label: str) -> np.ndarray:
    from hoomd_colloidml.io import open_trajectory, parse_frames, read_frame

    key = f"particles/colloidml/{label}"
    out = []
    with open_trajectory(path) as (traj, info):
        for i in parse_frames(frames, info.n_frames):
            fr = read_frame(traj, i, path)
            if key not in fr.log:
                raise CLIError(f"{path} frame {i} has no per-particle labels log/{key}.")
            lab = np.asarray(fr.log[key])
            if lab.shape[0] != fr.particles.N:
                raise CLIError(f"{path} frame {i}: log/{key} does not have one row per particle.")
            out.append(lab.reshape(len(lab), -1)[:, 0] if lab.ndim > 1 else lab)
    return np.concatenate(out)


# --------------------------------------------------------------------------- commands
def cmd_describe(args: argparse.Namespace) -> int:
    from hoomd_colloidml.io import describe_trajectory

    if os.path.exists(args.out) and not args.force:
        raise CLIError(f"{args.out} exists; pass --force to replace it.")
    describer = _describer(args, _first_dimensions(args.traj))
    res = describe_trajectory(args.traj, describer, args.frames, progress=not args.quiet)
    if args.labels:
        res["y"] = _labels_from_gsd(args.traj, args.frames, args.labels)
    _save_npz(args.out, args.force, res)
    print(f"wrote {res['X'].shape[0]} x {res['X'].shape[1]} features to {args.out}")
    return 0


def _model_and_dims(model_dir: str):
    from hoomd_colloidml.io import load_model

    return load_model(model_dir)


def cmd_classify(args: argparse.Namespace) -> int:
    from hoomd_colloidml.io import classify_trajectory

    model = _model_and_dims(args.model)
    cluster = args.cluster_class
    if cluster is not None and np.asarray(model.classes_).dtype.kind in "iu":
        cluster = int(cluster)
    neighbors = None if args.cluster_r_max is None else {"r_max": float(args.cluster_r_max)}
    out = classify_trajectory(
        args.traj,
        model,
        args.out,
        args.frames,
        cluster_class=cluster,
        cluster_neighbors=neighbors,
        overwrite=args.force,
        progress=not args.quiet,
    )
    print(f"wrote labelled trajectory {out}")
    return 0


def _training_data(args: argparse.Namespace, supervised: bool):
    """(X, y or None, feature names, descriptor config, dimensions, sources)."""
    from hoomd_colloidml.io import describe_trajectory

    if bool(args.gsd) == bool(args.features):
        raise CLIError("give either --gsd files (with --descriptor) or --features npz files.")
    xs, ys, names, cfg, dims = [], [], None, None, None
    if args.features:
        for p in args.features:
            z = _load_npz(p)
            if "X" not in z:
                raise CLIError(f"{p} has no array X (features).")
            if supervised and "y" not in z:
                raise CLIError(f"{p} has no array y (labels) for supervised training.")
            nm = [str(s) for s in z["feature_names"]] if "feature_names" in z else None
            c = json.loads(str(z["descriptor_config"])) if "descriptor_config" in z else None
            d = int(z["dimensions"]) if "dimensions" in z else None
            if xs and (nm != names or c != cfg or d != dims):
                raise CLIError(f"{p} was made with another descriptor than {args.features[0]}.")
            names, cfg, dims = nm, c, d
            xs.append(np.asarray(z["X"], dtype=np.float64))
            if supervised:
                ys.append(z["y"])
    else:
        if supervised and not args.labels:
            raise CLIError("supervised training from GSD needs --labels NAME "
                           "(per-particle labels in log/particles/colloidml/NAME).")
        for p in args.gsd:
            dims_p = _first_dimensions(p)
            if dims is not None and dims_p != dims:
                raise CLIError(f"{p} is {dims_p}D but {args.gsd[0]} is {dims}D.")
            dims = dims_p
            describer = _describer(args, dims)
            res = describe_trajectory(p, describer, args.frames, progress=not args.quiet)
            names = [str(s) for s in res["feature_names"]]
            cfg = describer.get_config()
            xs.append(res["X"])
            if supervised:
                ys.append(_labels_from_gsd(p, args.frames, args.labels))
    X = np.concatenate(xs)
    y = np.concatenate(ys) if supervised else None
    if y is not None and len(y) != len(X):
        raise CLIError(f"{len(X)} feature rows but {len(y)} labels.")
    return X, y, names, cfg, dims, list(args.gsd or args.features)


def cmd_train(args: argparse.Namespace) -> int:
    supervised = args.mode == "supervised"
    if os.path.exists(args.out) and not args.force:
        raise CLIError(f"{args.out} exists; pass --force to replace it.")
    X, y, names, cfg, dims, sources = _training_data(args, supervised)
    if supervised:
        from hoomd_colloidml.models import PhaseClassifier

        model = PhaseClassifier(
            hidden=tuple(args.hidden), max_epochs=args.max_epochs,
            random_state=args.random_state, descriptor_config=cfg, feature_names=names,
            verbose=not args.quiet,
        )
        model.fit(X, y)
    else:
        from hoomd_colloidml.models import UnsupervisedClassifier

        model = UnsupervisedClassifier(
            max_epochs=args.max_epochs, random_state=args.random_state,
            descriptor_config=cfg, feature_names=names, verbose=not args.quiet,
        )
        model.fit(X)
    out = Path(model.save(args.out))
    from hoomd_colloidml.io import atomic_output

    with atomic_output(out / SIDECAR, overwrite=True) as tmp:
        tmp.write_text(json.dumps({"dimensions": dims, "sources": sources}, indent=1))
    print(f"trained {type(model).__name__} on {len(X)} environments; saved to {out}")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    target = Path(args.target)
    if target.is_dir():
        model = _model_and_dims(str(target))
        cfg = getattr(model, "descriptor_config", None)
        names = getattr(model, "feature_names_", None)
        info = {
            "model": type(model).__name__,
            "classes": [str(c) for c in np.asarray(getattr(model, "classes_", [])).tolist()],
            "n_features": None if names is None else len(names),
            "dimensions": getattr(model, "dimensions_", None),
            "descriptor": cfg,
        }
        for k, v in info.items():
            print(f"{k}: {json.dumps(v) if isinstance(v, dict | list) else v}")
        return 0
    from hoomd_colloidml.io import open_trajectory, read_frame

    with open_trajectory(target) as (traj, gi):
        print(f"file: {gi.path} ({gi.file_size} bytes)")
        sv = ".".join(map(str, gi.schema_version))
        print(f"gsd version: {gi.gsd_version[0]}.{gi.gsd_version[1]}; application: "
              f"{gi.application}; schema: {gi.schema} {sv}")
        print(f"frames: {gi.n_frames}")
        if gi.n_frames:
            fr = read_frame(traj, 0, gi.path)
            print(f"particles (frame 0): {fr.particles.N}; types: {fr.particles.types}; "
                  f"dimensions: {fr.configuration.dimensions}; box: "
                  f"{[round(float(b), 6) for b in fr.configuration.box]}")
        logs = sorted(n for n in gi.names if n.startswith("log/"))
        print("logged quantities: " + (", ".join(logs) if logs else "none"))
    return 0


# --------------------------------------------------------------------------- parser
def _add_descriptor_options(p: argparse.ArgumentParser, required: bool = False) -> None:
    g = p.add_argument_group("descriptor")
    g.add_argument("--descriptor", choices=["bop", "sf", "shell"], required=False,
                   help="bop: averaged bond-order vectors (SANN); sf: symmetry-function pool "
                        "(Ch. 2.3.3, 2D/3D from the file); shell: Kob-Andersen shell grid "
                        "(Ch. 6.2.3)")
    g.add_argument("--config", help="describer configuration as JSON text or a JSON file "
                                     "(overrides --descriptor)")
    g.add_argument("--l", type=int, nargs="+", default=list(range(1, 9)),
                   help="bop: orders l (default 1..8)")
    g.add_argument("--wl", action="store_true", help="bop: add w_l for even l")
    g.add_argument("--average", default="lechner-dellago",
                   help="bop: averaging, lechner-dellago (Eqs. 3.2-3.5), ql (Eq. 5.5) or none")
    g.add_argument("--r-max", type=float, help="bop: ball neighbours of this radius "
                                                "instead of SANN")
    g.add_argument("--r-cut", type=float, help="sf: cutoff radius (default 2.0)")


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``colloidml``."""
    from hoomd_colloidml import __version__

    parser = argparse.ArgumentParser(
        prog="colloidml",
        description="Machine-learned order parameters for colloidal self-assembly: "
                    "describe, classify and train from GSD trajectories.",
    )
    parser.add_argument("--version", action="version", version=f"colloidml {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    common.add_argument("--force", action="store_true", help="replace an existing output")

    p = sub.add_parser("describe", parents=[common], help="compute descriptors of a trajectory",
                       description="Compute a descriptor for every particle of the selected "
                                   "frames; write X, feature_names, frame, particle, typeid, "
                                   "dimensions and descriptor_config to an .npz file.")
    p.add_argument("traj", help="hoomd-schema GSD trajectory")
    _add_descriptor_options(p)
    p.add_argument("--frames", help="frame selection start:stop:step, an index or a,b,c "
                                    "(default: all)")
    p.add_argument("--labels", help="also store y from log/particles/colloidml/LABELS")
    p.add_argument("--out", required=True, help="output .npz file")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("classify", parents=[common], help="label every particle with a model",
                       description="Apply a saved model to the selected frames; write a new GSD "
                                   "file with every original chunk plus "
                                   "log/particles/colloidml/{labels,probabilities} and "
                                   "log/colloidml/{fractions,largest_cluster,classes}.")
    p.add_argument("traj", help="hoomd-schema GSD trajectory (never modified)")
    p.add_argument("--model", required=True, help="model directory (model.save / colloidml train)")
    p.add_argument("--out", required=True, help="output GSD file")
    p.add_argument("--frames", help="frame selection, e.g. 0:100:10 (default: all)")
    p.add_argument("--cluster-class", help="class whose largest connected cluster is logged")
    p.add_argument("--cluster-r-max", type=float,
                   help="cluster neighbours within this distance (default: the descriptor's "
                        "neighbour list, else r < 1.4)")
    p.set_defaults(func=cmd_classify)

    p = sub.add_parser("train", help="train a model from labelled GSD files or feature files",
                       description="Train a supervised PhaseClassifier or an unsupervised "
                                   "UnsupervisedClassifier and save it as a model directory.")
    tsub = p.add_subparsers(dest="mode", required=True, metavar="MODE")
    for mode, helptext in (("supervised", "PhaseClassifier from labelled environments"),
                           ("unsupervised", "autoencoder + Gaussian mixture (Ch. 4)")):
        t = tsub.add_parser(mode, parents=[common], help=helptext, description=helptext)
        t.add_argument("--gsd", nargs="+", help="GSD trajectories to describe")
        t.add_argument("--features", nargs="+", help=".npz files from colloidml describe")
        if mode == "supervised":
            t.add_argument("--labels", help="label name: log/particles/colloidml/LABELS")
            t.add_argument("--hidden", type=int, nargs="*", default=[],
                           help="hidden layer widths (default: none, the softmax network)")
        _add_descriptor_options(t)
        t.add_argument("--frames", help="frame selection for --gsd files")
        t.add_argument("--max-epochs", type=int, default=200, help="training epochs")
        t.add_argument("--random-state", type=int, default=0, help="seed")
        t.add_argument("--out", required=True, help="model directory to write")
        t.set_defaults(func=cmd_train)

    p = sub.add_parser("info", help="describe a model directory or a GSD file",
                       description="Print a model's class, classes, features and descriptor, "
                                   "or a GSD file's header, frames and logged quantities.")
    p.add_argument("target", help="model directory or GSD file")
    p.set_defaults(func=cmd_info)
    return parser


def _one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or type(exc).__name__
    return msg if len(msg) <= 400 else msg[:397] + "..."


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``colloidml`` console script; returns the exit status."""
    from hoomd_colloidml.io import Terminated, sigterm_as_exception

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with sigterm_as_exception():
            return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("colloidml: interrupted; no output written", file=sys.stderr)
        return 130
    except Terminated:
        print("colloidml: terminated by SIGTERM; no output written", file=sys.stderr)
        return 143
    except (CLIError, ValueError, TypeError, OSError, KeyError, IndexError,
            RuntimeError) as exc:
        if os.environ.get("COLLOIDML_DEBUG"):
            raise
        print(f"colloidml: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - still one line; COLLOIDML_DEBUG=1 for a traceback
        if os.environ.get("COLLOIDML_DEBUG"):
            raise
        print(f"colloidml: error: {type(exc).__name__}: {_one_line(exc)} "
              "(set COLLOIDML_DEBUG=1 for a traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
