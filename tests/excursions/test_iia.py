"""Slepian and classical IIA: exponents, E0, densities, validity, sampling."""

import math
import warnings

import numpy as np
import pytest
from scipy import optimize, special, stats

from statmodels.excursions import (
    DampedCosine,
    Diffusion,
    GaussianCovariance,
    IIAValidityWarning,
    Matern,
    RandomAcceleration,
    Sinc,
    SlepianIIA,
    classical_iia_exponent,
    clipped_correlation,
    clipped_mean,
    log_clipped_mean,
    slepian_iia_exponent,
)

VALID = [
    Diffusion(1),
    Diffusion(2),
    Diffusion(3),
    Diffusion(0.5),
    Diffusion(6),
    RandomAcceleration(),
    GaussianCovariance(),
    Matern(2.5),
    Matern(1.5),
]


def test_classical_exponents_reproduce_majumdar_et_al():
    # Majumdar, Sire, Bray & Cornell, PRL 77, 2867 (1996): IIA values.
    published = {1: 0.1203, 2: 0.1862, 3: 0.2358}
    for d, value in published.items():
        assert round(classical_iia_exponent(Diffusion(d)), 4) == value


@pytest.mark.parametrize("cov", VALID, ids=lambda c: c.name)
def test_classical_and_slepian_equations_share_the_root(cov):
    # Different integrands (A(t) vs E0(t)); equal roots because E0 = -(mu/2) A'.
    assert abs(classical_iia_exponent(cov) - slepian_iia_exponent(cov)) < 1e-6
    assert 0 < slepian_iia_exponent(cov) < cov.tail_rate


def test_d2_exponent_matches_digamma_closed_form():
    # For d = 2, int_0^inf e^{theta t} sech(t/2) dt = psi((3-2th)/4) - psi((1-2th)/4).
    def g(th):
        return th * (special.psi((3 - 2 * th) / 4) - special.psi((1 - 2 * th) / 4)) - 1

    exact = optimize.brentq(g, 1e-3, 0.49, xtol=1e-15)
    assert slepian_iia_exponent(Diffusion(2)) == pytest.approx(exact, abs=1e-12)
    assert SlepianIIA(Diffusion(2)).persistence_exponent() == pytest.approx(
        0.18621, abs=1e-5
    )


def test_e0_is_sech_for_d2_exactly():
    t = np.concatenate([[0.0, 1e-9, 1e-6], np.linspace(0.001, 80, 2001)])
    np.testing.assert_allclose(
        clipped_mean(Diffusion(2), t), 1 / np.cosh(t / 2), rtol=1e-13, atol=1e-15
    )
    # Far tail, where -r' underflows unless computed in log space.
    far = np.array([1500.0, 3000.0])
    assert np.all(clipped_mean(Diffusion(2), far) == 0.0)  # underflows
    np.testing.assert_allclose(
        log_clipped_mean(Diffusion(2), far), np.log(2.0) - far / 2, rtol=1e-12
    )


@pytest.mark.parametrize("cov", VALID[:8], ids=lambda c: c.name)
def test_e0_equals_minus_half_mu_times_a_prime(cov):
    t = np.array([0.2, 1.0, 3.0, 8.0]) * cov.time_scale
    h = 1e-5 * cov.time_scale
    da = (clipped_correlation(cov, t + h) - clipped_correlation(cov, t - h)) / (2 * h)
    np.testing.assert_allclose(
        clipped_mean(cov, t), -0.5 * cov.mean_interval * da, rtol=1e-6, atol=1e-9
    )


def _mass_and_mean(iia, method):
    t, pdf, sf = iia.density_grid(method)
    theta = iia.persistence_exponent()
    mass = np.trapezoid(pdf, t) + pdf[-1] / theta
    mean = np.trapezoid(sf, t) + sf[-1] / theta
    return mass, mean


@pytest.mark.parametrize("method", ["renewal", "fft"])
def test_d2_density_integrates_to_one_with_mean_two_pi(method):
    mu = 2 * math.pi
    coarse = SlepianIIA(Diffusion(2), dt=mu / 200)
    fine = SlepianIIA(Diffusion(2), dt=mu / 400)
    m_c, mean_c = _mass_and_mean(coarse, method)
    m_f, mean_f = _mass_and_mean(fine, method)
    # Both discretisations are second order: the mass error must be O(h^2) and
    # shrink about 4-fold when h is halved.
    assert abs(m_f - 1) < 1e-4
    assert abs(m_f - 1) < 0.35 * abs(m_c - 1) or abs(m_f - 1) < 1e-12
    assert mean_f == pytest.approx(mu, rel=1e-6)
    assert fine.mean() == pytest.approx(mu, rel=1e-12)


def test_mean_equals_rice_mean_for_all_valid():
    for cov in VALID:
        assert SlepianIIA(cov).mean() == pytest.approx(cov.mean_interval, rel=1e-9)


@pytest.mark.parametrize(
    "cov", [Diffusion(2), RandomAcceleration(), Matern(2.5)], ids=lambda c: c.name
)
def test_renewal_and_fft_densities_agree(cov):
    iia = SlepianIIA(cov)
    t = np.linspace(0, 10 * cov.mean_interval, 301)
    # Independent discretisations with O(h^2) errors ~ 1e-6 at h = mu / 400.
    np.testing.assert_allclose(iia.pdf(t), iia.pdf(t, "fft"), rtol=0, atol=1e-5)
    np.testing.assert_allclose(iia.sf(t), iia.sf(t, "fft"), rtol=0, atol=2e-5)
    np.testing.assert_allclose(iia.cdf(t), 1 - iia.sf(t), rtol=0, atol=1e-15)


def test_d2_laplace_inversion_agrees_with_grids():
    iia_fine = SlepianIIA(Diffusion(2), dt=2 * math.pi / 1600)
    t = np.array([0.5, 1.0, 3.0, 6.0, 12.0, 25.0, 50.0])
    lap = iia_fine.pdf(t, "laplace")
    # Euler inversion error ~ exp(-18.4) ~ 1e-8; the fine FFT grid ~ 2e-7.
    np.testing.assert_allclose(lap, iia_fine.pdf(t, "fft"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        iia_fine.sf(t, "laplace"), iia_fine.sf(t, "fft"), rtol=0, atol=1e-6
    )
    # The quadrature transform of E0 reproduces the digamma closed form.
    s = np.array([-0.1, 0.3, 1.0, 4.0])
    np.testing.assert_allclose(
        iia_fine.laplace_e0(s), Diffusion(2).e0_laplace(s).real, rtol=1e-12
    )


@pytest.mark.parametrize("method", ["renewal", "fft"])
def test_d2_tail_slope_of_density_is_theta(method):
    iia = SlepianIIA(Diffusion(2))
    t, pdf, sf = iia.density_grid(method)
    sel = (t > 100) & (t < 150)
    slope_pdf = -np.polyfit(t[sel], np.log(pdf[sel]), 1)[0]
    slope_sf = -np.polyfit(t[sel], np.log(sf[sel]), 1)[0]
    theta = iia.persistence_exponent()
    assert slope_pdf == pytest.approx(theta, abs=1e-5)
    assert slope_sf == pytest.approx(theta, abs=1e-5)


def test_laplace_transform_of_t_matches_density():
    iia = SlepianIIA(RandomAcceleration())
    t, pdf, _ = iia.density_grid("fft")
    for s in [0.1, 0.5, 2.0]:
        direct = np.trapezoid(np.exp(-s * t) * pdf, t)
        assert iia.laplace_transform(s)[0] == pytest.approx(direct, abs=2e-5)


@pytest.mark.parametrize("cov", VALID, ids=lambda c: c.name)
def test_validity_accepts_monotone_covariances(cov):
    report = SlepianIIA(cov).validity()
    assert report.valid and report.geometric_sum, report.reason
    assert report.arcsin_convex


def test_validity_rejects_sinc_with_negative_mass():
    iia = SlepianIIA(Sinc())
    report = iia.validity()
    assert not report.valid and not report.geometric_sum
    assert "negative" in report.reason and "t = 4.5" in report.reason
    assert report.min_e0 < -0.2
    assert report.negative_mass < -0.1
    with pytest.warns(IIAValidityWarning, match="not a probability distribution"):
        pdf = iia.pdf(np.linspace(0, 40, 401))
    assert pdf.min() < -0.01
    # Both discretisations see the negative mass.
    assert iia.negative_mass("fft") < -0.1
    with pytest.raises(ValueError, match="geometric sum"):
        iia.sample(10, seed=0)
    with pytest.raises(ValueError, match="slower than exponentially"):
        iia.persistence_exponent()


def test_damped_cosine_breaks_the_geometric_sum():
    iia = SlepianIIA(DampedCosine(0.5, 1.0))
    report = iia.validity()
    assert not report.geometric_sum
    assert "negative from t = 3.14" in report.reason
    with pytest.raises(ValueError, match="no root below the tail decay rate"):
        iia.persistence_exponent()


@pytest.mark.parametrize(
    "cov", [Diffusion(2), RandomAcceleration(), Matern(2.5)], ids=lambda c: c.name
)
def test_geometric_sum_samples_match_distribution(cov):
    iia = SlepianIIA(cov)
    n = 40_000
    x = iia.sample(n, seed=20240101)
    assert x.shape == (n,) and np.all(x > 0)
    se = x.std() / math.sqrt(n)
    assert abs(x.mean() - cov.mean_interval) < 4 * se
    for q in [0.5, 1.0, 3.0, 6.0]:
        tq = q * cov.mean_interval
        p = float(iia.sf(tq))
        assert abs(np.mean(x > tq) - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert stats.kstest(x, iia.cdf).pvalue > 0.01


def test_sampling_is_reproducible_and_quantile_inverts_e0():
    iia = SlepianIIA(Diffusion(2))
    np.testing.assert_array_equal(iia.sample(100, seed=5), iia.sample(100, seed=5))
    u = np.random.default_rng(1).random(5000)
    np.testing.assert_allclose(iia.e0(iia.z_quantile(u)), u, rtol=0, atol=1e-8)


def test_bad_arguments():
    with pytest.raises(TypeError, match="Covariance object"):
        SlepianIIA(lambda t: t)
    with pytest.raises(ValueError, match="dt must be positive"):
        SlepianIIA(Diffusion(2), dt=-1)
    with pytest.raises(ValueError, match="'slepian' or 'classical'"):
        SlepianIIA(Diffusion(2)).persistence_exponent("exact")
    with pytest.raises(ValueError, match="closed-form"):
        SlepianIIA(Diffusion(3)).pdf(1.0, "laplace")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SlepianIIA(Diffusion(2)).pdf(1.0)  # valid: no warning
