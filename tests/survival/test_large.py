"""Large data: the subsample start reaches the same optimum as the full search."""

import warnings

import numpy as np
import pandas as pd
import pytest

import statmodels as sm
from statmodels import survival


def test_subsample_start_reaches_the_full_data_optimum(monkeypatch):
    veteran = sm.datasets.load("veteran")
    formula = "Surv(time, status) ~ karno + trt"
    fitted = sm.survreg(formula, veteran, dist="apgw", preset="ph-gamma")
    rng = np.random.default_rng(11)
    n = 3000
    rows = veteran.iloc[rng.integers(0, len(veteran), n)].reset_index(drop=True)
    X = fitted.model.new_designs(rows)
    eta = fitted.model.linear_predictors(fitted.estimate, X)
    eta = {k: np.broadcast_to(np.asarray(v), (n,)) for k, v in eta.items()}
    t = np.asarray(fitted.model.family.quantile(rng.uniform(size=n), **eta))
    data = rows.assign(time=t, status=1)
    full = sm.survreg(formula, data, dist="apgw", preset="ph-gamma")
    monkeypatch.setattr(survival, "SUBSAMPLE_ABOVE", 1000)
    monkeypatch.setattr(survival, "SUBSAMPLE_SIZE", 500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quick = sm.survreg(formula, data, dist="apgw", preset="ph-gamma")
    assert "random subsample of 500 rows" in str(quick.summary())
    assert quick.log_likelihood == pytest.approx(full.log_likelihood, abs=1e-8)
    pd.testing.assert_series_equal(
        quick.params["estimate"], full.params["estimate"], atol=1e-6, rtol=0
    )
