"""Relevance vector machine: sparse Bayesian linear regression.

Tipping, M. E. (2001), "Sparse Bayesian learning and the relevance vector
machine", Journal of Machine Learning Research 1, 211-244; and Tipping, M. E.
& Faul, A. C. (2003), "Fast marginal likelihood maximisation for sparse
Bayesian models", Proceedings of AISTATS 2003.

Model
-----
For a design matrix :math:`\\Phi` (N rows, M columns) and target :math:`y`,

.. math::

    y = \\Phi w + \\varepsilon, \\qquad \\varepsilon \\sim N(0, \\beta^{-1} I),
    \\qquad w_i \\sim N(0, \\alpha_i^{-1}).

Given the precisions :math:`A = \\mathrm{diag}(\\alpha)` and :math:`\\beta`,
the posterior of the weights is Gaussian with

.. math::

    \\Sigma = (A + \\beta \\Phi^T \\Phi)^{-1}, \\qquad
    \\mu = \\beta \\Sigma \\Phi^T y,

and the hyperparameters maximise the log-evidence

.. math::

    \\mathcal{L} = -\\tfrac12 \\left[ N \\log 2\\pi + \\log |C|
    + y^T C^{-1} y \\right], \\qquad C = \\beta^{-1} I + \\Phi A^{-1} \\Phi^T.

Two solvers are provided.

``"mackay"``
    The re-estimation updates :math:`\\gamma_i = 1 - \\alpha_i \\Sigma_{ii}`,
    :math:`\\alpha_i \\leftarrow \\gamma_i / \\mu_i^2` and
    :math:`\\beta \\leftarrow (N - \\sum_i \\gamma_i) / \\lVert y - \\Phi\\mu
    \\rVert^2`, starting from all columns; a column whose :math:`\\alpha_i`
    exceeds ``threshold_alpha`` is pruned.
``"fast"``
    The sequential algorithm of Tipping & Faul (2003). With the sparsity and
    quality factors :math:`s_i, q_i` (the :math:`S_i, Q_i` of the paper with
    column i left out), :math:`\\theta_i = q_i^2 - s_i`; a column with
    :math:`\\theta_i > 0` has the optimum :math:`\\alpha_i = s_i^2/\\theta_i`,
    one with :math:`\\theta_i \\le 0` has :math:`\\alpha_i = \\infty` (out of the
    model). Each iteration adds, re-estimates or deletes the single column that
    increases :math:`\\mathcal{L}` most, updating :math:`\\Sigma, \\mu, S, Q`
    by rank-one formulas: O(m k) work for k active columns, the product of
    the cached Gram rows of the active columns with one vector. The noise
    precision :math:`\\beta` is re-estimated, with a full recomputation
    (O(k^3) on the active set, O(m k^2) for the factors), once every
    max(5, k) actions and whenever no action is left; the algorithm stops
    when no action raises :math:`\\mathcal{L}` by more than ``tol``, the
    kept :math:`\\log\\alpha_i` are within 1e-3 of their re-estimates and
    the :math:`\\beta` update gains no more than ``tol``. BLAS is held to one
    thread meanwhile (with threadpoolctl, when installed): the work is
    matrix-vector products that threads do not speed up.

Both solvers work from the Gram matrix :math:`\\Phi^T \\Phi`, computed once
(one BLAS call after centring; the scaling is applied to the m-by-m matrix).

Final pruning
-------------
The evidence alone does not give a sparse answer when the target is not
exactly in the span of the columns, and an irrelevant column has
:math:`q_i^2 / s_i \\sim \\chi^2_1` on finite data, so it passes the add test
:math:`\\theta_i > 0` with probability :math:`P(\\chi^2_1 > 1) \\approx 0.32`.
The estimators therefore apply an explicit, documented rule after the solver
converges: columns with :math:`\\alpha_i >` ``threshold_alpha`` (on the
standardised scale when ``standardize=True``) and, if ``min_relevance`` is
set, columns whose posterior z-score :math:`|\\mu_i| / \\Sigma_{ii}^{1/2}` is
below it are removed, and the solver is re-run on the remaining columns until
no column is removed.

Screening (fast solver, ``screen=True``, the default): a column is not added
while its optimal precision :math:`s_i^2 / \\theta_i` exceeds
``threshold_alpha``, since it would be pruned by that rule; the test is
repeated at every iteration, so a column becomes eligible as soon as the
others make it relevant. With many irrelevant columns this keeps the active
set, and so the cost of each iteration, small (on 1,000 Gaussian columns
with five relevant, about 340 enter without screening). At convergence every
column outside the model has :math:`\\theta_i \\le 0` or an optimal
precision above the threshold, which is the state the MacKay solver's
in-loop pruning aims at. ``screen=False`` gives Tipping & Faul's algorithm on
every column, pruned after convergence.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla

from statmodels.inference.warnings import ConvergenceWarning, warn

__all__ = ["RVR", "RVC", "rvm_solve", "RVMSolution", "log_evidence"]

_LOG_2PI = math.log(2.0 * math.pi)


@dataclass
class RVMSolution:
    """Result of one sparse Bayesian regression solve.

    Attributes
    ----------
    active : numpy.ndarray
        Indices of the kept columns, in increasing order.
    alpha : numpy.ndarray
        Precision of every column (``inf`` for columns out of the model).
    beta : float
        Noise precision.
    mu : numpy.ndarray
        Posterior mean of the kept weights (same order as ``active``).
    sigma : numpy.ndarray
        Posterior covariance of the kept weights.
    log_evidence : numpy.ndarray
        Log-evidence after each iteration.
    n_iter : int
        Number of iterations.
    converged : bool
        Whether the solver met its tolerance.
    actions : list
        The fast solver's actions, ``(kind, column)`` in order.
    n_full : int
        Full recomputations of the posterior (fast solver; the MacKay solver
        does one per iteration).
    """

    active: np.ndarray
    alpha: np.ndarray
    beta: float
    mu: np.ndarray
    sigma: np.ndarray
    log_evidence: np.ndarray
    n_iter: int
    converged: bool
    actions: list = field(default_factory=list)
    n_full: int = 0


def _posterior(G, b, alpha_act, act, beta):
    """Posterior covariance and mean on the active set, and log|Sigma^-1|."""
    Gaa = G[np.ix_(act, act)]
    prec = beta * Gaa
    prec[np.diag_indices_from(prec)] += alpha_act
    chol = _cholesky_jittered(prec)
    inv_chol = sla.solve_triangular(chol, np.eye(len(act)), lower=True)
    sigma = inv_chol.T @ inv_chol
    mu = beta * (sigma @ b[act])
    logdet_prec = 2.0 * np.sum(np.log(np.diag(chol)))
    return sigma, mu, logdet_prec


def _rss(G, b, yty, act, mu):
    """Residual sum of squares from the Gram matrix, floored at zero."""
    value = yty - 2.0 * mu @ b[act] + mu @ (G[np.ix_(act, act)] @ mu)
    return max(value, 1e-300)


def _evidence(n, beta, alpha_act, logdet_prec, rss, mu):
    return -0.5 * (
        n * _LOG_2PI
        - n * math.log(beta)
        - np.sum(np.log(alpha_act))
        + logdet_prec
        + beta * rss
        + np.sum(alpha_act * mu**2)
    )


def log_evidence(X, y, alpha, beta):
    """Log-evidence of the Gaussian model from the N-by-N marginal covariance.

    A direct evaluation, :math:`\\log N(y; 0, \\beta^{-1} I + \\Phi A^{-1}
    \\Phi^T)`, for checking the solvers on small problems.

    Parameters
    ----------
    X : array_like, shape (n, m)
        Design matrix.
    y : array_like, shape (n,)
        Target.
    alpha : array_like, shape (m,)
        Weight precisions; ``inf`` removes a column.
    beta : float
        Noise precision.

    Returns
    -------
    float
        The log marginal likelihood.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    alpha = np.asarray(alpha, dtype=float)
    keep = np.isfinite(alpha)
    Xa = X[:, keep]
    cov = np.eye(len(y)) / beta + (Xa / alpha[keep]) @ Xa.T
    chol = sla.cholesky(cov, lower=True)
    z = sla.solve_triangular(chol, y, lower=True)
    return float(-0.5 * (len(y) * _LOG_2PI + 2 * np.sum(np.log(np.diag(chol))) + z @ z))


def _mackay(G, b, yty, n, *, beta, update_beta, threshold_alpha, max_iter, tol):
    m = len(b)
    diag = np.diag(G)
    alpha = np.full(m, 1.0 if beta is None else 1.0)
    beta = float(n / yty) if beta is None else float(beta)
    act = np.arange(m)
    trace = []
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        sigma, mu, logdet = _posterior(G, b, alpha[act], act, beta)
        rss = _rss(G, b, yty, act, mu)
        trace.append(_evidence(n, beta, alpha[act], logdet, rss, mu))
        gamma = 1.0 - alpha[act] * np.diag(sigma)
        new_alpha = gamma / np.maximum(mu**2, 1e-300)
        new_alpha = np.maximum(new_alpha, 1e-12 * diag[act].min())
        change = np.max(np.abs(np.log(new_alpha) - np.log(alpha[act])))
        alpha[act] = new_alpha
        if update_beta:
            new_beta = max(n - np.sum(gamma), 1e-12) / rss
            change = max(change, abs(math.log(new_beta / beta)))
            beta = new_beta
        keep = alpha[act] < threshold_alpha
        if not keep.any():
            keep[np.argmin(alpha[act])] = True
        pruned = not keep.all()
        alpha[act[~keep]] = np.inf
        act = act[keep]
        if change < tol and not pruned:
            converged = True
            break
    sigma, mu, logdet = _posterior(G, b, alpha[act], act, beta)
    rss = _rss(G, b, yty, act, mu)
    trace.append(_evidence(n, beta, alpha[act], logdet, rss, mu))
    return RVMSolution(
        act, alpha, beta, mu, sigma, np.array(trace), it, converged, n_full=it + 1
    )


_ger = sla.get_blas_funcs("ger", dtype=np.float64)
_potri = sla.get_lapack_funcs("potri", dtype=np.float64)


_THREADPOOL = []


def _blas_one_thread():
    """Limit BLAS to one thread while the fast solver runs.

    Its work is matrix-vector products and rank-one updates on cached
    matrices of a few megabytes, which BLAS threads do not speed up; on a
    busy machine their synchronisation makes them several times slower.
    Uses threadpoolctl when it is installed (it comes with scikit-learn); the
    controller is made once (its library scan takes milliseconds), after
    which a limit costs microseconds.
    """
    if not _THREADPOOL:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # optional
            _THREADPOOL.append(None)
        else:
            _THREADPOOL.append(ThreadpoolController())
    controller = _THREADPOOL[0]
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


def _cholesky_jittered(prec):
    try:
        return sla.cholesky(prec, lower=True, check_finite=False)
    except sla.LinAlgError:
        # Near-singular precision (collinear kept columns): add a tiny jitter.
        jitter = 1e-10 * np.trace(prec) / len(prec)
        prec[np.diag_indices_from(prec)] += jitter
        return sla.cholesky(prec, lower=True, check_finite=False)


class _FastState:
    """Posterior and factors of the fast algorithm, with rank-one updates.

    The active columns are kept in order of entry: ``act[:k]`` are their
    indices and ``rows[:k]`` the matching rows of the Gram matrix (``G[act]``,
    contiguous), so the one product of every action, ``G[:, act] @ v``, is a
    single matrix-vector call of cost O(m k). ``sigma`` and ``mu`` follow the
    same order; ``S`` and ``Q`` are the paper's factors of all m columns.
    """

    def __init__(self, G, b, yty, n, beta, alpha_max=np.inf):
        m = len(b)
        self.G, self.b, self.yty, self.n = G, b, yty, n
        self.alpha_max = alpha_max
        self.diag = np.diag(G).copy()
        self.beta = beta
        self.alpha = np.full(m, np.inf)
        self.act = np.empty(m, dtype=np.intp)
        self.where = np.full(m, -1, dtype=np.intp)
        self._rows = np.empty((min(m, 64), m))
        self.k = 0
        self.sigma = np.zeros((0, 0))
        self.mu = np.zeros(0)
        self.n_full = 0

    @property
    def active(self):
        return self.act[: self.k]

    @property
    def rows(self):
        return self._rows[: self.k]

    def _push(self, i, alpha_i):
        k = self.k
        if k == len(self._rows):
            grown = np.empty((min(2 * k, len(self.b)), len(self.b)))
            grown[:k] = self._rows
            self._rows = grown
        self._rows[k] = self.G[i]
        self.act[k] = i
        self.where[i] = k
        self.alpha[i] = alpha_i
        self.k = k + 1

    def _solve(self, beta):
        """Posterior on the active set at noise precision beta, O(k^3)."""
        act = self.active
        alpha_act = self.alpha[act]
        Gaa = self.rows[:, act]
        prec = beta * Gaa
        prec[np.diag_indices_from(prec)] += alpha_act
        chol = _cholesky_jittered(prec)
        inv, info = _potri(chol, lower=1)
        if info:
            raise np.linalg.LinAlgError(f"posterior inversion failed (info={info})")
        sigma = np.tril(inv) + np.tril(inv, -1).T
        ba = self.b[act]
        mu = beta * (sigma @ ba)
        rss = max(self.yty - 2.0 * mu @ ba + mu @ (Gaa @ mu), 1e-300)
        logdet = 2.0 * np.sum(np.log(np.diag(chol)))
        L = _evidence(self.n, beta, alpha_act, logdet, rss, mu)
        return chol, sigma, mu, rss, L

    def recompute(self, solved=None):
        """Full posterior and factors: O(k^3 + m k^2), done rarely."""
        self.n_full += 1
        chol, self.sigma, self.mu, self.rss, self.L = solved or self._solve(self.beta)
        beta, R = self.beta, self.rows
        # S_m = beta G_mm - beta^2 G_m,act Sigma G_act,m with Sigma = L^-T L^-1.
        W = sla.solve_triangular(chol, R, lower=True, check_finite=False)
        self.S = beta * self.diag - beta**2 * np.einsum("km,km->m", W, W)
        self.Q = beta * self.b - beta * (self.mu @ R)
        return self.L

    def gains(self):
        """Log-evidence gain of the best action on every column, O(m).

        Returns the gains (zero where no action helps) and, for the active
        columns (in ``act`` order), the re-estimated precisions (``inf``:
        delete).
        """
        S, Q = self.S, self.Q
        # Outside the model s = S, q = Q: adding at the optimum gains
        # (r - 1 - log r) / 2 with r = q^2 / s, when r > 1 (theta > 0).
        r = Q * Q
        r /= S
        np.maximum(r, 1.0, out=r)
        gain = r - 1.0
        if self.alpha_max < np.inf:
            # Screening: no addition whose optimal precision S^2 / (Q^2 - S)
            # exceeds alpha_max (it would be pruned).
            gain[gain * self.alpha_max <= S] = 0.0
        gain -= np.log(r)
        gain *= 0.5
        act = self.active
        a, Sa, Qa = self.alpha[act], S[act], Q[act]
        # Inside: the leave-one-out factors s = f S, q = f Q, f = a / (a - S).
        f = a / (a - Sa)
        s = f * Sa
        theta = (f * Qa) ** 2 - s
        new = np.divide(s * s, theta, out=np.full(len(a), np.inf), where=theta > 0)
        # Moving 1/alpha by d (d = -1/alpha deletes) gains
        # (Q^2 d / (1 + S d) - log(1 + S d)) / 2.
        d = 1.0 / new - 1.0 / a
        g = 0.5 * (Qa * Qa * d / (Sa * d + 1.0) - np.log1p(Sa * d))
        if self.k == 1 and theta[0] <= 0:
            g[0] = 0.0  # never delete the last column
        gain[act] = g
        return gain, new

    def add(self, i, alpha_i):
        k, beta = self.k, self.beta
        sii = 1.0 / (alpha_i + self.S[i])
        mui = sii * self.Q[i]
        if k:
            R = self.rows
            e = beta * (self.sigma @ R[:, i])
            v = self.G[i] - e @ R  # G[:, i] - G[:, act] @ e (G is symmetric)
            sigma = np.empty((k + 1, k + 1))
            sigma[:k, :k] = self.sigma
            sigma[:k, :k] += sii * np.outer(e, e)
            sigma[:k, k] = sigma[k, :k] = -sii * e
            sigma[k, k] = sii
            self.mu = np.append(self.mu - mui * e, mui)
        else:
            v = self.G[i].copy()
            sigma = np.array([[sii]])
            self.mu = np.array([mui])
        self.sigma = sigma
        self.S -= (sii * beta**2) * v**2
        self.Q -= (mui * beta) * v
        self._push(i, alpha_i)

    def _downdate(self, j, kappa):
        """Sigma <- Sigma - kappa Sigma_j Sigma_j^T and the matching S, Q, mu."""
        col = self.sigma[j].copy()  # row j == column j (symmetric)
        muj = self.mu[j]
        # Rank-one update in place (BLAS ger on the Fortran-ordered transpose;
        # Sigma is symmetric, and ger returns a copy if it cannot work in place).
        self.sigma = _ger(-kappa, col, col, a=self.sigma.T, overwrite_a=True).T
        self.mu -= (kappa * muj) * col
        w = col @ self.rows  # G[:, act] @ Sigma_j
        self.S += (kappa * self.beta**2) * w**2
        self.Q += (kappa * muj * self.beta) * w

    def reestimate(self, i, alpha_i):
        j = self.where[i]
        delta = alpha_i - self.alpha[i]
        self._downdate(j, 1.0 / (self.sigma[j, j] + 1.0 / delta))
        self.alpha[i] = alpha_i

    def delete(self, i):
        j = self.where[i]
        self._downdate(j, 1.0 / self.sigma[j, j])
        last = self.k - 1
        keep = np.arange(last)
        if j < last:
            # Move the last active column into slot j.
            keep[j] = last
            moved = self.act[last]
            self.act[j] = moved
            self.where[moved] = j
            self._rows[j] = self._rows[last]
        self.sigma = self.sigma[np.ix_(keep, keep)]
        self.mu = self.mu[keep]
        self.where[i] = -1
        self.alpha[i] = np.inf
        self.k = last

    def update_beta(self):
        """Re-estimate the noise precision; never lowers the evidence.

        The candidates are scored on the active set alone (O(k^3)); the
        factors of all m columns are recomputed once, for the accepted one.
        """
        act = self.active
        gamma_sum = self.k - np.sum(self.alpha[act] * np.diag(self.sigma))
        # The residual of the current mean (the rank-one updates since the last
        # recomputation have moved it), O(k^2).
        ba = self.b[act]
        rss = max(
            self.yty - 2.0 * self.mu @ ba + self.mu @ (self.rows[:, act] @ self.mu),
            1e-300,
        )
        candidates = [
            max(self.n - gamma_sum, 1e-12) / rss,  # MacKay fixed point
            self.n / (rss + gamma_sum / self.beta),  # EM step: monotone
        ]
        for beta in candidates:
            solved = self._solve(beta)
            if solved[-1] >= self.L:
                self.beta = beta
                return self.recompute(solved)
        return self.recompute()


def _fast(
    G,
    b,
    yty,
    n,
    *,
    beta,
    update_beta,
    max_iter,
    tol,
    alpha_max=np.inf,
    alpha_tol=1e-3,
    beta_every=5,
):
    """Tipping & Faul's sequential algorithm.

    Every iteration costs O(m k) for k active columns: the gains of all m
    columns from S and Q (vectorised), then one addition, re-estimation or
    deletion by rank-one updates of Sigma, mu, S and Q. The noise precision
    is re-estimated, with a full recomputation O(k^3 + m k^2), once every
    max(beta_every, k) actions and whenever no action is left, so that
    recomputation adds O(m k) per action. Convergence: no action raises the
    log-evidence by more than ``tol``, every kept precision (at most
    ``alpha_max``) is within ``alpha_tol`` of its re-estimate in log, and the
    beta update gains no more than ``tol``.
    """
    G = np.ascontiguousarray(G)
    diag = np.diag(G)
    if beta is None:
        beta0 = 10.0 * n / yty
    else:
        beta0 = float(beta)
    state = _FastState(G, b, yty, n, beta0, alpha_max)
    proj = b**2 / diag
    i0 = int(np.argmax(proj))
    if update_beta and proj[i0] - 1.0 / beta0 <= 0:
        beta0 = 2.0 / proj[i0]
        state.beta = beta0
    denom = proj[i0] - 1.0 / state.beta
    alpha0 = diag[i0] / denom if denom > 0 else diag[i0] / proj[i0]
    state._push(i0, alpha0)
    trace = [state.recompute()]
    # A full refresh: the noise precision too, unless it is fixed.
    refresh = state.update_beta if update_beta else state.recompute
    actions = []
    converged = False
    since_full = 0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        gain, new = state.gains()
        i = int(np.argmax(gain))
        best = gain[i]
        if best <= tol:
            # No action is worth tol. A kept precision still far from its
            # re-estimate (a flat direction of the evidence) is re-estimated
            # all the same; the others are settled.
            a = state.alpha[state.active]
            shift = np.abs(np.log(new / a))
            shift[~(np.isfinite(new) & (a <= alpha_max))] = 0.0
            j = int(np.argmax(shift))
            if shift[j] > alpha_tol:
                i, best = int(state.active[j]), max(gain[state.active[j]], 0.0)
            else:
                i = -1
        if i >= 0:
            j = state.where[i]
            if j < 0:
                S, Q = state.S[i], state.Q[i]
                state.add(i, S * S / (Q * Q - S))
                actions.append(("add", i))
            elif np.isfinite(new[j]):
                state.reestimate(i, new[j])
                actions.append(("reestimate", i))
            else:
                state.delete(i)
                actions.append(("delete", i))
            state.L += best
            since_full += 1
            # A full recomputation (beta update or rounding refresh) costs
            # O(m k^2); doing it every k actions keeps it O(m k) per action.
            if since_full >= max(beta_every, state.k):
                refresh()
                since_full = 0
            trace.append(state.L)
            continue
        # Nothing left to do at this beta.
        before = state.L
        refresh()
        since_full = 0
        trace.append(state.L)
        if state.L - before <= tol:
            converged = True
            break
    order = np.argsort(state.active)
    act = state.active[order]
    return RVMSolution(
        act,
        state.alpha,
        state.beta,
        state.mu[order],
        state.sigma[np.ix_(order, order)],
        np.array(trace),
        it,
        converged,
        actions,
        state.n_full,
    )


def rvm_solve(
    G,
    b,
    yty,
    n,
    *,
    solver="fast",
    beta=None,
    update_beta=True,
    threshold_alpha=1e9,
    min_relevance=None,
    max_iter=None,
    tol=None,
    screen=True,
):
    """Sparse Bayesian regression from the Gram matrix and projections.

    Parameters
    ----------
    G : numpy.ndarray, shape (m, m)
        Gram matrix :math:`\\Phi^T \\Phi`.
    b : numpy.ndarray, shape (m,)
        Projections :math:`\\Phi^T y`.
    yty : float
        :math:`y^T y`.
    n : int
        Number of rows of :math:`\\Phi`.
    solver : {"fast", "mackay"}
        Tipping & Faul's sequential algorithm or MacKay's re-estimation.
    beta : float, optional
        Initial noise precision (default: from the target's variance).
    update_beta : bool
        Re-estimate the noise precision (otherwise ``beta`` is held fixed).
    threshold_alpha : float
        Columns with a larger precision are pruned: during the iterations for
        ``"mackay"``; after convergence for ``"fast"``, which with ``screen``
        also never adds a column whose optimal precision exceeds it.
    min_relevance : float, optional
        After convergence, prune columns whose posterior z-score
        :math:`|\\mu_i|/\\Sigma_{ii}^{1/2}` is below this value.
    max_iter : int, optional
        Iteration cap (default 2000 for ``"mackay"``, ``20 m + 200`` for
        ``"fast"``).
    tol : float, optional
        Convergence tolerance: on the largest change of :math:`\\log\\alpha`
        (``"mackay"``, default 1e-8) or on the largest log-evidence gain of one
        action (``"fast"``, default 1e-9; the fast solver also settles every
        kept :math:`\\log\\alpha` to within 1e-3 of its re-estimate).
    screen : bool
        Fast solver: skip additions whose optimal precision exceeds
        ``threshold_alpha`` (see the module notes). ``False`` runs Tipping &
        Faul's algorithm on all columns and prunes after convergence.

    Returns
    -------
    RVMSolution
        Kept columns, precisions, posterior and log-evidence trace.
    """
    G = np.asarray(G, dtype=float)
    b = np.asarray(b, dtype=float)
    m = len(b)
    if solver not in ("fast", "mackay"):
        raise ValueError(f"solver must be 'fast' or 'mackay', got {solver!r}")
    if yty <= 0:
        raise ValueError("the target is identically zero; there is nothing to fit")
    if tol is not None and not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")
    if not threshold_alpha > 0:
        raise ValueError(f"threshold_alpha must be positive, got {threshold_alpha}")
    cols = np.arange(m)
    traces = []
    n_iter = n_full = 0
    for _ in range(m + 1):
        if len(cols) == m:
            Gs, bs = G, b
        else:
            Gs, bs = G[np.ix_(cols, cols)], b[cols]
        if solver == "mackay":
            sol = _mackay(
                Gs,
                bs,
                yty,
                n,
                beta=beta,
                update_beta=update_beta,
                threshold_alpha=threshold_alpha,
                max_iter=2000 if max_iter is None else max_iter,
                tol=1e-8 if tol is None else tol,
            )
        else:
            with _blas_one_thread():
                sol = _fast(
                    Gs,
                    bs,
                    yty,
                    n,
                    beta=beta,
                    update_beta=update_beta,
                    max_iter=20 * len(cols) + 200 if max_iter is None else max_iter,
                    tol=1e-9 if tol is None else tol,
                    alpha_max=threshold_alpha if screen else np.inf,
                )
        traces.append(sol.log_evidence)
        n_iter += sol.n_iter
        n_full += sol.n_full
        keep = sol.alpha[sol.active] <= threshold_alpha
        if min_relevance is not None:
            z = np.abs(sol.mu) / np.sqrt(np.diag(sol.sigma))
            keep &= z >= min_relevance
        if keep.all() or not keep.any():
            break
        cols = cols[sol.active[keep]]
        beta = sol.beta
    alpha = np.full(m, np.inf)
    alpha[cols] = sol.alpha
    sol.alpha = alpha
    sol.active = cols[sol.active]
    sol.log_evidence = np.concatenate(traces)
    sol.n_iter = n_iter
    sol.n_full = n_full
    if not sol.converged:
        warn(
            f"the {solver} RVM solver stopped after {sol.n_iter} iterations "
            "without meeting its tolerance; raise max_iter",
            ConvergenceWarning,
        )
    return sol


def _check_xy(X, y=None):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(
            f"X must be a 2-D array (n_samples, n_features), got shape {X.shape}"
        )
    bad = ~np.isfinite(X)
    if bad.any():
        cols = np.unique(np.nonzero(bad)[1])
        raise ValueError(
            f"X contains NaN or infinite values in column(s) {cols[:10].tolist()}; "
            "remove or impute them before fitting"
        )
    if y is None:
        return X
    y = np.asarray(y, dtype=float)
    if y.ndim != 1:
        y = y.ravel() if y.ndim == 2 and 1 in y.shape else y
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    if len(y) != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows but y has {len(y)} values; they must match"
        )
    if not np.all(np.isfinite(y)):
        raise ValueError("y contains NaN or infinite values; remove those rows")
    return X, y


def _base_estimator():
    try:
        from sklearn.base import BaseEstimator, RegressorMixin

        return (RegressorMixin, BaseEstimator)
    except ImportError:  # scikit-learn is optional
        return (object,)


class RVR(*_base_estimator()):
    """Relevance vector regression (sparse Bayesian linear model).

    A scikit-learn compatible estimator for the model in the module
    docstring.

    Parameters
    ----------
    solver : {"fast", "mackay"}
        Tipping & Faul (2003) sequential algorithm, or the MacKay
        re-estimation updates of Tipping (2001).
    fit_intercept : bool
        Centre the columns and the target (the intercept is not penalised).
    standardize : bool
        Scale the columns and the target to unit standard deviation before
        solving. Coefficients are reported on the original scale; ``alpha_``
        and ``threshold_alpha`` are on the standardised scale.
    threshold_alpha : float
        Prune columns whose precision exceeds this (see the module notes).
    min_relevance : float, optional
        Also prune columns with posterior z-score below this value.
    beta : float, optional
        Initial noise precision, on the (standardised) scale of the solve.
    update_beta : bool
        Re-estimate the noise precision.
    max_iter : int, optional
        Iteration cap of the solver.
    tol : float, optional
        Solver tolerance (see :func:`rvm_solve`).
    screen : bool
        Fast solver: never add a column whose optimal precision exceeds
        ``threshold_alpha`` (see :func:`rvm_solve`).

    Attributes
    ----------
    coef_ : numpy.ndarray
        Posterior-mean weights on the original scale (zero for pruned ones).
    intercept_ : float
        Intercept on the original scale.
    active_ : numpy.ndarray
        Indices of the kept columns.
    sigma_ : numpy.ndarray
        Posterior covariance of the kept weights, original scale.
    alpha_ : numpy.ndarray
        Weight precisions (``inf`` when pruned), solve scale.
    beta_ : float
        Noise precision on the original scale of ``y``.
    log_evidence_ : numpy.ndarray
        Log-evidence trace of the solve (standardised scale).
    n_iter_ : int
        Iterations used.
    timings_ : dict
        Seconds spent on the Gram matrix (``"gram"``: centring, scaling and
        :math:`\\Phi^T \\Phi`, :math:`\\Phi^T y`) and in the solver
        (``"solve"``).
    """

    def __init__(
        self,
        solver="fast",
        fit_intercept=True,
        standardize=False,
        threshold_alpha=1e9,
        min_relevance=None,
        beta=None,
        update_beta=True,
        max_iter=None,
        tol=None,
        screen=True,
    ):
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.threshold_alpha = threshold_alpha
        self.min_relevance = min_relevance
        self.beta = beta
        self.update_beta = update_beta
        self.max_iter = max_iter
        self.tol = tol
        self.screen = screen

    def _gram(self, X, y):
        """Gram matrix and projections of the centred, scaled problem.

        The Gram matrix is one BLAS call, O(n m^2); the centring and the
        standardisation are then applied to the m-by-m matrix (no centred or
        scaled copy of X is formed unless a column's mean is far larger than
        its spread).
        """
        n, m = X.shape
        if n < 2:
            raise ValueError(f"need at least 2 rows to fit, got {n}")
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(m)
        y_mean = y.mean() if self.fit_intercept else 0.0
        yc = y - y_mean
        # A small product (under ~0.05 s on one core) gains nothing from BLAS
        # threads; a large one keeps them.
        small = n * m * m <= 2e8
        with _blas_one_thread() if small else contextlib.nullcontext():
            # Centring through X^T X - n m m^T saves a pass over X and its copy;
            # its rounding error, relative to the centred entries, is about
            # eps (1 + mean^2 / variance), so it is used only while no column
            # (nor y) is offset by more than ten standard deviations.
            G = X.T @ X
            b = X.T @ y
            if self.fit_intercept:
                G -= n * np.outer(x_mean, x_mean)
                b -= n * y_mean * x_mean
                var = np.diag(G) / n
                safe = np.all(x_mean**2 <= 100.0 * var) and y_mean**2 <= 100.0 * (
                    yc @ yc / n
                )
                if not safe:
                    Xc = X - x_mean
                    G = Xc.T @ Xc
                    b = Xc.T @ yc
        scale = np.sqrt(np.maximum(np.diag(G), 0.0) / n)
        tiny = scale <= 1e-12 * np.maximum(1.0, np.abs(x_mean))
        if tiny.any():
            what = "constant" if self.fit_intercept else "all zero"
            raise ValueError(
                f"column(s) {np.nonzero(tiny)[0][:10].tolist()} of X are {what}; "
                "drop them (the intercept already carries a constant)"
            )
        yty = float(yc @ yc)
        if self.standardize:
            y_scale = float(np.sqrt(yty / n))
            if y_scale == 0:
                raise ValueError("y is constant; there is nothing to fit")
            G /= scale
            G /= scale[:, None]
            b /= scale * y_scale
            yty /= y_scale**2
        else:
            scale = np.ones(m)
            y_scale = 1.0
        return G, b, yty, x_mean, y_mean, scale, y_scale

    def fit(self, X, y):
        """Fit the sparse Bayesian model.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Design matrix, finite values.
        y : array_like, shape (n_samples,)
            Target.

        Returns
        -------
        RVR
            The fitted estimator.
        """
        X, y = _check_xy(X, y)
        t0 = time.perf_counter()
        G, b, yty, x_mean, y_mean, scale, y_scale = self._gram(X, y)
        t1 = time.perf_counter()
        sol = rvm_solve(
            G,
            b,
            yty,
            len(y),
            solver=self.solver,
            beta=self.beta,
            update_beta=self.update_beta,
            threshold_alpha=self.threshold_alpha,
            min_relevance=self.min_relevance,
            max_iter=self.max_iter,
            tol=self.tol,
            screen=self.screen,
        )
        self.timings_ = {"gram": t1 - t0, "solve": time.perf_counter() - t1}
        m = X.shape[1]
        act = sol.active
        d = y_scale / scale[act]
        coef = np.zeros(m)
        coef[act] = sol.mu * d
        self.coef_ = coef
        self.intercept_ = float(y_mean - x_mean @ coef)
        self.active_ = act
        self.sigma_ = sol.sigma * np.outer(d, d)
        self.alpha_ = sol.alpha
        self.beta_ = sol.beta / y_scale**2
        self.log_evidence_ = sol.log_evidence
        self.n_iter_ = sol.n_iter
        self.n_features_in_ = m
        self._x_mean = x_mean
        self.solution_ = sol
        return self

    def predict(self, X, return_std=False):
        """Predictive mean and, optionally, standard deviation.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            New rows.
        return_std : bool
            Also return :math:`(\\beta^{-1} + x^T \\Sigma x)^{1/2}`.

        Returns
        -------
        mean : numpy.ndarray
            Predictive mean.
        std : numpy.ndarray
            Predictive standard deviation (only with ``return_std=True``).
        """
        if not hasattr(self, "coef_"):
            raise RuntimeError("this RVR is not fitted yet; call fit(X, y) first")
        X = _check_xy(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} columns but the model was fitted with "
                f"{self.n_features_in_}"
            )
        mean = X @ self.coef_ + self.intercept_
        if not return_std:
            return mean
        # The intercept's own uncertainty is not included (it is estimated by
        # centring, as in scikit-learn's ARDRegression).
        Xa = X[:, self.active_] - self._x_mean[self.active_]
        var = 1.0 / self.beta_ + np.einsum("ij,jk,ik->i", Xa, self.sigma_, Xa)
        return mean, np.sqrt(var)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class RVC(*_base_estimator()):
    """Relevance vector classification (Bernoulli likelihood, Laplace).

    :math:`P(t=1 \\mid x) = \\sigma(x^T w + c)`, :math:`w_i \\sim N(0,
    \\alpha_i^{-1})`. For given :math:`\\alpha` the posterior is replaced by a
    Gaussian at its mode (Newton iterations), with covariance
    :math:`\\Sigma = (A + \\Phi^T B \\Phi)^{-1}`, :math:`B = \\mathrm{diag}
    (\\pi_n (1-\\pi_n))`; then :math:`\\alpha_i \\leftarrow \\gamma_i / \\mu_i^2`
    (Tipping 2001, section 4).

    Parameters
    ----------
    threshold_alpha : float
        Prune columns with larger precision.
    max_iter : int
        Outer (hyperparameter) iterations.
    tol : float
        Tolerance on the largest change of :math:`\\log \\alpha`.

    Attributes
    ----------
    coef_ : numpy.ndarray
        Posterior-mode weights (zero for pruned columns).
    intercept_ : float
        Bias (an unpenalised column).
    active_ : numpy.ndarray
        Indices of the kept columns.
    sigma_ : numpy.ndarray
        Laplace covariance of the kept weights.
    classes_ : numpy.ndarray
        The two class labels.
    """

    def __init__(self, threshold_alpha=1e6, max_iter=500, tol=1e-6):
        self.threshold_alpha = threshold_alpha
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        """Fit the classifier.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            Design matrix.
        y : array_like, shape (n_samples,)
            Two class labels.

        Returns
        -------
        RVC
            The fitted estimator.
        """
        X = _check_xy(X)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != X.shape[0]:
            raise ValueError(
                f"y must be 1-D with {X.shape[0]} labels, got shape {y.shape}"
            )
        classes = np.unique(y)
        if len(classes) != 2:
            raise ValueError(f"RVC needs exactly two classes, got {len(classes)}")
        t = (y == classes[1]).astype(float)
        n, m = X.shape
        Phi = np.column_stack([np.ones(n), X])
        alpha = np.ones(m + 1)
        alpha[0] = 1e-8  # the bias is effectively unpenalised
        act = np.arange(m + 1)
        w = np.zeros(m + 1)
        converged = False
        for _ in range(self.max_iter):
            Pa = Phi[:, act]
            wa = w[act]
            for _ in range(50):
                p = _sigmoid(Pa @ wa)
                grad = Pa.T @ (t - p) - alpha[act] * wa
                hess = (Pa * (p * (1 - p))[:, None]).T @ Pa
                hess[np.diag_indices_from(hess)] += alpha[act]
                step = sla.solve(hess, grad, assume_a="pos")
                wa = wa + step
                if np.max(np.abs(step)) < 1e-10:
                    break
            p = _sigmoid(Pa @ wa)
            hess = (Pa * (p * (1 - p))[:, None]).T @ Pa
            hess[np.diag_indices_from(hess)] += alpha[act]
            sigma = sla.inv(hess)
            gamma = 1.0 - alpha[act] * np.diag(sigma)
            new = gamma / np.maximum(wa**2, 1e-300)
            new[act == 0] = 1e-8
            change = np.max(np.abs(np.log(new) - np.log(alpha[act])))
            alpha[act] = new
            w[:] = 0.0
            w[act] = wa
            keep = (alpha[act] < self.threshold_alpha) | (act == 0)
            pruned = not keep.all()
            alpha[act[~keep]] = np.inf
            act = act[keep]
            if change < self.tol and not pruned:
                converged = True
                break
        if not converged:
            warn(
                f"RVC did not converge in {self.max_iter} iterations; raise max_iter",
                ConvergenceWarning,
            )
        w[[i for i in range(m + 1) if i not in set(act)]] = 0.0
        keep_sigma = act != 0
        self.classes_ = classes
        self.intercept_ = float(w[0])
        self.coef_ = w[1:].copy()
        self.active_ = act[keep_sigma] - 1
        self.sigma_ = sigma[np.ix_(keep_sigma, keep_sigma)]
        self._sigma_full = sigma
        self._act_full = act
        self.alpha_ = alpha[1:]
        self.n_features_in_ = m
        return self

    def predict_proba(self, X):
        """Class probabilities, with the posterior spread (probit approximation).

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            New rows.

        Returns
        -------
        numpy.ndarray, shape (n_samples, 2)
            Probabilities of ``classes_[0]`` and ``classes_[1]``.
        """
        X = _check_xy(X)
        Phi = np.column_stack([np.ones(len(X)), X])[:, self._act_full]
        w = np.concatenate([[self.intercept_], self.coef_])[self._act_full]
        mean = Phi @ w
        var = np.einsum("ij,jk,ik->i", Phi, self._sigma_full, Phi)
        p1 = _sigmoid(mean / np.sqrt(1.0 + math.pi * var / 8.0))
        return np.column_stack([1 - p1, p1])

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
            New rows.

        Returns
        -------
        numpy.ndarray
            Predicted labels.
        """
        return self.classes_[(self.predict_proba(X)[:, 1] > 0.5).astype(int)]
