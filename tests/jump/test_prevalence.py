"""Observed against expected prevalence."""

import json
from pathlib import Path

import matplotlib
import matplotlib.pyplot
import numpy as np
import pandas as pd
import pytest
import scipy.stats

from statmodels.jump import (
    PanelData,
    dfr_rate_matrix,
    plot_prevalence,
    prevalence,
    simulate,
)

matplotlib.use("Agg")
REFERENCE = Path(__file__).parent / "reference"


def test_prevalence_fits_the_true_model_not_a_wrong_one():
    Q = dfr_rate_matrix(2.0, 1.0, 1.0)
    panel = simulate(Q, np.eye(6)[0], 2000, times=np.arange(8) * 0.25, seed=12)
    right = prevalence(panel, Q)
    wrong = prevalence(panel, dfr_rate_matrix(0.0, 1.0, 1.0))
    cols_o = [f"observed_{i}" for i in range(6)]
    cols_e = [f"expected_{i}" for i in range(6)]

    def chi2(table):
        o = table[cols_o].to_numpy()[1:] * 2000
        e = table[cols_e].to_numpy()[1:] * 2000
        return np.sum((o - e) ** 2 / e)

    # 7 times x 5 free shares: chi-square with 35 degrees of freedom when the
    # model is right (the times are dependent, so this is a rough yardstick).
    assert chi2(right) < scipy.stats.chi2(35).ppf(0.999)
    assert chi2(wrong) > 10 * scipy.stats.chi2(35).ppf(0.999)
    np.testing.assert_allclose(right[cols_e].sum(axis=1), 1.0)
    ax = plot_prevalence(right)
    assert len(ax.lines) == 12
    matplotlib.pyplot.close(ax.figure)


def test_prevalence_needs_shared_times_unless_states_are_placed():
    grid = np.sort(np.random.default_rng(0).uniform(0, 3, (5, 4)), axis=1)
    panel = simulate(dfr_rate_matrix(1.0, 1.0, 1.0), None, 5, times=grid, seed=1)
    with pytest.raises(ValueError, match="not an observation time of every"):
        prevalence(panel, dfr_rate_matrix(1.0, 1.0, 1.0), times=[grid[0, 1]])
    with pytest.raises(ValueError, match="interp must be"):
        prevalence(panel, dfr_rate_matrix(1.0, 1.0, 1.0), interp="linear")


@pytest.mark.parametrize(
    "name, csv, interp",
    [
        ("panel3", "panel3.csv", "start"),
        ("panel3", "panel3.csv", "midpoint"),
        ("covariate_panel", "covariate_panel.csv", "start"),
    ],
)
def test_irregular_times_agree_with_r_msm_prevalence(name, csv, interp):
    ref = json.loads((REFERENCE / "msm_prevalence.json").read_text())[name]
    panel = PanelData.from_frame(pd.read_csv(REFERENCE / csv), 3)
    table = prevalence(panel, np.array(ref["q"]), ref["times"], interp=interp)
    n = table["n"].to_numpy()
    observed = np.array(ref[interp]["observed"])
    np.testing.assert_array_equal(n, observed[:, 3])
    shares = table[[f"observed_{i}" for i in range(3)]].to_numpy()
    np.testing.assert_allclose(shares * n[:, None], observed[:, :3], atol=1e-9)
    expected = table[[f"expected_{i}" for i in range(3)]].to_numpy()
    np.testing.assert_allclose(
        100 * expected, np.array(ref[interp]["expected_percent"]), rtol=1e-9
    )
