"""Speed of the RVM solvers against scikit-learn and PySINDy.

Synthetic sparse regressions with 10,000 rows and 24, 100 and 1,000 Gaussian
columns, five of them in the true model. Each method's time and whether it
found exactly the true support are reported, with ratios to scikit-learn's
ARDRegression. The RVM solvers use the explicit pruning rule
(``threshold_alpha=100`` on standardised columns); ARDRegression's support is
its non-zero coefficients (its default pruning at precision 1e4). PySINDy's
STLSQ and SR3 optimisers are timed when PySINDy is installed. The RVM is
NumPy code (no compilation); the JIT compile time of the Kuramoto-Sivashinsky
ETDRK4 solver used by the discovery method is reported apart from its run
time.

Run: ``python benchmarks/bench_sparse.py`` (about a minute).
"""

import time

import numpy as np

import statmodels  # noqa: F401  (float64)
from statmodels.sparse import RVR, KuramotoSivashinsky

ROWS = 10_000
SIZES = (24, 100, 1000)
TRUE = {0: 1.5, 3: -2.0, 7: 0.8, 11: 3.0, 19: -1.2}


def problem(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(ROWS, m))
    w = np.zeros(m)
    for i, c in TRUE.items():
        w[i] = c
    return X, X @ w + 0.1 * rng.normal(size=ROWS)


def timed(fn):
    t0 = time.perf_counter()
    support = fn()
    return time.perf_counter() - t0, support


def methods():
    out = {
        "rvm_fast": lambda X, y: np.nonzero(
            RVR(solver="fast", standardize=True, threshold_alpha=1e2).fit(X, y).coef_
        )[0],
        "rvm_mackay": lambda X, y: np.nonzero(
            RVR(solver="mackay", standardize=True, threshold_alpha=1e2).fit(X, y).coef_
        )[0],
    }
    from sklearn.linear_model import ARDRegression

    out["sklearn_ard"] = lambda X, y: np.nonzero(ARDRegression().fit(X, y).coef_)[0]
    try:
        import pysindy as ps

        def sindy(opt):
            def run(X, y):
                opt.fit(X, y)
                return np.nonzero(np.ravel(opt.coef_))[0]

            return run

        out["pysindy_stlsq"] = sindy(ps.STLSQ(threshold=0.1))
        out["pysindy_sr3"] = sindy(ps.SR3(reg_weight_lam=0.01))
    except Exception as err:  # noqa: BLE001  (optional comparison)
        print(f"PySINDy not available ({type(err).__name__}); skipped")
    return out


def main():
    truth = sorted(TRUE)
    rows = []
    for m in SIZES:
        X, y = problem(m)
        results = {}
        for name, fn in methods().items():
            seconds, support = timed(lambda fn=fn, X=X, y=y: fn(X, y))
            results[name] = (seconds, sorted(support.tolist()) == truth)
        ard = results["sklearn_ard"][0]
        for name, (seconds, ok) in results.items():
            rows.append((m, name, seconds, ard / seconds, ok))
    print(f"{'terms':>6} {'method':<15} {'time (s)':>9} {'ARD/method':>11} support")
    for m, name, s, ratio, ok in rows:
        print(f"{m:>6} {name:<15} {s:9.3f} {ratio:11.2f} {'yes' if ok else 'no'}")

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
