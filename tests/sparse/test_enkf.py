"""Stochastic EnKF on the Kuramoto-Sivashinsky system."""

import numpy as np
import pytest
from statmodels.inference.warnings import StatmodelsWarning

from statmodels.sparse import KuramotoSivashinsky, enkf, gaspari_cohn

LENGTH, N, SD = 22.0, 32, 0.1


@pytest.fixture(scope="module")
def case():
    truth = KuramotoSivashinsky(LENGTH, N, 0.002)
    u0 = KuramotoSivashinsky(LENGTH, N, 0.25).attractor_state(0, 100.0)
    traj = truth.simulate(u0, 300, save_every=5)
    obs = traj + SD * np.random.default_rng(1).normal(size=traj.shape)
    return traj, obs


@pytest.mark.parametrize(
    "options",
    [{"n_members": 50}, {"n_members": 20, "localization": 3.0, "inflation": 1.02}],
)
def test_analysis_error_below_observation_noise(case, options):
    traj, obs = case
    model = KuramotoSivashinsky(LENGTH, N, 0.01)
    res = enkf(model, obs, SD, seed=0, **options)
    rmse = np.sqrt(np.mean((res.analysis[50:] - traj[50:]) ** 2))
    raw = np.sqrt(np.mean((obs[50:] - traj[50:]) ** 2))
    assert raw == pytest.approx(SD, rel=0.05)
    assert rmse < 0.3 * SD


def test_partial_observations(case):
    traj, obs = case
    idx = np.arange(0, N, 2)
    model = KuramotoSivashinsky(LENGTH, N, 0.01)
    res = enkf(model, obs[:, idx], SD, obs_index=idx, n_members=50, seed=0)
    # The unobserved points are estimated better than the noise level too.
    hidden = np.arange(1, N, 2)
    err = np.sqrt(np.mean((res.analysis[100:, hidden] - traj[100:, hidden]) ** 2))
    assert err < SD


def test_gaspari_cohn_closed_form():
    r = np.array([0.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(gaspari_cohn(r, 1.0), [1.0, 5 / 24, 0.0, 0.0])
    eps = 1e-7
    left, right = gaspari_cohn(np.array([1 - eps, 1 + eps]), 1.0)
    assert abs(left - right) < 1e-6


def test_small_ensemble_without_localisation_warns(case):
    _, obs = case
    model = KuramotoSivashinsky(LENGTH, N, 0.01)
    with pytest.warns(StatmodelsWarning, match="sample covariance is singular"):
        enkf(model, obs[:5], SD, n_members=10)
    with pytest.raises(ValueError, match=r"shape \(n_times, 32\)"):
        enkf(model, obs[:, :5], SD)
    with pytest.raises(ValueError, match="inflation"):
        enkf(model, obs, SD, inflation=0.5)
