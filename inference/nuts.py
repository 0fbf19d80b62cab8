"""Posterior sampling with numpyro's NUTS, with diagnostics checked in words.

Chains run in parallel when JAX has a CPU device for each (importing
:mod:`statmodels` asks for one per core), otherwise one after another. After
sampling, the rank-normalised split R-hat and the bulk and tail effective
sample sizes (ArviZ) and the divergent transitions are checked; poor values
are reported as :class:`~statmodels.inference.ConvergenceWarning` and under
"Caveats" in the summary.
"""

from __future__ import annotations

import time

import jax
import numpy as np
from numpyro.infer import MCMC, NUTS
from statmodels.inference.fit import Fit
from statmodels.inference.model import Model, ParameterSpace
from statmodels.inference.progress import progress_enabled
from statmodels.inference.warnings import ConvergenceWarning, warn

#: R-hat above this is reported as a failure to mix.
RHAT_MAX = 1.01
#: Effective sample size per chain below this is reported as too small.
ESS_PER_CHAIN_MIN = 100


def _initial_points(space: ParameterSpace, init, num_chains, rng):
    """Unconstrained per-chain starting points, or None for numpyro's default."""
    if init is None:
        return None
    if isinstance(init, Fit) and init.cov_unconstrained is not None:
        # Over-dispersed starts: draws from the MLE's asymptotic normal law.
        cov = init.cov_unconstrained
        cov = (cov + cov.T) / 2 + 1e-12 * np.eye(len(cov))
        points = rng.multivariate_normal(init.u_hat, cov, size=num_chains)
    else:
        u0 = np.asarray(space.unconstrain(init))
        points = u0 + rng.normal(0.0, 0.1, size=(num_chains, u0.size))
    return {n: np.asarray(v) for n, v in space.split(np.asarray(points)).items()}


def nuts(
    model: Model,
    *,
    num_warmup: int = 1000,
    num_samples: int = 1000,
    num_chains: int = 4,
    seed: int = 0,
    init=None,
    target_accept_prob: float = 0.8,
    max_tree_depth: int = 10,
    chain_method: str | None = None,
    level: float = 0.95,
    progress: bool | None = None,
) -> Fit:
    """Sample the posterior of ``model`` with NUTS.

    Parameters
    ----------
    model
        The model; its numpyro function states the priors and likelihood.
    num_warmup, num_samples, num_chains
        Warm-up iterations, kept draws per chain, and chains.
    seed
        Seed of the sampler and the starting points.
    init
        Starting values: an MLE :class:`Fit` (chains start at draws from its
        asymptotic normal law, over-dispersed as R-hat needs), a dict of
        constrained values (jittered per chain), or ``None`` (numpyro's
        uniform initialisation on (-2, 2) in unconstrained space).
    target_accept_prob, max_tree_depth
        NUTS settings.
    chain_method
        ``"parallel"``, ``"sequential"`` or ``"vectorized"``; by default
        parallel when there is a device per chain, else sequential.
    level
        Level of the posterior intervals in the parameter table.
    progress
        Show numpyro's progress bar.
    """
    model_fn, data = model.numpyro_model(), model.data()
    space = ParameterSpace.from_model(model_fn, data)
    rng = np.random.default_rng(seed)
    if chain_method is None:
        enough = jax.local_device_count() >= num_chains
        chain_method = "parallel" if enough else "sequential"
    kernel = NUTS(
        model_fn, target_accept_prob=target_accept_prob, max_tree_depth=max_tree_depth
    )
    mcmc = MCMC(
        kernel,
        num_warmup=num_warmup,
        num_samples=num_samples,
        num_chains=num_chains,
        chain_method=chain_method,
        progress_bar=progress_enabled(progress),
    )
    init_params = _initial_points(space, init, num_chains, rng)
    if init_params is not None and num_chains == 1:
        init_params = {k: v[0] for k, v in init_params.items()}
    start = time.perf_counter()
    mcmc.run(
        jax.random.PRNGKey(seed),
        data,
        init_params=init_params,
        extra_fields=("diverging", "num_steps", "accept_prob", "energy"),
    )
    seconds = time.perf_counter() - start
    samples = mcmc.get_samples(group_by_chain=True)
    draws = {k: np.asarray(v) for k, v in samples.items()}
    extra = mcmc.get_extra_fields(group_by_chain=True)
    stats = {
        "diverging": np.asarray(extra["diverging"]),
        "n_steps": np.asarray(extra["num_steps"]),
        "acceptance_rate": np.asarray(extra["accept_prob"]),
        "energy": np.asarray(extra["energy"]),
    }
    divergences = int(stats["diverging"].sum())
    saturated = int((stats["n_steps"] >= 2**max_tree_depth - 1).sum())
    info = {
        "num_warmup": num_warmup,
        "num_samples": num_samples,
        "num_chains": num_chains,
        "chain_method": chain_method,
        "divergences": divergences,
        "max_tree_depth_hits": saturated,
        "sampling_seconds": seconds,
        "seed": seed,
        "level": level,
    }
    fit = Fit(model, "nuts", draws, info, [], sample_stats=stats)
    fit.backend_caveats.extend(_check(fit, divergences, saturated, num_chains))
    return fit


def _check(fit: Fit, divergences: int, saturated: int, num_chains: int) -> list[str]:
    """Caveats (also issued as warnings) about the sampler's diagnostics."""
    caveats = []
    total = fit.info["num_samples"] * num_chains
    if divergences:
        caveats.append(
            f"{divergences} of {total} transitions diverged; the sampler may have "
            "missed part of the posterior: raise target_accept_prob or "
            "reparametrise"
        )
    if saturated:
        caveats.append(
            f"{saturated} transitions hit the maximum tree depth; sampling is "
            "inefficient (raise max_tree_depth or rescale covariates)"
        )
    table = fit.params
    if num_chains > 1:
        bad = table.index[table["r_hat"] > RHAT_MAX].tolist()
        if bad:
            caveats.append(
                f"R-hat above {RHAT_MAX} for {', '.join(bad)}: the chains have not "
                "mixed; run longer or check the model"
            )
    minimum = ESS_PER_CHAIN_MIN * num_chains
    low = table.index[
        (table["ess_bulk"] < minimum) | (table["ess_tail"] < minimum)
    ].tolist()
    if low:
        caveats.append(
            f"effective sample size below {minimum} for {', '.join(low)}: "
            "posterior summaries are noisy; run more draws"
        )
    for text in caveats:
        warn(text, ConvergenceWarning)
    return caveats
