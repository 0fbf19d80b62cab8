"""Stochastic variational inference with numpyro's autoguides.

The guide is mean-field normal (``"meanfield"``, numpyro's ``AutoNormal``),
full-rank normal (``"fullrank"``, ``AutoMultivariateNormal``) or a Laplace
approximation at the posterior mode (``"laplace"``), all in unconstrained
coordinates. The ELBO trace is kept; a trace still rising at the end of the
run is reported in words.
"""

from __future__ import annotations

import time

import jax
import numpy as np
from numpyro.infer import SVI, Trace_ELBO, init_to_median, init_to_value
from numpyro.infer.autoguide import (
    AutoLaplaceApproximation,
    AutoMultivariateNormal,
    AutoNormal,
)
from numpyro.optim import ClippedAdam
from statmodels.inference.fit import Fit
from statmodels.inference.model import Model, ParameterSpace
from statmodels.inference.progress import progress_enabled
from statmodels.inference.warnings import ConvergenceWarning, warn

GUIDES = {
    "meanfield": AutoNormal,
    "fullrank": AutoMultivariateNormal,
    "laplace": AutoLaplaceApproximation,
}


def svi(
    model: Model,
    *,
    guide: str = "fullrank",
    num_steps: int = 5000,
    learning_rate: float = 0.01,
    num_particles: int = 1,
    num_samples: int = 4000,
    seed: int = 0,
    init=None,
    level: float = 0.95,
    progress: bool | None = None,
) -> Fit:
    """Fit a variational approximation to the posterior of ``model``.

    Parameters
    ----------
    model
        The model; its numpyro function states the priors and likelihood.
    guide
        ``"meanfield"``, ``"fullrank"`` or ``"laplace"``.
    num_steps, learning_rate, num_particles
        Adam steps, step size (decaying geometrically to a hundredth), and Monte Carlo
        particles per ELBO estimate.
    num_samples
        Draws taken from the fitted approximation.
    seed
        Seed of the optimisation and of the draws.
    init
        An MLE :class:`Fit` (the guide starts at its asymptotic normal law, so
        that the optimiser does not spend its first steps finding the scale of
        each parameter) or a dict of constrained values at which to centre the
        guide; default: the prior median.
    level
        Level of the intervals in the parameter table.
    progress
        Show numpyro's progress bar.
    """
    if guide not in GUIDES:
        raise ValueError(f"unknown guide {guide!r}; use one of {sorted(GUIDES)}")
    model_fn, data = model.numpyro_model(), model.data()
    space = ParameterSpace.from_model(model_fn, data)
    start_params = None
    if isinstance(init, Fit):
        start_params = _guide_start(guide, space, init)
        init = init.estimate
    init_loc = init_to_value(values=init) if init is not None else init_to_median
    autoguide = GUIDES[guide](model_fn, init_loc_fn=init_loc)
    optimizer = ClippedAdam(
        step_size=lambda i: learning_rate * 0.01 ** (i / num_steps), clip_norm=10.0
    )
    engine = SVI(model_fn, autoguide, optimizer, Trace_ELBO(num_particles))
    key_fit, key_draw = jax.random.split(jax.random.PRNGKey(seed))
    start = time.perf_counter()
    result = engine.run(
        key_fit,
        num_steps,
        data,
        progress_bar=progress_enabled(progress),
        stable_update=True,
        init_params=start_params,
    )
    seconds = time.perf_counter() - start
    elbo = -np.asarray(result.losses)
    samples = autoguide.sample_posterior(
        key_draw, result.params, data, sample_shape=(num_samples,)
    )
    draws = {k: np.asarray(v)[None] for k, v in samples.items() if k in space.names}
    tail = max(num_steps // 10, 1)
    # Caveat: the stopping check compares the means of the last two tenths of
    # the ELBO trace; a slow drift below its noise goes unreported.
    final = float(np.mean(elbo[-tail:]))
    info = {
        "guide": guide,
        "num_steps": num_steps,
        "learning_rate": learning_rate,
        "num_samples": num_samples,
        "final_elbo": final,
        "fit_seconds": seconds,
        "seed": seed,
        "level": level,
    }
    caveats = []
    if not np.isfinite(final):
        caveats.append("the ELBO is not finite at the end of the run")
    elif num_steps >= 20:
        before = float(np.mean(elbo[-2 * tail : -tail]))
        noise = float(np.std(elbo[-tail:])) / np.sqrt(tail) + 1e-3
        # A rise below a nat is the step size's decay, not lack of convergence.
        if final - before > max(5 * noise, 1.0):
            caveats.append(
                f"the ELBO was still rising at the end ({before:.6g} to "
                f"{final:.6g} over the last tenths of the run); raise num_steps"
            )
    for text in caveats:
        warn(text, ConvergenceWarning)
    return Fit(model, "svi", draws, info, caveats, elbo=elbo)


def _guide_start(guide: str, space: ParameterSpace, start: Fit) -> dict | None:
    """Initial guide parameters matching an MLE and its covariance."""
    cov = start.cov_unconstrained
    if cov is None or guide == "laplace":
        return None
    cov = (cov + cov.T) / 2
    if np.any(np.linalg.eigvalsh(cov) <= 0):
        return None
    u_hat = np.asarray(start.u_hat)
    if guide == "fullrank":
        return {"auto_loc": u_hat, "auto_scale_tril": np.linalg.cholesky(cov)}
    loc, scale = space.split(u_hat), space.split(np.sqrt(np.diag(cov)))
    params = {f"{n}_auto_loc": loc[n] for n in space.names}
    params.update({f"{n}_auto_scale": scale[n] for n in space.names})
    return params
