"""Sparse Bayesian regression and model-error discovery.

* :class:`RVR`, :class:`RVC`: the relevance vector machine of Tipping (2001)
  for regression and classification, with the MacKay re-estimation solver and
  the fast marginal-likelihood algorithm of Tipping & Faul (2003).
* :class:`KuramotoSivashinsky`: a pseudo-spectral ETDRK4 solver (Kassam &
  Trefethen 2005) in JAX, with changeable coefficients and extra terms.
* :class:`Library`: candidate terms ``u^p d^k u / dx^k`` named as equations.
* :func:`discover_model_error`: model-error discovery (MEDIDA) of Mojgani,
  Chattopadhyay & Hassanzadeh (2022).
* :func:`enkf`: a stochastic ensemble Kalman filter for noisy observations.

Quick start::

    from statmodels.sparse import KuramotoSivashinsky, discover_model_error

    truth = KuramotoSivashinsky(22.0, 64, dt=0.001)
    states = truth.simulate(truth.attractor_state(0), 200, save_every=10)
    imperfect = KuramotoSivashinsky(22.0, 64, dt=0.01, diffusion=0.5)
    print(discover_model_error(states, imperfect).equation())
"""

from statmodels.sparse.enkf import EnKFResult, enkf, gaspari_cohn
from statmodels.sparse.ks import KuramotoSivashinsky, etdrk4_coefficients
from statmodels.sparse.library import Library, Term, derivative, parse_term
from statmodels.sparse.medida import (
    Discovery,
    discover_model_error,
    model_error,
    resolved_modes,
)
from statmodels.sparse.rvm import RVC, RVR, RVMSolution, log_evidence, rvm_solve

__all__ = [
    "RVR",
    "RVC",
    "RVMSolution",
    "rvm_solve",
    "log_evidence",
    "KuramotoSivashinsky",
    "etdrk4_coefficients",
    "Library",
    "Term",
    "derivative",
    "parse_term",
    "Discovery",
    "discover_model_error",
    "resolved_modes",
    "model_error",
    "EnKFResult",
    "enkf",
    "gaspari_cohn",
]
