"""The meningitis vignette runs end to end at its small size."""

import os
import pathlib
import runpy

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

VIGNETTE = pathlib.Path(__file__).resolve().parents[2] / "vignettes" / "meningitis.py"


def test_vignette_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("STATMODELS_VIGNETTE_SIZE", "small")
    monkeypatch.setenv("STATMODELS_VIGNETTE_OUT", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(VIGNETTE), run_name="__main__")
    plt.close("all")
    figures = sorted(p.name for p in tmp_path.glob("*.png"))
    assert figures == [
        "meningitis_outbreak.png",
        "meningitis_ridge.png",
        "meningitis_sensitivity.png",
        "meningitis_sweep.png",
    ]
    assert all(os.path.getsize(tmp_path / f) > 10_000 for f in figures)
