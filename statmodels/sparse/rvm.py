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
    by rank-one formulas; :math:`\\beta` is re-estimated every few iterations
    with a full recomputation.

Both solvers work from the Gram matrix :math:`\\Phi^T \\Phi`, computed once.

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
"""

from __future__ import annotations

import math
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


def _posterior(G, b, alpha_act, act, beta):
    """Posterior covariance and mean on the active set, and log|Sigma^-1|."""
    Gaa = G[np.ix_(act, act)]
    prec = beta * Gaa
    prec[np.diag_indices_from(prec)] += alpha_act
    try:
        chol = sla.cholesky(prec, lower=True)
    except sla.LinAlgError:
        # Near-singular precision (collinear kept columns): add a tiny jitter.
        jitter = 1e-10 * np.trace(prec) / len(act)
        prec[np.diag_indices_from(prec)] += jitter
        chol = sla.cholesky(prec, lower=True)
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
    return RVMSolution(act, alpha, beta, mu, sigma, np.array(trace), it, converged)


class _FastState:
    """Posterior and factors of the fast algorithm, with rank-one updates."""

    def __init__(self, G, b, yty, n, beta):
        self.G, self.b, self.yty, self.n = G, b, yty, n
        self.diag = np.diag(G).copy()
        self.beta = beta
        self.alpha = np.full(len(b), np.inf)
        self.act: list[int] = []

    def recompute(self):
        act = np.array(self.act)
        sigma, mu, logdet = _posterior(self.G, self.b, self.alpha[act], act, self.beta)
        Gma = self.G[:, act]
        beta = self.beta
        self.sigma, self.mu = sigma, mu
        self.S = beta * self.diag - beta**2 * np.einsum("mk,mk->m", Gma @ sigma, Gma)
        self.Q = beta * self.b - beta * (Gma @ mu)
        rss = _rss(self.G, self.b, self.yty, act, mu)
        self.rss = rss
        self.L = _evidence(self.n, beta, self.alpha[act], logdet, rss, mu)
        return self.L

    def gains(self):
        """Increase of the log-evidence for the best action on every column."""
        S, Q, alpha = self.S, self.Q, self.alpha
        inside = np.isfinite(alpha)
        s = S.copy()
        q = Q.copy()
        a = alpha[inside]
        denom = a - S[inside]
        s[inside] = a * S[inside] / denom
        q[inside] = a * Q[inside] / denom
        theta = q**2 - s
        gain = np.full(len(S), -np.inf)
        new_alpha = np.full(len(S), np.inf)
        pos = theta > 0
        new_alpha[pos] = s[pos] ** 2 / theta[pos]
        add = pos & ~inside
        Q2 = Q**2
        gain[add] = 0.5 * ((Q2[add] - S[add]) / S[add] + np.log(S[add] / Q2[add]))
        est = pos & inside
        est &= new_alpha != alpha
        if est.any():
            d = 1.0 / new_alpha[est] - 1.0 / alpha[est]
            gain[est] = 0.5 * (Q2[est] * d / (S[est] * d + 1.0) - np.log1p(S[est] * d))
        if len(self.act) > 1:
            dele = ~pos & inside
            if dele.any():
                gain[dele] = 0.5 * (
                    Q2[dele] / (S[dele] - alpha[dele])
                    - np.log1p(-S[dele] / alpha[dele])
                )
        return gain, new_alpha, theta

    def add(self, i, alpha_i):
        act = np.array(self.act, dtype=int)
        beta = self.beta
        sii = 1.0 / (alpha_i + self.S[i])
        mui = sii * self.Q[i]
        if len(act):
            e = beta * (self.sigma @ self.G[act, i])
            v = self.G[:, i] - self.G[:, act] @ e
            k = len(act)
            sigma = np.empty((k + 1, k + 1))
            sigma[:k, :k] = self.sigma + sii * np.outer(e, e)
            sigma[:k, k] = sigma[k, :k] = -sii * e
            sigma[k, k] = sii
            self.mu = np.append(self.mu - mui * e, mui)
        else:
            v = self.G[:, i].copy()
            sigma = np.array([[sii]])
            self.mu = np.array([mui])
        self.sigma = sigma
        self.S = self.S - sii * beta**2 * v**2
        self.Q = self.Q - mui * beta * v
        self.act.append(i)
        self.alpha[i] = alpha_i

    def _downdate(self, j, kappa):
        act = np.array(self.act, dtype=int)
        col = self.sigma[:, j].copy()
        muj = self.mu[j]
        self.sigma = self.sigma - kappa * np.outer(col, col)
        self.mu = self.mu - kappa * muj * col
        w = self.G[:, act] @ col
        self.S = self.S + kappa * self.beta**2 * w**2
        self.Q = self.Q + kappa * muj * self.beta * w

    def reestimate(self, i, alpha_i):
        j = self.act.index(i)
        delta = alpha_i - self.alpha[i]
        self._downdate(j, 1.0 / (self.sigma[j, j] + 1.0 / delta))
        self.alpha[i] = alpha_i

    def delete(self, i):
        j = self.act.index(i)
        self._downdate(j, 1.0 / self.sigma[j, j])
        keep = np.ones(len(self.act), dtype=bool)
        keep[j] = False
        self.sigma = self.sigma[np.ix_(keep, keep)]
        self.mu = self.mu[keep]
        self.act.pop(j)
        self.alpha[i] = np.inf

    def update_beta(self):
        """Re-estimate the noise precision; never lowers the evidence."""
        L_old, beta_old = self.L, self.beta
        act = np.array(self.act)
        gamma_sum = np.sum(1.0 - self.alpha[act] * np.diag(self.sigma))
        rss = self.rss
        candidates = [
            max(self.n - gamma_sum, 1e-12) / rss,  # MacKay fixed point
            self.n / (rss + gamma_sum / beta_old),  # EM step: monotone
        ]
        for beta in candidates:
            self.beta = beta
            if self.recompute() >= L_old:
                return self.L
        self.beta = beta_old
        return self.recompute()


def _fast(G, b, yty, n, *, beta, update_beta, max_iter, tol, beta_every=5):
    diag = np.diag(G)
    if beta is None:
        beta0 = 10.0 * n / yty
    else:
        beta0 = float(beta)
    state = _FastState(G, b, yty, n, beta0)
    proj = b**2 / diag
    i0 = int(np.argmax(proj))
    if update_beta and proj[i0] - 1.0 / beta0 <= 0:
        beta0 = 2.0 / proj[i0]
        state.beta = beta0
    denom = proj[i0] - 1.0 / state.beta
    alpha0 = diag[i0] / denom if denom > 0 else diag[i0] / proj[i0]
    state.act = [i0]
    state.alpha[i0] = alpha0
    trace = [state.recompute()]
    actions = []
    converged = False
    since_beta = 0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        gain, new_alpha, theta = state.gains()
        i = int(np.argmax(gain))
        best = gain[i]
        if best > tol:
            if not np.isfinite(state.alpha[i]):
                state.add(i, new_alpha[i])
                actions.append(("add", i))
            elif theta[i] > 0:
                state.reestimate(i, new_alpha[i])
                actions.append(("reestimate", i))
            else:
                state.delete(i)
                actions.append(("delete", i))
            state.L += best
            since_beta += 1
        # The noise update costs a full recomputation, O(m k^2): space it out
        # with the model size k.
        every = max(beta_every, len(state.act))
        if update_beta and (since_beta >= every or best <= tol):
            before = state.L
            state.update_beta()
            since_beta = 0
            if best <= tol and state.L - before <= tol:
                trace.append(state.L)
                converged = True
                break
        elif best <= tol:
            state.recompute()
            trace.append(state.L)
            converged = True
            break
        elif it % 50 == 0:
            # Periodic full recomputation bounds the rounding drift of the
            # rank-one updates.
            state.recompute()
        trace.append(state.L)
    state.recompute()
    order = np.argsort(state.act)
    act = np.array(state.act, dtype=int)[order]
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
        Columns with a larger precision are pruned (during the iterations for
        ``"mackay"``, after convergence for ``"fast"``).
    min_relevance : float, optional
        After convergence, prune columns whose posterior z-score
        :math:`|\\mu_i|/\\Sigma_{ii}^{1/2}` is below this value.
    max_iter : int, optional
        Iteration cap (default 2000 for ``"mackay"``, ``20 m + 200`` for
        ``"fast"``).
    tol : float, optional
        Convergence tolerance: on the largest change of :math:`\\log\\alpha`
        (``"mackay"``, default 1e-8) or on the largest log-evidence gain of one
        action (``"fast"``, default 1e-9).

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
    cols = np.arange(m)
    traces = []
    n_iter = 0
    for _ in range(m + 1):
        Gs = G[np.ix_(cols, cols)]
        bs = b[cols]
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
            sol = _fast(
                Gs,
                bs,
                yty,
                n,
                beta=beta,
                update_beta=update_beta,
                max_iter=20 * len(cols) + 200 if max_iter is None else max_iter,
                tol=1e-9 if tol is None else tol,
            )
        traces.append(sol.log_evidence)
        n_iter += sol.n_iter
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

    def _prepare(self, X, y):
        n, m = X.shape
        if n < 2:
            raise ValueError(f"need at least 2 rows to fit, got {n}")
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(m)
        y_mean = y.mean() if self.fit_intercept else 0.0
        Xc = X - x_mean
        scale = np.sqrt(np.mean(Xc**2, axis=0))
        tiny = scale <= 1e-12 * np.maximum(1.0, np.abs(x_mean))
        if tiny.any():
            what = "constant" if self.fit_intercept else "all zero"
            raise ValueError(
                f"column(s) {np.nonzero(tiny)[0][:10].tolist()} of X are {what}; "
                "drop them (the intercept already carries a constant)"
            )
        yc = y - y_mean
        if self.standardize:
            y_scale = float(np.sqrt(np.mean(yc**2)))
            if y_scale == 0:
                raise ValueError("y is constant; there is nothing to fit")
        else:
            scale = np.ones(m)
            y_scale = 1.0
        Xs = Xc / scale
        ys = yc / y_scale
        return Xs, ys, x_mean, y_mean, scale, y_scale

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
        Xs, ys, x_mean, y_mean, scale, y_scale = self._prepare(X, y)
        G = Xs.T @ Xs
        b = Xs.T @ ys
        sol = rvm_solve(
            G,
            b,
            float(ys @ ys),
            len(ys),
            solver=self.solver,
            beta=self.beta,
            update_beta=self.update_beta,
            threshold_alpha=self.threshold_alpha,
            min_relevance=self.min_relevance,
            max_iter=self.max_iter,
            tol=self.tol,
        )
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
