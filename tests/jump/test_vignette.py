"""The jump-process vignette runs end to end in its small size."""

import runpy
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")

VIGNETTE = Path(__file__).resolve().parents[2] / "vignettes" / "jump.py"


def test_vignette_runs_small(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATMODELS_VIGNETTE_SIZE", "small")
    monkeypatch.setenv("STATMODELS_VIGNETTE_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = runpy.run_path(str(VIGNETTE), run_name="__main__")
    for name in [
        "jump_rmse_paths.png",
        "jump_entropy_production.png",
        "jump_prevalence.png",
    ]:
        assert (tmp_path / name).stat().st_size > 10_000
    table = namespace["table"]
    # The slowest relaxation time of the fit is near the exact 1/(2r) = 0.5.
    assert np.all(np.abs(table["tau_slowest"] - 0.5) < 0.1)
    # Zero entropy production at V = 0, more at larger V, as for the truth.
    assert table["sigma_true"].iloc[0] < 1e-12
    assert np.all(np.diff(table["sigma_hat"]) > 0)
    assert namespace["errors"][-1] < namespace["errors"][0]
    hr = namespace["cov_fit"].hazard_ratios()
    assert hr.loc["group:0->1", "lower"] < 2.0 < hr.loc["group:0->1", "upper"]
    assert "vignette finished" in capsys.readouterr().out
