"""Transition matrices on a stock grid, from any model of the one-step map.

For a state grid ``x_1 < ... < x_n`` (with ``x_1 >= 0``) the cells are cut at
the midpoints ``e_k = (x_k + x_{k+1}) / 2``, and the probability of moving to
state ``k`` from escapement ``S`` is

    P(k | S) = F(e_k | S) - F(e_{k-1} | S),   e_0 = -inf,  e_n = +inf,

with ``F`` the predictive CDF of the next stock. So all the mass below the
first midpoint (including negative values of a Gaussian predictive) is in
the lowest state and all the mass beyond the top of the grid is in the top
state: rows sum to one exactly, with nothing renormalised away. The
predictive is

* lognormal with median ``f(S)`` and log-sd ``sigma`` for a parametric model;
* normal with the Gaussian process posterior mean and variance (latent plus
  observation noise) for :class:`~statmodels.fisheries.GPDynamics`.

With uncertain parameters the matrix is the average of the matrices over
posterior draws, which is the transition law of the posterior predictive.
The escapement ``S = max(0, x_i - h_a)`` is computed by value for each state
and harvest, so actions need not lie on the state grid; each distinct
escapement gets one row, and a :class:`~statmodels.fisheries.sdp.
FactoredTransition` maps (state, action) to it.

Reference: Boettiger, C., Mangel, M. and Munch, S. (2015). Avoiding tipping
points in fisheries management through Gaussian process dynamic
programming. Proceedings of the Royal Society B 282: 20141631.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

import jax
import jax.numpy as jnp
import jax.scipy.special
import numpy as np

from statmodels.fisheries.growth import GrowthModel, growth_map
from statmodels.fisheries.sdp import FactoredTransition, check_problem


@dataclass
class TransitionSpec:
    """How a dynamics object gives next-stock distributions.

    Attributes
    ----------
    family : {"normal", "lognormal"}
        Family of the predictive of the next stock.
    moments : callable
        ``moments(draw, consts, S) -> (loc, scale)``, pure JAX; ``loc`` is the
        mean (normal) or log-median (lognormal).
    draws : dict
        Parameter draws, each with a leading draw axis.
    consts : pytree
        Fixed arrays the moments need (training data, ...).
    """

    family: str
    moments: Callable
    draws: dict
    consts: object


@cache
def _growth_moments(kind: str, form: str):
    def moments(draw, consts, S):
        mean = growth_map(kind, S, draw, form)
        loc = jnp.log(jnp.where(mean > 0, mean, 0.0))
        return loc, jnp.broadcast_to(draw["sigma"], S.shape)

    return moments


def growth_spec(model: GrowthModel) -> TransitionSpec:
    """The transition spec of a growth model with known parameters."""
    draw = {k: jnp.asarray([v], dtype=float) for k, v in model.params.items()}
    draw["sigma"] = jnp.asarray([model.sigma], dtype=float)
    return TransitionSpec(
        "lognormal", _growth_moments(model.kind, model.form), draw, None
    )


def resolve_spec(dynamics, grid, *, max_draws=None, seed=0, faithful_to_code=False):
    """Transition spec of a growth model or a fitted dynamics model."""
    if isinstance(dynamics, TransitionSpec):
        return dynamics
    if isinstance(dynamics, GrowthModel):
        return growth_spec(dynamics)
    model = getattr(dynamics, "model", None)
    if model is not None and hasattr(model, "transition_spec"):
        return model.transition_spec(
            dynamics,
            grid=grid,
            max_draws=max_draws,
            seed=seed,
            faithful_to_code=faithful_to_code,
        )
    raise TypeError(
        "dynamics must be a growth model (Ricker, Allen, Myers), a fit of "
        "GPDynamics or ParametricDynamics, or a dense transition array; got "
        f"{type(dynamics).__name__}"
    )


def check_grid(grid, name: str = "grid") -> np.ndarray:
    """Validate a state grid: finite, nonnegative, strictly increasing.

    Parameters
    ----------
    grid : array_like
        The grid.
    name : str
        Its name in error messages.

    Returns
    -------
    numpy.ndarray
        The grid as floats.
    """
    g = np.asarray(grid, dtype=float)
    if g.ndim != 1 or g.size < 2:
        raise ValueError(f"{name} must be a 1-D array of at least 2 values")
    if not np.all(np.isfinite(g)) or g[0] < 0:
        raise ValueError(f"{name} must be finite and nonnegative; got min {g.min()}")
    if np.any(np.diff(g) <= 0):
        i = int(np.argmax(np.diff(g) <= 0))
        raise ValueError(
            f"{name} must be strictly increasing; {name}[{i + 1}] = {g[i + 1]:g} "
            f"follows {g[i]:g}"
        )
    return g


#: Largest number of (draw, escapement, edge) CDF values held at once.
CHUNK_ELEMENTS = 4_000_000


def _normal_cdf(z):
    """Standard normal CDF as ``erfc(-z / sqrt 2) / 2``.

    Same accuracy as ``ndtr`` for cell probabilities (relative in the lower
    tail, absolute near one), and several times faster under XLA on CPU,
    where ``ndtr`` evaluates both ``erf`` and ``erfc`` for every element.
    """
    return 0.5 * jax.lax.erfc(-z * (1 / np.sqrt(2.0)))


def _draw_batch(n_draws: int, n_points: int, n_edges: int) -> int:
    """Draws per vectorised step: all of them if the CDF block fits."""
    per_draw = max(n_points * (n_edges + 2), 1)
    return int(max(1, min(n_draws, CHUNK_ELEMENTS // per_draw)))


@partial(jax.jit, static_argnames=("moments", "family"))
def _average_kernel(moments, family, draws, consts, S, edges):
    """Mean over draws of the cell probabilities, ``(len(S), len(edges) + 1)``.

    The moments of every draw at the escapements ``S`` come from one
    ``vmap`` (a GP factorises its covariance once per draw there); the CDF
    at every edge for every draw and escapement is then one vectorised
    step. Draws are split into equal batches only when that block would be
    large (:data:`CHUNK_ELEMENTS`); the shapes are static, so each problem
    size compiles once.
    """
    at = jnp.log(edges) if family == "lognormal" else edges
    n, m = S.shape[0], edges.shape[0]

    def probs(chunk, weight):
        loc, scale = jax.vmap(lambda d: moments(d, consts, S))(chunk)
        loc = jnp.broadcast_to(loc, (weight.shape[0], n))
        scale = jnp.broadcast_to(scale, (weight.shape[0], n))
        positive = scale > 0
        z = (at[None, None, :] - loc[:, :, None]) / jnp.where(positive, scale, 1.0)[
            :, :, None
        ]
        point = jnp.exp(loc) if family == "lognormal" else loc
        cdf = jnp.where(
            positive[:, :, None],
            _normal_cdf(z),
            (point[:, :, None] <= edges[None, None, :]).astype(float),
        )
        # Weighted mean of the CDFs over the draws, then cell differences.
        return jnp.einsum("b,bij->ij", weight, cdf)

    leaves = jax.tree_util.tree_leaves(draws)
    n_draws = leaves[0].shape[0]
    batch = _draw_batch(n_draws, n, m)
    weights = jnp.full(n_draws, 1.0 / n_draws)
    if batch == n_draws:
        cdf = probs(draws, weights)
    else:
        n_batches = -(-n_draws // batch)
        pad = n_batches * batch - n_draws

        def split(v):
            v = jnp.concatenate([v, jnp.repeat(v[:1], pad, axis=0)], axis=0)
            return v.reshape((n_batches, batch) + v.shape[1:])

        # Padding repeats the first draw with weight 0.
        w = jnp.concatenate([weights, jnp.zeros(pad)]).reshape(n_batches, batch)

        def body(acc, item):
            chunk, wb = item
            return acc + probs(chunk, wb), None

        cdf, _ = jax.lax.scan(
            body, jnp.zeros((n, m)), (jax.tree_util.tree_map(split, draws), w)
        )
    full = jnp.concatenate([jnp.zeros((n, 1)), cdf, jnp.ones((n, 1))], axis=1)
    return jnp.clip(jnp.diff(full, axis=1), 0.0, None)


def transition_kernel(
    dynamics,
    escapements,
    grid,
    *,
    max_draws: int | None = None,
    seed: int = 0,
    faithful_to_code: bool = False,
) -> np.ndarray:
    """Next-state distributions on ``grid`` from given escapements.

    Parameters
    ----------
    dynamics : GrowthModel or Fit
        A growth model with known parameters, or a fit of
        :class:`GPDynamics` or :class:`ParametricDynamics` (averaged over its
        draws).
    escapements : array_like
        Escapement values ``S`` (nonnegative).
    grid : array_like
        The state grid.
    max_draws : int, optional
        Use at most this many posterior draws (evenly thinned).
    seed : int
        Unused for deterministic thinning; kept for reproducible subsampling.
    faithful_to_code : bool
        Reproduce the authors' code for GP transitions (latent variance only,
        mean read one grid cell below the escapement).

    Returns
    -------
    numpy.ndarray
        ``(len(escapements), len(grid))``; each row sums to one.
    """
    g = check_grid(grid)
    S = np.asarray(escapements, dtype=float)
    if S.ndim != 1 or np.any(~np.isfinite(S)) or np.any(S < 0):
        raise ValueError("escapements must be a 1-D array of nonnegative values")
    spec = resolve_spec(
        dynamics, g, max_draws=max_draws, seed=seed, faithful_to_code=faithful_to_code
    )
    edges = (g[1:] + g[:-1]) / 2
    if spec.family == "lognormal" and edges[0] <= 0:
        raise ValueError("the grid must be nonnegative for a lognormal predictive")
    out = _average_kernel(
        spec.moments,
        spec.family,
        spec.draws,
        spec.consts,
        jnp.asarray(S),
        jnp.asarray(edges),
    )
    return np.asarray(out)


@dataclass
class DecisionProblem:
    """A harvest problem on a grid: transitions, rewards and escapements.

    Attributes
    ----------
    grid : numpy.ndarray
        Stock levels (states).
    actions : numpy.ndarray
        Harvest levels (actions).
    transition : FactoredTransition or numpy.ndarray
        Transition probabilities.
    reward : numpy.ndarray
        ``(n_states, n_actions)`` reward, ``-inf`` where the harvest exceeds
        the stock.
    escapement : numpy.ndarray
        ``(n_states, n_actions)`` escapement ``max(0, x - h)`` (0 where
        infeasible).
    """

    grid: np.ndarray
    actions: np.ndarray
    transition: object
    reward: np.ndarray
    escapement: np.ndarray

    def dense(self) -> np.ndarray:
        """The transition tensor ``(n_states, n_actions, n_states)``."""
        if isinstance(self.transition, FactoredTransition):
            return self.transition.dense()
        return np.asarray(self.transition)


def harvest_reward(grid, actions, *, price: float = 1.0, cost: float = 0.0):
    """Reward ``price h - cost h^2`` of harvesting ``h`` from stock ``x``.

    Parameters
    ----------
    grid, actions : array_like
        States and harvests.
    price : float
        Value of a unit of harvest.
    cost : float
        Quadratic cost coefficient (diminishing returns to effort); 0 by
        default, as in the paper.

    Returns
    -------
    numpy.ndarray
        ``(n_states, n_actions)``, ``-inf`` where ``h > x``.
    """
    x = np.asarray(grid, float)[:, None]
    h = np.asarray(actions, float)[None, :]
    feasible = h <= x * (1 + 1e-12) + 1e-12
    return np.where(feasible, price * h - cost * h**2, -np.inf)


def build_problem(
    dynamics,
    grid,
    actions=None,
    *,
    price: float = 1.0,
    cost: float = 0.0,
    reward: Callable | None = None,
    max_draws: int | None = None,
    faithful_to_code: bool = False,
) -> DecisionProblem:
    """The decision problem of harvesting a stock with given dynamics.

    Parameters
    ----------
    dynamics : GrowthModel, Fit or array_like
        A growth model, a fit of :class:`GPDynamics` or
        :class:`ParametricDynamics`, or a dense transition tensor
        ``(n_states, n_actions, n_states)`` (checked for stochastic rows).
    grid : array_like
        Stock levels; the lowest should be 0 (the collapsed state).
    actions : array_like, optional
        Harvest levels; by default the state grid, as in the paper (then the
        escapement lies on the grid too). Must include 0.
    price, cost : float
        Reward ``price h - cost h^2`` (see :func:`harvest_reward`).
    reward : callable, optional
        ``reward(x, h)`` on broadcast arrays, replacing the default.
    max_draws : int, optional
        Thin posterior draws to at most this many.
    faithful_to_code : bool
        GP transitions as in the authors' code (see :class:`GPDynamics`).

    Returns
    -------
    DecisionProblem
    """
    g = check_grid(grid)
    a = g.copy() if actions is None else check_grid(actions, "actions")
    if a[0] != 0:
        raise ValueError(
            f"actions must include the harvest 0 (smallest given: {a[0]:g}), so "
            "that every stock has a feasible action"
        )
    if reward is None:
        R = harvest_reward(g, a, price=price, cost=cost)
    else:
        feasible = a[None, :] <= g[:, None] * (1 + 1e-12) + 1e-12
        vals = np.asarray(reward(g[:, None], a[None, :]), dtype=float)
        R = np.where(feasible, np.broadcast_to(vals, feasible.shape), -np.inf)
    feasible = np.isfinite(R)
    S = np.where(feasible, np.maximum(g[:, None] - a[None, :], 0.0), 0.0)
    if isinstance(dynamics, np.ndarray | list) or hasattr(dynamics, "__array__"):
        P = np.asarray(dynamics, dtype=float)
        check_problem(P, R)
        return DecisionProblem(g, a, P, R, S)
    keys, inverse = np.unique(np.round(S, 10).ravel(), return_inverse=True)
    kernel = transition_kernel(
        dynamics, keys, g, max_draws=max_draws, faithful_to_code=faithful_to_code
    )
    P = FactoredTransition(kernel, inverse.reshape(S.shape).astype(np.int32))
    return DecisionProblem(g, a, P, R, S)
