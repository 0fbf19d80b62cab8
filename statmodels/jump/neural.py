"""A small neural recogniser of rate matrices, trained once on synthetic chains.

In the spirit of the foundation inference model of Berghaus, Cvejoski,
Seifner, Ojeda & Sanchez (2024), "Foundation Inference Models for Markov
Jump Processes" (NeurIPS 2024, arXiv 2406.06419): a network is trained on
many chains drawn from a generic prior over processes and then maps the panel
data of a new system to its rate matrix and initial distribution, with no
fitting. No benchmark (DFR or other) enters the prior or the training.

Time units. Every data set is rescaled so that the median gap between
consecutive observations is 1; the network predicts rates in these units and
:func:`recognise` divides them by the median gap, so the answer is in the
data's own time units (rescaling the times rescales the rates exactly).

Prior over processes (one draw per training set; rates per nominal grid step):

* number of states ``S`` uniform on ``2..s_max``, padded to ``s_max``;
* allowed transitions: with probability 0.6 a sparse pattern (each
  off-diagonal pair allowed with probability ``rho ~ U(0.25, 1)``, plus a
  random cycle through all states so the chain is irreducible), which is
  given to the network; otherwise a dense chain (all off-diagonal rates
  positive, the network is told nothing), whose rates outside a sparse
  pattern drawn as above are weakened by a factor ``exp(-U(2, 5))``;
* log-rates ``log q_ij = m + s z_ij`` with ``m ~ U(log 0.005, log 0.8)``,
  ``s ~ U(0.2, 1.2)``, ``z_ij`` standard normal clipped to +-2.5, and the
  result clipped to ``[log 1e-4, log 5]``;
* initial distribution Dirichlet(1) on the ``S`` states;
* observation grids: ``P`` paths (uniform on ``min_paths..max_paths``) of
  ``T`` observations (uniform on ``min_obs..max_obs``; with probability 0.3
  each path keeps only a random ``T/2..T`` of them), first observation at
  time 0, then regular (probability 0.5), jittered regular (each later time
  moved by ``U(-0.45, 0.45)`` steps; 0.25) or sorted uniform on ``[0, T]``
  (0.25), all multiplied by a random unit ``h ~ logU(0.1, 10)`` (the rates by
  ``1 / h``) before the median-gap rescaling;
* label noise: with probability 0.3 each observed state is replaced, with
  probability ``U(0, 0.1)``, by another of the ``S`` states chosen uniformly.

Paths are simulated exactly, many sets at once, by the vectorised Gillespie
simulator of :mod:`statmodels.jump.simulate` (``vmap`` over sets).

Network (Equinox). Each observation window of a path (previous, current and
next state one-hot, with the log time gaps before and after) is embedded by
an MLP; the embeddings are averaged over the path's valid windows and, with
the path's first state and its length, mapped by a second MLP to one vector
per path. Multi-head attention pooling with learned queries (padded paths get
zero weight) makes one context vector for the data set. A head shared by all
pairs ``(i, j)`` reads the context, the one-hot ``i`` and ``j``, and summary
statistics pooled over all paths: transition counts ``N_ij``, time at risk
``R_i`` (sum of the gaps that start in ``i``), the crude rate
``log((N_ij + 0.5) / (R_i + 1))``, two-step and exit-rate versions of it, the
pattern and the state mask. It returns a correction to the crude log-rate
(the mean ``mu_ij`` of ``log q_ij``) and a log-variance ``v_ij``. A second
per-state head gives the logits of the initial distribution (absent states
masked out). The loss is the Gaussian negative log-likelihood
``((log q - mu)^2 e^(-v) + v) / 2`` over the allowed pairs plus the
cross-entropy of the initial distribution.

Uncertainty. The log-variance head is calibrated on data sets of the
training sizes (90% intervals cover about 90% of held-out prior rates). Log
counts are capped at the training maximum, so on much larger data sets (such
as 300 paths x 100 observations) the reported spread is conservative.

The network, its training and its inputs are float32 (explicit casts; the
package default float64 is used for simulation and for the returned arrays).
"""

from __future__ import annotations

import json
import math
import time
from functools import partial
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from statmodels.jump.data import PanelData
from statmodels.jump.fit import _pattern
from statmodels.jump.simulate import _gillespie, _steps_needed

#: Where the shipped checkpoint lives.
PRETRAINED = Path(__file__).parent / "pretrained" / "recogniser"
F32 = jnp.float32

#: The shipped model: trains in minutes on two CPU cores.
SMALL_CONFIG = {
    "s_max": 6,
    "width": 64,
    "heads": 4,
    "n_sets": 4000,
    "min_paths": 16,
    "max_paths": 48,
    "min_obs": 8,
    "max_obs": 48,
    "steps": 2500,
    "batch": 16,
    "learning_rate": 2e-3,
    "seed": 0,
}

#: A larger configuration for a GPU (wider, more data, longer training).
GPU_CONFIG = {
    **SMALL_CONFIG,
    "width": 256,
    "heads": 8,
    "n_sets": 100_000,
    "min_paths": 16,
    "max_paths": 128,
    "min_obs": 8,
    "max_obs": 128,
    "steps": 60_000,
    "batch": 64,
    "learning_rate": 1e-3,
}

CONFIGS = {"small": SMALL_CONFIG, "gpu": GPU_CONFIG}


def _masked_logsumexp(x, mask, axis):
    big = jnp.where(mask, x, -30.0)
    return jax.nn.logsumexp(big, axis=axis)


class Recogniser(eqx.Module):
    """Per-path encoder, attention pooling over paths, and output heads."""

    window: eqx.nn.MLP
    path: eqx.nn.MLP
    key_proj: eqx.nn.Linear
    value_proj: eqx.nn.Linear
    query: jax.Array
    rate_head: eqx.nn.MLP
    init_head: eqx.nn.MLP
    n_states: int = eqx.field(static=True)
    heads: int = eqx.field(static=True)
    count_cap: float = eqx.field(static=True)

    def __init__(
        self,
        n_states: int = 6,
        width: int = 64,
        heads: int = 4,
        count_cap: float = 8.0,
        *,
        key,
    ):
        """Build a recogniser with random weights (float32).

        Parameters
        ----------
        n_states : int
            Largest number of states (inputs are padded to it).
        width : int
            Width of the hidden layers and embeddings (a multiple of ``heads``).
        heads : int
            Attention heads of the pooling over paths.
        count_cap : float
            Log-counts fed to the heads are clipped at this value (the
            largest seen in training), so that much larger data sets do not
            push the heads outside their training range.
        key : jax.Array
            PRNG key.
        """
        if width % heads:
            raise ValueError(f"width {width} must be a multiple of heads {heads}")
        k = jax.random.split(key, 7)
        S = n_states
        self.n_states = S
        self.heads = heads
        self.count_cap = float(count_cap)
        kw = {"dtype": F32}
        self.window = eqx.nn.MLP(3 * S + 3, width, width, 2, key=k[0], **kw)
        self.path = eqx.nn.MLP(width + S + 1, width, width, 1, key=k[1], **kw)
        self.key_proj = eqx.nn.Linear(width, width, key=k[2], **kw)
        self.value_proj = eqx.nn.Linear(width, width, key=k[3], **kw)
        self.query = 0.1 * jax.random.normal(k[4], (heads, width), dtype=F32)
        self.rate_head = eqx.nn.MLP(width + 2 * S + 20, 2, width, 2, key=k[5], **kw)
        self.init_head = eqx.nn.MLP(width + S + 3, 1, width, 1, key=k[6], **kw)

    def __call__(self, states, times, obs_mask, state_mask, pattern):
        """Outputs for one padded data set.

        Parameters
        ----------
        states : jax.Array, shape (P, T)
            Integer states (any value where ``obs_mask`` is False).
        times : jax.Array, shape (P, T)
            Observation times in median-gap units.
        obs_mask : jax.Array, shape (P, T)
            True for real observations (each path's first ones).
        state_mask : jax.Array, shape (S_max,)
            True for the states that exist.
        pattern : jax.Array, shape (S_max, S_max)
            True for the allowed transitions (within existing states).

        Returns
        -------
        tuple of jax.Array
            Means and log-variances of ``log q`` (S_max, S_max), in median-gap
            units, and the logits of the initial distribution (S_max,; very
            negative for absent states).
        """
        S = self.n_states
        obs_mask = obs_mask.astype(bool)
        state_mask = state_mask.astype(bool)
        allowed = (
            pattern.astype(bool)
            & state_mask[:, None]
            & state_mask[None, :]
            & ~jnp.eye(S, dtype=bool)
        )
        times = times.astype(F32)
        onehot = jax.nn.one_hot(states, S, dtype=F32)
        pm = obs_mask[:, 1:] & obs_mask[:, :-1]  # valid pairs (P, T-1)
        pmf = pm.astype(F32)
        dt = jnp.where(pm, times[:, 1:] - times[:, :-1], 1.0)
        logdt = jnp.where(pm, jnp.log(jnp.maximum(dt, 1e-6)), 0.0)
        a, b = onehot[:, :-1], onehot[:, 1:]
        P = states.shape[0]
        prev = jnp.concatenate([jnp.zeros_like(a[:, :1]), a[:, :-1]], axis=1)
        prev_dt = jnp.concatenate([jnp.zeros_like(logdt[:, :1]), logdt[:, :-1]], 1)
        first = jnp.zeros_like(logdt).at[:, 0].set(1.0)
        win = jnp.concatenate(
            [prev, a, b, prev_dt[..., None], logdt[..., None], first[..., None]], -1
        )
        h = jax.vmap(jax.vmap(self.window))(win)
        n_win = pmf.sum(axis=1)
        h = jnp.einsum("pk,pkd->pd", pmf, h) / jnp.maximum(n_win, 1.0)[:, None]
        path_ok = pm[:, 0]
        e = jax.vmap(self.path)(
            jnp.concatenate([h, onehot[:, 0], jnp.log1p(n_win)[:, None]], axis=-1)
        )
        # Attention pooling over paths: a learned query per head, padded paths
        # masked out of the softmax.
        keys = jax.vmap(self.key_proj)(e)
        values = jax.vmap(self.value_proj)(e).reshape(P, self.heads, -1)
        logits = keys @ self.query.T / jnp.sqrt(F32(keys.shape[-1]))
        logits = jnp.where(path_ok[:, None], logits, -1e9)
        weights = jax.nn.softmax(logits, axis=0) * path_ok[:, None]
        context = jnp.einsum("ph,phd->hd", weights, values).ravel()

        # Summary statistics pooled over all paths.
        N = jnp.einsum("pk,pki,pkj->ij", pmf, a, b)
        R = jnp.einsum("pk,pki->i", pmf * dt, a)
        n_from = N.sum(axis=1)
        leave = n_from - jnp.diag(N)
        base = jnp.log((N + 0.5) / (R[:, None] + 1.0))
        both = allowed[:, :, None] & allowed[None, :, :]  # i -> k -> j
        # two-step: log sum_k exp(base_ik + base_kj) over allowed i->k->j
        two = _masked_logsumexp(base[:, :, None] + base[None, :, :], both, 1)
        two = jnp.maximum(two, -12.0)
        exit_rate = jnp.log((leave + 0.5) / (R + 1.0))
        leave_frac = jnp.log((leave + 0.5) / (n_from + 1.0))
        cap = self.count_cap
        lc = lambda x: jnp.minimum(jnp.log1p(x), cap) / cap  # noqa: E731
        n_pairs = pmf.sum()
        n_paths = path_ok.sum()
        mean_ld = jnp.sum(logdt * pmf) / jnp.maximum(n_pairs, 1.0)
        sd_ld = jnp.sqrt(
            jnp.sum((logdt - mean_ld) ** 2 * pmf) / jnp.maximum(n_pairs, 1.0)
        )
        s_frac = state_mask.sum() / S
        eye = jnp.eye(S, dtype=F32)
        af = allowed.astype(F32)
        out_deg = af.sum(1) / S
        in_deg = af.sum(0) / S
        glob = jnp.stack([lc(n_pairs), lc(n_paths), mean_ld, sd_ld, s_frac])
        bc = lambda x: jnp.broadcast_to(x, (S, S))  # noqa: E731
        feats = jnp.stack(
            [
                base,
                base.T,
                two,
                bc(exit_rate[:, None]),
                bc(exit_rate[None, :]),
                bc(leave_frac[:, None]),
                lc(N),
                lc(N.T),
                bc(lc(n_from)[:, None]),
                bc(lc(n_from)[None, :]),
                bc(lc(R)[:, None]),
                af,
                af.T,
                bc(out_deg[:, None]),
                bc(in_deg[None, :]),
            ],
            axis=-1,
        )
        pair_in = jnp.concatenate(
            [
                jnp.broadcast_to(context, (S, S, context.size)),
                jnp.broadcast_to(eye[:, None, :], (S, S, S)),
                jnp.broadcast_to(eye[None, :, :], (S, S, S)),
                feats,
                jnp.broadcast_to(glob, (S, S, glob.size)),
            ],
            axis=-1,
        )
        out = jax.vmap(jax.vmap(self.rate_head))(pair_in)
        mean = base + out[..., 0]
        logvar = -3.0 + 6.0 * jnp.tanh(out[..., 1] / 6.0)

        first_counts = jnp.einsum("p,pi->i", path_ok.astype(F32), onehot[:, 0])
        visits = jnp.einsum("pt,pti->i", obs_mask.astype(F32), onehot)
        init_in = jnp.concatenate(
            [
                jnp.broadcast_to(context, (S, context.size)),
                eye,
                jnp.log((first_counts + 0.5) / (n_paths + 0.5 * S))[:, None],
                (visits / jnp.maximum(visits.sum(), 1.0))[:, None],
                jnp.broadcast_to(glob[1], (S, 1)),
            ],
            axis=-1,
        )
        init_logits = jax.vmap(self.init_head)(init_in)[:, 0]
        init_logits = jnp.where(state_mask, init_logits, -1e9)
        return mean, logvar, init_logits


# ----------------------------------------------------------------------------
# The prior and the synthetic training sets


def _median_gap(times, obs_mask):
    """Median gap between consecutive observations over all paths."""
    pm = obs_mask[:, 1:] & obs_mask[:, :-1]
    return float(np.median((times[:, 1:] - times[:, :-1])[pm]))


def _allowed(rng, S, rho):
    mask = rng.random((S, S)) < rho
    cycle = rng.permutation(S)
    mask[cycle, np.roll(cycle, -1)] = True
    np.fill_diagonal(mask, False)
    return mask


def sample_process(rng: np.random.Generator, config: dict = SMALL_CONFIG) -> dict:
    """One process and observation design from the prior (see module notes).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source.
    config : dict
        Sizes (``s_max``, ``min_paths``, ``max_paths``, ``min_obs``,
        ``max_obs``).

    Returns
    -------
    dict
        ``Q`` (padded rate matrix in raw time units), ``p0``, ``state_mask``,
        ``pattern`` (what the network is told), ``times`` and ``obs_mask``
        (max_paths, max_obs) in raw units, ``noise``.
    """
    s_max, P_max, T_max = config["s_max"], config["max_paths"], config["max_obs"]
    S = int(rng.integers(2, s_max + 1))
    sparse = _allowed(rng, S, rng.uniform(0.25, 1.0))
    m = rng.uniform(np.log(0.005), np.log(0.8))
    s = rng.uniform(0.2, 1.2)
    logq = m + s * np.clip(rng.normal(size=(S, S)), -2.5, 2.5)
    given = rng.random() < 0.6
    if given:
        pattern = sparse
    else:
        pattern = ~np.eye(S, dtype=bool)
        logq = np.where(sparse, logq, logq - rng.uniform(2.0, 5.0, (S, S)))
    logq = np.clip(logq, np.log(1e-4), np.log(5.0))
    unit = np.exp(rng.uniform(np.log(0.1), np.log(10.0)))
    Q = np.zeros((s_max, s_max))
    Q[:S, :S] = np.where(pattern, np.exp(logq), 0.0) / unit
    np.fill_diagonal(Q, -Q.sum(axis=1))
    p0 = np.zeros(s_max)
    p0[:S] = rng.dirichlet(np.ones(S))
    n_paths = int(rng.integers(config["min_paths"], P_max + 1))
    T = int(rng.integers(config["min_obs"], T_max + 1))
    counts = np.full(P_max, T)
    if rng.random() < 0.3:
        counts = rng.integers(max(2, T // 2), T + 1, P_max)
    kind = rng.choice(3, p=[0.5, 0.25, 0.25])
    times = np.zeros((P_max, T_max))
    obs_mask = np.arange(T_max)[None, :] < counts[:, None]
    obs_mask[n_paths:] = False
    for p in range(P_max):
        c = counts[p]
        if kind == 0:
            g = np.arange(c, dtype=float)
        elif kind == 1:
            g = np.arange(c) + rng.uniform(-0.45, 0.45, c)
            g[0] = 0.0
        else:
            g = np.r_[0.0, np.sort(rng.uniform(0.0, c, c - 1))]
            g = np.maximum.accumulate(g + 1e-9 * np.arange(c))
        times[p, :c] = g
        times[p, c:] = g[-1]
    state_mask = np.arange(s_max) < S
    full_pattern = np.zeros((s_max, s_max), dtype=bool)
    full_pattern[:S, :S] = pattern
    noise = rng.uniform(0.0, 0.1) if rng.random() < 0.3 else 0.0
    return {
        "Q": Q,
        "p0": p0,
        "state_mask": state_mask,
        "pattern": full_pattern,
        "times": times * unit,
        "obs_mask": obs_mask,
        "noise": noise,
        "n_states": S,
    }


@partial(jax.jit, static_argnames=("n_paths", "n_steps"))
def _simulate_sets(keys, Q, p0, t_end, grid, *, n_paths, n_steps):
    """Gillespie paths of many sets at once, read off at their grids."""

    def one(key, Q, p0, t_end, grid):
        times, states, _, complete = _gillespie(
            key, Q, p0, t_end, n_paths=n_paths, n_steps=n_steps
        )
        idx = jax.vmap(lambda t, g: jnp.searchsorted(t, g, side="right") - 1)(
            times, grid
        )
        return jnp.take_along_axis(states, idx, axis=1), jnp.all(complete)

    return jax.vmap(one)(keys, Q, p0, t_end, grid)


def _simulate_many(draws, seed):
    """Observed states (n_sets, P, T) of the prior draws, exact simulation."""
    n = len(draws)
    P, T = draws[0]["times"].shape
    Q = np.stack([d["Q"] for d in draws])
    p0 = np.stack([d["p0"] for d in draws])
    grid = np.stack([d["times"] for d in draws])
    t_end = np.maximum(grid[:, :, -1], 1e-9)
    exit_max = np.max(-np.diagonal(Q, axis1=1, axis2=2), axis=1)
    need = np.array(
        [
            _steps_needed(float(r), float(t.max()))
            for r, t in zip(exit_max, t_end, strict=True)
        ]
    )
    # Jump budgets in powers of 4, so that only a few shapes are compiled
    # (one for a small number of sets).
    steps = 4 ** np.ceil(np.log(np.maximum(need, 64)) / np.log(4)).astype(int)
    if n <= 256:
        steps[:] = steps.max()
    out = np.zeros((n, P, T), dtype=np.int64)
    base = jax.random.PRNGKey(seed)
    todo = np.arange(n)
    while todo.size:
        redo = []
        for K in np.unique(steps[todo]):
            group = todo[steps[todo] == K]
            chunk = max(1, int(4_000_000 // (P * (K + 1))))
            for s in range(0, group.size, chunk):
                idx = group[s : s + chunk]
                keys = jax.vmap(lambda i: jax.random.fold_in(base, i))(
                    jnp.asarray(idx * 7 + int(K))
                )
                obs, ok = _simulate_sets(
                    keys,
                    jnp.asarray(Q[idx]),
                    jnp.asarray(p0[idx]),
                    jnp.asarray(t_end[idx]),
                    jnp.asarray(grid[idx]),
                    n_paths=P,
                    n_steps=int(K),
                )
                ok = np.asarray(ok)
                out[idx[ok]] = np.asarray(obs)[ok]
                redo.extend(idx[~ok])
        todo = np.asarray(redo, dtype=int)
        steps[todo] *= 4
    return out


def make_training_set(n_sets: int, config: dict | None = None, seed: int = 0):
    """Synthetic data sets from the prior, simulated exactly and batched.

    Parameters
    ----------
    n_sets : int
        Number of chains.
    config : dict, optional
        Sizes (default :data:`SMALL_CONFIG`).
    seed : int
        Random seed.

    Returns
    -------
    dict of numpy.ndarray
        Network inputs ``states``, ``times`` (median-gap units), ``obs_mask``
        (n_sets, max_paths, max_obs), ``state_mask`` (n_sets, s_max),
        ``pattern`` (n_sets, s_max, s_max); targets ``log_rates`` (log rates
        in median-gap units, 0 where not allowed), ``p0``; and ``noise``,
        ``scale`` (the median gap of each set in raw units).
    """
    config = SMALL_CONFIG if config is None else config
    rng = np.random.default_rng(seed)
    draws = [sample_process(rng, config) for _ in range(n_sets)]
    states = _simulate_many(draws, seed)
    out = {k: [] for k in ("times", "obs_mask", "state_mask", "pattern", "p0")}
    out.update(states=[], log_rates=[], noise=[], scale=[])
    for d, x in zip(draws, states, strict=True):
        S = d["n_states"]
        if d["noise"] > 0:
            flip = rng.random(x.shape) < d["noise"]
            x = np.where(flip, (x + rng.integers(1, S, x.shape)) % S, x)
        scale = _median_gap(d["times"], d["obs_mask"])
        qn = d["Q"] * scale
        out["states"].append(np.where(d["obs_mask"], x, 0).astype(np.int8))
        out["times"].append((d["times"] / scale).astype(np.float32))
        out["log_rates"].append(
            np.log(np.where(d["pattern"], qn, 1.0)).astype(np.float32)
        )
        out["scale"].append(scale)
        for k in ("obs_mask", "state_mask", "pattern", "p0", "noise"):
            out[k].append(d[k])
    res = {k: np.asarray(v) for k, v in out.items()}
    res["p0"] = res["p0"].astype(np.float32)
    return res


# ----------------------------------------------------------------------------
# Training

_INPUTS = ("states", "times", "obs_mask", "state_mask", "pattern")


def _set_loss(model, states, times, obs_mask, state_mask, pattern, log_rates, p0):
    mean, logvar, logits = model(states, times, obs_mask, state_mask, pattern)
    return _loss_of(mean, logvar, logits, state_mask, pattern, log_rates, p0)


def _loss_of(mean, logvar, logits, state_mask, pattern, log_rates, p0):
    nll = 0.5 * ((log_rates - mean) ** 2 * jnp.exp(-logvar) + logvar)
    ok = pattern.astype(bool)
    ce = -jnp.sum(jnp.where(state_mask, p0 * jax.nn.log_softmax(logits), 0.0))
    return jnp.sum(jnp.where(ok, nll, 0.0)) / jnp.maximum(jnp.sum(ok), 1) + ce


def loss_fn(model, batch):
    """Mean Gaussian NLL of the log-rates plus initial-distribution cross-entropy.

    Parameters
    ----------
    model : Recogniser
        The network.
    batch : dict
        Arrays as returned by :func:`make_training_set` (a leading batch axis).

    Returns
    -------
    jax.Array
        The mean loss over the batch.
    """
    args = [jnp.asarray(batch[k]) for k in (*_INPUTS, "log_rates", "p0")]
    args[1] = args[1].astype(F32)
    args[-2] = args[-2].astype(F32)
    args[-1] = args[-1].astype(F32)
    return jnp.mean(jax.vmap(partial(_set_loss, model))(*args))


@eqx.filter_jit
def evaluate(model, batch):
    """Outputs and losses of the network on a batch of data sets.

    Parameters
    ----------
    model : Recogniser
        The network.
    batch : dict
        Arrays as returned by :func:`make_training_set`.

    Returns
    -------
    dict
        ``mean``, ``logvar`` (n, S_max, S_max), ``logits`` (n, S_max) and
        ``loss`` (n,), the loss of each data set.
    """
    args = [jnp.asarray(batch[k]) for k in (*_INPUTS, "log_rates", "p0")]
    args[0] = args[0].astype(jnp.int32)
    args[1] = args[1].astype(F32)
    args[-2] = args[-2].astype(F32)
    args[-1] = args[-1].astype(F32)
    mean, logvar, logits = jax.vmap(model)(*args[:5])
    loss = jax.vmap(_loss_of)(mean, logvar, logits, *args[3:])
    return {"mean": mean, "logvar": logvar, "logits": logits, "loss": loss}


def _count_cap(config):
    return float(np.log1p(config["max_paths"] * (config["max_obs"] - 1)))


def train(config: dict | None = None, progress=None, data=None, **overrides):
    """Train a recogniser on a fresh synthetic training set from the prior.

    Parameters
    ----------
    config : dict, optional
        Settings (default :data:`SMALL_CONFIG`; see also :data:`GPU_CONFIG`).
    progress : bool, optional
        Show a progress meter.
    data : dict, optional
        A training set from :func:`make_training_set` (made from ``config``
        when not given).
    **overrides
        Settings that replace those of ``config`` (e.g. ``steps=50``).

    Returns
    -------
    tuple
        The trained :class:`Recogniser` and the list of training losses.
    """
    from statmodels.inference import meter

    cfg = {**(SMALL_CONFIG if config is None else config), **overrides}
    seed = cfg["seed"]
    if data is None:
        data = make_training_set(cfg["n_sets"], cfg, seed)
    model = Recogniser(
        cfg["s_max"],
        cfg["width"],
        cfg["heads"],
        _count_cap(cfg),
        key=jax.random.PRNGKey(seed),
    )
    steps = cfg["steps"]
    schedule = optax.warmup_cosine_decay_schedule(
        0.0, cfg["learning_rate"], max(1, steps // 20), steps
    )
    opt = optax.chain(optax.clip_by_global_norm(1.0), optax.adam(schedule))
    state = opt.init(eqx.filter(model, eqx.is_array))
    arrays = {k: jnp.asarray(data[k]) for k in (*_INPUTS, "log_rates", "p0")}

    @eqx.filter_jit
    def step(model, state, idx):
        batch = {k: v[idx] for k, v in arrays.items()}
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, batch)
        updates, state = opt.update(grads, state, model)
        return eqx.apply_updates(model, updates), state, loss

    n_sets = len(data["states"])
    rng = np.random.default_rng(seed + 1)
    losses = []
    with meter(steps, "training", progress) as bar:
        for _ in range(steps):
            idx = jnp.asarray(rng.integers(0, n_sets, cfg["batch"]))
            model, state, loss = step(model, state, idx)
            losses.append(float(loss))
            bar.update()
    return model, losses


def save(model: Recogniser, path, meta: dict | None = None) -> None:
    """Write a checkpoint: ``path.eqx`` (weights) and ``path.json`` (settings).

    Parameters
    ----------
    model : Recogniser
        The network.
    path : str or Path
        Path without suffix.
    meta : dict, optional
        Extra settings to record (training sizes, losses, benchmarks).
    """
    path = Path(path)
    config = {
        "n_states": model.n_states,
        "width": int(model.query.shape[1]),
        "heads": model.heads,
        "count_cap": model.count_cap,
        **(meta or {}),
    }
    path.with_suffix(".json").write_text(json.dumps(config, indent=1) + "\n")
    eqx.tree_serialise_leaves(path.with_suffix(".eqx"), model)


def load(path=PRETRAINED) -> Recogniser:
    """Read a checkpoint written by :func:`save` (default: the shipped one).

    Parameters
    ----------
    path : str or Path
        Path without suffix.

    Returns
    -------
    Recogniser
    """
    path = Path(path)
    config = json.loads(path.with_suffix(".json").read_text())
    like = Recogniser(
        config["n_states"],
        config["width"],
        config["heads"],
        config["count_cap"],
        key=jax.random.PRNGKey(0),
    )
    return eqx.tree_deserialise_leaves(path.with_suffix(".eqx"), like)


# ----------------------------------------------------------------------------
# Inference


@eqx.filter_jit
def _apply(model, states, times, obs_mask, state_mask, pattern):
    return model(states, times, obs_mask, state_mask, pattern)


def _bucket(n: int) -> int:
    """Pad sizes to a few shapes, so that jit compiles rarely."""
    if n <= 64:
        return int(2 ** math.ceil(math.log2(max(n, 8))))
    return int(64 * math.ceil(n / 64))


def panel_arrays(panel: PanelData, size: int | None = None):
    """Padded network inputs of a panel: states, times (median-gap units), mask.

    Parameters
    ----------
    panel : PanelData
        Any grids, any number of observations per subject.
    size : int, optional
        Pad the number of paths and of observations to at least this.

    Returns
    -------
    tuple
        ``states``, ``times``, ``obs_mask`` (n_subjects', T'), and the
        median gap (the time unit of the network).
    """
    starts = np.flatnonzero(np.r_[True, panel.id[1:] != panel.id[:-1]])
    lengths = np.diff(np.r_[starts, len(panel.id)])
    P, T = _bucket(len(starts)), _bucket(int(lengths.max()))
    if size is not None:
        P, T = max(P, size), max(T, size)
    row = np.repeat(np.arange(len(starts)), lengths)
    col = np.arange(len(panel.id)) - np.repeat(starts, lengths)
    states = np.zeros((P, T), dtype=np.int32)
    times = np.zeros((P, T))
    obs_mask = np.zeros((P, T), dtype=bool)
    states[row, col] = panel.state
    times[row, col] = panel.time - np.repeat(panel.time[starts], lengths)
    obs_mask[row, col] = True
    dt, _, _ = panel.transitions()
    scale = float(np.median(dt))
    return states, times / scale, obs_mask, scale


def recognise(panel: PanelData, model: Recogniser | None = None, pattern=None) -> dict:
    """Zero-shot rate matrix and initial distribution of panel data.

    Parameters
    ----------
    panel : PanelData
        Subjects observed at any times (regular or irregular grids, a common
        grid or one per subject, any number of observations each), on at most
        ``model.n_states`` states.
    model : Recogniser, optional
        The network (default: the shipped pretrained one).
    pattern : array_like of bool, shape (S, S), optional
        Known allowed transitions; the answer has exactly this zero pattern.
        Without it, all off-diagonal rates are predicted (positive).

    Returns
    -------
    dict
        ``rate_matrix`` (S, S), in the data's time units; ``log_rate_sd``
        (S, S; the network's standard deviation of each log-rate, 0 where the
        rate is structurally zero and on the diagonal); ``p0`` (S,).
    """
    model = load() if model is None else model
    S, s_max = panel.n_states, model.n_states
    if S > s_max:
        raise ValueError(
            f"the recogniser handles up to {s_max} states; the panel has {S}"
        )
    if S < 2:
        raise ValueError("the recogniser needs at least two states")
    allowed = _pattern(pattern, S)
    states, times, obs_mask, scale = panel_arrays(panel)
    state_mask = np.arange(s_max) < S
    full = np.zeros((s_max, s_max), dtype=bool)
    full[:S, :S] = allowed
    mean, logvar, logits = _apply(
        model,
        jnp.asarray(states),
        jnp.asarray(times, dtype=F32),
        jnp.asarray(obs_mask),
        jnp.asarray(state_mask),
        jnp.asarray(full),
    )
    mean = np.asarray(mean, dtype=float)[:S, :S]
    sd = np.exp(0.5 * np.asarray(logvar, dtype=float))[:S, :S]
    Q = np.where(allowed, np.exp(mean), 0.0) / scale
    np.fill_diagonal(Q, -Q.sum(axis=1))
    p0 = np.asarray(jax.nn.softmax(jnp.asarray(logits, dtype=float)))[:S]
    return {
        "rate_matrix": Q,
        "log_rate_sd": np.where(allowed, sd, 0.0),
        "p0": p0 / p0.sum(),
    }


# ----------------------------------------------------------------------------
# The DFR benchmark and the training script


def dfr_benchmark(
    model: Recogniser,
    Vs=(0.5, 1.0, 2.0),
    n_paths: int = 300,
    n_obs: int = 100,
    step: float = 0.1,
    seed: int = 41,
    mle: bool = True,
) -> list[dict]:
    """Rate RMSE on the discrete flashing ratchet: network, MLE, constant.

    The RMSE is over the 18 allowed off-diagonal rates, on one simulated
    panel per ``V`` (``r = b = 1``), the same observations for all methods.

    Parameters
    ----------
    model : Recogniser
        The network.
    Vs : sequence of float
        Potential strengths.
    n_paths, n_obs : int
        Subjects and observations per subject.
    step : float
        Grid step.
    seed : int
        Random seed of the simulations.
    mle : bool
        Also fit the classical panel MLE.

    Returns
    -------
    list of dict
        Per ``V``: ``rmse_net`` (pattern given), ``rmse_net_no_pattern``,
        ``rmse_mle``, ``rmse_constant`` (the best constant guess, the mean
        true rate).
    """
    from statmodels.jump.dfr import dfr_pattern, dfr_rate_matrix
    from statmodels.jump.fit import fit_panel
    from statmodels.jump.simulate import simulate

    pattern = dfr_pattern()
    rows = []
    for V in Vs:
        Q = dfr_rate_matrix(V, 1.0, 1.0)
        panel = simulate(Q, None, n_paths, times=np.arange(n_obs) * step, seed=seed)

        def rmse(Qh, Q=Q):
            return float(np.sqrt(np.mean((Qh - Q)[pattern] ** 2)))

        row = {
            "V": V,
            "rmse_net": rmse(recognise(panel, model, pattern)["rate_matrix"]),
            "rmse_net_no_pattern": rmse(recognise(panel, model)["rate_matrix"]),
            "rmse_constant": rmse(np.full_like(Q, Q[pattern].mean())),
        }
        if mle:
            row["rmse_mle"] = rmse(fit_panel(panel, pattern).rate_matrix)
        rows.append(row)
    return rows


def main(argv=None):  # pragma: no cover
    """Train a recogniser and write its checkpoint and settings (JSON)."""
    import argparse

    import statmodels  # noqa: F401  (float64 for simulation)

    parser = argparse.ArgumentParser(description="train the neural recogniser")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="small")
    parser.add_argument("--out", default=str(PRETRAINED), help="path, no suffix")
    parser.add_argument("--steps", type=int, help="override the Adam steps")
    parser.add_argument("--sets", type=int, help="override the training sets")
    args = parser.parse_args(argv)
    cfg = dict(CONFIGS[args.config])
    if args.steps:
        cfg["steps"] = args.steps
    if args.sets:
        cfg["n_sets"] = args.sets
    start = time.perf_counter()
    data = make_training_set(cfg["n_sets"], cfg, cfg["seed"])
    sim_seconds = time.perf_counter() - start
    print(f"simulated {cfg['n_sets']} training sets in {sim_seconds:.0f} s")
    net, losses = train(cfg, progress=True, data=data)
    seconds = time.perf_counter() - start
    meta = {
        "config": args.config,
        "settings": cfg,
        "final_loss": float(np.mean(losses[-100:])),
        "seconds": seconds,
        "simulation_seconds": sim_seconds,
        "dfr": dfr_benchmark(net),
        "dfr_design": "300 paths x 100 observations, step 0.1, r = b = 1, seed 41",
        "fim_published_rmse_v1": 0.162,
    }
    save(net, args.out, meta)
    print(json.dumps(meta, indent=1))


if __name__ == "__main__":  # pragma: no cover
    main()
