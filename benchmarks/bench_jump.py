"""Benchmark: statmodels.jump against plain NumPy / SciPy code.

Run with ``python benchmarks/bench_jump.py`` (``--quick`` for a short run).

* Gillespie simulation of the discrete flashing ratchet: paths per second of
  the jitted, vectorised simulator against a plain NumPy loop (one path and
  one jump at a time);
* panel-data MLE (300 paths x 100 regular observations): time of
  :func:`statmodels.jump.fit_panel` (autodiff Newton on transition counts)
  against SciPy's L-BFGS-B with finite-difference gradients on the same
  sufficient statistics with ``scipy.linalg.expm``;
* the same panel through deeptime's maximum-likelihood Markov state model
  (a discrete-time estimator of the transition matrix at the observation
  step, turned into rates by the matrix logarithm), where deeptime is
  installed: time and rate RMSE beside ours;
* zero-shot inference by the shipped neural recogniser on the same panel:
  time per process, against the panel MLE's.

Ratios are baseline time / our time, so > 1 means we are faster; the JIT
compile time is reported apart from the run time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg
import scipy.optimize

import statmodels  # noqa: F401  (float64)
from statmodels.jump import dfr_pattern, dfr_rate_matrix, fit_panel, neural, simulate


def numpy_gillespie(Q, n_paths, t_max, rng):
    """Plain loop: one path at a time, one jump at a time."""
    S = len(Q)
    out = []
    for _ in range(n_paths):
        s, t = rng.integers(S), 0.0
        times, states = [0.0], [s]
        while True:
            rate = -Q[s, s]
            t += rng.exponential(1 / rate)
            if t > t_max:
                break
            p = np.where(np.arange(S) == s, 0.0, Q[s]) / rate
            s = rng.choice(S, p=p)
            times.append(t)
            states.append(s)
        out.append((times, states))
    return out


def scipy_panel_mle(lengths, counts, pairs, x0):
    """Panel MLE with finite-difference gradients (the plain approach)."""
    S = counts.shape[1]

    def negll(logq):
        Q = np.zeros((S, S))
        Q[pairs[:, 0], pairs[:, 1]] = np.exp(logq)
        Q -= np.diag(Q.sum(axis=1))
        total = 0.0
        for t, C in zip(lengths, counts, strict=True):
            P = scipy.linalg.expm(Q * t)
            total -= np.sum(C[C > 0] * np.log(P[C > 0]))
        return total

    return scipy.optimize.minimize(negll, x0, method="L-BFGS-B")


def main(argv=None) -> None:
    """Run the benchmark and print a table of times and ratios.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (``--quick``).
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    Q = dfr_rate_matrix(1.0, 1.0, 1.0)
    n_jax = 2000 if args.quick else 20000
    n_np = 100 if args.quick else 500
    t_max = 10.0

    start = time.perf_counter()
    simulate(Q, None, n_jax, t_max=t_max, seed=0)
    first = time.perf_counter() - start
    start = time.perf_counter()
    simulate(Q, None, n_jax, t_max=t_max, seed=1)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    numpy_gillespie(Q, n_np, t_max, np.random.default_rng(0))
    base = time.perf_counter() - start
    ours_rate, base_rate = n_jax / ours, n_np / base
    print(f"Gillespie, DFR, t_max={t_max:g}")
    print(
        f"  statmodels.jump  {ours_rate:12.0f} paths/s  (compile {first - ours:.2f} s)"
    )
    print(f"  NumPy loop       {base_rate:12.0f} paths/s")
    print(f"  ratio            {ours_rate / base_rate:12.1f}")

    panel = simulate(Q, None, 300, times=np.arange(100) * 0.1, seed=2)
    pattern = dfr_pattern()
    fit = fit_panel(panel, pattern)
    compile_s = fit.info["compile_seconds"]
    start = time.perf_counter()
    fit = fit_panel(panel, pattern)
    ours = time.perf_counter() - start
    model = fit.model
    x0 = np.log(model.init_values()[0]["rate"])
    start = time.perf_counter()
    res = scipy_panel_mle(model.lengths, model.counts, model.pairs, x0)
    base = time.perf_counter() - start
    gap = -res.fun - fit.log_likelihood
    print("Panel MLE, DFR, 300 paths x 100 observations")
    print(f"  statmodels.jump  {ours:8.3f} s  (compile {compile_s:.2f} s, first fit)")
    print(f"  SciPy, num. grad {base:8.3f} s  (log-lik {gap:+.2e} from ours)")
    print(f"  ratio            {base / ours:8.1f}")

    def rmse(R):
        return float(np.sqrt(np.mean((R - Q)[pattern] ** 2)))

    mle_s = ours
    print(f"  rate RMSE        {rmse(fit.rate_matrix):8.3f} (statmodels.jump)")
    try:
        from deeptime.markov.msm import MaximumLikelihoodMSM
    except ImportError:
        print("deeptime is not installed; its row is skipped")
    else:
        n = panel.n_subjects
        trajs = [np.asarray(x, dtype=np.int32) for x in panel.state.reshape(n, -1)]
        estimator = MaximumLikelihoodMSM(reversible=False, lagtime=1)
        start = time.perf_counter()
        msm = estimator.fit(trajs).fetch_model()
        P = msm.transition_matrix
        deeptime_s = time.perf_counter() - start
        R = np.real(scipy.linalg.logm(P)) / 0.1
        print("deeptime MaximumLikelihoodMSM (lag = one step), same panel")
        print(f"  deeptime         {deeptime_s:8.3f} s  rate RMSE {rmse(R):.3f}")
        print(f"  ratio            {deeptime_s / mle_s:8.2f} (deeptime / ours)")

    net = neural.load()
    start = time.perf_counter()
    neural.recognise(panel, net, pattern)
    first = time.perf_counter() - start
    reps = 5
    start = time.perf_counter()
    for _ in range(reps):
        out = neural.recognise(panel, net, pattern)
    per = (time.perf_counter() - start) / reps
    print("Neural recogniser, same panel (zero-shot)")
    print(
        f"  per process      {per:8.4f} s  (compile {max(first - per, 0):.2f} s) "
        f"rate RMSE {rmse(out['rate_matrix']):.3f}"
    )
    print(f"  ratio            {mle_s / per:8.1f} (panel MLE / recogniser)")


if __name__ == "__main__":
    main()
