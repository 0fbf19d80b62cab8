"""Exact simulation of continuous-time Markov chains (Gillespie's algorithm).

Gillespie (1977), "Exact stochastic simulation of coupled chemical
reactions": in state ``i`` the chain waits an exponential time with rate
``q_i = -Q[i, i]`` and then jumps to ``j`` with probability ``Q[i, j] / q_i``.
Here a fixed number of such steps runs for every path at once, vectorised
with ``jax.vmap`` over paths and ``jax.lax.scan`` over jumps, and compiled
once per (number of paths, number of steps). Observation grids are read off
the exact paths; observation noise replaces each observed state, with a given
probability, by one of the other states chosen uniformly.
"""

from __future__ import annotations

import math
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from statmodels.jump.data import PanelData, Paths
from statmodels.jump.rates import validate_rate_matrix


@partial(jax.jit, static_argnames=("n_paths", "n_steps"))
def _gillespie(key, Q, p0, t_end, *, n_paths: int, n_steps: int):
    """Jump times and states of ``n_paths`` paths, ``n_steps`` jumps each."""
    S = Q.shape[0]
    exit_rate = -jnp.diag(Q)
    jump_logits = jnp.log(jnp.where(jnp.eye(S, dtype=bool), 0.0, Q))

    def one_path(key, t_end):
        k0, k1 = jax.random.split(key)
        s0 = jax.random.categorical(k0, jnp.log(p0))

        def step(carry, key):
            t, s = carry
            ka, kb = jax.random.split(key)
            rate = exit_rate[s]
            # An absorbing state holds for ever (a rate of -0.0 must not
            # send the clock to -inf).
            hold = jnp.where(rate > 0, jax.random.exponential(ka) / rate, jnp.inf)
            t_new = t + hold
            s_new = jax.random.categorical(kb, jump_logits[s])
            s_new = jnp.where(rate > 0, s_new, s)
            return (t_new, s_new), (t_new, s_new)

        keys = jax.random.split(k1, n_steps)
        _, (ts, ss) = jax.lax.scan(step, (0.0, s0), keys)
        times = jnp.concatenate([jnp.zeros(1), ts])
        states = jnp.concatenate([s0[None], ss])
        n_jumps = jnp.sum(ts <= t_end)
        k = jnp.arange(n_steps + 1)
        times = jnp.where(k <= n_jumps, times, jnp.inf)
        states = jnp.where(k <= n_jumps, states, states[n_jumps])
        complete = ts[-1] > t_end
        return times, states, n_jumps, complete

    keys = jax.random.split(key, n_paths)
    return jax.vmap(one_path)(keys, t_end)


@jax.jit
def _observe(times, states, grid):
    """States of each path at its grid times."""
    idx = jax.vmap(lambda t, g: jnp.searchsorted(t, g, side="right") - 1)(times, grid)
    return jnp.take_along_axis(states, idx, axis=1)


@partial(jax.jit, static_argnames=("n_states",))
def _mislabel(key, true, noise, *, n_states: int):
    """Replace each state, with probability ``noise``, by another uniformly."""
    ka, kb = jax.random.split(key)
    flip = jax.random.uniform(ka, true.shape) < noise
    shift = jax.random.randint(kb, true.shape, 1, n_states)
    return jnp.where(flip, (true + shift) % n_states, true)


def _steps_needed(max_rate: float, horizon: float) -> int:
    """A number of jumps exceeded with negligible probability (Poisson tail)."""
    lam = max_rate * horizon
    return int(math.ceil(lam + 8.0 * math.sqrt(lam) + 16))


def simulate(
    Q,
    p0=None,
    n_paths: int = 1,
    *,
    t_max=None,
    times=None,
    noise: float = 0.0,
    seed: int = 0,
    max_jumps: int | None = None,
):
    """Simulate paths of a chain, fully or on observation grids.

    Parameters
    ----------
    Q : array_like, shape (S, S)
        Rate matrix.
    p0 : array_like, shape (S,), optional
        Initial distribution (default uniform).
    n_paths : int
        Number of independent paths.
    t_max : float or array_like, optional
        End of each path (scalar, or one per path) for full paths; defaults
        to the last observation time when ``times`` is given.
    times : array_like, optional
        Observation times: a common grid (shape (T,)) or one increasing grid
        per path (shape (n_paths, T)), all >= 0. When given, the result is
        panel data on these grids.
    noise : float
        Probability that an observed state is replaced by another state,
        chosen uniformly (only with ``times``).
    seed : int
        Random seed.
    max_jumps : int, optional
        Jumps simulated per path; by default enough that exceeding it is
        practically impossible, and doubled automatically if it is exceeded.

    Returns
    -------
    Paths or PanelData
        Full paths when ``times`` is None; otherwise panel data (ids
        ``0..n_paths-1``) whose attribute ``paths`` holds the true paths and
        ``true_state`` the states before noise.
    """
    Q = validate_rate_matrix(Q)
    S = Q.shape[0]
    p0 = np.full(S, 1.0 / S) if p0 is None else np.asarray(p0, dtype=float)
    if p0.shape != (S,) or np.any(p0 < 0) or abs(p0.sum() - 1) > 1e-8:
        raise ValueError(
            f"p0 must be a probability vector of length {S}; got {np.round(p0, 4)}"
        )
    if int(n_paths) < 1:
        raise ValueError(f"n_paths must be >= 1; got {n_paths}")
    n_paths = int(n_paths)
    if not 0 <= noise < 1:
        raise ValueError(f"noise is a probability in [0, 1); got {noise}")
    grid = None
    if times is not None:
        grid = np.asarray(times, dtype=float)
        if grid.ndim == 1:
            grid = np.broadcast_to(grid, (n_paths, grid.size))
        if grid.ndim != 2 or grid.shape[0] != n_paths:
            raise ValueError(
                f"times must have shape (T,) or (n_paths, T) = ({n_paths}, T); "
                f"got {np.shape(times)}"
            )
        if np.any(grid < 0) or np.any(np.diff(grid, axis=1) <= 0):
            raise ValueError(
                "observation times must be >= 0 and strictly increasing along each path"
            )
        if t_max is None:
            t_max = grid[:, -1]
    elif noise:
        raise ValueError("noise applies to observations; give times= as well")
    if t_max is None:
        raise ValueError("give t_max (end of the paths) or times (a grid)")
    t_end = np.broadcast_to(np.asarray(t_max, dtype=float), (n_paths,)).copy()
    if np.any(t_end <= 0) or not np.all(np.isfinite(t_end)):
        raise ValueError(f"t_max must be positive and finite; got {t_max}")
    steps = max_jumps or _steps_needed(float(np.max(-np.diag(Q))), float(t_end.max()))
    key = jax.random.PRNGKey(seed)
    while True:
        out = _gillespie(
            key,
            jnp.asarray(Q),
            jnp.asarray(p0),
            jnp.asarray(t_end),
            n_paths=n_paths,
            n_steps=steps,
        )
        if bool(np.all(out[3])):
            break
        if max_jumps is not None:
            raise ValueError(
                f"max_jumps={max_jumps} jumps do not reach t_max on some paths; "
                "raise max_jumps or leave it unset"
            )
        steps *= 2
    paths = Paths(
        np.asarray(out[0]),
        np.asarray(out[1]).astype(int),
        np.asarray(out[2]),
        t_end,
        S,
    )
    if grid is None:
        return paths
    if np.any(grid > t_end[:, None]):
        raise ValueError("observation times beyond t_max; leave t_max unset")
    true = _observe(
        jnp.asarray(paths.times),
        jnp.asarray(paths.states),
        jnp.asarray(grid),
    )
    observed = true
    if noise > 0:
        observed = _mislabel(jax.random.fold_in(key, 1), true, noise, n_states=S)
    T = grid.shape[1]
    panel = PanelData(
        np.repeat(np.arange(n_paths), T),
        grid.ravel(),
        np.asarray(observed).ravel(),
        S,
    )
    panel.paths = paths
    panel.true_state = np.asarray(true).ravel()
    return panel
