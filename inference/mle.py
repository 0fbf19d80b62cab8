"""Maximum likelihood on the unconstrained parametrisation of a numpyro model.

The objective is the log-likelihood alone (observed sites; no prior, no
Jacobian term), so the estimate is the true MLE whatever priors the model
states for the Bayesian back ends. Each start takes Newton steps with the
exact autodiff Hessian (eigenvalues made positive, flat directions left
alone, a backtracking line search) until the Newton decrement is below
``1e-9`` nats, which pins the optimum to the last digits; where Newton
stalls, SciPy's L-BFGS on the jit-compiled value and gradient takes over and
Newton polishes its answer. Standard errors come from the observed
information (the Hessian of the negative log-likelihood) in unconstrained
coordinates, mapped to the parameters by the Jacobian of the transforms.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import scipy.optimize
from statmodels.inference.fit import Fit
from statmodels.inference.model import Model, ParameterSpace
from statmodels.inference.progress import meter
from statmodels.inference.warnings import (
    BoundaryWarning,
    ConvergenceWarning,
    IdentifiabilityWarning,
    warn,
)

#: Newton decrement (nats) below which an optimum counts as converged.
DECREMENT_TOL = 1e-9
#: The same on a subsample of large data, whose optimum is only a start.
SEARCH_TOL = 1e-3
#: Largest move of one unconstrained coordinate in one Newton step.
MAX_STEP = 2.0
#: An unconstrained estimate beyond this, along a flat direction, has run off.
RUNAWAY = 10.0
#: Newton steps every start takes before the best one is run to convergence.
PROBE_STEPS = 3
#: An unconstrained standard error above this flags a flat likelihood.
FLAT_SE = 5.0


#: Jitted objectives by model structure (see :meth:`Model.structure_key`).
_JITTED: dict = {}
_COMPILED_SHAPES: set = set()


def _timed_first_call(fn, *args):
    """Call a jitted ``fn``; the seconds spent compiling (0 on a cache hit)."""
    before = fn._cache_size()
    start = time.perf_counter()
    jax.block_until_ready(fn(*args))
    return time.perf_counter() - start if fn._cache_size() > before else 0.0


class _Objective:
    """Negative log-likelihood per observation, with its gradient and Hessian.

    Jitted once per model structure and reused by later fits of models with
    the same structure (the data are arguments), so repeated fits skip
    tracing and compiling.
    """

    def __init__(
        self, space: ParameterSpace, data, nobs: int, u0, key=None, derivatives=None
    ):
        self.scale = float(max(nobs, 1))
        self.data = data
        cached = _JITTED.get(key) if key is not None else None
        if cached is None:

            def negll(u, data, scale):
                return -space.log_likelihood(space.constrain(u), data) / scale

            if derivatives is not None and space.is_real:

                def full(u, data, scale):
                    val, grad, hess = derivatives(space.constrain(u), data)
                    return -val / scale, -grad / scale, -hess / scale

            else:

                def full(u, data, scale):
                    val, grad = jax.value_and_grad(negll)(u, data, scale)
                    return val, grad, jax.hessian(negll)(u, data, scale)

            cached = (jax.jit(jax.value_and_grad(negll)), jax.jit(full))
            if key is not None:
                _JITTED[key] = cached
        self._vg, self._full = cached
        # Compile now (timed apart) unless this structure and these shapes
        # were compiled before in this process.
        shapes = (key, tuple(np.shape(x) for x in jax.tree.leaves(data)), len(u0))
        self.compile_seconds = 0.0
        if key is None or shapes not in _COMPILED_SHAPES:
            self.compile_seconds = sum(
                _timed_first_call(fn, u0, data, self.scale) for fn in cached
            )
            _COMPILED_SHAPES.add(shapes)
        self.evaluations = 0

    # NumPy in and out: converting each small result with np.array costs a
    # fraction of jax.device_get on a tuple, which matters over many steps.
    def value_and_grad(self, u):
        self.evaluations += 1
        val, grad = self._vg(np.asarray(u, dtype=float), self.data, self.scale)
        return float(val), np.array(grad, dtype=float)

    def full(self, u):
        """Value, gradient and Hessian at ``u`` in one compiled call."""
        self.evaluations += 1
        out = self._full(np.asarray(u, dtype=float), self.data, self.scale)
        val, grad, hess = (np.array(x, dtype=float) for x in out)
        return float(val), grad, hess


def _newton_step(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """A modified Newton step: |eigenvalues|, flat directions left alone, and
    no coordinate moved by more than ``MAX_STEP`` (far from the optimum a
    full step on log scales overflows; near it steps are far smaller)."""
    eigval, eigvec = np.linalg.eigh((hess + hess.T) / 2)
    top = max(np.max(np.abs(eigval)), 1e-300)
    keep = np.abs(eigval) > 1e-14 * top
    inv = np.zeros_like(eigval)
    inv[keep] = 1 / np.abs(eigval[keep])
    step = -eigvec @ (inv * (eigvec.T @ grad))
    largest = np.max(np.abs(step)) if step.size else 0.0
    return step * (MAX_STEP / largest) if largest > MAX_STEP else step


def _newton(
    obj: _Objective, u: np.ndarray, max_iter: int = 100, tol: float = DECREMENT_TOL
):
    """Newton steps with backtracking from ``u`` until the decrement is below
    ``tol`` nats.

    Returns ``(u, value, hessian, decrement in nats, ok, steps)``, with the
    value and Hessian evaluated at the returned ``u``.
    """
    val, grad, hess = obj.full(u)
    decrement = np.inf
    if not np.isfinite(val):
        return u, val, hess, decrement, False, 0
    for it in range(max_iter):
        if not np.all(np.isfinite(hess)):
            return u, val, hess, decrement, False, it
        step = _newton_step(hess, grad)
        decrement = float(-grad @ step) * obj.scale / 2
        if not np.isfinite(decrement):
            return u, val, hess, decrement, False, it
        if decrement < tol and tol > DECREMENT_TOL:
            return u, val, hess, decrement, True, it
        if np.all(np.abs(step) <= 1e-12 * (1 + np.abs(u))):
            # The step left would not change the estimate's first 12 digits.
            return u, val, hess, decrement, True, it
        if decrement < tol:
            # One more full step: Newton converges quadratically, so this
            # takes the estimate to the last digits at the cost of one call
            # (which also gives the Hessian there, for the standard errors).
            val_new, _, hess_new = obj.full(u + step)
            if np.isfinite(val_new) and val_new <= val + 1e-14 * abs(val):
                u, val, hess = u + step, val_new, hess_new
            return u, val, hess, decrement, True, it
        # The full step usually succeeds; it comes with the next Hessian.
        slope = float(grad @ step)
        val_new, grad_new, hess_new = obj.full(u + step)
        t = 1.0
        while not (np.isfinite(val_new) and val_new <= val + 1e-4 * t * slope):
            t /= 2
            if t < 1e-10:
                return u, val, hess, decrement, False, it
            val_new, _ = obj.value_and_grad(u + t * step)
            if np.isfinite(val_new) and val_new <= val + 1e-4 * t * slope:
                val_new, grad_new, hess_new = obj.full(u + t * step)
        u = u + t * step
        val, grad, hess = val_new, grad_new, hess_new
    return u, val, hess, decrement, decrement < tol, max_iter


def _converge(
    obj: _Objective,
    u: np.ndarray,
    steps: int,
    max_iter: int,
    tol: float = DECREMENT_TOL,
) -> list:
    """Newton from ``u`` to a decrement below ``tol``, L-BFGS first where
    Newton stalls. Returns ``[value, u, hessian, decrement, ok, steps]``."""
    u, val, hess, decrement, ok, more = _newton(obj, u, tol=tol)
    steps += more
    if not ok:
        # L-BFGS rescues a start where Newton stalls; Newton polishes it.
        res = scipy.optimize.minimize(
            obj.value_and_grad,
            u,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": max_iter, "ftol": 1e-15, "gtol": 1e-10},
        )
        u, val, hess, decrement, ok, more = _newton(obj, np.asarray(res.x), tol=tol)
        steps += res.nit + more
    return [val, u, hess, decrement, ok, steps]


def mle(
    model: Model,
    *,
    starts: list[dict] | None = None,
    num_starts: int | None = None,
    seed: int = 0,
    max_iter: int = 5000,
    level: float = 0.95,
    progress: bool | None = None,
    subsample: int | None = None,
) -> Fit:
    """Fit ``model`` by maximum likelihood.

    Parameters
    ----------
    model
        The model; its :meth:`~Model.numpyro_model` defines the likelihood.
    starts
        Starting points as constrained parameter values; defaults to the
        model's :meth:`~Model.init_values`, then the prior's median.
    num_starts
        Total number of starts: the given ones, then random perturbations of
        the first (normal, sd 0.5 in unconstrained coordinates); default: the
        given ones only (models offer several where their likelihood can have
        several optima).
    seed
        Seed for the perturbed starts.
    max_iter
        Iteration limit of the L-BFGS fallback at each start.
    level
        Confidence level of the Wald intervals in the parameter table.
    progress
        Show a meter over the starts (default: see
        :func:`statmodels.inference.set_progress`).
    subsample
        On large data, run the starts on this many randomly chosen rows (drawn
        with ``seed``) and then polish the best on all rows, which takes a few
        Newton steps from there instead of a full search. Used only where the
        model offers :meth:`~Model.row_subset` and has more than twice as many
        rows; local optima are then told apart on the subsample.

    Returns
    -------
    Fit
        With ``method == "mle"``; warnings are issued and recorded in the
        summary when the optimiser did not converge, the information matrix is
        singular, or the likelihood is flat (an optimum at a boundary).
    """
    space = ParameterSpace.of(model)
    data = model.data()
    rng = np.random.default_rng(seed)

    # ---- starting points -------------------------------------------------
    given = list(starts if starts is not None else model.init_values())
    u_starts = [np.asarray(space.unconstrain(s), dtype=float) for s in given]
    if not u_starts:
        u_starts = [np.zeros(space.size)]
    while len(u_starts) < (num_starts or 1):
        u_starts.append(u_starts[0] + rng.normal(0.0, 0.5, space.size))
    key = model.structure_key()
    derivatives = model.log_likelihood_derivatives()
    obj = _Objective(
        space, data, model.nobs, jnp.asarray(u_starts[0]), key, derivatives
    )
    # On large data the starts search a random subsample; the best is then
    # polished on all rows.
    search, subsampled = obj, 0
    if subsample is not None and model.nobs > 2 * subsample:
        rows = np.sort(rng.choice(model.nobs, int(subsample), replace=False))
        small = model.row_subset(rows)
        if small is not None:
            subsampled = len(rows)
            search = _Objective(
                space, small, len(rows), jnp.asarray(u_starts[0]), key, derivatives
            )
            obj.compile_seconds += search.compile_seconds
    # A subsample's optimum is only a start for all rows, where it lies some
    # standard errors away; finding it to the last digit would be wasted.
    search_tol = SEARCH_TOL if search is not obj else DECREMENT_TOL

    # ---- optimise from each start ---------------------------------------
    results = []
    fit_start = time.perf_counter()
    # Every start takes a few Newton steps; the best one then runs to
    # convergence, so that extra starts cost little on large data.
    with meter(len(u_starts), "mle starts", progress) as bar:
        for u0 in u_starts:
            bar.update()
            probe = PROBE_STEPS if len(u_starts) > 1 else 100
            u, val, hess, decrement, ok, steps = _newton(
                search, u0, max_iter=probe, tol=search_tol
            )
            if np.isfinite(val):
                results.append([val, u, hess, decrement, ok, steps])
    if not results:
        raise ValueError(
            "the log-likelihood is not finite at any starting value; check the "
            "data for impossible values or give starting values with starts="
        )
    results.sort(key=lambda r: r[0])
    best = results[0]
    if not best[4]:
        best[:] = _converge(search, best[1], best[5], max_iter, tol=search_tol)
    finished = [r for r in results[1:] if r[4]]
    same = max(1e-6, 2 * search_tol)
    agree = 1 + sum(abs(r[0] - best[0]) * search.scale < same for r in finished)
    lower = len(finished) + 1 - agree
    if search is not obj:
        best[:] = _converge(obj, best[1], best[5], max_iter)
    best_val, u_hat, hess, decrement, converged, nit = best
    log_lik = -best_val * obj.scale
    fit_seconds = time.perf_counter() - fit_start
    evaluations = obj.evaluations + (search.evaluations if search is not obj else 0)

    # ---- observed information and caveats -------------------------------
    hess = hess * obj.scale
    hess = (hess + hess.T) / 2
    caveats = []
    if not converged:
        msg = (
            "the optimiser did not converge (Newton decrement "
            f"{decrement:.2g} nats); estimates and standard errors may be off"
        )
        caveats.append(msg)
        warn(msg, ConvergenceWarning)
    labels = space.flat_labels(model.labels())
    u_labels = _unconstrained_labels(space, labels)
    eigval, eigvec = np.linalg.eigh(hess)
    singular = eigval[0] <= 1e-10 * max(eigval[-1], 1.0)
    cov_u = np.linalg.pinv(hess) if singular else np.linalg.inv(hess)
    if singular:
        involved = [
            i for i in np.argsort(-np.abs(eigvec[:, 0]))[:3] if abs(eigvec[i, 0]) > 0.1
        ]
        names = ", ".join(u_labels[i] for i in involved)
        runaway = [i for i in involved if abs(u_hat[i]) > RUNAWAY]
        if runaway:
            msg = (
                f"the estimate of {', '.join(u_labels[i] for i in runaway)} runs "
                "off towards a boundary of the parameter space (the likelihood "
                "keeps rising there, as under complete separation); the reported "
                "value is where the optimiser stopped, and its standard error is "
                "meaningless"
            )
            caveats.append(msg)
            warn(msg, BoundaryWarning)
        else:
            msg = (
                "the observed information matrix is singular or not positive "
                f"definite (smallest eigenvalue {eigval[0]:.2g}); the likelihood "
                f"is flat along a direction involving {names}, so these "
                "parameters are not identified and their standard errors are "
                "unreliable"
            )
            caveats.append(msg)
            warn(msg, IdentifiabilityWarning)
    else:
        se_u = np.sqrt(np.diag(cov_u))
        flat = [u_labels[i] for i in np.flatnonzero(se_u > FLAT_SE)]
        if flat:
            msg = (
                "the likelihood is nearly flat in "
                + ", ".join(flat)
                + f" (standard error above {FLAT_SE:g} on the unconstrained "
                "scale); the optimum may lie at a boundary of the parameter "
                "space, where the estimate runs off without bound"
            )
            caveats.append(msg)
            warn(msg, BoundaryWarning)
    if lower:
        caveats.append(
            f"{lower} of {len(results)} starts converged to a lower local "
            "optimum; the best is reported"
        )

    info = {
        "log_likelihood": log_lik,
        "converged": bool(converged),
        "newton_decrement": float(decrement),
        "iterations": int(nit),
        "starts": len(u_starts),
        "starts_at_best": int(agree),
        "evaluations": evaluations,
        "compile_seconds": obj.compile_seconds,
        "fit_seconds": fit_seconds,
        "level": level,
    }
    if subsampled:
        info["starts_from"] = f"a fit to a random subsample of {subsampled} rows"
        info["evaluations_on_all_rows"] = obj.evaluations
    return Fit.from_mle(model, space, u_hat, cov_u, info, caveats)


def _unconstrained_labels(space: ParameterSpace, labels: list[str]) -> list[str]:
    """Labels of the unconstrained coordinates (same as constrained if 1:1)."""
    if len(labels) == space.size:
        return labels
    out = []
    for name in space.names:
        size = int(np.prod(space.unconstrained_shape(name)))
        out.extend([name] if size == 1 else [f"{name}[{i}]" for i in range(size)])
    return out
