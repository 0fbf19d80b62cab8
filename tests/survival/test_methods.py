"""Same model, same log-density, three methods."""

import warnings

import jax
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from numpyro.infer.util import log_density
from statmodels.inference import ParameterSpace

import statmodels as sm

FORMULA = "Surv(time, status) ~ karno + celltype"


@pytest.fixture(scope="module")
def veteran():
    return sm.datasets.load("veteran")


N_SIM = 1500


@pytest.fixture(scope="module")
def simulated():
    """Weibull AFT data, large enough that the posterior is nearly normal."""
    rng = np.random.default_rng(20261203)
    x = rng.normal(size=N_SIM)
    g = rng.choice(["a", "b", "c"], size=N_SIM)
    log_phi = -2.0 + 0.5 * x + np.select([g == "b", g == "c"], [0.4, -0.3], 0.0)
    gamma = 1.3
    t = np.exp(-log_phi) * rng.weibull(gamma, size=N_SIM)
    c = rng.exponential(2 * np.exp(2.0), size=N_SIM)
    return pd.DataFrame(
        {"time": np.minimum(t, c), "status": (t <= c).astype(int), "x": x, "g": g}
    )


@pytest.fixture(scope="module")
def fits(simulated):
    formula = "Surv(time, status) ~ x + g"
    mle = sm.survreg(formula, simulated, dist="weibull")
    nuts = sm.survreg(
        formula,
        simulated,
        dist="weibull",
        method="nuts",
        num_warmup=500,
        num_samples=500,
        num_chains=2,
        seed=1,
    )
    svi = sm.survreg(
        formula, simulated, dist="weibull", method="svi", num_steps=4000, seed=2
    )
    return {"mle": mle, "nuts": nuts, "svi": svi}


def test_bayesian_log_density_equals_mle_log_likelihood(veteran):
    """log joint (numpyro) - log prior (scipy) = log-likelihood (MLE code)."""
    model = sm.survreg(FORMULA, veteran, dist="weibull").model
    fn, data = model.numpyro_model(), model.data()
    space = ParameterSpace.from_model(fn, data)
    rng = np.random.default_rng(0)
    centres = model._prior_centres()
    for _ in range(3):
        params = {
            "phi": np.array([-3.5, -0.03, 0.7, 1.1, 0.3]) + rng.normal(0, 0.05, 5),
            "gamma": np.array([0.06]) + rng.normal(0, 0.05, 1),
        }
        joint, _ = log_density(fn, (data,), {}, params)
        prior = sum(
            scipy.stats.norm(centres[k], model.prior_scale).logpdf(v).sum()
            for k, v in params.items()
        )
        loglik = float(space.log_likelihood(params, data))
        assert float(joint) - prior == pytest.approx(loglik, abs=1e-9)
        # ... and both equal the Weibull log-likelihood written out by hand.
        X = np.asarray(data["X"]["phi"])
        t, d = veteran["time"].to_numpy(), veteran["status"].to_numpy()
        gamma, log_phi = np.exp(params["gamma"][0]), X @ params["phi"]
        z = np.exp(gamma * (log_phi + np.log(t)))
        by_hand = np.sum(
            d * (np.log(gamma) + log_phi + (gamma - 1) * (log_phi + np.log(t))) - z
        )
        assert loglik == pytest.approx(by_hand, abs=1e-9)


def test_nuts_and_svi_agree_with_mle(fits):
    mle = fits["mle"].params
    for method in ("nuts", "svi"):
        post = fits[method].params
        gap = np.abs(post["estimate"] - mle["estimate"]) / mle["std_error"]
        # Monte Carlo error of a mean with ESS ~ 400 is ~0.05 sd; the finite-n
        # gap between posterior mean and MLE is O(p / n) here.
        assert gap.max() < 0.2, (method, gap)
        ratio = post["std_error"] / mle["std_error"]
        assert ratio.between(0.8, 1.25).all(), (method, ratio)


def test_nuts_diagnostics_and_loo(fits):
    fit = fits["nuts"]
    assert fit.info["divergences"] == 0
    assert (fit.params["r_hat"] < 1.02).all()
    assert {"posterior", "log_likelihood", "observed_data", "sample_stats"} <= set(
        fit.idata.children
    )
    assert fit.idata["log_likelihood"]["survival"].shape == (2, 500, N_SIM)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Estimated shape parameter")
        loo = fit.loo()
    # elpd_loo is a little below the log-likelihood at the posterior mean.
    assert fit.log_likelihood - 10 < loo.elpd < fit.log_likelihood
    text = str(fit.summary())
    assert "R-hat" in text and "ESS bulk" in text and "2 chains x 500 draws" in text


def test_svi_has_elbo_trace(fits):
    fit = fits["svi"]
    assert fit.elbo.shape == (4000,)
    assert np.mean(fit.elbo[-400:]) > np.mean(fit.elbo[:400])
    assert "ELBO" in str(fit.summary())


def test_mle_has_no_loo(fits):
    with pytest.raises(ValueError, match="loo\\(\\) needs posterior draws"):
        fits["mle"].loo()


@pytest.mark.parametrize("method", ["mle", "nuts", "svi"])
def test_save_and_load_round_trip(fits, method, tmp_path, simulated):
    fit = fits[method]
    path = tmp_path / f"{method}.nc"
    fit.save(path)
    back = sm.load(path)
    assert str(back.summary()) == str(fit.summary())
    pd.testing.assert_frame_equal(back.params, fit.params)
    for name, draws in fit.draws.items():
        np.testing.assert_array_equal(back.draws[name], draws)
    newdata = simulated.iloc[[0, 40, 90]]
    pd.testing.assert_frame_equal(
        back.predict(newdata, type="survival", times=[50, 200]),
        fit.predict(newdata, type="survival", times=[50, 200]),
    )
    if method == "mle":
        np.testing.assert_array_equal(back.cov_unconstrained, fit.cov_unconstrained)
    assert back.log_likelihood == fit.log_likelihood


def test_posterior_predictions_have_intervals(fits, simulated):
    newdata = simulated.iloc[[0, 40]]
    for method in ("mle", "nuts"):
        pred = fits[method].predict(newdata, type="median")
        assert (pred["lower"] < pred["estimate"]).all()
        assert (pred["estimate"] < pred["upper"]).all()
    a = fits["mle"].predict(newdata, type="median")["estimate"].to_numpy()
    b = fits["nuts"].predict(newdata, type="median")["estimate"].to_numpy()
    np.testing.assert_allclose(a, b, rtol=0.02)


def test_parallel_chains_use_devices():
    assert jax.local_device_count() >= 2


@pytest.mark.parametrize(
    "formula, data_name, dist, preset, formulas",
    [
        (FORMULA, "veteran", "apgw", "ph-gamma", None),
        (FORMULA, "veteran", "weibull", "aft", None),
        # Three different designs, one without an intercept.
        (FORMULA, "veteran", "apgw", "aft", {"gamma": "~ trt", "kappa": "~ 0 + prior"}),
        (
            'Surv(lower, upper, type="interval2") ~ x',
            "interval",
            "burr",
            "general",
            None,
        ),
        ("Surv(entry, time, status) ~ x", "truncation", "lognormal", "aft-gamma", None),
    ],
)
def test_structured_derivatives_equal_autodiff(
    formula, data_name, dist, preset, formulas
):
    """Value, gradient and Hessian through the linear predictors equal the
    log-likelihood, jax.grad and jax.hessian of the numpyro model, whether
    the parameters share a design, have their own or only an intercept."""
    import pathlib

    ref = pathlib.Path(__file__).parent / "reference"
    data = {
        "veteran": lambda: sm.datasets.load("veteran"),
        "interval": lambda: pd.read_csv(ref / "interval_data.csv"),
        "truncation": lambda: pd.read_csv(ref / "truncation_data.csv"),
    }[data_name]()
    model = sm.survival.SurvivalModel(
        formula, data, dist=dist, preset=preset, formulas=formulas
    )
    space = ParameterSpace.of(model)
    rng = np.random.default_rng(7)
    start = {
        k: v + rng.normal(0, 0.05, v.shape) for k, v in model.init_values()[0].items()
    }
    u = space.unconstrain(start)

    def loglik(u):
        return space.log_likelihood(space.constrain(u), model.data())

    value, grad, hess = model.log_likelihood_derivatives()(
        space.constrain(u), model.data()
    )
    assert float(value) == pytest.approx(float(loglik(u)), rel=1e-12)
    auto_grad = np.asarray(jax.grad(loglik)(u))
    np.testing.assert_allclose(
        grad, auto_grad, rtol=1e-9, atol=1e-9 * np.abs(auto_grad).max()
    )
    auto = np.asarray(jax.hessian(loglik)(u))
    np.testing.assert_allclose(hess, auto, rtol=1e-9, atol=1e-9 * np.abs(auto).max())
