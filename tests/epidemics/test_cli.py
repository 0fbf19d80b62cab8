"""``statmodels meningitis``: simulate, r0, sensitivity and fit."""

import json

import pandas as pd
import pytest

from statmodels.cli import main
from statmodels.epidemics import default_model


def test_r0_json_matches_model(capsys):
    assert main(["meningitis", "r0", "--beta", "0.2", "--phi", "0.1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    m = default_model(beta=0.2, phi=0.1)
    assert out["R0"] == pytest.approx(m.r0_closed_form(), rel=1e-12)
    assert out["R0_closed_form"] == pytest.approx(out["R0"], rel=1e-12)
    assert out["dfe_stable"] is False


def test_sensitivity_table(capsys, tmp_path):
    path = tmp_path / "s.csv"
    assert main(["meningitis", "sensitivity", "--phi", "0.3", "--csv", str(path)]) == 0
    table = pd.read_csv(path, index_col=0)
    expected = default_model(phi=0.3).sensitivity()
    pd.testing.assert_series_equal(table["index"], expected["index"], rtol=1e-10)
    assert "beta" in capsys.readouterr().out


def test_bad_parameter_is_a_clear_error(capsys):
    assert main(["meningitis", "r0", "--phi", "2"]) == 2
    assert "phi=2.0 is outside [0, 1]" in capsys.readouterr().err


def test_simulate_then_fit(tmp_path, capsys):
    path = tmp_path / "season.csv"
    code = main(
        [
            "meningitis",
            "simulate",
            "--beta",
            "0.2",
            "--weeks",
            "26",
            "--seed",
            "4",
            "--output",
            str(path),
        ]
    )
    assert code == 0
    frame = pd.read_csv(path)
    assert list(frame.columns) == ["week", "cases"] and len(frame) == 26
    capsys.readouterr()
    code = main(
        ["meningitis", "fit", str(path), "--estimate", "beta", "--beta", "0.15"]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "R0 at the estimate" in text and "Coefficients:" in text
    # The same fit through the Python interface.
    fit = default_model(beta=0.15).fit(frame, 1e5, estimate=("beta",))
    assert f"{fit.params.loc['beta', 'estimate']:.4g}" in text


def test_fit_reports_gaps(tmp_path, capsys):
    path = tmp_path / "gappy.csv"
    pd.DataFrame({"week": [1, 2, 5], "cases": [3, 4, 5]}).to_csv(path, index=False)
    assert main(["meningitis", "fit", str(path)]) == 2
    assert "not consecutive" in capsys.readouterr().err
