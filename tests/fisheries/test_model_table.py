"""LOO in the model comparison table, against ArviZ on an independent array."""

import arviz as az
import numpy as np
import pytest
import scipy.stats

import statmodels.fisheries as fs


def test_loo_column_matches_arviz_on_scipy_loglik(
    allen_series, ricker_nuts, ricker_mle
):
    table = fs.model_table({"nuts": ricker_nuts, "mle": ricker_mle})
    assert np.isnan(table.loc["mle", "elpd_loo"])  # MLE fits: AIC/BIC only
    # Pointwise log-likelihood of every draw from scipy's lognormal density.
    S, y = allen_series[:-1], allen_series[1:]
    r, K, sigma = (ricker_nuts.draws[k][..., None] for k in ("r", "K", "sigma"))
    med = S * np.exp(r * (1 - S / K))
    ll = scipy.stats.lognorm(sigma, scale=med).logpdf(y)
    assert ll.shape == (2, 300, 39)
    tree = az.from_dict(
        {"posterior": dict(ricker_nuts.draws), "log_likelihood": {"y": ll}},
        dims={"y": ["obs"]},
    )
    ref = az.loo(tree)
    assert table.loc["nuts", "elpd_loo"] == pytest.approx(ref.elpd, abs=1e-8)
    assert table.loc["nuts", "looic"] == pytest.approx(-2 * ref.elpd, abs=1e-8)
    # Plain importance sampling LOO (no smoothing) is close when k is small.
    assert np.all(ref.pareto_k.values < 0.7)
    flat = ll.reshape(-1, 39)
    is_loo = -np.sum(np.log(np.mean(np.exp(-flat), axis=0)))
    assert table.loc["nuts", "elpd_loo"] == pytest.approx(is_loo, abs=0.5)


def test_loo_refused_for_point_fits(ricker_mle, gp_map):
    for fit in (ricker_mle, gp_map):
        with pytest.raises(ValueError, match="needs posterior draws"):
            fit.loo()
    table = fs.model_table({"map": gp_map})
    assert np.isnan(table.loc["map", "elpd_loo"])
