"""Fitting the meningitis model to weekly case counts, and a simulator.

Observation model. Week k runs from day 7(k-1) to 7k after the start. The
expected count of reported new stage-I1 cases in week k is

    mu_k = rho * N0 * (K(7k) - K(7(k-1))),

with K the cumulative proportion of new stage-I1 cases (see
:mod:`statmodels.epidemics.meningitis`), rho the reporting fraction and N0 the
population. Counts are Poisson(mu_k) or negative binomial with mean mu_k and
concentration ``dispersion`` (variance mu + mu^2 / dispersion). Optional
carriage surveys on day t_j test n_j people and find y_j carriers,
y_j ~ Binomial(n_j, C(t_j) / N(t_j)).

At the start all but a proportion ``seed`` of the population is susceptible
and that proportion are carriers.

Priors (used by NUTS and SVI; the MLE ignores them), per day:

=============  ===========================================
beta           LogNormal(log 0.15, 1)
epsilon        LogNormal(log 0.5, 1)   (odds, so positive)
phi            Beta(1, 4)
sigma          LogNormal(log 0.002, 1)
other rates    LogNormal(log of the given value, 0.5)
rho            Beta(2, 2)
seed           logit-normal: logit(seed) ~ Normal(logit 1e-3, 1.5)
dispersion     Gamma(2, 0.05)  (mean 40)
=============  ===========================================

Identifiability. Case counts alone determine the epidemic's growth and
turnover, hence roughly R0, but not beta and epsilon separately (both scale
transmission), nor sigma and rho (both scale the count of cases per
infection). :func:`identifiability` measures this by the collinearity index
of Brun, Reichert & Kuensch (2001), "Practical identifiability analysis of
large environmental simulation models": the columns of the sensitivity matrix
of the log expected counts with respect to the log parameters are scaled to
unit length, and the index of a parameter set is 1 / sqrt(smallest eigenvalue
of S'S); above about 10-20 the set is poorly identified.
"""

from __future__ import annotations

import functools
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
from jax.custom_derivatives import SymbolicZero
from jax.scipy.special import gammaln, xlogy

from statmodels.epidemics.meningitis import (
    CUMULATIVE,
    PARAMS,
    MeningitisModel,
    check_parameters,
    solve_daily,
)
from statmodels.inference import Model

LIKELIHOODS = ("poisson", "negbin")
#: Error of the fixed-step expected counts (in Poisson standard deviations)
#: above which a fit's caveats advise more steps per day.
SOLVER_ERROR_LIMIT = 1e-2
#: Collinearity index above which a parameter set counts as poorly identified.
COLLINEARITY_LIMIT = 20.0


@functools.cache
def _daily_states_fn(slots, with_seed, days, steps_per_day, force):
    """The daily solution as a function of the estimated inputs, any-order AD.

    The returned ``f(free, theta, seed, n0)`` places ``free`` into ``theta``
    at the indices ``slots`` and (if ``with_seed``) takes its last entry as
    the initial carrier proportion, then solves with :func:`solve_daily`.

    Its derivative is forward sensitivities: the Jacobian of the solution
    with respect to the few estimated inputs, from diffrax's forward mode,
    applied to the tangent. That product is linear in the tangent, so JAX
    can transpose it: reverse mode (NUTS, SVI), forward mode and forward
    over reverse (the Hessian of the MLE) all work, where diffrax's
    checkpointed adjoint gives reverse mode only and its direct adjoint is
    several times slower.
    """
    index = np.asarray(slots, dtype=int)

    def states(free, theta, seed, n0):
        if slots:
            theta = theta.at[index].set(free[: len(slots)])
        if with_seed:
            seed = free[-1]
        y0 = jnp.zeros(7, dtype=jnp.result_type(seed, float))
        y0 = y0.at[0].set(1 - seed).at[1].set(seed)
        return solve_daily(
            theta, y0, n0, days=days, steps_per_day=steps_per_day, force=force
        )

    @jax.custom_jvp
    def f(free, theta, seed, n0):
        return states(free, theta, seed, n0)

    def jvp(primals, tangents):
        active = tuple(
            i for i, t in enumerate(tangents) if not isinstance(t, SymbolicZero)
        )

        def twice(*args):
            out = states(*args)
            return out, out

        jacs, out = jax.jacfwd(twice, argnums=active, has_aux=True)(*primals)
        tangent = jnp.zeros_like(out)
        for jac, i in zip(jacs, active, strict=True):
            t = tangents[i]
            tangent = tangent + jnp.tensordot(jac, t, axes=jnp.ndim(t))
        return out, tangent

    f.defjvp(jvp, symbolic_zeros=True)
    return f


class _NegativeBinomial(dist.NegativeBinomial2):
    """numpyro's NegativeBinomial2 with its log-density from ``gammaln``.

    numpyro writes the density with JAX's ``betaln``, which is off by about
    2e-7 at small counts (concentration 15, count 3); ``gammaln`` is good to
    the last digits.
    """

    def log_prob(self, value):
        k = self.concentration
        mu = k / self.rate
        value = jnp.asarray(value, dtype=jnp.result_type(k, float))
        return (
            gammaln(value + k)
            - gammaln(k)
            - gammaln(value + 1)
            - k * jnp.log1p(mu / k)
            + xlogy(value, mu)
            - xlogy(value, k + mu)
        )


def _prior(name: str, base: float):
    fixed = {
        "beta": dist.LogNormal(np.log(0.15), 1.0),
        "epsilon": dist.LogNormal(np.log(0.5), 1.0),
        "phi": dist.Beta(1.0, 4.0),
        "sigma": dist.LogNormal(np.log(0.002), 1.0),
        "rho": dist.Beta(2.0, 2.0),
        "seed": dist.TransformedDistribution(
            dist.Normal(float(np.log(1e-3 / (1 - 1e-3))), 1.5),
            dist.transforms.SigmoidTransform(),
        ),
        "dispersion": dist.Gamma(2.0, 0.05),
    }
    if name in fixed:
        return fixed[name]
    return dist.LogNormal(np.log(max(base, 1e-12)), 0.5)


def check_counts(cases, name="cases") -> np.ndarray:
    """Weekly counts as integers, with a clear error for bad values.

    Parameters
    ----------
    cases : array_like
        Counts.
    name : str
        Name used in error messages.

    Returns
    -------
    numpy.ndarray of int
    """
    arr = np.asarray(cases, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-d sequence of counts")
    if np.any(np.isnan(arr)):
        where = np.flatnonzero(np.isnan(arr)).tolist()
        raise ValueError(
            f"{name} has missing values at positions {where}; the weeks must be "
            "consecutive and complete (drop the trailing weeks or fill the gap)"
        )
    bad = np.flatnonzero((arr < 0) | (arr != np.round(arr)) | ~np.isfinite(arr))
    if bad.size:
        raise ValueError(
            f"{name} must be non-negative integers; got {float(arr[bad[0]])!r} at "
            f"position {int(bad[0])}"
        )
    return arr.astype(np.int64)


def counts_from_frame(frame: pd.DataFrame) -> np.ndarray:
    """Weekly counts from a frame with ``week`` and ``cases`` columns.

    Parameters
    ----------
    frame : pandas.DataFrame
        Weeks must be consecutive integers.

    Returns
    -------
    numpy.ndarray of int
    """
    missing = {"week", "cases"} - set(frame.columns)
    if missing:
        raise ValueError(f"the data need columns 'week' and 'cases'; missing {missing}")
    weeks = np.asarray(frame["week"], dtype=float)
    steps = np.diff(weeks)
    if np.any(steps != 1):
        k = int(np.flatnonzero(steps != 1)[0])
        raise ValueError(
            f"the weeks are not consecutive: week {weeks[k]:g} is followed by "
            f"{weeks[k + 1]:g}; fill the gap (a count for every week) before fitting"
        )
    return check_counts(frame["cases"].to_numpy(dtype=float))


class IncidenceModel(Model):
    """Weekly new stage-I1 cases (and carriage surveys) under the meningitis model.

    Parameters
    ----------
    cases : array_like
        Reported new stage-I1 cases in consecutive weeks.
    population : float
        Population at the start of week 1.
    base : MeningitisModel
        Values of the parameters that are not estimated, and the force of
        infection.
    estimate : sequence of str
        Model parameters to estimate (from :data:`PARAMS`); the reporting
        fraction ``rho`` and initial carrier proportion ``seed`` are always
        estimated.
    likelihood : {"poisson", "negbin"}
        Count distribution.
    surveys : pandas.DataFrame, optional
        Carriage surveys with columns ``day``, ``tested``, ``carriers``.
    fixed : mapping, optional
        Known values of ``rho`` or ``seed`` (then not estimated).
    steps_per_day : int
        Steps per day of the likelihood's fixed-step Tsit5 solve (see
        :meth:`solver_error`; one is ample for rates up to about 1 per day).
    """

    title = "Meningitis model fitted to weekly cases"

    def __init__(
        self,
        cases,
        population,
        base: MeningitisModel,
        *,
        estimate=("beta", "epsilon", "sigma"),
        likelihood="poisson",
        surveys=None,
        fixed=None,
        steps_per_day=1,
    ):
        self.cases = check_counts(cases)
        if int(steps_per_day) != steps_per_day or steps_per_day < 1:
            raise ValueError(f"steps_per_day={steps_per_day!r} must be an integer >= 1")
        self.steps_per_day = int(steps_per_day)
        if not float(population) > 0:
            raise ValueError(f"population={population!r} must be > 0")
        self.population = float(population)
        self.base = base
        estimate = tuple(estimate)
        unknown = set(estimate) - set(PARAMS)
        if unknown:
            raise ValueError(f"cannot estimate {sorted(unknown)}; choose from {PARAMS}")
        self.estimate = tuple(p for p in PARAMS if p in estimate)
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"likelihood={likelihood!r}; use 'poisson' or 'negbin'")
        self.likelihood = likelihood
        self.fixed = dict(fixed or {})
        if set(self.fixed) - {"rho", "seed"}:
            raise ValueError("fixed= takes only 'rho' and 'seed'")
        if "rho" in self.fixed and not 0 < self.fixed["rho"] <= 1:
            raise ValueError(f"rho={self.fixed['rho']!r} must lie in (0, 1]")
        if "seed" in self.fixed and not 0 < self.fixed["seed"] < 1:
            raise ValueError(f"seed={self.fixed['seed']!r} must lie in (0, 1)")
        self.surveys = None
        if surveys is not None:
            sv = pd.DataFrame(surveys)
            if {"day", "tested", "carriers"} - set(sv.columns):
                raise ValueError("surveys need columns 'day', 'tested', 'carriers'")
            tested = check_counts(sv["tested"], "surveys['tested']")
            found = check_counts(sv["carriers"], "surveys['carriers']")
            if np.any(found > tested):
                raise ValueError("surveys have more carriers than people tested")
            day = sv["day"].to_numpy(float)
            # Known shortcoming: surveys are placed on whole days (the
            # likelihood's solution is saved daily).
            if np.any(day != np.round(day)):
                raise ValueError(f"survey days must be whole days; got {day}")
            if np.any(day <= 0) or np.any(day > 7 * len(self.cases)):
                raise ValueError("survey days must fall inside the weeks of cases")
            self.surveys = pd.DataFrame(
                {"day": day, "tested": tested, "carriers": found}
            )

    # ---- the probability model ---------------------------------------------
    @property
    def sites(self) -> tuple[str, ...]:
        """Names of the estimated parameters, in sampling order."""
        extra = tuple(k for k in ("rho", "seed") if k not in self.fixed)
        disp = ("dispersion",) if self.likelihood == "negbin" else ()
        return self.estimate + extra + disp

    def data(self) -> dict:
        """Counts, the fixed parameter values and survey arrays."""
        weeks = len(self.cases)
        out = {
            "cases": jnp.asarray(self.cases),
            "ts": jnp.asarray(7.0 * np.arange(weeks + 1)),
            "theta": jnp.asarray(self.base.theta),
            "n0": jnp.asarray(self.population),
            "rho": jnp.asarray(self.fixed.get("rho", 1.0)),
            "seed": jnp.asarray(self.fixed.get("seed", 1e-3)),
        }
        if self.surveys is not None:
            out["survey_day"] = jnp.asarray(self.surveys["day"].to_numpy(int))
            out["tested"] = jnp.asarray(self.surveys["tested"].to_numpy())
            out["carriers"] = jnp.asarray(self.surveys["carriers"].to_numpy())
        return out

    def expected(self, values: dict, data: dict):
        """Expected weekly counts and (if surveyed) carrier prevalence.

        Parameters
        ----------
        values : dict
            Values of the estimated parameters.
        data : dict
            As returned by :meth:`data`.

        Returns
        -------
        tuple
            ``(mu, prevalence)``; prevalence is ``None`` without surveys.
        """
        free = [values[name] for name in self.estimate]
        with_seed = "seed" in values
        if with_seed:
            free.append(values["seed"])
        free = jnp.stack(free) if free else jnp.zeros(0)
        rho = values.get("rho", data["rho"])
        days = 7 * (data["ts"].shape[0] - 1)
        states = _daily_states_fn(
            tuple(PARAMS.index(name) for name in self.estimate),
            with_seed,
            days,
            self.steps_per_day,
            self.base.force,
        )
        daily = states(free, data["theta"], data["seed"], data["n0"])
        ys = daily[::7]
        prevalence = None
        if "survey_day" in data:
            sv = daily[data["survey_day"]]
            prevalence = sv[:, 1] / jnp.sum(sv[:, :5], axis=1)
            prevalence = jnp.clip(prevalence, 1e-12, 1 - 1e-12)
        incidence = jnp.diff(ys[:, CUMULATIVE])
        mu = rho * data["n0"] * jnp.maximum(incidence, 0.0) + 1e-10
        # An overflowing solve (absurd rates) gets a huge mean, hence a
        # negligible likelihood, rather than NaN.
        mu = jnp.where(jnp.isfinite(mu), mu, 1e30)
        return mu, prevalence

    def solver_error(self, values: dict) -> float:
        """Error of the likelihood's expected counts, in standard deviations.

        The largest |mu_k - m_k| / sqrt(m_k) over the weeks, where mu comes
        from the likelihood's fixed-step solve and m from diffrax's adaptive
        Tsit5 (relative tolerance 1e-8), both at ``values``.

        Parameters
        ----------
        values : dict
            Values of the estimated parameters.

        Returns
        -------
        float
        """
        data = self.data()
        values = {k: jnp.asarray(np.asarray(v, float)) for k, v in values.items()}
        mu = np.asarray(self.expected(values, data)[0])
        model = MeningitisModel(
            **dict(zip(PARAMS, self._theta_of(values), strict=True)),
            force=self.base.force,
        )
        seed = float(values.get("seed", data["seed"]))
        rho = float(values.get("rho", data["rho"]))
        y0 = {"S": self.population * (1 - seed), "C": self.population * seed}
        try:
            traj = model.simulate(y0, 7.0 * np.arange(len(self.cases) + 1))
        except RuntimeError:
            return float("inf")
        ref = rho * np.maximum(traj.weekly_cases, 0.0)
        gap = np.abs(mu - ref) / np.sqrt(ref + 1e-10)
        return float(np.max(np.where(np.isfinite(gap), gap, np.inf)))

    def numpyro_model(self):
        """The numpyro model: priors, weekly counts and carriage surveys."""
        sites = self.sites
        likelihood = self.likelihood
        base = dict(self.base.params)

        def model(data):
            values = {s: numpyro.sample(s, _prior(s, base.get(s, 1.0))) for s in sites}
            mu, prevalence = self.expected(values, data)
            if likelihood == "poisson":
                numpyro.sample("cases", dist.Poisson(mu), obs=data["cases"])
            else:
                conc = values["dispersion"]
                numpyro.sample(
                    "cases",
                    _NegativeBinomial(mu, conc),
                    obs=data["cases"],
                )
            if prevalence is not None:
                numpyro.sample(
                    "carriers",
                    dist.Binomial(data["tested"], probs=prevalence),
                    obs=data["carriers"],
                )

        return model

    def structure_key(self):
        """Models with the same sites, likelihood and force share compiled code."""
        return (
            "meningitis-incidence",
            self.base.force,
            self.likelihood,
            self.sites,
            self.surveys is not None,
            self.steps_per_day,
        )

    @property
    def nobs(self) -> int:
        """Weeks plus surveys."""
        return len(self.cases) + (0 if self.surveys is None else len(self.surveys))

    def init_values(self) -> list[dict]:
        """A start at the base model's values, rho 0.5 and a seed from week 1."""
        start = {p: self.base.params[p] for p in self.estimate}
        start = {p: max(v, 1e-3) if p == "phi" else v for p, v in start.items()}
        start = {p: min(v, 0.999) if p == "phi" else v for p, v in start.items()}
        start.update({"rho": 0.5, "seed": 1e-3, "dispersion": 20.0})
        return [{s: np.asarray(start[s], float) for s in self.sites}]

    def observed_data(self) -> dict:
        """Counts and survey results."""
        out = {"cases": self.cases}
        if self.surveys is not None:
            out["carriers"] = self.surveys["carriers"].to_numpy()
        return out

    def call(self) -> str:
        """The call as a user would type it."""
        surveys = "" if self.surveys is None else ", surveys=..."
        return (
            f"IncidenceModel(cases, population={self.population:g}, base={self.base!r}"
            f", estimate={list(self.estimate)}, likelihood={self.likelihood!r}"
            f"{surveys})"
        )

    def _theta_of(self, params: dict) -> np.ndarray:
        theta = self.base.theta.copy()
        for name in self.estimate:
            theta[PARAMS.index(name)] = float(np.asarray(params[name]))
        return theta

    def summary_sections(self, fit) -> list[tuple[str, str]]:
        """R0 at the estimate, and the identifiability table."""
        est = {k: np.asarray(v) for k, v in fit.estimate.items()}
        model = MeningitisModel(
            **dict(zip(PARAMS, self._theta_of(est), strict=True)),
            force=self.base.force,
            population=self.population,
        )
        text = f"R0 at the estimate: {model.r0():.4g}"
        table = identifiability(self, est)
        return [
            ("Reproduction number", text),
            ("Identifiability (collinearity index)", table.to_string()),
        ]

    def caveats(self, fit) -> list[str]:
        """Which parameters the data identify poorly, in words."""
        est = {k: np.asarray(v) for k, v in fit.estimate.items()}
        table = identifiability(self, est)
        out = []
        if self.surveys is None:
            out.append(
                "weekly case counts alone pin down the growth of the epidemic and "
                "R0, but not transmission (beta) and carrier infectiousness "
                "(epsilon) separately, nor the rate carriers fall ill (sigma) "
                "and the reporting fraction (rho); these are informed by the "
                "priors, and the posterior has ridges along them"
            )
        gap = self.solver_error(est)
        if not gap <= SOLVER_ERROR_LIMIT:
            out.append(
                "the likelihood's fixed-step solve (steps_per_day="
                f"{self.steps_per_day}) is off an adaptive solve by up to {gap:.2g} "
                "standard deviations of the weekly counts at the estimate; refit "
                "with a larger steps_per_day"
            )
        poor = table[table["collinearity"] > COLLINEARITY_LIMIT]
        pairs = [s for s in poor.index if s.count(",") == 1]
        if pairs:
            out.append(
                "poorly identified pairs (collinearity index > "
                f"{COLLINEARITY_LIMIT:g}): " + "; ".join(pairs)
            )
        if fit.is_bayesian and len(self.sites) > 1:
            corr = posterior_correlations(fit)
            strong = [
                f"{a}, {b} ({corr.loc[a, b]:+.2f})"
                for a, b in itertools.combinations(corr.index, 2)
                if abs(corr.loc[a, b]) > 0.8
            ]
            if strong:
                out.append(
                    "strong posterior correlations (log scale): " + "; ".join(strong)
                )
        return out

    # ---- persistence ---------------------------------------------------------
    def config(self) -> dict:
        """Settings that rebuild the model with :meth:`from_config`."""
        return {
            "population": self.population,
            "base": dict(self.base.params, force=self.base.force),
            "estimate": list(self.estimate),
            "likelihood": self.likelihood,
            "fixed": self.fixed,
            "steps_per_day": self.steps_per_day,
            "surveys": None
            if self.surveys is None
            else self.surveys.to_dict(orient="list"),
        }

    def frame(self) -> pd.DataFrame:
        """The weekly counts."""
        return pd.DataFrame(
            {"week": np.arange(1, len(self.cases) + 1), "cases": self.cases}
        )

    @classmethod
    def from_config(cls, config: dict, frame: pd.DataFrame) -> IncidenceModel:
        """Rebuild a saved model."""
        return cls(
            frame["cases"].to_numpy(),
            config["population"],
            MeningitisModel(**config["base"]),
            estimate=config["estimate"],
            likelihood=config["likelihood"],
            surveys=None
            if config["surveys"] is None
            else pd.DataFrame(config["surveys"]),
            fixed=config["fixed"],
            steps_per_day=config.get("steps_per_day", 1),
        )


def _log_mean_fn(model: IncidenceModel):
    names = [s for s in model.sites if s != "dispersion"]

    def f(log_values, data):
        values = dict(zip(names, jnp.exp(log_values), strict=True))
        mu, prev = model.expected(values, data)
        out = jnp.log(mu)
        if prev is not None:
            out = jnp.concatenate([out, jnp.log(prev)])
        return out

    return names, f


def sensitivity_matrix(model: IncidenceModel, values: dict) -> pd.DataFrame:
    """d log(expected observation) / d log(parameter), one row per observation.

    Parameters
    ----------
    model : IncidenceModel
        The model and data.
    values : dict
        Parameter values (the dispersion, if any, is left out).

    Returns
    -------
    pandas.DataFrame
    """
    names, f = _log_mean_fn(model)
    logv = jnp.log(jnp.array([float(np.asarray(values[n])) for n in names]))
    jac = np.asarray(jax.jacfwd(f)(logv, model.data()))
    return pd.DataFrame(jac, columns=names)


def collinearity_index(sens: np.ndarray) -> float:
    """Brun et al. (2001) collinearity index of the columns of ``sens``.

    Parameters
    ----------
    sens : numpy.ndarray
        Sensitivity matrix (observations by parameters).

    Returns
    -------
    float
        1 / sqrt(smallest eigenvalue of S'S) with unit-length columns; inf for
        exactly collinear columns.
    """
    s = np.asarray(sens, float)
    s = s / np.linalg.norm(s, axis=0)
    smallest = np.linalg.eigvalsh(s.T @ s)[0]
    return float(np.inf) if smallest <= 0 else float(1 / np.sqrt(smallest))


def identifiability(model: IncidenceModel, values: dict) -> pd.DataFrame:
    """Collinearity index of every pair of parameters and of the full set.

    Parameters
    ----------
    model : IncidenceModel
        Model and data.
    values : dict
        Parameter values at which to linearise.

    Returns
    -------
    pandas.DataFrame
        Indexed by the parameter set (``"beta, epsilon"``, ...; ``"all"``),
        with columns ``collinearity`` and ``identified`` (index at most
        :data:`COLLINEARITY_LIMIT`).
    """
    sens = sensitivity_matrix(model, values)
    rows = {}
    for a, b in itertools.combinations(sens.columns, 2):
        rows[f"{a}, {b}"] = collinearity_index(sens[[a, b]].to_numpy())
    rows["all"] = collinearity_index(sens.to_numpy())
    table = pd.DataFrame({"collinearity": pd.Series(rows)})
    table["identified"] = table["collinearity"] <= COLLINEARITY_LIMIT
    return table


def posterior_correlations(fit) -> pd.DataFrame:
    """Correlations of the log parameters over the posterior draws.

    Parameters
    ----------
    fit : statmodels.inference.Fit
        A NUTS or SVI fit.

    Returns
    -------
    pandas.DataFrame
    """
    names = [n for n in fit.draws if np.ndim(fit.draws[n]) == 2]
    flat = np.stack([np.log(np.ravel(fit.draws[n])) for n in names], axis=1)
    return pd.DataFrame(np.corrcoef(flat, rowvar=False), index=names, columns=names)


def simulate_outbreak(
    model: MeningitisModel,
    population: float,
    weeks: int,
    *,
    seed_fraction: float = 1e-3,
    reporting: float = 0.5,
    likelihood: str = "poisson",
    dispersion: float = 20.0,
    survey_days=(),
    survey_size: int = 500,
    rng=0,
) -> dict:
    """A synthetic outbreak: weekly reported cases and optional carriage surveys.

    Parameters
    ----------
    model : MeningitisModel
        The true model.
    population : float
        Initial population; a proportion ``seed_fraction`` are carriers.
    weeks : int
        Number of weeks.
    seed_fraction, reporting : float
        Initial carrier proportion and reporting fraction rho.
    likelihood : {"poisson", "negbin"}
        Count distribution; ``dispersion`` is the negative binomial
        concentration.
    survey_days : sequence of float
        Days of carriage surveys of ``survey_size`` people each.
    rng : int or numpy.random.Generator
        Seed.

    Returns
    -------
    dict
        ``frame`` (week, cases), ``surveys`` (or None), ``expected`` weekly
        means and ``truth`` (parameter values, R0).
    """
    check_parameters({"reporting": reporting})
    if not 0 < reporting <= 1 or not 0 < seed_fraction < 1:
        raise ValueError("reporting must be in (0, 1] and seed_fraction in (0, 1)")
    if likelihood not in LIKELIHOODS:
        raise ValueError(f"likelihood={likelihood!r}; use 'poisson' or 'negbin'")
    rng = np.random.default_rng(rng)
    y0 = {"S": population * (1 - seed_fraction), "C": population * seed_fraction}
    times = 7.0 * np.arange(weeks + 1)
    traj = model.simulate(y0, times)
    mu = reporting * np.maximum(traj.weekly_cases, 0)
    if likelihood == "poisson":
        cases = rng.poisson(mu)
    else:
        cases = rng.negative_binomial(dispersion, dispersion / (dispersion + mu))
    surveys = None
    if len(survey_days):
        days = np.asarray(survey_days, float)
        tr = model.simulate(y0, np.concatenate([[0.0], days]))
        f = tr.frame().iloc[1:]
        prev = (f["C"] / f["N"]).to_numpy()
        surveys = pd.DataFrame(
            {
                "day": days,
                "tested": survey_size,
                "carriers": rng.binomial(survey_size, prev),
            }
        )
    truth = dict(model.params, rho=reporting, seed=seed_fraction, R0=model.r0())
    frame = pd.DataFrame({"week": np.arange(1, weeks + 1), "cases": cases})
    return {"frame": frame, "surveys": surveys, "expected": mu, "truth": truth}


def fit_incidence(
    base: MeningitisModel,
    cases,
    population,
    *,
    method="mle",
    estimate=("beta", "epsilon", "sigma"),
    likelihood="poisson",
    surveys=None,
    fixed=None,
    steps_per_day=1,
    **backend,
):
    """Fit the model to weekly counts by MLE, NUTS or SVI.

    Parameters
    ----------
    base : MeningitisModel
        Values of the parameters not estimated (and starting values).
    cases : array_like or pandas.DataFrame
        Weekly counts, or a frame with ``week`` and ``cases``.
    population : float
        Population at the start.
    method : {"mle", "nuts", "svi"}
        Back end.
    estimate, likelihood, surveys, fixed, steps_per_day
        See :class:`IncidenceModel`.
    **backend
        Passed to :func:`statmodels.inference.mle`, ``nuts`` or ``svi``.

    Returns
    -------
    statmodels.inference.Fit
    """
    from statmodels import inference

    if isinstance(cases, pd.DataFrame):
        cases = counts_from_frame(cases)
    model = IncidenceModel(
        cases,
        population,
        base,
        estimate=estimate,
        likelihood=likelihood,
        surveys=surveys,
        fixed=fixed,
        steps_per_day=steps_per_day,
    )
    if method not in ("mle", "nuts", "svi"):
        raise ValueError(f"method={method!r}; use 'mle', 'nuts' or 'svi'")
    if method != "mle" and backend.get("init") is None:
        # Start the sampler or optimiser at the model's starting values
        # (numpyro's default spreads them too widely for an ODE model).
        backend["init"] = model.init_values()[0]
    return getattr(inference, method)(model, **backend)


def r0_of(fit, model: IncidenceModel):
    """A function of a parameter dict giving R0, for ``fit.transform``.

    Parameters
    ----------
    fit : statmodels.inference.Fit
        Unused except for symmetry with other helpers.
    model : IncidenceModel
        The fitted model.

    Returns
    -------
    callable
    """
    from statmodels.epidemics.meningitis import _closed_form_r0

    s0 = 1.0 if model.base.force == "frequency" else model.population

    def f(p):
        theta = jnp.asarray(model.base.theta)
        for name in model.estimate:
            theta = theta.at[PARAMS.index(name)].set(p[name])
        return _closed_form_r0(theta, s0)

    return f
