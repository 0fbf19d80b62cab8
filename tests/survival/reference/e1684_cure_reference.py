"""Reference APGW "ph" fit with a cure fraction on the E1684 melanoma data.

Run from anywhere with the project's virtualenv::

    python tests/survival/reference/e1684_cure_reference.py

Writes ``e1684_cure_reference.json``. Model (see apgw_common.py): phi fixed at 1,
log lambda = b0 + b1 trt, log gamma = c0, log(kappa + 1) = k0, on ``e1684``
(relapse-free survival, time in years). kappa may be in (-1, 0); then H(t) is
bounded by lambda (kappa + 1) / (-kappa) and S(t) -> exp(lambda (kappa + 1) / kappa),
the cure fraction, computed per arm.

The primary fit is our own numpy likelihood maximised by scipy BFGS from several
starts (SEs from the numerical Hessian); lifelines' ParametricRegressionFitter
with the same cumulative hazard is the cross-check.
"""

import json
from pathlib import Path

import lifelines
import numpy as np
import pandas as pd
import scipy
from apgw_common import APGWLikelihood, coef_tables, design, fit_lifelines
from lifelines import WeibullAFTFitter

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "datasets" / "data" / "e1684.csv"
FORMULAS = {"lambda": "trt", "gamma": "1", "kappa": "1"}
# log(kappa + 1) at the starts.
KAPPA_STARTS = {
    "weibull": np.log(2.0),
    "loglogistic": 0.0,
    "kappa=-0.5": np.log(0.5),
    "kappa=-0.9": np.log(0.1),
}


def cure_fractions(beta: np.ndarray) -> np.ndarray:
    """S(infinity) for trt = 0 and trt = 1; nan where kappa >= 0 (no cure).

    beta is (c0, k0, b0, b1): gamma, kappa, lambda coefficients in that order.
    """
    log_a, b0, b1 = beta[1], beta[2], beta[3]
    kappa = np.expm1(log_a)
    lam = np.exp(np.array([b0, b0 + b1]))
    if kappa >= 0:
        return np.full(2, np.nan)
    return np.exp(lam * np.exp(log_a) / kappa)


def delta_se(fun, beta: np.ndarray, cov: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Delta-method SEs of fun(beta), with a central-difference Jacobian."""
    jac = np.column_stack(
        [(fun(beta + h * e) - fun(beta - h * e)) / (2 * h) for e in np.eye(beta.size)]
    )
    return np.sqrt(np.diag(jac @ cov @ jac.T))


def table(values: np.ndarray, X: dict[str, pd.DataFrame]) -> dict:
    out, i = {}, 0
    for p, m in X.items():
        out[p] = dict(zip(m.columns, values[i : i + m.shape[1]].tolist(), strict=True))
        i += m.shape[1]
    return out


def flat_se(se: dict, X: dict) -> np.ndarray:
    return np.concatenate([list(se[p].values()) for p in X])


def main() -> None:
    df = pd.read_csv(DATA, float_precision="round_trip")[["time", "status", "trt"]]
    X = design(FORMULAS, df)  # keys in order gamma, kappa, lambda

    # Starts: a Weibull PH fit (exact at kappa = 1), then other kappa values.
    wf = WeibullAFTFitter().fit(df, "time", "status", formula="trt")
    b = wf.params_["lambda_"].to_numpy()
    log_rho = float(wf.params_["rho_"].iloc[0])
    starts = {
        name: {
            "gamma": np.array([log_rho]),
            "kappa": np.array([log_a]),
            "lambda": -np.exp(log_rho) * b,
        }
        for name, log_a in KAPPA_STARTS.items()
    }

    like = APGWLikelihood(X, df["time"], df["status"])
    own = like.fit({name: like.flatten(s) for name, s in starts.items()})
    beta = own["beta"]
    cov = np.linalg.inv(-like.richardson_hessian(beta))
    kappa = float(np.expm1(beta[1]))
    cure = cure_fractions(beta)
    cure_se = delta_se(cure_fractions, beta, cov)

    best_name, fitter, runs, polished = fit_lifelines(
        df, "time", "status", FORMULAS, starts
    )
    if fitter is not None:
        ll_coef, ll_se = coef_tables(fitter)
        ll_beta = np.concatenate([list(ll_coef[p].values()) for p in X])
        ll_block = {
            "converged": True,
            "coef": ll_coef,
            "se": ll_se,
            "loglik": float(fitter.log_likelihood_),
            "aic": float(fitter.AIC_),
            "kappa": float(np.expm1(ll_coef["kappa"]["Intercept"])),
            "cure_fraction": dict(
                zip(["trt=0", "trt=1"], cure_fractions(ll_beta).tolist(), strict=True)
            ),
            "best_start": best_name,
            "starts": runs,
            "polished_with_slsqp": polished,
            "max_abs_newton_step": like.newton_step(ll_beta),
        }
        diff = {
            "coef": float(np.max(np.abs(ll_beta - beta))),
            "se": float(np.max(np.abs(np.sqrt(np.diag(cov)) - flat_se(ll_se, X)))),
            "loglik": abs(float(fitter.log_likelihood_) - own["loglik"]),
        }
    else:
        ll_block, diff = {"converged": False, "starts": runs}, None

    n_params = int(beta.size)
    out = {
        "meta": {
            "program": "e1684_cure_reference.py",
            "lifelines": lifelines.__version__,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "data": "e1684 (datasets/data/e1684.csv), time in years",
            "n": len(df),
            "events": int(df["status"].sum()),
            "parametrisation": (
                "z = (phi t)^gamma, a = kappa + 1, "
                "H = lambda (a / kappa) ((1 + z / a)^kappa - 1); "
                "log phi, log lambda, log gamma, log(kappa + 1) linear in X"
            ),
            "cure_fraction": "exp(lambda (kappa + 1) / kappa) per arm, if kappa < 0",
        },
        "model": {"fixed": {"phi": 1.0}, "formulas": FORMULAS},
        "scipy": {
            "coef": table(beta, X),
            "se": table(own["se"], X),
            "vcov": {
                "names": [f"{p}:{t}" for p, m in X.items() for t in m.columns],
                "matrix": cov.tolist(),
            },
            "loglik": own["loglik"],
            "aic": 2 * n_params - 2 * own["loglik"],
            "n_params": n_params,
            "kappa": kappa,
            "kappa_se": float(
                delta_se(lambda v: np.expm1(v[1:2]), beta, cov)[0]
            ),  # delta method
            "cure_fraction": dict(zip(["trt=0", "trt=1"], cure.tolist(), strict=True)),
            "cure_fraction_se": dict(
                zip(["trt=0", "trt=1"], cure_se.tolist(), strict=True)
            ),
            "best_start": own["best_start"],
            "starts": own["runs"],
            "max_abs_gradient": own["max_abs_gradient"],
            "max_abs_newton_step": own["max_abs_newton_step"],
        },
        "lifelines": ll_block,
        "max_abs_diff_lifelines_scipy": diff,
    }
    (HERE / "e1684_cure_reference.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"n {len(df)}, events {out['meta']['events']}")
    print("scipy coef:", out["scipy"]["coef"], "loglik", own["loglik"])
    print(f"kappa {kappa:.5f}; cure fractions {cure}, SE {cure_se}")
    print("starts:", own["runs"])
    print("lifelines:", ll_block.get("loglik"), "max diff:", diff)


if __name__ == "__main__":
    main()
