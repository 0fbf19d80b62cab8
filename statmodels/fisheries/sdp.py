"""Stochastic dynamic programming on a finite state and action grid, in JAX.

A problem has states ``i``, actions ``a``, transition probabilities
``P[i, a, j] = P(x_{t+1} = j | x_t = i, a_t = a)`` and rewards ``R[i, a]``
(``-inf`` marks an infeasible action). With discount factor ``beta < 1`` the
optimal value solves the Bellman equation

    V(i) = max_a { R[i, a] + beta sum_j P[i, a, j] V(j) }.

* :func:`value_iteration` applies the Bellman operator ``T`` from ``V_0 = 0``
  until ``||V_{n+1} - V_n|| < epsilon (1 - beta) / (2 beta)`` (sup norm). Then
  ``||V_{n+1} - V*|| <= beta/(1-beta) ||V_{n+1} - V_n|| < epsilon / 2`` and
  the policy greedy for ``V_{n+1}`` is ``epsilon``-optimal (Puterman 1994,
  Theorem 6.3.1).
* :func:`policy_iteration` alternates exact evaluation (a linear solve) and
  greedy improvement; it ends at an optimal policy in finitely many steps.
* :func:`backward_induction` solves the finite-horizon problem
  ``V_t = max_a {R + beta P V_{t+1}}``, ``V_T`` given.

Transitions may be dense arrays or a :class:`FactoredTransition`, which holds
one next-state distribution per distinct escapement and an index from
(state, action) to it: in harvest problems the next stock depends on the
state and action only through the escapement, so the continuation value
costs one small matrix-vector product instead of a pass over the full
tensor.

Reference: Boettiger, C., Mangel, M. and Munch, S. (2015). Avoiding tipping
points in fisheries management through Gaussian process dynamic
programming. Proceedings of the Royal Society B 282: 20141631.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

#: Largest allowed deviation of a transition row sum from one.
ROW_TOL = 1e-8


class FactoredTransition(NamedTuple):
    """Transitions that depend on (state, action) through one index.

    Attributes
    ----------
    kernel : array, shape (n_rows, n_states)
        Next-state distributions (each row sums to one).
    index : int array, shape (n_states, n_actions)
        Row of ``kernel`` reached from each state and action.
    """

    kernel: jax.Array
    index: jax.Array

    def dense(self) -> np.ndarray:
        """The full ``(n_states, n_actions, n_states)`` tensor."""
        return np.asarray(self.kernel)[np.asarray(self.index)]

    @property
    def shape(self) -> tuple[int, int, int]:
        """Shape of the equivalent dense tensor."""
        n, a = self.index.shape
        return (n, a, int(self.kernel.shape[1]))


@dataclass
class SDPSolution:
    """Result of a dynamic programming solver.

    Attributes
    ----------
    values : numpy.ndarray
        Value of each state (for a finite horizon, ``(horizon + 1, n_states)``,
        stage by stage).
    policy : numpy.ndarray
        Index of the chosen action in each state (finite horizon:
        ``(horizon, n_states)``).
    iterations : int
        Bellman updates or policy improvements made.
    error_bound : float
        Bound on the sup-norm error of ``values`` (0 for exact methods).
    method : str
        The solver.
    """

    values: np.ndarray
    policy: np.ndarray
    iterations: int
    error_bound: float
    method: str


def check_problem(transition, reward) -> None:
    """Check shapes, probabilities and feasibility of a problem.

    Parameters
    ----------
    transition : array_like or FactoredTransition
        ``(n_states, n_actions, n_states)`` probabilities.
    reward : array_like
        ``(n_states, n_actions)`` rewards, ``-inf`` for infeasible actions.

    Raises
    ------
    ValueError
        If a row is not a probability vector, shapes disagree, or a state
        has no feasible action.
    """
    reward = np.asarray(reward, dtype=float)
    if isinstance(transition, FactoredTransition):
        rows = np.asarray(transition.kernel, dtype=float)
        shape = transition.shape
        where = "kernel row"
    else:
        tensor = np.asarray(transition, dtype=float)
        if tensor.ndim != 3 or tensor.shape[0] != tensor.shape[2]:
            raise ValueError(
                "transition must have shape (n_states, n_actions, n_states); got "
                f"{tensor.shape}"
            )
        shape = tensor.shape
        rows = tensor.reshape(-1, shape[2])
        where = "row (state, action)"
    if reward.shape != shape[:2]:
        raise ValueError(
            f"reward has shape {reward.shape} but the transition implies "
            f"{shape[:2]} (n_states, n_actions)"
        )
    if not np.all(np.isfinite(rows)) or np.any(rows < 0):
        bad = np.argwhere(~np.isfinite(rows) | (rows < 0))[0]
        raise ValueError(
            f"transition probabilities must be finite and nonnegative; {where} "
            f"{_label(bad[0], shape, transition)} has entry {rows[tuple(bad)]:g} "
            f"in column {bad[1]}; probabilities cannot be negative, so fix the "
            "array (clip rounding errors to 0 and renormalise the row)"
        )
    err = np.abs(rows.sum(axis=1) - 1)
    worst = int(np.argmax(err))
    if err[worst] > ROW_TOL:
        raise ValueError(
            f"transition rows must sum to one; {where} "
            f"{_label(worst, shape, transition)} sums to {rows[worst].sum():.10g}. "
            "Divide each row by its sum, or put the mass that leaves the grid "
            "into the edge states"
        )
    if np.any(np.isnan(reward)) or np.any(reward == np.inf):
        raise ValueError("rewards must be finite or -inf (infeasible action)")
    none = np.flatnonzero(~np.any(np.isfinite(reward), axis=1))
    if none.size:
        raise ValueError(
            f"state {none[0]} has no feasible action (every reward is -inf); "
            "include the action 'no harvest' or widen the action grid"
        )


def _label(row, shape, transition):
    if isinstance(transition, FactoredTransition):
        return str(int(row))
    return str(tuple(int(v) for v in np.unravel_index(row, shape[:2])))


def _as_jax(transition):
    if isinstance(transition, FactoredTransition):
        return FactoredTransition(
            jnp.asarray(transition.kernel, dtype=float),
            jnp.asarray(transition.index, dtype=jnp.int32),
        )
    return jnp.asarray(transition, dtype=float)


def _continuation(transition, values):
    """``sum_j P[i, a, j] values[j]`` for every state and action."""
    if isinstance(transition, FactoredTransition):
        return (transition.kernel @ values)[transition.index]
    n, a, _ = transition.shape
    return (transition.reshape(n * a, -1) @ values).reshape(n, a)


def _q(transition, reward, discount, values):
    return reward + discount * _continuation(transition, values)


@partial(jax.jit, static_argnames=("max_iter",))
def _value_iteration(transition, reward, discount, threshold, max_iter):
    def cond(state):
        _, diff, it = state
        return (diff >= threshold) & (it < max_iter)

    def body(state):
        v, _, it = state
        new = jnp.max(_q(transition, reward, discount, v), axis=1)
        return new, jnp.max(jnp.abs(new - v)), it + 1

    v0 = jnp.zeros(reward.shape[0])
    v, diff, it = jax.lax.while_loop(cond, body, (v0, jnp.inf, 0))
    policy = jnp.argmax(_q(transition, reward, discount, v), axis=1)
    return v, policy, diff, it


def value_iteration(
    transition,
    reward,
    discount: float,
    *,
    epsilon: float = 1e-8,
    max_iter: int = 100_000,
    check: bool = True,
) -> SDPSolution:
    """Discounted value iteration with an accuracy guarantee.

    Parameters
    ----------
    transition : array_like or FactoredTransition
        Transition probabilities ``(n_states, n_actions, n_states)``.
    reward : array_like
        Rewards ``(n_states, n_actions)``; ``-inf`` marks infeasible actions.
    discount : float
        Discount factor in (0, 1).
    epsilon : float
        The greedy policy is ``epsilon``-optimal and the returned values are
        within ``epsilon / 2`` of the optimum (sup norm).
    max_iter : int
        Iteration limit; reaching it raises an error.
    check : bool
        Validate the problem first.

    Returns
    -------
    SDPSolution
        ``error_bound`` is ``beta / (1 - beta)`` times the last change, a
        bound on ``||values - V*||``.
    """
    _check_discount(discount, finite=False)
    if check:
        check_problem(transition, reward)
    threshold = epsilon * (1 - discount) / (2 * discount)
    v, policy, diff, it = _value_iteration(
        _as_jax(transition),
        jnp.asarray(reward, dtype=float),
        discount,
        threshold,
        max_iter,
    )
    if int(it) >= max_iter and float(diff) >= threshold:
        raise RuntimeError(
            f"value iteration did not reach epsilon = {epsilon:g} in {max_iter} "
            "iterations; raise max_iter or epsilon"
        )
    bound = discount / (1 - discount) * float(diff)
    return SDPSolution(np.asarray(v), np.asarray(policy), int(it), bound, "value")


@jax.jit
def _evaluate(transition, reward, discount, policy):
    n = reward.shape[0]
    rows = jnp.arange(n)
    r = reward[rows, policy]
    if isinstance(transition, FactoredTransition):
        p = transition.kernel[transition.index[rows, policy]]
    else:
        p = transition[rows, policy]
    return jnp.linalg.solve(jnp.eye(n) - discount * p, r)


@jax.jit
def _improve(transition, reward, discount, values, policy):
    q = _q(transition, reward, discount, values)
    best = jnp.max(q, axis=1)
    current = jnp.take_along_axis(q, policy[:, None], axis=1)[:, 0]
    # Keep the current action on ties so that the iteration cannot cycle.
    tol = 1e-12 * jnp.maximum(1.0, jnp.abs(best))
    return jnp.where(current >= best - tol, policy, jnp.argmax(q, axis=1))


def evaluate_policy(transition, reward, discount: float, policy) -> np.ndarray:
    """Exact discounted value of a stationary policy (a linear solve).

    Parameters
    ----------
    transition, reward
        As in :func:`value_iteration`.
    discount : float
        Discount factor in (0, 1).
    policy : array_like of int
        Action index in each state.

    Returns
    -------
    numpy.ndarray
        ``(I - beta P_pi)^{-1} r_pi``.
    """
    _check_discount(discount, finite=False)
    policy = jnp.asarray(policy, dtype=jnp.int32)
    return np.asarray(
        _evaluate(_as_jax(transition), jnp.asarray(reward, float), discount, policy)
    )


def policy_iteration(
    transition, reward, discount: float, *, max_iter: int = 1000, check: bool = True
) -> SDPSolution:
    """Howard's policy iteration: exact evaluation, greedy improvement.

    Parameters
    ----------
    transition, reward
        As in :func:`value_iteration`.
    discount : float
        Discount factor in (0, 1).
    max_iter : int
        Limit on improvement steps.
    check : bool
        Validate the problem first.

    Returns
    -------
    SDPSolution
        The optimal stationary policy and its value (``error_bound`` 0, up to
        rounding in the linear solve).
    """
    _check_discount(discount, finite=False)
    if check:
        check_problem(transition, reward)
    P = _as_jax(transition)
    R = jnp.asarray(reward, dtype=float)
    policy = jnp.argmax(R, axis=1)
    for it in range(1, max_iter + 1):
        values = _evaluate(P, R, discount, policy)
        new = _improve(P, R, discount, values, policy)
        if bool(jnp.all(new == policy)):
            return SDPSolution(
                np.asarray(values), np.asarray(policy), it, 0.0, "policy"
            )
        policy = new
    raise RuntimeError(f"policy iteration did not converge in {max_iter} steps")


@partial(jax.jit, static_argnames=("horizon",))
def _backward(transition, reward, discount, terminal, horizon):
    def body(v, _):
        q = _q(transition, reward, discount, v)
        return jnp.max(q, axis=1), (jnp.max(q, axis=1), jnp.argmax(q, axis=1))

    _, (values, policies) = jax.lax.scan(body, terminal, None, length=horizon)
    values = jnp.concatenate([values[::-1], terminal[None]], axis=0)
    return values, policies[::-1]


def backward_induction(
    transition,
    reward,
    discount: float,
    horizon: int,
    *,
    terminal=None,
    check: bool = True,
) -> SDPSolution:
    """Finite-horizon dynamic programming by backward induction.

    Parameters
    ----------
    transition, reward
        As in :func:`value_iteration`.
    discount : float
        Discount factor in (0, 1] (one is allowed: the horizon is finite).
    horizon : int
        Number of decision stages ``T``.
    terminal : array_like, optional
        Terminal value ``V_T`` (default zero).
    check : bool
        Validate the problem first.

    Returns
    -------
    SDPSolution
        ``values[t]`` is the optimal value with ``T - t`` stages to go and
        ``policy[t]`` the optimal action at stage ``t``.
    """
    _check_discount(discount, finite=True)
    if int(horizon) < 1:
        raise ValueError(f"horizon must be a positive integer; got {horizon}")
    if check:
        check_problem(transition, reward)
    R = jnp.asarray(reward, dtype=float)
    term = jnp.zeros(R.shape[0]) if terminal is None else jnp.asarray(terminal, float)
    if term.shape != (R.shape[0],):
        raise ValueError(f"terminal must have {R.shape[0]} values; got {term.shape}")
    values, policies = _backward(_as_jax(transition), R, discount, term, int(horizon))
    return SDPSolution(
        np.asarray(values), np.asarray(policies), int(horizon), 0.0, "backward"
    )


def _check_discount(discount, finite: bool):
    top_ok = discount <= 1 if finite else discount < 1
    if not (np.isfinite(discount) and discount > 0 and top_ok):
        span = "(0, 1]" if finite else "(0, 1)"
        raise ValueError(
            f"discount factor must lie in {span}; got {discount}"
            + ("" if finite else " (for no discounting use backward_induction)")
        )
