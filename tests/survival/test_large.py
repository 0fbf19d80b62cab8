"""Large data: the subsample start reaches the same optimum as the full search."""

import warnings

import numpy as np
import pandas as pd
import pytest

import statmodels as sm
from statmodels import survival


@pytest.mark.parametrize("dist, preset", [("apgw", "ph-gamma"), ("weibull", "aft")])
def test_subsample_start_reaches_the_full_data_optimum(monkeypatch, dist, preset):
    """Starts searched on a subsample, then polished on all rows, land on the
    optimum that a search on all rows finds (several starts or one)."""
    veteran = sm.datasets.load("veteran")
    formula = "Surv(time, status) ~ karno + trt"
    fitted = sm.survreg(formula, veteran, dist=dist, preset=preset)
    rng = np.random.default_rng(11)
    n = 3000
    rows = veteran.iloc[rng.integers(0, len(veteran), n)].reset_index(drop=True)
    X = fitted.model.new_designs(rows)
    eta = fitted.model.linear_predictors(fitted.estimate, X)
    eta = {k: np.broadcast_to(np.asarray(v), (n,)) for k, v in eta.items()}
    t = np.asarray(fitted.model.family.quantile(rng.uniform(size=n), **eta))
    data = rows.assign(time=t, status=1)
    full = sm.survreg(formula, data, dist=dist, preset=preset)
    assert "starts_from" not in full.info
    monkeypatch.setattr(survival, "SUBSAMPLE_ABOVE", 1000)
    monkeypatch.setattr(survival, "SUBSAMPLE_SIZE", 500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quick = sm.survreg(formula, data, dist=dist, preset=preset)
    assert "random subsample of 500 rows" in str(quick.summary())
    assert quick.log_likelihood == pytest.approx(full.log_likelihood, abs=1e-8)
    pd.testing.assert_series_equal(
        quick.params["estimate"], full.params["estimate"], atol=1e-6, rtol=0
    )
    pd.testing.assert_series_equal(
        quick.params["std_error"], full.params["std_error"], atol=1e-8, rtol=1e-6
    )
