"""One ruff configuration (pyproject.toml) for format and lint, width 88."""

import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("args", [["format", "--check"], ["check"]])
def test_ruff(args):
    ruff = shutil.which("ruff") or str(
        pathlib.Path(__import__("sys").executable).parent / "ruff"
    )
    result = subprocess.run(
        [ruff, *args, "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
