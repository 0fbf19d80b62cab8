r"""The adapted power generalised Weibull (APGW) family and its relatives.

Burke, Jones & Noufaily (2020), "A flexible parametric modelling framework for
survival analysis", JRSS C 69(2). With :math:`z = (\phi t)^\gamma` and
:math:`a = \kappa + 1`,

.. math::

    H_0(z; \kappa) = \frac{a}{\kappa}\left[(1 + z/a)^\kappa - 1\right], \qquad
    H(t) = \lambda H_0(z; \kappa), \qquad S(t) = e^{-H(t)},

    h(t) = \lambda \gamma \phi (\phi t)^{\gamma - 1} (1 + z/a)^{\kappa - 1}.

Glossary: ``phi`` > 0 is the accelerated-failure-time scale, ``lambda`` > 0
the proportional-hazards scale, ``gamma`` > 0 the power shape and ``kappa`` >
-1 the distribution selector: ``kappa = 1`` is Weibull, ``kappa = 0`` (the
limit) Burr XII and, with ``lambda = 1``, log-logistic; ``kappa -> inf`` with
``gamma = 1`` is Gompertz; ``-1 < kappa < 0`` is a defective distribution with
cure fraction :math:`S(\infty) = \exp(\lambda a / \kappa)`.

Numerics. With :math:`w = \log(1 + z/a)` (a softplus of :math:`\log z -
\log a`), :math:`H_0 = a\, w\, E(\kappa w)` where :math:`E(y) = (e^y - 1)/y`.
:math:`\log E` is evaluated by series near 0 and by ``expm1``/``log1p`` forms
elsewhere, so that :math:`H_0` is exact across :math:`\kappa = 0`, and stable
for large :math:`\kappa` and for :math:`\kappa < 0` in float64. All functions
take the log-parameters ``log_phi``, ``log_lambda``, ``log_gamma`` and
``log_a = log(kappa + 1)`` (the scales on which covariates enter) as arrays
broadcasting with ``t``. The log-normal AFT family, not an APGW case, is
here too, in the same parameters: :math:`\log S = \log\Phi(-\gamma \log(\phi
t))`.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax.scipy.special import log_ndtr, ndtri
from jax.scipy.stats import norm

_SMALL = 1e-4


def _safe(cond, x, fill=1.0):
    """``x`` where ``cond`` holds, else ``fill``: keeps gradients finite."""
    return jnp.where(cond, x, fill)


def log_expm1_over(y):
    r""":math:`\log((e^y - 1)/y)`, exact near 0 and stable for large :math:`|y|`."""
    small = jnp.abs(y) < _SMALL
    ys = _safe(~small, y)
    pos = ys + jnp.log(-jnp.expm1(-_safe(ys > 0, ys))) - jnp.log(_safe(ys > 0, ys))
    neg = jnp.log(-jnp.expm1(_safe(ys < 0, ys, -1.0))) - jnp.log(
        -_safe(ys < 0, ys, -1.0)
    )
    series = y / 2 + y * y / 24 - y**4 / 2880
    return jnp.where(small, series, jnp.where(y > 0, pos, neg))


def log1p_over(x):
    r""":math:`\log(1 + x)/x` with its limit 1 at :math:`x = 0`."""
    small = jnp.abs(x) < _SMALL
    xs = _safe(~small, x)
    series = 1 + x * (-1 / 2 + x * (1 / 3 + x * (-1 / 4 + x / 5)))
    return jnp.where(small, series, jnp.log1p(xs) / xs)


def expm1_over(x):
    r""":math:`(e^x - 1)/x` with its limit 1 at :math:`x = 0`."""
    small = jnp.abs(x) < _SMALL
    xs = _safe(~small, x)
    series = 1 + x * (1 / 2 + x * (1 / 6 + x * (1 / 24 + x / 120)))
    return jnp.where(small, series, jnp.expm1(xs) / xs)


def log_h0(log_z, log_a):
    r"""Log of the baseline cumulative hazard :math:`\log H_0(z; \kappa)`."""
    kappa = jnp.expm1(log_a)
    w = jnp.logaddexp(0.0, log_z - log_a)
    return log_a + jnp.log(w) + log_expm1_over(kappa * w)


class APGW:
    """The APGW family.

    Parameters
    ----------
    gompertz
        Take the Gompertz limit (kappa -> inf, gamma = 1).
    kappa
        A fixed value of kappa known when the model is built; kappa = 1
        (Weibull) and kappa = 0 (Burr, log-logistic) then use their closed
        forms, which makes the likelihood several times cheaper.
    """

    def __init__(self, gompertz: bool = False, kappa: float | None = None):
        self.gompertz = gompertz
        self.kappa = kappa

    # ---- the likelihood's building blocks, from log t -----------------------
    def _h0_and_w(self, log_z, log_a):
        """Baseline cumulative hazard H0 and w = log(1 + z / a)."""
        if self.kappa == 1.0:
            return jnp.exp(log_z), None
        w = jnp.logaddexp(0.0, log_z - log_a)
        if self.kappa == 0.0:
            return jnp.exp(log_a) * w, w
        kappa = jnp.expm1(log_a)
        return jnp.exp(log_a) * w * expm1_over(kappa * w), w

    def cumhaz(self, log_t, log_phi, log_lambda, log_gamma, log_a):
        """Cumulative hazard H(t) from log t."""
        if self.gompertz:
            return jnp.exp(log_lambda) * jnp.expm1(jnp.exp(log_phi + log_t))
        log_z = jnp.exp(log_gamma) * (log_phi + log_t)
        return jnp.exp(log_lambda) * self._h0_and_w(log_z, log_a)[0]

    def terms(self, log_t, log_phi, log_lambda, log_gamma, log_a):
        """H(t) and log h(t) from log t, sharing work."""
        if self.gompertz:
            x = jnp.exp(log_phi + log_t)
            return jnp.exp(log_lambda) * jnp.expm1(x), log_lambda + log_phi + x
        gamma = jnp.exp(log_gamma)
        log_phit = log_phi + log_t
        h0, w = self._h0_and_w(gamma * log_phit, log_a)
        log_h = log_lambda + log_gamma + log_phit + (gamma - 1) * log_phit - log_t
        if w is not None:
            log_h = log_h + (jnp.expm1(log_a) - 1) * w
        return jnp.exp(log_lambda) * h0, log_h

    # ---- log-domain forms, accurate at extreme times (predictions) ----------
    def log_cumhaz(self, t, log_phi, log_lambda, log_gamma, log_a):
        """Log cumulative hazard log H(t) at ``t > 0``."""
        if self.gompertz:
            x = jnp.exp(log_phi) * t
            return log_lambda + jnp.log(x) + log_expm1_over(x)
        log_z = jnp.exp(log_gamma) * (log_phi + jnp.log(t))
        return log_lambda + log_h0(log_z, log_a)

    def log_hazard(self, t, log_phi, log_lambda, log_gamma, log_a):
        """Log hazard log h(t) at ``t > 0``."""
        if self.gompertz:
            return log_lambda + log_phi + jnp.exp(log_phi) * t
        gamma, kappa = jnp.exp(log_gamma), jnp.expm1(log_a)
        log_phit = log_phi + jnp.log(t)
        w = jnp.logaddexp(0.0, gamma * log_phit - log_a)
        return (
            log_lambda + log_gamma + log_phi + (gamma - 1) * log_phit + (kappa - 1) * w
        )

    def cure_fraction(self, log_phi, log_lambda, log_gamma, log_a):
        """S(inf): ``exp(lambda a / kappa)`` if ``kappa < 0``, else 0."""
        if self.gompertz:
            return jnp.zeros_like(log_lambda + log_phi)
        kappa = jnp.expm1(log_a)
        neg = kappa < 0
        k = _safe(neg, kappa, -1.0)
        return jnp.where(neg, jnp.exp(jnp.exp(log_lambda + log_a) / k), 0.0)

    def quantile(self, p, log_phi, log_lambda, log_gamma, log_a):
        """Time ``t`` with ``F(t) = p``; infinite beyond the cure fraction."""
        q = -jnp.log1p(-p)
        if self.gompertz:
            return jnp.log1p(q * jnp.exp(-log_lambda)) / jnp.exp(log_phi)
        kappa = jnp.expm1(log_a)
        y = q * jnp.exp(-log_lambda - log_a)
        # (1 + z/a)^kappa = 1 + kappa y, so z = a (exp(log1p(kappa y)/kappa) - 1).
        reachable = 1 + kappa * y > 0
        ky = _safe(reachable, kappa * y, 0.0)
        log_base = y * log1p_over(ky)
        log_z = log_a + jnp.log(log_base) + jnp.log(expm1_over(log_base))
        t = jnp.exp(log_z / jnp.exp(log_gamma) - log_phi)
        return jnp.where(reachable, t, jnp.inf)


class LogNormal:
    """Log-normal AFT: ``log T = -log phi + Z / gamma`` with Z standard normal."""

    gompertz = False

    def cumhaz(self, log_t, log_phi, log_lambda, log_gamma, log_a):
        """Cumulative hazard -log S(t) from log t."""
        return -log_ndtr(-jnp.exp(log_gamma) * (log_phi + log_t))

    def terms(self, log_t, log_phi, log_lambda, log_gamma, log_a):
        """H(t) and log h(t) from log t."""
        v = jnp.exp(log_gamma) * (log_phi + log_t)
        log_surv = log_ndtr(-v)
        return -log_surv, log_gamma - log_t + norm.logpdf(v) - log_surv

    def log_cumhaz(self, t, log_phi, log_lambda, log_gamma, log_a):
        """Log cumulative hazard, :math:`\\log(-\\log S(t))`."""
        v = jnp.exp(log_gamma) * (log_phi + jnp.log(t))
        return jnp.log(-log_ndtr(-v))

    def log_hazard(self, t, log_phi, log_lambda, log_gamma, log_a):
        """Log hazard: log density minus log survival."""
        v = jnp.exp(log_gamma) * (log_phi + jnp.log(t))
        return log_gamma - jnp.log(t) + norm.logpdf(v) - log_ndtr(-v)

    def cure_fraction(self, log_phi, log_lambda, log_gamma, log_a):
        """Zero: the log-normal is a proper distribution."""
        return jnp.zeros_like(log_phi + log_gamma)

    def quantile(self, p, log_phi, log_lambda, log_gamma, log_a):
        """Time ``t`` with ``F(t) = p``."""
        return jnp.exp(ndtri(p) / jnp.exp(log_gamma) - log_phi)
