"""Flexible parametric survival models (Burke, Jones & Noufaily, 2020).

:func:`survreg` fits the APGW family and its special cases to a ``Surv(...)``
formula by maximum likelihood, NUTS or variational inference;
:func:`compare_models` tabulates the presets and special cases for one data
set; :mod:`~statmodels.survival.plots` draws fitted survival against
Kaplan-Meier and hazard shapes.
"""

from __future__ import annotations

import warnings

import pandas as pd

from statmodels.inference import Fit, mle, nuts, svi
from statmodels.survival.families import APGW, LogNormal, log_h0
from statmodels.survival.model import DISTRIBUTIONS, PRESETS, SurvivalModel
from statmodels.survival.plots import kaplan_meier, plot_hazard, plot_survival
from statmodels.survival.predict import TYPES, predict, survreg_table

METHODS = ("mle", "nuts", "svi")
#: Above this many rows, the MLE runs its starts on a random subsample of
#: ``SUBSAMPLE_SIZE`` rows and polishes the best on all rows: a fit to the
#: subsample lands close to the full-data optimum, from where Newton needs a
#: few passes over all rows instead of a full search (about six for the APGW
#: model at 100,000 rows; a subsample of 5,000 took less time in all than
#: 2,500, 10,000 or 20,000 in ``benchmarks/bench_survival.py``).
SUBSAMPLE_ABOVE = 20_000
SUBSAMPLE_SIZE = 5_000


def survreg(
    formula: str,
    data,
    dist: str = "weibull",
    preset: str = "aft",
    formulas: dict[str, str] | None = None,
    fixed: dict[str, float] | None = None,
    method: str = "mle",
    weights: str | None = None,
    na_action: str = "raise",
    prior_scale: float = 10.0,
    seed: int = 0,
    progress: bool | None = None,
    **options,
) -> Fit:
    """Fit a flexible parametric survival regression.

    Parameters
    ----------
    formula
        ``"Surv(time, status) ~ x1 + x2"``; see :mod:`statmodels.formula` for
        the censoring and delayed-entry forms of ``Surv``.
    data
        A pandas DataFrame, or the name of a bundled data set
        (:func:`statmodels.datasets.list`).
    dist
        ``"apgw"`` or a special case: ``"weibull"``, ``"exponential"``,
        ``"loglogistic"``, ``"burr"``, ``"gompertz"``, ``"lognormal"``.
    preset
        Where the formula's covariates go: ``"aft"`` (phi), ``"ph"``
        (lambda), ``"aft-gamma"`` / ``"ph-gamma"`` (also gamma: the paper's
        recommended multi-parameter models) or ``"general"`` (phi, lambda and
        gamma). In the one-scale presets the other scale is fixed at 1.
    formulas
        Right-hand sides per parameter that override the preset, e.g.
        ``{"gamma": "~ trt", "kappa": "~ 1"}``.
    fixed
        Parameters held at a value, e.g. ``{"kappa": 1.0}``.
    method
        ``"mle"``, ``"nuts"`` or ``"svi"``.
    weights
        Name of a column of case weights (multiplying each row's
        log-likelihood).
    na_action
        ``"raise"`` (default) or ``"drop"`` rows with missing values; dropped
        rows are counted in the summary.
    prior_scale
        Standard deviation of the normal priors on the coefficients (Bayesian
        methods).
    seed
        Seed for starting points and samplers.
    progress
        Show a progress meter (default: at an interactive terminal only).
    **options
        Passed to the back end: for ``"nuts"`` ``num_warmup``,
        ``num_samples``, ``num_chains``, ``target_accept_prob``; for ``"svi"``
        ``guide``, ``num_steps``, ``learning_rate``, ``num_samples``; for
        ``"mle"`` ``num_starts``, ``starts``. ``level`` sets the interval level.

    Returns
    -------
    Fit
        With ``summary()``, ``params``, ``log_likelihood``, ``aic``, ``bic``,
        ``predict(newdata, type=..., times=...)``, ``idata`` and ``save()``.

    Examples
    --------
    >>> from statmodels import survreg, datasets
    >>> fit = survreg("Surv(time, status) ~ karno + celltype",
    ...               datasets.load("veteran"), dist="weibull")
    >>> print(fit.summary())                                  # doctest: +SKIP
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {METHODS}")
    data_name = "data"
    if isinstance(data, str):
        from statmodels import datasets

        data_name, data = data, datasets.load(data)
    model = SurvivalModel(
        formula,
        data,
        dist=dist,
        preset=preset,
        formulas=formulas,
        fixed=fixed,
        weights=weights,
        na_action=na_action,
        prior_scale=prior_scale,
        data_name=data_name,
    )
    if method == "mle":
        if model.nobs > SUBSAMPLE_ABOVE and "starts" not in options:
            options.setdefault("subsample", SUBSAMPLE_SIZE)
        return mle(model, seed=seed, progress=progress, **options)
    # The Bayesian back ends start from the MLE, found quietly first.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = mle(model, seed=seed, progress=False)
    backend = nuts if method == "nuts" else svi
    return backend(model, seed=seed, init=start, progress=progress, **options)


def compare_models(
    formula: str,
    data,
    candidates: list[tuple[str, str]] | None = None,
    **kwargs,
) -> pd.DataFrame:
    """Fit each (dist, preset) pair by MLE and tabulate the fits.

    This is how the paper chooses a baseline: the APGW presets beside their
    special cases, ranked by AIC.

    Parameters
    ----------
    formula, data
        As for :func:`survreg`.
    candidates
        ``(dist, preset)`` pairs; default: Weibull, log-logistic, log-normal,
        Gompertz and APGW under the AFT and PH presets and their gamma
        variants, where the distribution has that form.
    **kwargs
        Passed to :func:`survreg`.

    Returns
    -------
    pandas.DataFrame
        One row per candidate: ``dist``, ``preset``, ``n_params``,
        ``log_likelihood``, ``aic``, ``bic``, ``delta_aic``, and ``caveats``
        (the number of caveats the fit's summary states), sorted by AIC.
    """
    if candidates is None:
        candidates = [
            ("weibull", "aft"),
            ("weibull", "ph-gamma"),
            ("loglogistic", "aft"),
            ("lognormal", "aft"),
            ("gompertz", "ph"),
            ("burr", "aft"),
            ("apgw", "aft"),
            ("apgw", "ph"),
            ("apgw", "aft-gamma"),
            ("apgw", "ph-gamma"),
        ]
    rows = []
    for dist, preset in candidates:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = survreg(formula, data, dist=dist, preset=preset, **kwargs)
        rows.append(
            {
                "dist": dist,
                "preset": preset,
                "n_params": fit.n_params,
                "log_likelihood": fit.log_likelihood,
                "aic": fit.aic,
                "bic": fit.bic,
                "caveats": len(fit.caveats),
            }
        )
    table = pd.DataFrame(rows).sort_values("aic").reset_index(drop=True)
    table.insert(6, "delta_aic", table["aic"] - table["aic"].min())
    return table


__all__ = [
    "APGW",
    "DISTRIBUTIONS",
    "LogNormal",
    "PRESETS",
    "SurvivalModel",
    "TYPES",
    "compare_models",
    "kaplan_meier",
    "log_h0",
    "plot_hazard",
    "plot_survival",
    "predict",
    "survreg",
    "survreg_table",
]
