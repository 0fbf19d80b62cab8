"""The neural recogniser: checkpoints, held-out loss, masks, grids, DFR."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from statmodels.jump import (
    PanelData,
    dfr_pattern,
    dfr_rate_matrix,
    fit_panel,
    neural,
    simulate,
)


@pytest.fixture(scope="module")
def net():
    if not neural.PRETRAINED.with_suffix(".eqx").exists():
        pytest.fail(f"pretrained recogniser missing: {neural.PRETRAINED}")
    return neural.load()


@pytest.fixture(scope="module")
def held_out():
    """Chains from the prior that training never saw (another seed)."""
    return neural.make_training_set(96, neural.SMALL_CONFIG, seed=999)


@pytest.fixture(scope="module")
def dfr_panel():
    """The DFR at V = 1: 300 paths seen at 100 times, step 0.1."""
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    return Q, simulate(Q, None, 300, times=np.arange(100) * 0.1, seed=41)


def _inputs(data, k):
    """Network inputs of set ``k``, in the dtypes that recognise uses."""
    types = (jnp.int32, jnp.float32, bool, bool, bool)
    return [
        jnp.asarray(data[name][k], dtype=t)
        for name, t in zip(neural._INPUTS, types, strict=True)
    ]


def test_checkpoint_round_trip(tmp_path, net, held_out):
    neural.save(net, tmp_path / "copy", {"note": "test"})
    back = neural.load(tmp_path / "copy")
    a = neural._apply(net, *_inputs(held_out, 0))
    b = neural._apply(back, *_inputs(held_out, 0))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def test_trained_network_beats_the_untrained_one_and_a_blind_guess(net, held_out):
    fresh = neural.Recogniser(
        net.n_states,
        net.query.shape[1],
        net.heads,
        net.count_cap,
        key=jax.random.PRNGKey(5),
    )
    trained = float(neural.evaluate(net, held_out)["loss"].mean())
    untrained = float(neural.evaluate(fresh, held_out)["loss"].mean())
    # The best data-blind guess: every log-rate at the prior's mean with the
    # prior's variance, and a uniform initial distribution.
    y = held_out["log_rates"][held_out["pattern"]]
    blind = 0.5 * (1 + np.log(y.var()))
    blind += np.mean(np.log(held_out["state_mask"].sum(1)))
    print(f"held-out loss: trained {trained:.3f}, untrained {untrained:.3f}, ", end="")
    print(f"blind {blind:.3f}")
    assert trained < untrained
    assert trained < blind - 1.0


def test_padding_changes_nothing(net, held_out):
    states, times, mask, smask, pattern = _inputs(held_out, 1)
    # 48 x 48 padded to 64 x 64 with junk where the mask is False.
    pad = ((0, 16), (0, 16))
    padded = (
        jnp.pad(states, pad, constant_values=3),
        jnp.pad(times, pad, constant_values=1e3),
        jnp.pad(mask, pad, constant_values=False),
    )
    a = neural._apply(net, states, times, mask, smask, pattern)
    b = neural._apply(net, *padded, smask, pattern)
    allowed = np.asarray(pattern)
    for x, y in zip(a[:2], b[:2], strict=True):
        np.testing.assert_allclose(
            np.asarray(x)[allowed], np.asarray(y)[allowed], rtol=1e-4, atol=1e-4
        )
    np.testing.assert_allclose(
        np.asarray(jax.nn.softmax(a[2])), np.asarray(jax.nn.softmax(b[2])), atol=1e-5
    )


def _chain(S, seed):
    """A sparse irreducible chain on S states with rates around 1."""
    rng = np.random.default_rng(seed)
    allowed = rng.random((S, S)) < 0.5
    cycle = rng.permutation(S)
    allowed[cycle, np.roll(cycle, -1)] = True
    np.fill_diagonal(allowed, False)
    Q = np.where(allowed, np.exp(rng.normal(0.0, 0.5, (S, S))), 0.0)
    np.fill_diagonal(Q, -Q.sum(axis=1))
    return Q, allowed


@pytest.mark.parametrize("S", [3, 6])
@pytest.mark.parametrize("given", [False, True])
def test_shape_and_zero_pattern(net, S, given):
    Q, allowed = _chain(S, S)
    panel = simulate(Q, None, 60, times=np.arange(40) * 0.2, seed=S)
    out = neural.recognise(panel, net, allowed if given else None)
    Qh, sd = out["rate_matrix"], out["log_rate_sd"]
    expect = allowed if given else ~np.eye(S, dtype=bool)
    assert Qh.shape == sd.shape == (S, S) and out["p0"].shape == (S,)
    assert np.all(np.isfinite(Qh)) and np.all(np.isfinite(sd))
    assert np.all(Qh[expect] > 0) and np.all(Qh[~expect & ~np.eye(S, dtype=bool)] == 0)
    assert np.all(sd[expect] > 0)
    np.testing.assert_allclose(Qh.sum(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(out["p0"].sum(), 1.0)
    # Rough agreement with the truth (rates around 1, observed every 0.2).
    err = np.sqrt(np.mean((Qh - Q)[allowed] ** 2))
    assert err < np.sqrt(np.mean((Q[allowed] - Q[allowed].mean()) ** 2)) + 0.3


def test_irregular_grids_and_unequal_lengths(net, dfr_panel):
    Q, panel = dfr_panel
    pattern = dfr_pattern()
    # The same true paths, seen at sorted uniform times of each subject's own,
    # and a random tail of each subject dropped.
    rng = np.random.default_rng(3)
    grid = np.sort(rng.uniform(0, 9.9, (300, 100)), axis=1)
    grid[:, 0] = 0.0
    states = panel.paths.state_at(grid)
    keep = (np.arange(100)[None, :] < rng.integers(30, 101, 300)[:, None]).ravel()
    ids = np.repeat(np.arange(300), 100)
    ragged = PanelData(ids[keep], grid.ravel()[keep], states.ravel()[keep], 6)
    out = neural.recognise(ragged, net, pattern)
    err = np.sqrt(np.mean((out["rate_matrix"] - Q)[pattern] ** 2))
    flat = np.sqrt(np.mean((Q[pattern] - Q[pattern].mean()) ** 2))
    print(f"irregular DFR: network RMSE {err:.3f}, constant {flat:.3f}")
    assert np.all(np.isfinite(out["rate_matrix"])) and err < 0.5 * flat


def test_rates_are_in_the_data_time_units(net):
    Q, allowed = _chain(3, 3)
    panel = simulate(Q, None, 60, times=np.arange(40) * 0.2, seed=3)
    slow = PanelData(panel.id, panel.time * 10.0, panel.state, 3)
    a = neural.recognise(panel, net, allowed)["rate_matrix"]
    b = neural.recognise(slow, net, allowed)["rate_matrix"]
    np.testing.assert_allclose(b, a / 10.0, rtol=1e-4, atol=1e-12)


def test_zero_shot_dfr_against_the_mle(net, dfr_panel):
    Q, panel = dfr_panel
    pattern = dfr_pattern()
    zero = neural.recognise(panel, net, pattern)
    blind = neural.recognise(panel, net)
    mle = fit_panel(panel, pattern).rate_matrix

    def rmse(Qh):
        return np.sqrt(np.mean((Qh - Q)[pattern] ** 2))

    # The best constant guess (the mean true rate for all 18) has RMSE 0.63.
    flat = rmse(np.full_like(Q, Q[pattern].mean()))
    print(
        f"DFR V=1 rate RMSE: network {rmse(zero['rate_matrix']):.3f} (pattern "
        f"given), {rmse(blind['rate_matrix']):.3f} (not given); panel MLE "
        f"{rmse(mle):.3f}; constant {flat:.3f}; published FIM 0.162"
    )
    assert rmse(zero["rate_matrix"]) <= 0.30
    assert rmse(zero["rate_matrix"]) < flat and rmse(blind["rate_matrix"]) < flat
    assert np.all(zero["rate_matrix"][~pattern & ~np.eye(6, dtype=bool)] == 0)
    np.testing.assert_allclose(zero["p0"].sum(), 1.0)


def test_intervals_are_calibrated_on_the_prior(net, held_out):
    out = neural.evaluate(net, held_out)
    mean, logvar = np.asarray(out["mean"]), np.asarray(out["logvar"])
    ok = held_out["pattern"]
    z = (held_out["log_rates"] - mean) / np.exp(0.5 * logvar)
    coverage = float(np.mean(np.abs(z[ok]) <= 1.645))
    print(f"90% interval coverage on held-out chains: {coverage:.3f}, {ok.sum()} rates")
    # About 1200 log-rates from 96 sets; rates of one set share errors, so the
    # effective sample is smaller than that. A +-0.08 band around 0.90 allows
    # for this and for a small network's imperfect variance head, while a
    # badly over- or under-confident head would fall outside it.
    assert 0.82 <= coverage <= 0.97


def test_rejects_bad_inputs(net):
    two = PanelData(
        np.repeat([0, 1], 3), np.tile([0.0, 1.0, 2.0], 2), [0, 1, 1, 1, 0, 0]
    )
    with pytest.raises(ValueError, match="pattern must be"):
        neural.recognise(two, net, np.ones((3, 3), dtype=bool))
    big = PanelData(np.repeat([0, 1], 4), np.tile(np.arange(4.0), 2), np.arange(8), 8)
    with pytest.raises(ValueError, match="up to 6 states"):
        neural.recognise(big, net)


def test_training_runs_on_a_tiny_network(tmp_path, held_out):
    # A tiny network, a few steps, on six of the held-out sets (training
    # simulates its own sets when not given any; see make_training_set).
    data = {k: v[:6] for k, v in held_out.items()}
    model, losses = neural.train(data=data, width=8, heads=2, steps=3, batch=2)
    assert len(losses) == 3 and np.all(np.isfinite(losses))
    neural.save(model, tmp_path / "tiny", {"steps": 3})
    back = neural.load(tmp_path / "tiny")
    assert back.n_states == 6 and back.query.shape == (2, 8)
    Q, allowed = _chain(3, 3)
    panel = simulate(Q, None, 60, times=np.arange(40) * 0.2, seed=3)
    out = neural.recognise(panel, back, allowed)
    assert out["rate_matrix"].shape == (3, 3)
    assert np.all(np.isfinite(out["rate_matrix"]))
