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
gradients. Standard errors come afterwards from the observed information of
the exact panel likelihood at the EM solution (Louis 1982, "Finding the
observed information matrix when using the EM algorithm", computed here
directly by an autodiff Hessian in the log rates, as for the Newton MLE).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from statmodels.inference.warnings import ConvergenceWarning, warn
from statmodels.jump.data import PanelData
from statmodels.jump.rates import allowed_pairs


def em_panel(
    panel: PanelData,
    pattern=None,
    *,
    start=None,
    tol: float = 1e-8,
    max_iter: int = 5000,
    decimals: int = 9,
    level: float = 0.95,
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
    level : float
        Confidence level of the intervals of ``fit``.

    Returns
    -------
    dict
        ``rate_matrix``, ``log_likelihood``, ``iterations``, ``converged``;
        ``std_error``, the (S, S) standard errors of the rates from the
        observed information at the EM solution (delta method from the log
        rates; NaN where the information is singular); and ``fit``, the
        same result as an :class:`~statmodels.jump.MJPFit` (parameter table,
        summary, intervals on the log scale, ``derived()``).
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
    diag = cells[:, 0] == cells[:, 1]
    off = cells[~diag]
    observed = counts > 0

    def e_step(Q):
        """Log-likelihood, expected jump counts N and holding times R at Q."""
        # One batched call over every interval length and every cell: the
        # upper left block of each Van Loan matrix is expm(Q t) itself.
        t = lengths[:, None, None, None]
        blocks = np.zeros((len(lengths), len(cells), 2 * S, 2 * S))
        blocks[:, :, :S, :S] = blocks[:, :, S:, S:] = Q[None, None] * t
        blocks[:, np.arange(len(cells)), cells[:, 0], S + cells[:, 1]] = lengths[
            :, None
        ]
        E = scipy.linalg.expm(blocks)
        P = E[:, 0, :S, :S]
        safe = np.where(observed, P, 1.0)
        loglik = float(np.sum(counts * np.log(safe)))
        W = np.where(observed, counts / safe, 0.0)
        values = np.einsum("dab,dnab->n", W, E[:, :, :S, S:])
        R = np.zeros(S)
        R[cells[diag, 0]] = values[diag]
        N = np.zeros((S, S))
        N[off[:, 0], off[:, 1]] = Q[off[:, 0], off[:, 1]] * values[~diag]
        return loglik, N, R

    old, N, R = e_step(Q)
    converged = False
    iterations = 0
    for _ in range(max_iter):
        iterations += 1
        Q = np.zeros((S, S))
        Q[pairs[:, 0], pairs[:, 1]] = (N / np.maximum(R, 1e-300)[:, None])[
            pairs[:, 0], pairs[:, 1]
        ]
        np.fill_diagonal(Q, -Q.sum(axis=1))
        new, N, R = e_step(Q)
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
    fit = _fit_at(panel, pat, Q, decimals, level, iterations, converged)
    return {
        "rate_matrix": Q,
        "log_likelihood": old,
        "iterations": iterations,
        "converged": converged,
        "std_error": fit.rate_matrix_se,
        "fit": fit,
    }


def _fit_at(panel, pattern, Q, decimals, level, iterations, converged):
    """An MLE ``Fit`` at the EM solution, with the observed information."""
    import jax
    import jax.numpy as jnp

    from statmodels.inference import Fit, ParameterSpace
    from statmodels.jump.fit import MJPFit, PanelModel

    model = PanelModel(panel, pattern, decimals=decimals)
    pairs = model.pairs
    space = ParameterSpace.of(model)
    data = model.data()
    rates = Q[pairs[:, 0], pairs[:, 1]]
    caveats = []
    if not converged:
        caveats.append("EM did not converge; estimates and standard errors may be off")
    if np.any(rates <= 0):
        # A rate at zero sits on the boundary, -inf on the log scale.
        zero = ", ".join(f"{i}->{j}" for (i, j) in pairs[rates <= 0])
        caveats.append(
            f"EM drove {zero} to 0, on the boundary; the Wald intervals do not "
            "apply there"
        )
        rates = np.maximum(rates, 1e-12)
    u_hat = np.log(rates)

    def loglik(u):
        return space.log_likelihood(space.constrain(u), data)

    value, hess = jax.jit(lambda u: (loglik(u), jax.hessian(loglik)(u)))(
        jnp.asarray(u_hat)
    )
    info_matrix = -np.asarray(hess, dtype=float)
    info_matrix = (info_matrix + info_matrix.T) / 2
    eigval = np.linalg.eigvalsh(info_matrix)
    if eigval[0] <= 1e-10 * max(eigval[-1], 1.0):
        caveats.append(
            "the observed information at the EM solution is singular or not "
            f"positive definite (smallest eigenvalue {eigval[0]:.2g}); standard "
            "errors are unreliable"
        )
        cov_u = np.linalg.pinv(info_matrix)
        if eigval[0] <= 0:
            cov_u = np.full_like(info_matrix, np.nan)
    else:
        cov_u = np.linalg.inv(info_matrix)
    info = {
        "log_likelihood": float(value),
        "converged": bool(converged),
        "iterations": int(iterations),
        "algorithm": "EM",
        "level": level,
    }
    fit = Fit.from_mle(model, space, u_hat, cov_u, info, caveats)
    return MJPFit.wrap(fit)
