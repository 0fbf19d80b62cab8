"""Zero-crossing intervals and persistence of stationary Gaussian processes.

Implements the Slepian-model independent interval approximation of
Bengtsson & Podgórski (arXiv 2401.01805) and the classical independent
interval approximation (McFadden 1958; Majumdar, Sire, Bray & Cornell 1996),
together with exact references: Monte Carlo simulation of the process by
circulant embedding and the generalised Rice formula.

Quick start::

    from statmodels.excursions import Diffusion, SlepianIIA, simulate_excursions

    iia = SlepianIIA(Diffusion(2))
    iia.persistence_exponent()        # 0.18621..., exact value 3/16
    iia.pdf([1.0, 5.0])               # IIA density of the interval length
    ex = simulate_excursions(Diffusion(2), 200_000, seed=1)
    ex.exponent()                     # tail-rate estimate with standard error

Notes
-----
* Covariances: :class:`Diffusion`, :class:`RandomAcceleration`,
  :class:`GaussianCovariance`, :class:`Matern`, :class:`Sinc`,
  :class:`DampedCosine`, and :class:`UserCovariance` for any callable (JAX
  autodiff supplies the derivatives).
* :meth:`SlepianIIA.validity` says whether the approximation is a
  probability distribution (E0 decreasing from 1 to 0) and why not.
* The command line offers ``statmodels excursions exponent|density|simulate``.
"""

from statmodels.excursions.covariance import (
    Covariance,
    DampedCosine,
    Diffusion,
    GaussianCovariance,
    Matern,
    RandomAcceleration,
    Sinc,
    UserCovariance,
    parse_covariance,
)
from statmodels.excursions.iia import (
    IIAValidityWarning,
    SlepianIIA,
    ValidityReport,
    classical_iia_exponent,
    clipped_correlation,
    clipped_mean,
    log_clipped_mean,
    slepian_iia_exponent,
)
from statmodels.excursions.report import (
    default_processes,
    exponent_table,
    plot_density_overlay,
    plot_failure,
    plot_log_survival,
)
from statmodels.excursions.rice import RiceDensity, rice_density
from statmodels.excursions.simulate import (
    Excursions,
    TailRateEstimate,
    circulant_eigenvalues,
    crossing_intervals,
    simulate_excursions,
    tail_rate_estimate,
)

__all__ = [
    "Covariance",
    "DampedCosine",
    "Diffusion",
    "Excursions",
    "GaussianCovariance",
    "IIAValidityWarning",
    "Matern",
    "RandomAcceleration",
    "RiceDensity",
    "Sinc",
    "SlepianIIA",
    "TailRateEstimate",
    "UserCovariance",
    "ValidityReport",
    "circulant_eigenvalues",
    "classical_iia_exponent",
    "clipped_correlation",
    "clipped_mean",
    "crossing_intervals",
    "default_processes",
    "exponent_table",
    "log_clipped_mean",
    "parse_covariance",
    "plot_density_overlay",
    "plot_failure",
    "plot_log_survival",
    "rice_density",
    "simulate_excursions",
    "slepian_iia_exponent",
    "tail_rate_estimate",
]
