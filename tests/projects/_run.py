"""Helpers of the project quick-mode tests: run a project's scripts in a subprocess."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "projects"


def load_script(project, name):
    """Import ``projects/<project>/<name>.py`` (the projects are not packages)."""
    spec = importlib.util.spec_from_file_location(name, PROJECTS / project / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def env(numba_cache=None):
    """Environment of a study subprocess; ``numba_cache`` overrides numba's cache directory."""
    e = dict(os.environ)
    e.setdefault("MPLBACKEND", "Agg")
    e.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".venv" / "numba-cache"))
    if numba_cache is not None:
        e["NUMBA_CACHE_DIR"] = str(numba_cache)
    e["OMP_NUM_THREADS"] = "1"
    return e


def run_main(project, workspace, *args, timeout=900, numba_cache=None):
    """Run ``projects/<project>/main.py --quick``; return the report path (last line)."""
    res = subprocess.run(
        [sys.executable, str(PROJECTS / project / "main.py"), "--quick", "--workspace",
         str(workspace), *args],
        capture_output=True, text=True, env=env(numba_cache), timeout=timeout)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-6000:]
    report = Path(res.stdout.strip().splitlines()[-1])
    assert report.is_file(), res.stdout[-2000:]
    return report


def jobs(workspace, **filters):
    """(state point, job directory) of the jobs whose state point matches ``filters``."""
    out = []
    for d in sorted((Path(workspace) / "workspace").iterdir()):
        sp = json.loads((d / "signac_statepoint.json").read_text())
        if all(sp.get(k) == v for k, v in filters.items()):
            out.append((sp, d))
    return out


def check_no_debris(workspace):
    """No temporary product files left behind, every JSON file parses."""
    for p in Path(workspace).rglob("*"):
        assert not p.name.startswith(".") or p.name == ".signac" or ".signac" in p.parts, p
        if p.suffix == ".json":
            json.loads(p.read_text())
