"""Independent interval approximations (IIA) of zero-crossing intervals.

Two approximations of the distribution of the time T between consecutive
zeros of a stationary Gaussian process with correlation r(t):

* the classical IIA (McFadden 1958; Majumdar, Sire, Bray & Cornell 1996)
  matches the correlation A(t) = (2/pi) arcsin r(t) of the clipped process
  sign X(t) with a switching process whose intervals are independent; its
  persistence exponent theta is the smallest positive root of
  1 - (theta mu / 2) [1 + theta int_0^inf e^{theta t} A(t) dt] = 0;
* the Slepian-model IIA (Bengtsson & Podgorski 2024) matches the clipped mean
  E0(t) = -r'(t) / sqrt(lambda_2 (1 - r(t)^2)) of the process seen from an
  upcrossing at 0, giving the Laplace transform
  Psi_T(s) = (1 - s L[E0](s)) / (1 + s L[E0](s)). When E0 decreases from 1
  to 0, T is a geometric(1/2) number of independent copies of Z with
  P(Z > t) = E0(t), and theta solves theta int_0^inf e^{theta t} E0 dt = 1.

Because E0 = -(mu/2) A'(t), both exponent equations have the same root; they
are solved here from different integrands, which makes a useful cross-check.

Numerics. Integrals over (0, inf) use an exp-sinh rule, t = s exp(pi/2 sinh u)
with s = 1/sqrt(lambda_2), evaluated once, so a root search costs only
vector sums; the integrand e^{theta t} E0(t) is formed in log space. The
density and survival function come from two independent discretisations:
the renewal (Volterra) equation f = f_Z/2 + (f_Z * f)/2 solved by product
integration, and the lattice FFT of the geometric sum of the discretised
Z; for diffusion in d = 2, where L[E0] has a closed form through the digamma
function, a numerical Laplace inversion (Euler summation of the Bromwich
integral) gives a third.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from statmodels.excursions.covariance import Covariance

__all__ = [
    "IIAValidityWarning",
    "SlepianIIA",
    "ValidityReport",
    "classical_iia_exponent",
    "clipped_correlation",
    "clipped_mean",
    "log_clipped_mean",
    "slepian_iia_exponent",
]


class IIAValidityWarning(UserWarning):
    """The Slepian IIA of this covariance is not a probability distribution."""


def _check_cov(cov) -> Covariance:
    if not isinstance(cov, Covariance):
        raise TypeError(
            f"expected a Covariance object (e.g. Diffusion(2)), got {cov!r}; wrap "
            "a plain function with UserCovariance(r)."
        )
    return cov


def _log_abs_e0(cov: Covariance, t):
    """Sign and log|E0(t)| for t >= 0 (E0 = 1 below a tiny t)."""
    t = np.abs(np.asarray(t, dtype=float))
    shape = t.shape
    t = t.ravel()
    tiny = t < 1e-7 * cov.time_scale
    ts = np.where(tiny, cov.time_scale, t)
    omr = cov.one_minus_r(ts)
    log_den = 0.5 * (math.log(cov.lambda2) + np.log(omr * (2.0 - omr)))
    with np.errstate(invalid="ignore", divide="ignore"):
        lnd = cov.log_neg_dr(ts)
    sign = np.ones_like(ts)
    logabs = lnd - log_den
    bad = np.isnan(lnd)
    if np.any(bad):
        ndr = -cov.dr(ts[bad])
        sign[bad] = np.sign(ndr)
        with np.errstate(divide="ignore"):
            logabs[bad] = np.log(np.abs(ndr)) - log_den[bad]
    sign[tiny] = 1.0
    logabs[tiny] = 0.0
    return sign.reshape(shape), logabs.reshape(shape)


def clipped_mean(cov: Covariance, t):
    """Clipped mean E0(t) of the Slepian process after an upcrossing at 0.

    E0(t) = E[sign X(t) | upcrossing at 0] = -r'(t) / sqrt(lambda_2 (1 - r^2)),
    computed with a cancellation-free 1 - r^2 and set to 1 for
    t < 1e-7 / sqrt(lambda_2).

    Parameters
    ----------
    cov : Covariance
        The correlation function.
    t : array_like
        Times t >= 0 (negative values are reflected).

    Returns
    -------
    numpy.ndarray
        E0(t).
    """
    sign, logabs = _log_abs_e0(_check_cov(cov), t)
    return sign * np.exp(logabs)


def log_clipped_mean(cov: Covariance, t):
    """Logarithm of E0(t), computed in log space (no underflow in the tail).

    Parameters
    ----------
    cov : Covariance
        The correlation function.
    t : array_like
        Times t >= 0.

    Returns
    -------
    numpy.ndarray
        log E0(t); NaN where E0(t) < 0.
    """
    sign, logabs = _log_abs_e0(_check_cov(cov), t)
    return np.where(sign > 0, logabs, np.nan)


def _z_density(cov: Covariance, t):
    """Density f_Z = -E0'(t) of Z, with P(Z > t) = E0(t)."""
    t = np.abs(np.asarray(t, dtype=float))
    # Below this t the formula loses digits to cancellation (error ~ 1e-16/t);
    # the limit value at 0 is approximated by the value there.
    ts = np.maximum(t, 1e-5 * cov.time_scale)
    omr = cov.one_minus_r(ts)
    one_minus_r2 = omr * (2.0 - omr)
    r = 1.0 - omr
    dr = cov.dr(ts)
    num = cov.d2r(ts) * one_minus_r2 + r * dr * dr
    return num / (math.sqrt(cov.lambda2) * one_minus_r2**1.5)


def clipped_correlation(cov: Covariance, t):
    """Correlation A(t) = (2/pi) arcsin r(t) of the clipped process sign X(t).

    Parameters
    ----------
    cov : Covariance
        The correlation function.
    t : array_like
        Time lags.

    Returns
    -------
    numpy.ndarray
        A(t), computed as 1 - (4/pi) arcsin(sqrt((1 - r)/2)) while r > 1/2
        (no loss of digits near t = 0) and directly elsewhere.
    """
    cov = _check_cov(cov)
    omr = cov.one_minus_r(t)
    near = 1.0 - 4.0 / math.pi * np.arcsin(np.sqrt(np.clip(0.5 * omr, 0.0, 1.0)))
    far = 2.0 / math.pi * np.arcsin(np.clip(cov.r(t), -1.0, 1.0))
    return np.where(omr < 0.5, near, far)


class _ExpSinh:
    """Exp-sinh quadrature nodes on (0, inf) for a given time scale."""

    def __init__(self, scale: float, h: float = 1.0 / 32.0):
        # Nodes are ~0.1 t apart near t: fine for monotone E0, too coarse for
        # strongly oscillating integrands (sinc, damped cosine exponents).
        u = np.arange(-4.0, 4.5 + 0.5 * h, h)
        arg = 0.5 * math.pi * np.sinh(u)
        self.t = scale * np.exp(arg)
        self.w = h * 0.5 * math.pi * np.cosh(u) * self.t


def _find_root(g, tail_rate: float, scale: float, what: str) -> float:
    """Smallest positive root of an increasing g on (0, tail_rate)."""
    if not tail_rate > 0:
        raise ValueError(
            f"{what}: the correlation decays slower than exponentially "
            "(tail rate 0), so the exponent equation has no positive root and "
            "the IIA predicts no exponential persistence."
        )
    if math.isfinite(tail_rate):
        hi = tail_rate * (1.0 - 1e-10)
        ghi = g(hi)
        if not ghi > 0:
            raise ValueError(
                f"{what}: the exponent equation has no root below the tail decay "
                f"rate {tail_rate:.6g} of E0 (value {ghi:.3g} at the rate)."
            )
    else:
        hi = 1.0 / scale
        for _ in range(80):
            if g(hi) > 0:
                break
            hi *= 2.0
        else:
            raise ValueError(f"{what}: no root found for the exponent equation.")
    lo = 1e-14 * hi
    return float(optimize.brentq(g, lo, hi, xtol=1e-15, rtol=1e-14))


def slepian_iia_exponent(cov: Covariance) -> float:
    """Persistence exponent from the Slepian equation theta L[E0](-theta) = 1.

    Parameters
    ----------
    cov : Covariance
        The correlation function.

    Returns
    -------
    float
        The smallest positive root theta.

    Raises
    ------
    ValueError
        If there is no root (e.g. the correlation has no exponential tail).
    """
    cov = _check_cov(cov)
    q = _ExpSinh(cov.time_scale)
    sign, logabs = _log_abs_e0(cov, q.t)

    def g(theta):
        with np.errstate(over="ignore", invalid="ignore"):
            val = theta * np.sum(q.w * sign * np.exp(theta * q.t + logabs)) - 1.0
        return val if np.isfinite(val) else math.inf

    return _find_root(g, cov.tail_rate, cov.time_scale, "Slepian IIA")


def classical_iia_exponent(cov: Covariance) -> float:
    """Persistence exponent of the classical independent interval approximation.

    Solves 1 - (theta mu / 2) [1 + theta int_0^inf e^{theta t} A(t) dt] = 0 with
    A(t) = (2/pi) arcsin r(t) and mu = pi / sqrt(lambda_2) (Majumdar et al.
    1996).

    Parameters
    ----------
    cov : Covariance
        The correlation function.

    Returns
    -------
    float
        The smallest positive root theta.

    Raises
    ------
    ValueError
        If there is no root (e.g. the correlation has no exponential tail).
    """
    cov = _check_cov(cov)
    q = _ExpSinh(cov.time_scale)
    a = clipped_correlation(cov, q.t)
    with np.errstate(divide="ignore"):
        loga = np.log(np.abs(a))
    sign = np.sign(a)
    mu = cov.mean_interval

    def g(theta):
        with np.errstate(over="ignore", invalid="ignore"):
            integral = np.sum(q.w * sign * np.exp(theta * q.t + loga))
            val = 0.5 * theta * mu * (1.0 + theta * integral) - 1.0
        return val if np.isfinite(val) else math.inf

    return _find_root(g, cov.tail_rate, cov.time_scale, "classical IIA")


@dataclass
class ValidityReport:
    """Outcome of the check that the Slepian IIA is a probability distribution.

    Attributes
    ----------
    valid : bool
        True when the approximation is a probability distribution: E0
        decreases from 1 to 0 (then T is a geometric sum), or, failing that,
        the computed density has no negative mass on its grid.
    reason : str
        Plain-language diagnostic.
    min_e0 : float
        Smallest value of E0 found.
    max_increase : float
        Largest increase of E0 between neighbouring grid points.
    arcsin_convex : bool
        Whether arcsin r(t) is convex on the grid (sufficient condition).
    geometric_sum : bool
        Whether the geometric-sum representation holds (E0 a survival
        function); needed for sampling.
    negative_mass : float
        Negative mass of the computed IIA density (0 when E0 is monotone).
    checks : dict
        The individual criteria.
    """

    valid: bool
    reason: str
    min_e0: float
    max_increase: float
    arcsin_convex: bool
    geometric_sum: bool = True
    negative_mass: float = 0.0
    checks: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.valid


def _euler_inversion(fun, t, a=18.4, n=24, m=11):
    """Invert a Laplace transform by Euler summation of the Bromwich integral.

    Discretisation error ~ exp(-a); valid for singularities left of Re s = 0.
    """
    t = np.atleast_1d(np.asarray(t, dtype=float))
    k = np.arange(n + m + 1)
    s = (a + 2j * math.pi * k[None, :]) / (2.0 * t[:, None])
    vals = np.real(fun(s))
    terms = np.where(k == 0, 0.5, 1.0) * (-1.0) ** k * vals
    partial = np.cumsum(terms, axis=1)[:, n:]
    binom = special.comb(m, np.arange(m + 1)) / 2.0**m
    return math.exp(0.5 * a) / t * (partial @ binom)


def _convolve_columns(a, kernel):
    """First len(kernel) terms of the convolution of each column of a with kernel."""
    n_out = kernel.size
    size = a.shape[0] + n_out - 1
    nfft = 1 << max(1, (size - 1).bit_length())
    if a.shape[0] * n_out < 4096:  # small: direct sums are faster
        out = np.zeros((n_out, a.shape[1]))
        for j in range(a.shape[0]):
            out[j:] += kernel[: n_out - j, None] * a[j]
        return out
    fa = np.fft.rfft(a, nfft, axis=0)
    fk = np.fft.rfft(kernel, nfft)
    return np.fft.irfft(fa * fk[:, None], nfft, axis=0)[:n_out]


class SlepianIIA:
    """Slepian-model independent interval approximation for one covariance.

    Parameters
    ----------
    cov : Covariance
        The correlation function, e.g. ``Diffusion(2)``.
    dt : float, optional
        Grid step for the density; default mu / 400.
    t_max : float, optional
        Grid end; default max(12 mu, 36 / theta), beyond which the tails are
        extended exponentially with rate theta.

    Examples
    --------
    >>> iia = SlepianIIA(Diffusion(2))
    >>> round(iia.persistence_exponent(), 4)
    0.1862
    """

    def __init__(self, cov: Covariance, dt: float | None = None, t_max=None):
        self.cov = _check_cov(cov)
        mu = self.cov.mean_interval
        self.dt = float(dt) if dt is not None else mu / 400.0
        if not self.dt > 0:
            raise ValueError(f"SlepianIIA: dt must be positive, got {dt!r}.")
        self._t_max = t_max
        self._theta = None
        self._report = None
        self._grids = {}
        self._warned = False
        self._quantile_table = None

    # -- basic functions ----------------------------------------------------
    def e0(self, t):
        """Clipped mean E0(t) = P(Z > t) (see :func:`clipped_mean`).

        Parameters
        ----------
        t : array_like
            Times.

        Returns
        -------
        numpy.ndarray
            E0(t).
        """
        return clipped_mean(self.cov, t)

    def z_pdf(self, t):
        """Density -E0'(t) of the building block Z of the geometric sum.

        Parameters
        ----------
        t : array_like
            Times >= 0.

        Returns
        -------
        numpy.ndarray
            -E0'(t).
        """
        return _z_density(self.cov, t)

    def laplace_e0(self, s):
        """Laplace transform L[E0](s) for real s > -tail_rate (quadrature).

        Parameters
        ----------
        s : float or array_like
            Real transform variables.

        Returns
        -------
        numpy.ndarray
            int_0^inf e^{-s t} E0(t) dt.
        """
        q = _ExpSinh(self.cov.time_scale)
        sign, logabs = _log_abs_e0(self.cov, q.t)
        s = np.atleast_1d(np.asarray(s, dtype=float))
        with np.errstate(over="ignore"):
            vals = np.exp(-s[:, None] * q.t[None, :] + logabs[None, :])
        return (vals * (q.w * sign)[None, :]).sum(axis=1)

    def laplace_transform(self, s):
        """Laplace transform Psi_T(s) = (1 - s L[E0](s)) / (1 + s L[E0](s)).

        Parameters
        ----------
        s : float or array_like
            Real transform variables s > -theta.

        Returns
        -------
        numpy.ndarray
            E[exp(-s T)] under the approximation.
        """
        s = np.atleast_1d(np.asarray(s, dtype=float))
        sl = s * self.laplace_e0(s)
        return (1.0 - sl) / (1.0 + sl)

    def persistence_exponent(self, method: str = "slepian") -> float:
        """Persistence exponent theta: P(T > t) ~ C exp(-theta t).

        Parameters
        ----------
        method : {"slepian", "classical"}
            Which of the two (equivalent) equations to solve.

        Returns
        -------
        float
            theta.
        """
        if method == "slepian":
            if self._theta is None:
                self._theta = slepian_iia_exponent(self.cov)
            return self._theta
        if method == "classical":
            return classical_iia_exponent(self.cov)
        raise ValueError(f"method must be 'slepian' or 'classical', got {method!r}.")

    def mean(self) -> float:
        """Mean of T, 2 int_0^inf E0(t) dt (equals mu = pi / sqrt(lambda_2)).

        Returns
        -------
        float
            E[T].
        """
        return float(2.0 * self.laplace_e0(0.0)[0])

    # -- validity -----------------------------------------------------------
    def validity(self) -> ValidityReport:
        """Check that E0 decreases from 1 to 0, so that T is a random variable.

        E0 is evaluated on [0, 60 mu]; the approximation is a distribution when
        E0 stays in [0, 1], never increases and tends to 0. Convexity of
        arcsin r(t), a sufficient condition, is reported as well.

        Returns
        -------
        ValidityReport
            The verdict and a diagnostic.
        """
        if self._report is not None:
            return self._report
        cov = self.cov
        # Only [0, 60 mu] on a grid is checked: a violation beyond it, or one
        # narrower than the grid step, would go unnoticed.
        t = np.linspace(0.0, 60.0 * cov.mean_interval, 24001)
        e0 = self.e0(t)
        inc = np.diff(e0)
        min_e0 = float(e0.min())
        max_inc = float(inc.max())
        tol = 1e-10
        arcs = np.arcsin(np.clip(cov.r(t), -1.0, 1.0))
        curv = np.diff(arcs, 2)
        convex = bool(curv.min() >= -1e-9 * (t[1] ** 2 + 1e-300))
        checks = {
            "nonnegative": min_e0 >= -tol,
            "nonincreasing": max_inc <= tol,
            "tends_to_zero": abs(e0[-1]) < 1e-3,
        }
        geometric = all(checks.values())
        neg = 0.0
        if geometric:
            reason = (
                "E0 decreases from 1 to 0: T is a geometric(1/2) sum of "
                "independent Z with P(Z > t) = E0(t)."
                + ("" if convex else " (arcsin r is not convex, yet E0 is monotone)")
            )
        else:
            if not checks["nonnegative"]:
                i = int(np.argmax(e0 < -tol))
                why = (
                    f"E0 is negative from t = {t[i]:.4g} (minimum {min_e0:.4g}): the "
                    "correlation increases there (r'(t) > 0), so P(Z > t) = E0(t) "
                    "is not a survival function"
                )
            elif not checks["nonincreasing"]:
                i = int(np.argmax(inc > tol))
                why = (
                    f"E0 increases near t = {t[i]:.4g} (by up to {max_inc:.3g} per "
                    "grid step), so P(Z > t) = E0(t) is not a survival function"
                )
            else:
                why = (
                    f"E0 has not decayed to 0 by t = {t[-1]:.4g} (E0 = "
                    f"{e0[-1]:.3g}): the correlation decays too slowly"
                )
            tg, pdf, _ = self._grid("renewal")
            neg = float(np.trapezoid(np.minimum(pdf, 0.0), tg))
            if neg < -1e-8:
                reason = (
                    f"{why}; the IIA 'density' has negative mass {neg:.4g}, so the "
                    "Slepian IIA is not a probability distribution."
                )
            else:
                reason = (
                    f"{why}; the geometric-sum representation fails, but the "
                    f"computed IIA density is non-negative on [0, {tg[-1]:.4g}] "
                    "(checked numerically only)."
                )
        valid = geometric or neg >= -1e-8
        self._report = ValidityReport(
            valid=valid,
            reason=reason,
            min_e0=min_e0,
            max_increase=max_inc,
            arcsin_convex=convex,
            geometric_sum=geometric,
            negative_mass=neg,
            checks=checks,
        )
        return self._report

    def is_valid(self) -> bool:
        """Whether the approximation is a probability distribution.

        Returns
        -------
        bool
            See :meth:`validity` for the diagnostic.
        """
        return self.validity().valid

    def _warn_if_invalid(self):
        if not self._warned and not self.is_valid():
            self._warned = True
            warnings.warn(
                f"{self.cov.name}: {self.validity().reason} Its 'density' can be "
                "negative.",
                IIAValidityWarning,
                stacklevel=3,
            )

    # -- density on a grid --------------------------------------------------
    def _theta_or_none(self):
        try:
            return self.persistence_exponent()
        except ValueError:
            return None

    @property
    def t_max(self) -> float:
        """End of the computational grid."""
        if self._t_max is not None:
            return float(self._t_max)
        mu = self.cov.mean_interval
        theta = self._theta_or_none()
        return max(12.0 * mu, 36.0 / theta) if theta else 20.0 * mu

    def density_grid(self, method: str = "renewal"):
        """Density and survival function of T on the uniform grid.

        Parameters
        ----------
        method : {"renewal", "fft"}
            ``"renewal"`` solves the renewal equations
            f = f_Z/2 + (f_Z * f)/2 and S = E0 + (f_Z * S)/2 by product
            integration (linear in the unknown, exact against dF_Z);
            ``"fft"`` sums the geometric series of the lattice distribution
            of Z by one FFT.

        Returns
        -------
        t, pdf, sf : numpy.ndarray
            Grid, density and survival function.
        """
        self._warn_if_invalid()
        return self._grid(method)

    def _grid(self, method):
        if method in self._grids:
            return self._grids[method]
        h = self.dt
        n = int(math.ceil(self.t_max / h)) + 1
        t = h * np.arange(n)
        if method == "renewal":
            pdf, sf = self._renewal(t, h)
        elif method == "fft":
            pdf, sf = self._lattice_fft(t, h)
        else:
            raise ValueError(f"method must be 'renewal' or 'fft', got {method!r}.")
        self._grids[method] = (t, pdf, sf)
        return self._grids[method]

    def _renewal_weights(self, t, h):
        """Product-integration weights of int_0^t y(t - s) dF_Z(s).

        y is taken linear on each grid cell and integrated exactly against
        dF_Z = -dE0, which only needs E0 and its cell integrals (so a kernel
        f_Z that is infinite at 0, as for Matern with nu < 2, is harmless).
        """
        e = self.e0(t)
        xg, wg = np.polynomial.legendre.leggauss(6)
        nodes = t[:-1, None] + 0.5 * h * (xg[None, :] + 1.0)
        cell_mean = (self.e0(nodes) @ wg) * 0.5  # (1/h) int over the cell
        a = e[:-1] - cell_mean
        b = cell_mean - e[1:]
        w = np.empty(t.size)
        w[0] = a[0]
        w[1:-1] = a[1:] + b[:-1]
        w[-1] = np.nan
        return w, b

    @staticmethod
    def _volterra(g, w, b, leaf: int = 48):
        """Solve y_i = g_i + (1/2) [sum_k w_k y_(i-k) + b_(i-1) y_0] for y.

        Divide and conquer: the left half of a range is solved first and its
        effect on the right half is added by one FFT convolution, so the cost
        is O(n log^2 n) instead of the O(n^2) of step-by-step summation.
        """
        from scipy import linalg

        n = g.shape[0]
        y = np.zeros_like(g)
        y[0] = g[0]
        acc = np.zeros_like(g)  # sum_{j >= 1} w_(i-j) y_j found so far
        diag = 1.0 - 0.5 * w[0]
        rhs0 = g.copy()
        rhs0[1:] += 0.5 * b[:, None] * y[0]

        mats = {}

        def solve(lo, hi):
            size = hi - lo
            if size <= leaf:
                # Within a leaf: one lower-triangular Toeplitz solve.
                if size not in mats:
                    col = np.concatenate([[diag], -0.5 * w[1:size]])
                    mats[size] = linalg.toeplitz(col, np.zeros(size))
                    mats[size][0, 0] = diag
                y[lo:hi] = linalg.solve_triangular(
                    mats[size], rhs0[lo:hi] + 0.5 * acc[lo:hi], lower=True
                )
                return
            mid = (lo + hi) // 2
            solve(lo, mid)
            acc[mid:hi] += _convolve_columns(y[lo:mid], w[: hi - lo])[mid - lo :]
            solve(mid, hi)

        if n > 1:
            solve(1, n)
        return y

    def _renewal(self, t, h):
        w, b = self._renewal_weights(t, h)
        e0 = self.e0(t)
        kz = self.z_pdf(t)
        s = self.cov.time_scale
        near = self.z_pdf(np.array([1e-4 * s, 1e-2 * s]))
        singular = near[0] > 2.0 * abs(near[1]) + 1e-300
        if singular:
            # f_Z is unbounded at 0: the density follows from the survival
            # function by central differences (first order at the first cells).
            sf = self._volterra(e0[:, None], w, b)[:, 0]
            pdf = -np.gradient(sf, h)
            pdf[0] = 0.5 * kz[0]
            return pdf, sf
        g = np.stack([0.5 * kz, e0], axis=1)
        y = self._volterra(g, w, b)
        return y[:, 0], y[:, 1]

    def _lattice_fft(self, t, h):
        n = t.size
        nfft = 1 << int(math.ceil(math.log2(4 * n)))
        edges = h * (np.arange(nfft + 1) - 0.5)
        e0 = self.e0(np.maximum(edges, 0.0))
        e0[0] = 1.0
        p = e0[:-1] - e0[1:]
        ph = np.fft.rfft(p)
        q = np.fft.irfft(0.5 * ph / (1.0 - 0.5 * ph), nfft)
        pdf = q[:n] / h
        # The half cell at 0 is smeared by rounding; use the exact limit
        # f_T(0) = f_Z(0) / 2 (all convolution terms vanish at 0).
        pdf[0] = 0.5 * self.z_pdf(np.zeros(1))[0]
        # Mass at lattice point k covers ((k - 1/2) h, (k + 1/2) h].
        tail = np.cumsum(q[::-1])[::-1]
        sf = tail[1 : n + 1] + 0.5 * q[:n]
        sf[0] = 1.0
        return pdf, sf

    def _laplace_pdf_sf(self, t):
        cov = self.cov
        if not getattr(cov, "has_closed_form_laplace", False):
            raise ValueError(
                f"method='laplace' needs a closed-form L[E0]; {cov.name} has none "
                "(only Diffusion(2)). Use method='renewal' or 'fft'."
            )

        def psi(s):
            sl = s * cov.e0_laplace(s)
            return (1.0 - sl) / (1.0 + sl)

        t = np.asarray(t, dtype=float)
        tp = np.maximum(t.ravel(), 1e-3 * cov.time_scale)
        pdf = _euler_inversion(psi, tp).reshape(t.shape)
        sf = _euler_inversion(lambda s: (1.0 - psi(s)) / s, tp).reshape(t.shape)
        return pdf, sf

    def _eval(self, t, which, method):
        t = np.asarray(t, dtype=float)
        if method == "laplace":
            pdf, sf = self._laplace_pdf_sf(t)
            return pdf if which == 0 else sf
        grid_t, pdf, sf = self.density_grid(method)
        # Interpolate the remainder after the one-term part of the geometric
        # sum (f_Z / 2, resp. (1 + E0) / 2), which is evaluated exactly: this
        # keeps a cusp of E0 at 0 (Matern, nu < 2) out of the interpolation.
        tq = np.clip(t, 0.0, grid_t[-1])
        if which == 0:
            vals = pdf - 0.5 * self.z_pdf(grid_t)
            base = 0.5 * self.z_pdf(tq)
        else:
            vals = sf - 0.5 * (1.0 + self.e0(grid_t))
            base = 0.5 * (1.0 + self.e0(tq))
        out = base + np.interp(tq, grid_t, vals)
        vals = pdf if which == 0 else sf
        beyond = t > grid_t[-1]
        if np.any(beyond):
            theta = self._theta_or_none() or 0.0
            out = np.where(beyond, vals[-1] * np.exp(-theta * (t - grid_t[-1])), out)
        out = np.where(t < 0, 0.0 if which == 0 else 1.0, out)
        return out

    def pdf(self, t, method: str = "renewal"):
        """Density of the IIA interval length T.

        Parameters
        ----------
        t : array_like
            Times.
        method : {"renewal", "fft", "laplace"}
            Discretisation (see :meth:`density_grid`); ``"laplace"`` inverts the
            closed-form transform (Diffusion(2) only).

        Returns
        -------
        numpy.ndarray
            f_T(t); can be negative when :meth:`is_valid` is False.
        """
        return self._eval(t, 0, method)

    def sf(self, t, method: str = "renewal"):
        """Survival function P(T > t).

        Parameters
        ----------
        t : array_like
            Times.
        method : {"renewal", "fft", "laplace"}
            As in :meth:`pdf`.

        Returns
        -------
        numpy.ndarray
            P(T > t).
        """
        return self._eval(t, 1, method)

    def cdf(self, t, method: str = "renewal"):
        """Distribution function P(T <= t).

        Parameters
        ----------
        t : array_like
            Times.
        method : {"renewal", "fft", "laplace"}
            As in :meth:`pdf`.

        Returns
        -------
        numpy.ndarray
            1 - P(T > t).
        """
        return 1.0 - self.sf(t, method)

    def negative_mass(self, method: str = "renewal") -> float:
        """Total negative mass int min(f_T, 0) dt of the computed density.

        Parameters
        ----------
        method : {"renewal", "fft"}
            Discretisation.

        Returns
        -------
        float
            A number <= 0; clearly negative values show that the
            approximation is not a distribution.
        """
        t, pdf, _ = self._grid(method)
        return float(np.trapezoid(np.minimum(pdf, 0.0), t))

    # -- sampling -----------------------------------------------------------
    def _z_quantile_table(self):
        if self._quantile_table is None:
            from scipy.interpolate import PchipInterpolator

            h = self.dt / 2.0
            # Log-spaced points resolve E0 near 0, where it may have a cusp.
            head = h * np.logspace(-8, 0, 400, endpoint=False)
            chunks_t = [np.zeros(1), head]
            chunks_x = [np.zeros(1), -_log_abs_e0(self.cov, head)[1]]
            start = 0.0
            # Tabulate -log E0 until it exceeds 45 (E0 < 3e-20).
            while chunks_x[-1][-1] < 45.0:
                tt = start + h * np.arange(1, 20001)
                _, logabs = _log_abs_e0(self.cov, tt)
                chunks_t.append(tt)
                chunks_x.append(-logabs)
                start = tt[-1]
                if start > 1e4 * self.cov.mean_interval:
                    break
            t = np.concatenate(chunks_t)
            x = np.maximum.accumulate(np.concatenate(chunks_x))
            # In y = sqrt(-log E0) the inverse is smooth at t = 0 (E0 ~ 1 - c t^2).
            y = np.sqrt(x)
            keep = np.concatenate([[True], np.diff(y) > 0])
            tail_slope = (x[-1] - x[-101]) / (t[-1] - t[-101])
            self._quantile_table = (
                PchipInterpolator(y[keep], t[keep], extrapolate=False),
                float(y[keep][-1]),
                float(t[-1]),
                float(x[-1]),
                float(tail_slope),
            )
        return self._quantile_table

    def z_quantile(self, u):
        """Quantile of Z: the t with E0(t) = u.

        Parameters
        ----------
        u : array_like
            Survival probabilities in (0, 1].

        Returns
        -------
        numpy.ndarray
            E0^{-1}(u), by monotone cubic interpolation of a table of
            sqrt(-log E0) polished with one Newton step.
        """
        interp, y_end, t_end, x_end, slope = self._z_quantile_table()
        x = -np.log(np.asarray(u, dtype=float))
        y = np.sqrt(x)
        beyond = y >= y_end
        z = np.where(beyond, t_end + (x - x_end) / slope, interp(np.minimum(y, y_end)))
        inside = ~beyond & (x > 1e-12)
        zi = z[inside]
        _, logabs = _log_abs_e0(self.cov, zi)
        deriv = self.z_pdf(zi) * np.exp(-logabs)  # d(-log E0)/dt = f_Z / E0
        with np.errstate(divide="ignore", invalid="ignore"):
            step = (x[inside] + logabs) / deriv
        ok = np.isfinite(step) & (np.abs(step) < 0.01 * self.dt)
        z[inside] = np.where(ok, zi - step, zi)
        return z

    def sample(self, n: int, seed=None):
        """Draw T through its geometric-sum representation.

        T = Z_1 + ... + Z_N with P(N = k) = 2^-k (k >= 1) and independent Z_i
        with P(Z > t) = E0(t), drawn by inverting E0.

        Parameters
        ----------
        n : int
            Number of draws.
        seed : int or numpy.random.Generator, optional
            Random seed.

        Returns
        -------
        numpy.ndarray
            n samples of T.

        Raises
        ------
        ValueError
            If E0 is not a survival function, so that the geometric-sum
            representation fails (see :meth:`validity`).
        """
        report = self.validity()
        if not report.geometric_sum:
            raise ValueError(
                f"cannot sample the Slepian IIA of {self.cov.name} through the "
                f"geometric sum: {report.reason}"
            )
        n = int(n)
        if n < 0:
            raise ValueError(f"n must be non-negative, got {n}.")
        rng = np.random.default_rng(seed)
        counts = rng.geometric(0.5, size=n)
        u = 1.0 - rng.random(int(counts.sum()))  # in (0, 1]
        z = self.z_quantile(u)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        return np.add.reduceat(z, starts) if n else np.empty(0)
