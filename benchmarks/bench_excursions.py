"""Benchmark: statmodels.excursions against straightforward NumPy/SciPy code.

Run with ``python benchmarks/bench_excursions.py`` (add ``--quick`` for a
short run). For every built-in covariance it times

* the persistence exponent: ours (exp-sinh nodes evaluated once, root search
  on vector sums) against ``scipy.integrate.quad`` inside ``brentq`` on a
  plainly coded E0;
* the IIA density on the same grid: our renewal solver and lattice FFT
  against a truncated geometric series of repeated ``fftconvolve`` calls;

and, for diffusion in d = 2, simulated excursions per second: circulant
embedding against sampling segments through a Cholesky factor of the
Toeplitz covariance. A user-supplied JAX correlation shows the JIT compile
time apart from the run time. Ratios are baseline time / our time (or our
rate / baseline rate), so > 1 means we are faster. pywafo / py3wafo are
used if they import (they are not a dependency).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np
from scipy import integrate, linalg, optimize, signal

import statmodels.excursions as ex
from statmodels.excursions.iia import _z_density


def _best(fn, repeat):
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def naive_exponent(cov):
    """Straightforward: quad of theta e^{theta t} E0(t) inside brentq."""
    lam = cov.lambda2

    def e0(t):
        if t < 1e-8:
            return 1.0
        r = float(cov.r(t))
        return -float(cov.dr(t)) / math.sqrt(lam * (1.0 - r * r))

    hi = cov.tail_rate * (1 - 1e-3) if math.isfinite(cov.tail_rate) else 3.0
    # Beyond this e^{theta t} E0(t) is negligible (or e^{theta t} overflows).
    upper = min(400.0 * cov.time_scale, 600.0 / hi)

    def g(theta):
        val, _ = integrate.quad(
            lambda t: math.exp(theta * t) * e0(t), 0, upper, limit=400
        )
        return theta * val - 1.0

    return optimize.brentq(g, 1e-4, hi, xtol=1e-10)


def naive_density(cov, h, n):
    """Truncated geometric series sum_k 2^-k f_Z^{*k} by repeated fftconvolve."""
    t = h * np.arange(n)
    fz = _z_density(cov, t)
    term = fz.copy()
    total = 0.5 * term
    for k in range(2, 45):
        term = signal.fftconvolve(term, fz)[:n] * h
        total += 0.5**k * term
    return total


def naive_simulation(cov, n_excursions, dt, seg=2000, seed=0):
    """Paths of length seg by a Cholesky factor of the Toeplitz covariance."""
    rng = np.random.default_rng(seed)
    chol = linalg.cholesky(
        linalg.toeplitz(cov.r(dt * np.arange(seg))) + 1e-10 * np.eye(seg),
        lower=True,
    )
    got = 0
    while got < n_excursions:
        paths = chol @ rng.standard_normal((seg, 64))
        got += ex.crossing_intervals(paths.T, dt).size
    return got


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else 3

    try:
        import wafo  # noqa: F401

        print("wafo imported: its tools could be compared here")
    except ImportError:
        print(
            "pywafo/py3wafo: not importable (pywafo has no release for this "
            "Python; py3wafo 0.4.0 needs numpy < 2.5 and numba), so skipped"
        )

    covs = [
        ex.Diffusion(1),
        ex.Diffusion(2),
        ex.Diffusion(3),
        ex.RandomAcceleration(),
        ex.GaussianCovariance(),
        ex.Matern(2.5),
    ]
    print("\nPersistence exponent (seconds; ratio = baseline / ours)")
    print(
        f"{'process':22s} {'ours':>10s} {'quad+brentq':>12s} {'ratio':>8s} "
        f"{'|diff|':>9s}"
    )
    for cov in covs:
        t_ours, th = _best(lambda c=cov: ex.slepian_iia_exponent(c), repeat)
        t_naive, th_n = _best(lambda c=cov: naive_exponent(c), 1)
        print(
            f"{cov.name:22s} {t_ours:10.5f} {t_naive:12.4f} "
            f"{t_naive / t_ours:8.1f} {abs(th - th_n):9.1e}"
        )

    print("\nIIA density on the grid h = mu/400 (seconds; ratio = baseline / ours)")
    print(
        f"{'process':22s} {'points':>7s} {'renewal':>9s} {'fft':>8s} "
        f"{'series':>8s} {'ser/fft':>8s} {'ser/ren':>8s} {'max|fft-ser|':>12s}"
    )
    for cov in covs:
        iia = ex.SlepianIIA(cov)
        iia.persistence_exponent()  # the grid end depends on it; not timed
        iia.validity()

        def ours(method, iia=iia):
            iia._grids.clear()
            return iia.density_grid(method)

        t_ren, _ = _best(lambda: ours("renewal"), repeat)
        t_fft, (grid, pdf, _) = _best(lambda: ours("fft"), repeat)
        h = grid[1] - grid[0]
        t_ser, ser = _best(
            lambda c=cov, h=h, n=grid.size: naive_density(c, h, n), repeat
        )
        err = np.max(np.abs(ser[1:] - pdf[1:]))
        print(
            f"{cov.name:22s} {grid.size:7d} {t_ren:9.4f} {t_fft:8.4f} "
            f"{t_ser:8.4f} {t_ser / t_fft:8.1f} {t_ser / t_ren:8.2f} {err:12.1e}"
        )

    print("\nSimulated excursions per second (diffusion d = 2, dt = 0.1)")
    cov = ex.Diffusion(2)
    n = 100_000 if args.quick else 400_000
    t_ours, sim = _best(lambda: ex.simulate_excursions(cov, n, dt=0.1, seed=1), repeat)
    rate_ours = sim.n / t_ours
    t0 = time.perf_counter()
    got = naive_simulation(cov, n // 4, 0.1)
    rate_naive = got / (time.perf_counter() - t0)
    # Where the time goes: one FFT of the embedding vs the rest.
    m = sim.path_length
    noise = np.random.default_rng(0).standard_normal(2 * m) * (1 + 0j)
    t_fft, _ = _best(lambda: np.fft.fft(noise), 5)
    t_rng, _ = _best(lambda: np.random.default_rng(0).standard_normal(4 * m), 5)
    per_path_pair = t_ours / (sim.n_paths / 2)
    print(f"circulant embedding  {rate_ours:12,.0f} /s")
    print(
        f"Toeplitz Cholesky    {rate_naive:12,.0f} /s   "
        f"ratio {rate_ours / rate_naive:.1f}"
    )
    print(
        f"per pair of paths: {per_path_pair * 1e3:.1f} ms, of which FFT "
        f"{t_fft * 1e3:.1f} ms and normal draws {t_rng * 1e3:.1f} ms"
    )

    print("\nUser correlation through JAX autodiff (compile time apart)")
    import jax.numpy as jnp

    t0 = time.perf_counter()
    user = ex.UserCovariance(lambda t: jnp.exp(-0.5 * t**2), name="user gaussian")
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex.slepian_iia_exponent(user)
    t_first = time.perf_counter() - t0
    t_run, _ = _best(lambda: ex.slepian_iia_exponent(user), repeat)
    t_builtin, _ = _best(
        lambda: ex.slepian_iia_exponent(ex.GaussianCovariance()), repeat
    )
    print(f"construction incl. checks and first traces  {t_build:8.4f} s")
    print(f"first exponent (JIT compile for new shapes) {t_first - t_run:8.4f} s")
    print(f"exponent run time after compilation         {t_run:8.4f} s")
    print(f"built-in GaussianCovariance exponent        {t_builtin:8.4f} s")


if __name__ == "__main__":
    main()
