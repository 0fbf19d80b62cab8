"""Candidate library: names, spectral and finite-difference derivatives."""

import numpy as np
import pytest

from statmodels.sparse import Library, derivative, parse_term


def test_names_round_trip():
    lib = Library(length=1.0)
    assert len(lib) == 24
    assert lib.names[:6] == ["u", "u^2", "u^3", "u^4", "u_x", "u u_x"]
    for name in lib.names:
        assert parse_term(name).name == name
    assert parse_term("u*u_xx").name == "u u_xx"
    assert parse_term("u u u_x").name == "u^2 u_x"


def test_spectral_derivatives_exact_for_smooth_periodic():
    x = np.arange(48) * 2 * np.pi / 48
    u = np.exp(np.sin(x))
    s, c = np.sin(x), np.cos(x)
    exact = {
        1: c * u,
        2: (c * c - s) * u,
        4: (c**4 - 6 * s * c * c + 3 * s * s - 4 * c * c + s) * u,
    }
    for k, ref in exact.items():
        np.testing.assert_allclose(derivative(u, k, 2 * np.pi), ref, atol=1e-9)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_finite_differences_second_order(order):
    errs = []
    for n in [32, 64]:
        x = np.arange(n) * 2 * np.pi / n
        d = derivative(np.sin(x), order, 2 * np.pi, "finite-difference")
        ref = np.sin(x + order * np.pi / 2)
        errs.append(np.max(np.abs(d - ref)))
    assert np.log2(errs[0] / errs[1]) == pytest.approx(2.0, abs=0.05)


def test_library_columns():
    x = np.arange(32) * 1.0 / 32
    u = np.sin(2 * np.pi * x)[None]
    X = Library(["u u_x", "u^3"], length=1.0).evaluate(u)
    np.testing.assert_allclose(
        X[:, 0], u[0] * 2 * np.pi * np.cos(2 * np.pi * x), atol=1e-10
    )
    np.testing.assert_allclose(X[:, 1], u[0] ** 3, atol=1e-14)


def test_bad_terms():
    with pytest.raises(ValueError, match="multiplies two derivatives"):
        parse_term("u_x u_xx")
    with pytest.raises(ValueError, match="cannot read factor 'v'"):
        parse_term("v")
    with pytest.raises(ValueError, match=r"'u_xxxxx'.*order 5.*spectral"):
        Library(["u", "u_xxxxx"], length=1.0, method="finite-difference")
    with pytest.raises(ValueError, match="more than once"):
        Library(["u_x", "u_x"], length=1.0)
    with pytest.raises(ValueError, match="NaN"):
        Library(["u"], length=1.0).evaluate(np.array([[np.nan, 1.0]]))
