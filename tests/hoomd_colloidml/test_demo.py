"""The interim main job: python -m hoomd_colloidml.demo."""

from __future__ import annotations

import numpy as np

from hoomd_colloidml.demo import main, structures, summarize


def test_demo_writes_png_and_summary(tmp_path, capsys):
    assert main(["--out", str(tmp_path / "out")]) == 0
    png = tmp_path / "out" / "q4_q6.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert str(png.resolve()) in out
    for name in ("fcc", "hcp", "bcc", "fluid-like"):
        assert name in out
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_demo_structures_sit_near_their_ideal_q4_q6():
    result = summarize(structures(sigma=0.02, seed=1))
    ideal = {"fcc": (0.19094, 0.57452), "hcp": (0.09722, 0.48476), "bcc": (0.03637, 0.51069)}
    for name, (q4, q6) in ideal.items():
        f, names = result[name]["features"], result[name]["names"]
        assert abs(np.mean(f[:, names.index("q4")]) - q4) < 0.02
        assert abs(np.mean(f[:, names.index("q6")]) - q6) < 0.03
        assert f.shape[1] == 24
    assert result["fcc"]["neighbours"] > 11.5
    fl = result["fluid-like"]
    assert np.mean(fl["features"][:, fl["names"].index("q6")]) < 0.3
