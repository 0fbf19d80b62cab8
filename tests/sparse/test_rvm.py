"""Relevance vector machine against closed forms and scikit-learn."""

import numpy as np
import pytest
from scipy import optimize, stats

from statmodels.sparse import RVC, RVR, log_evidence

SUPPORT = [1, 4, 7, 12]
WEIGHTS = [2.0, -1.5, 0.8, 3.0]


def _problem(n=400, m=20, noise=0.3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, m))
    w = np.zeros(m)
    w[SUPPORT] = WEIGHTS
    y = X @ w + noise * rng.normal(size=n) + 1.0
    return X, y, w


@pytest.mark.parametrize("solver", ["fast", "mackay"])
def test_support_and_coefficients(solver):
    X, y, w = _problem()
    rvm = RVR(solver=solver, standardize=True, threshold_alpha=1e2).fit(X, y)
    assert rvm.active_.tolist() == SUPPORT
    # Independent reference: least squares on the true support.
    A = np.column_stack([np.ones(len(y)), X[:, SUPPORT]])
    ols = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(rvm.coef_[SUPPORT], ols[1:], rtol=2e-3)
    np.testing.assert_allclose(rvm.coef_[SUPPORT], WEIGHTS, atol=0.05)
    assert abs(rvm.intercept_ - 1.0) < 0.05
    assert 1 / np.sqrt(rvm.beta_) == pytest.approx(0.3, rel=0.1)


def test_fast_evidence_monotone_and_matches_mackay():
    X, y, _ = _problem(n=300, m=15, seed=3)
    fast = RVR(solver="fast", tol=1e-12).fit(X, y)
    trace = fast.log_evidence_
    assert len(trace) > 5
    assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[-1]))
    # The final value against the direct N-by-N Gaussian marginal likelihood.
    Xc, yc = X - X.mean(0), y - y.mean()
    direct = log_evidence(Xc, yc, fast.alpha_, fast.beta_)
    assert trace[-1] == pytest.approx(direct, abs=1e-7)
    mackay = RVR(solver="mackay", tol=1e-12, max_iter=20000).fit(X, y)
    assert fast.active_.tolist() == mackay.active_.tolist()
    np.testing.assert_allclose(fast.coef_, mackay.coef_, atol=1e-6)
    np.testing.assert_allclose(fast.beta_, mackay.beta_, rtol=1e-6)


def test_irrelevant_columns_pass_the_add_test_a_third_of_the_time():
    # q^2 / s of an irrelevant column is chi-square(1): P(theta > 0) = 0.317.
    rng = np.random.default_rng(7)
    n, m = 2000, 300
    X = rng.normal(size=(n, m))
    y = 2.0 * X[:, 0] + rng.normal(size=n)
    rvm = RVR(solver="fast", fit_intercept=False).fit(X, y)
    frac = (len(rvm.active_) - 1) / (m - 1)
    p = stats.chi2.sf(1.0, 1)
    se = np.sqrt(p * (1 - p) / (m - 1))
    assert 0 in rvm.active_
    assert abs(frac - p) < 4 * se


def test_agrees_with_sklearn_ard_with_flat_hyperpriors():
    sk = pytest.importorskip("sklearn.linear_model")
    X, y, _ = _problem(n=500, m=20)
    ard = sk.ARDRegression(
        max_iter=3000, tol=0, alpha_1=0, alpha_2=0, lambda_1=0, lambda_2=0
    ).fit(X, y)
    rvm = RVR(solver="mackay", threshold_alpha=1e4, tol=1e-12).fit(X, y)
    assert rvm.active_.tolist() == np.nonzero(ard.coef_)[0].tolist()
    np.testing.assert_allclose(rvm.coef_, ard.coef_, atol=1e-10)
    np.testing.assert_allclose(rvm.beta_, ard.alpha_, rtol=1e-9)
    np.testing.assert_allclose(rvm.sigma_, ard.sigma_, atol=1e-12)
    m1, s1 = rvm.predict(X[:20], return_std=True)
    m2, s2 = ard.predict(X[:20], return_std=True)
    np.testing.assert_allclose(m1, m2, atol=1e-9)
    np.testing.assert_allclose(s1, s2, rtol=1e-8)


def test_standardised_coefficients_reported_on_original_scale():
    X, y, _ = _problem(seed=5)
    scales = np.array([10.0 ** (k % 5 - 2) for k in range(X.shape[1])])
    raw = RVR(solver="fast", standardize=True, threshold_alpha=1e2).fit(X, y)
    scaled = RVR(solver="fast", standardize=True, threshold_alpha=1e2).fit(
        X * scales, y
    )
    assert raw.active_.tolist() == scaled.active_.tolist()
    np.testing.assert_allclose(scaled.coef_ * scales, raw.coef_, rtol=1e-8)
    np.testing.assert_allclose(
        scaled.predict(X[:5] * scales), raw.predict(X[:5]), rtol=1e-9
    )


def test_bad_input_errors():
    X, y, _ = _problem(n=50, m=15)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN.*column\(s\) \[2\]"):
        RVR().fit(Xn, y)
    Xc = X.copy()
    Xc[:, 14] = 3.0
    with pytest.raises(ValueError, match=r"column\(s\) \[14\].*constant"):
        RVR().fit(Xc, y)
    with pytest.raises(ValueError, match="50 rows but y has 49"):
        RVR().fit(X, y[:-1])
    with pytest.raises(ValueError, match="solver must be"):
        RVR(solver="newton").fit(X, y)
    with pytest.raises(ValueError, match="tol must be positive, got 0"):
        RVR(tol=0).fit(X, y)
    with pytest.raises(ValueError, match="threshold_alpha must be positive, got -1"):
        RVR(threshold_alpha=-1).fit(X, y)
    with pytest.raises(RuntimeError, match="not fitted"):
        RVR().predict(X)
    with pytest.raises(ValueError, match="4 columns but the model was fitted with 15"):
        RVR().fit(X, y).predict(X[:, :4])


def test_rvc_matches_laplace_mode_and_finds_support():
    rng = np.random.default_rng(11)
    n, m = 400, 10
    X = rng.normal(size=(n, m))
    eta = 2.0 * X[:, 0] - 1.5 * X[:, 3] + 0.5
    t = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    rvc = RVC().fit(X, t)
    assert {0, 3} <= set(rvc.active_.tolist())
    others = [i for i in rvc.active_ if i not in (0, 3)]
    assert np.all(np.abs(rvc.coef_[others]) < 0.3)
    # Independent reference: the penalised likelihood mode by BFGS at the
    # fitted precisions.
    act = rvc.active_
    alpha = rvc.alpha_[act]
    A = np.column_stack([np.ones(n), X[:, act]])

    def objective(w):
        z = A @ w
        nll = np.sum(np.logaddexp(0, z) - t * z)
        return nll + 0.5 * np.sum(alpha * w[1:] ** 2) + 0.5e-8 * w[0] ** 2

    ref = optimize.minimize(objective, np.zeros(len(act) + 1), method="BFGS").x
    np.testing.assert_allclose(rvc.coef_[act], ref[1:], atol=1e-4)
    assert rvc.intercept_ == pytest.approx(ref[0], abs=1e-4)
    accuracy = np.mean(rvc.predict(X) == t)
    assert accuracy > 0.75


def _state_problem(seed=2, n=120, m=12):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, m))
    y = X[:, [0, 2, 5]] @ [1.0, -2.0, 0.5] + 0.5 * rng.normal(size=n)
    return X, y


def test_fast_gains_equal_direct_evidence_differences():
    # Each action's gain, from the sparsity and quality factors, against the
    # change of the N-by-N Gaussian marginal likelihood.
    from statmodels.sparse.rvm import _FastState

    X, y = _state_problem()
    beta = 3.0
    state = _FastState(X.T @ X, X.T @ y, float(y @ y), len(y), beta)
    state._push(0, 0.8)
    state._push(2, 0.4)
    state.recompute()
    gain, new = state.gains()
    alpha = state.alpha.copy()
    base = log_evidence(X, y, alpha, beta)
    assert state.L == pytest.approx(base, abs=1e-9)
    for i in range(X.shape[1]):
        trial = alpha.copy()
        j = state.where[i]
        if j < 0:
            S, Q = state.S[i], state.Q[i]
            if Q * Q <= S:
                assert gain[i] == 0.0
                continue
            trial[i] = S * S / (Q * Q - S)
        else:
            trial[i] = new[j]
        direct = log_evidence(X, y, trial, beta) - base
        assert gain[i] == pytest.approx(direct, abs=1e-9)
        assert direct >= 0


def test_fast_rank_one_updates_match_a_fresh_posterior():
    from statmodels.sparse.rvm import _FastState

    X, y = _state_problem()
    G, b, yty = X.T @ X, X.T @ y, float(y @ y)
    state = _FastState(G, b, yty, len(y), 3.0)
    state._push(0, 0.8)
    state.recompute()
    L = state.L
    for kind, i, a in [
        ("add", 2, 0.3),
        ("add", 5, 2.0),
        ("add", 7, 50.0),
        ("reestimate", 2, 0.6),
        ("delete", 0, None),
        ("add", 9, 5.0),
        ("delete", 7, None),
        ("reestimate", 5, 1.5),
    ]:
        before = log_evidence(X, y, state.alpha, 3.0)
        getattr(state, kind)(i, *(() if a is None else (a,)))
        L += log_evidence(X, y, state.alpha, 3.0) - before
    fresh = _FastState(G, b, yty, len(y), 3.0)
    for i in state.active:
        fresh._push(i, state.alpha[i])
    fresh.recompute()
    assert sorted(state.active.tolist()) == [2, 5, 9]
    np.testing.assert_allclose(state.sigma, fresh.sigma, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(state.mu, fresh.mu, rtol=1e-10)
    np.testing.assert_allclose(state.S, fresh.S, rtol=1e-10)
    np.testing.assert_allclose(state.Q, fresh.Q, rtol=1e-10, atol=1e-10)
    assert fresh.L == pytest.approx(L, abs=1e-9)


@pytest.mark.parametrize("screen", [True, False])
def test_fast_many_irrelevant_columns_matches_mackay(screen):
    # The benchmark's setting at a small size: few full recomputations, a
    # non-decreasing evidence, and the MacKay answer.
    rng = np.random.default_rng(4)
    n, m = 3000, 200
    X = rng.normal(size=(n, m))
    w = np.zeros(m)
    w[[0, 3, 7, 11, 19]] = [1.5, -2.0, 0.8, 3.0, -1.2]
    y = X @ w + 0.1 * rng.normal(size=n)
    opts = dict(standardize=True, threshold_alpha=1e2)
    fast = RVR(solver="fast", screen=screen, **opts).fit(X, y)
    mackay = RVR(solver="mackay", tol=1e-10, **opts).fit(X, y)
    assert fast.active_.tolist() == [0, 3, 7, 11, 19]
    assert mackay.active_.tolist() == [0, 3, 7, 11, 19]
    np.testing.assert_allclose(fast.coef_, mackay.coef_, atol=1e-7)
    np.testing.assert_allclose(fast.beta_, mackay.beta_, rtol=1e-6)
    # The first pass on all columns: its trace and cost.
    from statmodels.sparse.rvm import _fast

    Xs = (X - X.mean(0)) / X.std(0)
    ys = (y - y.mean()) / y.std()
    sol = _fast(
        Xs.T @ Xs,
        Xs.T @ ys,
        float(ys @ ys),
        n,
        beta=None,
        update_beta=True,
        max_iter=5000,
        tol=1e-9,
        alpha_max=1e2 if screen else np.inf,
    )
    assert sol.converged
    trace = sol.log_evidence
    assert np.all(np.diff(trace) >= -1e-9 * np.abs(trace[-1]))
    if screen:
        assert sol.active.tolist() == [0, 3, 7, 11, 19]
    else:
        # About a third of the 195 irrelevant columns pass the add test.
        assert 40 < len(sol.active) - 5 < 90
        assert sol.n_iter > 2 * len(sol.active)
    assert sol.n_full <= 3 + sol.n_iter / 10
    assert set(fast.timings_) == {"gram", "solve"}


@pytest.mark.parametrize("offset", [3.0, 1e6])
def test_centring_from_the_gram_matrix_matches_shifted_data(offset):
    # A shift of the columns is absorbed by the intercept. Up to ten standard
    # deviations the centring is done on X^T X; beyond, X is centred first.
    X, y, _ = _problem(seed=6)
    ref = RVR(solver="fast", standardize=True, threshold_alpha=1e2).fit(X, y)
    shift = offset * (1 + np.arange(X.shape[1]) % 3)
    fit = RVR(solver="fast", standardize=True, threshold_alpha=1e2).fit(X + shift, y)
    assert fit.active_.tolist() == ref.active_.tolist()
    np.testing.assert_allclose(fit.coef_, ref.coef_, rtol=1e-9, atol=1e-12)
    assert fit.intercept_ == pytest.approx(ref.intercept_ - shift @ ref.coef_)
