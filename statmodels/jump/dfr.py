"""The discrete flashing ratchet (DFR), a six-state benchmark chain.

The benchmark of Berghaus, Cvejoski, Seifner, Ojeda & Sanchez (2024),
"Foundation Inference Models for Markov Jump Processes" (NeurIPS 2024,
arXiv 2406.06419), after the flashing ratchet of Roldan & Parrondo (2010),
"Estimating dissipation from single stationary trajectories". A particle
sits at one of three positions ``x = 0, 1, 2`` of a ring. States ``0, 1, 2``
are the positions with the potential ``U(x) = V x`` switched on, states
``3, 4, 5`` the same positions with it switched off. Jumps:

* potential on, position ``i`` to ``j``: rate ``exp(-V (j - i) / 2)``;
* potential off, position ``i`` to ``j``: rate ``b``;
* switching, state ``i <-> i + 3``: rate ``r``.

The switching mode (total probability on minus off) decays at rate ``2 r``,
which is the slowest relaxation for the rates used here: relaxation time
``1 / (2 r)``. The ratchet breaks detailed balance for ``V != 0``, so its
Schnakenberg entropy production is positive and grows with ``V``.
"""

from __future__ import annotations

import numpy as np

#: Positions of the six states.
POSITIONS = np.array([0, 1, 2, 0, 1, 2])


def dfr_pattern() -> np.ndarray:
    """The 18 allowed transitions of the DFR as a (6, 6) boolean matrix.

    Returns
    -------
    numpy.ndarray
        ``True`` where a jump is allowed.
    """
    pat = np.zeros((6, 6), dtype=bool)
    for block in (0, 3):
        for i in range(3):
            for j in range(3):
                if i != j:
                    pat[block + i, block + j] = True
    for i in range(3):
        pat[i, i + 3] = pat[i + 3, i] = True
    return pat


def dfr_rate_matrix(V: float = 1.0, r: float = 1.0, b: float = 1.0) -> np.ndarray:
    """Rate matrix of the discrete flashing ratchet.

    Parameters
    ----------
    V : float
        Potential strength (slope of ``U(x) = V x``).
    r : float
        Switching rate between the on and off states, > 0.
    b : float
        Jump rate between positions while the potential is off, > 0.

    Returns
    -------
    numpy.ndarray
        The (6, 6) generator.
    """
    if not (r > 0 and b > 0 and np.isfinite(V)):
        raise ValueError(
            f"the DFR needs finite V and r > 0, b > 0; got V={V}, r={r}, b={b}"
        )
    Q = np.zeros((6, 6))
    for i in range(3):
        for j in range(3):
            if i != j:
                Q[i, j] = np.exp(-V * (j - i) / 2)
                Q[3 + i, 3 + j] = b
        Q[i, i + 3] = Q[i + 3, i] = r
    np.fill_diagonal(Q, -Q.sum(axis=1))
    return Q


def dfr_parameters(Q) -> dict[str, float]:
    """Recover ``(V, r, b)`` from a (fitted) DFR rate matrix.

    ``V`` is the least-squares slope of ``log Q[i, j] = -V (j - i) / 2`` over
    the six on-state jumps (no intercept), ``r`` the geometric mean of the six
    switching rates and ``b`` that of the six off-state rates. Written in
    ``jax.numpy`` so that :meth:`~statmodels.inference.Fit.transform` can
    propagate uncertainty through it.

    Parameters
    ----------
    Q : array_like, shape (6, 6)
        Rate matrix with positive rates on the DFR pattern.

    Returns
    -------
    dict
        ``{"V": ..., "r": ..., "b": ...}`` as scalars (JAX arrays when traced).
    """
    import jax.numpy as jnp

    Q = jnp.asarray(Q)
    if Q.shape != (6, 6):
        raise ValueError(f"a DFR rate matrix is 6 x 6; got shape {Q.shape}")
    on = [(i, j) for i in range(3) for j in range(3) if i != j]
    d = jnp.array([j - i for i, j in on], dtype=float)
    y = jnp.log(jnp.stack([Q[i, j] for i, j in on]))
    V = -2.0 * jnp.sum(d * y) / jnp.sum(d * d)
    r = jnp.exp(
        jnp.mean(
            jnp.log(
                jnp.stack(
                    [Q[i, i + 3] for i in range(3)] + [Q[i + 3, i] for i in range(3)]
                )
            )
        )
    )
    b = jnp.exp(jnp.mean(jnp.log(jnp.stack([Q[3 + i, 3 + j] for i, j in on]))))
    return {"V": V, "r": r, "b": b}
