"""Fits to simulated weekly counts: recovery, calibration, identifiability."""

import warnings

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
from statmodels.epidemics.fitting import _log_mean_fn, counts_from_frame, r0_of

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


def test_calibration_of_r0_intervals():
    # Ten simulated seasons, each fitted by maximum likelihood (beta, the
    # reporting fraction and the seed free; other rates known): the 90% Wald
    # intervals for R0 should cover the truth about 9 times in 10. Under
    # Binomial(10, 0.9), 7 or more covers has probability 0.93.
    covered = 0
    for rep in range(10):
        data = simulate_outbreak(TRUTH, POP, WEEKS, rng=100 + rep)
        fit = TRUTH.fit(data["frame"], POP, estimate=("beta",))
        _, (lo, hi) = wald(fit)
        covered += lo < TRUTH.r0() < hi
        assert fit.info["converged"]
    assert covered >= 7


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
