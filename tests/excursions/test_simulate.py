"""Exact references: simulation, tail-rate estimator, generalised Rice formula."""

import math

import numpy as np
import pytest

from statmodels.excursions import (
    Diffusion,
    RandomAcceleration,
    Sinc,
    SlepianIIA,
    circulant_eigenvalues,
    crossing_intervals,
    exponent_table,
    rice_density,
    simulate_excursions,
    tail_rate_estimate,
)


@pytest.fixture(scope="module")
def sim_d2():
    # dt = 0.05 / sqrt(lambda_2): fine enough for the density of short intervals.
    return simulate_excursions(Diffusion(2), 400_000, seed=12345)


def test_crossing_intervals_of_a_sine_are_pi():
    dt = 0.01
    t = dt * np.arange(20_000) + 0.123
    lengths = crossing_intervals(np.sin(t), dt)
    assert lengths.size == 62
    np.testing.assert_allclose(lengths, math.pi, atol=1e-9)


def test_circulant_embedding_is_practically_exact_for_diffusion():
    cov = Diffusion(2)
    lam = circulant_eigenvalues(cov, 0.1, 2**14)
    assert lam.min() / lam.max() > -1e-12
    # The eigenvalues sum to 2m r(0) (trace of the circulant).
    assert lam.sum() == pytest.approx(2 * 2**14, rel=1e-12)


def test_tail_rate_estimator_and_its_standard_error():
    rng = np.random.default_rng(7)
    rate = 0.3
    est = tail_rate_estimate(5.0 + rng.exponential(1 / rate, 20_000), 5.0)
    assert est.se == pytest.approx(est.rate / math.sqrt(20_000))
    assert abs(est.rate - rate) < 3 * est.se
    # Coverage of +/- 2 SE over replicates is close to 95 %.
    hits = 0
    for _ in range(400):
        e = tail_rate_estimate(rng.exponential(1 / rate, 2000), 0.0)
        hits += abs(e.rate - rate) < 2 * e.se
    assert 0.92 < hits / 400 < 0.98
    with pytest.raises(ValueError, match="only 0 lengths exceed"):
        tail_rate_estimate([1.0, 2.0], 10.0)


def test_simulated_mean_is_rice_mean(sim_d2):
    x = sim_d2.lengths
    assert sim_d2.n >= 400_000
    # Batch means: successive intervals are correlated.
    batches = np.array([b.mean() for b in np.array_split(x, 40)])
    se = batches.std(ddof=1) / math.sqrt(batches.size)
    assert abs(x.mean() - 2 * math.pi) < 4 * se


def test_d2_simulated_exponent_is_consistent_with_three_sixteenths(sim_d2):
    est = sim_d2.exponent()
    assert abs(est.rate - 3 / 16) < 3 * est.se
    assert est.se < 0.002


def test_random_acceleration_exponent_is_one_quarter_not_iia():
    cov = RandomAcceleration()
    ex = simulate_excursions(cov, 300_000, dt=0.1 * cov.time_scale, seed=777)
    est = ex.exponent()
    iia = SlepianIIA(cov).persistence_exponent()
    assert abs(est.rate - 0.25) < 3 * est.se
    assert abs(est.rate - iia) > 3 * est.se
    assert iia == pytest.approx(0.26467, abs=1e-5)


def test_rice_density_matches_simulation_for_d2(sim_d2):
    t = np.array([1.0, 3.0, 6.0, 12.0])
    rice = rice_density(Diffusion(2), t, n_samples=60_000, seed=99)
    w = 0.4
    x = sim_d2.lengths
    counts = np.array([np.sum(np.abs(x - tk) < w / 2) for tk in t])
    hist = counts / (x.size * w)
    hist_se = np.sqrt(counts) / (x.size * w)
    tol = 4 * np.sqrt(rice.se**2 + hist_se**2) + np.abs(rice.grid_error)
    assert np.all(np.abs(rice.pdf - hist) < tol), (rice.pdf, hist, tol)
    assert np.all(rice.se < 0.03 * rice.pdf)


def test_simulation_is_seeded_and_checks_input():
    a = simulate_excursions(Diffusion(2), 1000, path_length=2**12, seed=3)
    b = simulate_excursions(Diffusion(2), 1000, path_length=2**12, seed=3)
    np.testing.assert_array_equal(a.lengths, b.lengths)
    with pytest.raises(ValueError, match="not non-negative definite"):
        simulate_excursions(Sinc(), 100, seed=0)
    with pytest.raises(ValueError, match="n_excursions must be"):
        simulate_excursions(Diffusion(2), 0)
    with pytest.raises(ValueError, match="dt must be positive"):
        simulate_excursions(Diffusion(2), 10, dt=0.0)
    with pytest.raises(ValueError, match="must be positive"):
        rice_density(Diffusion(2), [0.0, 1.0])


def test_exponent_table_columns_and_values():
    table = exponent_table([Diffusion(2), RandomAcceleration()])
    assert list(table["theta_exact"]) == [3 / 16, 0.25]
    assert np.allclose(table["theta_classical"], table["theta_slepian"], atol=1e-10)
    assert table["theta_slepian"].iloc[0] == pytest.approx(0.186211, abs=1e-6)
    assert np.all(np.isnan(table["theta_sim"]))
