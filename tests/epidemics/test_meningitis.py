"""The meningitis model against closed forms, conservation laws and SciPy."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.integrate

from statmodels.epidemics import (
    PARAMS,
    MeningitisModel,
    default_model,
    jacobian_at_dfe,
    solve,
    solve_batch,
    sweep,
)
from statmodels.epidemics.meningitis import solve_daily

# One grid of output times for most solves, so the solver compiles once.
TIMES = np.linspace(0.0, 400.0, 41)
#: The solver's absolute tolerance on proportions (MeningitisModel.simulate).
ATOL = 1e-10
Y0 = {"S": 99_000.0, "C": 800.0, "I1": 150.0, "I2": 50.0}


def random_models(n, seed, phi=None, force="frequency"):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        kw = dict(zip(PARAMS, rng.uniform(0.01, 1.0, len(PARAMS)), strict=True))
        kw["phi"] = rng.uniform() if phi is None else phi
        kw["epsilon"] = rng.uniform(0, 3)
        yield MeningitisModel(**kw, force=force, population=rng.uniform(0.5, 3.0))


def hand_r0(m, s0=1.0):
    # Expected secondary infections, followed type by type (written out apart
    # from the module's formula): a carrier transmits at beta*eps for 1/kc,
    # then with probability sigma/kc falls ill; an I1 case transmits for
    # 1/k1 and moves on to I2 with probability kappa/k1.
    kc = m.sigma + m.gamma_c
    k1 = m.kappa + m.gamma_1 + m.delta_1
    k2 = m.gamma_2 + m.delta_2
    from_i2 = m.beta / k2
    from_i1 = m.beta / k1 + m.kappa / k1 * from_i2
    from_c = m.beta * m.epsilon / kc + m.sigma / kc * from_i1
    return s0 * ((1 - m.phi) * from_c + m.phi * from_i1)


@pytest.mark.parametrize("phi", [0.0, None])
@pytest.mark.parametrize("force", ["frequency", "mass_action"])
def test_r0_numerical_ngm_equals_closed_form(phi, force):
    for m in random_models(60, seed=1, phi=phi, force=force):
        s0 = 1.0 if force == "frequency" else m.population
        assert m.r0() == pytest.approx(m.r0_closed_form(), rel=1e-12)
        assert m.r0() == pytest.approx(hand_r0(m, s0), rel=1e-12)
        # F has rank one: the next-generation matrix has one non-zero eigenvalue.
        k = m.next_generation_matrix()
        assert np.linalg.matrix_rank(k, tol=1e-10 * m.r0()) == 1


def test_ngm_parts_match_jacobian_of_system():
    for m in random_models(10, seed=2):
        jac = jacobian_at_dfe(m)
        k = m.next_generation_matrix()
        # Rebuild F from K (rank one, columns proportional) and V from the
        # parameters: F - V must equal the infected block of the Jacobian.
        v = np.array(
            [
                [m.sigma + m.gamma_c, 0, 0],
                [-m.sigma, m.kappa + m.gamma_1 + m.delta_1, 0],
                [0, -m.kappa, m.gamma_2 + m.delta_2],
            ]
        )
        np.testing.assert_allclose(jac[1:4, 1:4], k @ v - v, atol=1e-12)


def test_dfe_unstable_exactly_when_r0_above_one():
    seen = {True: 0, False: 0}
    for m in random_models(200, seed=3):
        r0 = m.r0()
        if abs(r0 - 1) < 1e-6:
            continue
        growth = np.max(np.linalg.eigvals(jacobian_at_dfe(m)).real)
        assert (growth > 1e-12) == (r0 > 1), (r0, growth)
        assert m.thresholds()["dfe_stable"] == (r0 < 1)
        seen[r0 > 1] += 1
    assert min(seen.values()) > 20


def test_threshold_type_reproduction_numbers():
    for m in random_models(200, seed=4):
        t = m.thresholds()
        r0 = t["R0"]
        # Rank-one NGM K = a w': T_i = a_i w_i / (1 - R0 + a_i w_i).
        k = m.next_generation_matrix()
        for key, i in (("T_carrier", 0), ("T_infective", 1)):
            aw = k[i, i]
            if aw > 0 and r0 - aw < 1:
                assert t[key] == pytest.approx(aw / (1 - r0 + aw), rel=1e-9)
                assert (t[key] > 1) == (r0 > 1)
            else:
                assert np.isnan(t[key])
        kc = m.sigma + m.gamma_c
        carriers = m.beta * m.epsilon * (1 - m.phi) / kc
        assert t["R0_by_carriers"] == pytest.approx(carriers, rel=1e-12)
        assert t["R0_by_infectives"] == pytest.approx(r0 - carriers, rel=1e-9)


def test_route_targeted_thresholds():
    """Every new infection enters as the same mix of types, so K = a b' has
    rank one and, by Sherman-Morrison, the route-targeted numbers are
    R_I / (1 - R_C) and R_C / (1 - R_I); each crosses 1 with R0, at phi = 0
    too, where the type number for I1 is undefined."""
    models = [*random_models(200, seed=8), *random_models(40, seed=9, phi=0.0)]
    defined = 0
    for m in models:
        t = m.thresholds()
        rc, ri = t["R0_by_carriers"], t["R0_by_infectives"]
        for key, own, other in (
            ("T_by_infectives", ri, rc),
            ("T_by_carriers", rc, ri),
        ):
            if other < 1:
                assert t[key] == pytest.approx(own / (1 - other), rel=1e-9)
                if abs(t["R0"] - 1) > 1e-9:
                    assert (t[key] > 1) == (t["R0"] > 1)
                defined += 1
            else:
                assert t[key] == np.inf
    assert defined > 200


@pytest.mark.parametrize("r0, grows", [(1.05, True), (0.95, False)])
def test_epidemic_near_threshold(r0, grows):
    base = default_model(phi=0.2)
    m = base.replace(beta=base.beta * r0 / base.r0())
    assert m.r0() == pytest.approx(r0, rel=1e-12)
    seed = 1e-6
    y0 = {"S": 1 - seed, "C": seed}
    times = np.linspace(0.0, 30_000.0, 41)
    traj = m.simulate(y0, times)
    final = traj.ever_infected[-1]
    if grows:
        # Above threshold a macroscopic outbreak (final size z solves
        # 1 - z = exp(-R0 z) without deaths: z ~ 0.09 here).
        assert final > 0.05
    else:
        # Below threshold a chain of infections totals about seed / (1 - R0).
        assert final < 30 * seed
        assert traj["C"][-1] + traj["I1"][-1] + traj["I2"][-1] < seed


def test_conservation_positivity_monotone_susceptibles():
    models = list(random_models(8, seed=5))
    thetas = jnp.asarray(np.stack([m.theta for m in models]))
    n0 = sum(Y0.values())
    y0 = jnp.asarray([Y0.get(k, 0.0) / n0 for k in ("S", "C", "I1", "I2", "R", "D")])
    y0 = jnp.append(y0, 0.0)
    ys = np.asarray(solve_batch(thetas, y0, jnp.asarray(TIMES), 1.0, max_steps=16384))
    total = ys[:, :, :6].sum(axis=2)
    np.testing.assert_allclose(total, 1.0, atol=1e-12)
    # Non-negative up to the absolute tolerance (an RK step may undershoot a
    # compartment that is emptying by a few times atol).
    assert ys.min() > -10 * ATOL
    # S never increases, again up to the tolerance (once S is stationary its
    # computed value wanders by ~atol).
    assert np.all(np.diff(ys[:, :, 0], axis=1) <= 10 * ATOL)
    # The vectorised solve equals one solve at a time.
    one = np.asarray(solve(thetas[3], y0, jnp.asarray(TIMES), 1.0, max_steps=16384))
    np.testing.assert_allclose(ys[3], one, rtol=1e-12, atol=1e-15)


def test_base_model_against_scipy():
    # phi = 0: the five-compartment base model, written out here and solved
    # by SciPy's LSODA, agrees with the general model's solution.
    m = default_model(phi=0.0, beta=0.3)
    p = m.params

    def base(t, y):
        s, c, i1, i2, r, d = y
        lam = p["beta"] * (p["epsilon"] * c + i1 + i2) / (s + c + i1 + i2 + r)
        return [
            -lam * s,
            lam * s - (p["sigma"] + p["gamma_c"]) * c,
            p["sigma"] * c - (p["kappa"] + p["gamma_1"] + p["delta_1"]) * i1,
            p["kappa"] * i1 - (p["gamma_2"] + p["delta_2"]) * i2,
            p["gamma_c"] * c + p["gamma_1"] * i1 + p["gamma_2"] * i2,
            p["delta_1"] * i1 + p["delta_2"] * i2,
        ]

    y0 = np.array([Y0.get(k, 0.0) for k in ("S", "C", "I1", "I2", "R", "D")])
    ref = scipy.integrate.solve_ivp(
        base, TIMES[[0, -1]], y0, t_eval=TIMES, rtol=1e-11, atol=1e-8, method="LSODA"
    )
    traj = m.simulate(Y0, TIMES)
    for i, k in enumerate(("S", "C", "I1", "I2", "R", "D")):
        np.testing.assert_allclose(traj[k], ref.y[i], rtol=1e-6, atol=1e-4)


def test_phi_one_carriers_decay():
    m = default_model(phi=1.0, beta=0.3)
    traj = m.simulate(Y0, TIMES)
    expected = Y0["C"] * np.exp(-(m.sigma + m.gamma_c) * TIMES)
    n0 = sum(Y0.values())
    np.testing.assert_allclose(traj["C"], expected, rtol=1e-6, atol=10 * ATOL * n0)


def test_mass_action_final_size():
    n0 = sum(Y0.values())
    m = default_model(phi=0.3, force="mass_action", beta=0.3 / n0, population=n0)
    times = np.linspace(0.0, 4000.0, 41)
    traj = m.simulate(Y0, times)
    s0, s_inf = Y0["S"], traj["S"][-1]
    gone = s0 - s_inf
    assert traj["C"][-1] + traj["I1"][-1] + traj["I2"][-1] < 1e-8 * n0
    # Integrals of each infected state over the outbreak, from what flowed in.
    kc = m.sigma + m.gamma_c
    k1 = m.kappa + m.gamma_1 + m.delta_1
    k2 = m.gamma_2 + m.delta_2
    int_c = (Y0["C"] + (1 - m.phi) * gone) / kc
    int_i1 = (Y0["I1"] + m.phi * gone + m.sigma * int_c) / k1
    int_i2 = (Y0["I2"] + m.kappa * int_i1) / k2
    lhs = np.log(s0 / s_inf)
    rhs = m.beta * (m.epsilon * int_c + int_i1 + int_i2)
    assert lhs == pytest.approx(rhs, rel=1e-7)
    assert m.r0() == pytest.approx(m.r0_closed_form(), rel=1e-12)


def test_explicit_and_stiff_solvers_agree():
    m = default_model(phi=0.2, beta=0.3)
    a = m.simulate(Y0, TIMES, solver="explicit").frame()
    b = m.simulate(Y0, TIMES, solver="stiff").frame()
    cols = ["S", "C", "I1", "I2", "R", "D", "K"]
    np.testing.assert_allclose(a[cols], b[cols], rtol=1e-5, atol=1e-3)


def test_fixed_step_solver_matches_adaptive():
    # The likelihood's fixed-step Tsit5 (one step a day) against tight
    # adaptive solves by the explicit (Tsit5) and the stiff (Kvaerno5) solver.
    m = default_model(phi=0.2, beta=0.3)
    days = np.arange(0.0, 183.0)
    y0 = jnp.array([0.999, 0.001, 0, 0, 0, 0, 0])
    th = jnp.asarray(m.theta)
    fixed = np.asarray(solve_daily(th, y0, 1.0, days=182))
    finer = np.asarray(solve_daily(th, y0, 1.0, days=182, steps_per_day=2))
    for solver in ("explicit", "stiff"):
        ref = np.asarray(
            solve(
                th,
                y0,
                jnp.asarray(days),
                1.0,
                solver=solver,
                rtol=1e-12,
                atol=1e-16,
                max_steps=16384,
            )
        )
        # Absolute error below 1e-9 of the population and relative error of
        # the cumulative cases below 1e-8 from day 7 on: far below Poisson
        # noise, and small enough for a log-likelihood good to ~1e-8.
        assert np.max(np.abs(fixed - ref)) < 1e-9
        np.testing.assert_allclose(fixed[7:, 6], ref[7:, 6], rtol=1e-8)
        # Fifth order: halving the step cuts the error by about 2^5.
        assert np.max(np.abs(finer - ref)) < np.max(np.abs(fixed - ref)) / 8


def test_fixed_step_solver_derivatives():
    # Forward mode (the default adjoint) against central differences, and
    # against reverse mode through diffrax's checkpointed adjoint.
    m = default_model(phi=0.2, beta=0.3)
    y0 = jnp.array([0.999, 0.001, 0, 0, 0, 0, 0])
    th = jnp.asarray(m.theta)

    def out(theta, y0, adjoint="forward"):
        ys = solve_daily(theta, y0, 1.0, days=120, adjoint=adjoint)
        return ys[-1, 6] + ys[60, 2]

    fwd_th, fwd_y = jax.jacfwd(out, argnums=(0, 1))(th, y0)
    rev_th, rev_y = jax.grad(lambda a, b: out(a, b, "checkpoint"), argnums=(0, 1))(
        th, y0
    )
    np.testing.assert_allclose(fwd_th, rev_th, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(fwd_y, rev_y, rtol=1e-10, atol=1e-14)
    for i in range(len(PARAMS)):
        h = 1e-5 * float(th[i])
        e = jnp.zeros_like(th).at[i].set(h)
        fd = (out(th + e, y0) - out(th - e, y0)) / (2 * h)
        assert float(fwd_th[i]) == pytest.approx(float(fd), rel=1e-6, abs=1e-9), i
    for i in range(2):
        # A small step: the output is strongly curved in the carriers.
        e = jnp.zeros_like(y0).at[i].set(1e-8)
        fd = (out(th, y0 + e) - out(th, y0 - e)) / 2e-8
        assert float(fwd_y[i]) == pytest.approx(float(fd), rel=1e-6, abs=1e-9), i


def test_gradients_through_solver_match_finite_differences():
    m = default_model(phi=0.2, beta=0.3)
    n0 = sum(Y0.values())
    y0 = jnp.asarray(
        [Y0.get(k, 0.0) / n0 for k in ("S", "C", "I1", "I2", "R", "D")] + [0.0]
    )
    ts = jnp.asarray(TIMES)

    def loss(theta, y0):
        ys = solve(theta, y0, ts, 1.0, max_steps=16384)
        return ys[-1, 6] + ys[10, 2]  # cases so far and I1 on day 100

    th = jnp.asarray(m.theta)
    g_th, g_y = jax.grad(loss, argnums=(0, 1))(th, y0)
    for i in range(len(PARAMS)):
        h = 1e-5 * float(th[i])
        e = jnp.zeros_like(th).at[i].set(h)
        fd = (loss(th + e, y0) - loss(th - e, y0)) / (2 * h)
        assert float(g_th[i]) == pytest.approx(float(fd), rel=1e-4, abs=1e-8), i
    for i in range(4):
        e = jnp.zeros_like(y0).at[i].set(1e-6)
        fd = (loss(th, y0 + e) - loss(th, y0 - e)) / 2e-6
        assert float(g_y[i]) == pytest.approx(float(fd), rel=1e-4, abs=1e-8), i


def test_sensitivity_indices():
    m = default_model(phi=0.3)
    table = m.sensitivity()
    assert list(table["rank"]) == list(range(1, len(PARAMS) + 1))
    assert np.all(np.diff(np.abs(table["index"].to_numpy())) <= 0)
    assert table.loc["beta", "index"] == pytest.approx(1.0, abs=1e-12)
    for name in PARAMS:
        v = m.params[name]
        h = 1e-6 * v
        up, down = m.replace(**{name: v + h}), m.replace(**{name: v - h})
        fd = (up.r0_closed_form() - down.r0_closed_form()) / (2 * h) * v / m.r0()
        assert table.loc[name, "index"] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    # phi = 0: the index of epsilon is the carriers' share of R0.
    m0 = default_model(phi=0.0)
    share = m0.thresholds()["R0_by_carriers"] / m0.r0()
    assert m0.sensitivity().loc["epsilon", "index"] == pytest.approx(share, rel=1e-12)


def test_simulate_reports_ever_infected_and_ratio():
    m = default_model(phi=0.2, beta=0.3)
    traj = m.simulate(Y0, TIMES)
    n0 = sum(Y0.values())
    frame = traj.frame()
    infected0 = (Y0["C"] + Y0["I1"] + Y0["I2"]) / n0
    assert traj.ever_infected[0] == pytest.approx(infected0, rel=1e-12)
    # Everyone ever infected is infected, immune or dead at the end (R0 = 0).
    ends = frame.iloc[-1]
    assert traj.ever_infected[-1] == pytest.approx(
        (ends[["C", "I1", "I2", "R", "D"]].sum()) / n0, rel=1e-9
    )
    ratio = (frame["I1"] + frame["I2"]) / frame["C"]
    np.testing.assert_allclose(frame["case_carrier_ratio"], ratio, rtol=1e-12)
    assert traj.weekly_cases.sum() == pytest.approx(traj["K"][-1], rel=1e-12)


def test_sweep_over_epsilon_and_phi():
    m = default_model(beta=0.15)
    table = sweep(m, Y0, TIMES, epsilon=[0.1, 0.5, 1.0], phi=[0.0, 0.5])
    assert len(table) == 6
    for _, row in table.iterrows():
        one = m.replace(epsilon=row["epsilon"], phi=row["phi"])
        assert row["R0"] == pytest.approx(one.r0(), rel=1e-12)
        traj = one.simulate(Y0, TIMES)
        assert row["ever_infected"] == pytest.approx(traj.ever_infected[-1], rel=1e-8)
    # Larger carrier infectiousness, larger R0 and final size.
    at0 = table[table["phi"] == 0.0].sort_values("epsilon")
    assert np.all(np.diff(at0["R0"]) > 0) and np.all(np.diff(at0["ever_infected"]) > 0)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"beta": -0.1}, "beta=-0.1"),
        ({"sigma": float("nan")}, "sigma=nan"),
        ({"phi": 1.5}, r"phi=1.5 is outside \[0, 1\]"),
        ({"force": "density"}, "force='density'"),
        ({"sigma": 0.0, "gamma_c": 0.0}, "sigma \\+ gamma_c"),
    ],
)
def test_bad_parameters(change, match):
    with pytest.raises(ValueError, match=match):
        default_model(**change)


@pytest.mark.parametrize(
    "y0, match",
    [
        ({"S": 0.0, "D": 5.0}, "population .* of 0"),
        ({"S": 100.0, "C": -1.0}, "negative"),
        ({"S": 100.0, "X": 1.0}, "unknown compartments"),
    ],
)
def test_bad_initial_state(y0, match):
    with pytest.raises(ValueError, match=match):
        default_model().simulate(y0, TIMES)


def test_mass_action_r0_needs_population():
    m = default_model(force="mass_action", beta=1e-5)
    with pytest.raises(ValueError, match="population="):
        m.r0()
    assert m.r0(population=1e4) == pytest.approx(m.r0_closed_form(1e4), rel=1e-12)
