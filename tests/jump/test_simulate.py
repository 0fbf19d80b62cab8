"""The Gillespie simulator against the master equation and exponential laws."""

import numpy as np
import pytest
import scipy.linalg
import scipy.stats

from statmodels.jump import Paths, dfr_rate_matrix, simulate


def hellinger(p, q):
    return np.sqrt(max(0.0, 1.0 - np.sum(np.sqrt(p * q))))


def test_state_distribution_follows_the_master_equation():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    p0 = np.eye(6)[0]
    grid = np.array([0.1, 0.3, 0.7, 1.5])
    n = 4000
    panel = simulate(Q, p0, n, times=grid, seed=7)
    states = panel.state.reshape(n, len(grid))
    right, wrong = [], []
    for k, t in enumerate(grid):
        emp = np.bincount(states[:, k], minlength=6) / n
        right.append(hellinger(emp, p0 @ scipy.linalg.expm(Q * t)))
        Qw = dfr_rate_matrix(3.0, 1.0, 1.0)
        wrong.append(hellinger(emp, p0 @ scipy.linalg.expm(Qw * t)))
    # Sampling alone gives a Hellinger distance of about sqrt(5 / (8 n)) = 0.0125.
    assert max(right) < 0.035
    assert max(wrong) > 0.07


def test_holding_times_are_exponential_with_the_exit_rates():
    Q = dfr_rate_matrix(2.0, 0.5, 1.5)
    paths = simulate(Q, None, 200, t_max=60.0, seed=3)
    for i in range(6):
        h = paths.holding_times(i)
        rate = -Q[i, i]
        assert (
            scipy.stats.kstest(h, scipy.stats.expon(scale=1 / rate).cdf).pvalue > 1e-3
        )
        # Exit-rate MLE with censored sojourns: within 4 standard errors.
        total = h.sum() + paths.holding_times(i, censored=True).sum()
        est = len(h) / total
        assert abs(est - rate) < 4 * rate / np.sqrt(len(h))


def test_jump_probabilities_match_the_rates():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    paths = simulate(Q, None, 300, t_max=20.0, seed=4)
    N, _ = paths.sufficient_statistics()
    for i in range(6):
        probs = np.where(np.arange(6) == i, 0.0, Q[i]) / -Q[i, i]
        keep = probs > 0
        assert N[i, ~keep].sum() == 0
        chi = scipy.stats.chisquare(N[i, keep], N[i, keep].sum() * probs[keep])
        assert chi.pvalue > 1e-3


def test_noise_mislabels_at_the_given_rate():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    panel = simulate(Q, None, 500, times=np.arange(20) * 0.5, noise=0.2, seed=5)
    wrong = panel.state != panel.true_state
    n = wrong.size
    assert abs(wrong.mean() - 0.2) < 4 * np.sqrt(0.2 * 0.8 / n)
    # Mislabels are uniform over the five other states.
    shift = (panel.state[wrong] - panel.true_state[wrong]) % 6
    assert scipy.stats.chisquare(np.bincount(shift, minlength=6)[1:]).pvalue > 1e-3


def test_irregular_grids_are_read_off_the_exact_paths():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    rng = np.random.default_rng(0)
    grid = np.sort(rng.uniform(0, 5, size=(50, 8)), axis=1)
    panel = simulate(Q, None, 50, times=grid, seed=9)
    np.testing.assert_array_equal(
        panel.state.reshape(50, 8), panel.paths.state_at(grid)
    )
    np.testing.assert_array_equal(panel.time.reshape(50, 8), grid)


def test_paths_round_trip_through_a_frame():
    paths = simulate(dfr_rate_matrix(1.0, 1.0, 1.0), None, 30, t_max=3.0, seed=1)
    back = Paths.from_frame(paths.to_frame(), 6)
    for a, b in zip(
        paths.sufficient_statistics(), back.sufficient_statistics(), strict=True
    ):
        np.testing.assert_allclose(a, b)


def test_bad_simulation_input():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="p0 must be a probability vector"):
        simulate(Q, np.ones(6), 3, t_max=1.0)
    with pytest.raises(ValueError, match="strictly increasing"):
        simulate(Q, None, 2, times=[0.0, 2.0, 1.0])
    with pytest.raises(ValueError, match="row 0 of the rate matrix sums"):
        simulate(np.ones((2, 2)), None, 2, t_max=1.0)
    with pytest.raises(ValueError, match="max_jumps=2"):
        simulate(Q, None, 5, t_max=10.0, max_jumps=2)


def test_an_absorbing_state_holds_to_the_end():
    # Illness-death: state 2 absorbs, and its exit rate is a signed zero.
    base = np.array([[0, 0.3, 0.05], [0.4, 0, 0.15], [0, 0, 0]])
    Q = base - np.diag(base.sum(axis=1))
    assert np.signbit(-Q[2, 2])
    grid = np.array([0.5, 2.0, 6.0])
    panel = simulate(Q, [0.7, 0.3, 0.0], 3000, times=grid, seed=9)
    assert np.all(np.isfinite(panel.paths.times[:, 0]))
    states = panel.state.reshape(3000, 3)
    # Once dead, dead at every later visit; the share dead follows expm(Q t).
    assert not np.any((states[:, :-1] == 2) & (states[:, 1:] != 2))
    dead = (states == 2).mean(axis=0)
    exact = np.array([0.7, 0.3, 0.0]) @ scipy.linalg.expm(Q * grid[:, None, None])
    np.testing.assert_allclose(dead, exact[:, 2], atol=4 * np.sqrt(0.25 / 3000))
