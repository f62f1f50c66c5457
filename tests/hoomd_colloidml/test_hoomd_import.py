"""Without HOOMD-blue: the package imports, hoomd_colloidml.hoomd explains how to install."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(code: str) -> subprocess.CompletedProcess:
    # sys.modules["hoomd"] = None makes `import hoomd` fail even where HOOMD is installed
    pre = "import sys; sys.modules['hoomd'] = None\n"
    return subprocess.run([sys.executable, "-c", pre + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=REPO), cwd=REPO)


def test_everything_outside_hoomd_imports_without_hoomd():
    proc = _run("""
        import hoomd_colloidml, hoomd_colloidml.io, hoomd_colloidml.cli
        import hoomd_colloidml.clustering, hoomd_colloidml.engine, hoomd_colloidml.lattice
        import hoomd_colloidml.models, freud_ext.order
        assert 'hoomd' not in [m for m in sys.modules if sys.modules[m] is not None]
        print("ok")
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_hoomd_subpackage_raises_helpful_import_error():
    proc = _run("""
        try:
            import hoomd_colloidml.hoomd
        except ImportError as exc:
            print(exc)
        else:
            raise SystemExit("no ImportError")
    """)
    assert proc.returncode == 0, proc.stderr
    msg = proc.stdout
    assert "HOOMD-blue" in msg and "conda install -c conda-forge hoomd" in msg
    assert "source" in msg
