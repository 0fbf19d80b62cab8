"""Continuous-time Markov chains on finite state spaces: simulation and inference.

Rate matrices and what follows from them (stationary distribution,
transition probabilities, relaxation times, first-passage times, entropy
production), the discrete flashing ratchet benchmark, an exact vectorised
Gillespie simulator, and estimators from complete paths and panel data that
return a :class:`~statmodels.inference.Fit` (with covariates on the log
intensities and misclassification, as R's msm), and a small pretrained network
that recognises rate matrices zero-shot (:func:`recognise`).
"""

from statmodels.jump.data import PanelData, Paths
from statmodels.jump.dfr import dfr_parameters, dfr_pattern, dfr_rate_matrix
from statmodels.jump.em import em_panel
from statmodels.jump.fit import (
    CompleteDataModel,
    CovariatePanelModel,
    GammaPosterior,
    MisclassifiedPanelModel,
    MJPFit,
    PanelModel,
    fit_complete,
    fit_panel,
    gamma_posterior,
)
from statmodels.jump.prevalence import plot_prevalence, prevalence
from statmodels.jump.rates import (
    allowed_pairs,
    entropy_production,
    mean_first_passage_times,
    probability_fluxes,
    rate_matrix,
    relaxation_times,
    stationary_distribution,
    transition_probabilities,
    validate_rate_matrix,
)
from statmodels.jump.simulate import simulate


def recognise(panel, model=None, pattern=None) -> dict:
    """Zero-shot rate matrix of panel data by the pretrained network.

    Imports Equinox only when called; see
    :func:`statmodels.jump.neural.recognise`.

    Parameters
    ----------
    panel : PanelData
        Subjects observed at any times (one regular grid, or irregular
        per-subject times with unequal numbers of observations), at most 6
        states.
    model : statmodels.jump.neural.Recogniser, optional
        The network (default: the shipped pretrained one).
    pattern : array_like of bool, shape (S, S), optional
        Known allowed transitions; the answer then has exactly this zero
        pattern (without it, every off-diagonal rate is estimated).

    Returns
    -------
    dict
        ``rate_matrix`` (in the data's time units), ``log_rate_sd`` (the
        network's standard deviation of each log-rate) and ``p0``.
    """
    from statmodels.jump.neural import recognise as _recognise

    return _recognise(panel, model, pattern)


__all__ = [
    "CompleteDataModel",
    "CovariatePanelModel",
    "GammaPosterior",
    "MJPFit",
    "MisclassifiedPanelModel",
    "PanelModel",
    "fit_complete",
    "fit_panel",
    "gamma_posterior",
    "PanelData",
    "Paths",
    "allowed_pairs",
    "dfr_parameters",
    "dfr_pattern",
    "dfr_rate_matrix",
    "em_panel",
    "entropy_production",
    "mean_first_passage_times",
    "probability_fluxes",
    "plot_prevalence",
    "prevalence",
    "rate_matrix",
    "recognise",
    "relaxation_times",
    "simulate",
    "stationary_distribution",
    "transition_probabilities",
    "validate_rate_matrix",
]
