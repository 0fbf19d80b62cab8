"""The APGW family against its special cases and its own identities."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.stats

import statmodels as sm
from statmodels.survival.families import (
    APGW,
    LogNormal,
    expm1_over,
    log1p_over,
    log_expm1_over,
    log_h0,
)

T = np.array([0.01, 0.3, 1.0, 2.5, 10.0, 80.0])


def _eta(phi=1.3, lam=0.7, gamma=1.4, kappa=0.5):
    return {
        "log_phi": np.log(phi),
        "log_lambda": np.log(lam),
        "log_gamma": np.log(gamma),
        "log_a": np.log1p(kappa),
    }


def test_stable_helpers_against_direct_formulas():
    x = np.array([-30.0, -1.0, -1e-3, 1e-3, 0.5, 40.0])
    np.testing.assert_allclose(expm1_over(x), np.expm1(x) / x, rtol=1e-13)
    np.testing.assert_allclose(log_expm1_over(x), np.log(np.expm1(x) / x), rtol=1e-12)
    y = np.array([-0.9, -1e-3, 1e-3, 3.0])
    np.testing.assert_allclose(log1p_over(y), np.log1p(y) / y, rtol=1e-13)
    # Near zero the series must join the exact value smoothly.
    tiny = np.array([-2e-4, -5e-5, 5e-5, 2e-4])
    np.testing.assert_allclose(expm1_over(tiny), np.expm1(tiny) / tiny, rtol=1e-14)
    np.testing.assert_allclose(log1p_over(tiny), np.log1p(tiny) / tiny, rtol=1e-14)
    np.testing.assert_allclose(
        log_expm1_over(tiny), np.log(np.expm1(tiny) / tiny), rtol=1e-10
    )


def test_weibull_case_kappa_one():
    """kappa = 1, phi = 1: H = lambda t^gamma, the PH Weibull."""
    fam, lam, gamma = APGW(), 0.7, 1.4
    eta = _eta(phi=1.0, lam=lam, gamma=gamma, kappa=1.0)
    np.testing.assert_allclose(
        np.exp(fam.log_cumhaz(T, **eta)), lam * T**gamma, rtol=1e-12
    )
    np.testing.assert_allclose(
        np.exp(fam.log_hazard(T, **eta)), lam * gamma * T ** (gamma - 1), rtol=1e-12
    )


def test_loglogistic_case_kappa_zero():
    """kappa = 0, lambda = 1: S = 1 / (1 + (phi t)^gamma)."""
    fam, phi, gamma = APGW(), 1.3, 1.4
    eta = _eta(phi=phi, lam=1.0, gamma=gamma, kappa=0.0)
    surv = np.exp(-np.exp(fam.log_cumhaz(T, **eta)))
    ref = scipy.stats.fisk(c=gamma, scale=1 / phi)
    np.testing.assert_allclose(surv, ref.sf(T), rtol=1e-12)
    np.testing.assert_allclose(
        np.exp(fam.log_hazard(T, **eta)), ref.pdf(T) / ref.sf(T), rtol=1e-12
    )


def test_log_h0_continuous_across_kappa_zero():
    log_z = np.log(np.array([1e-6, 0.1, 1.0, 30.0, 1e5]))
    values = [log_h0(log_z, np.log1p(k)) for k in (-1e-9, 0.0, 1e-9)]
    np.testing.assert_allclose(values[0], values[1], rtol=0, atol=1e-8)
    np.testing.assert_allclose(values[2], values[1], rtol=0, atol=1e-8)
    # And the limit itself is log(a log1p(z / a)) with a = 1.
    np.testing.assert_allclose(values[1], np.log(np.log1p(np.exp(log_z))), rtol=1e-13)
    # The gradient in kappa is finite there too.
    grad = jax.grad(lambda la: jnp.sum(log_h0(log_z, la)))(0.0)
    assert np.isfinite(grad)


def test_large_kappa_approaches_gompertz():
    """kappa -> inf with gamma = 1 gives H = lambda (exp(phi t) - 1)."""
    t = np.array([0.1, 0.5, 1.0, 2.0])
    eta = _eta(phi=0.8, lam=0.3, gamma=1.0, kappa=1e7)
    apgw = np.exp(APGW().log_cumhaz(t, **eta))
    gompertz = np.exp(APGW(gompertz=True).log_cumhaz(t, **eta))
    np.testing.assert_allclose(gompertz, 0.3 * np.expm1(0.8 * t), rtol=1e-13)
    np.testing.assert_allclose(apgw, gompertz, rtol=1e-5)


@pytest.mark.parametrize("kappa", [-0.6, -1e-10, 0.0, 0.4, 1.0, 7.0])
def test_hazard_is_derivative_of_cumulative_hazard(kappa):
    fam, eta = APGW(), _eta(kappa=kappa)

    def cum(t):
        return jnp.exp(fam.log_cumhaz(t, **eta))

    deriv = jax.vmap(jax.grad(cum))(jnp.asarray(T))
    np.testing.assert_allclose(np.exp(fam.log_hazard(T, **eta)), deriv, rtol=1e-10)


@pytest.mark.parametrize("kappa", [-0.6, 0.0, 0.4, 3.0])
def test_quantile_inverts_survival(kappa):
    fam, eta = APGW(), _eta(kappa=kappa)
    p = np.array([0.05, 0.3, 0.5, 0.6])
    t = np.asarray(fam.quantile(p, **eta))
    finite = np.isfinite(t)
    cdf = -np.expm1(-np.exp(fam.log_cumhaz(t[finite], **eta)))
    np.testing.assert_allclose(cdf, p[finite], rtol=1e-10)
    cure = float(fam.cure_fraction(**eta))
    # Quantiles beyond 1 - cure are infinite, not NaN.
    np.testing.assert_array_equal(~finite, p >= 1 - cure)


def test_cure_fraction_is_survival_at_infinity():
    eta = _eta(kappa=-0.4)
    fam = APGW()
    far = np.exp(-np.exp(fam.log_cumhaz(np.array([1e12]), **eta)))[0]
    expected = np.exp(0.7 * 0.6 / -0.4)
    assert float(fam.cure_fraction(**eta)) == pytest.approx(expected, rel=1e-12)
    assert far == pytest.approx(expected, rel=1e-6)


def test_lognormal_against_scipy():
    eta = _eta(phi=0.5, gamma=2.0)
    ref = scipy.stats.lognorm(s=1 / 2.0, scale=1 / 0.5)
    fam = LogNormal()
    np.testing.assert_allclose(
        np.exp(-np.exp(fam.log_cumhaz(T, **eta))), ref.sf(T), rtol=1e-10
    )
    np.testing.assert_allclose(
        np.exp(fam.log_hazard(T, **eta)), ref.pdf(T) / ref.sf(T), rtol=1e-9
    )
    np.testing.assert_allclose(fam.quantile(0.3, **eta), ref.ppf(0.3), rtol=1e-12)


def test_fixed_apgw_equals_named_special_cases():
    veteran = sm.datasets.load("veteran")
    formula = "Surv(time, status) ~ karno"
    weibull = sm.survreg(formula, veteran, dist="weibull", preset="ph")
    apgw = sm.survreg(formula, veteran, dist="apgw", preset="ph", fixed={"kappa": 1})
    assert apgw.log_likelihood == pytest.approx(weibull.log_likelihood, abs=1e-8)
    loglogistic = sm.survreg(formula, veteran, dist="loglogistic")
    apgw0 = sm.survreg(formula, veteran, dist="apgw", preset="aft", fixed={"kappa": 0})
    assert apgw0.log_likelihood == pytest.approx(loglogistic.log_likelihood, abs=1e-8)


@pytest.mark.parametrize(
    "family, kappa",
    [
        (APGW(), -0.6),
        (APGW(), 2.5),
        (APGW(kappa=1.0), 1.0),
        (APGW(kappa=0.0), 0.0),
        (APGW(gompertz=True), 1.0),
        (LogNormal(), 1.0),
    ],
)
def test_likelihood_forms_equal_log_domain_forms(family, kappa):
    """The fast forms the likelihood uses equal the log-domain forms."""
    eta = _eta(kappa=kappa)
    cum, log_h = family.terms(np.log(T), **eta)
    np.testing.assert_allclose(cum, np.exp(family.log_cumhaz(T, **eta)), rtol=1e-12)
    np.testing.assert_allclose(log_h, family.log_hazard(T, **eta), rtol=1e-12)
    np.testing.assert_allclose(family.cumhaz(np.log(T), **eta), cum, rtol=1e-14)
