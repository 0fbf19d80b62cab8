# %% [markdown]
# # Discovering structural model errors in the Kuramoto-Sivashinsky equation
#
# This vignette follows Mojgani, Chattopadhyay & Hassanzadeh (2022),
# "Discovery of interpretable structural model errors by combining Bayesian
# sparse regression and data assimilation: a chaotic Kuramoto-Sivashinsky
# test case" (Chaos 32, 061105). The truth is
#
#     u_t + u u_x + u_xx + u_xxxx = 0
#
# on a periodic domain. An imperfect model has one coefficient changed. From
# states of the truth we run the imperfect model one interval, take the
# difference from the next state as the model error, regress it on a library
# of terms u^p d^k u/dx^k with the relevance vector machine, and read the
# missing term off the sparse answer.

# %%
import os
import pathlib
import warnings

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import statmodels  # noqa: E402, F401  (float64)
from statmodels.sparse import (  # noqa: E402
    KuramotoSivashinsky,
    discover_model_error,
    enkf,
)

SMALL = os.environ.get("STATMODELS_VIGNETTE_SIZE") == "small"
OUT = pathlib.Path(
    os.environ.get("STATMODELS_VIGNETTE_OUT", pathlib.Path(__file__).parent / "figures")
)
OUT.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Truth and observations
#
# The small run uses L = 22 on 64 points; the full run L = 100 on 128 points.
# The truth takes ten ETDRK4 steps of 0.001 per observation interval of
# 0.01, while the imperfect model takes one step of 0.01, so even a perfect
# model leaves a small time-stepping residual.

# %%
LENGTH, N = (22.0, 64) if SMALL else (100.0, 128)
N_OBS = 300 if SMALL else 2000
DT = 0.01
truth = KuramotoSivashinsky(LENGTH, N, DT / 10)
u0 = KuramotoSivashinsky(LENGTH, N, 0.25).attractor_state(0, 100.0)
trajectory = truth.simulate(u0, N_OBS, save_every=10)
print(f"truth: L = {LENGTH}, N = {N}, {N_OBS} observations every {DT}")

CASES = {
    "u_xx halved": ({"diffusion": 0.5}, "-0.5 u_xx"),
    "u_xxxx halved": ({"hyperdiffusion": 0.5}, "-0.5 u_xxxx"),
    "no advection": ({"advection": 0.0}, "-1 u u_x"),
    "perfect model": ({}, "nothing"),
}
TARGET = {"u_xx halved": "u_xx", "u_xxxx halved": "u_xxxx", "no advection": "u u_x"}


def row(case, data, library, found):
    """One line of the results table."""
    expected = CASES[case][1]
    target = TARGET.get(case)
    others = [abs(c) for name, c in found.terms.items() if name != target]
    return {
        "case": case,
        "data": data,
        "library": library,
        "expected": expected,
        "terms": len(found.terms),
        "coef": found.terms.get(target, 0.0) if target else float("nan"),
        "max_other": max(others, default=0.0),
        "max_abs": max((abs(c) for c in found.terms.values()), default=0.0),
        "equation": found.equation(digits=4)
        if len(found.terms) <= 6
        else f"{len(found.terms)} terms, all |c| < "
        f"{max(abs(c) for c in found.terms.values()):.1e}",
    }


# %% [markdown]
# ## Noise-free discovery
#
# The regression uses the MacKay solver on standardised columns and target,
# pruning terms with precision above 100 (the rule of the paper's code). The
# default library passes every term through the same phi_1 filter that the
# exponential integrator applies to a missing term; without it ("plain") the
# coefficients are biased by about 1% on the linear terms and 5% on the
# advection term, because the stiff high wavenumbers of the one-step target
# are damped.

# %%
rows = []
discovered = {}
for case, (change, _) in CASES.items():
    imperfect = KuramotoSivashinsky(LENGTH, N, DT, **change)
    for filt in ["etd", "none"]:
        found = discover_model_error(trajectory, imperfect, library_filter=filt)
        if filt == "etd":
            discovered[case] = (imperfect, found)
        library = "filtered" if filt == "etd" else "plain"
        rows.append(row(case, "noise-free", library, found))

# %% [markdown]
# ## Noisy observations and the ensemble Kalman filter
#
# Now the truth is observed every 0.01 with Gaussian noise of standard
# deviation 0.02 (2% of the rms of u). Derivatives of the raw observations
# are useless: the regression on them finds wrong terms. A stochastic EnKF
# with the imperfect model estimates the states first (the filter only ever
# sees the noisy observations), and, as in the paper, the model error is
# taken between each analysis and the imperfect model's one-interval
# forecast from the previous analysis.
#
# The filter needs care. Without inflation the imperfect model's ensemble
# collapses and the analysis drifts away from the truth. With a mild
# multiplicative inflation (1.2) the u_xx error is recovered, but for the
# u_xxxx and advection errors the ensemble underestimates the forecast error
# that the model error adds in the energetic Fourier modes: the gain there is
# too small, the analysis lags the truth (analysis error 0.018 and 0.025,
# about the noise) and the increments carry the wrong terms. Inflation 2,
# with 100 members (more than the 64 grid values, so no localisation is
# needed), keeps the gain near one in those modes and the analysis error at
# 0.008-0.009 in every case. The full-size run uses N + 20 members with the
# same inflation; the settings were chosen at the small size only.
#
# The regression then uses only the Fourier modes resolved above the noise
# (``obs_std=NOISE``: modes 0 to 8 here, where the spectrum of u falls
# through the noise level), one uncorrelated row per real and imaginary part,
# so that the posterior intervals count the information honestly. On the
# raw observations this restriction alone already gives the right terms,
# less accurately. On noisy states the fast solver is used: the library
# evaluated on noisy states has errors in variables, and the MacKay solver,
# which starts from all terms, fits their smooth systematic part with a
# dozen terms (module notes of ``statmodels.sparse.medida``).
#
# The increment still carries only part of the model error in damped Fourier
# modes, where the gain stays below one: for a mode with one-step
# propagator J and gain K the expected estimate is scaled by
# K / (1 - (1 - K) J), which is below 1. The discovered coefficients are
# therefore biased towards zero by up to about 5%.

# %%
NOISE = 0.02
rng = np.random.default_rng(1)
observations = trajectory + NOISE * rng.normal(size=trajectory.shape)
SPIN = 50
N_MEMBERS = 100 if SMALL else N + 20
assimilation = {}
for case, (change, _) in CASES.items():
    imperfect = KuramotoSivashinsky(LENGTH, N, DT, **change)
    res = enkf(
        imperfect, observations, NOISE, n_members=N_MEMBERS, inflation=2.0, seed=2
    )
    rmse = float(np.sqrt(np.mean((res.analysis[SPIN:] - trajectory[SPIN:]) ** 2)))
    assimilation[case] = rmse
    with warnings.catch_warnings():
        # The MacKay solver may stop at its iteration cap on these targets.
        warnings.simplefilter("ignore")
        on_analysis = discover_model_error(
            res.analysis[SPIN:], imperfect, obs_std=NOISE, solver="fast"
        )
        on_raw = discover_model_error(observations[SPIN:], imperfect)
        on_raw_modes = discover_model_error(
            observations[SPIN:], imperfect, obs_std=NOISE, solver="fast"
        )
    rows.append(row(case, "EnKF analysis", "resolved modes", on_analysis))
    rows.append(row(case, "raw noisy", "filtered", on_raw))
    rows.append(row(case, "raw noisy", "resolved modes", on_raw_modes))
    print(f"{case}: EnKF analysis RMSE {rmse:.4f} against noise {NOISE}")

# %% [markdown]
# ## The table of discovered corrections
#
# Each equation gives u_t as the imperfect model plus the discovered terms,
# with 95% posterior intervals in brackets. The intervals come from the
# regression's Gaussian posterior; they are narrow because the rows are many
# and they do not include the systematic error of the one-step target.

# %%
table = pd.DataFrame(rows)
pd.set_option("display.max_colwidth", 200)
pd.set_option("display.width", 250)
print(table[["case", "data", "library", "equation"]].to_string(index=False))
table.to_csv(OUT / "medida_table.csv", index=False)

# %% [markdown]
# ## Space-time plots: truth, imperfect and corrected models
#
# From one state on the attractor we run the truth, the imperfect model and
# the imperfect model with the discovered term added, for each case.

# %%
HORIZON = 20.0 if SMALL else 60.0
n_steps = round(HORIZON / 0.05)
start = trajectory[-1]
for case in ["u_xx halved", "u_xxxx halved", "no advection"]:
    imperfect, found = discovered[case]
    runs = {
        "truth": KuramotoSivashinsky(LENGTH, N, 0.05),
        "imperfect": imperfect.with_coefficients(dt=0.05),
        "corrected": found.corrected(imperfect).with_coefficients(dt=0.05),
    }
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), sharey=True)
    for ax, (label, model) in zip(axes, runs.items(), strict=True):
        traj = model.simulate(start, n_steps // 5, save_every=5)
        traj = np.clip(traj, -5, 5)  # the imperfect model may blow up
        im = ax.imshow(
            traj,
            aspect="auto",
            origin="lower",
            cmap="RdBu_r",
            vmin=-3,
            vmax=3,
            extent=[0, LENGTH, 0, HORIZON],
        )
        ax.set_title(label)
        ax.set_xlabel("x")
    axes[0].set_ylabel("t")
    fig.colorbar(im, ax=axes, shrink=0.8, label="u")
    fig.suptitle(f"{case}: {found.equation(digits=3, intervals=False)}")
    name = case.replace(" ", "_").replace("u_", "u")
    fig.savefig(OUT / f"medida_{name}.png", dpi=90)
    plt.close(fig)

# %% [markdown]
# ## What the study shows
#
# * Noise-free, the method recovers exactly the missing term in each case,
#   to a fraction of a percent with the filtered library, and nothing of
#   consequence for the perfect model (its kept coefficients are tiny, a few
#   times 1e-7 at the small size: the time-stepping residual, standardised,
#   still passes the pruning threshold, so the rule is about relevance and
#   not size).
# * With noise (standard deviation 0.02) the raw observations regressed on
#   every grid value give wrong terms for every injected error. Through the
#   EnKF analysis (inflation 2) and the resolved Fourier modes, each injected
#   error is recovered alone at the small size: about -0.491 u_xx, -0.503
#   u_xxxx and -0.952 u u_x (five noise seeds: means -0.489, -0.504, -0.952,
#   seed-to-seed sd below 0.002, posterior sd 0.011-0.021), and the perfect
#   model keeps at most a term below 0.006. The posterior intervals do not
#   include the filter's bias towards zero described above, so the u_xx
#   interval may miss -0.5.
# * The raw observations on the resolved modes find the right single terms
#   too, with larger posterior sds (about 1.6 times) and, here, errors of 5%
#   (u_xx), 7% (u_xxxx) and 1% (u u_x), and a spurious -0.026 u_xxxx for the
#   perfect model.
# * The earlier failure of the u_xxxx and advection cases was the filter:
#   with inflation 1.2 it lags the truth where these model errors act.

# %%
print("vignette finished")
