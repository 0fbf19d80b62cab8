"""Fits to simulated weekly counts: recovery, calibration, identifiability."""

import warnings

import jax
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from statmodels.inference import (
    ConvergenceWarning,
    ParameterSpace,
    load,
    mle,
    nuts,
    svi,
)

from statmodels.epidemics import (
    IncidenceModel,
    collinearity_index,
    default_model,
    identifiability,
    sensitivity_matrix,
    simulate_outbreak,
)
from statmodels.epidemics.fitting import (
    SOLVER_ERROR_LIMIT,
    _log_mean_fn,
    counts_from_frame,
    r0_of,
)

POP = 1e5
WEEKS = 26
TRUTH = default_model(beta=0.2)


@pytest.fixture(scope="module")
def outbreak():
    return simulate_outbreak(TRUTH, POP, WEEKS, rng=1, survey_days=[35, 70, 105])


def wald(fit, level=0.9):
    out = fit.transform(r0_of(fit, fit.model), link="log")
    z = scipy.stats.norm.ppf(0.5 + level / 2)
    half = z * out["std_error"] / out["estimate"]
    return float(out["estimate"]), np.exp(
        np.log(out["estimate"]) + np.array([-1, 1]) * half
    )


def test_simulator_matches_model(outbreak):
    traj = TRUTH.simulate(
        {"S": POP * (1 - 1e-3), "C": POP * 1e-3}, 7.0 * np.arange(WEEKS + 1)
    )
    np.testing.assert_allclose(outbreak["expected"], 0.5 * traj.weekly_cases)
    # Poisson counts: the standardised residuals have variance about 1.
    mu = outbreak["expected"]
    resid = (outbreak["frame"]["cases"] - mu) / np.sqrt(mu)
    assert 0.4 < np.var(resid) < 2.0
    assert outbreak["truth"]["R0"] == pytest.approx(TRUTH.r0_closed_form())


def coverage_band(n, level=0.9, alpha=0.01):
    """Counts of covers out of n that a two-sided binomial test at alpha keeps.

    k is kept when neither P(X <= k) nor P(X >= k) is at most alpha / 2,
    with X ~ Binomial(n, level).
    """
    k = np.arange(n + 1)
    law = scipy.stats.binom(n, level)
    kept = k[(law.cdf(k) > alpha / 2) & (law.sf(k - 1) > alpha / 2)]
    return int(kept.min()), int(kept.max())


def test_calibration_of_posterior_intervals():
    """A small simulation-based calibration of the NUTS posterior.

    Twenty seasons are simulated from one known truth (beta, the reporting
    fraction rho and the initial carrier proportion free; the other rates
    known, as in the summary's identifiability table, where every pair is
    identified). Each season is fitted by NUTS on the package's numpyro
    model: one chain, 150 warm-up and 250 kept draws, started at the
    season's MLE; numpyro's ``jit_model_args`` compiles the sampler once for
    all seasons. The equal-tailed 90% posterior intervals of R0, rho and the
    seed should each cover the truth in about 18 of 20 seasons; the early
    growth rate is an increasing function of beta given the other rates, so
    its intervals cover exactly when those of R0 do. Under Binomial(20,
    0.9), 14 to 20 covers is the acceptance band of a two-sided test at
    about 1% (P(X <= 13) = 0.24%, P(X = 20) = 12%). The MLE's 90% Wald
    intervals for R0 are held to the same band.
    """
    from numpyro.infer import MCMC, NUTS

    n = 20
    band = coverage_band(n)
    assert band == (14, 20)
    seasons = [
        IncidenceModel(
            simulate_outbreak(TRUTH, POP, WEEKS, rng=100 + rep)["frame"]["cases"],
            POP,
            TRUTH,
            estimate=("beta",),
        )
        for rep in range(n)
    ]
    space = ParameterSpace.of(seasons[0])
    sampler = MCMC(
        NUTS(seasons[0].numpyro_model(), max_tree_depth=6, dense_mass=True),
        num_warmup=150,
        num_samples=250,
        num_chains=1,
        progress_bar=False,
        jit_model_args=True,
    )
    truth = {"R0": TRUTH.r0(), "rho": 0.5, "seed": 1e-3}
    covered = dict.fromkeys(truth, 0)
    wald_covered = 0
    for rep, model in enumerate(seasons):
        start = mle(model)
        assert start.info["converged"]
        _, (lo, hi) = wald(start)
        wald_covered += lo < truth["R0"] < hi
        est = {s: start.params.loc[s, "estimate"] for s in model.sites}
        sampler.run(
            jax.random.PRNGKey(rep),
            model.data(),
            init_params=space.split(np.asarray(space.unconstrain(est))),
        )
        draws = {k: np.asarray(v) for k, v in sampler.get_samples().items()}
        # R0 is proportional to beta when the other rates are fixed.
        draws["R0"] = draws["beta"] * TRUTH.r0() / TRUTH.beta
        for name, value in truth.items():
            lo, hi = np.quantile(draws[name], [0.05, 0.95])
            covered[name] += lo < value < hi
    for name, count in covered.items():
        assert band[0] <= count <= band[1], (name, covered)
    assert band[0] <= wald_covered <= band[1], wald_covered


def test_mle_matches_direct_likelihood(outbreak):
    fit = TRUTH.fit(outbreak["frame"], POP, estimate=("beta",))
    est = fit.params["estimate"]
    # The log-likelihood at the estimate, recomputed from an adaptive solve
    # and SciPy's Poisson law.
    m = TRUTH.replace(beta=est["beta"])
    seed = est["seed"]
    traj = m.simulate({"S": POP * (1 - seed), "C": POP * seed}, 7.0 * np.arange(27))
    mu = est["rho"] * traj.weekly_cases
    direct = scipy.stats.poisson(mu).logpmf(outbreak["frame"]["cases"]).sum()
    assert fit.log_likelihood == pytest.approx(direct, abs=1e-3)
    assert abs(est["beta"] - TRUTH.beta) < 4 * fit.params.loc["beta", "std_error"]


def _reference_log_likelihood(model, values, solver):
    # The log-likelihood written out from SciPy's laws on a tight adaptive
    # solve (relative tolerance 1e-12), apart from the package's likelihood.
    m = model.base.replace(**{k: values[k] for k in model.estimate})
    seed = values["seed"]
    y0 = {"S": POP * (1 - seed), "C": POP * seed}
    weeks = len(model.cases)
    traj = m.simulate(
        y0, 7.0 * np.arange(weeks + 1), solver=solver, rtol=1e-12, atol=1e-16
    )
    mu = values["rho"] * traj.weekly_cases
    if model.likelihood == "poisson":
        out = scipy.stats.poisson(mu).logpmf(model.cases).sum()
    else:
        k = values["dispersion"]
        out = scipy.stats.nbinom(k, k / (k + mu)).logpmf(model.cases).sum()
    if model.surveys is not None:
        sv = model.surveys
        tr = m.simulate(
            y0,
            np.concatenate([[0.0], sv["day"]]),
            solver=solver,
            rtol=1e-12,
            atol=1e-16,
        )
        f = tr.frame().iloc[1:]
        prev = (f["C"] / f["N"]).to_numpy()
        out += scipy.stats.binom(sv["tested"], prev).logpmf(sv["carriers"]).sum()
    return out


@pytest.fixture(scope="module")
def rich_model(outbreak):
    # Two rates in the ODE, negative binomial counts and carriage surveys:
    # every branch of the likelihood.
    return IncidenceModel(
        outbreak["frame"]["cases"],
        POP,
        TRUTH,
        estimate=("beta", "sigma"),
        likelihood="negbin",
        surveys=outbreak["surveys"],
    )


def test_log_likelihood_equals_tight_adaptive_solves(outbreak, rich_model):
    poisson = IncidenceModel(outbreak["frame"]["cases"], POP, TRUTH)
    for model, values in (
        (poisson, {"beta": 0.21, "epsilon": 0.45, "sigma": 0.0025}),
        (rich_model, {"beta": 0.19, "sigma": 0.0018, "dispersion": 15.0}),
    ):
        values = dict(values, rho=0.45, seed=2e-3)
        space = ParameterSpace.of(model)
        got = float(space.log_likelihood(values, model.data()))
        for solver in ("explicit", "stiff"):
            ref = _reference_log_likelihood(model, values, solver)
            assert got == pytest.approx(ref, rel=1e-9)


def test_likelihood_gradient_and_hessian_match_finite_differences(rich_model):
    # What the back ends differentiate: the log-likelihood in unconstrained
    # coordinates, by reverse mode (NUTS, SVI) and forward over reverse (the
    # Hessian of the MLE), against central differences.
    space = ParameterSpace.of(rich_model)
    data = rich_model.data()

    def f(u):
        return space.log_likelihood(space.constrain(u), data)

    values = {"beta": 0.19, "sigma": 0.0018, "rho": 0.45, "seed": 2e-3}
    u = np.asarray(space.unconstrain(dict(values, dispersion=15.0)))
    value_fn, grad_fn = jax.jit(f), jax.jit(jax.grad(f))
    grad, hess = np.asarray(grad_fn(u)), np.asarray(jax.jit(jax.hessian(f))(u))
    np.testing.assert_allclose(hess, hess.T, rtol=1e-10)
    h = 1e-5
    for j in range(u.size):
        e = np.zeros(u.size)
        e[j] = h
        fd = (float(value_fn(u + e)) - float(value_fn(u - e))) / (2 * h)
        assert grad[j] == pytest.approx(fd, rel=1e-6, abs=1e-6), j
        fd_hess = (np.asarray(grad_fn(u + e)) - np.asarray(grad_fn(u - e))) / (2 * h)
        np.testing.assert_allclose(hess[:, j], fd_hess, rtol=1e-5, atol=1e-5)


def test_identifiability_from_cases_alone(outbreak):
    model = IncidenceModel(outbreak["frame"]["cases"], POP, TRUTH)
    truth = {k: outbreak["truth"][k] for k in model.sites}
    table = identifiability(model, truth)
    assert not table.loc["beta, epsilon", "identified"]
    assert not table.loc["sigma, rho", "identified"]
    assert table.loc["beta, rho", "identified"]
    # The sensitivity matrix by autodiff equals central differences in log
    # parameters, and the index from its columns equals 1 / sqrt(1 - |cos|)
    # for a pair (eigenvalues of a 2 x 2 correlation-like matrix).
    sens = sensitivity_matrix(model, truth)
    names, f = _log_mean_fn(model)
    logv = np.log([truth[n] for n in names])
    for j in range(len(names)):
        e = np.zeros(len(names))
        e[j] = 1e-5
        up, down = f(logv + e, model.data()), f(logv - e, model.data())
        fd = (np.asarray(up) - np.asarray(down)) / 2e-5
        np.testing.assert_allclose(sens.iloc[:, j], fd, rtol=1e-5, atol=1e-7)
    a, b = sens["beta"].to_numpy(), sens["epsilon"].to_numpy()
    cos = abs(a @ b) / np.linalg.norm(a) / np.linalg.norm(b)
    assert table.loc["beta, epsilon", "collinearity"] == pytest.approx(
        1 / np.sqrt(1 - cos), rel=1e-6
    )


def test_collinearity_index_closed_form():
    x = np.linspace(0, 1, 50)
    # cos of the angle between x and x^2 on [0, 1]: <x, x^2> / |x| |x^2|.
    a, b = x, x**2
    cos = a @ b / np.linalg.norm(a) / np.linalg.norm(b)
    assert collinearity_index(np.stack([a, b], axis=1)) == pytest.approx(
        1 / np.sqrt(1 - cos), rel=1e-10
    )
    orth = np.stack([np.sin(2 * np.pi * x[:-1]), np.cos(2 * np.pi * x[:-1])], axis=1)
    assert collinearity_index(orth) == pytest.approx(1.0, abs=1e-10)
    assert collinearity_index(np.stack([x, 2 * x], axis=1)) > 1e6


def test_caveats_name_poorly_identified_parameters(outbreak):
    fit = TRUTH.fit(outbreak["frame"], POP, estimate=("beta",))
    text = str(fit.summary())
    assert "not transmission (beta) and carrier infectiousness" in text
    assert "Identifiability (collinearity index)" in text
    assert "R0 at the estimate" in text


def test_nuts_and_svi_agree_with_mle(outbreak):
    model = IncidenceModel(outbreak["frame"]["cases"], POP, TRUTH, estimate=("beta",))
    start = mle(model)
    with warnings.catch_warnings():
        # Reason: short chains; R-hat and effective sample size are rightly
        # reported as marginal.
        warnings.simplefilter("ignore", ConvergenceWarning)
        post = nuts(
            model,
            num_warmup=100,
            num_samples=100,
            num_chains=2,
            seed=2,
            init=start,
            max_tree_depth=6,
        )
        approx = svi(
            model,
            guide="fullrank",
            num_steps=800,
            num_samples=1000,
            seed=3,
            init=start,
        )
    for fit in (post, approx):
        assert type(fit) is type(start)
        for name in ("beta", "rho"):
            m, s = start.params.loc[name, ["estimate", "std_error"]]
            assert abs(fit.params.loc[name, "estimate"] - m) < 3 * s
            assert fit.params.loc[name, "std_error"] == pytest.approx(s, rel=0.5)
    assert any("not transmission (beta)" in c for c in post.caveats)


def test_negative_binomial_and_survey_likelihood(outbreak):
    # The model's log-likelihood at given values equals SciPy's negative
    # binomial and binomial laws on an adaptive solve.
    model = IncidenceModel(
        outbreak["frame"]["cases"],
        POP,
        TRUTH,
        estimate=("beta",),
        likelihood="negbin",
        surveys=outbreak["surveys"],
    )
    assert model.sites == ("beta", "rho", "seed", "dispersion")
    values = {"beta": 0.21, "rho": 0.45, "seed": 2e-3, "dispersion": 15.0}
    space = ParameterSpace.of(model)
    got = space.pointwise_log_likelihood(values, model.data())
    m = TRUTH.replace(beta=0.21)
    y0 = {"S": POP * (1 - 2e-3), "C": POP * 2e-3}
    traj = m.simulate(y0, 7.0 * np.arange(WEEKS + 1))
    mu = 0.45 * traj.weekly_cases
    k = 15.0
    nb = scipy.stats.nbinom(k, k / (k + mu)).logpmf(outbreak["frame"]["cases"])
    np.testing.assert_allclose(np.asarray(got["cases"]), nb, rtol=1e-6)
    sv = outbreak["surveys"]
    tr = m.simulate(y0, np.concatenate([[0.0], sv["day"]])).frame().iloc[1:]
    prev = (tr["C"] / tr["N"]).to_numpy()
    binom = scipy.stats.binom(sv["tested"], prev).logpmf(sv["carriers"])
    np.testing.assert_allclose(np.asarray(got["carriers"]), binom, rtol=1e-6)


def test_save_and_load(outbreak, tmp_path):
    fit = TRUTH.fit(outbreak["frame"], POP, estimate=("beta",))
    fit.save(tmp_path / "fit.nc")
    back = load(tmp_path / "fit.nc")
    assert str(back.summary()) == str(fit.summary())
    assert back.log_likelihood == pytest.approx(fit.log_likelihood, rel=1e-12)


@pytest.mark.parametrize(
    "cases, match",
    [
        ([1, 2, -3], "non-negative integers; got -3.0 at position 2"),
        ([1, 2.5, 3], "non-negative integers; got 2.5"),
        ([1, np.nan, 3], "missing values at positions \\[1\\]"),
    ],
)
def test_bad_counts(cases, match):
    with pytest.raises(ValueError, match=match):
        IncidenceModel(cases, POP, TRUTH)


def test_gaps_in_weeks():
    frame = pd.DataFrame({"week": [1, 2, 4, 5], "cases": [1, 2, 3, 4]})
    with pytest.raises(ValueError, match="week 2 is followed by 4"):
        counts_from_frame(frame)


def test_bad_settings():
    with pytest.raises(ValueError, match="cannot estimate"):
        IncidenceModel([1, 2], POP, TRUTH, estimate=("zeta",))
    with pytest.raises(ValueError, match="likelihood='normal'"):
        IncidenceModel([1, 2], POP, TRUTH, likelihood="normal")
    with pytest.raises(ValueError, match="population=-1"):
        IncidenceModel([1, 2], -1, TRUTH)


def test_solver_error_flags_fast_rates():
    # Rates of 3 per day: one step a day is visibly off the adaptive solve
    # (in Poisson standard deviations), four steps a day are not.
    fast = default_model(beta=3.0, kappa=3.0, gamma_1=0.5, gamma_c=2.5, sigma=0.5)
    season = simulate_outbreak(fast, POP, 10, rng=1)
    values = {"beta": fast.beta, "rho": 0.5, "seed": 1e-3}
    errors = [
        IncidenceModel(
            season["frame"]["cases"], POP, fast, estimate=("beta",), steps_per_day=k
        ).solver_error(values)
        for k in (1, 4)
    ]
    assert errors[0] > SOLVER_ERROR_LIMIT > 1e3 * errors[1]
    with pytest.raises(ValueError, match="steps_per_day=0"):
        IncidenceModel([1, 2], POP, TRUTH, steps_per_day=0)
