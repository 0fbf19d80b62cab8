"""The vignettes run end to end at a small size."""

import os
import pathlib
import runpy
import warnings

import matplotlib.pyplot as plt
import pytest
from statmodels.inference import ConvergenceWarning

VIGNETTES = pathlib.Path(__file__).resolve().parents[1] / "vignettes"


@pytest.mark.parametrize("name", ["survival.py"])
def test_vignette_runs(name, tmp_path, monkeypatch):
    monkeypatch.setenv("STATMODELS_VIGNETTE_SIZE", "small")
    monkeypatch.setenv("STATMODELS_VIGNETTE_OUT", str(tmp_path))
    with warnings.catch_warnings():
        # Reason: at the small size the chains are short, and the package
        # rightly says so (R-hat, effective sample size).
        warnings.simplefilter("ignore", ConvergenceWarning)
        runpy.run_path(str(VIGNETTES / name), run_name="__main__")
    plt.close("all")
    figures = sorted(p.name for p in tmp_path.glob("*.png"))
    assert figures, "the vignette drew no figures"
    assert os.path.getsize(tmp_path / figures[0]) > 10_000
