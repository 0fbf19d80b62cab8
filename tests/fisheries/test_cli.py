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


def test_missing_values_and_map(tmp_path, capsys):
    gap = tmp_path / "gap.csv"
    gap.write_text("stock,harvest\n5.0,0\n6.0,0\n,0\n7.0,0\n7.5,0\n")
    assert _run(["fisheries", "policy", str(gap), "--method", "ricker"]) == 2
    err = capsys.readouterr().err
    assert "missing or infinite values at positions [2]" in err and "impute" in err
    stock = tmp_path / "stock.csv"
    x = pd.DataFrame({"stock": [5.5, 5.8, 6.4, 7.0, 7.0, 7.8, 8.1, 7.8, 8.2, 7.9]})
    x.to_csv(stock, index=False)
    out = tmp_path / "pol.csv"
    args = ["fisheries", "policy", str(stock), "--method", "ricker", "--fit", "map"]
    assert _run([*args, "--output", str(out)]) == 0
    assert "sigma" in capsys.readouterr().err  # the parameter table
    assert len(pd.read_csv(out)) == 50
