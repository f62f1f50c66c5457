"""signac-flow plumbing shared by the studies in ``projects/``: initialise, run, report."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from hoomd_colloidml.studies.io import remove_partials

__all__ = ["init_jobs", "report_is_current", "use_templates", "run_and_report", "study_parser"]


def use_templates(project: Any, template_dir: str) -> None:
    """Point a project root outside the study's folder at the study's ``templates/``.

    signac-flow looks for job-script templates in ``<root>/templates`` unless the project
    configuration names ``template_dir``; the path is written at initialisation, so nothing
    in the repository is hard-coded.

    Args:
        project (signac.Project): The project just initialised.
        template_dir (str): Absolute path of the study's ``templates/`` folder.
    """
    study_root = os.path.dirname(os.path.abspath(template_dir))
    if os.path.realpath(project.path) == os.path.realpath(study_root):
        return
    cfg = os.path.join(project.path, ".signac", "config")
    with open(cfg, encoding="utf-8") as fh:
        text = fh.read()
    if "template_dir" not in text:
        with open(cfg, "a", encoding="utf-8") as fh:
            fh.write(f"template_dir = {os.path.abspath(template_dir)}\n")


def report_is_current(report: str | os.PathLike, jobs: Iterable[Any]) -> bool:
    """Post-condition of a study's ``report`` operation: the report exists and is newer
    than every file of every job it covers.

    A job added after the report (a new state point) or a product written after it (an
    operation re-run or resumed) makes the report stale, so ``project.py run`` writes it
    again instead of keeping tables that miss results.

    Args:
        report (path): The report file; written last by the report operation.
        jobs (iterable of signac.job.Job): The jobs of the report's aggregate.

    Returns:
        bool: Whether the report is up to date.
    """
    try:
        written = os.stat(report).st_mtime_ns
    except FileNotFoundError:
        return False
    for job in jobs:
        with os.scandir(job.path) as entries:
            for e in entries:
                if e.is_file() and e.stat().st_mtime_ns > written:
                    return False
    return True


def init_jobs(
    root: str,
    statepoints: Iterable[dict],
    validate: Callable[[dict], Any],
    template_dir: str,
):
    """Validate every state point, then create the project at ``root`` and its jobs.

    Nothing is created when any state point is refused.

    Raises:
        ValueError, TypeError: From ``validate`` for a state point outside the physics.
    """
    import signac

    sps = list(statepoints)
    for sp in sps:
        validate(sp)
    project = signac.init_project(root)
    use_templates(project, template_dir)
    for sp in sps:
        project.open_job(sp).init()
    return project


def run_and_report(flow_project: Any, mode: str, np: int | None = None) -> int:
    """Run every operation of the jobs of ``mode``, then the aggregate ``report``.

    Prints the report path as the last line and returns 0, or returns 1 with a message
    when the study did not complete.
    """
    # a previous run killed mid-write left temporary files; nothing is writing now
    remove_partials(os.path.join(flow_project.path, "workspace"))
    remove_partials(os.path.join(flow_project.path, "products"))
    jobs = list(flow_project.find_jobs({"mode": mode}))
    flow_project.run(jobs=jobs, np=np)
    # the report is an aggregate over all jobs of a mode, which `jobs=` does not select
    flow_project.run(names=["report"])
    report = os.path.join(flow_project.path, "products", mode, "report.md")
    if not os.path.isfile(report):
        print("The study did not complete; see 'python project.py status --detailed'.",
              file=sys.stderr)
        return 1
    print(report, flush=True)
    return 0


def study_parser(description: str, default_workspace: str) -> argparse.ArgumentParser:
    """Command line shared by the studies' ``main.py``: ``--quick|--full``, ``--workspace``,
    ``--np``; ``args.mode`` is ``"quick"`` (default) or ``"full"``.

    Example:
        >>> args = study_parser("demo", "/tmp/ws").parse_args(["--full", "--np", "2"])
        >>> args.mode, args.workspace, args.np
        ('full', '/tmp/ws', 2)
    """
    parser = argparse.ArgumentParser(description=description)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", dest="mode", action="store_const", const="quick",
                       help="CI sizes (default)")
    group.add_argument("--full", dest="mode", action="store_const", const="full",
                       help="thesis sizes")
    parser.set_defaults(mode="quick")
    parser.add_argument("--workspace", default=default_workspace,
                        help="signac project root (default: the project's directory)")
    parser.add_argument("--np", type=int, default=None,
                        help="parallel worker processes for flow's run (default: serial)")
    return parser
