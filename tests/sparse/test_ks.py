"""Kuramoto-Sivashinsky solver: manufactured solution, order, attractor."""

import jax.numpy as jnp
import numpy as np
import pytest

from statmodels.sparse import KuramotoSivashinsky, derivative


def _exact(t, x):
    return jnp.exp(jnp.sin(x)) * jnp.cos(t)


def _forcing(t, x):
    # f = u_t + u u_x + u_xx + u_xxxx for u = exp(sin x) cos t.
    s, c = jnp.sin(x), jnp.cos(x)
    e = jnp.exp(s)
    ct = jnp.cos(t)
    d1 = c * e
    d2 = (c * c - s) * e
    d4 = (c**4 - 6 * s * c * c + 3 * s * s - 4 * c * c + s) * e
    return -e * jnp.sin(t) + e * ct * d1 * ct + d2 * ct + d4 * ct


def test_spectral_accuracy_on_manufactured_solution():
    errors = []
    for n in [8, 12, 16, 24]:
        ks = KuramotoSivashinsky(2 * np.pi, n, 1e-3, forcing=_forcing)
        u = ks.advance(np.exp(np.sin(ks.x)), 500)
        errors.append(np.max(np.abs(u - np.asarray(_exact(0.5, ks.x)))))
    errors = np.array(errors)
    # Geometric (spectral) decay with the number of modes, to the time floor.
    assert np.all(errors[1:3] < errors[:2] / 50)
    assert errors[-1] < 1e-10


def test_etdrk4_fourth_order_in_time():
    length, n = 32 * np.pi, 64
    u0 = KuramotoSivashinsky(length, n, 0.25).attractor_state(1, 100.0)
    ref = KuramotoSivashinsky(length, n, 1 / 320).advance(u0, 320 * 2)
    errs = []
    for dt in [0.2, 0.1, 0.05, 0.025]:
        u = KuramotoSivashinsky(length, n, dt).advance(u0, round(2 / dt))
        errs.append(np.max(np.abs(u - ref)))
    orders = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert orders[-1] == pytest.approx(4.0, abs=0.3)
    assert np.all(np.diff(orders) > 0)  # approaching 4 from below


def test_attractor_statistics_for_length_100():
    ks = KuramotoSivashinsky(100.0, 128, 0.25)
    u0 = ks.attractor_state(0, 200.0)
    traj = ks.simulate(u0, 1000, save_every=4)[1:]
    energy = 0.5 * np.mean(traj**2)
    # rms u of about 1.3 in extensive KS chaos: energy 0.85 +/- 0.15.
    assert 0.7 < energy < 1.0
    # Closed-form balance: d<u^2/2>/dt = <u_x^2> - <u_xx^2> averages to zero.
    ux2 = np.mean(derivative(traj, 1, 100.0) ** 2)
    uxx2 = np.mean(derivative(traj, 2, 100.0) ** 2)
    assert ux2 / uxx2 == pytest.approx(1.0, abs=0.03)
    # Energy peaks near the most unstable wavenumber 1/sqrt(2).
    spec = np.mean(np.abs(np.fft.rfft(traj, axis=1)) ** 2, axis=0)
    assert 0.5 < ks.kappa[np.argmax(spec)] < 0.85
    assert abs(np.mean(traj)) < 1e-10  # the mean is conserved (zero)


def test_extra_terms_reproduce_changed_coefficients():
    length, n = 22.0, 64
    u0 = KuramotoSivashinsky(length, n, 0.25).attractor_state(2, 50.0)
    base = KuramotoSivashinsky(length, n, 0.01, diffusion=0.5).advance(u0, 200)
    ref = KuramotoSivashinsky(length, n, 0.01).advance(u0, 200)
    np.testing.assert_allclose(
        KuramotoSivashinsky(
            length, n, 0.01, diffusion=0.5, extra={"u_xx": -0.5}
        ).advance(u0, 200),
        ref,
        atol=1e-10,
    )
    assert np.max(np.abs(base - ref)) > 1e-2
    # u u_x as an extra (non-conservative) term against the built-in advection.
    adv = KuramotoSivashinsky(length, n, 0.01, advection=0.0, extra={"u u_x": -1.0})
    std = KuramotoSivashinsky(length, n, 0.01).advance(u0, 100)
    np.testing.assert_allclose(adv.advance(u0, 100), std, atol=1e-6)


def test_rhs_matches_one_step_difference():
    ks = KuramotoSivashinsky(22.0, 64, 1e-5)
    u0 = KuramotoSivashinsky(22.0, 64, 0.25).attractor_state(3, 50.0)
    fd = (ks.advance(u0, 1) - ks.advance(u0, 0)) / ks.dt
    np.testing.assert_allclose(fd, ks.rhs(u0), atol=1e-3 * np.max(np.abs(fd)))


def test_bad_input():
    with pytest.raises(ValueError, match="even integer"):
        KuramotoSivashinsky(22.0, 63)
    ks = KuramotoSivashinsky(22.0, 32, 0.1)
    with pytest.raises(ValueError, match="32 grid values"):
        ks.advance(np.zeros(30))
    with pytest.raises(ValueError, match="cannot read factor"):
        KuramotoSivashinsky(22.0, 32, extra={"v_xx": 1.0})
