"""Monte Carlo reference: simulated zero-crossing intervals.

Paths of the stationary Gaussian process are drawn on a regular grid by
circulant embedding: the correlation sequence r(0), r(dt), ..., r(M dt),
r((M-1) dt), ..., r(dt) is the first row of a 2M x 2M circulant matrix whose
eigenvalues are the FFT of that row; one complex FFT of scaled complex
white noise then gives two independent real paths of length M. Zero crossings
are located by linear interpolation between grid points; the intervals between
consecutive crossings of each path are the excursion lengths (positive and
negative excursions have the same law for a symmetric process).

The persistence exponent is estimated from the tail of the lengths by the
maximum-likelihood rate of the exponential excesses over a threshold t0,
theta_hat = n_tail / sum(T_i - t0), with standard error theta_hat /
sqrt(n_tail).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from statmodels.excursions.covariance import Covariance

__all__ = [
    "Excursions",
    "TailRateEstimate",
    "circulant_eigenvalues",
    "crossing_intervals",
    "simulate_excursions",
    "tail_rate_estimate",
]


@dataclass
class TailRateEstimate:
    """Exponential tail rate of excursion lengths.

    Attributes
    ----------
    rate : float
        Estimated exponent theta.
    se : float
        Standard error, rate / sqrt(n_tail).
    threshold : float
        Threshold t0 above which the tail is taken to be exponential.
    n_tail : int
        Number of lengths above the threshold.
    """

    rate: float
    se: float
    threshold: float
    n_tail: int

    def __str__(self) -> str:
        return (
            f"{self.rate:.5f} +/- {self.se:.5f} (t0 = {self.threshold:.3g}, "
            f"{self.n_tail} intervals in the tail)"
        )


def tail_rate_estimate(lengths, threshold: float) -> TailRateEstimate:
    """Maximum-likelihood exponential rate of the lengths beyond a threshold.

    If P(T > t) ~ C exp(-theta t) for t >= t0, the excesses T - t0 of the
    lengths above t0 are exponential with rate theta.

    Parameters
    ----------
    lengths : array_like
        Excursion lengths.
    threshold : float
        The threshold t0 (choose it where the log-survival is straight).

    Returns
    -------
    TailRateEstimate
        Rate, standard error and the tail count.

    Raises
    ------
    ValueError
        If fewer than 10 lengths exceed the threshold.
    """
    x = np.asarray(lengths, dtype=float)
    # Assumes a purely exponential tail beyond the threshold: subleading decay
    # terms bias the rate if the threshold is too low.
    excess = x[x > threshold] - threshold
    n = excess.size
    if n < 10:
        raise ValueError(
            f"only {n} lengths exceed the threshold {threshold:g}; lower the "
            "threshold or simulate more excursions."
        )
    rate = n / excess.sum()
    return TailRateEstimate(float(rate), float(rate / math.sqrt(n)), threshold, n)


def circulant_eigenvalues(cov: Covariance, dt: float, m: int) -> np.ndarray:
    """Eigenvalues of the circulant embedding of r on m grid lags.

    Parameters
    ----------
    cov : Covariance
        Correlation function.
    dt : float
        Grid step.
    m : int
        Half the embedding size (paths of m points).

    Returns
    -------
    numpy.ndarray
        The 2m real eigenvalues (the embedding is exact when all are >= 0).
    """
    lags = dt * np.arange(m + 1)
    r = cov.r(lags)
    row = np.concatenate([r, r[-2:0:-1]])
    return np.fft.fft(row).real


def crossing_intervals(x, dt: float) -> np.ndarray:
    """Lengths between consecutive zero crossings of sampled paths.

    Parameters
    ----------
    x : array_like
        Paths, shape (n,) or (k, n), sampled with step dt.
    dt : float
        Sampling step.

    Returns
    -------
    numpy.ndarray
        Interval lengths, from linearly interpolated crossing times; the
        incomplete intervals at both ends of each path are dropped.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    k, n = x.shape
    flat = np.ascontiguousarray(x).ravel()
    s = flat > 0
    idx = np.flatnonzero(s[1:] != s[:-1])
    # A sign change between the last point of one path and the first of the
    # next is not a crossing.
    idx = idx[(idx % n) != n - 1]
    if idx.size < 2:
        return np.empty(0)
    a, b = flat[idx], flat[idx + 1]
    # Two crossings within one step are missed (three intervals merge), which
    # biases the mean up for rough paths: +1.6 % for random acceleration at
    # dt = 0.05 / sqrt(lambda_2).
    pos = idx % n + a / (a - b)
    same = (idx[1:] // n) == (idx[:-1] // n)
    return dt * np.diff(pos)[same]


@dataclass
class Excursions:
    """Simulated excursion lengths and their diagnostics.

    Attributes
    ----------
    lengths : numpy.ndarray
        Intervals between consecutive zero crossings.
    dt : float
        Sampling step of the paths.
    path_length : int
        Number of grid points per path.
    n_paths : int
        Number of simulated paths.
    min_eigenvalue : float
        Smallest circulant eigenvalue relative to the largest (a negative
        value of ~1e-9 means the embedding is practically exact).
    seconds : float
        Wall time of the simulation.
    """

    lengths: np.ndarray
    dt: float
    path_length: int
    n_paths: int
    min_eigenvalue: float
    seconds: float

    @property
    def n(self) -> int:
        """Number of excursions."""
        return int(self.lengths.size)

    def mean(self) -> float:
        """Mean excursion length (close to pi / sqrt(lambda_2)).

        Returns
        -------
        float
            The sample mean.
        """
        return float(self.lengths.mean())

    def exponent(self, threshold: float | None = None) -> TailRateEstimate:
        """Persistence exponent from the tail of the lengths.

        Parameters
        ----------
        threshold : float, optional
            Tail threshold; default: the 0.95 quantile of the lengths.

        Returns
        -------
        TailRateEstimate
            See :func:`tail_rate_estimate`.
        """
        if threshold is None:
            threshold = float(np.quantile(self.lengths, 0.95))
        return tail_rate_estimate(self.lengths, threshold)

    def sf(self, t):
        """Empirical survival function of the lengths.

        Parameters
        ----------
        t : array_like
            Times.

        Returns
        -------
        numpy.ndarray
            Fraction of lengths > t.
        """
        srt = np.sort(self.lengths)
        t = np.asarray(t, dtype=float)
        return 1.0 - np.searchsorted(srt, t, side="right") / srt.size


def simulate_excursions(
    cov: Covariance,
    n_excursions: int = 100_000,
    *,
    dt: float | None = None,
    path_length: int = 2**18,
    seed=None,
    progress: bool = False,
    max_paths: int = 100_000,
) -> Excursions:
    """Simulate zero-crossing intervals of a stationary Gaussian process.

    Parameters
    ----------
    cov : Covariance
        Correlation function.
    n_excursions : int, optional
        Number of excursion lengths wanted (at least this many are returned).
    dt : float, optional
        Sampling step; default 0.05 / sqrt(lambda_2), about 60 points per mean
        interval (0.1 / sqrt(lambda_2) is enough for the tail exponent, but
        biases the density of short intervals by ~2%).
    path_length : int, optional
        Grid points per path (the embedding has twice as many); paths must be
        long compared with the correlation length.
    seed : int or numpy.random.Generator, optional
        Random seed.
    progress : bool, optional
        Show a progress meter (tqdm).
    max_paths : int, optional
        Safety limit on the number of paths.

    Returns
    -------
    Excursions
        Lengths and diagnostics.

    Raises
    ------
    ValueError
        If the circulant embedding is far from non-negative definite (the path
        is too short for the correlation length).
    """
    import time

    if not isinstance(cov, Covariance):
        raise TypeError(f"expected a Covariance object, got {cov!r}.")
    n_excursions = int(n_excursions)
    if n_excursions < 1:
        raise ValueError(f"n_excursions must be >= 1, got {n_excursions}.")
    dt = 0.05 * cov.time_scale if dt is None else float(dt)
    if not dt > 0:
        raise ValueError(f"dt must be positive, got {dt!r}.")
    m = int(path_length)
    if m < 64:
        raise ValueError(f"path_length must be at least 64, got {m}.")
    start = time.perf_counter()
    lam = circulant_eigenvalues(cov, dt, m)
    rel_min = float(lam.min() / lam.max())
    if rel_min < -1e-3:
        raise ValueError(
            f"circulant embedding of {cov.name} is not non-negative definite "
            f"(smallest eigenvalue {rel_min:.3g} of the largest): increase "
            "path_length so that the path covers many correlation lengths; a "
            "correlation that decays only algebraically (e.g. sinc) cannot be "
            "embedded this way at any length."
        )
    # Negative eigenvalues (~1e-9 for smooth, fast-decaying r) are set to 0;
    # for slowly decaying r (sinc) this truncation slightly distorts r.
    scale = np.sqrt(np.maximum(lam, 0.0) / (2 * m))
    rng = np.random.default_rng(seed)
    chunks = []
    total = 0
    n_paths = 0
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_excursions, desc=f"simulating {cov.name}", unit="exc")
    try:
        while total < n_excursions and n_paths < max_paths:
            noise = rng.standard_normal((2 * m, 2)).view(np.complex128)[:, 0]
            noise *= scale
            field = np.fft.fft(noise)[:m]
            # Real and imaginary parts are two independent paths.
            paths = np.ascontiguousarray(field.view(np.float64).reshape(m, 2).T)
            got = crossing_intervals(paths, dt)
            # Intervals cut by the ends of a path are dropped: this removes an
            # interval of length L with probability ~ L / (m dt), a negligible
            # length bias for long paths.
            chunks.append(got)
            total += got.size
            n_paths += 2
            if bar is not None:
                bar.update(min(got.size, max(n_excursions - bar.n, 0)))
    finally:
        if bar is not None:
            bar.close()
    lengths = np.concatenate(chunks) if chunks else np.empty(0)
    return Excursions(
        lengths=lengths,
        dt=dt,
        path_length=m,
        n_paths=n_paths,
        min_eigenvalue=rel_min,
        seconds=time.perf_counter() - start,
    )
