"""Harvest policies from Gaussian process dynamic programming.

Fit the one-step stock map ``x_{t+1} = f(x_t - h_t)`` of a fishery, with a
Gaussian process (:class:`GPDynamics`) or a parametric growth model
(:class:`ParametricDynamics`: Ricker, Allen, Myers), turn it into transition
matrices on a stock grid averaged over the posterior, solve the stochastic
dynamic program for the harvest policy (:func:`optimal_policy`), and see how
the policy does under the true model (:func:`simulate_policy`,
:func:`compare_policies`, and :func:`crossing_probability`, the exact chance of
falling below the tipping point).

Growth models, harvest before growth, lognormal noise:

* Ricker ``f(S) = S exp(r (1 - S/K))``;
* Allen ``f(S) = S exp(r (1 - S/K) (S - C) / K)`` (the authors' code; the
  manuscript omits the last ``/ K``: ``form="text"``);
* Myers ``f(S) = r S^theta / (1 + S^theta / K)``.

Reference: Boettiger, C., Mangel, M. and Munch, S. (2015). Avoiding tipping
points in fisheries management through Gaussian process dynamic
programming. Proceedings of the Royal Society B 282: 20141631.
"""

from statmodels.fisheries.growth import (
    Allen,
    GrowthModel,
    Myers,
    Ricker,
    escapement,
    make_growth_model,
)
from statmodels.fisheries.models import (
    GPDynamics,
    ParametricDynamics,
    pairs_from_series,
)
from statmodels.fisheries.plots import (
    plot_fitted_map,
    plot_npv_ratio,
    plot_policies,
    plot_trajectories,
    plot_values,
)
from statmodels.fisheries.policy import (
    Policy,
    PolicySimulation,
    compare_policies,
    crossing_probability,
    model_table,
    optimal_policy,
    simulate_policy,
)
from statmodels.fisheries.sdp import (
    FactoredTransition,
    SDPSolution,
    backward_induction,
    check_problem,
    evaluate_policy,
    policy_iteration,
    value_iteration,
)
from statmodels.fisheries.transitions import (
    DecisionProblem,
    build_problem,
    harvest_reward,
    transition_kernel,
)

__all__ = [
    "Allen",
    "DecisionProblem",
    "FactoredTransition",
    "GPDynamics",
    "GrowthModel",
    "Myers",
    "ParametricDynamics",
    "Policy",
    "PolicySimulation",
    "Ricker",
    "SDPSolution",
    "backward_induction",
    "build_problem",
    "check_problem",
    "compare_policies",
    "crossing_probability",
    "escapement",
    "evaluate_policy",
    "harvest_reward",
    "make_growth_model",
    "model_table",
    "optimal_policy",
    "pairs_from_series",
    "plot_fitted_map",
    "plot_npv_ratio",
    "plot_policies",
    "plot_trajectories",
    "plot_values",
    "policy_iteration",
    "simulate_policy",
    "transition_kernel",
    "value_iteration",
]
