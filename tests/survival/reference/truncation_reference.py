"""Reference fit of a Weibull AFT model to left-truncated, right-censored data.

Run from anywhere with the project's virtualenv (needs lifelines, and Rscript for
the second method)::

    python tests/survival/reference/truncation_reference.py

It simulates delayed-entry data (saved as ``truncation_data.csv``), fits
lifelines' ``WeibullAFTFitter`` with ``entry_col``, runs
``truncation_reference.R`` (hand-written likelihood maximised by R's ``optim``)
on the same CSV, and writes both answers to ``truncation_reference.json``.

Model, in lifelines' parametrisation: S(t | x) = exp(-(t / lambda)^rho) with
log(lambda) = b0 + b1 x and log(rho) = c0. A subject entering at time e
contributes status * log h(t) - H(t) + H(e).
"""

import json
import subprocess
from pathlib import Path

import lifelines
import numpy as np
import pandas as pd
from lifelines import WeibullAFTFitter

HERE = Path(__file__).resolve().parent
SEED = 20241203
N = 400
# lifelines fits this model with SLSQP; a tighter ftol than its 1e-10 default.
FIT_OPTIONS = {"ftol": 1e-14, "maxiter": 1000}
TRUTH = {"lambda_:Intercept": 1.5, "lambda_:x": 0.4, "rho_:Intercept": np.log(1.5)}


def simulate() -> tuple[pd.DataFrame, int]:
    """Simulate delayed entry; keep subjects still under observation at entry."""
    rng = np.random.default_rng(SEED)
    x = rng.standard_normal(N)
    lam = np.exp(TRUTH["lambda_:Intercept"] + TRUTH["lambda_:x"] * x)
    rho = np.exp(TRUTH["rho_:Intercept"])
    event_time = lam * rng.standard_exponential(N) ** (1 / rho)  # H(T) ~ Exp(1)
    entry = rng.uniform(0.0, 4.0, N)
    censor = rng.uniform(1.0, 15.0, N)
    df = pd.DataFrame(
        {
            "entry": entry,
            "time": np.minimum(event_time, censor),
            "status": (event_time <= censor).astype(int),
            "x": x,
        }
    ).round({"entry": 4, "time": 4, "x": 4})
    kept = df[df["time"] > df["entry"]].reset_index(drop=True)
    return kept, N


def fit_lifelines(df: pd.DataFrame) -> dict:
    """Fit WeibullAFTFitter with delayed entry and return params, SEs, loglik."""
    fitter = WeibullAFTFitter()
    fitter.fit(
        df,
        duration_col="time",
        event_col="status",
        entry_col="entry",
        formula="x",
        fit_options=FIT_OPTIONS,
    )
    keys = [f"{p}:{c}" for p, c in fitter.params_.index]
    return {
        "params": dict(zip(keys, fitter.params_.to_numpy().tolist(), strict=True)),
        "se": dict(zip(keys, fitter.standard_errors_.to_numpy().tolist(), strict=True)),
        "loglik": float(fitter.log_likelihood_),
        "fit_options": {"method": fitter._scipy_fit_method, **FIT_OPTIONS},
    }


def main() -> None:
    df, n_simulated = simulate()
    df.to_csv(HERE / "truncation_data.csv", index=False)
    # Refit on the CSV as written, so that both methods see the same numbers.
    df = pd.read_csv(HERE / "truncation_data.csv", float_precision="round_trip")

    ours = fit_lifelines(df)
    r_out = subprocess.run(
        ["Rscript", str(HERE / "truncation_reference.R")],
        check=True,
        capture_output=True,
        text=True,
    )
    r_fit = json.loads(r_out.stdout)

    diffs = [abs(ours["params"][k] - r_fit["params"][k]) for k in ours["params"]]
    se_diffs = [abs(ours["se"][k] - r_fit["se"][k]) for k in ours["se"]]
    result = {
        "meta": {
            "program": "truncation_reference.py",
            "lifelines": lifelines.__version__,
            "numpy": np.__version__,
            "seed": SEED,
            "rng": "numpy.random.default_rng",
            "n_simulated": n_simulated,
            "n_kept": len(df),
            "events": int(df["status"].sum()),
            "data_file": "truncation_data.csv",
            "truth": TRUTH,
            "model": "S = exp(-(t/lambda)^rho), log lambda = b0 + b1 x, log rho = c0",
        },
        "lifelines": ours,
        "R_optim": r_fit,
        "max_abs_diff": {
            "params": max(diffs),
            "se": max(se_diffs),
            "loglik": abs(ours["loglik"] - r_fit["loglik"]),
        },
    }
    (HERE / "truncation_reference.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"kept {len(df)} of {n_simulated}; events {result['meta']['events']}")
    print("lifelines:", ours["params"], ours["loglik"])
    print("R optim:  ", r_fit["params"], r_fit["loglik"])
    print("max |diff|:", result["max_abs_diff"])


if __name__ == "__main__":
    main()
