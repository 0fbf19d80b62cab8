"""Model-error discovery on the Kuramoto-Sivashinsky equation."""

import numpy as np
import pytest

from statmodels.sparse import (
    KuramotoSivashinsky,
    Library,
    discover_model_error,
    model_error,
)

LENGTH, N = 22.0, 64


@pytest.fixture(scope="module")
def states():
    # Truth: ten ETDRK4 steps of 0.001 per observation interval of 0.01, so
    # the imperfect model's single step differs from the truth's stepper.
    truth = KuramotoSivashinsky(LENGTH, N, 0.001)
    u0 = KuramotoSivashinsky(LENGTH, N, 0.25).attractor_state(0, 100.0)
    snaps = truth.simulate(u0, 150, save_every=50)[1:]
    return snaps, truth.advance(snaps, 10)


def _discover(states, model, method="spectral", **kw):
    snaps, nxt = states
    imperfect = KuramotoSivashinsky(LENGTH, N, 0.01, **model)
    lib = Library(length=LENGTH, method=method)
    return discover_model_error(snaps, imperfect, lib, next_states=nxt, **kw)


@pytest.mark.parametrize(
    ("model", "term", "coef"),
    [
        ({"diffusion": 0.5}, "u_xx", -0.5),
        ({"hyperdiffusion": 0.5}, "u_xxxx", -0.5),
        ({"advection": 0.0}, "u u_x", -1.0),
    ],
)
def test_finds_only_the_missing_term(states, model, term, coef):
    found = _discover(states, model=model)
    assert list(found.terms) == [term]
    assert found.terms[term] == pytest.approx(coef, rel=0.005)
    assert term in found.equation()


@pytest.mark.parametrize(
    ("model", "term", "coef", "rel"),
    [
        ({"diffusion": 0.5}, "u_xx", -0.5, 0.01),
        ({"hyperdiffusion": 0.5}, "u_xxxx", -0.5, 0.01),
        ({"advection": 0.0}, "u u_x", -1.0, 0.06),
    ],
)
def test_unfiltered_library_has_the_one_step_bias(states, model, term, coef, rel):
    # The paper's plain regression: within 1% on the linear terms and a few
    # percent low on advection, from the stiff modes of the one-step target.
    found = _discover(states, model=model, library_filter="none")
    assert list(found.terms) == [term]
    c = found.terms[term]
    assert c == pytest.approx(coef, rel=rel)
    assert abs(c) < abs(coef)  # biased towards zero


def test_perfect_model_gives_negligible_terms(states):
    found = _discover(states, model={})
    assert all(abs(c) < 1e-3 for c in found.terms.values())


def test_fast_solver_agrees(states):
    found = _discover(states, model={"diffusion": 0.5}, solver="fast")
    assert list(found.terms) == ["u_xx"]
    assert found.terms["u_xx"] == pytest.approx(-0.5, rel=0.005)


def test_spectral_removes_finite_difference_bias(states):
    spectral = _discover(states, model={"diffusion": 0.5})
    fd = _discover(states, model={"diffusion": 0.5}, method="finite-difference")
    err_sp = abs(spectral.terms["u_xx"] + 0.5)
    err_fd = abs(fd.terms.get("u_xx", 0.0) + 0.5)
    assert err_fd > 5 * err_sp


def test_corrected_model_tracks_truth(states):
    snaps, nxt = states
    imperfect = KuramotoSivashinsky(LENGTH, N, 0.01, diffusion=0.5)
    found = _discover(states, model={"diffusion": 0.5})
    fixed = found.corrected(imperfect)
    truth = KuramotoSivashinsky(LENGTH, N, 0.01)
    u0 = snaps[0]
    e_imp = np.abs(imperfect.advance(u0, 300) - truth.advance(u0, 300)).max()
    e_fix = np.abs(fixed.advance(u0, 300) - truth.advance(u0, 300)).max()
    assert e_fix < e_imp / 100


def test_bad_input(states):
    snaps, _ = states
    imperfect = KuramotoSivashinsky(LENGTH, N, 0.01)
    with pytest.raises(ValueError, match="64 grid points"):
        model_error(snaps[:, :32], imperfect)
    with pytest.raises(ValueError, match=r"'u_xxxxx'.*finite-difference"):
        discover_model_error(
            snaps, imperfect, ["u_xx", "u_xxxxx"], method="finite-difference"
        )
    with pytest.raises(ValueError, match="library_filter"):
        discover_model_error(snaps, imperfect, library_filter="gauss")
