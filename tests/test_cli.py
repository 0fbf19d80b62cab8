"""The statmodels command, as a newcomer would use it."""

import subprocess
import sys

import pytest

import statmodels as sm
from statmodels.cli import main


def test_fit_prints_summary_and_writes_file(tmp_path, capsys):
    out = tmp_path / "fit.nc"
    code = main(
        [
            "fit",
            "Surv(time, status) ~ karno + celltype",
            "--data",
            "veteran",
            "--dist",
            "weibull",
            "--out",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert code == 0
    assert "Coefficients:" in text and "Log-likelihood: -716.515" in text
    assert "data=veteran" in text
    assert sm.load(out).log_likelihood == pytest.approx(-716.5149, abs=1e-4)


def test_fit_from_csv_with_options(tmp_path, capsys):
    path = tmp_path / "e1684.csv"
    sm.datasets.load("e1684").to_csv(path, index=False)
    code = main(
        [
            "fit",
            "Surv(time, status) ~ trt",
            "--data",
            str(path),
            "--dist",
            "apgw",
            "--preset",
            "ph",
            "--fix",
            "gamma=1",
        ]
    )
    assert code == 0
    assert "Fixed: phi = 1, gamma = 1" in capsys.readouterr().out


def test_errors_are_one_line(capsys):
    assert main(["fit", "Surv(time, stat) ~ karno", "--data", "veteran"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: column 'stat'")
    with pytest.raises(SystemExit):
        main(["fit", "Surv(time, status) ~ karno", "--data", "nosuchdata"])


def test_datasets_and_help(capsys):
    assert main(["datasets"]) == 0
    text = capsys.readouterr().out
    assert "veteran" in text and "e1684" in text and "licence" in text
    result = subprocess.run(
        [sys.executable, "-m", "statmodels.cli", "fit", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--dist" in result.stdout and "Example:" in result.stdout


def test_compare_command(capsys):
    assert main(["compare", "Surv(time, status) ~ trt", "--data", "e1684"]) == 0
    text = capsys.readouterr().out
    assert "delta_aic" in text and "apgw" in text
