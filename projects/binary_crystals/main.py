"""Run the Ch. 3 binary hard-sphere crystal study: init, run every operation, report.

Usage::

    python projects/binary_crystals/main.py --quick [--workspace DIR]
    python projects/binary_crystals/main.py --full  [--workspace DIR]

The last line printed is the path of the Markdown report. Re-running after an interruption
resumes: finished operations are skipped (their products exist), unfinished ones restart.
"""

from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import init  # noqa: E402
import project  # noqa: E402

from hoomd_colloidml.studies.workflow import run_and_report  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="CI sizes (default)")
    group.add_argument("--full", action="store_true", help="thesis sizes")
    parser.add_argument("--workspace", default=HERE,
                        help="signac project root (default: this directory)")
    parser.add_argument("--np", type=int, default=None,
                        help="parallel worker processes for flow's run (default: serial)")
    parser.add_argument("--size-ratios", type=float, nargs="+", default=None,
                        help="subset of the size ratios 0.45 0.54 0.82 (default: all)")
    args = parser.parse_args(argv)
    mode = "full" if args.full else "quick"
    os.makedirs(args.workspace, exist_ok=True)
    init.init_project(args.workspace, mode, args.size_ratios or init.SIZE_RATIOS)
    return run_and_report(project.BinaryCrystals.get_project(args.workspace), mode, args.np)


if __name__ == "__main__":
    sys.exit(main())
