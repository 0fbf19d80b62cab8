"""Covariates on the log intensities (msm's covariates= and constraint=)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.linalg

from statmodels.jump import CovariatePanelModel, fit_panel, rate_matrix

HERE = Path(__file__).parent / "reference"
DATA = pd.read_csv(HERE / "covariate_panel.csv")
REF = json.loads((HERE / "msm_covariates.json").read_text())
# Illness-death with recovery: 0 -> 1, 0 -> 2, 1 -> 0, 1 -> 2.
PATTERN = np.array([[0, 1, 1], [1, 0, 1], [0, 0, 0]], bool)
PAIRS = [(0, 1), (0, 2), (1, 0), (1, 2)]


@pytest.fixture(scope="module")
def full_fit():
    return fit_panel(DATA, PATTERN, covariates="~ sex + biomarker")


def _msm_layout(fit):
    """Our estimates and standard errors in msm's order and scale.

    msm optimises the log baseline rates, then the coefficients covariate by
    covariate (each over the transitions); shared coefficients repeat.
    """
    model = fit.model
    rates = fit.params.loc[[f"rate:{i}->{j}" for i, j in PAIRS]]
    coefs = fit.params.loc[[f"log_hr:{c}" for c in model.coef_labels]]
    beta = model.coef_map @ coefs["estimate"].to_numpy()
    beta_se = np.abs(model.coef_map) @ coefs["std_error"].to_numpy()
    est = np.r_[np.log(rates["estimate"]), beta.T.ravel()]
    se = np.r_[rates["std_error"] / rates["estimate"], beta_se.T.ravel()]
    return est, se


def test_likelihood_at_fixed_parameters_equals_r_msm():
    model = CovariatePanelModel(DATA, "~ sex + biomarker", PATTERN)
    coef = REF["coef_fixed"]["sex"] + REF["coef_fixed"]["biomarker"]
    ll = model.log_likelihood(np.array(REF["q_fixed"]), coef)
    assert ll == pytest.approx(REF["loglik_fixed"], rel=1e-10)


def test_full_covariate_fit_agrees_with_r_msm(full_fit):
    ref = REF["full"]
    assert full_fit.info["converged"]
    assert full_fit.log_likelihood == pytest.approx(ref["loglik"], rel=1e-9)
    np.testing.assert_allclose(full_fit.model.means, list(ref["covmeans"].values()))
    est, se = _msm_layout(full_fit)
    np.testing.assert_allclose(est, ref["estimates"], rtol=1e-4)
    np.testing.assert_allclose(se, ref["se"], rtol=1e-3)
    # Baseline rates (at the covariate means) with their delta-method SEs and
    # intervals, as qmatrix.msm(ci = "delta").
    Q = full_fit.rate_matrix
    np.testing.assert_allclose(Q[PATTERN], np.array(ref["q"])[PATTERN], rtol=1e-4)
    np.testing.assert_allclose(
        full_fit.rate_matrix_se[PATTERN], np.array(ref["q_se"])[PATTERN], rtol=1e-3
    )
    rates = full_fit.params.loc[[f"rate:{i}->{j}" for i, j in PAIRS]]
    np.testing.assert_allclose(rates["lower"], np.array(ref["q_lower"])[PATTERN], 1e-3)
    np.testing.assert_allclose(rates["upper"], np.array(ref["q_upper"])[PATTERN], 1e-3)
    # Hazard ratios and their intervals, as hazard.msm.
    hr = full_fit.hazard_ratios()
    for col, key in (
        ("hazard_ratio", "hr"),
        ("lower", "hr_lower"),
        ("upper", "hr_upper"),
    ):
        expected = np.r_[ref[key]["sex"], ref[key]["biomarker"]]
        np.testing.assert_allclose(hr[col], expected, rtol=1e-3)
    text = str(full_fit.summary())
    assert "Hazard ratios" in text and "centred at their means" in text


def test_shared_coefficient_fit_agrees_with_r_msm():
    ref = REF["shared"]
    fit = fit_panel(
        DATA, PATTERN, covariates=["sex", "biomarker"], constraint={"sex": "shared"}
    )
    assert fit.model.coef_labels[0] == "sex:all"
    assert fit.n_params == 9
    assert fit.log_likelihood == pytest.approx(ref["loglik"], rel=1e-9)
    est, se = _msm_layout(fit)
    np.testing.assert_allclose(est, ref["estimates"], rtol=1e-4)
    np.testing.assert_allclose(se, ref["se"], rtol=1e-3)
    hr = fit.hazard_ratios()
    assert hr.loc["sex:all", "lower"] == pytest.approx(ref["hr_lower"]["sex"][0], 1e-3)
    # msm's integer form of the same constraint builds the same model.
    same = CovariatePanelModel(
        DATA, "~ sex + biomarker", PATTERN, constraint={"sex": [1, 1, 1, 1]}
    )
    np.testing.assert_array_equal(same.coef_map, fit.model.coef_map)


def test_rate_matrix_at_covariate_values_agrees_with_r_msm(full_fit):
    ref = REF["q_at"]
    values = {k: v for k, v in ref["covariates"].items()}
    Q = full_fit.rate_matrix_at(values)
    np.testing.assert_allclose(Q, ref["estimates"], rtol=1e-4, atol=1e-12)
    out = full_fit.rate_matrix_at(values, uncertainty=True)
    for key in ("se", "lower", "upper"):
        mine = out["std_error" if key == "se" else key]
        np.testing.assert_allclose(mine[PATTERN], np.array(ref[key])[PATTERN], 1e-3)
    # At the covariate means the rates are the baseline.
    means = dict(zip(full_fit.model.columns, full_fit.model.means, strict=True))
    np.testing.assert_allclose(full_fit.rate_matrix_at(means), full_fit.rate_matrix)


def test_each_interval_uses_the_covariates_at_its_start():
    # Written out: the product of expm(Q(z_k) dt_k)[a_k, b_k] with z_k read
    # at the start of each interval (uncentred here, so z enters as given).
    frame = pd.DataFrame(
        {
            "id": [1, 1, 1, 2, 2],
            "time": [0.0, 0.7, 2.0, 0.0, 1.1],
            "state": [0, 1, 2, 1, 0],
            "x": [0.5, -1.0, 3.0, 2.0, 9.0],
            "g": ["a", "b", "b", "a", "b"],
        }
    )
    base = rate_matrix(np.array([[0, 0.4, 0.1], [0.3, 0, 0.6], [0.2, 0.5, 0]]))
    beta_x = np.array([0.2, -0.1, 0.3, 0.05, -0.4, 0.1])
    beta_g = np.array([0.5, 0.0, -0.3, 0.2, 0.1, -0.2])

    def Q_at(x, g):
        off = np.zeros((3, 3))
        k = 0
        for i in range(3):
            for j in range(3):
                if i != j:
                    hr = np.exp(beta_x[k] * x + beta_g[k] * (g == "b"))
                    off[i, j] = base[i, j] * hr
                    k += 1
        return off - np.diag(off.sum(axis=1))

    expected = 0.0
    for k in (0, 1, 3):
        r = frame.iloc[k]
        nxt = frame.iloc[k + 1]
        P = scipy.linalg.expm(Q_at(r.x, r.g) * (nxt.time - r.time))
        expected += np.log(P[r.state, nxt.state])
    model = CovariatePanelModel(frame, "~ x + g", center=False)
    assert model.columns == ["x", "g[T.b]"]
    coef = np.r_[beta_x, beta_g]
    assert model.log_likelihood(base, coef) == pytest.approx(expected, abs=1e-12)
    # Centred, the baseline moves to the means of the interval starts.
    centred = CovariatePanelModel(frame, ["x", "g"])
    np.testing.assert_allclose(centred.means, [0.5, 1 / 3])
    shift = np.exp(beta_x * 0.5 + beta_g / 3)
    off = ~np.eye(3, dtype=bool)
    moved = np.zeros((3, 3))
    moved[off] = base[off] * shift
    moved -= np.diag(moved.sum(axis=1))
    assert centred.log_likelihood(moved, coef) == pytest.approx(expected, abs=1e-12)


def test_categorical_levels_go_through_the_formula_coding():
    coded = DATA.assign(sex=np.where(DATA["sex"] == 1, "m", "f"))
    words = CovariatePanelModel(coded, "~ sex + biomarker", PATTERN)
    numbers = CovariatePanelModel(DATA, "~ sex + biomarker", PATTERN)
    assert words.columns == ["sex[T.m]", "biomarker"]
    np.testing.assert_allclose(words.means, numbers.means)
    coef = REF["coef_fixed"]["sex"] + REF["coef_fixed"]["biomarker"]
    Q = np.array(REF["q_fixed"])
    assert words.log_likelihood(Q, coef) == pytest.approx(
        numbers.log_likelihood(Q, coef), abs=1e-9
    )


def test_bad_covariate_input():
    with pytest.raises(ValueError, match="column 'age' named in the formula"):
        fit_panel(DATA, PATTERN, covariates="~ sex + age")
    with pytest.raises(ValueError, match="column 'age' named in the formula"):
        fit_panel(DATA, PATTERN, covariates=["age"])
    holes = DATA.copy()
    holes.loc[[4, 9], "biomarker"] = np.nan
    with pytest.raises(ValueError, match=r"'biomarker' is missing \(NaN\) in row"):
        fit_panel(holes, PATTERN, covariates="~ sex + biomarker")
    with pytest.raises(ValueError, match="row.s. 4, 9"):
        CovariatePanelModel(holes, "~ biomarker", PATTERN)
    with pytest.raises(ValueError, match="misclassification are not supported"):
        fit_panel(DATA, PATTERN, covariates="~ sex", misclassification=~PATTERN)
    with pytest.raises(ValueError, match="EM algorithm does not take covariates"):
        fit_panel(DATA, PATTERN, covariates="~ sex", method="em")
    with pytest.raises(TypeError, match="as a DataFrame"):
        from statmodels.jump import PanelData

        fit_panel(PanelData.from_frame(DATA), PATTERN, covariates="~ sex")
    with pytest.raises(ValueError, match="'age', which is not a covariate"):
        CovariatePanelModel(DATA, "~ sex", PATTERN, constraint={"age": "shared"})
    with pytest.raises(ValueError, match="needs 4 nonzero integers"):
        CovariatePanelModel(DATA, "~ sex", PATTERN, constraint={"sex": [1, 2]})
    with pytest.raises(ValueError, match="constraint= applies only with"):
        fit_panel(DATA, PATTERN, constraint={"sex": "shared"})


def test_saved_covariate_fit_loads_back(full_fit, tmp_path):
    import statmodels as sm

    full_fit.save(tmp_path / "cov.nc")
    back = sm.load(tmp_path / "cov.nc")
    assert isinstance(back.model, CovariatePanelModel)
    np.testing.assert_allclose(back.rate_matrix, full_fit.rate_matrix)
    pd.testing.assert_frame_equal(back.hazard_ratios(), full_fit.hazard_ratios())
