"""Predictions from a survival fit, with intervals.

Every prediction is a function of the parameters evaluated through
:meth:`Fit.transform`: the delta method for an MLE, with the interval built on
a scale that respects the quantity's range (complementary log-log for
probabilities, log for hazards, times and means), or the posterior draws for a
Bayesian fit.
"""

from __future__ import annotations

import re

import jax.numpy as jnp
import numpy as np
import numpy.polynomial.legendre as legendre
import pandas as pd
import scipy.stats

from statmodels.survival.model import SURVREG_DISTS

TYPES = ("survival", "hazard", "cumhaz", "quantile", "median", "rmst", "cure")
LINK = {
    "survival": "cloglog",
    "hazard": "log",
    "cumhaz": "log",
    "quantile": "log",
    "median": "log",
    "rmst": "log",
    "cure": "cloglog",
}
# Gauss-Legendre rule for restricted means, in x with t = tau * x^2, which
# smooths the t^gamma behaviour of S near t = 0.
_GL_X, _GL_W = legendre.leggauss(96)
_GL_X, _GL_W = (_GL_X + 1) / 2, _GL_W / 2


def predict(
    fit,
    newdata: pd.DataFrame | None = None,
    type: str = "survival",
    times=None,
    p=None,
    level: float | None = None,
) -> pd.DataFrame:
    """Predict from a survival fit.

    Parameters
    ----------
    fit
        A fit returned by :func:`statmodels.survreg`.
    newdata
        Covariate rows (a DataFrame or a dict of columns); default: the fitted
        rows.
    type
        ``"survival"``, ``"hazard"`` or ``"cumhaz"`` at ``times``;
        ``"quantile"`` at probabilities ``p``; ``"median"``; ``"rmst"``, the
        restricted mean survival time up to each of ``times``; ``"cure"``, the
        cure fraction ``S(inf)`` (zero unless kappa < 0).
    times
        Times for survival, hazard, cumhaz and rmst.
    p
        Probabilities for ``"quantile"`` (default 0.25, 0.5, 0.75).
    level
        Interval level (default: the fit's, 0.95).

    Returns
    -------
    pandas.DataFrame
        Long format: ``row`` (the index of ``newdata``), ``time`` or ``p``
        where relevant, ``estimate``, ``std_error``, ``lower``, ``upper``.
        Quantiles that the distribution never reaches (beyond a cure
        fraction) are ``inf``; their ``std_error`` and ``upper`` are ``inf``
        and, for an MLE, ``lower`` is NaN: the delta method gives no bound.
    """
    if type not in TYPES:
        raise ValueError(f"unknown prediction type {type!r}; use one of {TYPES}")
    model = fit.model
    X = model.new_designs(newdata)
    rows = model.frame().index if newdata is None else pd.DataFrame(newdata).index
    family = model.family
    grid_name, grid = None, None
    if type in ("survival", "hazard", "cumhaz", "rmst"):
        if times is None:
            raise ValueError(f"type={type!r} needs times=, e.g. times=[30, 90, 180]")
        grid_name, grid = "time", np.atleast_1d(np.asarray(times, dtype=float))
        if np.any(grid < 0) or not np.all(np.isfinite(grid)):
            raise ValueError("times must be finite and non-negative")
    elif type in ("quantile", "median"):
        probs = [0.5] if type == "median" else ([0.25, 0.5, 0.75] if p is None else p)
        grid_name, grid = "p", np.atleast_1d(np.asarray(probs, dtype=float))
        if np.any((grid <= 0) | (grid >= 1)):
            raise ValueError("probabilities p must lie strictly between 0 and 1")

    def fn(params):
        eta = model.linear_predictors(params, X)
        m = X[next(iter(X))].shape[0]
        eta = {k: jnp.broadcast_to(v, (m,))[:, None] for k, v in eta.items()}
        if type == "cure":
            return family.cure_fraction(**eta)[:, 0]
        if type in ("quantile", "median"):
            return family.quantile(jnp.asarray(grid)[None, :], **eta)
        t = jnp.asarray(grid)[None, :]
        if type == "rmst":
            u = t[..., None] * _GL_X**2
            pos = u > 0
            log_cum = family.log_cumhaz(
                jnp.where(pos, u, 1.0), **{k: v[..., None] for k, v in eta.items()}
            )
            surv = jnp.where(pos, jnp.exp(-jnp.exp(log_cum)), 1.0)
            return jnp.sum(surv * 2 * t[..., None] * _GL_X * _GL_W, axis=-1)
        pos = t > 0
        ts = jnp.where(pos, t, 1.0)
        if type == "hazard":
            return jnp.exp(family.log_hazard(ts, **eta))
        cum = jnp.where(pos, jnp.exp(family.log_cumhaz(ts, **eta)), 0.0)
        return cum if type == "cumhaz" else jnp.exp(-cum)

    out = fit.transform(fn, link=LINK[type], level=level)
    if not fit.is_bayesian:
        out["lower"] = np.where(np.isinf(out["estimate"]), np.nan, out["lower"])
    est = out["estimate"]
    frame = {"row": np.repeat(np.asarray(rows), 1 if est.ndim == 1 else est.shape[1])}
    if grid_name is not None:
        frame[grid_name] = np.tile(grid, len(rows))
    for key in ("estimate", "std_error", "lower", "upper"):
        frame[key] = np.ravel(out[key])
    return pd.DataFrame(frame)


def r_name(term: str) -> str:
    """R's name for a formulaic column: ``celltype[T.adeno]`` is ``celltypeadeno``."""
    return re.sub(r"\[T\.(.*)\]$", r"\1", term)


def survreg_table(fit) -> pd.DataFrame | None:
    """The fit in R survreg's parametrisation, or None where it has none.

    survreg writes ``log T = mu + sigma W`` with ``mu = X beta``. In the APGW
    parameters an AFT fit (lambda = 1) has ``mu = -log phi`` and ``sigma =
    1 / gamma``; a Weibull PH fit (phi = 1) has ``beta = -beta_lambda / gamma``.
    Standard errors follow by the delta method (MLE) or from the draws.
    """
    model = fit.model
    if model.dist not in SURVREG_DISTS or model.user_formulas:
        return None
    if model.designs.get("gamma") is not None and model.designs["gamma"].columns != [
        "(Intercept)"
    ]:
        return None
    aft = "phi" in model.designs and model.fixed.get("lambda") == 1.0
    ph = "lambda" in model.designs and model.fixed.get("phi") == 1.0
    if not (aft or (ph and model.dist in ("weibull", "exponential"))):
        return None
    scale_param = "phi" if aft else "lambda"
    names = [r_name(c) for c in model.designs[scale_param].columns]
    has_scale = "gamma" in model.designs

    def fn(params):
        log_gamma = params["gamma"][0] if has_scale else 0.0
        if aft:
            coefs = -params["phi"]
        else:
            coefs = -params["lambda"] / jnp.exp(log_gamma)
        if has_scale:
            return jnp.concatenate([coefs, jnp.atleast_1d(-log_gamma)])
        return coefs

    out = fit.transform(fn)
    index = names + (["Log(scale)"] if has_scale else [])
    if fit.is_bayesian:
        return pd.DataFrame(
            {"Mean": out["estimate"], "SD": out["std_error"]}, index=index
        )
    z = out["estimate"] / out["std_error"]
    return pd.DataFrame(
        {
            "Value": out["estimate"],
            "Std. Error": out["std_error"],
            "z": z,
            "Pr(>|z|)": 2 * scipy.stats.norm.sf(np.abs(z)),
        },
        index=index,
    )


__all__ = ["TYPES", "predict", "r_name", "survreg_table"]
