"""The ``statmodels excursions`` subcommands, driven through argparse."""

import argparse
import json

import numpy as np
import pytest

from statmodels.cli import main
from statmodels.excursions import Diffusion, SlepianIIA
from statmodels.excursions.cli import register


def test_register_adds_the_three_subcommands():
    parser = argparse.ArgumentParser(prog="statmodels")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["excursions", "exponent", "diffusion:2"])
    assert callable(args.func) and args.cov.d == 2
    for sub in ["density", "simulate"]:
        args = parser.parse_args(["excursions", sub, "gaussian"])
        assert callable(args.func)


def test_exponent_json_matches_library(capsys):
    assert main(["excursions", "exponent", "diffusion:2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    theta = SlepianIIA(Diffusion(2)).persistence_exponent()
    assert out["theta_slepian"] == pytest.approx(theta, abs=1e-12)
    assert out["theta_classical"] == pytest.approx(theta, abs=1e-9)
    assert out["theta_exact"] == 3 / 16 and out["valid"] is True


def test_exponent_text_for_a_failing_covariance(capsys):
    assert main(["excursions", "exponent", "sinc"]) == 0
    out = capsys.readouterr().out
    assert "IIA exponent       none" in out and "valid              False" in out


def test_density_table_and_csv(tmp_path, capsys):
    path = tmp_path / "d.csv"
    rc = main(
        [
            "excursions",
            "density",
            "random-acceleration",
            "--points",
            "5",
            "--t-max",
            "8",
            "--csv",
            str(path),
        ]
    )
    assert rc == 0
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    assert rows.shape == (5, 4)
    from statmodels.excursions import RandomAcceleration

    np.testing.assert_allclose(
        rows[:, 1],
        SlepianIIA(RandomAcceleration()).pdf(rows[:, 0]),
        rtol=1e-6,
        atol=1e-9,
    )
    np.testing.assert_allclose(rows[:, 2] + rows[:, 3], 1.0, atol=1e-7)
    assert "# Slepian IIA of random acceleration" in capsys.readouterr().out


def test_density_laplace_rejected_without_closed_form(capsys):
    assert main(["excursions", "density", "gaussian", "--method", "laplace"]) == 2
    assert "closed-form" in capsys.readouterr().err


def test_simulate_saves_lengths(tmp_path, capsys):
    path = tmp_path / "len.npy"
    rc = main(
        [
            "excursions",
            "simulate",
            "diffusion:2",
            "-n",
            "20000",
            "--seed",
            "4",
            "--no-progress",
            "--json",
            "--output",
            str(path),
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    lengths = np.load(path)
    assert lengths.size == out["n_excursions"] >= 20000
    assert out["mean"] == pytest.approx(lengths.mean())
    assert abs(out["mean"] - 2 * np.pi) < 0.15


def test_bad_covariance_name_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["excursions", "exponent", "matern:0.5"])
    assert exc.value.code == 2
    assert "choose nu > 1" in capsys.readouterr().err


def test_help_texts_explain_cov(capsys):
    with pytest.raises(SystemExit):
        main(["excursions", "simulate", "--help"])
    text = capsys.readouterr().out
    assert "diffusion:D" in text and "examples:" in text
