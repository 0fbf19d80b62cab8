"""Maximum likelihood on the unconstrained parametrisation of a numpyro model.

The objective is the log-likelihood alone (observed sites; no prior, no
Jacobian term), so the estimate is the true MLE whatever priors the model
states for the Bayesian back ends. Each start runs L-BFGS (SciPy) on the
jit-compiled value and gradient, then Newton steps with the exact autodiff
Hessian until the Newton decrement is below ``1e-9`` nats, which pins the
optimum to the last digits. Standard errors come from the observed
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
#: An unconstrained standard error above this flags a flat likelihood.
FLAT_SE = 5.0


def _compile(fn, *args):
    """Jit-compile ``fn`` ahead of time; return it and the seconds it took."""
    start = time.perf_counter()
    compiled = jax.jit(fn).lower(*args).compile()
    return compiled, time.perf_counter() - start


class _Objective:
    """Negative log-likelihood per observation, with its gradient and Hessian."""

    def __init__(self, space: ParameterSpace, data, nobs: int, u0):
        self.scale = float(max(nobs, 1))

        def negll(u, data):
            return -space.log_likelihood(space.constrain(u), data) / self.scale

        self.data = data
        self._vg, t1 = _compile(jax.value_and_grad(negll), u0, data)
        self._h, t2 = _compile(jax.hessian(negll), u0, data)
        self.compile_seconds = t1 + t2
        self.evaluations = 0

    def value_and_grad(self, u):
        self.evaluations += 1
        val, grad = self._vg(jnp.asarray(u), self.data)
        return float(val), np.asarray(grad, dtype=float)

    def hessian(self, u):
        return np.asarray(self._h(jnp.asarray(u), self.data), dtype=float)


def _newton_step(hess: np.ndarray, grad: np.ndarray) -> np.ndarray:
    """A modified Newton step: |eigenvalues|, flat directions left alone."""
    eigval, eigvec = np.linalg.eigh((hess + hess.T) / 2)
    top = max(np.max(np.abs(eigval)), 1e-300)
    keep = np.abs(eigval) > 1e-10 * top
    inv = np.zeros_like(eigval)
    inv[keep] = 1 / np.abs(eigval[keep])
    return -eigvec @ (inv * (eigvec.T @ grad))


def _newton(obj: _Objective, u: np.ndarray, max_iter: int = 50):
    """Newton steps with backtracking; returns (u, decrement in nats, ok)."""
    val, grad = obj.value_and_grad(u)
    decrement = np.inf
    for _ in range(max_iter):
        hess = obj.hessian(u)
        if not np.all(np.isfinite(hess)):
            return u, decrement, False
        step = _newton_step(hess, grad)
        decrement = float(-grad @ step) * obj.scale / 2
        if not np.isfinite(decrement):
            return u, decrement, False
        if decrement < DECREMENT_TOL:
            return u, decrement, True
        t = 1.0
        while t > 1e-10:
            u_new = u + t * step
            val_new, grad_new = obj.value_and_grad(u_new)
            if np.isfinite(val_new) and val_new <= val + 1e-4 * t * (grad @ step):
                break
            t /= 2
        else:
            return u, decrement, False
        u, val, grad = u_new, val_new, grad_new
    return u, decrement, decrement < DECREMENT_TOL


def mle(
    model: Model,
    *,
    starts: list[dict] | None = None,
    num_starts: int = 4,
    seed: int = 0,
    max_iter: int = 5000,
    level: float = 0.95,
    progress: bool | None = None,
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
        the first (normal, sd 0.5 in unconstrained coordinates).
    seed
        Seed for the perturbed starts.
    max_iter
        Iteration limit for L-BFGS at each start.
    level
        Confidence level of the Wald intervals in the parameter table.
    progress
        Show a meter over the starts (default: see
        :func:`statmodels.inference.set_progress`).

    Returns
    -------
    Fit
        With ``method == "mle"``; warnings are issued and recorded in the
        summary when the optimiser did not converge, the information matrix is
        singular, or the likelihood is flat (an optimum at a boundary).
    """
    model_fn, data = model.numpyro_model(), model.data()
    space = ParameterSpace.from_model(model_fn, data)
    rng = np.random.default_rng(seed)

    # ---- starting points -------------------------------------------------
    given = list(starts if starts is not None else model.init_values())
    u_starts = [np.asarray(space.unconstrain(s), dtype=float) for s in given]
    if not u_starts:
        u_starts = [np.zeros(space.size)]
    while len(u_starts) < num_starts:
        u_starts.append(u_starts[0] + rng.normal(0.0, 0.5, space.size))
    obj = _Objective(space, data, model.nobs, jnp.asarray(u_starts[0]))

    # ---- optimise from each start ---------------------------------------
    results = []
    fit_start = time.perf_counter()
    with meter(len(u_starts), "mle starts", progress) as bar:
        for u0 in u_starts:
            bar.update()
            val0, _ = obj.value_and_grad(u0)
            if not np.isfinite(val0):
                continue
            res = scipy.optimize.minimize(
                obj.value_and_grad,
                u0,
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": max_iter, "ftol": 1e-15, "gtol": 1e-10},
            )
            u, decrement, ok = _newton(obj, np.asarray(res.x))
            val, grad = obj.value_and_grad(u)
            if np.isfinite(val):
                results.append((val, u, decrement, ok, res.nit))
    if not results:
        raise ValueError(
            "the log-likelihood is not finite at any starting value; check the "
            "data for impossible values or give starting values with starts="
        )
    results.sort(key=lambda r: r[0])
    best_val, u_hat, decrement, converged, nit = results[0]
    log_lik = -best_val * obj.scale
    agree = sum(abs(r[0] - best_val) * obj.scale < 1e-6 for r in results)
    fit_seconds = time.perf_counter() - fit_start

    # ---- observed information and caveats -------------------------------
    hess = obj.hessian(u_hat) * obj.scale
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
    if eigval[0] <= 1e-10 * max(eigval[-1], 1.0):
        worst = np.argsort(-np.abs(eigvec[:, 0]))[:3]
        names = ", ".join(u_labels[i] for i in worst if abs(eigvec[i, 0]) > 0.1)
        msg = (
            "the observed information matrix is singular or not positive "
            f"definite (smallest eigenvalue {eigval[0]:.2g}); the likelihood is "
            f"flat along a direction involving {names}, so these parameters "
            "are not identified and their standard errors are unreliable"
        )
        caveats.append(msg)
        warn(msg, IdentifiabilityWarning)
        cov_u = np.linalg.pinv(hess)
    else:
        cov_u = np.linalg.inv(hess)
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
    if agree < len(results) and len(results) > 1:
        caveats.append(
            f"{len(results) - agree} of {len(results)} starts stopped at a lower "
            "local optimum; the best is reported"
        )

    info = {
        "log_likelihood": log_lik,
        "converged": bool(converged),
        "newton_decrement": float(decrement),
        "lbfgs_iterations": int(nit),
        "starts": len(u_starts),
        "starts_at_best": int(agree),
        "evaluations": obj.evaluations,
        "compile_seconds": obj.compile_seconds,
        "fit_seconds": fit_seconds,
        "level": level,
    }
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
