"""Run the Ch. 4 crystal-detection study: init, run every operation, write the report.

Usage::

    python projects/crystal_detection/main.py --quick [--workspace DIR]
    python projects/crystal_detection/main.py --full  [--workspace DIR]

The last line printed is the path of the Markdown report. Re-running after an interruption
resumes: finished operations are skipped (their products exist), unfinished ones restart.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import init  # noqa: E402
import project  # noqa: E402

from hoomd_colloidml.studies.workflow import run_and_report, study_parser  # noqa: E402


def main(argv=None) -> int:
    parser = study_parser(__doc__.splitlines()[0], HERE)
    parser.add_argument("--systems", nargs="+", default=None,
                        help="subset of the systems (bulk runs are always included)")
    args = parser.parse_args(argv)
    os.makedirs(args.workspace, exist_ok=True)
    init.init_project(args.workspace, args.mode, args.systems)
    return run_and_report(project.CrystalDetection.get_project(args.workspace), args.mode, args.np)


if __name__ == "__main__":
    sys.exit(main())
