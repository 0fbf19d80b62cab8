"""Transition matrices: stochastic rows, the boundary rule, draws, escapement."""

import numpy as np
import pytest
import scipy.stats

import statmodels.fisheries as fs

GRID = np.linspace(0, 15, 50)


def _direct(model, S, grid):
    """Cell probabilities of a lognormal next stock, by scipy."""
    edges = (grid[1:] + grid[:-1]) / 2
    out = np.zeros((len(S), len(grid)))
    for i, s in enumerate(S):
        med = float(model.f(s))
        if med == 0:
            out[i, 0] = 1.0
            continue
        cdf = scipy.stats.lognorm(model.sigma, scale=med).cdf(edges)
        out[i] = np.diff(np.concatenate([[0.0], cdf, [1.0]]))
    return out


def test_rows_are_probabilities_and_match_scipy():
    model = fs.Allen(2, 8, 5, 0.05)
    S = np.linspace(0, 15, 37)
    kernel = fs.transition_kernel(model, S, GRID)
    assert np.all(kernel >= 0)
    np.testing.assert_allclose(kernel.sum(axis=1), 1.0, atol=1e-13)
    np.testing.assert_allclose(kernel, _direct(model, S, GRID), atol=1e-12)


def test_mass_beyond_the_grid_stays_in_the_top_state():
    # K far above the grid top: much of the mass is beyond 15.
    model = fs.Ricker(1.0, 30.0, 0.3)
    S = np.array([10.0, 14.0, 15.0])
    kernel = fs.transition_kernel(model, S, GRID)
    beyond = scipy.stats.lognorm(0.3, scale=model.f(S)).sf((GRID[-1] + GRID[-2]) / 2)
    assert np.all(beyond > 0.5)
    np.testing.assert_allclose(kernel[:, -1], beyond, rtol=1e-10)
    np.testing.assert_allclose(kernel.sum(axis=1), 1.0, atol=1e-13)


def test_escapement_by_value_off_the_grid():
    model = fs.Allen(2, 8, 5, 0.05)
    actions = np.linspace(0, 15, 71)  # not a subset of the state grid
    prob = fs.build_problem(model, GRID, actions)
    i, a = 40, 17
    s = GRID[i] - actions[a]
    assert prob.escapement[i, a] == pytest.approx(s, abs=1e-9)
    np.testing.assert_allclose(
        prob.dense()[i, a], _direct(model, [s], GRID)[0], atol=1e-9
    )
    # Infeasible harvests (above the stock) have reward -inf.
    assert np.isneginf(prob.reward[10, 60])
    assert prob.reward[40, 17] == pytest.approx(actions[17])


def test_average_over_parametric_draws():
    x = fs.Allen(2, 8, 5, 0.05).simulate(5.5, 39, seed=1)
    model = fs.ParametricDynamics.from_series("ricker", x)

    class TwoDraws:
        pass

    fake = TwoDraws()
    fake.model = model
    fake.draws = {
        "r": np.array([[0.4, 1.2]]),
        "K": np.array([[8.0, 7.0]]),
        "sigma": np.array([[0.05, 0.2]]),
    }
    S = np.linspace(0, 14, 15)
    mixed = fs.transition_kernel(fake, S, GRID)
    a = _direct(fs.Ricker(0.4, 8.0, 0.05), S, GRID)
    b = _direct(fs.Ricker(1.2, 7.0, 0.2), S, GRID)
    np.testing.assert_allclose(mixed, (a + b) / 2, atol=1e-12)


def test_bad_grids():
    x = fs.Allen(2, 8, 5, 0.05).simulate(5.5, 39, seed=1)
    gp = fs.GPDynamics.from_series(x)

    class Fake:
        pass

    fake = Fake()
    fake.model = gp
    fake.draws = {
        "amplitude": np.ones((1, 1)),
        "lengthscale": np.ones((1, 1)),
        "noise": np.ones((1, 1)),
    }
    with pytest.raises(ValueError, match="does not cover the data"):
        fs.build_problem(fake, np.linspace(0, 6, 20))
    with pytest.raises(ValueError, match="strictly increasing"):
        fs.build_problem(fs.Ricker(1, 8, 0.1), [0, 2, 1, 3])
    with pytest.raises(ValueError, match="nonnegative"):
        fs.build_problem(fs.Ricker(1, 8, 0.1), [-1, 2, 3])
    with pytest.raises(ValueError, match="must include the harvest 0"):
        fs.build_problem(fs.Ricker(1, 8, 0.1), GRID, actions=[1.0, 2.0])


def test_bad_input_messages_name_the_value_and_the_fix():
    with pytest.raises(ValueError, match=r"series\[1\] = -2.*correct or drop"):
        fs.ParametricDynamics.from_series("allen", [5.0, -2.0, 6.0, 7.0])
    with pytest.raises(ValueError, match=r"positions \[1\]; drop or impute"):
        fs.GPDynamics.from_series([5.0, np.nan, 6.0, 7.0])
    with pytest.raises(ValueError, match=r"harvest\[0\] = 6 is larger.*x\[0\] = 5"):
        fs.GPDynamics.from_series([5.0, 6.0, 7.0, 7.5], harvest=[6.0, 0.0, 0.0])
    x = fs.Allen(2, 8, 5, 0.05).simulate(5.5, 39, seed=1)
    ricker = fs.ParametricDynamics.from_series("ricker", x)

    class Fake:
        model = ricker
        draws = {
            "r": np.ones((1, 1)),
            "K": 8 * np.ones((1, 1)),
            "sigma": np.ones((1, 1)),
        }

    top = max(x)
    with pytest.raises(
        ValueError,
        match=rf"grid \[0, 7\] does not cover the data \[5.5, {top:g}\]; extend",
    ):
        fs.transition_kernel(Fake(), GRID, np.linspace(0, 7, 20))
    P = fs.build_problem(fs.Ricker(1, 8, 0.1), GRID).dense()
    P[3, 2, 0] -= 0.2
    with pytest.raises(ValueError, match=r"\(3, 2\) has entry -.*fix the array"):
        fs.optimal_policy(P, GRID, 0.95)
    P = fs.build_problem(fs.Ricker(1, 8, 0.1), GRID).dense()
    P[7, 1] *= 1.1
    with pytest.raises(ValueError, match=r"\(7, 1\) sums to 1.1.*Divide each row"):
        fs.optimal_policy(P, GRID, 0.95)
