"""Benchmark: NUTS on the meningitis model, statmodels against PyMC's ODE tools.

Run with the benchmark environment (PyMC installed, plus diffrax)::

    .venv-bench/bin/python benchmarks/bench_epidemics.py [--quick]

Both fit the same model to the same simulated season of 26 weekly counts
(beta, the reporting fraction and the initial carrier proportion free, the
same priors): statmodels through ``statmodels.inference.nuts`` (4 chains of
1000 draws after 1000 warm-up by default), PyMC with
``pymc.ode.DifferentialEquation`` (SciPy's ``odeint`` with forward
sensitivities) and its NUTS. PyMC is far slower per draw, so it runs fewer
draws by default (``--pymc-draws``); the comparison is in effective samples
(the smallest bulk ESS over the parameters) per second of sampling, a rate.
The compile time of the solver and of the log-density gradient are reported
apart.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def simulate():
    from statmodels.epidemics import default_model, simulate_outbreak

    truth = default_model(beta=0.2)
    return truth, simulate_outbreak(truth, 1e5, 26, rng=7)


def bench_statmodels(truth, season, draws, warmup, chains):
    import jax
    import jax.numpy as jnp
    from statmodels.inference import ParameterSpace, mle, nuts

    from statmodels.epidemics import IncidenceModel
    from statmodels.epidemics.meningitis import solve_daily

    y0 = jnp.array([0.999, 0.001, 0, 0, 0, 0, 0])
    t0 = time.perf_counter()
    jax.block_until_ready(solve_daily(jnp.asarray(truth.theta), y0, days=182))
    solver_compile = time.perf_counter() - t0
    model = IncidenceModel(season["frame"]["cases"], 1e5, truth, estimate=("beta",))
    space = ParameterSpace.of(model)
    data = model.data()

    def logp(u):
        return space.log_likelihood(space.constrain(u), data)

    grad = jax.jit(jax.grad(logp))
    u0 = space.unconstrain(model.init_values()[0])
    t0 = time.perf_counter()
    jax.block_until_ready(grad(u0))
    grad_compile = time.perf_counter() - t0
    start = mle(model)
    t0 = time.perf_counter()
    fit = nuts(
        model,
        num_warmup=warmup,
        num_samples=draws,
        num_chains=chains,
        seed=1,
        init=start,
        progress=False,
    )
    seconds = time.perf_counter() - t0
    ess = float(fit.params["ess_bulk"].min())
    return {
        "solver_compile_s": solver_compile,
        "gradient_compile_s": grad_compile,
        "nuts_s": seconds,
        "min_ess_bulk": ess,
        "ess_per_s": ess / seconds,
        "divergences": fit.info["divergences"],
        "params": fit.params[["estimate", "std_error", "r_hat"]],
    }


def bench_pymc(truth, season, draws, warmup, chains):
    import arviz as az
    import pymc as pm
    from pymc.ode import DifferentialEquation

    p = truth.params
    times = 7.0 * np.arange(1, 27)

    def rhs(y, t, theta):
        beta = theta[0]
        s, c, i1, i2, r = y[0], y[1], y[2], y[3], y[4]
        n = s + c + i1 + i2 + r
        lam = beta * (p["epsilon"] * c + i1 + i2) / n
        kc = p["sigma"] + p["gamma_c"]
        k1 = p["kappa"] + p["gamma_1"] + p["delta_1"]
        k2 = p["gamma_2"] + p["delta_2"]
        return [
            -lam * s,
            (1 - p["phi"]) * lam * s - kc * c,
            p["phi"] * lam * s + p["sigma"] * c - k1 * i1,
            p["kappa"] * i1 - k2 * i2,
            p["gamma_c"] * c + p["gamma_1"] * i1 + p["gamma_2"] * i2,
            p["delta_1"] * i1 + p["delta_2"] * i2,
            p["phi"] * lam * s + p["sigma"] * c,
        ]

    ode = DifferentialEquation(func=rhs, times=times, n_states=7, n_theta=1, t0=0)
    cases = season["frame"]["cases"].to_numpy()
    with pm.Model():
        beta = pm.LogNormal("beta", np.log(0.15), 1.0)
        rho = pm.Beta("rho", 2.0, 2.0)
        logit_seed = pm.Normal("logit_seed", np.log(1e-3 / (1 - 1e-3)), 1.5)
        seed = pm.Deterministic("seed", pm.math.sigmoid(logit_seed))
        y0 = pm.math.stack([1 - seed, seed, 0.0, 0.0, 0.0, 0.0, 0.0])
        ys = ode(y0=y0, theta=[beta])
        k = pm.math.concatenate([pm.math.zeros(1), ys[:, 6]])
        mu = rho * 1e5 * pm.math.maximum(k[1:] - k[:-1], 0.0) + 1e-10
        pm.Poisson("cases", mu, observed=cases)
        t0 = time.perf_counter()
        idata = pm.sample(
            draws=draws,
            tune=warmup,
            chains=chains,
            cores=1,
            random_seed=1,
            progressbar=False,
            initvals={"beta": 0.2, "rho": 0.5, "logit_seed": np.log(1e-3 / (1 - 1e-3))},
        )
        seconds = time.perf_counter() - t0
    sampling = float(idata.sample_stats.attrs.get("sampling_time", seconds))
    ess = az.ess(idata, var_names=["beta", "rho", "seed"], method="bulk")
    ess = float(min(float(ess[v]) for v in ("beta", "rho", "seed")))
    post = idata.posterior
    return {
        "nuts_s": seconds,
        "min_ess_bulk": ess,
        "ess_per_s": ess / seconds,
        "sampling_s": sampling,
        "ess_per_sampling_s": ess / sampling,
        "beta": float(post["beta"].mean()),
        "rho": float(post["rho"].mean()),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs")
    parser.add_argument("--pymc-draws", type=int, default=200)
    parser.add_argument("--pymc-chains", type=int, default=2)
    args = parser.parse_args()
    draws = 200 if args.quick else 1000
    truth, season = simulate()
    print(
        f"data: 26 weekly counts, total {season['frame']['cases'].sum()}; "
        f"true beta {truth.beta}, R0 {truth.r0():.3f}"
    )
    ours = bench_statmodels(truth, season, draws, draws, 4)
    print(
        f"statmodels: solver compile {ours['solver_compile_s']:.2f} s, "
        f"gradient compile {ours['gradient_compile_s']:.2f} s"
    )
    print(
        f"statmodels NUTS (4 x {draws} after {draws} warm-up): "
        f"{ours['nuts_s']:.1f} s, min bulk ESS {ours['min_ess_bulk']:.0f}, "
        f"{ours['ess_per_s']:.1f} ESS/s, {ours['divergences']} divergences"
    )
    print(ours["params"].round(4).to_string())
    pd = args.pymc_draws // (4 if args.quick else 1)
    theirs = bench_pymc(truth, season, pd, pd, args.pymc_chains)
    print(
        f"PyMC ODE NUTS ({args.pymc_chains} x {pd} after {pd} tuning): "
        f"{theirs['nuts_s']:.1f} s, min bulk ESS {theirs['min_ess_bulk']:.0f}, "
        f"{theirs['ess_per_s']:.2f} ESS/s (beta {theirs['beta']:.4f}, "
        f"rho {theirs['rho']:.4f})"
    )
    print(
        f"PyMC sampling alone (no compile): {theirs['sampling_s']:.1f} s, "
        f"{theirs['ess_per_sampling_s']:.2f} ESS/s"
    )
    print(
        f"ratio of ESS per second (statmodels / PyMC): "
        f"{ours['ess_per_s'] / theirs['ess_per_s']:.1f} (target >= 5)"
    )


if __name__ == "__main__":
    main()
