"""Shared data and fits of the fisheries tests (fitted once per session)."""

import warnings

import numpy as np
import pytest
from statmodels.inference import ConvergenceWarning

import statmodels.fisheries as fs

TRUE = fs.Allen(2, 8, 5, 0.05)


@pytest.fixture(scope="session")
def allen_series():
    """40 unharvested seasons of the study's Allen model, from 5.5."""
    return TRUE.simulate(5.5, 39, seed=1)


@pytest.fixture(scope="session")
def gp_map(allen_series):
    return fs.GPDynamics.from_series(allen_series).fit("map")


@pytest.fixture(scope="session")
def ricker_mle(allen_series):
    return fs.ParametricDynamics.from_series("ricker", allen_series).fit("mle")


@pytest.fixture(scope="session")
def ricker_nuts(allen_series):
    model = fs.ParametricDynamics.from_series("ricker", allen_series)
    with warnings.catch_warnings():
        # Reason: short chains; the back end rightly flags low effective size.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit("nuts", num_warmup=300, num_samples=300, num_chains=2, seed=2)


@pytest.fixture(scope="session")
def grid():
    return np.linspace(0, 15, 50)
