"""Kuramoto-Sivashinsky equation, pseudo-spectral with ETDRK4, in JAX.

The equation on the periodic domain :math:`[0, L)`,

.. math::

    u_t + a\\, u u_x + b\\, u_{xx} + c\\, u_{xxxx}
        = \\sum_j e_j\\, u^{p_j} \\partial_x^{k_j} u + f(t, x),

with :math:`a = b = c = 1` for the standard equation. Changing
:math:`a, b, c` or adding the extra terms :math:`e_j` gives an imperfect (or
corrected) model. In Fourier space, :math:`\\hat u_t = \\mathcal{L} \\hat u +
\\mathcal{N}(\\hat u, t)` with the linear symbol :math:`\\mathcal{L}(\\kappa) = b
\\kappa^2 - c \\kappa^4 + \\sum_{p_j = 0} e_j (i\\kappa)^{k_j}` and the rest in
:math:`\\mathcal{N}`, which is evaluated pseudo-spectrally (products in physical
space). Time stepping is the fourth-order exponential time differencing
Runge-Kutta scheme of Cox & Matthews (2002), with the coefficient functions
evaluated by contour integrals as in Kassam, A.-K. & Trefethen, L. N. (2005),
"Fourth-order time-stepping for stiff PDEs", SIAM J. Sci. Comput. 26(4),
1214-1233.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np

from statmodels.sparse.library import parse_term

__all__ = ["KuramotoSivashinsky", "etdrk4_coefficients"]


def etdrk4_coefficients(lin, h, n_contour=64):
    """ETDRK4 coefficients for the diagonal linear operator ``lin``.

    Parameters
    ----------
    lin : array_like
        Linear symbol :math:`\\mathcal{L}(\\kappa)` (real or complex).
    h : float
        Time step.
    n_contour : int
        Points on the unit circle around each :math:`h \\mathcal{L}` (the
        contour integral avoids the cancellation of the direct formulas).

    Returns
    -------
    tuple of numpy.ndarray
        ``E, E2, Q, f1, f2, f3`` of Kassam & Trefethen (2005).
    """
    lin = np.asarray(lin, dtype=complex)
    r = np.exp(2j * np.pi * (np.arange(1, n_contour + 1) - 0.5) / n_contour)
    LR = h * lin[:, None] + r[None, :]
    eLR = np.exp(LR)
    Q = h * np.mean((np.exp(LR / 2) - 1) / LR, axis=1)
    f1 = h * np.mean((-4 - LR + eLR * (4 - 3 * LR + LR**2)) / LR**3, axis=1)
    f2 = h * np.mean((2 + LR + eLR * (LR - 2)) / LR**3, axis=1)
    f3 = h * np.mean((-4 - 3 * LR - LR**2 + eLR * (4 - LR)) / LR**3, axis=1)
    E = np.exp(h * lin)
    E2 = np.exp(h * lin / 2)
    return E, E2, Q, f1, f2, f3


class KuramotoSivashinsky:
    """Kuramoto-Sivashinsky solver (module docstring for the equation).

    Parameters
    ----------
    length : float
        Domain length L (default 100).
    n : int
        Number of grid points (even; default 128).
    dt : float
        Time step of ETDRK4 (default 0.01).
    advection : float
        Coefficient a of :math:`u u_x`.
    diffusion : float
        Coefficient b of :math:`u_{xx}` (positive: anti-diffusion, the
        standard equation).
    hyperdiffusion : float
        Coefficient c of :math:`u_{xxxx}`.
    extra : dict, optional
        Extra right-hand-side terms, name to coefficient, such as
        ``{"u_xx": -0.5, "u^2 u_x": 0.1}``.
    forcing : callable, optional
        ``forcing(t, x)`` in JAX, added to the right-hand side (for
        manufactured solutions).
    dealias : bool
        Zero the top third of the modes of the nonlinear terms.

    Attributes
    ----------
    x : numpy.ndarray
        Grid points.
    kappa : numpy.ndarray
        Wavenumbers of the real FFT.
    """

    def __init__(
        self,
        length=100.0,
        n=128,
        dt=0.01,
        *,
        advection=1.0,
        diffusion=1.0,
        hyperdiffusion=1.0,
        extra=None,
        forcing=None,
        dealias=False,
    ):
        if int(n) != n or n < 8 or n % 2:
            raise ValueError(f"n must be an even integer of at least 8, got {n}")
        if not length > 0:
            raise ValueError(f"length must be positive, got {length}")
        if not dt > 0:
            raise ValueError(f"dt must be positive, got {dt}")
        self.length = float(length)
        self.n = int(n)
        self.dt = float(dt)
        self.advection = float(advection)
        self.diffusion = float(diffusion)
        self.hyperdiffusion = float(hyperdiffusion)
        self.extra = {parse_term(k).name: float(v) for k, v in (extra or {}).items()}
        self.forcing = forcing
        self.dealias = bool(dealias)
        self.x = np.arange(self.n) * self.length / self.n
        self.kappa = 2 * np.pi * np.fft.rfftfreq(self.n, d=self.length / self.n)
        ik = 1j * self.kappa
        ik_odd = ik.copy()
        ik_odd[-1] = 0.0  # odd derivatives of the Nyquist mode vanish
        lin = self.diffusion * self.kappa**2 - self.hyperdiffusion * self.kappa**4
        lin = lin.astype(complex)
        nonlinear_terms = []
        for name, coef in self.extra.items():
            term = parse_term(name)
            sym = (ik_odd if term.order % 2 else ik) ** term.order
            if term.power == 0:
                lin = lin + coef * sym
            else:
                nonlinear_terms.append((coef, term.power, jnp.asarray(sym)))
        self.linear_symbol = lin
        self._ik = jnp.asarray(ik_odd)
        self._nl_terms = nonlinear_terms
        mask = np.ones(len(self.kappa))
        if self.dealias:
            mask[np.abs(np.arange(len(self.kappa))) > self.n // 3] = 0.0
        self._mask = jnp.asarray(mask)
        coefs = etdrk4_coefficients(lin, self.dt)
        self._E, self._E2, self._Q, self._f1, self._f2, self._f3 = (
            jnp.asarray(c) for c in coefs
        )
        self._lin = jnp.asarray(lin)
        self._xj = jnp.asarray(self.x)

    def __repr__(self) -> str:
        extra = f", extra={self.extra}" if self.extra else ""
        return (
            f"KuramotoSivashinsky(length={self.length}, n={self.n}, dt={self.dt}, "
            f"advection={self.advection}, diffusion={self.diffusion}, "
            f"hyperdiffusion={self.hyperdiffusion}{extra})"
        )

    def with_coefficients(self, **changes) -> KuramotoSivashinsky:
        """A copy with some constructor arguments changed.

        Parameters
        ----------
        **changes
            Any of the constructor's arguments.

        Returns
        -------
        KuramotoSivashinsky
            The new solver.
        """
        args = dict(
            length=self.length,
            n=self.n,
            dt=self.dt,
            advection=self.advection,
            diffusion=self.diffusion,
            hyperdiffusion=self.hyperdiffusion,
            extra=dict(self.extra),
            forcing=self.forcing,
            dealias=self.dealias,
        )
        args.update(changes)
        return KuramotoSivashinsky(**args)

    # ------------------------------------------------------------------ core
    def _nonlinear(self, v, t):
        n = self.n
        u = jnp.fft.irfft(v, n=n)
        out = -0.5 * self.advection * self._ik * jnp.fft.rfft(u * u)
        for coef, power, sym in self._nl_terms:
            d = jnp.fft.irfft(sym * v, n=n)
            out = out + coef * jnp.fft.rfft(u**power * d)
        if self.forcing is not None:
            out = out + jnp.fft.rfft(self.forcing(t, self._xj))
        return out * self._mask

    def _step_hat(self, v, t):
        h = self.dt
        E, E2, Q = self._E, self._E2, self._Q
        Nv = self._nonlinear(v, t)
        a = E2 * v + Q * Nv
        Na = self._nonlinear(a, t + h / 2)
        b = E2 * v + Q * Na
        Nb = self._nonlinear(b, t + h / 2)
        c = E2 * a + Q * (2 * Nb - Nv)
        Nc = self._nonlinear(c, t + h)
        return E * v + Nv * self._f1 + 2 * (Na + Nb) * self._f2 + Nc * self._f3

    @partial(jax.jit, static_argnums=(0, 2))
    def _advance(self, u, n_steps, t0):
        v = jnp.fft.rfft(u)

        def body(i, v):
            return self._step_hat(v, t0 + i * self.dt)

        v = jax.lax.fori_loop(0, n_steps, body, v)
        return jnp.fft.irfft(v, n=self.n)

    @partial(jax.jit, static_argnums=(0, 2, 3))
    def _trajectory(self, u, n_saves, every, t0):
        def inner(i, carry):
            v, t = carry
            return self._step_hat(v, t), t + self.dt

        def outer(carry, _):
            carry = jax.lax.fori_loop(0, every, inner, carry)
            return carry, jnp.fft.irfft(carry[0], n=self.n)

        _, traj = jax.lax.scan(outer, (jnp.fft.rfft(u), t0), None, length=n_saves)
        return traj

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    # ------------------------------------------------------------- public
    def _check_state(self, u):
        u = jnp.asarray(u, dtype=jnp.float64)
        if u.shape[-1] != self.n:
            raise ValueError(
                f"states must have {self.n} grid values on the last axis, "
                f"got shape {u.shape}"
            )
        return u

    def advance(self, u, n_steps=1, t0=0.0):
        """Advance states by ``n_steps`` ETDRK4 steps.

        Parameters
        ----------
        u : array_like, shape (n,) or (batch, n)
            States on the grid.
        n_steps : int
            Number of steps of size ``dt``.
        t0 : float
            Starting time (only matters with a forcing).

        Returns
        -------
        numpy.ndarray
            The advanced states, same shape as ``u``.
        """
        u = self._check_state(u)
        if int(n_steps) != n_steps or n_steps < 0:
            raise ValueError(f"n_steps must be a non-negative integer, got {n_steps}")
        return np.asarray(self._advance(u, int(n_steps), jnp.float64(t0)))

    def simulate(self, u0, n_saves, save_every=1, t0=0.0):
        """Trajectory from ``u0``, keeping every ``save_every``-th step.

        Parameters
        ----------
        u0 : array_like, shape (n,)
            Initial state.
        n_saves : int
            Number of saved states after the initial one.
        save_every : int
            Steps between saved states.
        t0 : float
            Starting time.

        Returns
        -------
        numpy.ndarray, shape (n_saves + 1, n)
            The initial state followed by the saved states.
        """
        u0 = self._check_state(u0)
        if u0.ndim != 1:
            raise ValueError(f"u0 must be one state of shape ({self.n},)")
        traj = self._trajectory(u0, int(n_saves), int(save_every), jnp.float64(t0))
        return np.concatenate([np.asarray(u0)[None], np.asarray(traj)])

    def rhs(self, u, t=0.0):
        """Right-hand side :math:`u_t` in physical space.

        Parameters
        ----------
        u : array_like, shape (n,)
            State.
        t : float
            Time (for the forcing).

        Returns
        -------
        numpy.ndarray
            :math:`u_t` on the grid.
        """
        u = self._check_state(u)
        v = jnp.fft.rfft(u)
        out = self._lin * v + self._nonlinear(v, t)
        return np.asarray(jnp.fft.irfft(out, n=self.n))

    def initial_condition(self, seed=0, amplitude=0.1, n_modes=8):
        """A smooth random state from the lowest Fourier modes.

        Parameters
        ----------
        seed : int
            Random seed.
        amplitude : float
            Standard deviation of each mode's coefficient.
        n_modes : int
            Number of modes used.

        Returns
        -------
        numpy.ndarray
            The state on the grid.
        """
        rng = np.random.default_rng(seed)
        u = np.zeros(self.n)
        for j in range(1, n_modes + 1):
            a, b = rng.normal(scale=amplitude, size=2)
            phase = 2 * np.pi * j * self.x / self.length
            u += a * np.cos(phase) + b * np.sin(phase)
        return u

    def attractor_state(self, seed=0, spin_up=200.0):
        """A state on the chaotic attractor, after a spin-up from noise.

        Parameters
        ----------
        seed : int
            Random seed of the initial condition.
        spin_up : float
            Time to integrate before returning.

        Returns
        -------
        numpy.ndarray
            The state on the grid.
        """
        return self.advance(self.initial_condition(seed), round(spin_up / self.dt))
