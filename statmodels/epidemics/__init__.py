"""Epidemic models: the carrier and two-stage meningitis model.

:class:`MeningitisModel` holds the model of Yaga & Saporu (2023), "A study of
a deterministic model for meningitis epidemic": its solution in JAX, R0 from
the next-generation matrix (numerically and in closed form), sensitivity
indices, sweeps, a simulator of weekly case counts and fits to them through
the shared back ends.
"""

from statmodels.epidemics.fitting import (
    IncidenceModel,
    collinearity_index,
    fit_incidence,
    identifiability,
    posterior_correlations,
    sensitivity_matrix,
    simulate_outbreak,
)
from statmodels.epidemics.meningitis import (
    COMPARTMENTS,
    PARAMS,
    MeningitisModel,
    Trajectory,
    default_model,
    jacobian_at_dfe,
    route_reproduction_number,
    solve,
    solve_batch,
    sweep,
    type_reproduction_number,
)

__all__ = [
    "COMPARTMENTS",
    "IncidenceModel",
    "collinearity_index",
    "fit_incidence",
    "identifiability",
    "posterior_correlations",
    "sensitivity_matrix",
    "simulate_outbreak",
    "PARAMS",
    "MeningitisModel",
    "Trajectory",
    "default_model",
    "jacobian_at_dfe",
    "solve",
    "solve_batch",
    "sweep",
    "route_reproduction_number",
    "type_reproduction_number",
]
