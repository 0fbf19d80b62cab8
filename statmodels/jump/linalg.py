"""A matrix exponential for small generators that compiles and differentiates fast.

Scaling and squaring (Moler & Van Loan 2003, "Nineteen dubious ways to
compute the exponential of a matrix, twenty-five years later"): with
``A = Q t / 2^s`` scaled to 1-norm at most 1/2, ``expm(A)`` is its Taylor
polynomial of degree 14 (truncation error below ``0.5^15 / 15! < 3e-17``
relative), and ``expm(Q t) = expm(A)^(2^s)``. The number of squarings ``s``
depends on the data and parameters, so a fixed number of them is written
out and the surplus ones are masked off; ``s`` itself carries no gradient.
Both loops have fixed
lengths, so reverse-mode autodiff applies; the result is a branch-free
program whose Hessian JAX compiles in a fraction of the time of
:func:`jax.scipy.linalg.expm`'s Pade branches.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp

#: Taylor degree after scaling.
DEGREE = 14
#: Squarings written out; norms up to 0.5 * 2**MAX_SQUARINGS are handled.
MAX_SQUARINGS = 24


def expm_small(M):
    """``expm(M)`` for one small square matrix, differentiable in ``M``.

    Parameters
    ----------
    M : jax.Array, shape (S, S)
        Matrix (in use, a rate matrix times an interval length).

    Returns
    -------
    jax.Array
        The matrix exponential.
    """
    norm = jnp.max(jnp.sum(jnp.abs(M), axis=0))
    s = jax.lax.stop_gradient(
        jnp.clip(jnp.ceil(jnp.log2(jnp.maximum(norm, 1e-300) / 0.5)), 0, MAX_SQUARINGS)
    )
    A = M / 2.0**s
    eye = jnp.eye(M.shape[0], dtype=M.dtype)
    # Horner's scheme for sum_k A^k / k!.
    E = jax.lax.fori_loop(0, DEGREE, lambda k, E: eye + (A @ E) / (DEGREE - k), eye)
    return jax.lax.fori_loop(
        0, MAX_SQUARINGS, lambda i, E: jnp.where(i < s, E @ E, E), E
    )
