"""The ``statmodels mjp`` subcommands, driven through argparse."""

import argparse
import json

import numpy as np
import pandas as pd
import pytest

from statmodels.cli import main
from statmodels.jump import Paths, dfr_pattern, dfr_rate_matrix, entropy_production
from statmodels.jump.cli import register


def test_register_adds_three_subcommands():
    parser = argparse.ArgumentParser(prog="statmodels")
    register(parser.add_subparsers(dest="command"))
    for sub in (["simulate"], ["fit", "x.csv"], ["dfr"]):
        assert callable(parser.parse_args(["mjp", *sub]).func)


def test_dfr_json_matches_library(capsys):
    assert main(["mjp", "dfr", "--V", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["entropy_production"] == pytest.approx(
        entropy_production(dfr_rate_matrix(2.0, 1.0, 1.0)), rel=1e-12
    )
    assert out["relaxation_times"][0] == pytest.approx(0.5)


def test_simulate_then_fit_complete_paths(tmp_path, capsys):
    path = tmp_path / "paths.csv"
    rc = main(
        ["mjp", "simulate", "-n", "50", "--t-max", "4", "--seed", "2", "-o", str(path)]
    )
    assert rc == 0
    capsys.readouterr()
    frame = pd.read_csv(path)
    N, R = Paths.from_frame(frame, 6).sufficient_statistics()
    assert (
        main(
            [
                "mjp",
                "fit",
                str(path),
                "--complete",
                "--pattern",
                "dfr",
                "--n-states",
                "6",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    pat = dfr_pattern()
    np.testing.assert_allclose(
        np.array(out["rate_matrix"])[pat], (N / R[:, None])[pat], rtol=1e-8
    )


def test_fit_reports_bad_data(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"id": [0, 0], "time": [1.0, 0.5], "state": [0, 1]}).to_csv(
        path, index=False
    )
    assert main(["mjp", "fit", str(path)]) == 2
    assert "do not increase" in capsys.readouterr().err


def test_fit_panel_with_misclassification_json(tmp_path, capsys):
    qfile = tmp_path / "q.json"
    Q = [[-0.9, 0.6, 0.3], [0.4, -0.9, 0.5], [0.2, 0.7, -0.9]]
    qfile.write_text(json.dumps(Q))
    path = tmp_path / "obs.csv"
    assert (
        main(
            [
                "mjp",
                "simulate",
                "--qmatrix",
                str(qfile),
                "-n",
                "300",
                "--t-max",
                "14.5",
                "--dt",
                "0.5",
                "--noise",
                "0.1",
                "--seed",
                "6",
                "-o",
                str(path),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["mjp", "fit", str(path), "--misclassification", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    est, se = np.array(out["rate_matrix"]), np.array(out["std_error"])
    off = ~np.eye(3, dtype=bool)
    assert np.all(np.abs(est - np.array(Q))[off] < 4 * se[off])
