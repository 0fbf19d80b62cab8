"""A defective (cure) fit on the E1684 melanoma trial."""

import numpy as np
import pandas as pd
import pytest

import statmodels as sm


@pytest.fixture(scope="module")
def cure_fit():
    e1684 = sm.datasets.load("e1684")
    return sm.survreg("Surv(time, status) ~ trt", e1684, dist="apgw", preset="ph")


def test_fit_is_defective(cure_fit):
    kappa = np.expm1(cure_fit.params.loc["kappa:(Intercept)", "estimate"])
    assert -1 < kappa < 0


def test_survival_monotone_and_above_cure_fraction(cure_fit):
    arms = pd.DataFrame({"trt": [0, 1]})
    times = np.r_[0.0, np.logspace(-3, 9, 400)]
    surv = cure_fit.predict(arms, type="survival", times=times)
    cure = cure_fit.predict(arms, type="cure")
    for arm, c in zip((0, 1), cure["estimate"], strict=True):
        s = surv.loc[surv["row"] == arm, "estimate"].to_numpy()
        assert np.all(np.diff(s) <= 1e-15)
        assert np.all(s >= c - 1e-12)
        # The approach is slow (a power of t), but S(t) does reach it.
        assert s[-1] == pytest.approx(c, abs=1e-3)


def test_cure_fractions_have_intervals(cure_fit):
    cure = cure_fit.predict(pd.DataFrame({"trt": [0, 1]}), type="cure")
    assert np.all(cure["lower"] < cure["estimate"])
    assert np.all(cure["estimate"] < cure["upper"])
    assert np.all((cure["lower"] > 0) & (cure["upper"] < 1))
    # Interferon raises the cured proportion in this trial.
    assert cure["estimate"][1] > cure["estimate"][0]


def test_quantiles_beyond_cure_fraction_are_infinite(cure_fit):
    pred = cure_fit.predict(pd.DataFrame({"trt": [0]}), type="quantile", p=[0.5, 0.9])
    assert np.isfinite(pred["estimate"][0])
    assert pred["estimate"][1] == np.inf
    assert not pred["estimate"].isna().any()
