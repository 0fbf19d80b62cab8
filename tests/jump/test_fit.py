"""Rate estimation from complete paths and panel data."""

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.stats

from statmodels.jump import (
    PanelData,
    PanelModel,
    dfr_pattern,
    dfr_rate_matrix,
    em_panel,
    fit_complete,
    fit_panel,
    gamma_posterior,
    rate_matrix,
    simulate,
)

REFERENCE = Path(__file__).parent / "reference" / "msm_reference.json"
DFR = dfr_rate_matrix(1.0, 1.0, 1.0)
PATTERN = dfr_pattern()


def rmse(Q_hat, Q):
    return float(np.sqrt(np.mean((Q_hat - Q)[PATTERN] ** 2)))


@pytest.fixture(scope="module")
def dfr_paths():
    return simulate(DFR, None, 1000, t_max=2.5, seed=21)


def test_complete_mle_is_the_closed_form_and_recovers_dfr(dfr_paths):
    fit = fit_complete(dfr_paths, PATTERN)
    N, R = dfr_paths.sufficient_statistics()
    closed = np.where(PATTERN, N / R[:, None], 0.0)
    est = fit.rate_matrix
    np.testing.assert_allclose(est[PATTERN], closed[PATTERN], rtol=1e-9)
    se = np.sqrt(N) / R[:, None]
    np.testing.assert_allclose(fit.rate_matrix_se[PATTERN], se[PATTERN], rtol=1e-6)
    assert rmse(est, DFR) < 0.1
    # Log-likelihood at the MLE, written out.
    q = closed[PATTERN]
    ll = np.sum(N[PATTERN] * np.log(q)) - np.sum((R[:, None] * closed)[PATTERN])
    assert fit.log_likelihood == pytest.approx(ll, rel=1e-10)


def test_nuts_reproduces_the_conjugate_gamma_posterior():
    Q = rate_matrix(np.array([[0, 0.8, 0.2], [0.5, 0, 0.5], [1.0, 0.3, 0]]))
    paths = simulate(Q, None, 20, t_max=5.0, seed=2)
    prior = (2.0, 1.0)
    post = gamma_posterior(paths, prior=prior)
    fit = fit_complete(
        paths,
        method="nuts",
        prior=prior,
        num_warmup=300,
        num_samples=500,
        num_chains=2,
        seed=3,
    )
    draws = fit.draws["rate"].reshape(-1, 6)
    ess = fit.params["ess_bulk"].to_numpy()
    assert np.all(np.abs(draws.mean(0) - post.mean) < 4 * post.sd / np.sqrt(ess))
    np.testing.assert_allclose(draws.std(0), post.sd, rtol=0.15)
    for k in range(6):
        law = scipy.stats.gamma(post.shape[k], scale=1 / post.rate[k])
        assert scipy.stats.kstest(draws[::5, k], law.cdf).pvalue > 1e-3


def test_matrix_exponential_likelihood_equals_path_summation():
    # Brute force: P(t)[i, j] summed over every path of the uniformised chain
    # (Poisson many ticks at rate lam, each a step of M = I + Q / lam).
    Q = rate_matrix(np.array([[0, 0.5, 0.3], [0.2, 0, 0.6], [0.4, 0.1, 0]]))
    panel = PanelData(
        [0, 0, 0, 1, 1], [0.0, 0.3, 0.75, 0.0, 0.5], [0, 2, 1, 1, 1], n_states=3
    )
    lam = 1.0
    M = np.eye(3) + Q / lam

    def brute(t, i, j, n_max=12):
        total = float(i == j) * scipy.stats.poisson.pmf(0, lam * t)
        for n in range(1, n_max + 1):
            # Every sequence of n - 1 intermediate states, as rows.
            mid = np.array(list(itertools.product(range(3), repeat=n - 1)), int)
            mid = mid.reshape(3 ** (n - 1), n - 1)
            seq = np.hstack([np.full((len(mid), 1), i), mid, np.full((len(mid), 1), j)])
            paths = np.prod(M[seq[:, :-1], seq[:, 1:]], axis=1).sum()
            total += scipy.stats.poisson.pmf(n, lam * t) * paths
        return total

    expected = sum(
        np.log(brute(t, a, b)) for t, a, b in zip(*panel.transitions(), strict=True)
    )
    model = PanelModel(panel)
    assert model.log_likelihood(Q) == pytest.approx(expected, abs=1e-10)


def test_two_state_likelihood_closed_form():
    a, b = 0.4, 1.3
    Q = rate_matrix(np.array([[0, a], [b, 0]]))
    panel = PanelData([7] * 4, [0.0, 1.0, 1.5, 4.0], [0, 1, 1, 0])
    s = a + b

    def p(t, i, j):
        stay = {0: b / s + a / s * np.exp(-s * t), 1: a / s + b / s * np.exp(-s * t)}
        return stay[i] if i == j else 1 - stay[i]

    expected = np.log(p(1.0, 0, 1) * p(0.5, 1, 1) * p(2.5, 1, 0))
    assert PanelModel(panel).log_likelihood(Q) == pytest.approx(expected, abs=1e-12)


def test_panel_likelihood_and_mle_agree_with_r_msm():
    ref = json.loads(REFERENCE.read_text())
    frame = pd.DataFrame(ref["data"])
    model = PanelModel(PanelData.from_frame(frame, 3))
    assert model.log_likelihood(np.array(ref["q_fixed"])) == pytest.approx(
        ref["loglik_fixed"], abs=1e-6
    )
    fit = fit_panel(frame, n_states=3)
    assert fit.log_likelihood == pytest.approx(ref["loglik_mle"], abs=1e-5)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(
        fit.rate_matrix[off], np.array(ref["q_mle"])[off], rtol=2e-3
    )
    np.testing.assert_allclose(
        fit.rate_matrix_se[off], np.array(ref["q_se"])[off], rtol=2e-2
    )


def test_panel_mle_recovers_dfr_from_300_paths():
    panel = simulate(DFR, None, 300, times=np.arange(100) * 0.1, seed=31)
    fit = fit_panel(panel, PATTERN)
    assert fit.info["converged"]
    assert rmse(fit.rate_matrix, DFR) < 0.15
    derived = fit.derived()
    assert derived.loc["entropy_production", "std_error"] > 0
    np.testing.assert_allclose(derived.iloc[:6]["estimate"].sum(), 1.0)


def test_nuts_agrees_with_panel_mle():
    Q = rate_matrix(np.array([[0, 0.6, 0.3], [0.4, 0, 0.5], [0.2, 0.7, 0]]))
    panel = simulate(Q, None, 200, times=np.arange(15) * 0.5, seed=8)
    ml = fit_panel(panel)
    post = fit_panel(
        panel,
        method="nuts",
        num_warmup=300,
        num_samples=1000,
        num_chains=2,
        seed=4,
        init=ml,
    )
    est, se = ml.params["estimate"], ml.params["std_error"]
    # With 2800 transitions the posterior is close to normal around the MLE.
    assert np.all(np.abs(post.params["estimate"] - est) < 0.3 * se)
    np.testing.assert_allclose(post.params["std_error"], se, rtol=0.25)
    assert post.info["divergences"] == 0
    assert "posterior" in post.idata.children


def test_bad_panel_input():
    with pytest.raises(ValueError, match="state 3 is outside the declared state"):
        PanelData([0, 0], [0.0, 1.0], [0, 3], n_states=3)
    with pytest.raises(ValueError, match="do not increase: 2 is followed by 1"):
        PanelData([0, 0, 0], [0.0, 2.0, 1.0], [0, 1, 1])
    with pytest.raises(ValueError, match="subject 5 has only one observation"):
        PanelData([4, 4, 5], [0.0, 1.0, 0.0], [0, 1, 1])
    with pytest.raises(ValueError, match="integer labels"):
        PanelData([0, 0], [0.0, 1.0], [0, 1.5])
    with pytest.raises(ValueError, match="columns id, time, state"):
        fit_panel(pd.DataFrame({"id": [0], "t": [0.0], "state": [0]}))
    with pytest.raises(ValueError, match="method must be"):
        fit_panel(PanelData([0, 0], [0.0, 1.0], [0, 1]), method="newton")


def test_em_reaches_the_newton_mle():
    Q = rate_matrix(np.array([[0, 0.6, 0.3], [0.4, 0, 0.5], [0.2, 0.7, 0]]))
    panel = simulate(Q, None, 100, times=np.arange(10) * 0.5, seed=13)
    newton = fit_panel(panel)
    em = em_panel(panel, tol=1e-10)
    assert em["converged"]
    assert em["log_likelihood"] == pytest.approx(newton.log_likelihood, abs=1e-6)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(
        em["rate_matrix"][off], newton.rate_matrix[off], rtol=1e-3, atol=1e-4
    )


def test_em_standard_errors_equal_the_newton_ones():
    # Same data, two algorithms: EM's solution with the observed information
    # of the exact likelihood against Newton's MLE and its information.
    Q = rate_matrix(np.array([[0, 0.6, 0.3], [0.4, 0, 0.5], [0.2, 0.7, 0]]))
    # Two visit schedules (every 0.5 and every 0.8), so two interval lengths.
    grid = np.arange(8) * np.where(np.arange(150) % 2 == 0, 0.5, 0.8)[:, None]
    panel = simulate(Q, None, 150, times=grid, seed=14)
    newton = fit_panel(panel)
    em = em_panel(panel, tol=1e-12)
    assert em["converged"]
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_allclose(
        em["rate_matrix"][off], newton.rate_matrix[off], rtol=1e-4
    )
    np.testing.assert_allclose(
        em["std_error"][off], newton.rate_matrix_se[off], rtol=1e-3
    )
    # The same as a full Fit with intervals, also from fit_panel(method="em").
    fit = em["fit"]
    assert fit.info["algorithm"] == "EM"
    again = fit_panel(panel, method="em", tol=1e-12, start=em["rate_matrix"])
    np.testing.assert_allclose(again.rate_matrix, fit.rate_matrix, rtol=1e-6)
    assert fit.log_likelihood == pytest.approx(newton.log_likelihood, abs=1e-8)
    np.testing.assert_allclose(
        fit.params[["lower", "upper"]], newton.params[["lower", "upper"]], rtol=1e-3
    )
    assert "Coefficients:" in str(fit.summary())


def test_saved_fit_loads_with_its_rate_matrix(tmp_path):
    import statmodels as sm
    from statmodels.jump import MJPFit, dfr_rate_matrix, fit_complete, simulate

    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    paths = simulate(Q, np.full(6, 1 / 6), 400, t_max=2.5, seed=3)
    fit = fit_complete(paths, PATTERN)
    fit.save(tmp_path / "mjp.nc")
    back = sm.load(tmp_path / "mjp.nc")
    assert isinstance(back, MJPFit)
    np.testing.assert_array_equal(back.rate_matrix, fit.rate_matrix)
