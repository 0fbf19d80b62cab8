"""The MEDIDA vignette runs end to end in its small size."""

import runpy
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

matplotlib.use("Agg")

VIGNETTE = Path(__file__).resolve().parents[2] / "vignettes" / "medida.py"


def test_vignette_runs_small(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STATMODELS_VIGNETTE_SIZE", "small")
    monkeypatch.setenv("STATMODELS_VIGNETTE_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = runpy.run_path(str(VIGNETTE), run_name="__main__")
    plt.close("all")
    for name in ["medida_uxx_halved.png", "medida_uxxxx_halved.png"]:
        assert (tmp_path / name).stat().st_size > 10_000
    table = namespace["table"]
    clean = table[(table.data == "noise-free") & (table.library == "filtered")]
    # Noise-free discovery finds one term in each injected-error case.
    assert clean.set_index("case").loc["u_xx halved", "terms"] == 1
    assert "u_xx [" in clean.set_index("case").loc["u_xx halved", "equation"]
    perfect = clean.set_index("case").loc["perfect model", "max_abs"]
    assert perfect < 1e-3
    assert all(v > 0 for v in namespace["assimilation"].values())
    # Noisy observations through the EnKF on the resolved modes: each injected
    # error alone, within the tolerances of tests/sparse/test_medida_enkf.py
    # (same data and filter).
    noisy = table[table.data == "EnKF analysis"].set_index("case")
    for case, truth, tol in [
        ("u_xx halved", -0.5, 0.03),
        ("u_xxxx halved", -0.5, 0.03),
        ("no advection", -1.0, 0.08),
    ]:
        assert noisy.loc[case, "terms"] == 1
        assert abs(noisy.loc[case, "coef"] - truth) < tol
    assert noisy.loc["perfect model", "max_abs"] < 0.02
    assert "vignette finished" in capsys.readouterr().out
