"""The posterior mode (MAP) of a numpyro model, through the MLE back end.

:func:`map_fit` maximises the log posterior density of the unconstrained
parameters ``u``,

    log p(y | theta(u)) + log p(theta(u)) + log |d theta / d u|,

the model's likelihood plus the priors its numpyro function states and the
log Jacobian of the transforms. Because of the Jacobian this is the mode on
the unconstrained scale (for a positive parameter, the log scale), not the
mode of the density of ``theta`` itself. The maximiser is :func:`mle`
(Newton with the exact Hessian, L-BFGS where Newton stalls), applied to a
stand-in model whose one extra site holds the log prior and Jacobian; the
covariance is the inverse negative Hessian at the mode (the Laplace
approximation, in ``u``).
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
from numpyro import handlers
from numpyro.distributions import biject_to
from statmodels.inference.fit import Fit
from statmodels.inference.mle import mle
from statmodels.inference.model import Model, ParameterSpace
from statmodels.inference.warnings import StatmodelsWarning, warn


class _PosteriorMode(Model):
    """A model whose "likelihood" is the log posterior density of ``u``."""

    def __init__(self, base: Model):
        self.base = base
        self.title = base.title

    def numpyro_model(self):
        inner = self.base.numpyro_model()

        def model(data):
            tr = handlers.trace(inner).get_trace(data)
            log_prior = 0.0
            for site in tr.values():
                if site["type"] != "sample" or site["is_observed"]:
                    continue
                value = site["value"]
                to_value = biject_to(site["fn"].support)
                jacobian = to_value.log_abs_det_jacobian(to_value.inv(value), value)
                log_prior = (
                    log_prior + jnp.sum(site["fn"].log_prob(value)) + jnp.sum(jacobian)
                )
            numpyro.factor("log_prior", log_prior)

        return model

    def data(self):
        return self.base.data()

    def labels(self):
        return self.base.labels()

    def init_values(self):
        return self.base.init_values()

    @property
    def nobs(self) -> int:
        return self.base.nobs


def _reword(text: str) -> str:
    """A back-end sentence about the likelihood, said of the posterior."""
    return (
        text.replace("log-likelihood", "log posterior density")
        .replace("likelihood", "posterior density")
        .replace("observed information", "negative Hessian of the log posterior")
    )


def map_fit(model: Model, **kwargs) -> Fit:
    """Posterior mode of ``model``, with a Laplace covariance.

    Parameters
    ----------
    model
        The model; its numpyro function states the priors.
    **kwargs
        Passed to :func:`statmodels.inference.mle` (``starts``,
        ``num_starts``, ``seed``, ``max_iter``, ``level``, ``progress``).

    Returns
    -------
    Fit
        ``method == "map"``, one draw holding the mode, and the covariance
        of the Laplace approximation (so standard errors and intervals are
        as for an MLE). ``info["log_posterior"]`` is the objective at the
        mode and ``info["log_likelihood"]`` the log-likelihood there; AIC
        and BIC use the latter, which is below the maximised likelihood, so
        they are not the standard criteria. The back end's warnings are
        reworded for the posterior.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = mle(_PosteriorMode(model), **kwargs)
    for w in caught:
        if issubclass(w.category, StatmodelsWarning):
            warn(_reword(str(w.message)), w.category)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    space = ParameterSpace.of(model)
    params = space.constrain(jnp.asarray(res.u_hat))
    info = dict(
        res.info,
        log_posterior=float(res.info["log_likelihood"]),
        log_likelihood=float(jax.jit(space.log_likelihood)(params, model.data())),
    )
    draws = {k: np.asarray(v)[None, None] for k, v in params.items()}
    return (model.fit_class or Fit)(
        model,
        "map",
        draws,
        info,
        [_reword(c) for c in res.backend_caveats],
        cov_unconstrained=np.asarray(res.cov_unconstrained),
    )
