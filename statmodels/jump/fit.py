"""Estimating the rate matrix from complete paths and from panel data.

Complete paths. With ``N_ij`` jumps ``i -> j`` and total time ``R_i`` spent
in ``i``, the log-likelihood is ``sum_{ij} (N_ij log q_ij - R_i q_ij)``, so
the MLE is ``q_ij = N_ij / R_i`` with standard error ``sqrt(N_ij) / R_i``
(Albert 1962, "Estimation of the transition intensities of a Markov chain").
Independent ``Gamma(a, b)`` priors (shape, rate) are conjugate: the posterior
of ``q_ij`` is ``Gamma(a + N_ij, b + R_i)``.

Panel data. With states ``x_0, x_1, ...`` seen at times ``t_0 < t_1 < ...``,
the likelihood conditional on each subject's first state is the product of
``P(t_{k+1} - t_k)[x_k, x_{k+1}]`` with ``P(t) = expm(Q t)`` (Kalbfleisch &
Lawless 1985, "The analysis of panel data under a Markov assumption"; the
likelihood of R's msm, Jackson 2011, "Multi-state models for panel data: the
msm package for R"). Intervals of equal length share one matrix exponential,
and the data enter through the counts ``C[k, i, j]`` of pairs ``(i, j)`` at
interval length ``k``: ``log L = sum_{k,i,j} C_kij log P(t_k)_ij``. It is
maximised with exact autodiff gradients and Hessians and sampled by NUTS on
the shared back ends (:mod:`statmodels.inference`).
"""

from __future__ import annotations

from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
import pandas as pd
import scipy.stats

from statmodels.inference import Fit, Model, mle, nuts
from statmodels.jump.data import PanelData, Paths
from statmodels.jump.linalg import expm_small
from statmodels.jump.rates import (
    allowed_pairs,
    entropy_production,
    relaxation_times,
    stationary_distribution,
)

#: Default Gamma(shape, rate) prior of every allowed rate.
DEFAULT_PRIOR = (1.0, 0.1)


def _pattern(pattern, n_states: int) -> np.ndarray:
    """The allowed transitions as a boolean (S, S) matrix, diagonal False."""
    if pattern is None:
        pat = np.ones((n_states, n_states), dtype=bool)
    else:
        pat = np.array(pattern, dtype=bool)
        if pat.shape != (n_states, n_states):
            raise ValueError(
                f"pattern must be {n_states} x {n_states} for {n_states} states; "
                f"got shape {pat.shape}"
            )
    np.fill_diagonal(pat, False)
    if not pat.any():
        raise ValueError("the pattern allows no transitions")
    return pat


def _q_from_rates(rates, pairs, n_states):
    """Rate matrix (JAX) from the vector of allowed rates."""
    Q = jnp.zeros((n_states, n_states)).at[pairs[:, 0], pairs[:, 1]].set(rates)
    return Q - jnp.diag(Q.sum(axis=1))


def _stationary_jax(Q):
    """Stationary distribution by a linear solve (differentiable)."""
    S = Q.shape[0]
    A = Q.T.at[-1].set(jnp.ones(S))
    rhs = jnp.zeros(S).at[-1].set(1.0)
    return jnp.linalg.solve(A, rhs)


def _entropy_jax(Q):
    """Schnakenberg entropy production of ``Q`` (reversible pattern)."""
    pi = _stationary_jax(Q)
    flow = pi[:, None] * Q
    flow = flow * (1.0 - jnp.eye(Q.shape[0]))
    both = (flow > 0) & (flow.T > 0)
    safe = jnp.where(both, flow, 1.0)
    safe_t = jnp.where(both, flow.T, 1.0)
    return 0.5 * jnp.sum(jnp.where(both, (flow - flow.T) * jnp.log(safe / safe_t), 0))


class _JumpModel(Model):
    """What the complete-data and panel models share: rates on a pattern."""

    def __init__(self, n_states: int, pattern, prior):
        self.n_states = int(n_states)
        self.pattern = _pattern(pattern, self.n_states)
        self.pairs = allowed_pairs(self.pattern)
        a, b = prior
        if not (a > 0 and b > 0):
            raise ValueError(f"the Gamma prior needs shape > 0, rate > 0; got {prior}")
        self.prior = (float(a), float(b))

    def labels(self):
        return {"rate": [f"{i}->{j}" for i, j in self.pairs]}

    def rate_matrix(self, rates) -> np.ndarray:
        """The rate matrix for a vector of allowed rates."""
        return np.asarray(_q_from_rates(jnp.asarray(rates), self.pairs, self.n_states))

    def log_likelihood(self, Q) -> float:
        """The log-likelihood of the data at the rate matrix ``Q``.

        Parameters
        ----------
        Q : array_like, shape (S, S)
            Rate matrix (only its entries on the pattern are used).

        Returns
        -------
        float
        """
        from statmodels.inference import ParameterSpace

        Q = np.asarray(Q, dtype=float)
        rates = Q[self.pairs[:, 0], self.pairs[:, 1]]
        space = ParameterSpace.from_model(self.numpyro_model(), self.data())
        return float(
            jax.jit(space.log_likelihood)({"rate": jnp.asarray(rates)}, self.data())
        )

    def _rate_site(self):
        a, b = self.prior
        return numpyro.sample(
            "rate", dist.Gamma(a, b).expand([len(self.pairs)]).to_event(1)
        )

    def summary_sections(self, fit):
        Q = np.asarray(fit.rate_matrix)
        names = [str(s) for s in range(self.n_states)]
        qtab = pd.DataFrame(Q, index=names, columns=names).round(4).to_string()
        out = [("Rate matrix (estimate):", qtab)]
        try:
            pi = stationary_distribution(Q)
            tau = relaxation_times(Q)
            sig = entropy_production(Q)
            out.append(
                (
                    "Derived quantities:",
                    f"stationary distribution {np.round(pi, 4).tolist()}\n"
                    f"relaxation times {np.round(tau, 4).tolist()}\n"
                    f"entropy production rate {sig:.4g}",
                )
            )
        except ValueError as err:
            out.append(("Derived quantities:", f"not available: {err}"))
        return out

    def structure_key(self):
        return (type(self).__name__, self.n_states, self.pairs.tobytes(), self.prior)


class CompleteDataModel(_JumpModel):
    """Fully observed paths: likelihood from transition counts and holding times.

    Parameters
    ----------
    paths : Paths
        The observed paths.
    pattern : array_like of bool, optional
        Allowed transitions (default: all).
    prior : tuple of float
        Gamma(shape, rate) prior of each rate (Bayesian fits only).
    """

    title = "Markov jump process, fully observed paths"

    def __init__(self, paths: Paths, pattern=None, prior=DEFAULT_PRIOR):
        super().__init__(paths.n_states, pattern, prior)
        self.paths = paths
        N, R = paths.sufficient_statistics()
        self.N, self.R = N, R
        outside = (N > 0) & ~self.pattern
        if np.any(outside):
            i, j = np.argwhere(outside)[0]
            raise ValueError(
                f"the paths jump {i} -> {j}, which the pattern does not allow; "
                "allow it in the pattern"
            )
        self.counts = N[self.pairs[:, 0], self.pairs[:, 1]]
        self.exposure = R[self.pairs[:, 0]]

    def numpyro_model(self):
        def model(data):
            rate = self._rate_site()
            numpyro.factor(
                "loglik", data["counts"] * jnp.log(rate) - data["exposure"] * rate
            )

        return model

    def data(self):
        return {
            "counts": jnp.asarray(self.counts),
            "exposure": jnp.asarray(self.exposure),
        }

    @property
    def nobs(self):
        return int(max(self.N.sum(), 1))

    def closed_form(self) -> tuple[np.ndarray, np.ndarray]:
        """The closed-form MLE ``N_ij / R_i`` and its standard error.

        Returns
        -------
        tuple of numpy.ndarray
            Estimates and standard errors, one per allowed transition.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            est = self.counts / self.exposure
            se = np.sqrt(self.counts) / self.exposure
        return est, se

    def init_values(self):
        est = self.closed_form()[0]
        return [{"rate": np.clip(np.nan_to_num(est, nan=1.0), 1e-3, None)}]

    def call(self):
        return f"fit_complete(paths, n_paths={self.paths.n_paths})"

    def summary_counts(self, fit):
        return (
            f"{self.paths.n_paths} paths, {int(self.N.sum())} jumps, "
            f"total time {self.R.sum():.6g}"
        )

    def caveats(self, fit):
        zero = [
            f"{i}->{j}"
            for (i, j), n in zip(self.pairs, self.counts, strict=True)
            if n == 0
        ]
        if zero:
            return [
                f"no jumps observed for {', '.join(zero)}: their MLE is 0, on the "
                "boundary, and the Wald intervals do not apply"
            ]
        return []

    def config(self):
        return {
            "kind": "complete",
            "n_states": self.n_states,
            "pattern": self.pattern.astype(int).tolist(),
            "prior": list(self.prior),
        }

    def frame(self):
        return self.paths.to_frame()

    @classmethod
    def from_config(cls, config, frame):
        paths = Paths.from_frame(frame, config["n_states"])
        return cls(paths, np.array(config["pattern"], bool), tuple(config["prior"]))


class PanelModel(_JumpModel):
    """States observed at discrete times: the matrix-exponential likelihood.

    Parameters
    ----------
    panel : PanelData
        The observations.
    pattern : array_like of bool, optional
        Allowed transitions (default: all).
    prior : tuple of float
        Gamma(shape, rate) prior of each rate (Bayesian fits only).
    decimals : int
        Interval lengths equal after rounding to this many decimals share one
        matrix exponential.
    """

    title = "Markov jump process, panel data"

    def __init__(self, panel: PanelData, pattern=None, prior=DEFAULT_PRIOR, decimals=9):
        super().__init__(panel.n_states, pattern, prior)
        self.panel = panel
        self.decimals = int(decimals)
        self.lengths, self.counts = panel.interval_counts(self.decimals)

    def numpyro_model(self):
        pairs, S = self.pairs, self.n_states

        def model(data):
            rate = self._rate_site()
            Q = _q_from_rates(rate, pairs, S)
            P = jax.vmap(lambda t: expm_small(Q * t))(data["lengths"])
            # Pairs never observed contribute 0 even where P is 0.
            logp = jnp.log(jnp.where(data["counts"] > 0, P, 1.0))
            numpyro.factor("loglik", jnp.sum(data["counts"] * logp, axis=(1, 2)))

        return model

    def data(self):
        return {
            "lengths": jnp.asarray(self.lengths),
            "counts": jnp.asarray(self.counts),
        }

    @property
    def nobs(self):
        return int(self.counts.sum())

    def init_values(self):
        # A crude start: one-step transition frequencies divided by the
        # interval length, as if at most one jump happened per interval.
        C = self.counts
        est = np.zeros((self.n_states, self.n_states))
        for k, t in enumerate(self.lengths):
            rows = C[k].sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                freq = np.where(rows > 0, C[k] / rows, 0.0)
            est += C[k].sum() * freq / t
        est /= C.sum()
        rates = est[self.pairs[:, 0], self.pairs[:, 1]]
        return [{"rate": np.clip(rates, 0.05, 20.0)}]

    def call(self):
        return (
            f"fit_panel(observations, n_subjects={self.panel.n_subjects}, "
            f"n_states={self.n_states})"
        )

    def summary_counts(self, fit):
        return (
            f"{self.panel.n_subjects} subjects, {len(self.panel.time)} observations, "
            f"{self.nobs} transitions, {len(self.lengths)} distinct intervals"
        )

    def config(self):
        return {
            "kind": "panel",
            "n_states": self.n_states,
            "pattern": self.pattern.astype(int).tolist(),
            "prior": list(self.prior),
            "decimals": self.decimals,
        }

    def frame(self):
        return self.panel.to_frame()

    @classmethod
    def from_config(cls, config, frame):
        panel = PanelData.from_frame(frame, config["n_states"])
        return cls(
            panel,
            np.array(config["pattern"], bool),
            tuple(config["prior"]),
            config["decimals"],
        )


def _covariate_rhs(covariates) -> str:
    """The right-hand side of a covariate formula, or of a list of columns."""
    from statmodels.formula import split_formula

    if isinstance(covariates, str):
        rhs = split_formula(covariates)[1] if "~" in covariates else covariates
        return rhs.strip()
    names = list(covariates)
    if not names or not all(isinstance(c, str) for c in names):
        raise TypeError(
            "covariates must be a formula such as '~ age + sex' or a list of "
            f"column names; got {covariates!r}"
        )
    return " + ".join(c if c.isidentifier() else f"`{c}`" for c in names)


def _coefficient_map(pairs, columns, constraint):
    """Map from the free coefficients to one coefficient per (transition, column).

    ``constraint`` follows msm's ``constraint=``: for a design column, a
    sequence with one integer per allowed transition (in row-major order);
    transitions with equal labels share one coefficient, and a negative
    label takes its negative. ``"shared"`` is one coefficient for every
    transition. Columns not named get one coefficient per transition.

    Returns
    -------
    coef_map : numpy.ndarray, shape (n_pairs, n_columns, n_free)
    labels : list of str
    spec : dict
        The constraint as JSON-serialisable lists (for saving).
    """
    n_pairs = len(pairs)
    names = [f"{i}->{j}" for i, j in pairs]
    if constraint is None:
        constraint = {}
    elif constraint == "shared":
        constraint = dict.fromkeys(columns, "shared")
    elif not isinstance(constraint, dict):
        raise TypeError(
            "constraint must be a dict {covariate: labels per transition} or "
            f"'shared'; got {constraint!r}"
        )
    unknown = [c for c in constraint if c not in columns]
    if unknown:
        raise ValueError(
            f"constraint names {unknown[0]!r}, which is not a covariate of the "
            f"model; the covariates are {', '.join(columns)}"
        )
    blocks, labels, spec = [], [], {}
    for c, col in enumerate(columns):
        given = constraint.get(col)
        if given is None:
            codes = np.arange(1, n_pairs + 1)
        elif isinstance(given, str):
            if given != "shared":
                raise ValueError(
                    f"constraint for {col!r} must be 'shared' or one integer per "
                    f"transition; got {given!r}"
                )
            codes = np.ones(n_pairs, dtype=int)
        else:
            codes = np.asarray(given)
            if (
                codes.shape != (n_pairs,)
                or not np.all(codes == np.round(codes))
                or np.any(codes == 0)
            ):
                raise ValueError(
                    f"constraint for {col!r} needs {n_pairs} nonzero integers, one "
                    f"per allowed transition ({', '.join(names)}); got {given!r}"
                )
            codes = codes.astype(int)
        spec[col] = codes.tolist()
        groups = list(dict.fromkeys(np.abs(codes).tolist()))
        for g in groups:
            block = np.zeros((n_pairs, len(columns)))
            member = np.abs(codes) == g
            block[member, c] = np.sign(codes[member])
            blocks.append(block)
            if member.all():
                labels.append(f"{col}:all" if n_pairs > 1 else f"{col}:{names[0]}")
            else:
                joined = ",".join(
                    ("-" if s < 0 else "") + n
                    for n, s, m in zip(names, codes, member, strict=True)
                    if m
                )
                labels.append(f"{col}:{joined}")
    return np.stack(blocks, axis=-1), labels, spec


class CovariatePanelModel(PanelModel):
    """Panel data with covariates on the log intensities, as R's msm.

    Each allowed rate depends on covariates ``z`` through
    ``q_ij(z) = q_ij exp(beta_ij' (z - zbar))`` (Marshall & Jones 1995,
    "Multi-state models and diabetic retinopathy"; the covariate model of
    msm). The covariates of an interval are those recorded at its start and
    hold over it, so the likelihood of an interval of length ``dt`` from
    ``a`` to ``b`` is ``expm(Q(z) dt)[a, b]``; intervals with equal length
    and covariates share one matrix exponential. With ``center=True`` (msm's
    default) ``zbar`` is the mean of each design column over the interval
    starts, so the baseline rates are the rates at the covariate means.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``id``, ``time``, ``state`` and the covariates.
    covariates : str or list of str
        A formula right-hand side (``"~ age + sex"``, through formulaic, so
        categorical columns are coded by treatment contrasts) or column names.
    pattern : array_like of bool, optional
        Allowed transitions (default: all).
    constraint : dict or "shared", optional
        Coefficients shared across transitions, as msm's ``constraint=``: a
        dict from design column to one integer label per allowed transition
        (row-major order); equal labels share a coefficient, a negative label
        takes its negative; ``"shared"`` (for a column, or for all) is one
        coefficient for every transition. Default: one per transition.
    center : bool
        Centre the covariates at their means over the interval starts.
    prior : tuple of float
        Gamma(shape, rate) prior of each baseline rate (Bayesian fits only);
        the log hazard ratios get N(0, 10^2).
    decimals : int
        Rounding used to pool interval lengths.
    n_states : int, optional
        Size of the state space (default: largest state + 1).
    """

    title = "Markov jump process, panel data with covariates"

    def __init__(
        self,
        frame: pd.DataFrame,
        covariates,
        pattern=None,
        constraint=None,
        center=True,
        prior=DEFAULT_PRIOR,
        decimals=9,
        n_states=None,
    ):
        from statmodels.formula import Design, check_columns, missing_rows

        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                "covariates need the observations as a DataFrame with columns id, "
                f"time, state and the covariates; got {type(frame).__name__}"
            )
        panel = PanelData.from_frame(frame, n_states)
        super().__init__(panel, pattern, prior, decimals)
        self.rhs = _covariate_rhs(covariates)
        frame = frame.reset_index(drop=True)
        used = check_columns(self.rhs, frame)
        gaps = missing_rows(frame, used)
        if gaps:
            col, rows = next(iter(gaps.items()))
            shown = ", ".join(str(r) for r in rows[:5])
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            raise ValueError(
                f"covariate {col!r} is missing (NaN) in row(s) {shown}{more} "
                "(0-based positions in the data); rows are not dropped: fill in "
                "or remove them"
            )
        design = Design(self.rhs, frame)
        keep = [k for k, c in enumerate(design.columns) if c != "(Intercept)"]
        if not keep:
            raise ValueError(f"the covariate formula {self.rhs!r} has no covariates")
        self.design = design
        self.used_columns = used
        self.covariate_frame = frame[used].copy()
        self.columns = [design.columns[k] for k in keep]
        X = design.matrix[:, keep]
        same = panel.id[1:] == panel.id[:-1]
        start = np.flatnonzero(same)
        self.center = bool(center)
        self.means = X[start].mean(axis=0) if self.center else np.zeros(X.shape[1])
        dt = np.round(panel.time[start + 1] - panel.time[start], self.decimals)
        keys, inverse = np.unique(np.c_[dt, X[start]], axis=0, return_inverse=True)
        S = self.n_states
        self.group_lengths = keys[:, 0]
        self.group_z = keys[:, 1:] - self.means
        self.group_counts = np.zeros((len(keys), S, S))
        np.add.at(
            self.group_counts,
            (inverse.ravel(), panel.state[start], panel.state[start + 1]),
            1.0,
        )
        self.coef_map, self.coef_labels, self.constraint = _coefficient_map(
            self.pairs, self.columns, constraint
        )

    def labels(self):
        return dict(super().labels(), log_hr=self.coef_labels)

    def numpyro_model(self):
        pairs, S = self.pairs, self.n_states
        coef_map = jnp.asarray(self.coef_map)

        def model(data):
            rate = self._rate_site()
            coef = numpyro.sample(
                "log_hr",
                dist.Normal(0.0, 10.0).expand([coef_map.shape[-1]]).to_event(1),
            )
            beta = coef_map @ coef  # (n_pairs, n_columns)
            rates = rate * jnp.exp(data["z"] @ beta.T)  # (K, n_pairs)
            K = rates.shape[0]
            Q = jnp.zeros((K, S, S)).at[:, pairs[:, 0], pairs[:, 1]].set(rates)
            Q = Q - jax.vmap(jnp.diag)(Q.sum(axis=2))
            P = jax.vmap(lambda q, t: expm_small(q * t))(Q, data["lengths"])
            logp = jnp.log(jnp.where(data["counts"] > 0, P, 1.0))
            numpyro.factor("loglik", jnp.sum(data["counts"] * logp, axis=(1, 2)))

        return model

    def data(self):
        return {
            "lengths": jnp.asarray(self.group_lengths),
            "z": jnp.asarray(self.group_z),
            "counts": jnp.asarray(self.group_counts),
        }

    def init_values(self):
        start = super().init_values()[0]
        start["log_hr"] = np.zeros(self.coef_map.shape[-1])
        return [start]

    def log_likelihood(self, Q, coef) -> float:
        """The log-likelihood at baseline rates ``Q`` and coefficients ``coef``.

        Parameters
        ----------
        Q : array_like, shape (S, S)
            Baseline rate matrix (at the covariate means when centred).
        coef : array_like
            Free log hazard ratios, in the order of ``labels()["log_hr"]``.

        Returns
        -------
        float
        """
        from statmodels.inference import ParameterSpace

        Q = np.asarray(Q, dtype=float)
        params = {
            "rate": jnp.asarray(Q[self.pairs[:, 0], self.pairs[:, 1]]),
            "log_hr": jnp.asarray(np.asarray(coef, dtype=float)),
        }
        space = ParameterSpace.from_model(self.numpyro_model(), self.data())
        return float(jax.jit(space.log_likelihood)(params, self.data()))

    def covariate_values(self, covariates) -> np.ndarray:
        """Centred design rows for covariate values (dict or DataFrame).

        Parameters
        ----------
        covariates : dict or pandas.DataFrame
            Values of the covariate columns (scalars in a dict give one row).

        Returns
        -------
        numpy.ndarray, shape (n_rows, n_columns)
        """
        if isinstance(covariates, dict):
            covariates = pd.DataFrame(
                {k: np.atleast_1d(v) for k, v in covariates.items()}
            )
        if not isinstance(covariates, pd.DataFrame):
            raise TypeError(
                "covariates must be a dict {column: value} or a DataFrame; got "
                f"{type(covariates).__name__}"
            )
        X = self.design.transform(covariates)
        keep = [k for k, c in enumerate(self.design.columns) if c != "(Intercept)"]
        return X[:, keep] - self.means

    def rates_at(self, params, z):
        """Allowed rates (JAX) at centred covariate rows ``z``."""
        beta = jnp.asarray(self.coef_map) @ params["log_hr"]
        return params["rate"] * jnp.exp(jnp.asarray(z) @ beta.T)

    def structure_key(self):
        return super().structure_key() + (
            self.coef_map.shape,
            self.coef_map.tobytes(),
        )

    def call(self):
        extra = "" if self.center else ", center=False"
        return (
            f"fit_panel(observations, covariates={'~ ' + self.rhs!r}{extra}, "
            f"n_subjects={self.panel.n_subjects}, n_states={self.n_states})"
        )

    def summary_counts(self, fit):
        return (
            super().summary_counts(fit)
            + f"; {len(self.group_lengths)} distinct (interval, covariates) pairs"
        )

    def summary_sections(self, fit):
        out = super().summary_sections(fit)
        out[0] = (
            "Baseline rate matrix (estimate, at the covariate means):"
            if self.center
            else "Baseline rate matrix (estimate, at covariates 0):",
            out[0][1],
        )
        hr = fit.hazard_ratios()
        pct = f"{100 * fit.level:g}%"
        table = hr.rename(
            columns={
                "hazard_ratio": "HR",
                "lower": f"lower {pct}",
                "upper": f"upper {pct}",
            }
        )
        out.append(
            ("Hazard ratios exp(coef):", table.to_string(float_format="{:.4g}".format))
        )
        if self.center:
            means = ", ".join(
                f"{c} {m:.4g}" for c, m in zip(self.columns, self.means, strict=True)
            )
            note = (
                "covariates are centred at their means over the interval starts "
                f"({means}), as msm's center=TRUE; the baseline rates are the "
                "rates at those means"
            )
        else:
            note = "covariates are not centred; the baseline rates are at zero"
        out.append(("Covariates:", note))
        return out

    def config(self):
        return dict(
            super().config(),
            kind="covariates",
            covariates=self.rhs,
            constraint=self.constraint,
            center=self.center,
        )

    def frame(self):
        out = self.panel.to_frame()
        for col in self.used_columns:
            if col not in out:
                out[col] = self.covariate_frame[col].to_numpy()
        return out

    @classmethod
    def from_config(cls, config, frame):
        return cls(
            frame,
            config["covariates"],
            np.array(config["pattern"], bool),
            config["constraint"],
            config["center"],
            tuple(config["prior"]),
            config["decimals"],
            config["n_states"],
        )


def _emission(logits, epairs, n_states):
    """Emission matrix: row i is softmax over {i: 0, allowed j: logit_ij}."""
    E = jnp.eye(n_states).at[epairs[:, 0], epairs[:, 1]].set(jnp.exp(logits))
    return E / E.sum(axis=1, keepdims=True)


class MisclassifiedPanelModel(PanelModel):
    """Panel data with misclassified states: a hidden Markov model.

    The true chain is observed through an emission matrix ``E`` with
    ``E[i, j]`` the probability that true state ``i`` is recorded as ``j``
    (Jackson, Sharples, Thompson, Duffy & Couto 2003, "Multistate Markov
    models for disease progression with classification error"). Allowed
    misclassifications have ``E[i, j] = exp(z_ij) / (1 + sum_k exp(z_ik))``
    with free logits ``z``. The likelihood of a subject is computed by the
    forward algorithm and, as without misclassification, conditions on the
    first observation: ``P(y_1, ..., y_n | y_0)`` with a uniform law of the
    first true state.

    Parameters
    ----------
    panel : PanelData
        The observations.
    pattern : array_like of bool, optional
        Allowed transitions (default: all).
    misclassification : array_like of bool
        Allowed misclassifications (off-diagonal).
    prior : tuple of float
        Gamma(shape, rate) prior of each rate; the logits get N(-3, 1.5^2).
    decimals : int
        Rounding used to pool interval lengths.
    """

    title = "Markov jump process, panel data with misclassification"

    def __init__(
        self,
        panel,
        pattern=None,
        misclassification=None,
        prior=DEFAULT_PRIOR,
        decimals=9,
    ):
        super().__init__(panel, pattern, prior, decimals)
        self.emission_pattern = _pattern(misclassification, self.n_states)
        self.epairs = allowed_pairs(self.emission_pattern)
        starts = np.flatnonzero(np.r_[True, panel.id[1:] != panel.id[:-1]])
        sizes = np.diff(np.r_[starts, len(panel.id)])
        T = int(sizes.max())
        n = len(starts)
        obs = np.zeros((n, T), dtype=int)
        dt = np.zeros((n, T - 1))
        valid = np.zeros((n, T - 1), dtype=bool)
        for k, (a, m) in enumerate(zip(starts, sizes, strict=True)):
            obs[k, :m] = panel.state[a : a + m]
            dt[k, : m - 1] = np.diff(panel.time[a : a + m])
            valid[k, : m - 1] = True
        rounded = np.round(np.where(valid, dt, self.lengths[0]), self.decimals)
        self.interval_index = np.searchsorted(self.lengths, rounded)
        self.obs, self.valid = obs, valid

    def labels(self):
        return {
            "rate": [f"{i}->{j}" for i, j in self.pairs],
            "misclass_logit": [f"{i}~>{j}" for i, j in self.epairs],
        }

    def numpyro_model(self):
        pairs, epairs, S = self.pairs, self.epairs, self.n_states

        def model(data):
            rate = self._rate_site()
            z = numpyro.sample(
                "misclass_logit",
                dist.Normal(-3.0, 1.5).expand([len(epairs)]).to_event(1),
            )
            Q = _q_from_rates(rate, pairs, S)
            E = _emission(z, epairs, S)
            P = jax.vmap(lambda t: expm_small(Q * t))(data["lengths"])

            def subject(obs, idx, valid):
                alpha = E[:, obs[0]] / jnp.sum(E[:, obs[0]])

                def step(alpha, x):
                    k, y, ok = x
                    new = (alpha @ P[k]) * E[:, y]
                    c = jnp.sum(new)
                    alpha = jnp.where(ok, new / jnp.where(ok, c, 1.0), alpha)
                    return alpha, jnp.where(ok, jnp.log(jnp.where(ok, c, 1.0)), 0.0)

                _, logc = jax.lax.scan(step, alpha, (idx, obs[1:], valid))
                return jnp.sum(logc)

            ll = jax.vmap(subject)(data["obs"], data["index"], data["valid"])
            numpyro.factor("loglik", ll)

        return model

    def data(self):
        return {
            "lengths": jnp.asarray(self.lengths),
            "obs": jnp.asarray(self.obs),
            "index": jnp.asarray(self.interval_index),
            "valid": jnp.asarray(self.valid),
        }

    def init_values(self):
        start = super().init_values()[0]
        start["misclass_logit"] = np.full(len(self.epairs), -3.0)
        return [start]

    def log_likelihood(self, Q, E=None) -> float:
        """The log-likelihood at rate matrix ``Q`` and emission matrix ``E``.

        Parameters
        ----------
        Q : array_like, shape (S, S)
            Rate matrix.
        E : array_like, shape (S, S)
            Emission matrix (rows sum to 1; entries on the misclassification
            pattern are used).

        Returns
        -------
        float
        """
        from statmodels.inference import ParameterSpace

        Q, E = np.asarray(Q, float), np.asarray(E, float)
        rates = Q[self.pairs[:, 0], self.pairs[:, 1]]
        e = E[self.epairs[:, 0], self.epairs[:, 1]]
        logits = np.log(e) - np.log(np.diag(E)[self.epairs[:, 0]])
        space = ParameterSpace.from_model(self.numpyro_model(), self.data())
        params = {"rate": jnp.asarray(rates), "misclass_logit": jnp.asarray(logits)}
        return float(jax.jit(space.log_likelihood)(params, self.data()))

    def emission_matrix(self, logits) -> np.ndarray:
        """The emission matrix for a vector of misclassification logits."""
        return np.asarray(_emission(jnp.asarray(logits), self.epairs, self.n_states))

    def structure_key(self):
        return super().structure_key() + (self.epairs.tobytes(),)

    def config(self):
        return dict(
            super().config(),
            kind="misclassified",
            misclassification=self.emission_pattern.astype(int).tolist(),
        )

    @classmethod
    def from_config(cls, config, frame):
        panel = PanelData.from_frame(frame, config["n_states"])
        return cls(
            panel,
            np.array(config["pattern"], bool),
            np.array(config["misclassification"], bool),
            tuple(config["prior"]),
            config["decimals"],
        )


class MJPFit(Fit):
    """A :class:`~statmodels.inference.Fit` of a Markov jump process.

    Adds the rate matrix and quantities derived from it; everything else
    (parameter table, summary, ArviZ output, saving) is the shared ``Fit``.
    """

    @classmethod
    def wrap(cls, fit: Fit) -> MJPFit:
        """Re-type a back end's ``Fit`` (same data, no copy of the draws)."""
        out = cls.__new__(cls)
        out.__dict__.update(fit.__dict__)
        return out

    @property
    def rate_matrix(self) -> np.ndarray:
        """The estimated rate matrix (MLE, or posterior mean of the rates)."""
        return self.model.rate_matrix(np.asarray(self.estimate["rate"]))

    @property
    def emission_matrix(self) -> np.ndarray:
        """The estimated emission (misclassification) matrix, or the identity."""
        if "misclass_logit" not in self.estimate:
            return np.eye(self.model.n_states)
        return self.model.emission_matrix(np.asarray(self.estimate["misclass_logit"]))

    def hazard_ratios(self) -> pd.DataFrame:
        """Hazard ratios ``exp(coef)`` of the covariates with their intervals.

        For an MLE the interval is the Wald interval of the log hazard ratio
        mapped by ``exp`` (as msm's ``hazard.msm``); for a posterior, the
        quantiles of the draws.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``covariate:transitions``; columns ``hazard_ratio``,
            ``lower``, ``upper``.
        """
        if not isinstance(self.model, CovariatePanelModel):
            raise ValueError("this fit has no covariates (fit_panel(covariates=...))")
        table = self.params.loc[[f"log_hr:{c}" for c in self.model.coef_labels]]
        out = pd.DataFrame(
            {
                "hazard_ratio": np.exp(table["estimate"].to_numpy()),
                "lower": np.exp(table["lower"].to_numpy()),
                "upper": np.exp(table["upper"].to_numpy()),
            },
            index=self.model.coef_labels,
        )
        if self.is_bayesian:
            draws = self.draws["log_hr"].reshape(-1, len(self.model.coef_labels))
            out["hazard_ratio"] = np.exp(draws).mean(axis=0)
        return out

    def rate_matrix_at(self, covariates, *, uncertainty: bool = False):
        """The rate matrix at given covariate values.

        Parameters
        ----------
        covariates : dict or pandas.DataFrame
            Values of the covariate columns, e.g. ``{"age": 60, "sex": "f"}``
            (one row).
        uncertainty : bool
            Also return standard errors and intervals (delta method on the
            log scale for an MLE; the draws for a posterior).

        Returns
        -------
        numpy.ndarray or dict
            The (S, S) rate matrix; with ``uncertainty``, a dict of (S, S)
            arrays ``estimate``, ``std_error``, ``lower``, ``upper`` for the
            off-diagonal rates (the diagonal is 0 there).
        """
        model = self.model
        if not isinstance(model, CovariatePanelModel):
            raise ValueError("this fit has no covariates (fit_panel(covariates=...))")
        z = model.covariate_values(covariates)
        if z.shape[0] != 1:
            raise ValueError(f"give one row of covariate values; got {z.shape[0]}")
        pairs, S = model.pairs, model.n_states
        if not uncertainty:
            rates = np.asarray(model.rates_at(self.estimate, z))[0]
            return model.rate_matrix(rates)

        def fn(p):
            rates = model.rates_at(p, z)[0]
            return jnp.zeros((S, S)).at[pairs[:, 0], pairs[:, 1]].set(rates)

        out = self.transform(fn, link="log")
        off = ~np.eye(S, dtype=bool) & model.pattern
        return {k: np.where(off, v, 0.0) for k, v in out.items()}

    @property
    def rate_matrix_se(self) -> np.ndarray:
        """Standard errors (or posterior SDs) of the off-diagonal rates."""
        se = np.zeros((self.model.n_states,) * 2)
        pairs = self.model.pairs
        se[pairs[:, 0], pairs[:, 1]] = self.params["std_error"].to_numpy()[: len(pairs)]
        return se

    def derived(self) -> pd.DataFrame:
        """Stationary distribution and entropy production with uncertainty.

        For an MLE by the delta method, for a posterior from the draws.

        Returns
        -------
        pandas.DataFrame
            Rows ``pi[i]`` and ``entropy_production``; columns ``estimate``,
            ``std_error``, ``lower``, ``upper``.
        """
        pairs, S = self.model.pairs, self.model.n_states

        def fn(p):
            Q = _q_from_rates(p["rate"], pairs, S)
            return jnp.concatenate([_stationary_jax(Q), _entropy_jax(Q)[None]])

        out = self.transform(fn)
        names = [f"pi[{i}]" for i in range(S)] + ["entropy_production"]
        return pd.DataFrame({k: np.ravel(v) for k, v in out.items()}, index=names)

    def relaxation_times(self) -> np.ndarray:
        """Relaxation times of the estimate, or of every draw for a posterior.

        Returns
        -------
        numpy.ndarray
            Shape (S - 1,) for an MLE; (n_draws, S - 1) for a posterior.
        """
        if not self.is_bayesian:
            return relaxation_times(self.rate_matrix)
        draws = self.draws["rate"].reshape(-1, len(self.model.pairs))
        return np.array([relaxation_times(self.model.rate_matrix(d)) for d in draws])


def fit_complete(
    paths: Paths, pattern=None, *, method="mle", prior=DEFAULT_PRIOR, **kwargs
) -> MJPFit:
    """Estimate the rate matrix from fully observed paths.

    Parameters
    ----------
    paths : Paths
        Fully observed paths (from :func:`~statmodels.jump.simulate` or
        :meth:`Paths.from_frame`).
    pattern : array_like of bool, optional
        Allowed transitions (default: all pairs).
    method : {"mle", "nuts"}
        Maximum likelihood (the closed form ``N_ij / R_i``, reached by the
        shared optimiser) or NUTS on the Gamma prior; the exact conjugate
        posterior is :func:`gamma_posterior`.
    prior : tuple of float
        Gamma(shape, rate) prior for ``method="nuts"``.
    **kwargs
        Passed to :func:`statmodels.inference.mle` or ``nuts``.

    Returns
    -------
    MJPFit
        A ``Fit`` with ``rate_matrix``.
    """
    if not isinstance(paths, Paths):
        raise TypeError(
            "fit_complete needs Paths (use Paths.from_frame for a DataFrame); "
            f"got {type(paths).__name__}"
        )
    model = CompleteDataModel(paths, pattern, prior)
    return _run(model, method, kwargs)


def fit_panel(
    observations,
    pattern=None,
    *,
    method="mle",
    prior=DEFAULT_PRIOR,
    n_states=None,
    decimals=9,
    misclassification=None,
    covariates=None,
    constraint=None,
    center=True,
    **kwargs,
) -> MJPFit:
    """Estimate the rate matrix from states observed at discrete times.

    The likelihood conditions on each subject's first observed state, as
    R's msm does.

    Parameters
    ----------
    observations : PanelData or pandas.DataFrame
        Observations; a DataFrame needs columns ``id``, ``time``, ``state``.
    pattern : array_like of bool, optional
        Allowed transitions (default: all pairs).
    method : {"mle", "em", "nuts"}
        Maximum likelihood by Newton's method, maximum likelihood by the EM
        algorithm (:func:`~statmodels.jump.em_panel`; standard errors from
        the observed information at its solution), or NUTS (``init``
        defaults to nothing; pass ``init=mle_fit`` to start the chains near
        the MLE).
    prior : tuple of float
        Gamma(shape, rate) prior of each rate for ``method="nuts"``.
    n_states : int, optional
        Size of the state space when ``observations`` is a DataFrame.
    decimals : int
        Rounding used to pool equal interval lengths.
    misclassification : array_like of bool, optional
        Allowed misclassifications (``[i, j]`` True: true state ``i`` may be
        recorded as ``j``), as msm's ``ematrix``; the model is then a hidden
        Markov model (:class:`MisclassifiedPanelModel`).
    covariates : str or list of str, optional
        Covariates on the log intensities, ``q_ij(z) = q_ij exp(beta_ij' z)``,
        as msm's ``covariates=``: a formula right-hand side such as
        ``"~ age + sex"`` (formulaic; categorical columns get treatment
        contrasts) or a list of column names of ``observations``, which must
        then be a DataFrame. Each interval uses the covariates recorded at
        its start (:class:`CovariatePanelModel`). Not available together
        with ``misclassification`` or ``method="em"``.
    constraint : dict or "shared", optional
        Coefficients shared across transitions, as msm's ``constraint=``
        (see :class:`CovariatePanelModel`).
    center : bool
        Centre the covariates at their means over the interval starts (msm's
        default), so the baseline rates are the rates at the means.
    **kwargs
        Passed to :func:`statmodels.inference.mle`, :func:`em_panel` or
        ``nuts``.

    Returns
    -------
    MJPFit
        A ``Fit`` with ``rate_matrix`` (and ``emission_matrix`` with
        misclassification).
    """
    if covariates is not None:
        if misclassification is not None:
            raise ValueError(
                "covariates together with misclassification are not supported; "
                "fit one or the other"
            )
        if method == "em":
            raise ValueError(
                "the EM algorithm does not take covariates; use method='mle'"
            )
        if not isinstance(observations, pd.DataFrame):
            raise TypeError(
                "covariates need the observations as a DataFrame with columns id, "
                f"time, state and the covariates; got {type(observations).__name__}"
            )
        model = CovariatePanelModel(
            observations,
            covariates,
            pattern,
            constraint,
            center,
            prior,
            decimals,
            n_states,
        )
        return _run(model, method, kwargs)
    if constraint is not None:
        raise ValueError("constraint= applies only with covariates=")
    if isinstance(observations, pd.DataFrame):
        observations = PanelData.from_frame(observations, n_states)
    if not isinstance(observations, PanelData):
        raise TypeError(
            "fit_panel needs PanelData or a DataFrame with id, time, state; got "
            f"{type(observations).__name__}"
        )
    if method == "em":
        if misclassification is not None:
            raise ValueError(
                "the EM algorithm here has no misclassification; use method='mle'"
            )
        from statmodels.jump.em import em_panel

        return em_panel(observations, pattern, decimals=decimals, **kwargs)["fit"]
    if misclassification is None:
        model = PanelModel(observations, pattern, prior, decimals)
    else:
        model = MisclassifiedPanelModel(
            observations, pattern, misclassification, prior, decimals
        )
    return _run(model, method, kwargs)


def _run(model, method, kwargs) -> MJPFit:
    if method == "mle":
        return MJPFit.wrap(mle(model, **kwargs))
    if method == "nuts":
        return MJPFit.wrap(nuts(model, **kwargs))
    raise ValueError(f"method must be 'mle' or 'nuts'; got {method!r}")


@dataclass
class GammaPosterior:
    """The conjugate Gamma posterior of the rates from complete paths.

    Attributes
    ----------
    pairs : numpy.ndarray
        Allowed transitions (from, to), one row per rate.
    shape, rate : numpy.ndarray
        Posterior Gamma parameters ``a + N_ij`` and ``b + R_i``.
    n_states : int
        Size of the state space.
    """

    pairs: np.ndarray
    shape: np.ndarray
    rate: np.ndarray
    n_states: int

    @property
    def mean(self) -> np.ndarray:
        """Posterior means of the rates."""
        return self.shape / self.rate

    @property
    def sd(self) -> np.ndarray:
        """Posterior standard deviations of the rates."""
        return np.sqrt(self.shape) / self.rate

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Equal-tailed credible intervals.

        Parameters
        ----------
        level : float
            Credibility level.

        Returns
        -------
        tuple of numpy.ndarray
            Lower and upper limits.
        """
        law = scipy.stats.gamma(self.shape, scale=1 / self.rate)
        return law.ppf((1 - level) / 2), law.ppf((1 + level) / 2)

    @property
    def rate_matrix(self) -> np.ndarray:
        """The rate matrix at the posterior mean."""
        Q = np.zeros((self.n_states,) * 2)
        Q[self.pairs[:, 0], self.pairs[:, 1]] = self.mean
        return Q - np.diag(Q.sum(axis=1))

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """Independent posterior draws of the rates, shape (n, n_rates).

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int
            Random seed.

        Returns
        -------
        numpy.ndarray
        """
        rng = np.random.default_rng(seed)
        return rng.gamma(self.shape, 1 / self.rate, size=(n, len(self.shape)))


def gamma_posterior(paths: Paths, pattern=None, prior=DEFAULT_PRIOR) -> GammaPosterior:
    """The exact Gamma posterior of the rates given complete paths.

    Parameters
    ----------
    paths : Paths
        Fully observed paths.
    pattern : array_like of bool, optional
        Allowed transitions (default: all).
    prior : tuple of float
        Gamma(shape ``a``, rate ``b``) prior of each rate.

    Returns
    -------
    GammaPosterior
        Posterior ``Gamma(a + N_ij, b + R_i)`` of each rate.
    """
    model = CompleteDataModel(paths, pattern, prior)
    a, b = model.prior
    return GammaPosterior(
        model.pairs, a + model.counts, b + model.exposure, model.n_states
    )


# A saved fit of a jump process loads back as an MJPFit.
_JumpModel.fit_class = MJPFit
