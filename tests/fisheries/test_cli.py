"""The ``statmodels fisheries`` commands, end to end on small inputs."""

import argparse

import pandas as pd
import pytest

from statmodels.fisheries import cli


def _run(argv):
    parser = argparse.ArgumentParser(prog="statmodels")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args)


def test_simulate_policy_evaluate(tmp_path, capsys):
    stock = tmp_path / "stock.csv"
    assert (
        _run(
            [
                "fisheries",
                "simulate",
                "allen:r=2,K=8,C=5,sigma=0.05",
                "--x0",
                "5.5",
                "--steps",
                "39",
                "--seed",
                "1",
                "--output",
                str(stock),
            ]
        )
        == 0
    )
    frame = pd.read_csv(stock)
    assert len(frame) == 40 and frame["stock"].iloc[0] == 5.5
    pol = tmp_path / "ricker.csv"
    assert (
        _run(
            [
                "fisheries",
                "policy",
                str(stock),
                "--method",
                "ricker",
                "--output",
                str(pol),
            ]
        )
        == 0
    )
    table = pd.read_csv(pol)
    assert list(table.columns[:3]) == ["stock", "harvest", "escapement"]
    assert (table["escapement"] <= table["stock"] + 1e-12).all()
    capsys.readouterr()
    assert (
        _run(
            [
                "fisheries",
                "evaluate",
                "allen:r=2,K=8,C=5,sigma=0.05",
                "--policy",
                str(pol),
                "--replicates",
                "20",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "p_collapse" in out and "optimal" in out


def test_errors(tmp_path, capsys):
    with pytest.raises(SystemExit):
        _run(["fisheries", "simulate", "gompertz:r=1"])
    assert "unknown growth model" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"stock": [5.0, -2.0, 6.0, 7.0]}).to_csv(bad, index=False)
    assert _run(["fisheries", "policy", str(bad), "--method", "allen"]) == 2
    assert "nonnegative" in capsys.readouterr().err
