"""Stochastic ensemble Kalman filter with inflation and localisation.

Evensen, G. (1994), "Sequential data assimilation with a nonlinear
quasi-geostrophic model using Monte Carlo methods to forecast error
statistics", J. Geophys. Res. 99(C5); Burgers, G., van Leeuwen, P. J. &
Evensen, G. (1998), "Analysis scheme in the ensemble Kalman filter", Monthly
Weather Review 126, 1719-1724 (perturbed observations).

Each cycle forecasts every member :math:`x_i` with the model, inflates the
anomalies about the ensemble mean by a factor :math:`\\rho \\ge 1`, and
updates with perturbed observations,

.. math::

    x_i^a = x_i^f + K (y + \\epsilon_i - H x_i^f), \\qquad
    \\epsilon_i \\sim N(0, R), \\qquad
    K = P^f H^T (H P^f H^T + R)^{-1},

with :math:`P^f` the sample covariance, optionally tapered elementwise by the
Gaspari & Cohn (1999) correlation function of the periodic distance
(localisation). Without localisation the ensemble must be larger than the
state dimension, or :math:`P^f` is singular.
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np

from statmodels.inference.warnings import warn

__all__ = ["EnKFResult", "enkf", "gaspari_cohn"]


def gaspari_cohn(distance, radius):
    """Gaspari-Cohn fifth-order compactly supported correlation.

    Parameters
    ----------
    distance : array_like
        Non-negative distances.
    radius : float
        Half-width c; the function vanishes beyond 2c.

    Returns
    -------
    numpy.ndarray
        Correlations in [0, 1].
    """
    r = np.abs(np.asarray(distance, dtype=float)) / radius
    out = np.zeros_like(r)
    a = r <= 1
    b = (r > 1) & (r < 2)
    ra = r[a]
    out[a] = -0.25 * ra**5 + 0.5 * ra**4 + 0.625 * ra**3 - 5 / 3 * ra**2 + 1
    rb = r[b]
    out[b] = (
        rb**5 / 12 - 0.5 * rb**4 + 0.625 * rb**3 + 5 / 3 * rb**2 - 5 * rb + 4
    ) - 2 / (3 * rb)
    return out


@dataclass
class EnKFResult:
    """Output of :func:`enkf`.

    Attributes
    ----------
    analysis : numpy.ndarray, shape (n_times, n)
        Ensemble-mean analysis at each observation time.
    forecast : numpy.ndarray, shape (n_times, n)
        Ensemble-mean forecast before each analysis (the first row is the
        initial ensemble mean).
    spread : numpy.ndarray, shape (n_times,)
        Root-mean-square ensemble standard deviation after each analysis.
    """

    analysis: np.ndarray
    forecast: np.ndarray
    spread: np.ndarray


def enkf(
    model,
    observations,
    obs_std,
    *,
    obs_index=None,
    steps=1,
    n_members=None,
    inflation=1.0,
    localization=None,
    initial=None,
    initial_std=None,
    seed=0,
):
    """Assimilate noisy observations with a stochastic EnKF.

    Parameters
    ----------
    model : KuramotoSivashinsky
        Forecast model.
    observations : array_like, shape (n_times, n_obs)
        Observations at times ``steps * model.dt`` apart, of the grid points
        ``obs_index``.
    obs_std : float
        Standard deviation of the observation noise (R = obs_std^2 I).
    obs_index : array_like of int, optional
        Observed grid points (default: all).
    steps : int
        Model steps between observations.
    n_members : int, optional
        Ensemble size (default: state dimension + 20 without localisation,
        40 with it).
    inflation : float
        Multiplicative inflation of the forecast anomalies (>= 1).
    localization : float, optional
        Gaspari-Cohn half-width in units of x (None: no localisation).
    initial : array_like, shape (n,), optional
        Mean of the initial ensemble (default: the first observation
        interpolated onto the grid).
    initial_std : float, optional
        Spread of the initial ensemble (default ``obs_std``).
    seed : int
        Random seed.

    Returns
    -------
    EnKFResult
        Analysis and forecast means and the spread.
    """
    n = model.n
    obs = np.asarray(observations, dtype=float)
    idx = np.arange(n) if obs_index is None else np.asarray(obs_index, dtype=int)
    if obs.ndim != 2 or obs.shape[1] != len(idx):
        raise ValueError(
            f"observations must have shape (n_times, {len(idx)}), got {obs.shape}"
        )
    if not np.all(np.isfinite(obs)):
        raise ValueError("observations contain NaN or infinite values")
    if idx.min() < 0 or idx.max() >= n:
        raise ValueError(
            f"obs_index must lie in [0, {n}), got {idx.min()}..{idx.max()}"
        )
    if not obs_std > 0:
        raise ValueError(f"obs_std must be positive, got {obs_std}")
    if inflation < 1:
        raise ValueError(f"inflation must be at least 1, got {inflation}")
    if n_members is None:
        n_members = n + 20 if localization is None else 40
    if localization is None and n_members <= n:
        warn(
            f"{n_members} members for a state of dimension {n} without "
            "localisation: the sample covariance is singular; use more members "
            "or set localization",
        )
    rng = np.random.default_rng(seed)
    if initial is None:
        xo = model.x[idx]
        order = np.argsort(xo)
        initial = np.interp(model.x, xo[order], obs[0, order], period=model.length)
    initial = np.asarray(initial, dtype=float)
    spread0 = obs_std if initial_std is None else initial_std
    ens = initial + spread0 * rng.normal(size=(n_members, n))
    if localization is None:
        taper = np.ones((n, n))
    else:
        d = np.abs(model.x[:, None] - model.x[None, :])
        d = np.minimum(d, model.length - d)
        taper = gaspari_cohn(d, localization)
    H = np.zeros((len(idx), n))
    H[np.arange(len(idx)), idx] = 1.0
    noise = obs_std * rng.normal(size=(obs.shape[0], n_members, len(idx)))
    R = obs_std**2 * np.eye(len(idx))

    taper_j, H_j, R_j = jnp.asarray(taper), jnp.asarray(H), jnp.asarray(R)
    idx_j = jnp.asarray(idx)

    def analysis(xf, y, eps):
        mean = xf.mean(axis=0)
        anom = inflation * (xf - mean)
        xf = mean + anom
        P = taper_j * (anom.T @ anom) / (n_members - 1)
        PHt = P @ H_j.T
        S = H_j @ PHt + R_j
        innov = (y + eps) - xf[:, idx_j]
        xa = xf + jnp.linalg.solve(S, innov.T).T @ PHt.T
        return xa

    def cycle(ens, inputs):
        y, eps = inputs
        xf = model._advance(ens, steps, 0.0)
        xa = analysis(xf, y, eps)
        sd = jnp.sqrt(jnp.mean(jnp.var(xa, axis=0, ddof=1)))
        return xa, (xf.mean(axis=0), xa.mean(axis=0), sd)

    @jax.jit
    def run(ens, ys, eps):
        xa0 = analysis(ens, ys[0], eps[0])
        sd0 = jnp.sqrt(jnp.mean(jnp.var(xa0, axis=0, ddof=1)))
        _, (fm, am, sd) = jax.lax.scan(cycle, xa0, (ys[1:], eps[1:]))
        return (
            jnp.concatenate([ens.mean(axis=0)[None], fm]),
            jnp.concatenate([xa0.mean(axis=0)[None], am]),
            jnp.concatenate([sd0[None], sd]),
        )

    fm, am, sd = run(jnp.asarray(ens), jnp.asarray(obs), jnp.asarray(noise))
    return EnKFResult(np.asarray(am), np.asarray(fm), np.asarray(sd))
