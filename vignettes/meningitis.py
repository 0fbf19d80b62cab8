# %% [markdown]
# # Carriers, two stages of disease, and what weekly case counts can tell
#
# This vignette works through the meningitis model of Yaga & Saporu, "A study
# of a deterministic model for meningitis epidemic" (arXiv 2304.00148), with
# `statmodels.epidemics`. The paper's full text was not at hand: the model is
# our reading of its abstract. Susceptibles are infected by carriers (with
# relative weight epsilon) and by the sick; a proportion phi of infections
# goes straight to the first stage of disease, the rest to carriage, from
# which carriers either clear the bacteria or fall ill.
#
# We compute R0 from the next-generation matrix, rank the parameters by
# their sensitivity indices, sweep epsilon and phi, and then fit the model to
# a simulated season of weekly case counts, asking which parameters the
# counts actually pin down.
#
# Set `STATMODELS_VIGNETTE_SIZE=small` for a quick run (under a minute);
# figures go to `STATMODELS_VIGNETTE_OUT` (default `vignettes/figures/`).

# %%
import os
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from statmodels.inference import ConvergenceWarning, nuts

from statmodels.epidemics import default_model, simulate_outbreak, sweep
from statmodels.epidemics.fitting import posterior_correlations, r0_of

SMALL = os.environ.get("STATMODELS_VIGNETTE_SIZE") == "small"
OUT = Path(os.environ.get("STATMODELS_VIGNETTE_OUT", Path(__file__).parent / "figures"))
OUT.mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## R0 and its sensitivity
#
# Rates are per day, chosen for illustration: carriage lasts about a month,
# stage I1 a few days, stage I2 about a week. The next-generation matrix is
# computed numerically from the model's own equations; because every new
# infection comes from one force of infection it has rank one and R0 also
# has a closed form. The two agree.

# %%
model = default_model(beta=0.2, phi=0.1)
print(model)
print(f"R0 (next-generation matrix) = {model.r0():.6f}")
print(f"R0 (closed form)            = {model.r0_closed_form():.6f}")
print(model.thresholds())

# %% [markdown]
# The normalised sensitivity index of R0 to a parameter p is the percentage
# change in R0 per percent change in p. beta always has index 1; carriers
# dominate transmission here, so epsilon and the carriage clearance rate
# gamma_c come next, and phi matters through the route it opens past
# carriage.

# %%
table = model.sensitivity()
print(table.round(4).to_string())

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.barh(table.index[::-1], table["index"][::-1], color="tab:blue")
ax.axvline(0, color="k", lw=0.8)
ax.set_xlabel("normalised sensitivity index of R0")
fig.tight_layout()
fig.savefig(OUT / "meningitis_sensitivity.png", dpi=120)

# %% [markdown]
# ## An outbreak, and sweeps over epsilon and phi
#
# The case-carrier ratio (I1 + I2) / C rises as the epidemic takes off: the
# disease lags carriage. The proportion ever infected is everyone who has
# left S.

# %%
pop = 1e5
y0 = {"S": pop * 0.999, "C": pop * 0.001}
# 41 output times throughout: one compiled solver serves every solve below.
times = np.linspace(0, 400, 41)
traj = model.simulate(y0, times)

fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
for name in ("C", "I1", "I2"):
    axes[0].plot(times, traj[name] / pop, label=name)
axes[0].set_xlabel("day")
axes[0].set_ylabel("proportion")
axes[0].legend()
axes[1].plot(times, traj.case_carrier_ratio, label="case-carrier ratio")
axes[1].plot(times, traj.ever_infected, label="ever infected")
axes[1].set_xlabel("day")
axes[1].legend()
fig.tight_layout()
fig.savefig(OUT / "meningitis_outbreak.png", dpi=120)

n = 4 if SMALL else 12
grid = sweep(
    model, y0, times, epsilon=np.linspace(0.05, 1.0, n), phi=[0.0, 0.25, 0.5, 1.0]
)
print(grid.round(4).head(8).to_string())

fig, ax = plt.subplots(figsize=(6, 3.5))
for phi, rows in grid.groupby("phi"):
    ax.plot(rows["epsilon"], rows["ever_infected"], marker="o", label=f"phi = {phi}")
ax.set_xlabel("epsilon (carrier relative infectiousness)")
ax.set_ylabel("proportion ever infected by day 400")
ax.legend()
fig.tight_layout()
fig.savefig(OUT / "meningitis_sweep.png", dpi=120)

# %% [markdown]
# Around the threshold: scaling beta so that R0 runs from 0.8 to 1.4, the
# final size switches on at R0 = 1.

# %%
betas = model.beta * np.linspace(0.8, 1.4, 7 if SMALL else 25) / model.r0()
near = sweep(
    model,
    {"S": pop * (1 - 1e-5), "C": pop * 1e-5},
    np.linspace(0, 20_000, 41),
    beta=betas,
)
print(near[["beta", "R0", "ever_infected"]].round(4).to_string())

# %% [markdown]
# ## Fitting weekly counts
#
# A season of 26 weeks of reported new stage-I1 cases (half of cases
# reported), simulated from the model with known truth. We estimate beta,
# the reporting fraction rho and the initial carrier proportion, the other
# rates being taken as known, first by maximum likelihood and then by NUTS
# started from it.

# %%
truth = default_model(beta=0.2)
season = simulate_outbreak(truth, pop, 26, rng=7)
fit = truth.replace(beta=0.15).fit(season["frame"], pop, estimate=("beta",))
print(fit.summary())
r0 = fit.transform(r0_of(fit, fit.model), link="log")
print(
    f"R0: estimate {float(r0['estimate']):.3f} (truth {truth.r0():.3f}), "
    f"standard error {float(r0['std_error']):.3f}"
)

with warnings.catch_warnings():
    if SMALL:
        # Short chains at the small size: the diagnostics say so.
        warnings.simplefilter("ignore", ConvergenceWarning)
    post = nuts(
        fit.model,
        num_warmup=100 if SMALL else 1000,
        num_samples=100 if SMALL else 1000,
        num_chains=1 if SMALL else 4,
        max_tree_depth=6 if SMALL else 10,
        seed=1,
        init=fit,
    )
print(post.params.round(4).to_string())

# %% [markdown]
# ## What the counts cannot tell apart
#
# Free beta and epsilon together and the counts see only their combination:
# almost all transmission is by carriers, so R0 is close to
# beta * epsilon / (sigma + gamma_c). The collinearity index in the summary
# says so, and so does the posterior: the draws lie along a ridge.

# %%
with warnings.catch_warnings():
    # Reason: along the ridge the sampler is slow to mix, and with the
    # short runs here its diagnostics say so.
    warnings.simplefilter("ignore", ConvergenceWarning)
    ridge = truth.fit(
        season["frame"],
        pop,
        estimate=("beta", "epsilon"),
        method="nuts",
        num_warmup=60 if SMALL else 1000,
        num_samples=60 if SMALL else 1000,
        num_chains=1 if SMALL else 4,
        max_tree_depth=6 if SMALL else 10,
        seed=2,
    )
print("\n".join(ridge.caveats))
print(posterior_correlations(ridge).round(2).to_string())

fig, ax = plt.subplots(figsize=(4.5, 4))
ax.scatter(ridge.draws["beta"].ravel(), ridge.draws["epsilon"].ravel(), s=4)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("beta")
ax.set_ylabel("epsilon")
ax.set_title("posterior draws: a ridge")
fig.tight_layout()
fig.savefig(OUT / "meningitis_ridge.png", dpi=120)
