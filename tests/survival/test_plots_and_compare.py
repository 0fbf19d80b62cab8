"""Kaplan-Meier against lifelines, the plots, and the comparison table."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import statmodels as sm
from statmodels.survival import compare_models, kaplan_meier, plot_hazard, plot_survival


@pytest.fixture(scope="module")
def veteran():
    return sm.datasets.load("veteran")


def test_kaplan_meier_matches_lifelines(veteran):
    lifelines = pytest.importorskip("lifelines")
    km = kaplan_meier(veteran["time"], veteran["status"])
    ref = lifelines.KaplanMeierFitter().fit(veteran["time"], veteran["status"])
    expected = ref.survival_function_at_times(km["time"]).to_numpy()
    np.testing.assert_allclose(km["survival"], expected, rtol=1e-12)
    ci = ref.confidence_interval_.loc[km["time"]]
    np.testing.assert_allclose(km["lower"], ci.iloc[:, 0], rtol=1e-8)
    np.testing.assert_allclose(km["upper"], ci.iloc[:, 1], rtol=1e-8)


def test_delayed_entry_kaplan_meier_matches_lifelines():
    lifelines = pytest.importorskip("lifelines")
    data = pd.read_csv(
        __import__("pathlib").Path(__file__).parent
        / "reference"
        / "truncation_data.csv"
    )
    km = kaplan_meier(data["time"], data["status"], entry=data["entry"])
    ref = lifelines.KaplanMeierFitter().fit(
        data["time"], data["status"], entry=data["entry"]
    )
    expected = ref.survival_function_at_times(km["time"]).to_numpy()
    np.testing.assert_allclose(km["survival"], expected, rtol=1e-10)


def test_survival_plot_overlays_fit_on_kaplan_meier(veteran):
    fit = sm.survreg(
        "Surv(time, status) ~ karno + celltype", veteran, dist="apgw", preset="ph-gamma"
    )
    ax = plot_survival(fit, group="celltype")
    labels = [line.get_label() for line in ax.get_lines()]
    assert sum("Kaplan-Meier" in label for label in labels) == 4
    assert sum("fitted" in label for label in labels) == 4
    # Fitted group averages track the Kaplan-Meier curves.
    km = kaplan_meier(veteran["time"], veteran["status"])
    fitted = fit.predict(veteran, type="survival", times=km["time"].to_numpy())
    mean = fitted.groupby("time")["estimate"].mean().to_numpy()
    assert np.max(np.abs(mean - km["survival"].to_numpy())) < 0.08
    plt.close("all")
    ax = plot_hazard(fit, veteran.iloc[[0, 100]], labels=["a", "b"])
    assert len(ax.get_lines()) == 2
    plt.close("all")


def test_comparison_table(veteran):
    table = compare_models(
        "Surv(time, status) ~ karno + celltype",
        veteran,
        candidates=[("weibull", "aft"), ("apgw", "aft"), ("apgw", "aft-gamma")],
    )
    assert list(table.columns) == [
        "dist",
        "preset",
        "n_params",
        "log_likelihood",
        "aic",
        "bic",
        "delta_aic",
        "caveats",
    ]
    assert table["aic"].is_monotonic_increasing
    assert table.iloc[0]["delta_aic"] == 0
    row = table.set_index(["dist", "preset"]).loc[("apgw", "aft-gamma")]
    assert row["n_params"] == 11  # phi: 5, gamma: 5, kappa: 1
    np.testing.assert_allclose(row["aic"], -2 * row["log_likelihood"] + 22)
    # Nested models: APGW contains Weibull, so its log-likelihood is higher.
    ll = table.set_index(["dist", "preset"])["log_likelihood"]
    assert ll[("apgw", "aft")] >= ll[("weibull", "aft")]
