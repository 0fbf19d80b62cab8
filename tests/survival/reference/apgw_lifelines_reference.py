"""Reference APGW regression fits on the veteran data, by lifelines and by scipy.

Run from anywhere with the project's virtualenv::

    python tests/survival/reference/apgw_lifelines_reference.py

Writes ``apgw_lifelines_reference.json``. For four APGW models (see MODELS) on
``veteran`` (time in days, karno in raw units, celltype with reference level
squamous) it records lifelines' ``ParametricRegressionFitter`` estimates, SEs,
log-likelihood and AIC, the best of several starting points, and a second fit by
scipy BFGS on an independent numpy likelihood (see apgw_common.py), with the
largest differences between the two.
"""

import json
from pathlib import Path

import lifelines
import numpy as np
import pandas as pd
import scipy
from apgw_common import (
    APGWLikelihood,
    coef_tables,
    design,
    fit_lifelines,
)
from lifelines import WeibullAFTFitter

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[2] / "datasets" / "data" / "veteran.csv"
RHS = "karno + celltype"

# Free parameters and their formulas; a parameter left out is fixed at 1.
MODELS = {
    "ph-gamma": {"lambda": RHS, "gamma": RHS, "kappa": "1"},
    "aft": {"phi": RHS, "gamma": "1", "kappa": "1"},
    "ph": {"lambda": RHS, "gamma": "1", "kappa": "1"},
    "aft-gamma": {"phi": RHS, "gamma": RHS, "kappa": "1"},
}
# log(kappa + 1) at the starts: Weibull (kappa = 1), log-logistic (kappa = 0), ...
KAPPA_STARTS = {
    "weibull": np.log(2.0),
    "loglogistic": 0.0,
    "kappa=-0.5": np.log(0.5),
    "kappa=3": np.log(4.0),
}
# formulaic/lifelines term names and the names R's survreg gives the same terms.
TERM_NAMES = {
    "Intercept": "(Intercept)",
    "karno": "karno",
    "celltype[T.smallcell]": "celltypesmallcell",
    "celltype[T.adeno]": "celltypeadeno",
    "celltype[T.large]": "celltypelarge",
}


def load_veteran() -> pd.DataFrame:
    df = pd.read_csv(DATA)
    levels = ["squamous", "smallcell", "adeno", "large"]
    df["celltype"] = pd.Categorical(df["celltype"], categories=levels)
    return df[["time", "status", "karno", "celltype"]]


def weibull_start(df: pd.DataFrame) -> tuple[np.ndarray, float, float]:
    """Weibull AFT fit: S = exp(-(t / exp(X b))^rho); returns b, log(rho), loglik."""
    wf = WeibullAFTFitter().fit(df, "time", "status", formula=RHS)
    b = wf.params_["lambda_"].to_numpy()
    return b, float(wf.params_["rho_"].iloc[0]), float(wf.log_likelihood_)


def starts_for(formulas: dict, b: np.ndarray, log_rho: float) -> dict:
    """Starting points (raw units) from the Weibull fit, one per kappa start.

    With kappa = 1, H0(z) = z, so the Weibull fit is exact: an AFT model takes
    b_phi = -b, and a PH model b_lambda = -rho b; b_gamma = (log rho, 0, ...).
    """
    rho = np.exp(log_rho)
    out = {}
    for name, log_a in KAPPA_STARTS.items():
        start = {"kappa": np.array([log_a])}
        if "phi" in formulas:
            start["phi"] = -b
        if "lambda" in formulas:
            start["lambda"] = -rho * b
        k = len(b) if formulas["gamma"] == RHS else 1
        start["gamma"] = np.r_[log_rho, np.zeros(k - 1)]
        out[name] = start
    return out


def table(values: np.ndarray, X: dict[str, pd.DataFrame]) -> dict:
    out, i = {}, 0
    for p, m in X.items():
        out[p] = dict(zip(m.columns, values[i : i + m.shape[1]].tolist(), strict=True))
        i += m.shape[1]
    return out


def flat(tab: dict) -> np.ndarray:
    return np.array([v for p in sorted(tab) for v in tab[p].values()])


def fit_model(df: pd.DataFrame, formulas: dict, starts: dict) -> dict:
    X = design(formulas, df)
    best_name, fitter, runs, polished = fit_lifelines(
        df, "time", "status", formulas, starts
    )
    coef, se = coef_tables(fitter)
    like = APGWLikelihood(X, df["time"], df["status"])
    beta = np.concatenate([list(coef[p].values()) for p in X])
    own = like.fit({name: like.flatten(s) for name, s in starts.items()})
    own_coef, own_se = table(own["beta"], X), table(own["se"], X)
    n_params = int(beta.size)
    result = {
        "fixed": {p: 1.0 for p in ("lambda", "phi") if p not in formulas},
        "formulas": {p: formulas[p] for p in sorted(formulas)},
        "coef": coef,
        "se": se,
        "loglik": float(fitter.log_likelihood_),
        "aic": float(fitter.AIC_),
        "n_params": n_params,
        "kappa": float(np.expm1(coef["kappa"]["Intercept"])),
        "lifelines": {
            "best_start": best_name,
            "starts": runs,
            "polished_with_slsqp": polished,
            # gradient of our numpy log-likelihood at lifelines' estimate
            "max_abs_gradient": float(np.max(np.abs(like.gradient(beta)))),
            "max_abs_newton_step": like.newton_step(beta),
            "loglik_numpy_at_estimate": like.loglik(beta),
        },
        "scipy": {
            "coef": own_coef,
            "se": own_se,
            "loglik": own["loglik"],
            "best_start": own["best_start"],
            "starts": own["runs"],
            "max_abs_gradient": own["max_abs_gradient"],
            "max_abs_newton_step": own["max_abs_newton_step"],
        },
        "max_abs_diff_lifelines_scipy": {
            "coef": float(np.max(np.abs(flat(coef) - flat(own_coef)))),
            "se": float(np.max(np.abs(flat(se) - flat(own_se)))),
            "loglik": abs(float(fitter.log_likelihood_) - own["loglik"]),
        },
    }
    assert np.isclose(result["aic"], 2 * n_params - 2 * result["loglik"])
    return result


def main() -> None:
    df = load_veteran()
    b, log_rho, weibull_ll = weibull_start(df)
    # Check of the likelihood: APGW with kappa = 1 is that Weibull model exactly.
    formulas = MODELS["aft"]
    like = APGWLikelihood(design(formulas, df), df["time"], df["status"])
    at_weibull = like.loglik(like.flatten(starts_for(formulas, b, log_rho)["weibull"]))
    out = {
        "meta": {
            "program": "apgw_lifelines_reference.py",
            "lifelines": lifelines.__version__,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "data": "survival::veteran (datasets/data/veteran.csv), time in days",
            "parametrisation": (
                "z = (phi t)^gamma, a = kappa + 1, "
                "H = lambda (a / kappa) ((1 + z / a)^kappa - 1); "
                "log phi, log lambda, log gamma, log(kappa + 1) linear in X"
            ),
            "coef_keys": (
                "coef[p] are coefficients on the link scale of parameter p: "
                "phi, lambda, gamma -> log; kappa -> log(kappa + 1)"
            ),
            "term_names_lifelines_to_R": TERM_NAMES,
            "weibull_start": {"lambda_": b.tolist(), "log_rho": log_rho},
            "weibull_check": {
                "lifelines_weibull_aft_loglik": weibull_ll,
                "apgw_numpy_loglik_at_kappa_1": at_weibull,
            },
        },
        "models": {},
    }
    for name, formulas in MODELS.items():
        res = fit_model(df, formulas, starts_for(formulas, b, log_rho))
        out["models"][name] = res
        print(
            f"{name:10s} loglik {res['loglik']:.5f}  AIC {res['aic']:.3f}  "
            f"kappa {res['kappa']:.4f}  best start {res['lifelines']['best_start']}  "
            f"|grad| {res['lifelines']['max_abs_gradient']:.1e}  "
            f"|newton| {res['lifelines']['max_abs_newton_step']:.1e}  "
            f"max diff vs scipy {res['max_abs_diff_lifelines_scipy']}"
        )
    path = HERE / "apgw_lifelines_reference.json"
    path.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
