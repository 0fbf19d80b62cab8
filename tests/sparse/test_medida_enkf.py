"""MEDIDA from noisy observations through the stochastic EnKF.

The truth is observed every 0.01 at all 64 grid points with Gaussian noise
of standard deviation 0.02 (2% of the rms of u). The EnKF (100 members, no
localisation) runs the imperfect model, and the model error is taken, as in
Mojgani et al. (2022), between each analysis and the imperfect model's
one-interval forecast from the previous analysis. Independent truth: the
injected coefficients (-0.5 u_xx, -0.5 u_xxxx, -1 u u_x).

Recipe. (1) Inflation 2: with 1.2 the ensemble underestimates the forecast
error that the model error adds in the energetic modes, the gain there is
too small, the analysis lags (analysis error 0.018 and 0.025 for the
u_xxxx and advection errors, about the noise) and the increments carry only
part of the model error. With 2 the analysis error is 0.008-0.009 in every
case; this is the change that makes the two cases work (on seed 1 the
grid-value regression on these analyses then gives -0.505 u_xxxx and
-0.936 u u_x). (2) The regression on the Fourier modes resolved above the
noise (``obs_std``: modes 0..8 here, where the spectrum of u falls through
the noise level), with uncorrelated rows, so that the posterior sd counts
the information honestly; it also reduces the advection bias (6.4% to
4.8% on seed 1) and the perfect model's spurious term (0.010 to 0.005). On
the raw observations it is what separates a wrong answer from a right one.

Tolerances, from five noise seeds (observation noise seeds 1-5, filter
seeds 2-6; mean, sd over seeds, posterior sd):

* u_xx: -0.4889, 0.0014, 0.017 -> |c + 0.5| < 0.03
* u_xxxx: -0.5043, 0.0011, 0.011 -> |c + 0.5| < 0.03
* u u_x: -0.9522, 0.0019, 0.021 -> |c + 1| < 0.08 (the bias, 4.8%, plus
  more than 3 seed sds; within 3 posterior sds of the truth)

The bias is towards zero: in damped modes the gain stays below one and the
increment holds only part of the model error. No other term was kept in any
of the 15 runs; the bound on other terms is a tenth of the injected size.
With the perfect model at most one term is kept, below 0.006 in the five
runs; the bound 0.02 is 4% of the smallest injected coefficient.
"""

import warnings

import numpy as np
import pytest

from statmodels.sparse import KuramotoSivashinsky, discover_model_error, enkf

LENGTH, N, DT, NOISE, SPIN = 22.0, 64, 0.01, 0.02, 50
FILTER = dict(n_members=100, inflation=2.0, seed=2)
CASES = {
    "u_xx": ({"diffusion": 0.5}, -0.5, 0.03),
    "u_xxxx": ({"hyperdiffusion": 0.5}, -0.5, 0.03),
    "u u_x": ({"advection": 0.0}, -1.0, 0.08),
}


@pytest.fixture(scope="module")
def noisy():
    truth = KuramotoSivashinsky(LENGTH, N, DT / 10)
    u0 = KuramotoSivashinsky(LENGTH, N, 0.25).attractor_state(0, 100.0)
    trajectory = truth.simulate(u0, 300, save_every=10)
    rng = np.random.default_rng(1)
    return trajectory, trajectory + NOISE * rng.normal(size=trajectory.shape)


def _assimilate(noisy, change):
    trajectory, observations = noisy
    imperfect = KuramotoSivashinsky(LENGTH, N, DT, **change)
    res = enkf(imperfect, observations, NOISE, **FILTER)
    analysis = res.analysis[SPIN:]
    rmse = np.sqrt(np.mean((analysis - trajectory[SPIN:]) ** 2))
    return imperfect, analysis, rmse


@pytest.mark.parametrize("target", list(CASES))
def test_enkf_analysis_finds_the_missing_term(noisy, target):
    change, truth, tol = CASES[target]
    imperfect, analysis, rmse = _assimilate(noisy, change)
    assert rmse < 0.5 * NOISE  # the filter beats the raw observations
    found = discover_model_error(analysis, imperfect, obs_std=NOISE, solver="fast")
    assert found.n_rows == 17 * (analysis.shape[0] - 1)  # modes 0..8
    assert target in found.terms
    c = found.terms[target]
    assert abs(c - truth) < tol
    assert abs(c - truth) < 3 * found.std[target]
    others = [abs(v) for k, v in found.terms.items() if k != target]
    assert all(v < 0.1 * abs(truth) for v in others)


def test_raw_observations_on_every_grid_value_fail(noisy):
    _, observations = noisy
    imperfect = KuramotoSivashinsky(LENGTH, N, DT, diffusion=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the RVM may stop at max_iter here
        raw = discover_model_error(observations[SPIN:], imperfect)
    raw_error = abs(raw.terms.get("u_xx", 0.0) + 0.5)
    raw_other = max((abs(v) for k, v in raw.terms.items() if k != "u_xx"), default=0)
    assert raw_error > 0.1 or raw_other > 0.1


def test_enkf_analysis_with_the_perfect_model_finds_nothing_large(noisy):
    perfect, analysis, rmse = _assimilate(noisy, {})
    assert rmse < 0.5 * NOISE
    found = discover_model_error(analysis, perfect, obs_std=NOISE, solver="fast")
    assert len(found.terms) <= 1
    assert all(abs(v) < 0.02 for v in found.terms.values())


def test_resolved_modes_and_max_mode():
    from statmodels.sparse.medida import resolved_modes

    truth = KuramotoSivashinsky(LENGTH, N, DT / 10)
    u0 = KuramotoSivashinsky(LENGTH, N, 0.25).attractor_state(0, 100.0)
    states = truth.simulate(u0, 100, save_every=10)
    assert resolved_modes(states, NOISE) == 8
    assert resolved_modes(states, 1e3) == 0
    assert resolved_modes(states, 1e-12) > 20
    imperfect = KuramotoSivashinsky(LENGTH, N, DT, diffusion=0.5)
    # All modes in Fourier rows reproduce the grid-value regression.
    grid = discover_model_error(states, imperfect, solver="fast")
    modes = discover_model_error(states, imperfect, solver="fast", max_mode=N // 2)
    assert modes.n_rows == grid.n_rows
    assert modes.terms["u_xx"] == pytest.approx(grid.terms["u_xx"], rel=1e-9)
    with pytest.raises(ValueError, match="max_mode"):
        discover_model_error(states, imperfect, max_mode=N)
    with pytest.raises(ValueError, match="no Fourier mode"):
        discover_model_error(states, imperfect, obs_std=1e3)
