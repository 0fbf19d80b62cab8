"""The neural recogniser: checkpoints, held-out loss, zero-shot DFR."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from statmodels.jump import dfr_pattern, dfr_rate_matrix, fit_panel, neural, simulate


@pytest.fixture(scope="module")
def net():
    if not neural.PRETRAINED.with_suffix(".eqx").exists():
        pytest.fail(f"pretrained recogniser missing: {neural.PRETRAINED}")
    return neural.load()


def test_checkpoint_round_trip(tmp_path, net):
    neural.save(net, tmp_path / "copy")
    back = neural.load(tmp_path / "copy")
    states = jnp.asarray(np.random.default_rng(0).integers(0, 6, (10, 20)))
    for a, b in zip(net(states), back(states), strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_trained_network_beats_the_untrained_one_on_held_out_chains(net):
    held_out = neural.make_training_set(16, 50, 50, seed=999)
    batch = {k: jnp.asarray(v) for k, v in held_out.items()}
    fresh = neural.Recogniser(6, net.query.shape[0], key=jax.random.PRNGKey(5))
    trained, untrained = neural.loss_fn(net, batch), neural.loss_fn(fresh, batch)
    # Predicting the prior's mean and spread of every log-rate (the best
    # data-blind guess) gives a loss of about 0.5 log(2 pi e 0.77) + log 6.
    blind = 0.5 * np.log(2 * np.pi * np.e * (0.6**2 + np.log(10) ** 2 / 12))
    assert float(trained) < float(untrained)
    assert float(trained) < blind + np.log(6) - 0.5


def test_zero_shot_dfr_against_the_mle(net):
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    pattern = dfr_pattern()
    panel = simulate(Q, None, 300, times=np.arange(100) * 0.1, seed=41)
    zero = neural.recognise(panel, net)
    mle = fit_panel(panel, pattern).rate_matrix
    err_nn = np.sqrt(np.mean((zero["rate_matrix"] - Q)[pattern] ** 2))
    err_ml = np.sqrt(np.mean((mle - Q)[pattern] ** 2))
    # A constant guess at the typical DFR rate (1.0 for all 18) has RMSE
    # about 0.5; the network must do better, the MLE better still.
    flat = np.sqrt(np.mean((1.0 - Q[pattern]) ** 2))
    assert err_ml < err_nn < flat
    np.testing.assert_allclose(zero["p0"].sum(), 1.0)


def test_recogniser_rejects_irregular_grids(net):
    grid = np.sort(np.random.default_rng(1).uniform(0, 5, (20, 10)), axis=1)
    panel = simulate(dfr_rate_matrix(1.0, 1.0, 1.0), None, 20, times=grid, seed=2)
    with pytest.raises(ValueError, match="regular grids"):
        neural.recognise(panel, net)
