"""Model-error discovery by Bayesian sparse regression (MEDIDA).

Mojgani, R., Chattopadhyay, A. & Hassanzadeh, P. (2022), "Discovery of
interpretable structural model errors by combining Bayesian sparse regression
and data assimilation: a chaotic Kuramoto-Sivashinsky test case", Chaos 32,
061105 (arXiv 2110.00546).

Method
------
With states :math:`u^o(t_n)` observed every :math:`\\Delta t` and an imperfect
model whose one-interval map is :math:`M`, the model error at each time is

.. math::

    g(t_n) = \\frac{u^o(t_{n+1}) - M(u^o(t_n))}{\\Delta t},

an estimate of the terms missing from the imperfect right-hand side. It is
regressed on a library :math:`\\Phi(u) = [u^p \\partial_x^k u]` evaluated at
:math:`u^o(t_n)`, one row per grid point and time,

.. math::

    g = \\Phi c + \\varepsilon,

with the relevance vector machine (:mod:`statmodels.sparse.rvm`), and the
discovered correction is :math:`u_t = \\ldots + \\sum_j c_j \\Phi_j`.

Stiff filter
------------
For a missing term :math:`T(u)`, the exponential integrator of the imperfect
model with linear symbol :math:`\\mathcal{L}` gives, to first order in
:math:`T`, :math:`g \\approx \\varphi_1(\\Delta t\\, \\mathcal{L})\\, T(u)` in
Fourier space, :math:`\\varphi_1(z) = (e^z - 1)/z`: the stiff high
wavenumbers of the target are damped relative to the library, which biases
the coefficients by about 1% on the linear terms and 5% on the advection term
for :math:`\\Delta t = 0.01`. With ``library_filter="etd"`` (the default) the
library columns are passed through the same :math:`\\varphi_1` filter, which
removes that bias; ``library_filter="none"`` is the regression of the paper.

Pruning rule
------------
The target is not exactly in the span of the library (the imperfect model's
one step also differs from the truth's time stepper), so evidence-optimal
solvers keep many tiny spurious terms. The rule used here is explicit: the
columns and the target are standardised, and terms whose precision
:math:`\\alpha_i` exceeds ``threshold_alpha`` (default :math:`10^2`, a prior
standard deviation of one tenth of the target's for a unit-variance term) are
pruned, during the MacKay iterations or after the fast solver; optionally,
terms whose posterior z-score is below ``min_relevance`` are pruned too.

Noisy states: resolved Fourier modes
------------------------------------
With observation noise of standard deviation :math:`\\sigma` on :math:`N` grid
points, each Fourier coefficient of a state carries noise of variance
:math:`N \\sigma^2`, while the Kuramoto-Sivashinsky spectrum decays
exponentially. Above the wavenumber where the two cross, the states (raw or
analysed) say nothing about the truth, yet a library term
:math:`\\partial_x^k u` multiplies their noise by :math:`\\kappa^k`, and the
target's noise is divided by :math:`\\Delta t`; an unrestricted regression
is then dominated by noise (errors in variables) and picks wrong terms. With
``max_mode`` (or ``obs_std``, which sets it by :func:`resolved_modes`) the
regression keeps only the Fourier modes :math:`0 \\le j \\le J` of the
target and of the library columns, the library being evaluated on the
states low-passed to the same modes. The rows are then the real and
imaginary parts of those modes, scaled so that white noise of variance
:math:`\\sigma^2` on the grid has variance :math:`\\sigma^2` in every row
(the scaled rows are uncorrelated, so the posterior counts the information
correctly, unlike the correlated rows of low-passed grid values). By
Parseval's identity, with :math:`J = N/2` this is the grid-point regression.

Even on the resolved modes the library is evaluated on noisy states whose
errors also enter the target (divided by :math:`\\Delta t`), so the
regression has errors in variables. Their systematic part is a smooth
combination of many terms; the MacKay solver, which starts from every term,
finds it (a dozen terms of order one, with a higher evidence than the sparse
answer; with the library evaluated on the true states instead it finds the
single missing term), while the fast solver, which adds terms one at a time
from none, stops at the sparse answer. Use ``solver="fast"`` on noisy states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from statmodels.sparse.ks import KuramotoSivashinsky
from statmodels.sparse.library import Library
from statmodels.sparse.rvm import RVR

__all__ = ["Discovery", "model_error", "discover_model_error", "resolved_modes"]


@dataclass
class Discovery:
    """Discovered model-error terms.

    Attributes
    ----------
    terms : dict
        Term name to coefficient, for the kept terms (right-hand side of
        :math:`u_t`).
    intervals : dict
        Term name to the (low, high) posterior credible interval.
    std : dict
        Term name to the posterior standard deviation.
    level : float
        Credible level of the intervals.
    library : Library
        The candidate library.
    rvm : RVR
        The fitted regression.
    n_rows : int
        Rows of the regression.
    """

    terms: dict
    intervals: dict
    std: dict
    level: float
    library: Library
    rvm: RVR
    n_rows: int

    def equation(self, digits=4, intervals=True) -> str:
        """The correction as an equation, such as ``u_t = ... - 0.5000 u_xx``.

        Parameters
        ----------
        digits : int
            Decimals of the coefficients.
        intervals : bool
            Print the credible interval after each coefficient.

        Returns
        -------
        str
            The equation.
        """
        if not self.terms:
            return "u_t = (imperfect model)  [no correction found]"
        parts = []
        for name, c in self.terms.items():
            sign = "-" if c < 0 else "+"
            text = f"{sign} {abs(c):.{digits}f} {name}"
            if intervals:
                lo, hi = self.intervals[name]
                text += f" [{lo:.{digits}f}, {hi:.{digits}f}]"
            parts.append(text)
        return "u_t = (imperfect model) " + " ".join(parts)

    def __str__(self) -> str:
        return self.equation()

    def corrected(self, model: KuramotoSivashinsky) -> KuramotoSivashinsky:
        """The imperfect model with the discovered terms added.

        Parameters
        ----------
        model : KuramotoSivashinsky
            The imperfect model.

        Returns
        -------
        KuramotoSivashinsky
            A copy with the terms added to its ``extra`` terms.
        """
        extra = dict(model.extra)
        for name, c in self.terms.items():
            extra[name] = extra.get(name, 0.0) + c
        return model.with_coefficients(extra=extra)


def _phi1(model, steps):
    z = steps * model.dt * model.linear_symbol
    small = np.abs(z) < 1e-6
    safe = np.where(small, 1.0, z)
    return np.where(small, 1 + z / 2 + z**2 / 6, np.expm1(safe) / safe)


def _pairs(states, next_states, model):
    states = np.asarray(states, dtype=float)
    for name, a in (("states", states), ("next_states", next_states)):
        if a is None:
            continue
        a = np.asarray(a, dtype=float)
        if a.ndim != 2 or a.shape[1] != model.n:
            raise ValueError(
                f"{name} must have shape (n_times, {model.n}) on the model's "
                f"{model.n} grid points, got {a.shape}"
            )
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} contain NaN or infinite values")
    if next_states is None:
        if states.shape[0] < 2:
            raise ValueError("need at least two states for a one-step model error")
        return states[:-1], states[1:]
    next_states = np.asarray(next_states, dtype=float)
    if next_states.shape != states.shape:
        raise ValueError(
            f"next_states has shape {next_states.shape} but states has "
            f"{states.shape}; they must match row for row"
        )
    return states, next_states


def resolved_modes(states, obs_std, min_snr=2.0):
    """Highest Fourier mode of the states above the observation noise.

    Parameters
    ----------
    states : array_like, shape (n_times, n)
        Observed or analysed states on a periodic grid.
    obs_std : float
        Standard deviation of the observation noise on each grid value.
    min_snr : float
        Required ratio of the states' root-mean-square Fourier amplitude to
        the noise's, :math:`\\sqrt{n}\\, \\sigma` (default 2).

    Returns
    -------
    int
        The largest J such that every mode 1, ..., J passes (0 if mode 1
        fails).
    """
    states = np.atleast_2d(np.asarray(states, dtype=float))
    if not obs_std > 0:
        raise ValueError(f"obs_std must be positive, got {obs_std}")
    if not min_snr > 0:
        raise ValueError(f"min_snr must be positive, got {min_snr}")
    n = states.shape[-1]
    power = np.mean(np.abs(np.fft.rfft(states, axis=-1)) ** 2, axis=0)
    ok = power[1:] >= min_snr**2 * n * obs_std**2
    return int(np.argmin(ok)) if not ok.all() else len(ok)


def _fourier_rows(a, n_snapshots, n, max_mode):
    """Scaled real and imaginary parts of modes 0..max_mode, one row each."""
    k = a.shape[1] if a.ndim == 2 else 1
    a = np.asarray(a).reshape(n_snapshots, n, k)
    f = np.fft.rfft(a, axis=1)[:, : max_mode + 1, :]
    scale = np.full(max_mode + 1, np.sqrt(2.0 / n))
    scale[0] = np.sqrt(1.0 / n)
    has_imag = np.arange(max_mode + 1) > 0
    if max_mode == n // 2:
        scale[-1] = np.sqrt(1.0 / n)
        has_imag[-1] = False
    re = (f.real * scale[None, :, None]).reshape(-1, k)
    im = (f.imag[:, has_imag, :] * scale[None, has_imag, None]).reshape(-1, k)
    return np.concatenate([re, im])


def model_error(states, model, steps=1, next_states=None):
    """One-interval model error :math:`(u(t_{n+1}) - M(u(t_n))) / \\Delta t`.

    Parameters
    ----------
    states : array_like, shape (n_times, n)
        States at equally spaced times, ``steps * model.dt`` apart, or the
        starting states of pairs when ``next_states`` is given.
    model : KuramotoSivashinsky
        The imperfect model.
    steps : int
        Model steps per observation interval.
    next_states : array_like, shape (n_times, n), optional
        The states one interval after each row of ``states``.

    Returns
    -------
    numpy.ndarray
        The model error at each starting state (``n_times - 1`` rows for a
        trajectory, ``n_times`` for pairs).
    """
    start, end = _pairs(states, next_states, model)
    forecast = model.advance(start, steps)
    return (end - forecast) / (steps * model.dt)


def discover_model_error(
    states,
    model,
    library=None,
    *,
    next_states=None,
    steps=1,
    method="spectral",
    solver="mackay",
    threshold_alpha=1e2,
    min_relevance=None,
    level=0.95,
    library_filter="etd",
    obs_std=None,
    min_snr=2.0,
    max_mode=None,
    rvm_options=None,
):
    """Discover the terms missing from an imperfect model.

    Parameters
    ----------
    states : array_like, shape (n_times, n)
        Observed (or analysed) states, ``steps * model.dt`` apart.
    model : KuramotoSivashinsky
        The imperfect model.
    library : Library or sequence of str, optional
        Candidate terms (default: :math:`u^p \\partial_x^k u` for p up to 3,
        k up to 5 spectrally, or 4 with finite differences).
    next_states : array_like, optional
        States one interval after each row of ``states`` (pairs); by default
        ``states`` is one trajectory.
    steps : int
        Model steps per observation interval.
    method : {"spectral", "finite-difference"}
        Derivatives of the library (ignored when a :class:`Library` is
        given).
    solver : {"mackay", "fast"}
        RVM solver ("fast" for noisy states: module notes).
    threshold_alpha : float
        Pruning threshold on the standardised precisions (module notes).
    min_relevance : float, optional
        Also prune terms whose posterior z-score is below this.
    level : float
        Level of the credible intervals.
    library_filter : {"etd", "none"}
        Pass the library through :math:`\\varphi_1(\\Delta t \\mathcal{L})`
        (module notes), or use it as is.
    obs_std : float, optional
        Observation noise standard deviation of noisy (or analysed noisy)
        states: the regression keeps the Fourier modes up to
        :func:`resolved_modes` ``(states, obs_std, min_snr)`` (module notes).
        Ignored when ``max_mode`` is given.
    min_snr : float
        Amplitude ratio over the noise for a mode to count as resolved
        (default 2; only with ``obs_std``).
    max_mode : int, optional
        Regress on the Fourier modes 0..max_mode only (module notes); by
        default all grid values are used.
    rvm_options : dict, optional
        Further arguments of :class:`~statmodels.sparse.rvm.RVR`.

    Returns
    -------
    Discovery
        The discovered terms with coefficients, intervals and the equation.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    if library is None:
        library = Library(length=model.length, method=method)
    elif not isinstance(library, Library):
        library = Library(library, length=model.length, method=method)
    if abs(library.length - model.length) > 1e-12 * model.length:
        raise ValueError(
            f"the library's domain length {library.length} differs from the "
            f"model's {model.length}"
        )
    if library_filter not in ("etd", "none"):
        raise ValueError(
            f"library_filter must be 'etd' or 'none', got {library_filter!r}"
        )
    start, _ = _pairs(states, next_states, model)
    n = model.n
    if max_mode is None and obs_std is not None:
        max_mode = resolved_modes(start, obs_std, min_snr)
        if max_mode < 1:
            raise ValueError(
                f"no Fourier mode of the states exceeds {min_snr} times the "
                f"noise amplitude for obs_std={obs_std}; nothing to regress"
            )
    if max_mode is not None:
        if int(max_mode) != max_mode or not 1 <= max_mode <= n // 2:
            raise ValueError(
                f"max_mode must be an integer in [1, {n // 2}], got {max_mode}"
            )
        max_mode = int(max_mode)
        keep = np.arange(n // 2 + 1) <= max_mode
        lib_states = np.fft.irfft(np.fft.rfft(start, axis=-1) * keep, n=n, axis=-1)
    else:
        lib_states = start
    filt = _phi1(model, steps) if library_filter == "etd" else None
    X = library.evaluate(lib_states, filter=filt)
    y = model_error(states, model, steps, next_states)
    if max_mode is None:
        y = y.ravel()
    else:
        X = _fourier_rows(X, start.shape[0], n, max_mode)
        y = _fourier_rows(y[..., None], start.shape[0], n, max_mode)[:, 0]
    options = dict(
        solver=solver,
        fit_intercept=False,
        standardize=True,
        threshold_alpha=threshold_alpha,
        min_relevance=min_relevance,
    )
    options.update(rvm_options or {})
    rvm = RVR(**options).fit(X, y)
    z = stats.norm.ppf(0.5 + level / 2)
    names = library.names
    sd = np.sqrt(np.diag(rvm.sigma_))
    terms, intervals, std = {}, {}, {}
    for j, i in enumerate(rvm.active_):
        c = float(rvm.coef_[i])
        terms[names[i]] = c
        std[names[i]] = float(sd[j])
        intervals[names[i]] = (c - z * sd[j], c + z * sd[j])
    return Discovery(terms, intervals, std, level, library, rvm, len(y))
