"""Shared code of the APGW reference programs (not a test module).

The adapted power generalised Weibull (APGW) family of Burke, Jones & Noufaily
(2020), in the parametrisation used by statmodels: phi > 0 (AFT scale),
lambda > 0 (PH scale), gamma > 0 (shape), kappa > -1. With z = (phi t)^gamma and
a = kappa + 1,

    H0(z) = (a / kappa) ((1 + z / a)^kappa - 1)      (kappa -> 0: a log1p(z / a)),
    H(t) = lambda H0(z),   S(t) = exp(-H(t)).

Links: log phi = X b_phi, log lambda = X b_lambda, log gamma = X b_gamma,
log(kappa + 1) = X b_kappa. A parameter "fixed at 1" has no coefficients and a
zero linear predictor.

Two independent likelihoods are provided:

* ``make_lifelines_fitter``: a lifelines ``ParametricRegressionFitter`` that only
  defines H(t) (in autograd.numpy); lifelines obtains h(t) by differentiating it.
* ``APGWLikelihood``: plain numpy, with the hazard written out analytically,
  h(t) = lambda gamma (z / t) (1 + z / a)^(kappa - 1), maximised with scipy.
"""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pandas as pd
from formulaic import model_matrix
from lifelines.exceptions import ConvergenceError
from lifelines.fitters import ParametricRegressionFitter
from scipy import optimize

# Parameter order: alphabetical, as lifelines (autograd's flatten) orders them.
PARAMS = ("gamma", "kappa", "lambda", "phi")
SMALL = 1e-6  # below |kappa * w| = SMALL, expm1(u) / u is replaced by its series


def cumulative_hazard(eta: dict, t, xp=np):
    """H(t) from the linear predictors ``eta`` (a missing key means fixed at 1).

    ``xp`` is numpy or autograd.numpy. H0 is written as
    a * w * expm1(kappa * w) / (kappa * w) with w = log1p(z / a).
    """
    log_phi = eta.get("phi", 0.0)
    log_lambda = eta.get("lambda", 0.0)
    gamma = xp.exp(eta.get("gamma", 0.0))
    log_a = eta.get("kappa", 0.0)
    a = xp.exp(log_a)
    kappa = xp.expm1(log_a)
    z = xp.exp(gamma * (log_phi + xp.log(t)))
    w = xp.log1p(z / a)
    u = kappa * w
    small = xp.abs(u) < SMALL
    u_safe = xp.where(small, 1.0, u)
    ratio = xp.where(small, 1.0 + u / 2.0 + u * u / 6.0, xp.expm1(u_safe) / u_safe)
    return xp.exp(log_lambda) * a * w * ratio


def log_hazard(eta: dict, t: np.ndarray) -> np.ndarray:
    """log h(t), analytically: log lambda + log gamma + log z - log t + (kappa-1) w."""
    log_phi = eta.get("phi", 0.0)
    log_lambda = eta.get("lambda", 0.0)
    log_gamma = eta.get("gamma", 0.0)
    log_a = eta.get("kappa", 0.0)
    log_z = np.exp(log_gamma) * (log_phi + np.log(t))
    w = np.log1p(np.exp(log_z - log_a))
    return log_lambda + log_gamma + log_z - np.log(t) + (np.expm1(log_a) - 1.0) * w


def design(formulas: dict[str, str], df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Model matrices (intercept first) for each free parameter, by formulaic."""
    return {p: pd.DataFrame(model_matrix(formulas[p], df)) for p in sorted(formulas)}


class APGWLikelihood:
    """Right-censored APGW log-likelihood in numpy, and its maximisation by scipy."""

    def __init__(self, X: dict[str, pd.DataFrame], time, event):
        self.X = X
        self.t = np.asarray(time, dtype=float)
        self.d = np.asarray(event, dtype=float)
        self.sizes = {p: X[p].shape[1] for p in X}
        # Column scales used only inside the optimiser (results are unscaled).
        std = np.concatenate([X[p].std(ddof=1).to_numpy() for p in X])
        self.scale = np.where(std < 1e-8, 1.0, std)

    def unflatten(self, beta: np.ndarray) -> dict[str, np.ndarray]:
        out, i = {}, 0
        for p, k in self.sizes.items():
            out[p] = beta[i : i + k]
            i += k
        return out

    def flatten(self, coef: dict[str, np.ndarray]) -> np.ndarray:
        return np.concatenate([np.asarray(coef[p], dtype=float) for p in self.sizes])

    def loglik(self, beta: np.ndarray) -> float:
        b = self.unflatten(beta)
        eta = {p: self.X[p].to_numpy() @ b[p] for p in b}
        ll = self.d * log_hazard(eta, self.t) - cumulative_hazard(eta, self.t)
        return float(np.sum(ll))

    def gradient(self, beta: np.ndarray, rel: float = 1e-6) -> np.ndarray:
        """Central-difference gradient of the log-likelihood (in raw units)."""
        g = np.empty_like(beta)
        for j in range(beta.size):
            theta_j = beta[j] * self.scale[j]
            h = rel * max(1.0, abs(theta_j)) / self.scale[j]
            e = np.zeros_like(beta)
            e[j] = h
            g[j] = (self.loglik(beta + e) - self.loglik(beta - e)) / (2 * h)
        return g

    def hessian(self, beta: np.ndarray, step: float) -> np.ndarray:
        """Central-difference Hessian, taken in scaled coordinates theta = beta*s."""
        theta = beta * self.scale
        k = theta.size

        def f(th):
            return self.loglik(th / self.scale)

        hess = np.empty((k, k))
        for i in range(k):
            for j in range(i, k):
                ei = np.zeros(k)
                ej = np.zeros(k)
                ei[i] = step
                ej[j] = step
                val = (
                    f(theta + ei + ej)
                    - f(theta + ei - ej)
                    - f(theta - ei + ej)
                    + f(theta - ei - ej)
                ) / (4 * step * step)
                hess[i, j] = hess[j, i] = val
        return hess * np.outer(self.scale, self.scale)

    def fit(self, starts: dict[str, np.ndarray]) -> dict:
        """BFGS (3-point numerical gradient) from each start; keep the best and
        polish it with Newton steps. SEs come from the numerical Hessian."""
        best = None
        runs = {}
        for name, start in starts.items():
            with np.errstate(all="ignore"):  # trial steps may overflow; fine
                res = optimize.minimize(
                    lambda th: -self.loglik(th / self.scale),
                    np.asarray(start) * self.scale,
                    method="BFGS",
                    jac="3-point",
                    options={"gtol": 1e-6, "maxiter": 5000},
                )
            ll = -float(res.fun)
            runs[name] = {
                "loglik": ll if np.isfinite(ll) else None,
                "success": bool(res.success),
            }
            if np.isfinite(res.fun) and (best is None or res.fun < best[1].fun):
                best = (name, res)
        name, res = best
        beta = self.newton_polish(res.x / self.scale)
        cov = np.linalg.inv(-self.richardson_hessian(beta))
        return {
            "beta": beta,
            "se": np.sqrt(np.diag(cov)),
            "loglik": self.loglik(beta),
            "best_start": name,
            "runs": runs,
            "max_abs_gradient": float(np.max(np.abs(self.gradient(beta)))),
            "max_abs_newton_step": self.newton_step(beta),
        }

    def richardson_hessian(self, beta: np.ndarray) -> np.ndarray:
        """Hessian with the O(step^2) error removed by Richardson extrapolation."""
        return (4 * self.hessian(beta, 2e-4) - self.hessian(beta, 4e-4)) / 3

    def newton_step(self, beta: np.ndarray) -> float:
        """Largest |component| of the Newton step -H^-1 g: how far (in raw units)
        ``beta`` is estimated to be from the maximum."""
        step = np.linalg.solve(self.richardson_hessian(beta), self.gradient(beta))
        return float(np.max(np.abs(step)))

    def newton_polish(self, beta: np.ndarray, iterations: int = 5) -> np.ndarray:
        """A few Newton steps on top of BFGS, each kept only if it does not
        lower the log-likelihood."""
        for _ in range(iterations):
            hess = self.richardson_hessian(beta)
            trial = beta - np.linalg.solve(hess, self.gradient(beta))
            if not self.loglik(trial) >= self.loglik(beta):
                break
            beta = trial
        return beta


# lifelines minimises the mean negative log-likelihood. Its default BFGS reaches
# the optimum from every start tried; a second run from there with SLSQP and a
# tight ftol (as lifelines' own WeibullAFTFitter uses) then polishes it.
POLISH_METHOD = "SLSQP"
POLISH_OPTIONS = {"ftol": 1e-15, "maxiter": 1000}


def make_lifelines_fitter(
    free: list[str], options: dict | None = None, method: str = "BFGS"
) -> ParametricRegressionFitter:
    """A lifelines fitter with the APGW cumulative hazard; ``free`` are the
    parameters that have coefficients (named with a trailing underscore)."""

    class APGWFitter(ParametricRegressionFitter):
        _fitted_parameter_names = [f"{p}_" for p in sorted(free)]
        _scipy_fit_method = method
        _scipy_fit_options = dict(options or {})

        def _cumulative_hazard(self, params, T, Xs):
            eta = {p: anp.dot(Xs[f"{p}_"], params[f"{p}_"]) for p in free}
            return cumulative_hazard(eta, T, xp=anp)

    return APGWFitter()


def fit_lifelines(
    df: pd.DataFrame,
    duration_col: str,
    event_col: str,
    formulas: dict[str, str],
    starts: dict[str, dict[str, np.ndarray]],
):
    """Fit with lifelines from each start (raw-unit coefficients); keep the best,
    then polish it. Returns (best start name, fitter, per-start log-likelihoods,
    whether the polish was kept), or None for the fitter if no start converged.

    ``df`` should hold only the duration, event and covariate columns. lifelines
    optimises coefficients of columns divided by their standard deviation, so
    each start is multiplied by those deviations first.
    """
    X = design(formulas, df)
    std = {}
    for p, m in X.items():
        s = m.std(ddof=1).to_numpy()
        std[p] = np.where(s < 1e-8, 1.0, s)
    regressors = {f"{p}_": formulas[p] for p in sorted(formulas)}

    def run(start, options=None, method="BFGS"):
        fitter = make_lifelines_fitter(sorted(formulas), options, method)
        init = {f"{p}_": np.asarray(start[p]) * std[p] for p in sorted(formulas)}
        fitter.fit(
            df.copy(),
            duration_col,
            event_col,
            regressors=regressors,
            initial_point=init,
        )
        return fitter

    best, runs = None, {}
    for name, start in starts.items():
        try:
            fitter = run(start)
        except ConvergenceError as err:
            runs[name] = {"loglik": None, "error": str(err).strip().splitlines()[0]}
            continue
        runs[name] = {"loglik": float(fitter.log_likelihood_)}
        if best is None or fitter.log_likelihood_ > best[1].log_likelihood_:
            best = (name, fitter)
    if best is None:
        return None, None, runs, False
    name, fitter = best
    estimate = {
        p: np.array(list(v.values())) for p, v in coef_tables(fitter)[0].items()
    }
    try:
        polished = run(estimate, POLISH_OPTIONS, POLISH_METHOD)
    except ConvergenceError:
        return name, fitter, runs, False
    if polished.log_likelihood_ >= fitter.log_likelihood_ - 1e-9:
        return name, polished, runs, True
    return name, fitter, runs, False


def coef_tables(fitter) -> tuple[dict, dict]:
    """{parameter: {term: value}} for lifelines' estimates and standard errors."""
    coef: dict[str, dict[str, float]] = {}
    se: dict[str, dict[str, float]] = {}
    for (param, term), value in fitter.params_.items():
        coef.setdefault(param.rstrip("_"), {})[term] = float(value)
        se.setdefault(param.rstrip("_"), {})[term] = float(
            fitter.standard_errors_[(param, term)]
        )
    return coef, se
