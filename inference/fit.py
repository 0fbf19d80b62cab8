"""The one result type of every back end.

A :class:`Fit` holds the model, how it was fitted, and either the maximum
likelihood estimate with its covariance (``method == "mle"``) or draws from a
posterior or its variational approximation (``"nuts"``, ``"svi"``). Everything
a user reads off a fit goes through the same few routes: the parameter table,
:meth:`Fit.summary`, the information criteria, :meth:`Fit.transform` (the
delta method for an MLE, the draws for a posterior), :meth:`Fit.predict`, the
ArviZ DataTree :attr:`Fit.idata`, and :meth:`Fit.save` / :func:`load`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cached_property

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import scipy.stats
from statmodels.inference.model import Model, ParameterSpace

#: Largest number of pointwise log-likelihood values kept in ``idata``.
MAX_POINTWISE = 20_000_000

LINKS: dict[str, tuple[Callable, Callable, Callable]] = {
    # name: (link, inverse link, derivative of the link)
    "identity": (lambda x: x, lambda y: y, lambda x: np.ones_like(x)),
    "log": (np.log, np.exp, lambda x: 1 / x),
    "cloglog": (
        lambda x: np.log(-np.log(x)),
        lambda y: np.exp(-np.exp(y)),
        lambda x: 1 / (x * np.log(x)),
    ),
    "logit": (
        lambda x: np.log(x) - np.log1p(-x),
        lambda y: 1 / (1 + np.exp(-y)),
        lambda x: 1 / (x * (1 - x)),
    ),
}


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    for cut, mark in ((0.001, "***"), (0.01, "**"), (0.05, "*"), (0.1, ".")):
        if p < cut:
            return mark
    return ""


def _format_p(p: float) -> str:
    if not np.isfinite(p):
        return "NA"
    return "<2e-16" if p < 2e-16 else f"{p:.3g}"


def format_table(frame: pd.DataFrame, digits: int = 4) -> str:
    """Format a numeric table the way R prints coefficient matrices."""
    shown = frame.copy()
    for col in shown.columns:
        values = shown[col]
        if col in ("Pr(>|z|)",):
            shown[col] = [_format_p(v) for v in values]
        elif pd.api.types.is_float_dtype(values):
            shown[col] = [
                "NA" if not np.isfinite(v) else f"{v:.{digits}g}" for v in values
            ]
    return shown.to_string()


class Fit:
    """A fitted model: estimates, uncertainty, diagnostics and predictions.

    Do not build one by hand; the back ends (:func:`~statmodels.inference.mle`,
    :func:`~statmodels.inference.nuts`, :func:`~statmodels.inference.svi`) and
    :func:`load` return it.

    Attributes
    ----------
    model
        The :class:`~statmodels.inference.Model` that was fitted.
    method
        ``"mle"``, ``"map"`` (posterior mode, :func:`~statmodels.inference.
        map_fit`), ``"nuts"`` or ``"svi"``.
    draws
        For posterior fits, constrained parameter draws, each shaped
        ``(chain, draw, *site_shape)``; for an MLE or MAP, one chain of one
        draw holding the estimate.
    info
        Numbers about the fitting run (iterations, compile and run seconds,
        divergences, ...).
    backend_caveats
        Sentences from the back end (convergence, identifiability); the
        :attr:`caveats` property adds the model's own.
    """

    def __init__(
        self,
        model: Model,
        method: str,
        draws: dict[str, np.ndarray],
        info: dict,
        caveats: list[str],
        *,
        cov_unconstrained: np.ndarray | None = None,
        sample_stats: dict[str, np.ndarray] | None = None,
        elbo: np.ndarray | None = None,
    ):
        self.model = model
        self.method = method
        self.draws = {k: np.asarray(v) for k, v in draws.items()}
        self.info = dict(info)
        self.backend_caveats = list(caveats)
        self.cov_unconstrained = cov_unconstrained
        self.sample_stats = sample_stats or {}
        self.elbo = elbo
        self.level = float(self.info.get("level", 0.95))

    @cached_property
    def caveats(self) -> list[str]:
        """Caveats in words: the back end's, then the model's."""
        return self.backend_caveats + list(self.model.caveats(self))

    # ---- construction ---------------------------------------------------
    @classmethod
    def from_mle(cls, model, space, u_hat, cov_u, info, caveats) -> Fit:
        """A fit from an MLE ``u_hat`` (unconstrained) and its covariance."""
        params = space.constrain(jnp.asarray(u_hat))
        draws = {k: np.asarray(v)[None, None] for k, v in params.items()}
        info = dict(info, u_hat=np.asarray(u_hat).tolist())
        return cls(model, "mle", draws, info, caveats, cov_unconstrained=cov_u)

    @cached_property
    def space(self) -> ParameterSpace:
        """The model's parameter space (latent sites and their transforms)."""
        return ParameterSpace.of(self.model)

    # ---- point estimates --------------------------------------------------
    @property
    def is_bayesian(self) -> bool:
        """Whether the fit holds posterior (or variational) draws; an MLE
        and a posterior mode (MAP) are point estimates with a covariance."""
        return self.method not in ("mle", "map")

    @cached_property
    def estimate(self) -> dict[str, np.ndarray]:
        """The MLE, or the posterior mean, of each parameter site."""
        return {k: v.mean(axis=(0, 1)) for k, v in self.draws.items()}

    @cached_property
    def u_hat(self) -> np.ndarray:
        """The estimate in unconstrained coordinates."""
        if "u_hat" in self.info:
            return np.asarray(self.info["u_hat"], dtype=float)
        return np.asarray(self.space.unconstrain(self.estimate))

    @property
    def n_params(self) -> int:
        """Number of free scalar parameters."""
        return self.space.size

    @property
    def nobs(self) -> int:
        """Number of observations."""
        return self.model.nobs

    @cached_property
    def log_likelihood(self) -> float:
        """Maximised log-likelihood (posterior fits: at the posterior mean)."""
        if "log_likelihood" in self.info and not self.is_bayesian:
            return float(self.info["log_likelihood"])
        return float(
            jax.jit(self.space.log_likelihood)(self.estimate, self.model.data())
        )

    @property
    def aic(self) -> float:
        """Akaike's information criterion, -2 log L + 2 k."""
        return -2 * self.log_likelihood + 2 * self.n_params

    @property
    def bic(self) -> float:
        """Schwarz's criterion, -2 log L + k log n."""
        return -2 * self.log_likelihood + self.n_params * math.log(self.nobs)

    # ---- the parameter table ----------------------------------------------
    def _flat_draws(self) -> np.ndarray:
        """Draws as a (num_draws, n_params) matrix of constrained values."""
        cols = [
            self.draws[k].reshape(-1, int(np.prod(self.draws[k].shape[2:])))
            for k in self.space.names
        ]
        return np.concatenate(cols, axis=1)

    def cov(self) -> pd.DataFrame:
        """Covariance matrix of the constrained parameters.

        For an MLE, the inverse observed information mapped through the
        Jacobian of the transforms; for a posterior, the covariance of draws.
        """
        labels = self.space.flat_labels(self.model.labels())
        if self.is_bayesian:
            mat = np.cov(self._flat_draws(), rowvar=False).reshape(len(labels), -1)
        else:
            space = self.space
            jac = np.asarray(
                jax.jit(jax.jacfwd(lambda u: space.ravel(space.constrain(u))))(
                    jnp.asarray(self.u_hat)
                )
            )
            mat = jac @ self.cov_unconstrained @ jac.T
        return pd.DataFrame(mat, index=labels, columns=labels)

    @cached_property
    def params(self) -> pd.DataFrame:
        """The parameter table.

        Columns ``estimate`` (MLE or posterior mean), ``std_error`` (standard
        error, or posterior standard deviation), ``lower`` and ``upper`` (Wald
        interval computed on the unconstrained scale, or equal-tailed
        posterior interval, at :attr:`level`); MLE fits add ``z`` and
        ``p_value``, NUTS fits ``r_hat``, ``ess_bulk`` and ``ess_tail``.
        """
        labels = self.space.flat_labels(self.model.labels())
        alpha = 1 - self.level
        if self.is_bayesian:
            flat = self._flat_draws()
            table = pd.DataFrame(
                {
                    "estimate": flat.mean(axis=0),
                    "std_error": flat.std(axis=0, ddof=1),
                    "lower": np.quantile(flat, alpha / 2, axis=0),
                    "upper": np.quantile(flat, 1 - alpha / 2, axis=0),
                },
                index=labels,
            )
            if self.method == "nuts":
                for col, values in self._mcmc_diagnostics().items():
                    table[col] = values
            return table
        est = self.space.ravel(self.estimate)
        se = np.sqrt(np.clip(np.diag(self.cov().to_numpy()), 0, None))
        zcrit = scipy.stats.norm.ppf(1 - alpha / 2)
        se_u = np.sqrt(np.clip(np.diag(self.cov_unconstrained), 0, None))
        lower_u, upper_u = self.u_hat - zcrit * se_u, self.u_hat + zcrit * se_u
        to_flat = jax.jit(lambda u: self.space.ravel(self.space.constrain(u)))
        lower, upper = np.asarray(to_flat(lower_u)), np.asarray(to_flat(upper_u))
        est = np.asarray(est)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = est / se
        return pd.DataFrame(
            {
                "estimate": est,
                "std_error": se,
                "lower": np.minimum(lower, upper),
                "upper": np.maximum(lower, upper),
                "z": z,
                "p_value": 2 * scipy.stats.norm.sf(np.abs(z)),
            },
            index=labels,
        )

    def _mcmc_diagnostics(self) -> dict[str, np.ndarray]:
        import arviz as az

        post = self.idata["posterior"]
        out = {}
        for col, fn in (
            ("r_hat", lambda: az.rhat(post)),
            ("ess_bulk", lambda: az.ess(post, method="bulk")),
            ("ess_tail", lambda: az.ess(post, method="tail")),
        ):
            ds = fn()
            out[col] = np.concatenate(
                [np.ravel(ds[k].values) for k in self.space.names]
            )
        return out

    # ---- derived quantities ------------------------------------------------
    def transform(
        self,
        fn: Callable[[dict], jax.Array],
        link: str = "identity",
        level: float | None = None,
    ) -> dict[str, np.ndarray]:
        """Estimate a derived quantity ``fn(params)`` with its uncertainty.

        For an MLE this is the delta method: the standard error from the
        gradient of ``fn`` and the covariance, the interval computed on the
        ``link`` scale (``"identity"``, ``"log"``, ``"cloglog"``, ``"logit"``)
        and mapped back, so that it respects the quantity's range. For a
        posterior it is ``fn`` applied to every draw: the mean (the median
        where some draws are infinite), standard deviation and equal-tailed
        interval.

        Parameters
        ----------
        fn
            Maps a dict of constrained parameter values to an array.
        link
            Scale of the Wald interval for an MLE.
        level
            Interval level (default: the fit's).

        Returns
        -------
        dict
            Arrays ``estimate``, ``std_error``, ``lower``, ``upper`` of the
            shape of ``fn``'s output.
        """
        level = self.level if level is None else level
        alpha = 1 - level
        if self.is_bayesian:
            flat = {k: v.reshape((-1,) + v.shape[2:]) for k, v in self.draws.items()}
            values = np.asarray(jax.lax.map(fn, flat, batch_size=256))
            finite = np.isfinite(values).all(axis=0)
            est = np.where(finite, values.mean(axis=0), np.median(values, axis=0))
            with np.errstate(invalid="ignore"):
                sd = np.where(finite, values.std(axis=0, ddof=1), np.inf)
            return {
                "estimate": est,
                "std_error": sd,
                "lower": np.quantile(values, alpha / 2, axis=0),
                "upper": np.quantile(values, 1 - alpha / 2, axis=0),
            }

        def g(u):
            return fn(self.space.constrain(u))

        u = jnp.asarray(self.u_hat)
        est, jac = jax.jit(lambda u: (g(u), jax.jacfwd(g)(u)))(u)
        est = np.asarray(est)
        jac = np.asarray(jac).reshape(est.size, -1)
        var = np.einsum("ij,jk,ik->i", jac, self.cov_unconstrained, jac)
        se = np.sqrt(np.clip(var, 0, None)).reshape(est.shape)
        fwd, inv, deriv = LINKS[link]
        zcrit = scipy.stats.norm.ppf(1 - alpha / 2)
        with np.errstate(all="ignore"):
            se_link = np.abs(deriv(est)) * se
            lo, hi = inv(fwd(est) - zcrit * se_link), inv(fwd(est) + zcrit * se_link)
            # At the edge of the link's range (a survival of exactly 1, an
            # infinite quantile) the interval collapses onto the estimate.
            degenerate = ~np.isfinite(se_link) | (se == 0)
            lo = np.where(degenerate, est, lo)
            hi = np.where(degenerate, est, hi)
            se = np.where(np.isfinite(est), se, np.inf)
        return {
            "estimate": est,
            "std_error": se,
            "lower": np.minimum(lo, hi),
            "upper": np.maximum(lo, hi),
        }

    def predict(self, newdata=None, **kwargs) -> pd.DataFrame:
        """Predictions; the model's ``predict`` documents the types."""
        return self.model.predict(self, newdata, **kwargs)

    # ---- posterior tools -----------------------------------------------------
    def pointwise_log_likelihood(self) -> dict[str, np.ndarray]:
        """Log-likelihood of each observation at each draw ``(chain, draw, n)``."""
        data = self.model.data()
        flat = {k: v.reshape((-1,) + v.shape[2:]) for k, v in self.draws.items()}
        flat = {k: v for k, v in flat.items() if k in self.space.names}
        out = jax.lax.map(
            lambda p: self.space.pointwise_log_likelihood(p, data), flat, batch_size=64
        )
        chains, ndraw = next(iter(self.draws.values())).shape[:2]
        return {k: np.asarray(v).reshape(chains, ndraw, -1) for k, v in out.items()}

    def loo(self):
        """PSIS leave-one-out cross-validation (ArviZ) for a posterior fit."""
        import arviz as az

        if not self.is_bayesian:
            raise ValueError(
                "loo() needs posterior draws; refit with method='nuts' or 'svi', "
                "or compare MLE fits by aic/bic"
            )
        if "log_likelihood" not in self.idata.children:
            raise ValueError(
                "this fit has no log_likelihood group (too many observations "
                "times draws were kept out); refit with fewer draws"
            )
        return az.loo(self.idata)

    @cached_property
    def idata(self):
        """The ArviZ DataTree: posterior, log_likelihood, observed_data, ...

        For an MLE, the ``posterior`` group holds the estimate as one chain of
        one draw (its attributes say so) and ``mle_covariance`` the inverse
        observed information in unconstrained coordinates.
        """
        from statmodels.inference.io import build_datatree

        return build_datatree(self)

    # ---- summary -------------------------------------------------------------
    def summary(self) -> Summary:
        """An R-like summary; ``print(fit.summary())`` shows it."""
        return Summary(self)

    def __repr__(self) -> str:
        return (
            f"<Fit {self.model.title} by {self.method}: log-likelihood "
            f"{self.log_likelihood:.6g}, {self.n_params} parameters, "
            f"n = {self.nobs}>"
        )

    # ---- persistence ---------------------------------------------------------
    def save(self, path) -> None:
        """Write the fit to a netCDF file that :func:`statmodels.load` reads."""
        from statmodels.inference.io import save

        save(self, path)


class Summary:
    """The printed summary of a :class:`Fit` (``str()`` gives the text)."""

    def __init__(self, fit: Fit):
        self.fit = fit

    def coefficient_table(self) -> pd.DataFrame:
        """The coefficient table as printed, before formatting."""
        fit = self.fit
        table = fit.params
        pct = f"{100 * fit.level:g}%"
        if fit.is_bayesian:
            cols = {
                "estimate": "Mean",
                "std_error": "SD",
                "lower": f"lower {pct}",
                "upper": f"upper {pct}",
                "r_hat": "R-hat",
                "ess_bulk": "ESS bulk",
                "ess_tail": "ESS tail",
            }
            return table[[c for c in cols if c in table]].rename(columns=cols)
        out = table[["estimate", "std_error", "z", "p_value"]].rename(
            columns={
                "estimate": "Estimate",
                "std_error": "Std. Error",
                "z": "z value",
                "p_value": "Pr(>|z|)",
            }
        )
        out[""] = [_stars(p) for p in table["p_value"]]
        return out

    def __str__(self) -> str:
        fit = self.fit
        lines = [fit.model.title, "", "Call:", fit.model.call(), ""]
        method = {
            "mle": "maximum likelihood",
            "map": (
                "maximum a posteriori: the mode of the log posterior density "
                "on the\nunconstrained scale; standard errors from the Laplace "
                "approximation"
            ),
            "nuts": "NUTS (numpyro)",
            "svi": "variational inference (numpyro SVI)",
        }[fit.method]
        lines.append(f"Fitted by {method}.")
        if fit.method == "map":
            lines.append(f"Log posterior: {fit.info['log_posterior']:.6g}.")
        if fit.method == "nuts":
            lines.append(
                f"{fit.info['num_chains']} chains x {fit.info['num_samples']} draws "
                f"after {fit.info['num_warmup']} warm-up; "
                f"{fit.info['divergences']} divergent transitions"
            )
        if fit.method == "svi":
            lines.append(
                f"{fit.info['guide']} guide, {fit.info['num_steps']} steps, final "
                f"ELBO {fit.info['final_elbo']:.6g}; {fit.info['num_samples']} draws"
            )
        lines += ["", "Coefficients:", format_table(self.coefficient_table())]
        if not fit.is_bayesian:
            lines.append("---")
            lines.append(
                "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1"
            )
        for title, text in fit.model.summary_sections(fit):
            lines += ["", title, text]
        lines.append("")
        lines.append(fit.model.summary_counts(fit))
        at = {"map": " at the mode"}.get(fit.method, "")
        at = " at the posterior mean" if fit.is_bayesian else at
        lines.append(
            f"Log-likelihood{at}: {fit.log_likelihood:.6g} (df = {fit.n_params})"
            f"   AIC: {fit.aic:.6g}   BIC: {fit.bic:.6g}"
        )
        if fit.caveats:
            lines += ["", "Caveats:"]
            lines += [f"  - {c}" for c in fit.caveats]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython
        printer.text(str(self))
