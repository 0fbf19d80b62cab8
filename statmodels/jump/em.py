"""The EM algorithm for panel data of a continuous-time Markov chain.

Bladt & Sorensen (2005), "Statistical inference for discretely observed
Markov jump processes" (JRSS B 67): treat the unobserved path between two
observations as missing data. The E-step needs, for an interval of length
``t`` from ``a`` to ``b``, the expected time spent in ``i`` and the expected
number of jumps ``i -> j`` given the endpoints; both come from the integral
``int_0^t expm(Q s) e_i e_j' expm(Q (t - s)) ds``, the upper right block of
``expm([[Q, e_i e_j'], [0, Q]] t)`` (Van Loan 1978, "Computing integrals
involving the matrix exponential"). The M-step is the complete-data MLE
``q_ij = N_ij / R_i``. Each iteration raises the likelihood; convergence is
linear, slow near flat optima, but every step is cheap and needs no
gradients.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from statmodels.inference.warnings import ConvergenceWarning, warn
from statmodels.jump.data import PanelData
from statmodels.jump.rates import allowed_pairs


def _panel_loglik(Q, lengths, counts) -> float:
    total = 0.0
    for t, C in zip(lengths, counts, strict=True):
        P = scipy.linalg.expm(Q * t)
        total += np.sum(C[C > 0] * np.log(P[C > 0]))
    return float(total)


def em_panel(
    panel: PanelData,
    pattern=None,
    *,
    start=None,
    tol: float = 1e-8,
    max_iter: int = 5000,
    decimals: int = 9,
) -> dict:
    """Maximum likelihood rates from panel data by expectation-maximisation.

    Parameters
    ----------
    panel : PanelData
        Observations (the likelihood conditions on each first state).
    pattern : array_like of bool, optional
        Allowed transitions (default: all).
    start : array_like, shape (S, S), optional
        Starting rate matrix (default: 0.5 on every allowed transition).
    tol : float
        Stop when the log-likelihood rises by less than this in an iteration.
    max_iter : int
        Iteration limit.
    decimals : int
        Rounding used to pool equal interval lengths.

    Returns
    -------
    dict
        ``rate_matrix``, ``log_likelihood``, ``iterations``, ``converged``.
    """
    S = panel.n_states
    pat = np.ones((S, S), bool) if pattern is None else np.array(pattern, bool)
    np.fill_diagonal(pat, False)
    pairs = allowed_pairs(pat)
    lengths, counts = panel.interval_counts(decimals)
    if start is None:
        Q = np.where(pat, 0.5, 0.0)
    else:
        Q = np.where(pat, np.asarray(start, float), 0.0)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    cells = np.vstack([np.c_[np.arange(S), np.arange(S)], pairs])
    old = _panel_loglik(Q, lengths, counts)
    converged = False
    iterations = 0
    for _ in range(max_iter):
        iterations += 1
        R = np.zeros(S)
        N = np.zeros((S, S))
        for t, C in zip(lengths, counts, strict=True):
            P = scipy.linalg.expm(Q * t)
            W = np.where(C > 0, C / np.where(C > 0, P, 1.0), 0.0)
            # One batched call: a block matrix per allowed (i, j) and per i.
            blocks = np.zeros((len(cells), 2 * S, 2 * S))
            blocks[:, :S, :S] = blocks[:, S:, S:] = Q * t
            blocks[np.arange(len(cells)), cells[:, 0], S + cells[:, 1]] = t
            J = scipy.linalg.expm(blocks)[:, :S, S:]
            values = np.einsum("ab,nab->n", W, J)
            diag = cells[:, 0] == cells[:, 1]
            R[cells[diag, 0]] += values[diag]
            off = cells[~diag]
            N[off[:, 0], off[:, 1]] += Q[off[:, 0], off[:, 1]] * values[~diag]
        Q = np.zeros((S, S))
        Q[pairs[:, 0], pairs[:, 1]] = (N / np.maximum(R, 1e-300)[:, None])[
            pairs[:, 0], pairs[:, 1]
        ]
        np.fill_diagonal(Q, -Q.sum(axis=1))
        new = _panel_loglik(Q, lengths, counts)
        if new - old < tol:
            converged = True
            old = max(new, old)
            break
        old = new
    if not converged:
        warn(
            f"EM did not converge in {max_iter} iterations; raise max_iter or "
            "use fit_panel (Newton)",
            ConvergenceWarning,
        )
    return {
        "rate_matrix": Q,
        "log_likelihood": old,
        "iterations": iterations,
        "converged": converged,
    }
