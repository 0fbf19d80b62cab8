"""The fisheries vignette runs end to end at its small size."""

import os
import pathlib
import runpy

import matplotlib.pyplot as plt

VIGNETTE = pathlib.Path(__file__).resolve().parents[2] / "vignettes" / "fisheries.py"


def test_vignette_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATMODELS_VIGNETTE_SIZE", "small")
    monkeypatch.setenv("STATMODELS_VIGNETTE_OUT", str(tmp_path))
    runpy.run_path(str(VIGNETTE), run_name="__main__")
    plt.close("all")
    figures = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(figures) == 4
    assert all(os.path.getsize(tmp_path / f) > 10_000 for f in figures)
    out = capsys.readouterr().out
    assert "p_collapse" in out and "Allen" in out
