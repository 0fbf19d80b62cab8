"""Correlation functions of stationary Gaussian processes.

Every object here describes a correlation function r(t) with r(0) = 1 and a
finite second spectral moment lambda_2 = -r''(0), i.e. a process with
mean-square differentiable paths and a finite rate of zero crossings.

Each covariance provides, for t >= 0 (and by symmetry for t < 0):

* ``r(t)``, ``dr(t)`` and ``d2r(t)``: the function and its first two
  derivatives;
* ``one_minus_r(t)``: 1 - r(t) computed without cancellation near t = 0,
  which the Slepian clipped mean E0 needs because 1 - r(t)^2 ~ lambda_2 t^2;
* ``log_neg_dr(t)``: log(-r'(t)), so that tails can be integrated in log space
  without underflow;
* ``lambda2`` and ``tail_rate``: the second spectral moment and the
  exponential decay rate of r (``inf`` for super-exponential decay, 0 when the
  decay is only algebraic).

Built in: :class:`Diffusion`, :class:`RandomAcceleration`,
:class:`GaussianCovariance`, :class:`Matern`, :class:`Sinc` and
:class:`DampedCosine`; :class:`UserCovariance` wraps any callable, using JAX
automatic differentiation for the derivatives the user does not give.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import special

__all__ = [
    "Covariance",
    "DampedCosine",
    "Diffusion",
    "GaussianCovariance",
    "Matern",
    "RandomAcceleration",
    "Sinc",
    "UserCovariance",
    "parse_covariance",
]

# Gauss-Legendre nodes on [0, 1] for the stable 1 - r(t) = -int_0^t r'(s) ds.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(40)
_GL_X = 0.5 * (_GL_X + 1.0)
_GL_W = 0.5 * _GL_W


def _log_cosh(x):
    """Return log(cosh(x)) without overflow or cancellation."""
    x = np.abs(np.asarray(x, dtype=float))
    small = x < 1.0
    out = np.empty_like(x)
    xs = x[small]
    out[small] = np.log1p(2.0 * np.sinh(0.5 * xs) ** 2)
    xl = x[~small]
    out[~small] = xl + np.log1p(np.exp(-2.0 * xl)) - math.log(2.0)
    return out


def _kve(v, x):
    """Exponentially scaled K_v(x); asymptotic series for huge x.

    scipy's kve returns NaN for x >~ 1e10, which the quadrature nodes reach.
    """
    x = np.asarray(x, dtype=float)
    big = x > 1e7
    xs = np.where(big, 1.0, x)
    xb = np.where(big, x, 1e7)
    mu = 4.0 * v * v
    asym = np.sqrt(np.pi / (2.0 * xb)) * (1.0 + (mu - 1.0) / (8.0 * xb))
    return np.where(big, asym, special.kve(v, xs))


class Covariance:
    """Base class for a stationary correlation function r(t).

    Subclasses implement ``_r``, ``_dr`` and ``_d2r`` for t >= 0 and set
    ``lambda2`` and ``tail_rate``. They may override ``_one_minus_r`` and
    ``_log_neg_dr`` with closed forms; the defaults are numerically stable but
    slower.

    Attributes
    ----------
    lambda2 : float
        Second spectral moment -r''(0).
    tail_rate : float
        Exponential decay rate gamma of r(t) ~ exp(-gamma t) (``inf`` if the
        decay is faster than exponential, 0 if it is slower).
    name : str
        Short label used in tables and plots.
    """

    lambda2: float = float("nan")
    tail_rate: float = float("nan")
    name: str = "covariance"
    #: Known exact persistence exponent, if any (``None`` otherwise).
    exact_exponent: float | None = None
    #: Sufficient condition for a valid Slepian IIA holds analytically.
    monotone: bool | None = None

    # -- public, vectorised, symmetric in t ---------------------------------
    def r(self, t):
        """Correlation r(t).

        Parameters
        ----------
        t : array_like
            Time lags (any sign).

        Returns
        -------
        numpy.ndarray
            r(|t|).
        """
        return self._r(np.abs(np.asarray(t, dtype=float)))

    def dr(self, t):
        """First derivative r'(t) (an odd function of t).

        Parameters
        ----------
        t : array_like
            Time lags (any sign).

        Returns
        -------
        numpy.ndarray
            r'(t).
        """
        t = np.asarray(t, dtype=float)
        return np.sign(t) * self._dr(np.abs(t))

    def d2r(self, t):
        """Second derivative r''(t) (an even function of t).

        Parameters
        ----------
        t : array_like
            Time lags (any sign).

        Returns
        -------
        numpy.ndarray
            r''(|t|).
        """
        return self._d2r(np.abs(np.asarray(t, dtype=float)))

    def one_minus_r(self, t):
        """Return 1 - r(t), accurate to relative precision near t = 0.

        Parameters
        ----------
        t : array_like
            Time lags (any sign).

        Returns
        -------
        numpy.ndarray
            1 - r(|t|).
        """
        return self._one_minus_r(np.abs(np.asarray(t, dtype=float)))

    def log_neg_dr(self, t):
        """Return log(-r'(t)) for t > 0 (NaN where r'(t) >= 0).

        Parameters
        ----------
        t : array_like
            Positive time lags.

        Returns
        -------
        numpy.ndarray
            log(-r'(t)); ``-inf`` where -r' underflows, NaN where r' > 0.
        """
        return self._log_neg_dr(np.abs(np.asarray(t, dtype=float)))

    @property
    def mean_interval(self) -> float:
        """Mean distance between zeros, pi / sqrt(lambda_2) (Rice formula)."""
        return math.pi / math.sqrt(self.lambda2)

    @property
    def time_scale(self) -> float:
        """Natural time scale 1 / sqrt(lambda_2)."""
        return 1.0 / math.sqrt(self.lambda2)

    # -- default implementations --------------------------------------------
    def _one_minus_r(self, t):
        direct = 1.0 - self._r(t)
        small = direct < 0.1
        if np.any(small):
            ts = t[small]
            # 1 - r(t) = -int_0^t r'(s) ds with s = t u^3 (smooths a cusp of
            # r' at 0, e.g. Matern with 1 < nu < 2).
            s = ts[:, None] * _GL_X[None, :] ** 3
            integrand = -self._dr(s) * 3.0 * _GL_X[None, :] ** 2
            direct = np.array(direct, copy=True)
            direct[small] = ts * (integrand @ _GL_W)
        return direct

    def _log_neg_dr(self, t):
        ndr = -self._dr(t)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ndr >= 0, np.log(np.abs(ndr)), np.nan)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class Diffusion(Covariance):
    """Diffusion equation in d dimensions, r(t) = sech(t/2)^(d/2).

    The sign of the solution of the diffusion equation from random initial
    conditions, observed at a fixed point in logarithmic time, is a stationary
    Gaussian process with this correlation (Majumdar et al. 1996).

    Parameters
    ----------
    d : float
        Spatial dimension (any positive real).
    """

    def __init__(self, d: float = 2):
        d = float(d)
        if not (d > 0 and math.isfinite(d)):
            raise ValueError(
                f"Diffusion: dimension d must be a positive number, got {d!r}."
            )
        self.d = d
        self.p = d / 2.0
        self.lambda2 = d / 8.0
        self.tail_rate = d / 4.0
        self.name = f"diffusion d={d:g}"
        self.exact_exponent = 3.0 / 16.0 if d == 2 else None
        self.monotone = True

    def _r(self, t):
        return np.exp(-self.p * _log_cosh(0.5 * t))

    def _dr(self, t):
        x = 0.5 * t
        return -0.5 * self.p * np.exp(-self.p * _log_cosh(x)) * np.tanh(x)

    def _d2r(self, t):
        x = 0.5 * t
        sech = np.exp(-_log_cosh(x))
        tanh = np.tanh(x)
        return -0.25 * self.p * sech**self.p * (sech**2 - self.p * tanh**2)

    def _one_minus_r(self, t):
        return -np.expm1(-self.p * _log_cosh(0.5 * t))

    def _log_neg_dr(self, t):
        x = 0.5 * t
        with np.errstate(divide="ignore"):
            return math.log(0.5 * self.p) - self.p * _log_cosh(x) + np.log(np.tanh(x))

    def e0_laplace(self, s):
        """Closed-form Laplace transform of E0 (only for d = 2).

        For d = 2, E0(t) = sech(t/2) and
        L[E0](s) = psi((3 + 2 s)/4) - psi((1 + 2 s)/4).

        Parameters
        ----------
        s : array_like of complex
            Transform variable, Re s > -1/2.

        Returns
        -------
        numpy.ndarray
            L[E0](s).
        """
        if self.d != 2:
            raise NotImplementedError("closed-form L[E0] exists only for d = 2")
        s = np.asarray(s, dtype=complex)
        return special.psi((3.0 + 2.0 * s) / 4.0) - special.psi((1.0 + 2.0 * s) / 4.0)

    @property
    def has_closed_form_laplace(self) -> bool:
        """Whether :meth:`e0_laplace` is available (d = 2)."""
        return self.d == 2


class RandomAcceleration(Covariance):
    """Random acceleration process in logarithmic time.

    r(t) = (3/2) exp(-t/2) - (1/2) exp(-3 t/2); the exact persistence exponent
    is 1/4 (the integral of Brownian motion keeps its sign for a time ~ t^1/4).
    """

    def __init__(self):
        self.lambda2 = 0.75
        self.tail_rate = 0.5
        self.name = "random acceleration"
        self.exact_exponent = 0.25
        self.monotone = True

    def _r(self, t):
        return 1.5 * np.exp(-0.5 * t) - 0.5 * np.exp(-1.5 * t)

    def _dr(self, t):
        return -0.75 * np.exp(-0.5 * t) + 0.75 * np.exp(-1.5 * t)

    def _d2r(self, t):
        return 0.375 * np.exp(-0.5 * t) - 1.125 * np.exp(-1.5 * t)

    def _one_minus_r(self, t):
        # With u = 1 - exp(-t/2): 1 - r = u^2 (3 - u) / 2, free of cancellation.
        u = -np.expm1(-0.5 * t)
        return u * u * (1.5 - 0.5 * u)

    def _log_neg_dr(self, t):
        with np.errstate(divide="ignore"):
            return math.log(0.75) - 0.5 * t + np.log(-np.expm1(-t))


class GaussianCovariance(Covariance):
    """Gaussian correlation r(t) = exp(-t^2 / 2) (infinitely smooth paths).

    Parameters
    ----------
    length_scale : float, optional
        Time scale ell in r(t) = exp(-t^2 / (2 ell^2)).
    """

    def __init__(self, length_scale: float = 1.0):
        ell = float(length_scale)
        if not (ell > 0 and math.isfinite(ell)):
            raise ValueError(
                f"GaussianCovariance: length_scale must be positive, got {ell!r}."
            )
        self.ell = ell
        self.lambda2 = 1.0 / ell**2
        self.tail_rate = math.inf
        self.name = "gaussian" if ell == 1 else f"gaussian l={ell:g}"
        self.monotone = True

    def _r(self, t):
        return np.exp(-0.5 * (t / self.ell) ** 2)

    def _dr(self, t):
        x = t / self.ell
        return -x / self.ell * np.exp(-0.5 * x * x)

    def _d2r(self, t):
        x = t / self.ell
        return (x * x - 1.0) / self.ell**2 * np.exp(-0.5 * x * x)

    def _one_minus_r(self, t):
        return -np.expm1(-0.5 * (t / self.ell) ** 2)

    def _log_neg_dr(self, t):
        x = t / self.ell
        with np.errstate(divide="ignore"):
            return np.log(x) - math.log(self.ell) - 0.5 * x * x


class Matern(Covariance):
    """Matérn correlation with smoothness nu > 1.

    r(t) = 2^(1-nu) / Gamma(nu) x^nu K_nu(x) with x = sqrt(2 nu) t / ell, so
    that lambda_2 = nu / ((nu - 1) ell^2). For nu <= 1 the paths are not
    differentiable and zero crossings are not isolated, so nu must exceed 1.

    Parameters
    ----------
    nu : float
        Smoothness, > 1.
    length_scale : float, optional
        Length scale ell > 0.
    """

    def __init__(self, nu: float = 2.5, length_scale: float = 1.0):
        nu = float(nu)
        ell = float(length_scale)
        if not (nu > 1 and math.isfinite(nu)):
            raise ValueError(
                f"Matern: nu = {nu!r} gives a process without a derivative "
                "(lambda_2 = -r''(0) is infinite for nu <= 1); choose nu > 1, "
                "e.g. nu = 1.5 or 2.5."
            )
        if not (ell > 0 and math.isfinite(ell)):
            raise ValueError(f"Matern: length_scale must be positive, got {ell!r}.")
        self.nu = nu
        self.ell = ell
        self.kappa = math.sqrt(2.0 * nu) / ell
        self._logc = (1.0 - nu) * math.log(2.0) - special.gammaln(nu)
        self.lambda2 = nu / ((nu - 1.0) * ell**2)
        self.tail_rate = self.kappa
        self.name = f"matern nu={nu:g}" + ("" if ell == 1 else f" l={ell:g}")
        self.monotone = True

    def _xnu_k(self, x, power, order):
        """x^power K_order(x) for x > 0 computed through the scaled kve."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.exp(power * np.log(x) - x) * _kve(order, x)

    def _r(self, t):
        x = self.kappa * t
        out = np.ones_like(x)
        pos = x > 0
        out[pos] = np.exp(self._logc) * self._xnu_k(x[pos], self.nu, self.nu)
        return out

    def _dr(self, t):
        x = self.kappa * t
        out = np.zeros_like(x)
        pos = x > 0
        out[pos] = (
            -np.exp(self._logc)
            * self.kappa
            * self._xnu_k(x[pos], self.nu, self.nu - 1.0)
        )
        return out

    def _d2r(self, t):
        x = self.kappa * t
        # Below x = 1e-8 the limit -lambda_2 is used; for nu < 2 the true value
        # differs by ~ x^(2 nu - 2) relative (6e-4 at nu = 1.2).
        out = np.full_like(x, -self.lambda2)
        pos = x > 1e-8
        xp = x[pos]
        out[pos] = (
            -np.exp(self._logc)
            * self.kappa**2
            * (
                self._xnu_k(xp, self.nu - 1.0, self.nu - 1.0)
                - self._xnu_k(xp, self.nu, self.nu - 2.0)
            )
        )
        return out

    def _log_neg_dr(self, t):
        x = self.kappa * t
        with np.errstate(divide="ignore"):
            return (
                self._logc
                + math.log(self.kappa)
                + self.nu * np.log(x)
                - x
                + np.log(_kve(self.nu - 1.0, x))
            )


class Sinc(Covariance):
    """Sinc correlation r(t) = sin(t) / t (band-limited white spectrum).

    A non-monotone example: r(t) oscillates and decays only like 1/t, so E0
    takes negative values and the Slepian IIA is not a distribution.
    """

    def __init__(self):
        self.lambda2 = 1.0 / 3.0
        self.tail_rate = 0.0
        self.name = "sinc"
        self.monotone = False

    def _r(self, t):
        return np.sinc(t / math.pi)

    def _dr(self, t):
        small = t < 0.05
        ts = np.where(small, 1.0, t)
        direct = (ts * np.cos(ts) - np.sin(ts)) / ts**2
        t2 = t * t
        series = t * (-1.0 / 3.0 + t2 / 30.0 - t2 * t2 / 840.0)
        return np.where(small, series, direct)

    def _d2r(self, t):
        small = t < 0.05
        ts = np.where(small, 1.0, t)
        direct = ((2.0 - ts**2) * np.sin(ts) - 2.0 * ts * np.cos(ts)) / ts**3
        t2 = t * t
        series = -1.0 / 3.0 + t2 / 10.0 - t2 * t2 / 168.0
        return np.where(small, series, direct)

    def _one_minus_r(self, t):
        small = t < 0.05
        t2 = t * t
        series = t2 / 6.0 - t2 * t2 / 120.0 + t2**3 / 5040.0
        return np.where(small, series, 1.0 - self._r(t))


class DampedCosine(Covariance):
    """Damped oscillator correlation r(t) = exp(-a t) (cos b t + (a/b) sin b t).

    This is the correlation of a stochastic damped harmonic oscillator; it is
    twice differentiable at 0 with lambda_2 = a^2 + b^2, and for b > 0 it
    oscillates (r' changes sign at t = pi / b), giving a non-monotone E0.

    Parameters
    ----------
    a : float
        Damping rate, > 0.
    b : float
        Angular frequency, > 0.
    """

    def __init__(self, a: float = 0.5, b: float = 1.0):
        a, b = float(a), float(b)
        if not (a > 0 and b > 0 and math.isfinite(a) and math.isfinite(b)):
            raise ValueError(
                f"DampedCosine: a and b must be positive, got a={a!r}, b={b!r}."
            )
        self.a, self.b = a, b
        self.lambda2 = a * a + b * b
        self.tail_rate = a
        self.name = f"damped cosine a={a:g} b={b:g}"
        self.monotone = False

    def _r(self, t):
        a, b = self.a, self.b
        return np.exp(-a * t) * (np.cos(b * t) + a / b * np.sin(b * t))

    def _dr(self, t):
        return -np.exp(-self.a * t) * self.lambda2 / self.b * np.sin(self.b * t)

    def _d2r(self, t):
        a, b = self.a, self.b
        return -self.lambda2 * np.exp(-a * t) * (np.cos(b * t) - a / b * np.sin(b * t))


class UserCovariance(Covariance):
    """A correlation function given as a Python callable.

    Derivatives the user does not supply are obtained by JAX automatic
    differentiation, so ``r`` must then be written with ``jax.numpy``
    operations. The function is checked on construction: r(0) must be 1, r
    must decrease near 0, and r must be twice differentiable at 0 (the
    ratio 2 (1 - r(h)) / h^2 must converge to -r''(0) as h -> 0).

    Parameters
    ----------
    r : callable
        Scalar function t -> r(t), even in t.
    dr, d2r : callable, optional
        First and second derivatives (vectorised NumPy callables); computed by
        autodiff when omitted.
    tail_rate : float, optional
        Exponential decay rate of r; estimated from r on [20, 60] time scales
        when omitted.
    name : str, optional
        Label for tables and plots.
    scale : float, optional
        Rough time scale of the correlation (used by the checks at 0).
    """

    def __init__(
        self,
        r: Callable,
        dr: Callable | None = None,
        d2r: Callable | None = None,
        tail_rate: float | None = None,
        name: str = "user",
        scale: float = 1.0,
    ):
        if not callable(r):
            raise TypeError(f"UserCovariance: r must be callable, got {r!r}.")
        self.name = name
        self._user_r = r
        self._compiled = False
        self._r_vec = self._vectorise(r)
        if dr is None or d2r is None:
            import jax

            grad1 = jax.grad(r)
            grad2 = jax.grad(grad1)
            self._dr_vec = (
                self._vectorise(grad1, jax_fn=True)
                if dr is None
                else self._vectorise(dr)
            )
            self._d2r_vec = (
                self._vectorise(grad2, jax_fn=True)
                if d2r is None
                else self._vectorise(d2r)
            )
        else:
            self._dr_vec = self._vectorise(dr)
            self._d2r_vec = self._vectorise(d2r)
        self._check_at_zero(scale)
        if tail_rate is None:
            tail_rate = self._estimate_tail_rate(scale)
        self.tail_rate = float(tail_rate)
        self.monotone = None

    @staticmethod
    def _vectorise(fn, jax_fn=False):
        if jax_fn:
            import jax

            jitted = jax.jit(jax.vmap(fn))

            def call(t):
                t = np.asarray(t, dtype=float)
                return np.asarray(jitted(t.ravel())).reshape(t.shape)

            return call

        def call_np(t):
            t = np.asarray(t, dtype=float)
            try:
                out = np.asarray(fn(t), dtype=float)
                if out.shape != t.shape:
                    raise ValueError
            except Exception:  # not vectorised: fall back to a loop
                out = np.array([float(fn(x)) for x in t.ravel()]).reshape(t.shape)
            return out

        return call_np

    def _check_at_zero(self, scale):
        r0 = float(self._r_vec(np.array([0.0]))[0])
        if not abs(r0 - 1.0) < 1e-10:
            raise ValueError(
                f"UserCovariance {self.name!r}: r(0) = {r0!r}, but a correlation "
                "function must equal 1 at t = 0; divide your covariance by its "
                "variance r(0)."
            )
        h = scale * np.array([1e-1, 1e-2, 1e-3, 1e-4])
        omr = 1.0 - self._r_vec(h)
        if np.any(~np.isfinite(omr)) or np.any(omr <= 0):
            bad = h[~(omr > 0)][0]
            raise ValueError(
                f"UserCovariance {self.name!r}: r is not decreasing near 0 "
                f"(r({bad:g}) = {1 - omr[h == bad][0]!r} >= r(0) = 1); a "
                "correlation function must have its maximum 1 at t = 0 only."
            )
        q = 2.0 * omr / h**2
        lam_ad = float(-self._d2r_vec(np.array([0.0]))[0])
        growth = q[-1] / q[-2]
        if not np.isfinite(lam_ad) or lam_ad <= 0 or growth > 1.5 or q[-2] > 1e12:
            raise ValueError(
                f"UserCovariance {self.name!r}: r is not twice differentiable at "
                f"t = 0: 2 (1 - r(h)) / h^2 = {q[-2]:.4g}, {q[-1]:.4g} at h = "
                f"{h[-2]:g}, {h[-1]:g} grows instead of converging "
                f"(-r''(0) = {lam_ad!r}). The process has no finite crossing "
                "rate (e.g. exp(-|t|)); use a smoother correlation such as "
                "Matern with nu > 1."
            )
        if abs(q[-1] / lam_ad - 1.0) > 0.05:
            raise ValueError(
                f"UserCovariance {self.name!r}: -r''(0) = {lam_ad:.6g} from the "
                f"derivative disagrees with 2 (1 - r(h)) / h^2 = {q[-1]:.6g} at "
                f"h = {h[-1]:g}; check the supplied d2r, or that r is twice "
                "differentiable at 0."
            )
        self.lambda2 = lam_ad

    def _estimate_tail_rate(self, scale):
        t = scale * np.linspace(20.0, 60.0, 9)
        vals = np.abs(self._r_vec(t))
        with np.errstate(divide="ignore"):
            logs = np.log(vals)
        if not np.all(np.isfinite(logs)):
            return math.inf
        slope = -np.polyfit(t, logs, 1)[0]
        # Crude: a polynomial prefactor biases the estimate, so take a margin.
        return max(0.0, 0.98 * slope)

    def _r(self, t):
        return self._r_vec(t)

    def _dr(self, t):
        return self._dr_vec(t)

    def _d2r(self, t):
        return self._d2r_vec(t)


def parse_covariance(spec: str) -> Covariance:
    """Build a covariance from a short text name.

    Parameters
    ----------
    spec : str
        One of ``diffusion:D`` (e.g. ``diffusion:2``), ``random-acceleration``,
        ``gaussian`` (or ``gaussian:ELL``), ``matern:NU`` or
        ``matern:NU,ELL``, ``sinc``, ``damped-cosine`` or
        ``damped-cosine:A,B``.

    Returns
    -------
    Covariance
        The covariance object.

    Raises
    ------
    ValueError
        If the name is unknown or its parameters cannot be read.
    """
    text = spec.strip().lower()
    name, _, arg = text.partition(":")
    try:
        args = [float(a) for a in arg.split(",")] if arg else []
    except ValueError:
        raise ValueError(
            f"covariance {spec!r}: parameters after ':' must be numbers, e.g. "
            "'diffusion:2' or 'matern:2.5,1.0'."
        ) from None
    makers = {
        "diffusion": (Diffusion, 1, 1),
        "random-acceleration": (RandomAcceleration, 0, 0),
        "ra": (RandomAcceleration, 0, 0),
        "gaussian": (GaussianCovariance, 0, 1),
        "matern": (Matern, 1, 2),
        "sinc": (Sinc, 0, 0),
        "damped-cosine": (DampedCosine, 0, 2),
    }
    if name not in makers:
        raise ValueError(
            f"unknown covariance {spec!r}; choose one of diffusion:D, "
            "random-acceleration, gaussian, matern:NU[,ELL], sinc, "
            "damped-cosine[:A,B]."
        )
    cls, lo, hi = makers[name]
    if not lo <= len(args) <= hi:
        raise ValueError(
            f"covariance {spec!r} takes between {lo} and {hi} parameter(s) "
            f"after ':', got {len(args)}."
        )
    return cls(*args)
