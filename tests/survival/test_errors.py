"""Bad input gets a clear error naming the column or value and what to do."""

import re

import numpy as np
import pandas as pd
import pytest
from statmodels.inference import DataWarning

import statmodels as sm

FORMULA = "Surv(time, status) ~ karno + celltype"


@pytest.fixture()
def veteran():
    return sm.datasets.load("veteran")


def test_missing_column_is_named(veteran):
    with pytest.raises(ValueError, match="column 'karnofsky'.*not in the data"):
        sm.survreg("Surv(time, status) ~ karnofsky", veteran)
    with pytest.raises(ValueError, match="column 'tim'"):
        sm.survreg("Surv(tim, status) ~ karno", veteran)


@pytest.mark.parametrize("bad", [0.0, -3.0])
def test_non_positive_times(veteran, bad):
    veteran.loc[5, "time"] = bad
    with pytest.raises(ValueError, match="time 'time' must be positive"):
        sm.survreg(FORMULA, veteran)


def test_nan_raises_unless_dropped_and_summary_says_so(veteran):
    veteran.loc[[3, 7], "karno"] = np.nan
    veteran.loc[9, "time"] = np.nan
    with pytest.raises(ValueError, match=r"3 row\(s\) have missing values.*'karno'"):
        sm.survreg(FORMULA, veteran)
    with pytest.warns(DataWarning, match="dropped 3 of 137 rows"):
        fit = sm.survreg(FORMULA, veteran, na_action="drop")
    assert fit.nobs == 134
    assert "3 of 137 rows had missing values and were dropped" in str(fit.summary())


def test_status_not_binary(veteran):
    veteran["status"] = veteran["status"] + 1
    with pytest.raises(ValueError, match=re.escape("status == 2")):
        sm.survreg(FORMULA, veteran)
    veteran["status"] = "dead"
    with pytest.raises(ValueError, match="must be 0/1 or boolean"):
        sm.survreg(FORMULA, veteran)


def test_boolean_status_accepted(veteran):
    as_bool = veteran.assign(status=veteran["status"] == 1)
    a = sm.survreg(FORMULA, as_bool)
    b = sm.survreg(FORMULA, veteran)
    assert a.log_likelihood == pytest.approx(b.log_likelihood, abs=1e-10)


def test_interval_lower_above_upper():
    data = pd.DataFrame(
        {"lo": [1.0, 5.0, 2.0], "hi": [2.0, 3.0, np.inf], "x": [0, 1, 0]}
    )
    with pytest.raises(ValueError, match="lower 'lo' > upper 'hi' at rows 1"):
        sm.survreg('Surv(lo, hi, type="interval2") ~ x', data)


def test_entry_not_before_exit():
    data = pd.DataFrame(
        {"t0": [0.0, 4.0], "t": [2.0, 3.0], "d": [1, 0], "x": [0.0, 1.0]}
    )
    with pytest.raises(ValueError, match="entry 't0' is not before time 't'"):
        sm.survreg("Surv(t0, t, d) ~ x", data)


def test_unknown_distribution_and_preset(veteran):
    with pytest.raises(ValueError, match="unknown distribution 'weibul'.*weibull"):
        sm.survreg(FORMULA, veteran, dist="weibul")
    with pytest.raises(ValueError, match="unknown preset 'ph2'.*ph-gamma"):
        sm.survreg(FORMULA, veteran, preset="ph2")
    with pytest.raises(ValueError, match="no proportional-hazards form"):
        sm.survreg(FORMULA, veteran, dist="lognormal", preset="ph")
    with pytest.raises(ValueError, match="log-logistic.*preset='aft'"):
        sm.survreg(FORMULA, veteran, dist="loglogistic", preset="ph")
    with pytest.raises(ValueError, match="unknown method"):
        sm.survreg(FORMULA, veteran, method="bfgs")


def test_newdata_with_unseen_level(veteran):
    fit = sm.survreg(FORMULA, veteran)
    newdata = pd.DataFrame({"karno": [50], "celltype": ["mesothelioma"]})
    with pytest.raises(ValueError, match="column 'celltype' has level.*mesothelioma"):
        fit.predict(newdata, type="median")
    with pytest.raises(ValueError, match="lacks column 'celltype'"):
        fit.predict(pd.DataFrame({"karno": [50]}), type="median")
    with pytest.raises(ValueError, match="needs times="):
        fit.predict(veteran.iloc[:2], type="survival")
    with pytest.raises(ValueError, match="unknown prediction type"):
        fit.predict(veteran.iloc[:2], type="density")


def test_rank_deficient_design(veteran):
    veteran["karno2"] = 2 * veteran["karno"]
    with pytest.raises(ValueError, match="rank deficient"):
        sm.survreg("Surv(time, status) ~ karno + karno2", veteran)


def test_fixing_a_parameter_with_covariates(veteran):
    with pytest.raises(ValueError, match="phi is both fixed and given covariates"):
        sm.survreg(
            FORMULA, veteran, dist="apgw", formulas={"phi": "~ trt"}, fixed={"phi": 2.0}
        )
    with pytest.raises(ValueError, match="kappa must exceed -1"):
        sm.survreg(FORMULA, veteran, dist="apgw", fixed={"kappa": -2.0})
