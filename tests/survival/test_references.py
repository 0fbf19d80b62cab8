"""Survival fits against R survreg, lifelines and independent optimisers.

Every reference number is read from tests/survival/reference/, where the
program that produced it sits beside it (see that folder's README).
"""

import json
import pathlib

import numpy as np
import pandas as pd
import pytest

import statmodels as sm
from statmodels.survival.predict import survreg_table

REF = pathlib.Path(__file__).parent / "reference"
FORMULA = "Surv(time, status) ~ karno + celltype"


def _load(name):
    return json.loads((REF / name).read_text())


SURVREG = _load("survreg_reference.json")
APGW = _load("apgw_lifelines_reference.json")


@pytest.fixture(scope="module")
def veteran():
    return sm.datasets.load("veteran")


@pytest.mark.parametrize("dist", ["weibull", "loglogistic", "lognormal", "exponential"])
def test_aft_fits_match_r_survreg(veteran, dist):
    ref = SURVREG["veteran"][dist]
    fit = sm.survreg(FORMULA, veteran, dist=dist, preset="aft")
    assert fit.log_likelihood == pytest.approx(ref["loglik"], abs=1e-5)
    table = survreg_table(fit)
    for name, value in ref["coef"].items():
        assert table.loc[name, "Value"] == pytest.approx(value, abs=1e-4)
        assert table.loc[name, "Std. Error"] == pytest.approx(ref["se"][name], rel=1e-4)
    if dist != "exponential":
        assert table.loc["Log(scale)", "Value"] == pytest.approx(
            ref["log_scale"], abs=1e-4
        )
        assert table.loc["Log(scale)", "Std. Error"] == pytest.approx(
            ref["se"]["Log(scale)"], rel=1e-4
        )


def test_weibull_ph_in_survreg_parametrisation(veteran):
    """A Weibull PH fit is the AFT fit reparametrised: same optimum."""
    ref = SURVREG["veteran"]["weibull"]
    fit = sm.survreg(FORMULA, veteran, dist="weibull", preset="ph")
    assert fit.log_likelihood == pytest.approx(ref["loglik"], abs=1e-5)
    table = survreg_table(fit)
    for name, value in ref["coef"].items():
        assert table.loc[name, "Value"] == pytest.approx(value, abs=1e-4)
        assert table.loc[name, "Std. Error"] == pytest.approx(ref["se"][name], rel=1e-4)


def test_case_weights_match_r(veteran):
    ref = SURVREG["veteran_weighted"]
    data = veteran.assign(w=ref["weights"])
    fit = sm.survreg(FORMULA, data, dist="weibull", weights="w")
    assert fit.log_likelihood == pytest.approx(ref["weibull"]["loglik"], abs=1e-5)
    table = survreg_table(fit)
    for name, value in ref["weibull"]["coef"].items():
        assert table.loc[name, "Value"] == pytest.approx(value, abs=1e-4)


@pytest.mark.parametrize("dist", ["weibull", "loglogistic"])
def test_interval_and_left_censoring_match_r(dist):
    ref = SURVREG["interval"][dist]
    data = pd.read_csv(REF / "interval_data.csv")
    fit = sm.survreg(
        'Surv(lower, upper, type="interval2") ~ x', data, dist=dist, preset="aft"
    )
    assert fit.log_likelihood == pytest.approx(ref["loglik"], abs=1e-5)
    table = survreg_table(fit)
    for name, value in ref["coef"].items():
        assert table.loc[name, "Value"] == pytest.approx(value, abs=1e-4)
        assert table.loc[name, "Std. Error"] == pytest.approx(ref["se"][name], rel=1e-4)
    counts = SURVREG["interval"]["counts"]
    assert fit.model.n_events == counts["exact"]


@pytest.mark.parametrize("dist", ["weibull", "loglogistic"])
def test_quantile_predictions_match_r(veteran, dist):
    ref = SURVREG["veteran_predict"]
    fit = sm.survreg(FORMULA, veteran, dist=dist)
    newdata = pd.DataFrame(ref["newdata"])
    pred = fit.predict(newdata, type="quantile", p=ref["p"])
    est = pred["estimate"].to_numpy().reshape(3, 3)
    se = pred["std_error"].to_numpy().reshape(3, 3)
    np.testing.assert_allclose(est, ref[dist]["quantile"], rtol=1e-4)
    np.testing.assert_allclose(se, ref[dist]["quantile_se"], rtol=1e-3)


def test_left_truncation_matches_lifelines_and_r():
    ref = _load("truncation_reference.json")
    data = pd.read_csv(REF / "truncation_data.csv")
    fit = sm.survreg("Surv(entry, time, status) ~ x", data, dist="weibull")
    assert fit.log_likelihood == pytest.approx(ref["lifelines"]["loglik"], abs=1e-5)
    assert fit.log_likelihood == pytest.approx(ref["R_optim"]["loglik"], abs=1e-5)
    # lifelines: S = exp(-(t / lambda)^rho), log lambda = b0 + b1 x = -log phi.
    params = fit.params["estimate"]
    lif = ref["lifelines"]["params"]
    assert -params["phi:(Intercept)"] == pytest.approx(
        lif["lambda_:Intercept"], abs=1e-4
    )
    assert -params["phi:x"] == pytest.approx(lif["lambda_:x"], abs=1e-4)
    assert params["gamma:(Intercept)"] == pytest.approx(lif["rho_:Intercept"], abs=1e-4)
    se = fit.params["std_error"]
    assert se["phi:x"] == pytest.approx(ref["lifelines"]["se"]["lambda_:x"], rel=1e-3)


def _term(name):
    return "(Intercept)" if name == "Intercept" else name


@pytest.mark.parametrize("preset", ["ph-gamma", "aft", "ph", "aft-gamma"])
def test_apgw_presets_match_lifelines_and_scipy(veteran, preset):
    ref = APGW["models"][preset]
    fit = sm.survreg(FORMULA, veteran, dist="apgw", preset=preset)
    assert fit.log_likelihood == pytest.approx(ref["scipy"]["loglik"], abs=1e-6)
    assert fit.log_likelihood == pytest.approx(ref["loglik"], abs=1e-5)
    assert fit.n_params == ref["n_params"]
    for param, terms in ref["scipy"]["coef"].items():
        for term, value in terms.items():
            label = f"{param}:{_term(term)}"
            assert fit.params.loc[label, "estimate"] == pytest.approx(value, abs=1e-4)
            assert fit.params.loc[label, "std_error"] == pytest.approx(
                ref["scipy"]["se"][param][term], rel=1e-3
            )


def test_e1684_cure_model_matches_independent_fit():
    ref = _load("e1684_cure_reference.json")
    e1684 = sm.datasets.load("e1684")
    fit = sm.survreg("Surv(time, status) ~ trt", e1684, dist="apgw", preset="ph")
    assert fit.log_likelihood == pytest.approx(ref["scipy"]["loglik"], abs=1e-6)
    for param, terms in ref["scipy"]["coef"].items():
        for term, value in terms.items():
            label = f"{param}:{_term(term)}"
            assert fit.params.loc[label, "estimate"] == pytest.approx(value, abs=1e-4)
    cure = fit.predict(pd.DataFrame({"trt": [0, 1]}), type="cure")
    expected = ref["scipy"]["cure_fraction"]
    np.testing.assert_allclose(
        cure["estimate"], [expected["trt=0"], expected["trt=1"]], rtol=1e-4
    )
    expected_se = ref["scipy"]["cure_fraction_se"]
    np.testing.assert_allclose(
        cure["std_error"], [expected_se["trt=0"], expected_se["trt=1"]], rtol=2e-3
    )


def test_dotted_names_and_dropped_rows_match_r():
    """R's lung data: a backtick-quoted dotted name, rows with NA dropped."""
    ref = SURVREG["lung"]
    lung = sm.datasets.load("lung")
    with pytest.warns(sm.inference.DataWarning, match="dropped 1 of 228 rows"):
        fit = sm.survreg(
            "Surv(time, status == 2) ~ age + `ph.ecog`", lung, na_action="drop"
        )
    assert ref["n_dropped"] == 1
    assert fit.log_likelihood == pytest.approx(ref["weibull"]["loglik"], abs=1e-5)
    table = survreg_table(fit)
    for name, value in ref["weibull"]["coef"].items():
        assert table.loc[name, "Value"] == pytest.approx(value, abs=1e-4)
    with pytest.raises(ValueError, match="quoted with backticks, e.g. `ph.ecog`"):
        sm.survreg("Surv(time, status == 2) ~ age + ph.ecog", lung)
