"""Candidate libraries of terms :math:`u^p \\, \\partial_x^k u` for model discovery.

A term is named as it prints in an equation: ``"u"``, ``"u^2"``, ``"u_x"``,
``"u_xxxx"``, ``"u u_x"``, ``"u^2 u_xx"``. Derivatives on a periodic grid of
length L with N points are computed either spectrally,

.. math::

    \\widehat{\\partial_x^k u}(\\kappa) = (i \\kappa)^k \\hat u(\\kappa),
    \\qquad \\kappa = 2 \\pi j / L,

with the Nyquist mode set to zero for odd k, or by second-order central
finite differences (orders 1 to 4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Term", "Library", "parse_term", "term_name", "derivative"]

_FD_STENCILS = {
    1: {-1: -0.5, 1: 0.5},
    2: {-1: 1.0, 0: -2.0, 1: 1.0},
    3: {-2: -0.5, -1: 1.0, 1: -1.0, 2: 0.5},
    4: {-2: 1.0, -1: -4.0, 0: 6.0, 1: -4.0, 2: 1.0},
}


@dataclass(frozen=True)
class Term:
    """The library term :math:`u^p \\, \\partial_x^k u`.

    Attributes
    ----------
    power : int
        Power p of the multiplying :math:`u` (0 for a bare derivative).
    order : int
        Derivative order k (0 for a power of :math:`u`).
    """

    power: int
    order: int

    @property
    def name(self) -> str:
        """The printed name, for example ``"u^2 u_xx"``."""
        return term_name(self.power, self.order)

    @property
    def is_linear(self) -> bool:
        """Whether the term is linear in :math:`u`."""
        return self.power == 0


def term_name(power: int, order: int) -> str:
    """Name of :math:`u^p \\partial_x^k u`.

    Parameters
    ----------
    power : int
        p, at least 0.
    order : int
        k, at least 0.

    Returns
    -------
    str
        For example ``term_name(1, 1) == "u u_x"``.
    """
    if order == 0:
        p = power + 1
        return "u" if p == 1 else f"u^{p}"
    deriv = "u_" + "x" * order
    if power == 0:
        return deriv
    return ("u " if power == 1 else f"u^{power} ") + deriv


def parse_term(name: str) -> Term:
    """Parse a term name such as ``"u^2 u_x"`` or ``"u*u_xx"``.

    Parameters
    ----------
    name : str
        Factors separated by spaces or ``*``: powers ``u`` / ``u^p`` and at
        most one derivative ``u_x...``.

    Returns
    -------
    Term
        The parsed term.

    Raises
    ------
    ValueError
        If the name is not of the form :math:`u^p \\partial_x^k u`.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"a term name must be a non-empty string, got {name!r}")
    power = 0
    order = None
    for tok in re.split(r"[\s*]+", name.strip()):
        m_pow = re.fullmatch(r"u(?:\^(\d+))?", tok)
        m_der = re.fullmatch(r"u_(x+)", tok)
        if m_pow:
            power += int(m_pow.group(1) or 1)
        elif m_der and order is None:
            order = len(m_der.group(1))
        elif m_der:
            raise ValueError(
                f"term {name!r} multiplies two derivatives; library terms are "
                "u^p times one derivative d^k u/dx^k"
            )
        else:
            raise ValueError(
                f"cannot read factor {tok!r} of term {name!r}; write terms as "
                "'u', 'u^2', 'u_xx', 'u u_x', 'u^2 u_xxx'"
            )
    if order is None:
        if power == 0:
            raise ValueError(f"term {name!r} has no factor of u")
        return Term(power - 1, 0)
    return Term(power, order)


def _wavenumbers(n: int, length: float) -> np.ndarray:
    return 2.0 * np.pi * np.fft.rfftfreq(n, d=length / n)


def derivative(u, order, length, method="spectral"):
    """Derivative of periodic samples along the last axis.

    Parameters
    ----------
    u : array_like, shape (..., n)
        Samples on the grid :math:`x_j = j L / n`.
    order : int
        Derivative order, 0 or more.
    length : float
        Domain length L.
    method : {"spectral", "finite-difference"}
        Fourier differentiation, or second-order central differences (orders
        up to 4).

    Returns
    -------
    numpy.ndarray
        :math:`\\partial_x^k u` on the same grid.
    """
    u = np.asarray(u, dtype=float)
    if order == 0:
        return u.copy()
    n = u.shape[-1]
    if method == "spectral":
        kappa = _wavenumbers(n, length)
        factor = (1j * kappa) ** order
        if order % 2 == 1 and n % 2 == 0:
            factor[-1] = 0.0
        return np.fft.irfft(factor * np.fft.rfft(u, axis=-1), n=n, axis=-1)
    if method in ("finite-difference", "fd"):
        if order not in _FD_STENCILS:
            raise ValueError(
                f"a derivative of order {order} is not implemented by finite "
                f"differences (orders 1 to {max(_FD_STENCILS)}); use "
                "method='spectral' or drop the term"
            )
        h = length / n
        out = np.zeros_like(u)
        for shift, weight in _FD_STENCILS[order].items():
            out += weight * np.roll(u, -shift, axis=-1)
        return out / h**order
    raise ValueError(
        f"method must be 'spectral' or 'finite-difference', got {method!r}"
    )


class Library:
    """A set of candidate terms evaluated on periodic snapshots.

    Parameters
    ----------
    terms : sequence of str or Term, optional
        The terms. By default every :math:`u^p \\partial_x^k u` with
        ``0 <= p <= max_power`` and ``0 <= k <= max_order``.
    length : float
        Domain length L.
    method : {"spectral", "finite-difference"}
        How derivatives are computed.
    max_power, max_order : int
        Size of the default library (defaults 3 and 5: 24 terms).

    Raises
    ------
    ValueError
        For an unreadable term, a repeated term, or a term whose derivative
        the chosen method cannot compute.
    """

    def __init__(
        self, terms=None, *, length, method="spectral", max_power=3, max_order=5
    ):
        if method not in ("spectral", "finite-difference", "fd"):
            raise ValueError(
                f"method must be 'spectral' or 'finite-difference', got {method!r}"
            )
        if terms is None:
            if method != "spectral":
                max_order = min(max_order, max(_FD_STENCILS))
            terms = [
                Term(p, k) for k in range(max_order + 1) for p in range(max_power + 1)
            ]
        parsed = [t if isinstance(t, Term) else parse_term(t) for t in terms]
        if not parsed:
            raise ValueError("the library needs at least one term")
        names = [t.name for t in parsed]
        dup = {x for x in names if names.count(x) > 1}
        if dup:
            raise ValueError(f"term(s) {sorted(dup)} appear more than once")
        if method != "spectral":
            for t in parsed:
                if t.order > max(_FD_STENCILS):
                    raise ValueError(
                        f"term {t.name!r} needs a derivative of order {t.order}, "
                        "beyond the finite-difference stencils (orders 1 to "
                        f"{max(_FD_STENCILS)}); use method='spectral' or drop it"
                    )
        if not length > 0:
            raise ValueError(f"length must be positive, got {length}")
        self.terms = parsed
        self.length = float(length)
        self.method = method

    @property
    def names(self) -> list[str]:
        """Names of the terms, in column order."""
        return [t.name for t in self.terms]

    def __len__(self) -> int:
        return len(self.terms)

    def evaluate(self, u, filter=None) -> np.ndarray:
        """Design matrix of the terms on snapshots.

        Parameters
        ----------
        u : array_like, shape (n_snapshots, n) or (n,)
            States on the periodic grid.
        filter : array_like, shape (n // 2 + 1,), optional
            Fourier multiplier applied to every term (real FFT order).

        Returns
        -------
        numpy.ndarray, shape (n_snapshots * n, n_terms)
            One row per grid point and snapshot.
        """
        u = np.atleast_2d(np.asarray(u, dtype=float))
        if not np.all(np.isfinite(u)):
            raise ValueError("the states contain NaN or infinite values")
        n = u.shape[-1]
        if filter is not None and np.shape(filter) != (n // 2 + 1,):
            raise ValueError(
                f"filter must have {n // 2 + 1} Fourier coefficients, got "
                f"shape {np.shape(filter)}"
            )
        cache = {}
        cols = []
        for t in self.terms:
            if t.order not in cache:
                cache[t.order] = derivative(u, t.order, self.length, self.method)
            col = u**t.power * cache[t.order]
            if filter is not None:
                col = np.fft.irfft(filter * np.fft.rfft(col, axis=-1), n=n, axis=-1)
            cols.append(col.ravel())
        return np.column_stack(cols)
