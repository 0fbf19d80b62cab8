"""Rate matrices of continuous-time Markov chains on finite state spaces.

A chain on states ``0, ..., S - 1`` is defined by its generator (rate matrix)
``Q``: ``Q[i, j] >= 0`` is the rate of jumps from ``i`` to ``j`` (``i != j``)
and ``Q[i, i] = -sum_{j != i} Q[i, j]``, so that rows sum to zero. The state
distribution ``p(t)`` (a row vector) obeys the master equation
``dp/dt = p Q``, solved by ``p(t) = p(0) expm(Q t)``. The stationary
distribution solves ``pi Q = 0`` with ``sum(pi) = 1``; the relaxation times
are ``-1 / Re(lambda_k)`` over the non-zero eigenvalues ``lambda_k`` of ``Q``.

The steady-state entropy production rate is Schnakenberg's (Schnakenberg
1976, "Network theory of microscopic and macroscopic behavior of master
equation systems"),

    sigma = 1/2 sum_{i != j} (pi_i Q_ij - pi_j Q_ji) log(pi_i Q_ij / (pi_j Q_ji)),

which is non-negative and vanishes exactly under detailed balance. Mean
first-passage times ``m_ij`` (from ``i`` to first arrival in ``j``) solve
``sum_k Q_ik m_kj = -1`` for ``i != j`` with ``m_jj = 0`` (Kemeny & Snell
1960, "Finite Markov Chains").
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

#: Rows of a rate matrix must sum to zero within this (relative to the rates).
ROW_TOL = 1e-8


def validate_rate_matrix(Q, *, pattern=None) -> np.ndarray:
    """Check that ``Q`` is a rate matrix and return it as a float array.

    Parameters
    ----------
    Q : array_like, shape (S, S)
        Candidate generator.
    pattern : array_like of bool, shape (S, S), optional
        Allowed transitions; off-diagonal rates outside the pattern must be 0.

    Returns
    -------
    numpy.ndarray
        ``Q`` as float64.

    Raises
    ------
    ValueError
        If ``Q`` is not square, has non-finite or negative off-diagonal
        entries, rows that do not sum to zero, or rates outside ``pattern``.
    """
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2 or Q.shape[0] != Q.shape[1] or Q.shape[0] < 2:
        raise ValueError(
            f"a rate matrix must be square with at least 2 states; got shape {Q.shape}"
        )
    if not np.all(np.isfinite(Q)):
        raise ValueError("the rate matrix has non-finite entries; give finite rates")
    off = Q - np.diag(np.diag(Q))
    if np.any(off < 0):
        i, j = np.argwhere(off < 0)[0]
        raise ValueError(
            f"off-diagonal rate Q[{i}, {j}] = {Q[i, j]:g} is negative; rates of "
            "jumps between distinct states must be >= 0"
        )
    sums = Q.sum(axis=1)
    scale = np.maximum(np.abs(Q).max(axis=1), 1.0)
    bad = np.flatnonzero(np.abs(sums) > ROW_TOL * scale)
    if bad.size:
        i = bad[0]
        raise ValueError(
            f"row {i} of the rate matrix sums to {sums[i]:.6g}, not 0; set each "
            "diagonal entry to minus the sum of its row's off-diagonal rates "
            "(see rate_matrix())"
        )
    if pattern is not None:
        pattern = np.asarray(pattern, dtype=bool)
        outside = (off > 0) & ~pattern
        if np.any(outside):
            i, j = np.argwhere(outside)[0]
            raise ValueError(
                f"rate Q[{i}, {j}] = {Q[i, j]:g} is not an allowed transition of "
                "the pattern; set it to 0 or allow it"
            )
    return Q


def rate_matrix(rates, pattern=None) -> np.ndarray:
    """Build a generator from off-diagonal rates, filling in the diagonal.

    Parameters
    ----------
    rates : array_like
        Either an (S, S) matrix whose off-diagonal entries are the rates (its
        diagonal is ignored), or a vector of the allowed rates in the
        row-major order of ``pattern``.
    pattern : array_like of bool, shape (S, S), optional
        Allowed transitions; needed when ``rates`` is a vector.

    Returns
    -------
    numpy.ndarray
        The rate matrix with rows summing to zero.
    """
    rates = np.asarray(rates, dtype=float)
    if rates.ndim == 1:
        if pattern is None:
            raise ValueError("a vector of rates needs the pattern of transitions")
        pattern = np.asarray(pattern, dtype=bool)
        np.fill_diagonal(pattern := pattern.copy(), False)
        if rates.size != pattern.sum():
            raise ValueError(
                f"got {rates.size} rates for a pattern of {pattern.sum()} allowed "
                "transitions; give one rate per allowed transition"
            )
        off = np.zeros(pattern.shape)
        off[pattern] = rates
    else:
        off = rates - np.diag(np.diag(rates))
    Q = off - np.diag(off.sum(axis=1))
    return validate_rate_matrix(Q, pattern=None)


def allowed_pairs(pattern) -> np.ndarray:
    """The allowed transitions of a pattern as an (n, 2) array of (from, to).

    Parameters
    ----------
    pattern : array_like of bool, shape (S, S)
        Allowed transitions (the diagonal is ignored).

    Returns
    -------
    numpy.ndarray
        Row-major (i, j) pairs with ``i != j``.
    """
    pattern = np.array(pattern, dtype=bool)
    np.fill_diagonal(pattern, False)
    return np.argwhere(pattern)


def stationary_distribution(Q) -> np.ndarray:
    """The stationary distribution ``pi`` with ``pi Q = 0``, ``sum(pi) = 1``.

    Parameters
    ----------
    Q : array_like, shape (S, S)
        An irreducible rate matrix.

    Returns
    -------
    numpy.ndarray
        The stationary distribution.

    Raises
    ------
    ValueError
        If the chain has more than one stationary distribution (it is not
        irreducible).
    """
    Q = validate_rate_matrix(Q)
    S = Q.shape[0]
    # Replace one balance equation by the normalisation; solve by least
    # squares so that a reducible chain shows up as a rank deficiency.
    A = np.vstack([Q.T, np.ones(S)])
    rhs = np.zeros(S + 1)
    rhs[-1] = 1.0
    pi, _, rank, _ = np.linalg.lstsq(A, rhs, rcond=None)
    if rank < S:
        raise ValueError(
            "the chain is not irreducible (its stationary distribution is not "
            "unique); restrict it to one closed class of states"
        )
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def transition_probabilities(Q, t) -> np.ndarray:
    """Transition matrices ``P(t) = expm(Q t)``.

    Parameters
    ----------
    Q : array_like, shape (S, S)
        Rate matrix.
    t : float or array_like
        Time(s) >= 0.

    Returns
    -------
    numpy.ndarray
        Shape (S, S) for scalar ``t``, else ``t.shape + (S, S)``.
    """
    Q = validate_rate_matrix(Q)
    t = np.asarray(t, dtype=float)
    if np.any(t < 0):
        raise ValueError(f"times must be >= 0; got {t.min():g}")
    out = np.array([scipy.linalg.expm(Q * ti) for ti in t.ravel()])
    return out.reshape(t.shape + Q.shape)


def relaxation_times(Q) -> np.ndarray:
    """Relaxation times ``-1 / Re(lambda)`` of the non-zero eigenvalues of ``Q``.

    Parameters
    ----------
    Q : array_like, shape (S, S)
        An irreducible rate matrix.

    Returns
    -------
    numpy.ndarray
        The ``S - 1`` relaxation times, slowest first.
    """
    Q = validate_rate_matrix(Q)
    lam = np.linalg.eigvals(Q)
    # Drop the eigenvalue closest to zero (the stationary mode).
    lam = np.delete(lam, np.argmin(np.abs(lam)))
    return np.sort(-1.0 / lam.real)[::-1]


def mean_first_passage_times(Q) -> np.ndarray:
    """Mean first-passage times ``m[i, j]`` from ``i`` to ``j`` (``m[j, j] = 0``).

    Parameters
    ----------
    Q : array_like, shape (S, S)
        An irreducible rate matrix.

    Returns
    -------
    numpy.ndarray
        Matrix of expected times to first reach ``j`` starting from ``i``.
    """
    Q = validate_rate_matrix(Q)
    S = Q.shape[0]
    m = np.zeros((S, S))
    for j in range(S):
        keep = np.arange(S) != j
        m[keep, j] = np.linalg.solve(Q[np.ix_(keep, keep)], -np.ones(S - 1))
    return m


def probability_fluxes(Q, p=None) -> np.ndarray:
    """Net probability fluxes ``J[i, j] = p_i Q_ij - p_j Q_ji``.

    Parameters
    ----------
    Q : array_like, shape (S, S)
        Rate matrix.
    p : array_like, shape (S,), optional
        State distribution; default the stationary distribution.

    Returns
    -------
    numpy.ndarray
        Antisymmetric matrix of net fluxes.
    """
    Q = validate_rate_matrix(Q)
    p = stationary_distribution(Q) if p is None else np.asarray(p, float)
    flow = p[:, None] * Q
    np.fill_diagonal(flow, 0.0)
    return flow - flow.T


def entropy_production(Q, p=None) -> float:
    """Schnakenberg's entropy production rate (in units of k_B per time).

    Parameters
    ----------
    Q : array_like, shape (S, S)
        Rate matrix; every allowed transition must have its reverse allowed
        (otherwise the entropy production is infinite).
    p : array_like, shape (S,), optional
        State distribution; default the stationary distribution.

    Returns
    -------
    float
        ``1/2 sum_{i != j} J_ij log(p_i Q_ij / (p_j Q_ji))``; ``inf`` when a
        transition is allowed but its reverse is not.
    """
    Q = validate_rate_matrix(Q)
    p = stationary_distribution(Q) if p is None else np.asarray(p, float)
    flow = p[:, None] * Q
    np.fill_diagonal(flow, 0.0)
    total = 0.0
    S = Q.shape[0]
    for i in range(S):
        for j in range(i + 1, S):
            a, b = flow[i, j], flow[j, i]
            if a == b:
                continue
            if a == 0 or b == 0:
                return float("inf")
            total += (a - b) * np.log(a / b)
    return float(total)
