"""A small neural recogniser of rate matrices, trained once on synthetic chains.

In the spirit of the foundation inference model of Berghaus, Cvejoski,
Seifner, Ojeda & Sanchez (2024), "Foundation Inference Models for Markov
Jump Processes" (NeurIPS 2024, arXiv 2406.06419): a network is trained on
many chains drawn from a prior over processes and then maps the panel data
of a new system to its rate matrix and initial distribution, with no fitting.

Prior over processes (on ``S = 6`` states, times in units of the grid step
``dt``): each off-diagonal transition is allowed with probability 0.6 (the
chain is kept irreducible by also allowing a random cycle), and
``log(q_ij dt) ~ N(m, 0.6^2)`` with ``m ~ U(log 0.03, log 0.3)``; the initial
distribution is Dirichlet(1). Each training set is ``n_paths`` paths seen at
``n_obs`` regular times.

Network (Equinox): each consecutive pair of observations of a path,
``(one-hot x_k, one-hot x_{k+1})``, is embedded by an MLP and averaged along
the path; a second MLP, also given the path's first state, makes one vector
per path; attention pooling with a learned query combines the paths; heads
(given also the log one-step transition frequencies ``log P_ij`` pooled over
all paths) give a correction ``d_ij`` to ``log P_ij``, so that the mean of
``log(q_ij dt)`` is ``mu_ij = log P_ij + d_ij``, its log-variance ``v_ij``,
and the logits of the initial distribution. The loss is the Gaussian negative
log-likelihood ``(log q - mu)^2 / (2 e^v) + v / 2`` over the allowed
transitions plus the cross-entropy of the initial distribution.
"""

from __future__ import annotations

import json
from pathlib import Path

import equinox as eqx
import jax
import jax.numpy as jnp
import numpy as np
import optax

from statmodels.jump.data import PanelData
from statmodels.jump.simulate import simulate

#: Where the shipped checkpoint lives.
PRETRAINED = Path(__file__).parent / "pretrained" / "recogniser"
N_STATES = 6


class Recogniser(eqx.Module):
    """Per-path encoder, attention pooling over paths, and output heads."""

    pair: eqx.nn.MLP
    path: eqx.nn.MLP
    key_proj: eqx.nn.Linear
    value_proj: eqx.nn.Linear
    query: jax.Array
    head: eqx.nn.MLP
    n_states: int = eqx.field(static=True)

    def __init__(self, n_states: int = N_STATES, width: int = 64, *, key):
        """Build a recogniser with random weights.

        Parameters
        ----------
        n_states : int
            Size of the state space.
        width : int
            Width of the hidden layers and embeddings.
        key : jax.Array
            PRNG key.
        """
        k = jax.random.split(key, 6)
        S = n_states
        self.n_states = S
        self.pair = eqx.nn.MLP(2 * S, width, width, 2, key=k[0])
        self.path = eqx.nn.MLP(width + S, width, width, 1, key=k[1])
        self.key_proj = eqx.nn.Linear(width, width, key=k[2])
        self.value_proj = eqx.nn.Linear(width, width, key=k[3])
        self.query = 0.1 * jax.random.normal(k[4], (width,))
        self.head = eqx.nn.MLP(width + S * S, 2 * S * S + S, width, 2, key=k[5])

    def __call__(self, states):
        """Outputs for one data set of integer states, shape (n_paths, n_obs).

        Returns
        -------
        tuple of jax.Array
            Means and log-variances of ``log(q dt)`` (S, S), and logits of
            the initial distribution (S,).
        """
        S = self.n_states
        onehot = jax.nn.one_hot(states, S)
        pairs = jnp.concatenate([onehot[:, :-1], onehot[:, 1:]], axis=-1)
        h = jax.vmap(jax.vmap(self.pair))(pairs).mean(axis=1)
        e = jax.vmap(self.path)(jnp.concatenate([h, onehot[:, 0]], axis=-1))
        keys = jax.vmap(self.key_proj)(e)
        values = jax.vmap(self.value_proj)(e)
        weights = jax.nn.softmax(keys @ self.query / jnp.sqrt(keys.shape[-1]))
        pooled = weights @ values
        # The log one-step transition frequencies of all paths together go to
        # the heads beside the pooled embedding, so that the network learns a
        # correction to them rather than the whole map from scratch.
        counts = jnp.einsum("pki,pkj->ij", onehot[:, :-1], onehot[:, 1:])
        freq = (counts + 0.5) / (counts.sum(axis=1, keepdims=True) + 0.5 * S)
        out = self.head(jnp.concatenate([pooled, jnp.log(freq).ravel()]))
        # The heads give a correction to log P_ij, since P(dt) = I + Q dt + ...
        mean = jnp.log(freq) + out[: S * S].reshape(S, S)
        logvar = jnp.clip(out[S * S : 2 * S * S].reshape(S, S), -10.0, 5.0)
        return mean, logvar, out[2 * S * S :]


def sample_process(rng: np.random.Generator, n_states: int = N_STATES):
    """One chain from the prior: (rate matrix in grid units, mask, p0).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source.
    n_states : int
        Size of the state space.

    Returns
    -------
    tuple of numpy.ndarray
        Rate matrix (per unit grid step), allowed-transition mask, initial
        distribution.
    """
    S = n_states
    mask = rng.random((S, S)) < 0.6
    cycle = rng.permutation(S)
    mask[cycle, np.roll(cycle, -1)] = True
    np.fill_diagonal(mask, False)
    m = rng.uniform(np.log(0.03), np.log(0.3))
    Q = np.where(mask, np.exp(m + 0.6 * rng.normal(size=(S, S))), 0.0)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    return Q, mask, rng.dirichlet(np.ones(S))


def make_training_set(n_sets: int, n_paths: int, n_obs: int, seed: int = 0):
    """Synthetic data sets from the prior, simulated exactly.

    Parameters
    ----------
    n_sets : int
        Number of chains.
    n_paths, n_obs : int
        Paths per chain and observations per path (unit grid step).
    seed : int
        Random seed.

    Returns
    -------
    dict of numpy.ndarray
        ``states`` (n_sets, n_paths, n_obs), ``log_rates`` and ``mask``
        (n_sets, S, S), ``p0`` (n_sets, S).
    """
    rng = np.random.default_rng(seed)
    grid = np.arange(n_obs, dtype=float)
    out = {"states": [], "log_rates": [], "mask": [], "p0": []}
    for k in range(n_sets):
        Q, mask, p0 = sample_process(rng)
        panel = simulate(
            Q, p0, n_paths, times=grid, seed=seed * 100003 + k, max_jumps=int(6 * n_obs)
        )
        out["states"].append(panel.state.reshape(n_paths, n_obs))
        out["log_rates"].append(np.log(np.where(mask, Q, 1.0)))
        out["mask"].append(mask)
        out["p0"].append(p0)
    return {k: np.asarray(v) for k, v in out.items()}


def loss_fn(model, batch):
    """Mean Gaussian NLL of the log-rates plus initial-distribution cross-entropy."""

    def one(states, log_rates, mask, p0):
        mean, logvar, logits = model(states)
        nll = 0.5 * ((log_rates - mean) ** 2 * jnp.exp(-logvar) + logvar)
        ce = -jnp.sum(p0 * jax.nn.log_softmax(logits))
        return jnp.sum(jnp.where(mask, nll, 0.0)) / jnp.sum(mask) + ce

    return jnp.mean(
        jax.vmap(one)(batch["states"], batch["log_rates"], batch["mask"], batch["p0"])
    )


def train(
    n_sets=1500,
    n_paths=50,
    n_obs=50,
    steps=1200,
    batch=16,
    seed=0,
    width=64,
    learning_rate=2e-3,
    progress=None,
):
    """Train a recogniser on a fresh synthetic training set.

    Parameters
    ----------
    n_sets, n_paths, n_obs : int
        Size of the training set (see :func:`make_training_set`).
    steps, batch : int
        Adam steps and data sets per step.
    seed : int
        Random seed.
    width : int
        Network width.
    learning_rate : float
        Peak Adam learning rate (cosine decay).
    progress : bool, optional
        Show a progress meter.

    Returns
    -------
    tuple
        The trained :class:`Recogniser` and the list of training losses.
    """
    from statmodels.inference import meter

    data = make_training_set(n_sets, n_paths, n_obs, seed)
    model = Recogniser(N_STATES, width, key=jax.random.PRNGKey(seed))
    opt = optax.adam(optax.cosine_decay_schedule(learning_rate, steps))
    state = opt.init(eqx.filter(model, eqx.is_array))

    @eqx.filter_jit
    def step(model, state, batch):
        loss, grads = eqx.filter_value_and_grad(loss_fn)(model, batch)
        updates, state = opt.update(grads, state, model)
        return eqx.apply_updates(model, updates), state, loss

    rng = np.random.default_rng(seed + 1)
    losses = []
    with meter(steps, "training", progress) as bar:
        for _ in range(steps):
            idx = rng.integers(0, n_sets, batch)
            b = {k: jnp.asarray(v[idx]) for k, v in data.items()}
            model, state, loss = step(model, state, b)
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
        Extra settings to record (training sizes, losses).
    """
    path = Path(path)
    width = model.query.shape[0]
    config = {"n_states": model.n_states, "width": int(width), **(meta or {})}
    path.with_suffix(".json").write_text(json.dumps(config, indent=1))
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
    like = Recogniser(config["n_states"], config["width"], key=jax.random.PRNGKey(0))
    return eqx.tree_deserialise_leaves(path.with_suffix(".eqx"), like)


@eqx.filter_jit
def _apply(model, states):
    return model(states)


def recognise(panel: PanelData, model: Recogniser | None = None) -> dict:
    """Zero-shot rate matrix and initial distribution of a regular panel.

    Parameters
    ----------
    panel : PanelData
        Every subject observed at the same number of regularly spaced times
        (the same step for all), on at most 6 states.
    model : Recogniser, optional
        The network (default: the shipped pretrained one).

    Returns
    -------
    dict
        ``rate_matrix`` (S, S), ``log_rate_sd`` (S, S; the network's own
        uncertainty of each log-rate), ``p0`` (S,).
    """
    model = load() if model is None else model
    dt, _, _ = panel.transitions()
    if np.ptp(dt) > 1e-9 * dt.max():
        raise ValueError(
            "the recogniser needs regular grids with one common step; got "
            f"intervals from {dt.min():g} to {dt.max():g}"
        )
    n = panel.n_subjects
    if len(panel.state) % n:
        raise ValueError("every subject needs the same number of observations")
    S = panel.n_states
    if S > model.n_states:
        raise ValueError(f"the recogniser handles up to {model.n_states} states")
    states = jnp.asarray(panel.state.reshape(n, -1))
    mean, logvar, logits = _apply(model, states)
    # Known shortcoming: the network always predicts all 6 x 6 rates; for
    # fewer states the extra ones are dropped, not conditioned on.
    step = float(dt[0])
    Q = np.exp(np.asarray(mean))[:S, :S] / step
    np.fill_diagonal(Q, 0.0)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    p0 = np.asarray(jax.nn.softmax(logits))[:S]
    return {
        "rate_matrix": Q,
        "log_rate_sd": np.exp(0.5 * np.asarray(logvar))[:S, :S],
        "p0": p0 / p0.sum(),
    }


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import time

    import statmodels  # noqa: F401  (float64)

    parser = argparse.ArgumentParser(description="train the shipped recogniser")
    parser.add_argument("--steps", type=int, default=1200)
    parser.add_argument("--sets", type=int, default=1500)
    args = parser.parse_args()
    start = time.perf_counter()
    net, losses = train(n_sets=args.sets, steps=args.steps, progress=True)
    meta = {
        "steps": args.steps,
        "n_sets": args.sets,
        "n_paths": 50,
        "n_obs": 50,
        "final_loss": float(np.mean(losses[-100:])),
        "seconds": time.perf_counter() - start,
    }
    save(net, PRETRAINED, meta)
    print(json.dumps(meta))
