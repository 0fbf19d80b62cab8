"""Covariance objects: derivatives, stable 1 - r, spectral moments, bad input."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from statmodels.excursions import (
    DampedCosine,
    Diffusion,
    GaussianCovariance,
    Matern,
    RandomAcceleration,
    Sinc,
    UserCovariance,
    parse_covariance,
)

jax.config.update("jax_enable_x64", True)

BUILTINS = [
    Diffusion(1),
    Diffusion(2),
    Diffusion(3),
    RandomAcceleration(),
    GaussianCovariance(),
    Matern(2.5),
    Matern(1.3, 2.0),
    Sinc(),
    DampedCosine(0.5, 1.0),
]


@pytest.mark.parametrize("cov", BUILTINS, ids=lambda c: c.name)
def test_derivatives_match_finite_differences(cov):
    # Central differences (error ~ h^2 r''' ~ 1e-10) against the closed forms.
    t = np.array([0.05, 0.3, 1.0, 2.5, 7.0, 20.0])
    h = 1e-5
    fd1 = (cov.r(t + h) - cov.r(t - h)) / (2 * h)
    fd2 = (cov.dr(t + h) - cov.dr(t - h)) / (2 * h)
    np.testing.assert_allclose(cov.dr(t), fd1, rtol=0, atol=1e-8)
    np.testing.assert_allclose(cov.d2r(t), fd2, rtol=0, atol=1e-7)
    # lambda_2 is -r''(0) and agrees with 2 (1 - r(h)) / h^2 to O(h^2).
    assert cov.d2r(np.array([0.0]))[0] == pytest.approx(-cov.lambda2, rel=1e-12)
    q = 2 * cov.one_minus_r(np.array([1e-4]))[0] / 1e-8
    # Matern 1.3 has a correction ~ (kappa h)^(2 nu - 2) = 1e-2.4 relative.
    assert q == pytest.approx(cov.lambda2, rel=5e-3)


@pytest.mark.parametrize("cov", BUILTINS, ids=lambda c: c.name)
def test_one_minus_r_is_stable_and_consistent(cov):
    # Where 1 - r is not small the direct difference is exact to ~1e-15.
    t = np.array([1.0, 3.0, 10.0])
    direct = 1.0 - cov.r(t)
    keep = direct > 0.1
    np.testing.assert_allclose(cov.one_minus_r(t)[keep], direct[keep], rtol=1e-12)
    # Near 0 it must follow lambda_2 t^2 / 2 (the naive 1 - r would be 0).
    tiny = np.array([1e-9])
    assert cov.one_minus_r(tiny)[0] == pytest.approx(cov.lambda2 * 1e-18 / 2, rel=1e-4)


def test_spectral_moments_and_tail_rates_closed_form():
    assert Diffusion(2).lambda2 == 0.25
    assert Diffusion(2).mean_interval == pytest.approx(2 * math.pi)
    assert Diffusion(3).tail_rate == 0.75
    assert RandomAcceleration().lambda2 == 0.75
    assert Matern(2.5, 2.0).lambda2 == pytest.approx(2.5 / (1.5 * 4.0))
    # Matern 2.5 has the closed form (1 + x + x^2/3) e^{-x}, x = sqrt(5) t / ell.
    m = Matern(2.5, 1.5)
    t = np.array([0.1, 1.0, 4.0])
    x = math.sqrt(5) * t / 1.5
    np.testing.assert_allclose(m.r(t), (1 + x + x**2 / 3) * np.exp(-x), rtol=1e-12)
    # log(-r') in the far tail, where -r' underflows, follows the tail rate.
    d = Diffusion(2)
    big = np.array([2000.0, 2001.0])
    assert np.diff(d.log_neg_dr(big))[0] == pytest.approx(-0.5, rel=1e-9)


def test_user_covariance_autodiff_matches_builtin():
    user = UserCovariance(lambda t: jnp.exp(-0.5 * t**2), name="gauss-user")
    ref = GaussianCovariance()
    t = np.linspace(0.0, 5.0, 11)
    np.testing.assert_allclose(user.r(t), ref.r(t), rtol=1e-14)
    np.testing.assert_allclose(user.dr(t), ref.dr(t), atol=1e-14)
    np.testing.assert_allclose(user.d2r(t), ref.d2r(t), atol=1e-14)
    assert user.lambda2 == pytest.approx(1.0, rel=1e-14)
    assert user.tail_rate == math.inf


def test_user_covariance_bad_inputs_get_clear_errors():
    with pytest.raises(ValueError, match=r"r\(0\) = 2.0.*equal 1"):
        UserCovariance(lambda t: 2.0 * jnp.exp(-(t**2)))
    with pytest.raises(ValueError, match="not decreasing near 0"):
        UserCovariance(lambda t: jnp.exp(-(t**2)) + 2.0 * t**2)
    with pytest.raises(ValueError, match="not twice differentiable"):
        UserCovariance(lambda t: jnp.exp(-jnp.abs(t)))
    with pytest.raises(ValueError, match="nu > 1"):
        Matern(1.0)
    with pytest.raises(ValueError, match="positive"):
        Diffusion(-1)
    with pytest.raises(TypeError, match="callable"):
        UserCovariance(3.0)


def test_parse_covariance_names():
    assert isinstance(parse_covariance("diffusion:2"), Diffusion)
    assert parse_covariance("diffusion:3").d == 3
    assert isinstance(parse_covariance("random-acceleration"), RandomAcceleration)
    assert parse_covariance("matern:2.5,2").ell == 2.0
    assert isinstance(parse_covariance("sinc"), Sinc)
    assert isinstance(parse_covariance("GAUSSIAN"), GaussianCovariance)
    with pytest.raises(ValueError, match="unknown covariance 'foo'"):
        parse_covariance("foo")
    with pytest.raises(ValueError, match="must be numbers"):
        parse_covariance("matern:x")
    with pytest.raises(ValueError, match="between 1 and 1"):
        parse_covariance("diffusion")
