"""Models of the one-step stock map fitted through the shared back ends.

Both classes take pairs ``(x_t, x_{t+1})`` and optional harvests ``h_t`` and
model the next stock as a function of the escapement ``S_t = x_t - h_t``.

:class:`GPDynamics` puts a Gaussian process prior on the map,

    x_{t+1} = f(S_t) + e_t,   f ~ GP(m, k),   e_t ~ N(0, sigma_n^2),
    k(S, S') = eta^2 exp(-(S - S')^2 / (2 ell^2)),

with mean ``m`` zero, linear (``m(S) = b S``) or a fixed parametric growth
curve, and optionally the pseudo-observation ``f(0) = 0`` (exact: no noise;
or noisy: the same noise as the data). The hyperparameters ``eta``
(``amplitude``), ``ell`` (``lengthscale``), ``sigma_n`` (``noise``) and ``b``
(``slope``) have the marginal likelihood

    log p(y | theta) = -1/2 r' C^{-1} r - 1/2 log det C - n/2 log(2 pi),

``r = y - m(S)``, ``C = K + diag(noise)``, and lognormal priors centred on
the data's scale for NUTS and for the posterior mode (``fit("map")``, see
:func:`~statmodels.inference.map_fit`). At fixed hyperparameters the
posterior predictive at ``S*`` is normal with mean ``m(S*) + k*' C^{-1} r``
and latent variance ``eta^2 - k*' C^{-1} k*``; the next stock adds ``sigma_n^2``.

:class:`ParametricDynamics` fits a Ricker, Allen or Myers map with
lognormal noise, ``log x_{t+1} ~ N(log f(S_t), sigma^2)``.

The authors' code differs from their text in the GP likelihood (it uses
``-log det C``, twice the standard term) and in the transition rows (latent
variance only, mean read one grid cell below the escapement);
``faithful_to_code=True`` reproduces those, the default is the standard form.

Reference: Boettiger, C., Mangel, M. and Munch, S. (2015). Avoiding tipping
points in fisheries management through Gaussian process dynamic
programming. Proceedings of the Royal Society B 282: 20141631.
"""

from __future__ import annotations

from functools import cache

import jax
import jax.numpy as jnp
import jax.scipy.linalg
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd

from statmodels.fisheries.growth import (
    GROWTH_MODELS,
    GrowthModel,
    growth_map,
    make_growth_model,
)
from statmodels.fisheries.transitions import TransitionSpec, check_grid
from statmodels.inference import Model, map_fit, mle, nuts

#: Relative jitter added to the GP covariance diagonal.
JITTER = 1e-10

MEAN_CHOICES = ("zero", "linear")
ZERO_CHOICES = ("exact", "noisy", "none")


def check_stock(values, name: str) -> np.ndarray:
    """Validate a stock (or harvest) vector: finite and nonnegative.

    Parameters
    ----------
    values : array_like
        The values.
    name : str
        Their name in error messages.

    Returns
    -------
    numpy.ndarray
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {v.shape}")
    missing = np.flatnonzero(~np.isfinite(v))
    if missing.size:
        raise ValueError(
            f"{name} has missing or infinite values at positions "
            f"{missing[:5].tolist()}; drop or impute them before fitting"
        )
    negative = np.flatnonzero(v < 0)
    if negative.size:
        i = negative[0]
        raise ValueError(
            f"{name} must be nonnegative; {name}[{i}] = {v[i]:g}. Stocks and "
            "harvests are amounts of fish: correct or drop the negative values"
        )
    return v


def pairs_from_series(series, harvest=None):
    """Consecutive pairs ``(x_t, x_{t+1})`` and the harvests between them.

    Parameters
    ----------
    series : array_like
        Stock ``x_0, ..., x_T``.
    harvest : array_like, optional
        Harvest ``h_0, ..., h_{T-1}`` (or ``T + 1`` values, the last ignored);
        zero by default.

    Returns
    -------
    x, y, h : numpy.ndarray
    """
    s = check_stock(series, "series")
    if s.size < 3:
        raise ValueError("the series needs at least 3 values")
    h = np.zeros(s.size - 1) if harvest is None else check_stock(harvest, "harvest")
    if h.size == s.size:
        h = h[:-1]
    if h.size != s.size - 1:
        raise ValueError(f"harvest has {h.size} values; the series needs {s.size - 1}")
    return s[:-1], s[1:], h


class _StockModel(Model):
    """Shared data handling of the two dynamics models."""

    def _set_data(self, x, y, harvest):
        self.x = check_stock(x, "x")
        self.y = check_stock(y, "y")
        if self.x.shape != self.y.shape:
            raise ValueError(
                f"x and y must have the same length; got {self.x.size}, {self.y.size}"
            )
        if self.x.size < 3:
            raise ValueError("need at least 3 pairs (x_t, x_{t+1})")
        h = np.zeros_like(self.x) if harvest is None else harvest
        self.harvest = check_stock(h, "harvest")
        if self.harvest.shape != self.x.shape:
            raise ValueError("harvest must have one value per pair")
        over = np.flatnonzero(self.harvest > self.x * (1 + 1e-12))
        if over.size:
            i = over[0]
            raise ValueError(
                f"harvest[{i}] = {self.harvest[i]:g} is larger than the stock "
                f"x[{i}] = {self.x[i]:g}; a harvest can be at most the stock it "
                "is taken from (before growth): check that the harvest column "
                "is aligned with the stock series"
            )
        self.S = np.maximum(self.x - self.harvest, 0.0)

    @property
    def nobs(self) -> int:
        return int(self.x.size)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"x": self.x, "y": self.y, "harvest": self.harvest})

    def observed_data(self):
        return {"y": self.y}

    def check_grid_covers(self, grid) -> np.ndarray:
        """Check that a state grid spans the observed stocks."""
        g = check_grid(grid)
        lo = min(self.S.min(), self.y.min())
        hi = max(self.x.max(), self.y.max())
        if g[0] > lo or g[-1] < hi:
            raise ValueError(
                f"the grid [{g[0]:g}, {g[-1]:g}] does not cover the data "
                f"[{lo:g}, {hi:g}]; extend the grid (it should start at 0 and "
                "reach above the largest stock)"
            )
        return g


def _thin(draws: dict, max_draws: int | None) -> dict:
    flat = {k: np.asarray(v).reshape((-1,) + np.shape(v)[2:]) for k, v in draws.items()}
    n = len(next(iter(flat.values())))
    if max_draws is not None and n > max_draws:
        keep = np.linspace(0, n - 1, max_draws).round().astype(int)
        flat = {k: v[keep] for k, v in flat.items()}
    return {k: jnp.asarray(v, dtype=float) for k, v in flat.items()}


# ---------------------------------------------------------------------------
# Gaussian process
# ---------------------------------------------------------------------------


def _sq_exp(a, b, amplitude, lengthscale):
    d = a[:, None] - b[None, :]
    return amplitude**2 * jnp.exp(-0.5 * (d / lengthscale) ** 2)


@cache
def _mean_function(mean: str, kind: str | None, form: str):
    def m(S, params, growth):
        if mean == "zero":
            return jnp.zeros_like(S)
        if mean == "linear":
            return params["slope"] * S
        return growth_map(kind, S, growth, form)

    return m


def _gp_parts(params, consts, mean_fn):
    """Cholesky factor and weights of the GP at fixed hyperparameters."""
    X, Y, weight = consts["X"], consts["Y"], consts["weight"]
    amp, ell, noise = params["amplitude"], params["lengthscale"], params["noise"]
    cov = _sq_exp(X, X, amp, ell)
    cov = cov + jnp.diag(noise**2 * weight + JITTER * amp**2)
    chol = jnp.linalg.cholesky(cov)
    resid = Y - mean_fn(X, params, consts["growth"])
    alpha = jax.scipy.linalg.cho_solve((chol, True), resid)
    return chol, alpha, resid


def _gp_at(parts, params, consts, S, mean_fn):
    """Predictive mean and latent variance at ``S`` from a factorisation."""
    chol, alpha, _ = parts
    ks = _sq_exp(S, consts["X"], params["amplitude"], params["lengthscale"])
    mu = mean_fn(S, params, consts["growth"]) + ks @ alpha
    v = jax.scipy.linalg.solve_triangular(chol, ks.T, lower=True)
    var = jnp.maximum(params["amplitude"] ** 2 - jnp.sum(v**2, axis=0), 0.0)
    return mu, var


def gp_predict(params, consts, S, mean_fn):
    """GP posterior mean and latent variance at ``S`` (fixed hyperparameters)."""
    return _gp_at(_gp_parts(params, consts, mean_fn), params, consts, S, mean_fn)


@cache
def _gp_moments(mean: str, kind: str | None, form: str, faithful: bool):
    mean_fn = _mean_function(mean, kind, form)

    def moments(draw, consts, S):
        # One Cholesky factorisation per draw, used at every escapement.
        parts = _gp_parts(draw, consts, mean_fn)
        if faithful:
            # The authors' code reads the mean one grid cell below S.
            grid = consts["grid"]
            idx = jnp.argmin(jnp.abs(S[:, None] - grid[None, :]), axis=1)
            below = grid[jnp.maximum(idx - 1, 0)]
            mu, _ = _gp_at(parts, draw, consts, below, mean_fn)
            _, var = _gp_at(parts, draw, consts, S, mean_fn)
            return mu, jnp.sqrt(var)
        mu, var = _gp_at(parts, draw, consts, S, mean_fn)
        return mu, jnp.sqrt(var + draw["noise"] ** 2)

    return moments


class GPDynamics(_StockModel):
    """Gaussian process prior on the map ``x_{t+1} = f(x_t - h_t)``.

    Parameters
    ----------
    x, y : array_like
        Stocks ``x_t`` and the next stocks ``x_{t+1}``.
    harvest : array_like, optional
        Harvest ``h_t`` taken from ``x_t`` (zero by default).
    mean : {"zero", "linear"} or GrowthModel
        Prior mean of ``f``: zero, ``b S`` with ``b`` estimated, or a fixed
        parametric growth curve (its map ``f``).
    zero : {"exact", "noisy", "none"}
        Add the pseudo-observation ``f(0) = 0`` without noise, with the data's
        noise, or not at all.
    faithful_to_code : bool
        Use the authors' code's likelihood (``-log det C``) and transition
        rows (latent variance, mean one cell below); see the module notes.

    Examples
    --------
    >>> gp = GPDynamics.from_series(series)          # doctest: +SKIP
    >>> fit = gp.fit("nuts", num_samples=500)        # doctest: +SKIP
    """

    title = "Gaussian process stock dynamics"

    def __init__(
        self,
        x,
        y,
        *,
        harvest=None,
        mean="zero",
        zero: str = "exact",
        faithful_to_code: bool = False,
    ):
        self._set_data(x, y, harvest)
        if isinstance(mean, GrowthModel):
            self.mean, self.growth = "growth", mean
        elif mean in MEAN_CHOICES:
            self.mean, self.growth = mean, None
        else:
            raise ValueError(
                f"mean must be 'zero', 'linear' or a growth model; got {mean!r}"
            )
        if zero not in ZERO_CHOICES:
            raise ValueError(f"zero must be one of {ZERO_CHOICES}; got {zero!r}")
        self.zero = zero
        self.faithful_to_code = bool(faithful_to_code)
        # Prior scales from the data: the stock's magnitude and range.
        self.scale_y = float(np.max(np.abs(self.y)))
        self.scale_x = float(max(np.max(self.S), 1e-8))
        if self.scale_y <= 0:
            raise ValueError("y is all zero: there is nothing to fit")

    @classmethod
    def from_series(cls, series, harvest=None, **kwargs) -> GPDynamics:
        """Build from a stock series ``x_0, ..., x_T`` (and harvests)."""
        x, y, h = pairs_from_series(series, harvest)
        return cls(x, y, harvest=h, **kwargs)

    # ---- the probability model ---------------------------------------------
    def _mean_fn(self):
        kind = self.growth.kind if self.growth is not None else None
        form = self.growth.form if self.growth is not None else "code"
        return _mean_function(self.mean, kind, form)

    def _consts(self):
        X, Y, w = self.S, self.y, np.ones_like(self.S)
        if self.zero != "none":
            X = np.concatenate([[0.0], X])
            Y = np.concatenate([[0.0], Y])
            w = np.concatenate([[1.0 if self.zero == "noisy" else 0.0], w])
        growth = None
        if self.growth is not None:
            growth = {k: jnp.asarray(v) for k, v in self.growth.params.items()}
        return {
            "X": jnp.asarray(X),
            "Y": jnp.asarray(Y),
            "weight": jnp.asarray(w),
            "growth": growth,
        }

    def numpyro_model(self):
        mean_fn = self._mean_fn()
        linear = self.mean == "linear"
        faithful = self.faithful_to_code
        sy, sx = self.scale_y, self.scale_x

        def model(data):
            params = {
                "amplitude": numpyro.sample(
                    "amplitude", dist.LogNormal(np.log(sy), 1.0)
                ),
                "lengthscale": numpyro.sample(
                    "lengthscale", dist.LogNormal(np.log(sx / 2), 1.0)
                ),
                "noise": numpyro.sample(
                    "noise", dist.LogNormal(np.log(0.05 * sy), 1.5)
                ),
            }
            if linear:
                params["slope"] = numpyro.sample("slope", dist.Normal(1.0, 1.0))
            chol, alpha, resid = _gp_parts(params, data, mean_fn)
            if faithful:
                # Known shortcoming of the authors' code: -log det C, not half.
                n = resid.shape[0]
                logdet = 2 * jnp.sum(jnp.log(jnp.diag(chol)))
                value = -0.5 * resid @ alpha - logdet - 0.5 * n * jnp.log(2 * jnp.pi)
                numpyro.factor("y", value)
            else:
                numpyro.sample(
                    "y",
                    dist.MultivariateNormal(jnp.zeros_like(resid), scale_tril=chol),
                    obs=resid,
                )

        return model

    def data(self):
        return self._consts()

    def labels(self):
        return {}

    def init_values(self):
        start = {
            "amplitude": self.scale_y,
            "lengthscale": self.scale_x / 2,
            "noise": 0.05 * self.scale_y,
        }
        if self.mean == "linear":
            start["slope"] = 1.0
        return [start]

    def call(self) -> str:
        mean = self.growth.describe() if self.growth is not None else repr(self.mean)
        extra = ", faithful_to_code=True" if self.faithful_to_code else ""
        return f"GPDynamics(x, y, mean={mean}, zero={self.zero!r}{extra})"

    # ---- fitting and prediction ----------------------------------------------
    def fit(self, method: str = "nuts", **kwargs):
        """Fit the hyperparameters.

        Parameters
        ----------
        method : {"nuts", "map", "mle"}
            Posterior sampling (priors as in the module notes), the posterior
            mode (:func:`~statmodels.inference.map_fit`: marginal likelihood
            plus log prior, on the log scale of the hyperparameters), or
            type-II maximum likelihood (the marginal likelihood alone).
        **kwargs
            Passed to :func:`statmodels.inference.nuts` or ``mle``.

        Returns
        -------
        statmodels.inference.Fit
        """
        return _fit(self, method, **kwargs)

    def posterior_predictive(self, params: dict, S):
        """Mean, latent variance and noise variance at fixed hyperparameters.

        Parameters
        ----------
        params : dict
            ``amplitude``, ``lengthscale``, ``noise`` (and ``slope``).
        S : array_like
            Escapements.

        Returns
        -------
        mean, latent_var, noise_var : numpy.ndarray, numpy.ndarray, float
        """
        p = {k: jnp.asarray(v, dtype=float) for k, v in params.items()}
        mu, var = gp_predict(p, self._consts(), jnp.asarray(S, float), self._mean_fn())
        return np.asarray(mu), np.asarray(var), float(p["noise"] ** 2)

    def predict(self, fit, newdata=None, level: float = 0.95, max_draws=None):
        """Predicted next stock at escapements ``newdata``, over the draws.

        Parameters
        ----------
        fit : Fit
            A fit of this model.
        newdata : array_like, optional
            Escapements (default: 100 points from 0 to 1.5 times the largest).
        level : float
            Level of the normal intervals.
        max_draws : int, optional
            Thin the posterior draws.

        Returns
        -------
        pandas.DataFrame
            ``S, mean, sd_latent, sd`` (latent plus noise), ``lower, upper``.
        """
        import scipy.stats

        S = (
            np.linspace(0, 1.5 * self.S.max(), 100)
            if newdata is None
            else np.asarray(newdata, float)
        )
        draws = _thin(fit.draws, max_draws)
        consts, mean_fn = self._consts(), self._mean_fn()
        mu, var = jax.vmap(lambda p: gp_predict(p, consts, jnp.asarray(S), mean_fn))(
            draws
        )
        mu, var = np.asarray(mu), np.asarray(var)
        mean = mu.mean(axis=0)
        latent = var.mean(axis=0) + mu.var(axis=0)
        total = latent + np.mean(np.asarray(draws["noise"]) ** 2)
        z = scipy.stats.norm.ppf(0.5 + level / 2)
        sd = np.sqrt(total)
        return pd.DataFrame(
            {
                "S": S,
                "mean": mean,
                "sd_latent": np.sqrt(latent),
                "sd": sd,
                "lower": mean - z * sd,
                "upper": mean + z * sd,
            }
        )

    def transition_spec(self, fit, *, grid, max_draws, seed, faithful_to_code):
        """Normal predictive of the next stock per draw (see transitions)."""
        self.check_grid_covers(grid)
        kind = self.growth.kind if self.growth is not None else None
        form = self.growth.form if self.growth is not None else "code"
        faithful = bool(faithful_to_code or self.faithful_to_code)
        consts = dict(self._consts(), grid=jnp.asarray(grid, float))
        moments = _gp_moments(self.mean, kind, form, faithful)
        return TransitionSpec("normal", moments, _thin(fit.draws, max_draws), consts)

    # ---- persistence -----------------------------------------------------------
    def config(self):
        growth = None
        if self.growth is not None:
            growth = {
                "kind": self.growth.kind,
                "params": self.growth.params,
                "sigma": self.growth.sigma,
                "form": self.growth.form,
            }
        return {
            "mean": self.mean,
            "growth": growth,
            "zero": self.zero,
            "faithful_to_code": self.faithful_to_code,
        }

    @classmethod
    def from_config(cls, config, frame):
        mean = config["mean"]
        if mean == "growth":
            g = config["growth"]
            mean = make_growth_model(g["kind"], g["params"], g["sigma"], g["form"])
        return cls(
            frame["x"].to_numpy(),
            frame["y"].to_numpy(),
            harvest=frame["harvest"].to_numpy(),
            mean=mean,
            zero=config["zero"],
            faithful_to_code=config["faithful_to_code"],
        )


# ---------------------------------------------------------------------------
# Parametric growth models
# ---------------------------------------------------------------------------


class ParametricDynamics(_StockModel):
    """A Ricker, Allen or Myers map with lognormal noise, fitted to pairs.

    Parameters
    ----------
    kind : {"ricker", "allen", "myers"}
        The growth model.
    x, y : array_like
        Stocks ``x_t`` and next stocks ``x_{t+1}`` (positive).
    harvest : array_like, optional
        Harvest taken from ``x_t``.
    form : {"code", "text"}
        Allen form (see :class:`~statmodels.fisheries.Allen`).
    """

    title = "Parametric stock dynamics"

    def __init__(self, kind: str, x, y, *, harvest=None, form: str = "code"):
        if kind not in GROWTH_MODELS:
            raise ValueError(f"kind must be one of {GROWTH_MODELS}; got {kind!r}")
        self.kind, self.form = kind, form
        self._set_data(x, y, harvest)
        zero = np.flatnonzero((self.y <= 0) | (self.S <= 0))
        if zero.size:
            raise ValueError(
                f"pair {zero[0]} has a zero stock or escapement; the lognormal "
                "likelihood needs positive values (drop collapsed seasons)"
            )
        self.scale = float(np.max(self.y))

    @classmethod
    def from_series(cls, kind, series, harvest=None, **kwargs):
        """Build from a stock series ``x_0, ..., x_T`` (and harvests)."""
        x, y, h = pairs_from_series(series, harvest)
        return cls(kind, x, y, harvest=h, **kwargs)

    def numpyro_model(self):
        kind, form, scale = self.kind, self.form, self.scale

        def model(data):
            p = {
                "r": numpyro.sample("r", dist.LogNormal(0.0, 1.0)),
                "K": numpyro.sample("K", dist.LogNormal(np.log(scale), 1.0)),
            }
            if kind == "allen":
                p["C"] = numpyro.sample("C", dist.LogNormal(np.log(scale / 2), 1.0))
            if kind == "myers":
                p["theta"] = numpyro.sample("theta", dist.LogNormal(0.0, 1.0))
            sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
            loc = jnp.log(growth_map(kind, data["S"], p, form))
            numpyro.sample("y", dist.LogNormal(loc, sigma), obs=data["y"])

        return model

    def data(self):
        return {"S": jnp.asarray(self.S), "y": jnp.asarray(self.y)}

    def init_values(self):
        ratio = np.log(self.y / self.S)
        start = {"r": 1.0, "K": self.scale, "sigma": max(float(np.std(ratio)), 0.01)}
        if self.kind == "allen":
            start["C"] = 0.5 * float(np.min(self.S))
        if self.kind == "myers":
            start["theta"] = 1.0
            start["K"] = self.scale
        return [start]

    def call(self) -> str:
        return f"ParametricDynamics({self.kind!r}, x, y)"

    def fit(self, method: str = "mle", **kwargs):
        """Fit by ``"mle"``, ``"map"`` or ``"nuts"`` (see :meth:`GPDynamics.fit`)."""
        return _fit(self, method, **kwargs)

    def growth_model(self, fit) -> GrowthModel:
        """The growth model at the estimate (MLE or posterior mean)."""
        est = {k: float(np.asarray(v)) for k, v in fit.estimate.items()}
        sigma = est.pop("sigma")
        return make_growth_model(self.kind, est, sigma, self.form)

    def predict(self, fit, newdata=None, level: float = 0.95, max_draws=None):
        """Median next stock ``f(S)`` over the draws, with quantile bands.

        Parameters
        ----------
        fit : Fit
            A fit of this model.
        newdata : array_like, optional
            Escapements.
        level : float
            Level of the band (quantiles of ``f(S)`` over the draws).
        max_draws : int, optional
            Thin the draws.

        Returns
        -------
        pandas.DataFrame
            ``S, mean, lower, upper``.
        """
        S = (
            np.linspace(0, 1.5 * self.S.max(), 100)
            if newdata is None
            else np.asarray(newdata, float)
        )
        draws = _thin(fit.draws, max_draws)
        curves = jax.vmap(lambda p: growth_map(self.kind, jnp.asarray(S), p, self.form))
        f = np.asarray(curves(draws))
        a = (1 - level) / 2
        return pd.DataFrame(
            {
                "S": S,
                "mean": f.mean(axis=0),
                "lower": np.quantile(f, a, axis=0),
                "upper": np.quantile(f, 1 - a, axis=0),
            }
        )

    def transition_spec(self, fit, *, grid, max_draws, seed, faithful_to_code):
        """Lognormal predictive of the next stock per draw."""
        from statmodels.fisheries.transitions import _growth_moments

        self.check_grid_covers(grid)
        moments = _growth_moments(self.kind, self.form)
        return TransitionSpec("lognormal", moments, _thin(fit.draws, max_draws), None)

    def config(self):
        return {"kind": self.kind, "form": self.form}

    @classmethod
    def from_config(cls, config, frame):
        return cls(
            config["kind"],
            frame["x"].to_numpy(),
            frame["y"].to_numpy(),
            harvest=frame["harvest"].to_numpy(),
            form=config["form"],
        )


def _fit(model, method: str, **kwargs):
    if method == "mle":
        return mle(model, **kwargs)
    if method == "map":
        return map_fit(model, **kwargs)
    if method == "nuts":
        kwargs.setdefault("init", model.init_values()[0])
        return nuts(model, **kwargs)
    raise ValueError(f"method must be 'nuts', 'map' or 'mle'; got {method!r}")
