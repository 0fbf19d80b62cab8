"""statmodels: R-style formulas for demanding scientific models.

A formula and a data frame in; a fitted model out, by maximum likelihood or
Bayesian inference (NUTS, variational), with an R-like summary, predictions,
plots and ArviZ diagnostics. See :func:`statmodels.survreg` for flexible
parametric survival models.
"""

from statmodels import (
    _jax,  # noqa: F401  (float64 and CPU devices first)
    datasets,
)
from statmodels.inference import Fit, load
from statmodels.survival import survreg

__version__ = "0.1.0"

__all__ = ["Fit", "datasets", "load", "survreg", "__version__"]
