"""Dynamic programming solvers against brute force and quantecon."""

import itertools

import numpy as np
import pytest

import statmodels.fisheries as fs


def _random_problem(n=3, a=2, seed=0):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(n), size=(n, a))
    R = rng.uniform(0, 1, size=(n, a))
    return P, R


def _brute_force(P, R, beta):
    """Best of all stationary deterministic policies, each solved exactly."""
    n, a, _ = P.shape
    best, best_pol = None, None
    for pol in itertools.product(range(a), repeat=n):
        Pp = P[np.arange(n), pol]
        v = np.linalg.solve(np.eye(n) - beta * Pp, R[np.arange(n), pol])
        if best is None or np.all(v >= best - 1e-12) and np.any(v > best + 1e-12):
            best, best_pol = v, np.array(pol)
    return best, best_pol


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_solvers_agree_with_brute_force(seed):
    P, R = _random_problem(3, 3, seed)
    beta = 0.9
    v_star, pol_star = _brute_force(P, R, beta)
    pi = fs.policy_iteration(P, R, beta)
    vi = fs.value_iteration(P, R, beta, epsilon=1e-10)
    np.testing.assert_allclose(pi.values, v_star, atol=1e-12)
    np.testing.assert_array_equal(pi.policy, pol_star)
    np.testing.assert_array_equal(vi.policy, pol_star)
    assert np.max(np.abs(vi.values - v_star)) <= 0.5e-10


@pytest.mark.parametrize("epsilon", [1e-1, 1e-3])
def test_value_iteration_stopping_rule_guarantee(epsilon):
    # A slowly mixing problem where loose epsilon matters.
    P, R = _random_problem(6, 3, seed=7)
    beta = 0.97
    exact = fs.policy_iteration(P, R, beta).values
    vi = fs.value_iteration(P, R, beta, epsilon=epsilon)
    err = np.max(np.abs(vi.values - exact))
    assert err <= vi.error_bound + 1e-12
    assert vi.error_bound < epsilon / 2
    # The greedy policy's exact value is epsilon-optimal.
    v_pol = fs.evaluate_policy(P, R, beta, vi.policy)
    assert np.max(exact - v_pol) <= epsilon
    # and the rule did not stop absurdly late: one fewer step misses it.
    assert vi.iterations > 1


def test_backward_induction_matches_expectimax():
    P, R = _random_problem(3, 2, seed=4)
    beta, T = 0.8, 3

    def value(i, stages):
        if stages == 0:
            return 0.0
        return max(
            R[i, a] + beta * sum(P[i, a, j] * value(j, stages - 1) for j in range(3))
            for a in range(2)
        )

    sol = fs.backward_induction(P, R, beta, T)
    for t in range(T + 1):
        np.testing.assert_allclose(
            sol.values[t], [value(i, T - t) for i in range(3)], atol=1e-13
        )


def _allen_problem():
    grid = np.linspace(0, 15, 50)
    return fs.build_problem(fs.Allen(2, 8, 5, 0.05), grid)


def test_factored_and_dense_agree():
    prob = _allen_problem()
    a = fs.value_iteration(prob.transition, prob.reward, 0.95)
    b = fs.value_iteration(prob.dense(), prob.reward, 0.95)
    np.testing.assert_allclose(a.values, b.values, atol=1e-10)
    np.testing.assert_array_equal(a.policy, b.policy)


def test_against_quantecon():
    qe = pytest.importorskip("quantecon")
    prob = _allen_problem()
    beta = 0.95
    ddp = qe.markov.DiscreteDP(prob.reward, prob.dense(), beta)
    ref = ddp.solve(method="policy_iteration")
    ours = fs.policy_iteration(prob.transition, prob.reward, beta)
    np.testing.assert_allclose(ours.values, ref.v, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(ours.policy, ref.sigma)
    vi = fs.value_iteration(prob.transition, prob.reward, beta, epsilon=1e-6)
    assert np.max(np.abs(vi.values - ref.v)) < 0.5e-6
    np.testing.assert_array_equal(vi.policy, ref.sigma)


def test_rejects_non_stochastic_rows():
    P, R = _random_problem(3, 2)
    bad = P.copy()
    bad[1, 0] *= 0.9
    with pytest.raises(ValueError, match=r"row \(state, action\) \(1, 0\) sums to"):
        fs.value_iteration(bad, R, 0.9)
    bad = P.copy()
    bad[2, 1, 0] = -0.1
    with pytest.raises(ValueError, match="nonnegative"):
        fs.policy_iteration(bad, R, 0.9)
    with pytest.raises(ValueError, match="discount factor"):
        fs.value_iteration(P, R, 1.0)
    with pytest.raises(ValueError, match="reward has shape"):
        fs.value_iteration(P, R[:, :1], 0.9)
    noway = R.copy()
    noway[0] = -np.inf
    with pytest.raises(ValueError, match="state 0 has no feasible action"):
        fs.value_iteration(P, noway, 0.9)
    prob = _allen_problem()
    dense = prob.dense()
    dense[5, 3, :] /= 2
    with pytest.raises(ValueError, match="sums to 0.5"):
        fs.optimal_policy(dense, prob.grid, 0.95)
