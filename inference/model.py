"""The interface between a model and the back ends that fit it.

A model states its probability model once, as a numpyro model function
(:meth:`Model.numpyro_model`): sample sites with priors for the parameters and
observed sites, or ``numpyro.factor`` sites, for the likelihood. The back ends
in :mod:`statmodels.inference` read everything else from that one function:

* the log-likelihood is the sum of the observed sites' log-densities in a trace
  of the model with the parameter values substituted, so priors matter only to
  the Bayesian back ends;
* the parameters are the latent sample sites, each mapped to an unconstrained
  space through the bijection onto its support.

A model class adds what a reader of its results needs: names for the entries of
vector parameters, starting values, an R-like call, model-specific summary
sections and caveats, predictions, and enough configuration to rebuild itself
from a saved file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
from numpyro import handlers
from numpyro.distributions import biject_to


class Model:
    """Base class of every model that the back ends can fit.

    Subclasses implement :meth:`numpyro_model` and usually :meth:`labels`,
    :meth:`init_values`, :meth:`call` and the persistence pair :meth:`config` /
    :meth:`from_config`.
    """

    #: Short description used as the summary's title.
    title = "Model"
    #: The Fit subclass that :func:`statmodels.load` rebuilds for this model
    #: (``None``: the plain :class:`~statmodels.inference.Fit`).
    fit_class = None

    def numpyro_model(self) -> Callable:
        """The numpyro model function, called as ``model_fn(data)``.

        Keeping the data an argument (rather than closed over) lets JAX
        compile the log-density once per shape and reuse it across fits.
        """
        raise NotImplementedError

    def data(self) -> dict:
        """The pytree of arrays passed to the model function."""
        raise NotImplementedError

    def labels(self) -> dict[str, list[str]]:
        """Names of the entries of each vector-valued parameter site."""
        return {}

    def row_subset(self, rows: np.ndarray):
        """The data pytree restricted to ``rows`` (positions), or ``None``.

        Models whose observations are independent rows may offer this, so
        that :func:`~statmodels.inference.mle` can search from its starts on
        a random subsample of large data before polishing on all rows.
        """
        return None

    def log_likelihood_derivatives(self):
        """An optional fast log-likelihood, gradient and Hessian, or ``None``.

        A model whose likelihood has structure that autodiff cannot see (a sum
        over rows of a function of a few linear predictors, say) may return a
        function ``(params, data) -> (log-likelihood, gradient, Hessian)``
        giving all three from one pass over the data, with respect to the
        flattened parameters in site order. Newton's method calls it once per
        step when every site is real-valued (so constrained and unconstrained
        coordinates coincide); the tests check it against autodiff.
        """
        return None

    def structure_key(self):
        """A hashable key equal for models whose likelihood is the same function.

        Two models with equal keys must have the same latent sites and the same
        log-likelihood as a function of (parameters, data); only the arrays in
        :meth:`data` may differ. The back ends then reuse compiled code. The
        default, ``None``, never reuses.
        """
        return None

    def init_values(self) -> list[dict[str, np.ndarray]]:
        """Starting points for optimisation, as constrained parameter values."""
        return []

    @property
    def nobs(self) -> int:
        """Number of observations (used by BIC)."""
        raise NotImplementedError

    def call(self) -> str:
        """The call that made the model, written as the user would type it."""
        return f"{type(self).__name__}(...)"

    def summary_sections(self, fit) -> list[tuple[str, str]]:
        """Extra (title, text) sections for the summary of ``fit``."""
        return []

    def summary_counts(self, fit) -> str:
        """One line of counts for the summary (observations, events, ...)."""
        return f"n = {self.nobs}"

    def caveats(self, fit) -> list[str]:
        """Model-specific caveats about ``fit``, in words."""
        return []

    def observed_data(self) -> dict[str, np.ndarray]:
        """Arrays for the ArviZ ``observed_data`` group."""
        return {}

    def predict(self, fit, newdata=None, **kwargs) -> pd.DataFrame:
        """Predictions from ``fit``; see the model class for the types."""
        raise NotImplementedError(f"{type(self).__name__} does not predict")

    # Persistence: a saved fit stores ``config()`` as JSON and ``frame()`` as
    # netCDF variables; ``from_config`` must rebuild an identical model.
    def config(self) -> dict:
        """JSON-serialisable settings that rebuild the model with its data."""
        raise NotImplementedError

    def frame(self) -> pd.DataFrame:
        """The data the model was built from (stored with a saved fit)."""
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict, frame: pd.DataFrame) -> Model:
        """Rebuild a model saved with :meth:`config` and :meth:`frame`."""
        raise NotImplementedError


_SPACES: dict = {}


@dataclass(frozen=True)
class ParameterSpace:
    """The latent sites of a numpyro model and their unconstrained coordinates.

    Attributes
    ----------
    names
        Latent site names in the order they are sampled.
    shapes
        Shape of each site's value.
    transforms
        Bijection from the real line (or space) onto each site's support.
    observed
        Names of the observed sites (the likelihood terms).
    """

    model_fn: Callable
    names: tuple[str, ...]
    shapes: dict[str, tuple[int, ...]]
    transforms: dict
    observed: tuple[str, ...]

    @classmethod
    def from_model(cls, model_fn: Callable, data) -> ParameterSpace:
        """Trace ``model_fn(data)`` abstractly (no computation) to find its sites."""
        found: dict = {}

        def probe(data):
            tr = handlers.trace(handlers.seed(model_fn, 0)).get_trace(data)
            found.update(
                {
                    name: (site["is_observed"], jnp.shape(site["value"]), site["fn"])
                    for name, site in tr.items()
                    if site["type"] == "sample"
                }
            )
            return 0

        jax.eval_shape(probe, data)
        names, shapes, transforms, observed = [], {}, {}, []
        for name, (is_observed, shape, fn) in found.items():
            if is_observed:
                observed.append(name)
                continue
            names.append(name)
            shapes[name] = tuple(shape)
            transforms[name] = biject_to(fn.support)
        return cls(model_fn, tuple(names), shapes, transforms, tuple(observed))

    @classmethod
    def of(cls, model: Model) -> ParameterSpace:
        """The parameter space of ``model``, reused across equal structures."""
        key = model.structure_key()
        space = _SPACES.get(key) if key is not None else None
        if space is None:
            space = cls.from_model(model.numpyro_model(), model.data())
            if key is not None:
                _SPACES[key] = space
            return space
        return dataclasses.replace(space, model_fn=model.numpyro_model())

    @property
    def is_real(self) -> bool:
        """Whether every site is real-valued (identity transforms)."""
        from numpyro.distributions.transforms import (
            IdentityTransform,
            IndependentTransform,
        )

        def identity(t):
            if isinstance(t, IndependentTransform):
                t = t.base_transform
            return isinstance(t, IdentityTransform)

        return all(identity(self.transforms[n]) for n in self.names)

    @property
    def size(self) -> int:
        """Number of free scalar parameters."""
        return int(sum(np.prod(self.unconstrained_shape(n)) for n in self.names))

    def unconstrained_shape(self, name: str) -> tuple[int, ...]:
        """Shape of a site in unconstrained coordinates."""
        return tuple(self.transforms[name].inverse_shape(self.shapes[name]))

    def ravel(self, values: dict) -> jax.Array:
        """Concatenate site values into one flat vector, in site order."""
        return jnp.concatenate([jnp.ravel(jnp.asarray(values[n])) for n in self.names])

    def split(self, u_flat) -> dict:
        """Split a flat unconstrained vector (or a stack of them along the
        last axis) into per-site unconstrained values."""
        out, start = {}, 0
        lead = jnp.shape(u_flat)[:-1]
        for n in self.names:
            shape = self.unconstrained_shape(n)
            size = int(np.prod(shape))
            out[n] = jnp.reshape(u_flat[..., start : start + size], lead + shape)
            start += size
        return out

    def constrain(self, u_flat: jax.Array) -> dict[str, jax.Array]:
        """Constrained parameter values from a flat unconstrained vector."""
        u = self.split(u_flat)
        return {n: self.transforms[n](u[n]) for n in self.names}

    def unconstrain(self, params: dict) -> jax.Array:
        """Flat unconstrained vector from constrained parameter values."""
        return jnp.concatenate(
            [
                jnp.ravel(self.transforms[n].inv(jnp.asarray(params[n], dtype=float)))
                for n in self.names
            ]
        )

    def trace(self, params: dict, data):
        """A trace of the model with ``params`` substituted for the latents."""
        model = handlers.substitute(handlers.seed(self.model_fn, 0), data=params)
        return handlers.trace(model).get_trace(data)

    def pointwise_log_likelihood(self, params: dict, data) -> dict[str, jax.Array]:
        """Log-density of each observed site, observation by observation."""
        tr = self.trace(params, data)
        return {n: tr[n]["fn"].log_prob(tr[n]["value"]) for n in self.observed}

    def log_likelihood(self, params: dict, data) -> jax.Array:
        """The log-likelihood: the sum over observed sites (no priors)."""
        pointwise = self.pointwise_log_likelihood(params, data)
        return sum(jnp.sum(v) for v in pointwise.values())

    def flat_labels(self, labels: dict[str, list[str]]) -> list[str]:
        """One label per scalar constrained parameter, ``site:entry``."""
        out = []
        for name in self.names:
            size = int(np.prod(self.shapes[name]))
            entries = labels.get(name)
            if size == 1 and not self.shapes[name]:
                out.append(name)
            elif entries is not None and len(entries) == size:
                out.extend(f"{name}:{e}" for e in entries)
            else:
                idx = np.ndindex(*self.shapes[name])
                out.extend(f"{name}[{','.join(map(str, i))}]" for i in idx)
        return out
