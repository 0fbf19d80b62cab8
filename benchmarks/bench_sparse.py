"""Speed of the RVM solvers against scikit-learn and PySINDy.

Synthetic sparse regressions with 10,000 rows and 24, 100 and 1,000 Gaussian
columns, five of them in the true model. Each method's time and whether it
found exactly the true support are reported, with ratios to scikit-learn's
ARDRegression, all run side by side on the same data. The RVM solvers use
the explicit pruning rule (``threshold_alpha=100`` on standardised columns);
ARDRegression's support is its non-zero coefficients (its default pruning at
precision 1e4). The RVM times are whole ``fit`` calls: the Gram matrix
(centring, scaling and one BLAS call for X^T X) is included, and its share
is also printed apart. ``rvm_fast`` screens additions at the pruning
threshold (the default); ``rvm_fast_all`` runs Tipping & Faul's algorithm on
every column and prunes after convergence (``screen=False``). PySINDy's
STLSQ and SR3 optimisers are timed when PySINDy is installed. The RVM is
NumPy code (no compilation); the JIT compile time of the Kuramoto-Sivashinsky
ETDRK4 solver used by the discovery method is reported apart from its run
time.

Run: ``python benchmarks/bench_sparse.py`` (about a minute); ``--sizes 1000``
for the largest library alone, ``--rows`` to change the number of rows,
``--no-ks`` to skip the ETDRK4 timing.
"""

import argparse
import time

import numpy as np

import statmodels  # noqa: F401  (float64)
from statmodels.sparse import RVR, KuramotoSivashinsky

ROWS = 10_000
SIZES = (24, 100, 1000)
TRUE = {0: 1.5, 3: -2.0, 7: 0.8, 11: 3.0, 19: -1.2}


def problem(m, rows=ROWS, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, m))
    w = np.zeros(m)
    for i, c in TRUE.items():
        w[i] = c
    return X, X @ w + 0.1 * rng.normal(size=rows)


def _rvr(**options):
    def run(X, y):
        fit = RVR(standardize=True, threshold_alpha=1e2, **options).fit(X, y)
        return np.nonzero(fit.coef_)[0], fit.timings_["gram"]

    return run


def methods():
    out = {
        "rvm_fast": _rvr(solver="fast"),
        "rvm_fast_all": _rvr(solver="fast", screen=False),
        "rvm_mackay": _rvr(solver="mackay"),
    }
    from sklearn.linear_model import ARDRegression

    out["sklearn_ard"] = lambda X, y: (
        np.nonzero(ARDRegression().fit(X, y).coef_)[0],
        None,
    )
    try:
        import pysindy as ps

        def sindy(opt):
            def run(X, y):
                opt.fit(X, y)
                return np.nonzero(np.ravel(opt.coef_))[0], None

            return run

        out["pysindy_stlsq"] = sindy(ps.STLSQ(threshold=0.1))
        out["pysindy_sr3"] = sindy(ps.SR3(reg_weight_lam=0.01))
    except Exception as err:  # noqa: BLE001  (optional comparison)
        print(f"PySINDy not available ({type(err).__name__}); skipped")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--no-ks", action="store_true")
    args = parser.parse_args(argv)
    truth = sorted(TRUE)
    rows = []
    for m in args.sizes:
        X, y = problem(m, args.rows)
        results = {}
        for name, fn in methods().items():
            t0 = time.perf_counter()
            support, gram = fn(X, y)
            seconds = time.perf_counter() - t0
            results[name] = (seconds, gram, sorted(support.tolist()) == truth)
        ard = results["sklearn_ard"][0]
        for name, (seconds, gram, ok) in results.items():
            rows.append((m, name, seconds, gram, ard / seconds, ok))
    print(f"rows: {args.rows}")
    print(
        f"{'terms':>6} {'method':<15} {'time (s)':>9} {'gram (s)':>9} "
        f"{'ARD/method':>11} support"
    )
    for m, name, s, gram, ratio, ok in rows:
        g = f"{gram:9.3f}" if gram is not None else f"{'':>9}"
        print(f"{m:>6} {name:<15} {s:9.3f} {g} {ratio:11.2f} {'yes' if ok else 'no'}")
    if args.no_ks:
        return

    ks = KuramotoSivashinsky(100.0, 128, 0.25)
    u0 = ks.initial_condition(0)
    t0 = time.perf_counter()
    ks.advance(u0, 4000)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    ks.advance(u0 + 1e-3, 4000)
    run = time.perf_counter() - t0
    print(
        f"KS ETDRK4 (N=128, 4000 steps): JIT compile {first - run:.3f} s, "
        f"run {run:.3f} s"
    )


if __name__ == "__main__":
    main()
