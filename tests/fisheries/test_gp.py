"""The Gaussian process dynamics model against direct linear algebra."""

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
from statmodels.inference import ConvergenceWarning

import statmodels.fisheries as fs

PARAMS = {"amplitude": 3.0, "lengthscale": 2.5, "noise": 0.3}


@pytest.fixture(scope="module")
def series():
    return fs.Allen(2, 8, 5, 0.05).simulate(5.5, 39, seed=1)


def _direct(X, Y, w, p, S, mean=lambda s: 0 * s):
    """Textbook GP regression with numpy solves."""

    def k(a, b):
        return p["amplitude"] ** 2 * np.exp(
            -0.5 * ((a[:, None] - b) / p["lengthscale"]) ** 2
        )

    C = k(X, X) + np.diag(p["noise"] ** 2 * w + 1e-10 * p["amplitude"] ** 2)
    ks = k(S, X)
    mu = mean(S) + ks @ np.linalg.solve(C, Y - mean(X))
    var = p["amplitude"] ** 2 - np.einsum("ij,ji->i", ks, np.linalg.solve(C, ks.T))
    return mu, var, C


@pytest.mark.parametrize("zero", ["exact", "noisy", "none"])
def test_predictive_matches_direct_formula(series, zero):
    gp = fs.GPDynamics.from_series(series, zero=zero)
    x, y = series[:-1], series[1:]
    if zero == "none":
        X, Y, w = x, y, np.ones_like(x)
    else:
        X, Y = np.r_[0.0, x], np.r_[0.0, y]
        w = np.r_[1.0 if zero == "noisy" else 0.0, np.ones_like(x)]
    S = np.linspace(0, 15, 31)
    mu, var, noise = gp.posterior_predictive(PARAMS, S)
    mu_d, var_d, _ = _direct(X, Y, w, PARAMS, S)
    np.testing.assert_allclose(mu, mu_d, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(var, np.maximum(var_d, 0), rtol=1e-7, atol=1e-9)
    assert noise == pytest.approx(PARAMS["noise"] ** 2)
    if zero == "exact":
        assert abs(mu[0]) < 1e-6 and var[0] < 1e-6


def test_linear_and_parametric_means(series):
    p = dict(PARAMS, slope=0.9)
    gp = fs.GPDynamics.from_series(series, mean="linear")
    x, y = series[:-1], series[1:]
    X, Y, w = np.r_[0.0, x], np.r_[0.0, y], np.r_[0.0, np.ones_like(x)]
    S = np.linspace(0, 15, 11)
    mu, _, _ = gp.posterior_predictive(p, S)
    np.testing.assert_allclose(
        mu, _direct(X, Y, w, p, S, lambda s: 0.9 * s)[0], atol=1e-9
    )
    ricker = fs.Ricker(1.0, 8.0, 0.05)
    gp = fs.GPDynamics.from_series(series, mean=ricker)
    mu, _, _ = gp.posterior_predictive(PARAMS, S)
    np.testing.assert_allclose(mu, _direct(X, Y, w, PARAMS, S, ricker.f)[0], atol=1e-9)


def _loglik(gp, p):
    from statmodels.inference import ParameterSpace

    space = ParameterSpace.from_model(gp.numpyro_model(), gp.data())
    return float(
        space.log_likelihood({k: np.asarray(v) for k, v in p.items()}, gp.data())
    )


def test_likelihood_and_type2_mle(series):
    gp = fs.GPDynamics.from_series(series, zero="noisy")
    X, Y = np.r_[0.0, series[:-1]], np.r_[0.0, series[1:]]
    w = np.ones_like(X)

    def ref(p):
        _, _, C = _direct(X, Y, w, p, X[:1])
        return scipy.stats.multivariate_normal(np.zeros(len(Y)), C).logpdf(Y)

    assert _loglik(gp, PARAMS) == pytest.approx(ref(PARAMS), abs=1e-8)
    code = fs.GPDynamics.from_series(series, zero="noisy", faithful_to_code=True)
    _, _, C = _direct(X, Y, w, PARAMS, X[:1])
    logdet = np.linalg.slogdet(C)[1]
    assert _loglik(code, PARAMS) == pytest.approx(ref(PARAMS) - 0.5 * logdet, abs=1e-8)
    # Type-II maximum likelihood against scipy on the same objective.
    fit = gp.fit("mle")
    names = ["amplitude", "lengthscale", "noise"]
    res = scipy.optimize.minimize(
        lambda u: -ref(dict(zip(names, np.exp(u), strict=True))),
        np.log([5.0, 4.0, 0.4]),
        method="Nelder-Mead",
        options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 5000},
    )
    assert fit.log_likelihood == pytest.approx(-res.fun, abs=1e-5)
    for n, v in zip(names, np.exp(res.x), strict=True):
        assert fit.params.loc[n, "estimate"] == pytest.approx(v, rel=1e-3)


def test_nuts_gp_policy_is_near_optimal(series):
    gp = fs.GPDynamics.from_series(series)
    with warnings.catch_warnings():
        # Reason: tiny chains; the back end rightly flags low effective size.
        warnings.simplefilter("ignore", ConvergenceWarning)
        fit = gp.fit("nuts", num_warmup=150, num_samples=150, num_chains=2, seed=3)
    grid = np.linspace(0, 15, 50)
    kernel = fs.transition_kernel(fit, grid, grid, max_draws=100)
    np.testing.assert_allclose(kernel.sum(axis=1), 1.0, atol=1e-12)
    pol = fs.optimal_policy(fit, grid, 0.99, max_draws=100)
    true = fs.Allen(2, 8, 5, 0.05)
    table, _ = fs.compare_policies({"gp": pol}, true, 10, 50, 100, seed=5)
    assert table.loc["gp", "npv_ratio_mean"] > 0.95
    assert table.loc["gp", "p_collapse"] == 0


def test_bad_series():
    with pytest.raises(
        ValueError, match=r"missing or infinite values at positions \[2\]"
    ):
        fs.GPDynamics.from_series([5.0, 6.0, np.nan, 7.0])
    with pytest.raises(ValueError, match=r"series\[1\] = -1"):
        fs.GPDynamics.from_series([5.0, -1.0, 6.0, 7.0])
    with pytest.raises(ValueError, match="larger than the stock"):
        fs.GPDynamics([5.0, 6.0, 7.0], [6.0, 7.0, 7.5], harvest=[1.0, 7.0, 0.0])
    with pytest.raises(ValueError, match="mean must be"):
        fs.GPDynamics.from_series([5.0, 6.0, 7.0, 7.5], mean="cubic")
    with pytest.raises(ValueError, match="zero stock or escapement"):
        fs.ParametricDynamics.from_series("ricker", [5.0, 0.0, 6.0, 7.0])
