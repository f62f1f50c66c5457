"""studies.workflow.report_is_current: a report is stale once a job or a product is newer."""

import os
from types import SimpleNamespace

from hoomd_colloidml.studies.workflow import report_is_current


def _touch(path, t):
    path.write_text("x")
    os.utime(path, ns=(t, t))


def test_report_staleness(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    jobs = [SimpleNamespace(path=str(a)), SimpleNamespace(path=str(b))]
    report = tmp_path / "report.md"
    t0 = 1_700_000_000 * 10**9
    _touch(a / "cv.json", t0)
    _touch(b / "signac_statepoint.json", t0)
    assert not report_is_current(report, jobs)  # no report yet
    _touch(report, t0 + 10**9)
    assert report_is_current(report, jobs)
    (a / "model").mkdir()  # directories are not products themselves
    assert report_is_current(report, jobs)
    _touch(b / "density_scan.json", t0 + 2 * 10**9)  # a product written after the report
    assert not report_is_current(report, jobs)
    _touch(report, t0 + 3 * 10**9)
    c = tmp_path / "c"
    c.mkdir()
    _touch(c / "signac_statepoint.json", t0 + 4 * 10**9)  # a job added after the report
    assert report_is_current(report, jobs)
    assert not report_is_current(report, jobs + [SimpleNamespace(path=str(c))])
