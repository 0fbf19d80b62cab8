"""The ``statmodels medida`` subcommand."""

import argparse
import json

from statmodels.sparse.cli import register


def _run(argv, capsys):
    parser = argparse.ArgumentParser(prog="statmodels")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    code = args.func(args)
    return code, capsys.readouterr().out


def test_medida_prints_the_discovered_equation(capsys):
    code, out = _run(["medida", "--error", "uxxxx", "--snapshots", "60"], capsys)
    assert code == 0
    assert "- 0.50" in out and "u_xxxx [" in out


def test_medida_json(capsys):
    code, out = _run(
        ["medida", "--error", "advection", "--snapshots", "60", "--json"], capsys
    )
    data = json.loads(out)
    assert list(data["terms"]) == ["u u_x"]
    assert abs(data["terms"]["u u_x"] + 1.0) < 0.01
