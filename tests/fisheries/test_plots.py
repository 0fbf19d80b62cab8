"""Every figure: one axes, its labels, and the plotted data equal to the inputs."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import statmodels.fisheries as fs

TRUE = fs.Allen(2, 8, 5, 0.05)


@pytest.fixture(scope="module")
def policies(grid):
    return {
        "optimal": fs.optimal_policy(TRUE, grid, 0.99, label="optimal"),
        "half": fs.Policy(grid, grid / 2, label="half"),
    }


@pytest.fixture(scope="module")
def sims(policies):
    _, sims = fs.compare_policies(
        {"half": policies["half"]}, TRUE, 10.0, 20, 30, seed=3
    )
    return sims


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _lines(ax):
    return {ln.get_label(): ln for ln in ax.get_lines()}


def test_backend_is_agg():
    assert matplotlib.get_backend().lower() == "agg"


def test_plot_fitted_map(gp_map, ricker_mle):
    S = np.linspace(0, 15, 40)
    ax = fs.plot_fitted_map({"GP": gp_map, "Ricker": ricker_mle}, TRUE, grid=S)
    assert len(ax.figure.axes) == 1
    assert ax.get_xlabel().startswith("escapement") and "x_{t+1}" in ax.get_ylabel()
    lines = _lines(ax)
    assert set(lines) == {"GP", "Ricker", "true", "data"}
    for name, fit in (("GP", gp_map), ("Ricker", ricker_mle)):
        np.testing.assert_array_equal(lines[name].get_xdata(), S)
        np.testing.assert_allclose(lines[name].get_ydata(), fit.predict(S)["mean"])
    np.testing.assert_allclose(lines["true"].get_ydata(), TRUE.f(S))
    np.testing.assert_array_equal(lines["data"].get_xdata(), gp_map.model.S)
    np.testing.assert_array_equal(lines["data"].get_ydata(), gp_map.model.y)
    # One band per fit, spanning the predictive interval.
    assert len(ax.collections) == 2
    band = ax.collections[0].get_paths()[0].vertices
    pred = gp_map.predict(S)
    assert band[:, 1].min() == pytest.approx(pred["lower"].min())
    assert band[:, 1].max() == pytest.approx(pred["upper"].max())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["GP", "Ricker", "true", "data"]


def test_plot_policies_and_values(policies, grid):
    fig, axes = plt.subplots(1, 2)
    ax = fs.plot_policies(policies, ax=axes[0], tipping_point=5.0)
    assert ax is axes[0] and len(fig.axes) == 2
    assert ax.get_xlabel() == "stock $x$" and ax.get_ylabel().startswith("escapement")
    lines = _lines(ax)
    for name, pol in policies.items():
        np.testing.assert_array_equal(lines[name].get_xdata(), grid)
        np.testing.assert_array_equal(lines[name].get_ydata(), pol.escapement)
        assert lines[name].get_drawstyle() == "steps-mid"
    np.testing.assert_array_equal(lines["tipping point"].get_ydata(), [5.0, 5.0])
    ax = fs.plot_values(policies, ax=axes[1])
    assert ax.get_ylabel() == "value"
    lines = _lines(ax)
    assert set(lines) == {"optimal"}  # the hand-made policy has no value
    np.testing.assert_array_equal(
        lines["optimal"].get_ydata(), policies["optimal"].value
    )


def test_plot_trajectories(sims):
    ax = fs.plot_trajectories(sims, quantiles=(0.1,))
    assert len(ax.figure.axes) == 1
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("time", "stock")
    lines = _lines(ax)
    assert set(lines) == {"reference", "half"}
    for name, sim in sims.items():
        np.testing.assert_array_equal(lines[name].get_xdata(), np.arange(21))
        np.testing.assert_allclose(lines[name].get_ydata(), np.median(sim.stock, 0))
    assert len(ax.collections) == 2  # one band per simulation
    band = ax.collections[1].get_paths()[0].vertices
    hi = np.quantile(sims["half"].stock, 0.9, axis=0)
    assert band[:, 1].max() == pytest.approx(hi.max())


def test_plot_npv_ratio(sims):
    ax = fs.plot_npv_ratio(sims, bins=10)
    assert len(ax.figure.axes) == 1
    assert ax.get_xlabel().startswith("NPV") and ax.get_ylabel() == "replicates"
    heights = [p.get_height() for p in ax.patches]
    ratio = sims["half"].profit / sims["reference"].profit
    np.testing.assert_array_equal(heights, np.histogram(ratio, bins=10)[0])
    assert sum(heights) == 30
    np.testing.assert_array_equal(
        _lines(ax)[next(iter(_lines(ax)))].get_xdata(), [1, 1]
    )
