"""Rate matrices and derived quantities against independent computations."""

import numpy as np
import pytest
import scipy.linalg

from statmodels.jump import (
    dfr_parameters,
    dfr_pattern,
    dfr_rate_matrix,
    entropy_production,
    mean_first_passage_times,
    rate_matrix,
    relaxation_times,
    stationary_distribution,
    transition_probabilities,
    validate_rate_matrix,
)


def power_iteration(Q, steps=20000):
    """Stationary law of the uniformised chain I + Q / lambda."""
    lam = 1.1 * np.max(-np.diag(Q))
    M = np.eye(len(Q)) + Q / lam
    p = np.full(len(Q), 1.0 / len(Q))
    for _ in range(steps):
        p = p @ M
    return p / p.sum()


def test_dfr_stationary_distribution_by_power_iteration():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    pi = stationary_distribution(Q)
    np.testing.assert_allclose(pi, power_iteration(Q), atol=1e-12)
    np.testing.assert_allclose(pi @ Q, 0.0, atol=1e-13)


@pytest.mark.parametrize("V", [0.0, 1.0, 2.5])
def test_dfr_slowest_relaxation_is_one_over_2r(V):
    r = 1.0 if V == 1.0 else 0.7
    Q = dfr_rate_matrix(V, r, 1.0)
    tau = relaxation_times(Q)
    assert tau[0] == pytest.approx(1 / (2 * r), rel=1e-12)
    # Independently: the eigenvalues of P(1) = expm(Q) are exp(-1 / tau).
    mu = np.linalg.eigvals(scipy.linalg.expm(Q))
    mu = np.sort(np.abs(mu))[::-1][1:]
    np.testing.assert_allclose(np.sort(tau)[::-1], -1 / np.log(mu), rtol=1e-9)


def test_dfr_entropy_production_from_the_definition():
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    pi = power_iteration(Q)
    # At stationarity the Schnakenberg sum equals sum pi_i q_ij log(q_ij/q_ji).
    direct = sum(
        pi[i] * Q[i, j] * np.log(Q[i, j] / Q[j, i])
        for i in range(6)
        for j in range(6)
        if i != j and Q[i, j] > 0
    )
    assert entropy_production(Q) == pytest.approx(direct, rel=1e-10)
    assert direct > 0.1


def test_entropy_production_vanishes_at_zero_and_grows_with_V():
    values = [entropy_production(dfr_rate_matrix(V, 1.0, 1.0)) for V in range(5)]
    assert values[0] == pytest.approx(0.0, abs=1e-14)
    assert np.all(np.diff(values) > 0)


def test_two_state_closed_forms():
    a, b = 0.7, 1.9
    Q = rate_matrix(np.array([[0, a], [b, 0]]))
    t = np.array([0.0, 0.3, 2.0])
    P = transition_probabilities(Q, t)
    p01 = a / (a + b) * (1 - np.exp(-(a + b) * t))
    np.testing.assert_allclose(P[:, 0, 1], p01, atol=1e-14)
    np.testing.assert_allclose(stationary_distribution(Q), [b / (a + b), a / (a + b)])
    assert relaxation_times(Q)[0] == pytest.approx(1 / (a + b))
    m = mean_first_passage_times(Q)
    np.testing.assert_allclose(m, [[0, 1 / a], [1 / b, 0]])
    # Reversible: no entropy production.
    assert entropy_production(Q) == pytest.approx(0.0, abs=1e-15)


def test_mean_first_passage_time_of_a_three_state_cycle():
    # On a uniform unidirectional cycle at rate k, reaching the state d steps
    # ahead takes d / k on average.
    k = 2.0
    Q = rate_matrix(np.array([[0, k, 0], [0, 0, k], [k, 0, 0]]))
    m = mean_first_passage_times(Q)
    assert m[0, 1] == pytest.approx(1 / k) and m[0, 2] == pytest.approx(2 / k)


def test_dfr_parameters_recovered_exactly():
    for V, r, b in [(1.0, 1.0, 1.0), (2.3, 0.4, 1.7)]:
        got = dfr_parameters(dfr_rate_matrix(V, r, b))
        assert float(got["V"]) == pytest.approx(V, rel=1e-12)
        assert float(got["r"]) == pytest.approx(r, rel=1e-12)
        assert float(got["b"]) == pytest.approx(b, rel=1e-12)
    assert dfr_pattern().sum() == 18


def test_invalid_rate_matrices_are_rejected():
    with pytest.raises(ValueError, match="row 0 .* sums to 0.5"):
        validate_rate_matrix([[-1.0, 1.5], [1.0, -1.0]])
    with pytest.raises(ValueError, match=r"Q\[1, 0\] = -1 is negative"):
        validate_rate_matrix([[0.0, 0.0], [-1.0, 1.0]])
    with pytest.raises(ValueError, match="square"):
        validate_rate_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="not an allowed transition"):
        validate_rate_matrix(
            [[-1.0, 1.0], [1.0, -1.0]], pattern=[[False, True], [False, False]]
        )
    with pytest.raises(ValueError, match="not irreducible"):
        stationary_distribution(np.zeros((3, 3)))
