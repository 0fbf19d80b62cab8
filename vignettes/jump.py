# %% [markdown]
# # Markov jump processes: the discrete flashing ratchet
#
# A continuous-time Markov chain on a finite state space is defined by its
# rate matrix Q. Here we simulate the discrete flashing ratchet (DFR) of
# Berghaus, Cvejoski, Seifner, Ojeda & Sanchez (2024), "Foundation Inference
# Models for Markov Jump Processes", observe it on a regular grid, and
# estimate Q back by the exact panel-data likelihood (matrix exponentials,
# autodiff Newton). We look at three things: the estimates at several
# potential strengths V (with the zero-shot estimate of a small pretrained
# network, in the spirit of that paper, beside the MLE), how the rate error
# falls with the number of observed paths, and the entropy production rate
# against V.

# %%
import os
from pathlib import Path

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND", "Agg"))
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from statmodels.inference import set_progress  # noqa: E402

import statmodels  # noqa: E402, F401
from statmodels.jump import (  # noqa: E402
    PanelData,
    dfr_parameters,
    dfr_pattern,
    dfr_rate_matrix,
    entropy_production,
    fit_panel,
    plot_prevalence,
    prevalence,
    recognise,
    relaxation_times,
    simulate,
)

SMALL = os.environ.get("STATMODELS_VIGNETTE_SIZE") == "small"
OUT = Path(os.environ.get("STATMODELS_VIGNETTE_OUT", Path(__file__).parent / "figures"))
OUT.mkdir(parents=True, exist_ok=True)
set_progress(False)
PATTERN = dfr_pattern()
GRID = np.arange(100) * 0.1
N_PATHS = 100 if SMALL else 300
VS = [0.0, 1.0, 2.0] if SMALL else [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]


def rmse(Q_hat, Q):
    return float(np.sqrt(np.mean((Q_hat - Q)[PATTERN] ** 2)))


# %% [markdown]
# ## Estimates at several V
#
# For each V we simulate paths observed every 0.1 time units and fit the 18
# allowed rates. The slowest relaxation time is 1/(2r) = 0.5 whatever V; the
# fitted matrix should show it too. `dfr_parameters` reads (V, r, b) off the
# fitted matrix, with delta-method standard errors through `Fit.transform`.

# %%
rows = []
for k, V in enumerate(VS):
    Q = dfr_rate_matrix(V, 1.0, 1.0)
    panel = simulate(Q, None, N_PATHS, times=GRID, seed=100 + k)
    fit = fit_panel(panel, PATTERN)
    zero = recognise(panel, pattern=PATTERN)["rate_matrix"]
    got = dfr_parameters(fit.rate_matrix)
    derived = fit.derived()
    rows.append(
        {
            "V": V,
            "V_hat": float(got["V"]),
            "r_hat": float(got["r"]),
            "b_hat": float(got["b"]),
            "rmse": rmse(fit.rate_matrix, Q),
            "rmse_neural": rmse(zero, Q),
            "V_neural": float(dfr_parameters(zero)["V"]),
            "tau_slowest": relaxation_times(fit.rate_matrix)[0],
            "sigma_true": entropy_production(Q),
            "sigma_hat": derived.loc["entropy_production", "estimate"],
            "sigma_se": derived.loc["entropy_production", "std_error"],
        }
    )
table = pd.DataFrame(rows)
print(table.round(3).to_string(index=False))
table.to_csv(OUT / "jump_dfr_estimates.csv", index=False)

# %% [markdown]
# ## Rate error against the number of observed paths
#
# At V = 1 the root-mean-square error of the MLE over the 18 rates should
# fall roughly like one over the square root of the number of paths. The
# network was trained on generic chains (at most 48 paths of 48 observations,
# never the DFR); given the DFR's pattern it comes close to the MLE at a few
# hundred paths but gains less from more paths. V = 3 lies in the tail of its
# prior (rates up to e^3 per unit time), where it does poorly.

# %%
Q1 = dfr_rate_matrix(1.0, 1.0, 1.0)
sizes = [25, 50, 100] if SMALL else [25, 50, 100, 200, 400, 800]
errors, errors_nn = [], []
for n in sizes:
    panel = simulate(Q1, None, n, times=GRID, seed=7 + n)
    errors.append(rmse(fit_panel(panel, PATTERN).rate_matrix, Q1))
    errors_nn.append(rmse(recognise(panel, pattern=PATTERN)["rate_matrix"], Q1))
slope = np.polyfit(np.log(sizes), np.log(errors), 1)[0]
print("rate RMSE by paths:", [round(float(e), 4) for e in errors], "for", sizes)
print(f"log-log slope {slope:.2f} (about -0.5 expected)")
print("neural RMSE by paths:", [round(float(e), 4) for e in errors_nn], "for", sizes)

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.loglog(sizes, errors, "o-", label="panel MLE")
ax.loglog(sizes, errors_nn, "s-", label="neural, zero-shot")
ax.loglog(
    sizes,
    errors[0] * np.sqrt(sizes[0] / np.array(sizes)),
    "k--",
    label=r"$\propto n^{-1/2}$",
)
ax.set_xlabel("observed paths")
ax.set_ylabel("rate RMSE")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "jump_rmse_paths.png", dpi=120)
plt.close(fig)

# %% [markdown]
# ## Entropy production against V
#
# The ratchet is reversible at V = 0 and dissipates more as V grows. The
# estimate from the fitted rates, with its delta-method interval, follows the
# exact curve.

# %%
V_line = np.linspace(0, max(VS), 50)
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(
    V_line,
    [entropy_production(dfr_rate_matrix(v, 1, 1)) for v in V_line],
    "k-",
    label="exact",
)
ax.errorbar(
    table["V"],
    table["sigma_hat"],
    yerr=1.96 * table["sigma_se"],
    fmt="o",
    label="panel MLE",
)
ax.set_xlabel("V")
ax.set_ylabel("entropy production rate")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "jump_entropy_production.png", dpi=120)
plt.close(fig)

# %% [markdown]
# ## Covariates on the rates, as R's msm
#
# Away from the ratchet: an illness-death chain with recovery (0 healthy,
# 1 ill, 2 dead) whose rates are multiplied by a hazard ratio for one group
# of subjects, `q_ij(z) = q_ij exp(beta_ij z)`. `fit_panel(covariates=...)`
# takes a formula (or column names) on a data frame; the covariates are
# centred at their means as msm does, so the baseline rates are those at the
# mean, and the summary reports `exp(beta)` with intervals. Each subject is
# seen at visit times of its own, so the observed prevalence is placed on a
# common grid from each subject's last observation (msm's `prevalence.msm`);
# the expected curve here uses the rates at the mean covariate, a simpler
# yardstick than msm's average over the subjects' own covariates. Carrying
# the last observed state forward makes the observed shares lag the
# expected ones (deaths show up only at the next visit), as in msm.

# %%
ILL = np.array([[0, 1, 1], [1, 0, 1], [0, 0, 0]], bool)
base = np.array([[0, 0.3, 0.1], [0.4, 0, 0.15], [0, 0, 0]])
hr = np.array([[1, 2.0, 1.5], [0.5, 1, 2.0], [1, 1, 1]])
n_group = 150 if SMALL else 600
rng = np.random.default_rng(2024)
frames = []
for group, Qg in enumerate([base, base * hr]):
    visits = np.cumsum(rng.uniform(0.3, 1.7, (n_group, 7)), axis=1)
    visits = np.c_[np.zeros(n_group), visits[:, :-1]]
    panel = simulate(
        Qg - np.diag(Qg.sum(axis=1)), [0.7, 0.3, 0], n_group, times=visits, seed=group
    )
    frame = panel.to_frame().assign(group=group)
    frame["id"] += group * n_group
    frames.append(frame)
visits_frame = pd.concat(frames, ignore_index=True)
cov_fit = fit_panel(visits_frame, ILL, covariates="~ group")
print(cov_fit.hazard_ratios().round(3).to_string())
print("true hazard ratios:", hr[ILL].tolist())
prev = prevalence(
    PanelData.from_frame(visits_frame, 3),
    cov_fit.rate_matrix,
    np.linspace(0, 6, 13),
    interp="start",
)
ax = plot_prevalence(prev)
ax.figure.savefig(OUT / "jump_prevalence.png", dpi=120)
plt.close(ax.figure)
print("vignette finished")
