"""Shared back ends: one model definition, three ways to fit it.

A model states its probability model once, as a numpyro model function
(:class:`Model`). :func:`mle` maximises its likelihood, :func:`nuts` samples
its posterior, :func:`svi` fits a variational approximation, :func:`map_fit`
finds its posterior mode; all return a :class:`Fit`. The back ends know
nothing of any one model.
"""

from statmodels.inference.fit import Fit, Summary
from statmodels.inference.io import load
from statmodels.inference.map import map_fit
from statmodels.inference.mle import mle
from statmodels.inference.model import Model, ParameterSpace
from statmodels.inference.nuts import nuts
from statmodels.inference.progress import meter, progress_enabled, set_progress
from statmodels.inference.svi import svi
from statmodels.inference.warnings import (
    BoundaryWarning,
    ConvergenceWarning,
    DataWarning,
    IdentifiabilityWarning,
    StatmodelsWarning,
)


def compare(fits: dict[str, Fit]):
    """A table of log-likelihood, parameters, AIC and BIC over named fits.

    Parameters
    ----------
    fits
        Mapping from a name to a fitted model (all on the same data).

    Returns
    -------
    pandas.DataFrame
        One row per fit, sorted by AIC, with ``delta_aic`` from the best.
    """
    import pandas as pd

    rows = [
        {
            "model": name,
            "log_likelihood": fit.log_likelihood,
            "n_params": fit.n_params,
            "aic": fit.aic,
            "bic": fit.bic,
        }
        for name, fit in fits.items()
    ]
    table = pd.DataFrame(rows).set_index("model").sort_values("aic")
    table["delta_aic"] = table["aic"] - table["aic"].min()
    return table


__all__ = [
    "BoundaryWarning",
    "ConvergenceWarning",
    "DataWarning",
    "Fit",
    "IdentifiabilityWarning",
    "Model",
    "ParameterSpace",
    "StatmodelsWarning",
    "Summary",
    "compare",
    "load",
    "map_fit",
    "meter",
    "mle",
    "nuts",
    "progress_enabled",
    "set_progress",
    "svi",
]
