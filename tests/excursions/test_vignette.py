"""The excursions vignette runs end to end in its small size."""

import runpy
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

VIGNETTE = Path(__file__).resolve().parents[2] / "vignettes" / "excursions.py"


def test_vignette_runs_small(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATMODELS_VIGNETTE_SIZE", "small")
    monkeypatch.setenv("STATMODELS_VIGNETTE_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    if not VIGNETTE.exists():
        pytest.fail(f"vignette missing: {VIGNETTE}")
    namespace = runpy.run_path(str(VIGNETTE), run_name="__main__")
    for name in [
        "excursions_density.png",
        "excursions_log_survival.png",
        "excursions_failure_sinc.png",
    ]:
        assert (tmp_path / name).stat().st_size > 10_000
    assert (tmp_path / "excursions_exponents.csv").read_text().count("\n") == 7
    table = namespace["table"]
    # The exponent table pairs the two IIA equations (identical roots).
    assert (abs(table["theta_classical"] - table["theta_slepian"]) < 1e-6).all()
    assert namespace["negative"] < -0.1
    assert "vignette finished" in capsys.readouterr().out
