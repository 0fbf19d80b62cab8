"""MAP fits against scipy on the log posterior written in NumPy; save/load."""

import numpy as np
import pytest
import scipy.linalg
import scipy.optimize
import scipy.stats
from statmodels.inference import Fit

import statmodels
import statmodels.fisheries as fs

NAMES = ["amplitude", "lengthscale", "noise"]


def _gp_log_posterior(series):
    """log p(y | theta) + log p(theta) + sum(u), theta = exp(u), in NumPy."""
    X, Y = np.r_[0.0, series[:-1]], np.r_[0.0, series[1:]]
    w = np.r_[0.0, np.ones(len(series) - 1)]
    sy, sx = np.max(series[1:]), np.max(series[:-1])
    priors = [
        scipy.stats.lognorm(1.0, scale=sy),
        scipy.stats.lognorm(1.0, scale=sx / 2),
        scipy.stats.lognorm(1.5, scale=0.05 * sy),
    ]

    def loglik(theta):
        a, ell, s = theta
        C = a**2 * np.exp(-0.5 * ((X[:, None] - X[None, :]) / ell) ** 2)
        C += np.diag(s**2 * w + 1e-10 * a**2)
        L = np.linalg.cholesky(C)
        z = scipy.linalg.solve_triangular(L, Y, lower=True)
        return (
            -0.5 * z @ z - np.log(np.diag(L)).sum() - 0.5 * len(Y) * np.log(2 * np.pi)
        )

    def logpost(u):
        theta = np.exp(u)
        prior = sum(p.logpdf(t) for p, t in zip(priors, theta, strict=True))
        return loglik(theta) + prior + np.sum(u)

    return logpost, loglik


def _fd_hessian(f, u, h=1e-4):
    n = len(u)
    H = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            H[i, j] = (
                f(u + ei + ej) - f(u + ei - ej) - f(u - ei + ej) + f(u - ei - ej)
            ) / (4 * h * h)
    return H


def test_gp_map_equals_scipy(allen_series, gp_map):
    logpost, loglik = _gp_log_posterior(allen_series)
    res = scipy.optimize.minimize(
        lambda u: -logpost(u),
        np.log([5.0, 4.0, 0.4]),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
    )
    assert res.success
    assert gp_map.method == "map" and isinstance(gp_map, Fit)
    est = gp_map.params["estimate"]
    for name, value in zip(NAMES, np.exp(res.x), strict=True):
        assert est[name] == pytest.approx(value, rel=1e-6)
    assert gp_map.info["log_posterior"] == pytest.approx(-res.fun, abs=1e-8)
    theta = np.array([est[n] for n in NAMES])
    assert gp_map.log_likelihood == pytest.approx(loglik(theta), abs=1e-8)
    # Laplace covariance: inverse negative Hessian of the log posterior in u.
    H = _fd_hessian(logpost, np.log(theta))
    # (central differences with h = 1e-4 carry an error of order 1e-7 here)
    np.testing.assert_allclose(
        gp_map.cov_unconstrained, np.linalg.inv(-H), rtol=1e-4, atol=1e-6
    )
    # The mode differs from the type-II MLE (the priors matter).
    assert not gp_map.is_bayesian
    assert "maximum a posteriori" in str(gp_map.summary())


def test_parametric_map_equals_scipy(allen_series):
    S, y = allen_series[:-1], allen_series[1:]
    scale = np.max(y)

    def logpost(u):
        r, K, sigma = np.exp(u)
        med = S * np.exp(r * (1 - S / K))
        ll = scipy.stats.lognorm(sigma, scale=med).logpdf(y).sum()
        prior = (
            scipy.stats.lognorm(1.0, scale=1.0).logpdf(r)
            + scipy.stats.lognorm(1.0, scale=scale).logpdf(K)
            + scipy.stats.halfnorm(scale=1.0).logpdf(sigma)
        )
        return ll + prior + np.sum(u)

    fit = fs.ParametricDynamics.from_series("ricker", allen_series).fit("map")
    res = scipy.optimize.minimize(
        lambda u: -logpost(u),
        np.log([1.0, scale, 0.1]),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 20000},
    )
    est = fit.params["estimate"]
    for name, value in zip(["r", "K", "sigma"], np.exp(res.x), strict=True):
        assert est[name] == pytest.approx(value, rel=1e-6)
    assert fit.info["log_posterior"] == pytest.approx(-res.fun, abs=1e-8)


def test_map_fit_drives_transitions_and_policy(allen_series, gp_map, grid):
    """The MAP fit's kernel equals the textbook GP predictive at the mode."""
    p = {n: float(gp_map.params.loc[n, "estimate"]) for n in NAMES}
    X, Y = np.r_[0.0, allen_series[:-1]], np.r_[0.0, allen_series[1:]]
    w = np.r_[0.0, np.ones(len(allen_series) - 1)]

    def k(a, b):
        return p["amplitude"] ** 2 * np.exp(
            -0.5 * ((a[:, None] - b) / p["lengthscale"]) ** 2
        )

    C = k(X, X) + np.diag(p["noise"] ** 2 * w + 1e-10 * p["amplitude"] ** 2)
    ks = k(grid, X)
    mu = ks @ np.linalg.solve(C, Y)
    var = p["amplitude"] ** 2 - np.einsum("ij,ji->i", ks, np.linalg.solve(C, ks.T))
    sd = np.sqrt(np.maximum(var, 0) + p["noise"] ** 2)
    edges = (grid[1:] + grid[:-1]) / 2
    cdf = scipy.stats.norm.cdf((edges[None] - mu[:, None]) / sd[:, None])
    n = len(grid)
    direct = np.diff(np.hstack([np.zeros((n, 1)), cdf, np.ones((n, 1))]), axis=1)
    kernel = fs.transition_kernel(gp_map, grid, grid)
    np.testing.assert_allclose(kernel, direct, atol=1e-10)
    pol = fs.optimal_policy(gp_map, grid, 0.99)
    exact = fs.policy_iteration(
        fs.FactoredTransition(
            direct, np.maximum(np.arange(n)[:, None] - np.arange(n), 0)
        ),
        fs.harvest_reward(grid, grid),
        0.99,
    )
    np.testing.assert_array_equal(pol.harvest, grid[exact.policy])
    table, _ = fs.compare_policies({"map": pol}, fs.Allen(2, 8, 5, 0.05), 10, 50, 100)
    assert table.loc["map", "p_collapse"] == 0


def test_save_load_round_trip(tmp_path, allen_series, gp_map, ricker_mle, grid):
    for fit in (gp_map, ricker_mle):
        path = tmp_path / f"{fit.method}.nc"
        fit.save(path)
        back = statmodels.load(path)
        assert type(back) is type(fit) and back.method == fit.method
        assert type(back.model) is type(fit.model)
        np.testing.assert_array_equal(back.model.frame(), fit.model.frame())
        for name in fit.draws:
            np.testing.assert_array_equal(back.draws[name], fit.draws[name])
        np.testing.assert_allclose(back.cov_unconstrained, fit.cov_unconstrained)
        assert str(back.summary()) == str(fit.summary())
        assert back.log_likelihood == fit.log_likelihood
        np.testing.assert_allclose(
            back.predict(grid)["mean"], fit.predict(grid)["mean"], rtol=1e-14
        )
        np.testing.assert_array_equal(
            fs.transition_kernel(back, grid, grid),
            fs.transition_kernel(fit, grid, grid),
        )


def test_save_load_posterior_fit(tmp_path, ricker_nuts, grid):
    path = tmp_path / "nuts.nc"
    ricker_nuts.save(path)
    back = statmodels.load(path)
    assert back.method == "nuts" and back.is_bayesian
    np.testing.assert_array_equal(back.draws["r"], ricker_nuts.draws["r"])
    assert back.loo().elpd == pytest.approx(ricker_nuts.loo().elpd, abs=1e-12)
    np.testing.assert_allclose(
        fs.transition_kernel(back, grid, grid, max_draws=50),
        fs.transition_kernel(ricker_nuts, grid, grid, max_draws=50),
        atol=1e-15,
    )


def test_unknown_method(allen_series):
    with pytest.raises(ValueError, match="'nuts', 'map' or 'mle'"):
        fs.GPDynamics.from_series(allen_series).fit("laplace")
