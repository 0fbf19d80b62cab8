"""Benchmark: statmodels.fisheries against quantecon and pymdptoolbox.

Run with ``python benchmarks/bench_fisheries.py`` (add ``--quick`` for a
smaller problem). It times

* value iteration on the Allen harvest problem with 500 stocks and 500
  harvests (discount 0.95, the same epsilon stopping rule
  ``||V_{n+1} - V_n|| < epsilon (1 - beta) / (2 beta)`` in every solver):
  ours on the factored transition (one row per distinct escapement), ours on
  the dense tensor, ``quantecon.markov.DiscreteDP.value_iteration`` and
  ``mdptoolbox.mdp.ValueIteration`` (if it imports) on the same dense
  tensor;
* the GP transition build over 300 posterior draws on the 50-state grid of
  the study (``build_problem``: the predictive at the 50 distinct
  escapements, all draws in one ``vmap`` with one Cholesky factorisation
  each, then every CDF in one vectorised step), against a plain NumPy loop
  over draws (solve, predict, normal CDF differences).

JIT compile time (the first call) is reported apart from the run time (best
of repeats). Ratios are baseline time / our time, so > 1 means we are faster.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
import scipy.stats

import statmodels.fisheries as fs


def _best(fn, repeat):
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_value_iteration(n, beta, epsilon, repeat):
    grid = np.linspace(0, 15, n)
    prob = fs.build_problem(fs.Allen(2, 8, 5, 0.05), grid)
    dense = prob.dense()
    R = prob.reward
    print(f"value iteration: {n} states x {n} actions, beta = {beta}, eps = {epsilon}")
    t0 = time.perf_counter()
    first = fs.value_iteration(prob.transition, R, beta, epsilon=epsilon, check=False)
    compile_f = time.perf_counter() - t0
    t_f, ours = _best(
        lambda: fs.value_iteration(
            prob.transition, R, beta, epsilon=epsilon, check=False
        ),
        repeat,
    )
    t0 = time.perf_counter()
    fs.value_iteration(dense, R, beta, epsilon=epsilon, check=False)
    compile_d = time.perf_counter() - t0
    t_d, ours_d = _best(
        lambda: fs.value_iteration(dense, R, beta, epsilon=epsilon, check=False), 1
    )
    print(
        f"  ours (factored): {t_f:.4f} s ({ours.iterations} iterations; first "
        f"call with compile {compile_f:.3f} s)"
    )
    print(f"  ours (dense):    {t_d:.4f} s (first call {compile_d:.3f} s)")
    assert np.array_equal(first.policy, ours_d.policy)
    results = {}
    try:
        import quantecon as qe

        ddp = qe.markov.DiscreteDP(R, dense, beta)
        t_q, res = _best(
            lambda: ddp.solve(
                method="value_iteration", epsilon=epsilon, max_iter=100_000
            ),
            1,
        )
        results["quantecon"] = t_q
        diff = np.max(np.abs(res.v - ours.values))
        print(
            f"  quantecon DiscreteDP: {t_q:.4f} s ({res.num_iter} iterations, "
            f"max |V diff| {diff:.2e}, same policy: "
            f"{np.array_equal(res.sigma, ours.policy)})"
        )
    except ImportError:
        print("  quantecon not installed")
    try:
        import mdptoolbox.mdp

        # pymdptoolbox wants (A, S, S) and finite rewards: a large penalty
        # replaces -inf for infeasible harvests.
        P_a = np.ascontiguousarray(dense.transpose(1, 0, 2))
        R_f = np.where(np.isfinite(R), R, -1e6)

        def run():
            vi = mdptoolbox.mdp.ValueIteration(
                P_a, R_f, beta, epsilon=epsilon, max_iter=100_000
            )
            vi.run()
            return vi

        t_m, vi = _best(run, 1)
        results["pymdptoolbox"] = t_m
        diff = np.max(np.abs(np.asarray(vi.V) - ours.values))
        print(
            f"  pymdptoolbox ValueIteration: {t_m:.4f} s ({vi.iter} iterations, "
            f"max |V diff| {diff:.2e})"
        )
    except ImportError:
        print("  pymdptoolbox not installed")
    for name, t in results.items():
        print(
            f"  ratio {name} / ours factored: {t / t_f:8.1f}x; "
            f"/ ours dense: {t / t_d:6.2f}x"
        )


def naive_gp_kernel(gp, draws, S, grid):
    X = np.r_[0.0, gp.S]
    Y = np.r_[0.0, gp.y]
    w = np.r_[0.0, np.ones_like(gp.S)]
    edges = (grid[1:] + grid[:-1]) / 2
    total = np.zeros((len(S), len(grid)))
    for a, ell, s in zip(
        draws["amplitude"], draws["lengthscale"], draws["noise"], strict=True
    ):

        def k(u, v, a=a, ell=ell):
            return a**2 * np.exp(-0.5 * ((u[:, None] - v) / ell) ** 2)

        C = k(X, X) + np.diag(s**2 * w + 1e-10 * a**2)
        L = np.linalg.cholesky(C)
        ks = k(S, X)
        mu = ks @ np.linalg.solve(C, Y)
        v = np.linalg.solve(L, ks.T)
        sd = np.sqrt(np.maximum(a**2 - (v**2).sum(0), 0) + s**2)
        cdf = scipy.stats.norm.cdf((edges[None] - mu[:, None]) / sd[:, None])
        n = len(S)
        total += np.diff(np.hstack([np.zeros((n, 1)), cdf, np.ones((n, 1))]), axis=1)
    return total / len(draws["amplitude"])


def bench_gp(n_draws, repeat):
    series = fs.Allen(2, 8, 5, 0.05).simulate(5.5, 39, seed=1)
    gp = fs.GPDynamics.from_series(series)
    rng = np.random.default_rng(0)
    draws = {
        "amplitude": rng.lognormal(np.log(5), 0.2, n_draws),
        "lengthscale": rng.lognormal(np.log(4), 0.2, n_draws),
        "noise": rng.lognormal(np.log(0.4), 0.1, n_draws),
    }

    class Draws:
        model = gp

    fake = Draws()
    fake.draws = {k: v[None] for k, v in draws.items()}
    grid = np.linspace(0, 15, 50)
    print(f"GP transition build: {n_draws} draws, 50 states x 50 harvests")
    t0 = time.perf_counter()
    fs.build_problem(fake, grid)
    first = time.perf_counter() - t0
    # Interleave the two so that a busy machine slows both alike.
    t_o = t_n = math.inf
    for _ in range(repeat):
        t, prob = _best(lambda: fs.build_problem(fake, grid), 1)
        t_o = min(t_o, t)
        t, ref = _best(lambda: naive_gp_kernel(gp, draws, grid, grid), 1)
        t_n = min(t_n, t)
    diff = np.max(np.abs(prob.transition.kernel - ref))
    print(
        f"  ours: {t_o:.4f} s (compile {max(first - t_o, 0.0):.3f} s, first call "
        f"{first:.3f} s)"
    )
    print(f"  numpy loop over draws: {t_n:.4f} s (max |P diff| {diff:.1e})")
    print(f"  ratio numpy / ours: {t_n / t_o:.1f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 200-state problem")
    args = parser.parse_args()
    n = 200 if args.quick else 500
    bench_value_iteration(n, 0.95, 1e-6, 3)
    bench_gp(300, 7)


if __name__ == "__main__":
    main()
