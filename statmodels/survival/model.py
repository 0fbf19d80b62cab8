r"""Flexible parametric survival regression on the APGW family.

Burke, Jones & Noufaily (2020), "A flexible parametric modelling framework
for survival analysis", JRSS C 69(2), 429-457 (arXiv 1901.03212). The family
and its numerics are in :mod:`statmodels.survival.families`. Covariates enter
through log links on any of the four parameters,

.. math::

    \log\phi = X_\phi\beta_\phi,\quad \log\lambda = X_\lambda\beta_\lambda,\quad
    \log\gamma = X_\gamma\beta_\gamma,\quad \log(\kappa + 1) = X_\kappa\beta_\kappa,

so a model with covariates in more than one parameter is the paper's
multi-parameter regression. The log-likelihood of a row with delayed entry
:math:`t_0`, case weight :math:`w` and the event in :math:`(l, u]` is
:math:`w\,[\log h(t) - H(t) + H(t_0)]` for an exact event at :math:`t`,
:math:`w\,[-H(l) + H(t_0)]` when right censored at :math:`l`, and
:math:`w\,[\log(S(l) - S(u)) + H(t_0)]` when interval censored (left
censoring is :math:`l = 0`).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd

from statmodels.formula import (
    EXACT,
    INTERVAL,
    RIGHT,
    Design,
    FormulaError,
    check_columns,
    missing_rows,
    parse_surv,
    split_formula,
)
from statmodels.inference.model import Model
from statmodels.inference.warnings import DataWarning, warn
from statmodels.survival.families import APGW, LogNormal

PARAMS = ("phi", "lambda", "gamma", "kappa")

#: Which parameters take the main formula's covariates under each preset,
#: and which scale is fixed at 1 in the one-scale presets.
PRESETS = {
    "aft": {"covariates": ("phi",), "unit_scale": "lambda"},
    "ph": {"covariates": ("lambda",), "unit_scale": "phi"},
    "aft-gamma": {"covariates": ("phi", "gamma"), "unit_scale": "lambda"},
    "ph-gamma": {"covariates": ("lambda", "gamma"), "unit_scale": "phi"},
    "general": {"covariates": ("phi", "lambda", "gamma"), "unit_scale": None},
}

#: Distributions: fixed parameters, and whether the preset's other scale is
#: free (both scales are identified when kappa is fixed away from 1).
DISTRIBUTIONS = {
    "apgw": {"fixed": {}, "other_scale_free": False, "label": "APGW"},
    "weibull": {"fixed": {"kappa": 1.0}, "other_scale_free": False, "label": "Weibull"},
    "exponential": {
        "fixed": {"kappa": 1.0, "gamma": 1.0},
        "other_scale_free": False,
        "label": "exponential",
    },
    "loglogistic": {
        "fixed": {"kappa": 0.0, "lambda": 1.0},
        "other_scale_free": False,
        "label": "log-logistic",
    },
    "burr": {"fixed": {"kappa": 0.0}, "other_scale_free": True, "label": "Burr XII"},
    "gompertz": {
        "fixed": {"kappa": math.inf, "gamma": 1.0},
        "other_scale_free": True,
        "label": "Gompertz",
    },
    "lognormal": {
        "fixed": {"lambda": 1.0, "kappa": 1.0},
        "other_scale_free": False,
        "label": "log-normal",
    },
}

#: Distributions with an AFT form that R's survreg also fits.
SURVREG_DISTS = ("weibull", "exponential", "loglogistic", "lognormal")


def _link(param: str, value: float) -> float:
    """The linear-predictor value of a fixed parameter."""
    if value is None or not np.isfinite(value):
        # kappa = inf (Gompertz): the Gompertz family never reads log(a).
        return 0.0
    if param == "kappa":
        if value <= -1:
            raise ValueError(f"kappa must exceed -1; got fixed kappa = {value}")
        return math.log1p(value)
    if value <= 0:
        raise ValueError(f"{param} must be positive; got fixed {param} = {value}")
    return math.log(value)


@jax.jit
def _take_rows(data: dict, rows: jax.Array) -> dict:
    """Every per-row array of ``data`` at ``rows``, in one compiled gather."""
    return jax.tree.map(lambda a: a[rows], data)


class SurvivalModel(Model):
    """A flexible parametric survival model with its data.

    Built by :func:`statmodels.survreg`; see there for the arguments.
    """

    def __init__(
        self,
        formula: str,
        data: pd.DataFrame,
        dist: str = "weibull",
        preset: str = "aft",
        formulas: dict[str, str] | None = None,
        fixed: dict[str, float] | None = None,
        weights: str | None = None,
        na_action: str = "raise",
        prior_scale: float = 10.0,
        data_name: str = "data",
    ):
        if not isinstance(data, pd.DataFrame):
            raise TypeError("data must be a pandas DataFrame")
        dist = dist.lower()
        if dist not in DISTRIBUTIONS:
            raise ValueError(
                f"unknown distribution {dist!r}; choose one of "
                f"{', '.join(DISTRIBUTIONS)}"
            )
        if preset not in PRESETS:
            raise ValueError(
                f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}"
            )
        if na_action not in ("raise", "drop"):
            raise ValueError("na_action must be 'raise' or 'drop'")
        self.formula, self.dist, self.preset = formula, dist, preset
        self.user_formulas = dict(formulas or {})
        self.user_fixed = {k: float(v) for k, v in (fixed or {}).items()}
        self.weights_column, self.na_action = weights, na_action
        self.prior_scale, self.data_name = float(prior_scale), data_name
        self._resolve_parameters()
        if dist == "lognormal":
            self.family = LogNormal()
        else:
            kappa = self.fixed.get("kappa")
            self.family = APGW(dist == "gompertz", kappa if kappa in (0, 1) else None)
        self._build(data)

    # ---- which parameter gets what ----------------------------------------
    def _resolve_parameters(self) -> None:
        spec, preset = DISTRIBUTIONS[self.dist], PRESETS[self.preset]
        lhs, rhs = split_formula(self.formula)
        self.lhs = lhs
        rhs_of = {p: "1" for p in PARAMS}
        fixed = dict(spec["fixed"])
        unit = preset["unit_scale"]
        if unit is not None and not spec["other_scale_free"]:
            fixed.setdefault(unit, 1.0)
        for p in preset["covariates"]:
            rhs_of[p] = rhs
        for p, value in self.user_fixed.items():
            if p not in PARAMS:
                raise ValueError(
                    f"cannot fix {p!r}; parameters are {', '.join(PARAMS)}"
                )
            fixed[p] = value
        for p, f in self.user_formulas.items():
            if p not in PARAMS:
                raise ValueError(
                    f"formulas= names unknown parameter {p!r}; parameters are "
                    f"{', '.join(PARAMS)}"
                )
            rhs_of[p] = split_formula(f if "~" in f else "~" + f)[1]
        for p, value in fixed.items():
            if rhs_of[p] != "1" and (p in self.user_formulas or p in self.user_fixed):
                raise ValueError(
                    f"{p} is both fixed and given covariates; drop one of the two"
                )
            if rhs_of[p] != "1" and p in spec["fixed"]:
                raise ValueError(
                    f"the {spec['label']} distribution fixes {p} = {value:g}, so "
                    f"preset {self.preset!r} (covariates in {p}) does not apply; "
                    + _alternative(self.dist, self.preset)
                )
            if rhs_of[p] != "1":
                raise ValueError(
                    f"preset {self.preset!r} puts covariates in {p}, which is fixed"
                )
        self.fixed = {p: fixed[p] for p in PARAMS if p in fixed}
        self.rhs_of = {p: rhs_of[p] for p in PARAMS if p not in self.fixed}

    # ---- data ----------------------------------------------------------------
    def _build(self, data: pd.DataFrame) -> None:
        self.original_rows = len(data)
        response = parse_surv(self.lhs, data)
        used = list(response.variables)
        for rhs in self.rhs_of.values():
            used += check_columns(rhs, data)
        if self.weights_column is not None:
            if self.weights_column not in data:
                raise FormulaError(
                    f"weights column {self.weights_column!r} is not in the data"
                )
            used.append(self.weights_column)
        used = list(dict.fromkeys(used))
        self.used_columns = used
        gaps = missing_rows(data, used)
        bad_response = np.isnan(response.lower) | np.isnan(response.upper)
        keep = ~bad_response
        for rows in gaps.values():
            keep[rows] = False
        self.dropped = int((~keep).sum())
        if self.dropped and self.na_action == "raise":
            detail = "; ".join(f"{c!r}: {len(r)} row(s)" for c, r in gaps.items())
            raise FormulaError(
                f"{self.dropped} row(s) have missing values ({detail}); clean them, "
                "or pass na_action='drop' to drop them (the summary reports how many)"
            )
        if self.dropped:
            warn(
                f"dropped {self.dropped} of {len(data)} rows with missing values",
                DataWarning,
            )
        complete = bool(keep.all())
        frame = data[used] if complete else data.loc[keep, used].copy()
        self._frame = frame
        self.response = response if complete else response.subset(keep)
        if self.weights_column is not None:
            w = frame[self.weights_column].to_numpy(dtype=float)
            if np.any(w < 0) or not np.all(np.isfinite(w)):
                raise FormulaError(
                    f"weights column {self.weights_column!r} must be finite and >= 0"
                )
            self.weights = w
        else:
            self.weights = np.ones(len(frame))
        if len(frame) == 0:
            raise FormulaError("no rows left to fit")
        # Parameters with the same right-hand side share one design.
        built: dict[str, Design] = {}
        for rhs in self.rhs_of.values():
            if rhs not in built:
                built[rhs] = Design(rhs, frame)
        self.designs = {p: built[rhs] for p, rhs in self.rhs_of.items()}
        for p in dict.fromkeys(self._design_sources().values()):
            design = self.designs[p]
            if design.intercept_only:
                continue
            # Rank from the Gram matrix of unit-length columns: p x p, one
            # pass over the rows.
            gram = design.matrix.T @ design.matrix
            norms = np.sqrt(np.diag(gram))
            nonzero = norms > 0
            rank = 0
            if nonzero.any():
                unit = gram[np.ix_(nonzero, nonzero)] / np.outer(
                    norms[nonzero], norms[nonzero]
                )
                rank = np.linalg.matrix_rank(unit, tol=1e-10)
            if rank < design.matrix.shape[1]:
                raise FormulaError(
                    f"the design matrix for {p} ({self.rhs_of[p]}) is rank deficient "
                    f"(rank {rank} of {design.matrix.shape[1]} columns): a covariate "
                    "is constant or collinear with others; drop it"
                )
        self._data = self._arrays()

    def _arrays(self) -> dict:
        r = self.response

        def log_or_zero(x):
            return np.log(np.where((x > 0) & np.isfinite(x), x, 1.0))

        # Which kinds of row occur is fixed with the data, so the likelihood
        # computes only the terms it needs.
        self.layout = {
            "interval": bool(np.any(r.kind == INTERVAL)),
            "zero_lower": bool(np.any(r.lower <= 0)),
            "entry": bool(np.any(r.entry > 0)),
        }
        # Only the arrays the layout needs travel to the device, and a design
        # shared by several parameters travels once.
        sources = self._design_sources()
        on_device = {
            q: jax.device_put(self.designs[q].matrix) for q in set(sources.values())
        }
        arrays = {
            "X": {p: on_device[q] for p, q in sources.items()},
            "log_lower": log_or_zero(r.lower),
            "event": (r.kind == EXACT).astype(float),
            "weight": np.asarray(self.weights, dtype=float),
        }
        if self.layout["zero_lower"]:
            arrays["lower_pos"] = r.lower > 0
        if self.layout["interval"]:
            arrays["log_upper"] = log_or_zero(r.upper)
            arrays["interval"] = r.kind == INTERVAL
        if self.layout["entry"]:
            arrays["log_entry"] = log_or_zero(r.entry)
            arrays["delayed"] = r.entry > 0
        return jax.device_put(arrays)

    def data(self) -> dict:
        """Arrays passed to the numpyro model (designs, times, codes, weights)."""
        return self._data

    def row_subset(self, rows: np.ndarray) -> dict:
        """The likelihood's arrays for the given rows (every leaf is per row)."""
        return _take_rows(self._data, jnp.asarray(rows))

    @property
    def nobs(self) -> int:
        """Number of rows fitted."""
        return int(len(self._frame))

    @property
    def n_events(self) -> int:
        """Number of exactly observed events."""
        return self.response.n_events

    # ---- the probability model ---------------------------------------------
    def log_likelihood_derivatives(self):
        """Log-likelihood, gradient and Hessian through the linear predictors.

        Row i's log-likelihood depends on the coefficients only through its
        linear predictors eta_p,i = (X_p beta_p)_i, so the gradient is
        sum_p X_p' g_p and the Hessian sum_pq X_p' W_pq X_q, assembled from
        each row's gradient g_i and Hessian W_i in eta (a few numbers per row,
        from one forward pass over the reverse-mode gradient of that row's
        log-likelihood) instead of one pass per coefficient. Intercept-only
        predictors turn products into sums, and parameters with the same
        right-hand side share one design matrix.
        """
        free = list(self.rhs_of)
        alone = {p: self.designs[p].intercept_only for p in free}
        shared = self._design_sources()

        def row_loglik(etas, row):
            eta = self.linear_predictors(etas, None)
            return row["weight"] * self.row_log_likelihood(eta, row)

        def gradient_and_value(etas, row):
            value, grad = jax.value_and_grad(row_loglik)(etas, row)
            return grad, (value, grad)

        # Per row: (Hessian, (value, gradient)) in the linear predictors.
        per_row = jax.vmap(jax.jacfwd(gradient_and_value, has_aux=True))

        def derivatives(params, data):
            X = {p: data["X"][shared[p]] for p in free}
            rows = {k: v for k, v in data.items() if k != "X"}
            n = rows["weight"].shape[0]
            etas = {
                p: jnp.full(n, params[p][0]) if alone[p] else X[p] @ params[p]
                for p in free
            }
            second, (value, first) = per_row(etas, rows)
            grad = jnp.concatenate(
                [
                    jnp.sum(first[p], keepdims=True) if alone[p] else X[p].T @ first[p]
                    for p in free
                ]
            )

            def block(p, q):
                w = second[p][q]
                if alone[p] and alone[q]:
                    return jnp.sum(w).reshape(1, 1)
                if alone[p]:
                    return (X[q].T @ w)[None, :]
                if alone[q]:
                    return (X[p].T @ w)[:, None]
                return X[p].T @ (w[:, None] * X[q])

            upper = {
                (i, j): block(free[i], free[j])
                for i in range(len(free))
                for j in range(i, len(free))
            }
            hess = jnp.block(
                [
                    [upper[i, j] if i <= j else upper[j, i].T for j in range(len(free))]
                    for i in range(len(free))
                ]
            )
            return jnp.sum(value), grad, hess

        return derivatives

    def _design_sources(self) -> dict[str, str]:
        """For each free parameter, the first one with the same right-hand side
        (whose design matrix it shares)."""
        first: dict[str, str] = {}
        return {p: first.setdefault(rhs, p) for p, rhs in self.rhs_of.items()}

    def linear_predictors(self, beta: dict, X: dict | None) -> dict:
        """Log-scale parameters per row (``log_phi``, ..., ``log_a``).

        With ``X = None``, ``beta`` holds the linear predictors themselves.
        """
        out = {}
        for p in PARAMS:
            key = "log_a" if p == "kappa" else f"log_{p}"
            if p in self.fixed:
                out[key] = _link(p, self.fixed[p])
            else:
                out[key] = beta[p] if X is None else X[p] @ beta[p]
        return out

    def row_log_likelihood(self, eta: dict, data: dict):
        """Log-likelihood contribution of each row (before weights)."""
        fam, layout = self.family, self.layout
        cum_l, log_h = fam.terms(data["log_lower"], **eta)
        if layout["zero_lower"]:
            cum_l = jnp.where(data["lower_pos"], cum_l, 0.0)
        ll = data["event"] * log_h - cum_l
        if layout["interval"]:
            cum_u = fam.cumhaz(data["log_upper"], **eta)
            gap = jnp.where(data["interval"], cum_u - cum_l, 1.0)
            ll = ll + jnp.where(data["interval"], jnp.log(-jnp.expm1(-gap)), 0.0)
        if layout["entry"]:
            cum_e = fam.cumhaz(data["log_entry"], **eta)
            ll = ll + jnp.where(data["delayed"], cum_e, 0.0)
        return ll

    def numpyro_model(self):
        """The model: normal priors on the coefficients, the survival likelihood.

        Every coefficient has a Normal(0, ``prior_scale``) prior, except that
        each intercept's prior is centred at its crude starting value (an
        exponential fit), which keeps the prior invariant to the time unit.
        """
        centres = {p: np.asarray(v) for p, v in self._prior_centres().items()}
        scale = self.prior_scale

        def model(data):
            beta = {}
            for p in self.rhs_of:
                beta[p] = numpyro.sample(p, dist.Normal(centres[p], scale).to_event(1))
            eta = self.linear_predictors(beta, data["X"])
            ll = self.row_log_likelihood(eta, data)
            numpyro.factor("survival", data["weight"] * ll)

        return model

    def _prior_centres(self) -> dict[str, np.ndarray]:
        start = self.init_values()[0]
        centres = {}
        for p, design in self.designs.items():
            c = np.zeros(len(design.columns))
            if "(Intercept)" in design.columns:
                i = design.columns.index("(Intercept)")
                c[i] = start[p][i]
            centres[p] = c
        return centres

    def init_values(self) -> list[dict[str, np.ndarray]]:
        """Starts: an exponential fit, with kappa at 1, near 0 and at -0.5."""
        if getattr(self, "_starts", None) is None:
            self._starts = self._exponential_starts()
        return [{p: c.copy() for p, c in start.items()} for start in self._starts]

    def _exponential_starts(self) -> list[dict[str, np.ndarray]]:
        r = self.response
        t = np.where(np.isfinite(r.upper) & (r.kind == INTERVAL), r.upper, r.lower)
        t = np.where(t > 0, t, np.nan)
        events = max(float(np.sum(self.weights * (r.kind != RIGHT))), 1.0)
        exposure = float(np.nansum(self.weights * t))
        log_rate = math.log(events / exposure)
        # An exponential fit: lambda * phi = rate, in whichever scale is free.
        scale_log = {"phi": log_rate} if "phi" in self.rhs_of else {"lambda": log_rate}
        if self.dist == "gompertz":
            scale_log = {"phi": log_rate - math.log(10), "lambda": math.log(10)}
        starts = []
        kappas = [1.0, 0.05, -0.5] if "kappa" in self.rhs_of else [None]
        for kappa in kappas:
            start = {}
            for p, design in self.designs.items():
                c = np.zeros(len(design.columns))
                if "(Intercept)" in design.columns:
                    i = design.columns.index("(Intercept)")
                    if p in scale_log:
                        c[i] = scale_log[p]
                    elif p == "kappa":
                        c[i] = math.log1p(kappa)
                start[p] = c
            starts.append(start)
        return starts

    def structure_key(self):
        """Distribution, fixed values, design shapes (and which are
        intercept-only or shared) and censoring layout."""
        return (
            type(self).__qualname__,
            self.dist,
            tuple(sorted(self.fixed.items())),
            tuple(
                (p, len(d.columns), d.intercept_only) for p, d in self.designs.items()
            ),
            tuple(sorted(self._design_sources().items())),
            tuple(sorted(self.layout.items())),
        )

    def labels(self) -> dict[str, list[str]]:
        """Coefficient names per parameter (formulaic column names)."""
        return {p: d.columns for p, d in self.designs.items()}

    # ---- description -------------------------------------------------------
    @property
    def title(self) -> str:  # type: ignore[override]
        label = DISTRIBUTIONS[self.dist]["label"]
        return f"Parametric survival regression: {label}, preset {self.preset!r}"

    def call(self) -> str:
        """The call, as typed."""
        parts = [repr(self.formula), f"data={self.data_name}", f"dist={self.dist!r}"]
        parts.append(f"preset={self.preset!r}")
        if self.user_formulas:
            parts.append(f"formulas={self.user_formulas!r}")
        if self.user_fixed:
            parts.append(f"fixed={self.user_fixed!r}")
        if self.weights_column:
            parts.append(f"weights={self.weights_column!r}")
        return "survreg(" + ", ".join(parts) + ")"

    def summary_counts(self, fit) -> str:
        """Rows, events and censoring."""
        r = self.response
        text = f"n = {self.nobs}, events = {self.n_events}"
        right, interval = int(np.sum(r.kind == RIGHT)), int(np.sum(r.kind == INTERVAL))
        text += f", right censored = {right}"
        if interval:
            text += f", interval or left censored = {interval}"
        if np.any(r.entry > 0):
            text += f", delayed entries = {int(np.sum(r.entry > 0))}"
        if self.weights_column:
            text += f", weights from {self.weights_column!r}"
        return text

    def summary_sections(self, fit):
        """The link scales, fixed values and R survreg's parametrisation."""
        from statmodels.survival.predict import survreg_table

        notes = [
            "Coefficients are on the log scale of phi, lambda and gamma, and on "
            "log(kappa + 1) for kappa."
        ]
        if self.fixed:
            shown = ", ".join(
                f"{p} = {'inf' if not np.isfinite(v) else f'{v:g}'}"
                for p, v in self.fixed.items()
            )
            notes.append(f"Fixed: {shown}.")
        sections = [("Parametrisation:", "\n".join(notes))]
        table = survreg_table(fit)
        if table is not None:
            from statmodels.inference.fit import format_table

            sections.append(
                (
                    "In R survreg's parametrisation (log T = mu + sigma W):",
                    format_table(table),
                )
            )
        return sections

    def caveats(self, fit) -> list[str]:
        """Dropped rows, and a kappa near 1 (phi and lambda interchangeable)."""
        out = []
        if "starts_from" in fit.info:
            out.append(f"the optimiser started from {fit.info['starts_from']}")
        if self.dropped:
            out.append(
                f"{self.dropped} of {self.original_rows} rows had missing values "
                "and were dropped (na_action='drop')"
            )
        design = self.designs.get("kappa")
        if design is not None and design.intercept_only:
            row = fit.params.loc["kappa:(Intercept)"]
            kappa = math.expm1(row["estimate"])
            near = abs(row["estimate"] - math.log(2)) < 2 * row["std_error"]
            if near:
                out.append(
                    f"kappa = {kappa:.3g} is within two standard errors of 1, the "
                    "Weibull case, where phi and lambda are interchangeable: the "
                    "AFT and PH forms of this model nearly coincide"
                )
        return out

    def observed_data(self) -> dict[str, np.ndarray]:
        """Times, censoring codes, entry times and weights."""
        r = self.response
        return {
            "lower": r.lower,
            "upper": r.upper,
            "kind": r.kind,
            "entry": r.entry,
            "weight": self.weights,
        }

    # ---- predictions ---------------------------------------------------------
    def predict(self, fit, newdata=None, **kwargs) -> pd.DataFrame:
        """See :func:`statmodels.survival.predict.predict`."""
        from statmodels.survival.predict import predict

        return predict(fit, newdata, **kwargs)

    def new_designs(self, newdata: pd.DataFrame | None) -> dict[str, jnp.ndarray]:
        """Design matrices of ``newdata`` (the fitted rows when ``None``)."""
        if newdata is None:
            return self._data["X"]
        if isinstance(newdata, dict):
            newdata = pd.DataFrame(newdata)
        gaps = missing_rows(newdata, [c for c in self.used_columns if c in newdata])
        for design in self.designs.values():
            for v in design.variables:
                if v in gaps:
                    raise FormulaError(
                        f"newdata column {v!r} has missing values; predictions "
                        "need every covariate"
                    )
        return {p: jnp.asarray(d.transform(newdata)) for p, d in self.designs.items()}

    # ---- persistence -----------------------------------------------------------
    def config(self) -> dict:
        """Everything but the data needed to rebuild the model."""
        return {
            "formula": self.formula,
            "dist": self.dist,
            "preset": self.preset,
            "formulas": self.user_formulas,
            "fixed": self.user_fixed,
            "weights": self.weights_column,
            "na_action": self.na_action,
            "prior_scale": self.prior_scale,
            "data_name": self.data_name,
            "dropped": self.dropped,
            "original_rows": self.original_rows,
        }

    def frame(self) -> pd.DataFrame:
        """The fitted rows of the columns the model uses."""
        return self._frame

    @classmethod
    def from_config(cls, config: dict, frame: pd.DataFrame) -> SurvivalModel:
        """Rebuild from :meth:`config` and :meth:`frame`."""
        model = cls(
            config["formula"],
            frame,
            dist=config["dist"],
            preset=config["preset"],
            formulas=config["formulas"] or None,
            fixed=config["fixed"] or None,
            weights=config["weights"],
            na_action=config["na_action"],
            prior_scale=config["prior_scale"],
            data_name=config["data_name"],
        )
        model.dropped = config["dropped"]
        model.original_rows = config["original_rows"]
        return model


def _alternative(dist: str, preset: str) -> str:
    if dist == "loglogistic":
        return (
            "it has no proportional-hazards form: use preset='aft' or 'aft-gamma', "
            "or dist='burr' for a PH-type scale"
        )
    if dist == "lognormal":
        return "it has no proportional-hazards form: use preset='aft' or 'aft-gamma'"
    if dist in ("exponential", "gompertz"):
        return "use preset='aft' or 'ph', or dist='weibull' / 'apgw'"
    return "choose another preset"
