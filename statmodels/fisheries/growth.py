"""Parametric stock-recruitment maps with harvest taken before growth.

Each season the harvest ``h`` is taken from the stock ``x``, leaving the
escapement ``S = max(0, x - h)``, which then grows to next season's stock

    x_{t+1} = f(S_t) * exp(sigma * Z_t),   Z_t ~ N(0, 1),

so the noise is multiplicative and lognormal with median one. The maps are

* Ricker: ``f(S) = S exp(r (1 - S/K))``;
* Allen (Ricker with an Allee threshold ``C``), by default in the form used by
  the code behind the published figures,
  ``f(S) = S exp(r (1 - S/K) (S - C) / K)``, or with ``form="text"`` as the
  manuscript prints it, ``f(S) = S exp(r (1 - S/K) (S - C))``; both have the
  same equilibria 0, C and K;
* Myers: ``f(S) = r S^theta / (1 + S^theta / K)``.

The tipping point is the smallest positive unstable equilibrium (C for the
Allen model); below it the deterministic stock declines to zero. The
deterministic optimal escapement under discount factor ``beta`` is the
``S`` that maximises ``beta f(S) - S`` (the golden rule of a constant
escapement policy).

Reference: Boettiger, C., Mangel, M. and Munch, S. (2015). Avoiding tipping
points in fisheries management through Gaussian process dynamic
programming. Proceedings of the Royal Society B 282: 20141631.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jax.numpy as jnp
import numpy as np
import scipy.optimize

#: Names of the parametric growth models.
GROWTH_MODELS = ("ricker", "allen", "myers")


def escapement(x, h):
    """Stock left after harvest, ``x - h``, checking that the harvest is possible.

    Parameters
    ----------
    x, h : array_like
        Stock and harvest (broadcast together).

    Returns
    -------
    numpy.ndarray
        The escapement ``x - h``.

    Raises
    ------
    ValueError
        When a harvest is negative or larger than the stock it is taken from.
    """
    x = np.asarray(x, dtype=float)
    h = np.asarray(h, dtype=float)
    if np.any(h < 0):
        raise ValueError(f"harvest must be nonnegative; got {np.min(h):g}")
    excess = h - x
    if np.any(excess > 1e-12 * np.maximum(1.0, np.abs(x))):
        i = np.unravel_index(np.argmax(excess), np.broadcast(x, h).shape)
        xb, hb = np.broadcast_arrays(x, h)
        raise ValueError(
            f"harvest {hb[i]:g} is larger than the stock {xb[i]:g} it is taken "
            "from; a harvest can be at most the stock (escapement 0)"
        )
    return np.maximum(x - h, 0.0)


def growth_map(kind: str, S, params: dict, form: str = "code"):
    """The deterministic map ``f(S)`` of a growth model, in JAX.

    Parameters
    ----------
    kind : {"ricker", "allen", "myers"}
        The growth model.
    S : array_like
        Escapement (nonnegative).
    params : dict
        ``r, K`` (Ricker), ``r, K, C`` (Allen) or ``r, theta, K`` (Myers).
    form : {"code", "text"}
        For the Allen model, whether the Allee term is divided by ``K``.

    Returns
    -------
    jax.Array
        ``f(S)``, zero where ``S`` is zero.
    """
    S = jnp.asarray(S, dtype=float)
    r, K = params["r"], params["K"]
    if kind == "ricker":
        return S * jnp.exp(r * (1 - S / K))
    if kind == "allen":
        C = params["C"]
        scale = K if form == "code" else 1.0
        return S * jnp.exp(r * (1 - S / K) * (S - C) / scale)
    if kind == "myers":
        theta = params["theta"]
        # Where S = 0 the power's gradient is undefined; use S = 1 there.
        safe = jnp.where(S > 0, S, 1.0)
        power = safe**theta
        return jnp.where(S > 0, r * power / (1 + power / K), 0.0)
    raise ValueError(f"unknown growth model {kind!r}; choose from {GROWTH_MODELS}")


@dataclass(frozen=True)
class GrowthModel:
    """A parametric growth model with lognormal noise (base class).

    Use :class:`Ricker`, :class:`Allen` or :class:`Myers`.
    """

    kind: str = field(init=False, default="", repr=False)

    @property
    def params(self) -> dict:
        """The parameters of the map, as a dict of floats."""
        raise NotImplementedError

    @property
    def form(self) -> str:
        """Variant of the map (only the Allen model has two)."""
        return "code"

    @property
    def carrying_capacity(self) -> float:
        """The upper stable equilibrium, the scale of the stock."""
        eq = self.equilibria()
        return float(eq[-1]) if len(eq) else float(self.params["K"])

    def f(self, S) -> np.ndarray:
        """Deterministic next stock from escapement ``S``."""
        return np.asarray(growth_map(self.kind, S, self.params, self.form))

    def step(self, x, h, z) -> np.ndarray:
        """Next stock from stock ``x``, harvest ``h`` and standard normal ``z``."""
        return self.f(escapement(x, h)) * np.exp(self.sigma * np.asarray(z))

    def simulate(self, x0: float, steps: int, harvest=0.0, seed: int = 0):
        """Simulate a stock series under a fixed harvest schedule.

        Parameters
        ----------
        x0 : float
            Initial stock (positive).
        steps : int
            Number of transitions; the series has ``steps + 1`` values.
        harvest : float or array_like
            Harvest each season (a scalar or ``steps`` values); a harvest larger
            than the stock takes the whole stock.
        seed : int
            Seed of the noise.

        Returns
        -------
        numpy.ndarray
            The stock ``x_0, ..., x_steps``.
        """
        if not np.isfinite(x0) or x0 < 0:
            raise ValueError(f"initial stock must be nonnegative; got {x0}")
        h = np.broadcast_to(np.asarray(harvest, dtype=float), (steps,))
        if np.any(h < 0):
            raise ValueError("harvest must be nonnegative")
        z = np.random.default_rng(seed).standard_normal(steps)
        x = np.empty(steps + 1)
        x[0] = x0
        for t in range(steps):
            x[t + 1] = self.step(x[t], min(h[t], x[t]), z[t])
        return x

    def equilibria(self, upper: float | None = None) -> np.ndarray:
        """Positive fixed points of the deterministic map, ascending.

        Parameters
        ----------
        upper : float, optional
            Upper end of the search (default ten times ``K``).
        """
        upper = upper or 10 * float(self.params["K"])
        grid = np.geomspace(1e-6 * upper, upper, 4001)

        def g(s):
            return float(np.log(self.f(s)) - np.log(s))

        with np.errstate(divide="ignore"):
            # Far above K the map underflows to zero: no root there.
            vals = np.log(self.f(grid)) - np.log(grid)
        roots = []
        finite = np.isfinite(vals[:-1]) & np.isfinite(vals[1:])
        change = np.sign(vals[:-1]) * np.sign(vals[1:]) < 0
        for i in np.flatnonzero(finite & change):
            roots.append(scipy.optimize.brentq(g, grid[i], grid[i + 1], xtol=1e-13))
        roots += list(grid[np.flatnonzero(vals == 0)])
        return np.unique(np.round(roots, 11))

    def tipping_point(self) -> float | None:
        """The smallest positive unstable equilibrium, or ``None`` if none."""
        for s in self.equilibria():
            h = 1e-6 * s
            slope = (self.f(s + h) - self.f(s - h)) / (2 * h)
            if slope > 1:
                return float(s)
        return None

    def optimal_escapement(self, discount: float = 0.99) -> float:
        """Deterministic optimal constant escapement, argmax ``beta f(S) - S``.

        Parameters
        ----------
        discount : float
            Discount factor ``beta`` in (0, 1].
        """
        top = 3 * self.carrying_capacity
        grid = np.linspace(0, top, 30001)
        gain = discount * self.f(grid) - grid
        i = int(np.argmax(gain))
        lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
        res = scipy.optimize.minimize_scalar(
            lambda s: -(discount * float(self.f(s)) - s),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-12},
        )
        return float(res.x)

    def describe(self) -> str:
        """The model as it would be written in a script."""
        args = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        extra = f", form={self.form!r}" if self.form != "code" else ""
        return f"{type(self).__name__}({args}, sigma={self.sigma:g}{extra})"


def _check_positive(**values):
    for name, value in values.items():
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number; got {value}")


@dataclass(frozen=True)
class Ricker(GrowthModel):
    """Ricker map ``f(S) = S exp(r (1 - S/K))`` with lognormal noise.

    Parameters
    ----------
    r : float
        Intrinsic growth rate.
    K : float
        Carrying capacity.
    sigma : float
        Standard deviation of the log noise.
    """

    r: float = 1.0
    K: float = 10.0
    sigma: float = 0.05

    def __post_init__(self):
        _check_positive(r=self.r, K=self.K)
        if self.sigma < 0:
            raise ValueError(f"sigma must be nonnegative; got {self.sigma}")
        object.__setattr__(self, "kind", "ricker")

    @property
    def params(self) -> dict:
        return {"r": float(self.r), "K": float(self.K)}


@dataclass(frozen=True)
class Allen(GrowthModel):
    """Ricker map with an Allee threshold ``C`` (a tipping point).

    ``f(S) = S exp(r (1 - S/K) (S - C) / K)`` (``form="code"``, default) or
    ``f(S) = S exp(r (1 - S/K) (S - C))`` (``form="text"``).

    Parameters
    ----------
    r : float
        Growth rate.
    K : float
        Carrying capacity.
    C : float
        Allee threshold, below ``K``.
    sigma : float
        Standard deviation of the log noise.
    form : {"code", "text"}
        Whether the Allee term is divided by ``K``.
    """

    r: float = 2.0
    K: float = 8.0
    C: float = 5.0
    sigma: float = 0.05
    form: str = "code"

    def __post_init__(self):
        _check_positive(r=self.r, K=self.K, C=self.C)
        if self.sigma < 0:
            raise ValueError(f"sigma must be nonnegative; got {self.sigma}")
        if self.C >= self.K:
            raise ValueError(f"C ({self.C}) must be below K ({self.K})")
        if self.form not in ("code", "text"):
            raise ValueError(f"form must be 'code' or 'text'; got {self.form!r}")
        object.__setattr__(self, "kind", "allen")

    @property
    def params(self) -> dict:
        return {"r": float(self.r), "K": float(self.K), "C": float(self.C)}


@dataclass(frozen=True)
class Myers(GrowthModel):
    """Myers map ``f(S) = r S^theta / (1 + S^theta / K)`` with lognormal noise.

    For ``theta > 1`` it has a tipping point.

    Parameters
    ----------
    r : float
        Scale of recruitment.
    theta : float
        Shape; above one gives depensation (an Allee effect).
    K : float
        Saturation constant.
    sigma : float
        Standard deviation of the log noise.
    """

    r: float = 1.0
    theta: float = 2.0
    K: float = 10.0
    sigma: float = 0.05

    def __post_init__(self):
        _check_positive(r=self.r, theta=self.theta, K=self.K)
        if self.sigma < 0:
            raise ValueError(f"sigma must be nonnegative; got {self.sigma}")
        object.__setattr__(self, "kind", "myers")

    @property
    def params(self) -> dict:
        return {"r": float(self.r), "theta": float(self.theta), "K": float(self.K)}


def make_growth_model(kind: str, params: dict, sigma: float, form: str = "code"):
    """Build a growth model from its name and a parameter dict.

    Parameters
    ----------
    kind : {"ricker", "allen", "myers"}
        The model.
    params : dict
        Its map parameters (extra keys are ignored).
    sigma : float
        Log-noise standard deviation.
    form : {"code", "text"}
        Allen form.

    Returns
    -------
    GrowthModel
    """
    p = {k: float(v) for k, v in params.items()}
    if kind == "ricker":
        return Ricker(p["r"], p["K"], sigma)
    if kind == "allen":
        return Allen(p["r"], p["K"], p["C"], sigma, form=form)
    if kind == "myers":
        return Myers(p["r"], p["theta"], p["K"], sigma)
    raise ValueError(f"unknown growth model {kind!r}; choose from {GROWTH_MODELS}")
