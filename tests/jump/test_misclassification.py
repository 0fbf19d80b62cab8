"""Panel data with misclassified states (hidden Markov model)."""

import itertools

import numpy as np
import pytest
import scipy.linalg

from statmodels.jump import (
    MisclassifiedPanelModel,
    PanelData,
    PanelModel,
    fit_panel,
    rate_matrix,
    simulate,
)
from statmodels.jump.fit import _emission

Q3 = rate_matrix(np.array([[0, 0.6, 0.3], [0.4, 0, 0.5], [0.2, 0.7, 0]]))
ANY = ~np.eye(3, dtype=bool)


def test_forward_algorithm_equals_enumeration_of_hidden_states():
    panel = PanelData(
        [0, 0, 0, 0, 1, 1, 1], [0, 0.4, 1.0, 2.2, 0, 0.5, 0.8], [0, 0, 2, 1, 2, 2, 0]
    )
    E = np.array([[0.8, 0.15, 0.05], [0.1, 0.85, 0.05], [0.02, 0.08, 0.9]])
    expected = 0.0
    for sid in (0, 1):
        sel = panel.id == sid
        t, y = panel.time[sel], panel.state[sel]
        joint = 0.0
        for x in itertools.product(range(3), repeat=len(y)):
            p = np.prod([E[x[k], y[k]] for k in range(len(y))]) / 3
            for k in range(len(y) - 1):
                p *= scipy.linalg.expm(Q3 * (t[k + 1] - t[k]))[x[k], x[k + 1]]
            joint += p
        first = E[:, y[0]].sum() / 3
        expected += np.log(joint / first)
    model = MisclassifiedPanelModel(panel, misclassification=ANY)
    assert model.log_likelihood(Q3, E) == pytest.approx(expected, abs=1e-10)


def test_no_misclassification_reduces_to_the_plain_likelihood():
    panel = simulate(Q3, None, 20, times=np.arange(6) * 0.7, seed=3)
    E = np.full((3, 3), 1e-13) + np.eye(3) * (1 - 2e-13)
    hmm = MisclassifiedPanelModel(panel, misclassification=ANY)
    assert hmm.log_likelihood(Q3, E) == pytest.approx(
        PanelModel(panel).log_likelihood(Q3), abs=1e-8
    )


def test_rates_and_error_rate_recovered_from_noisy_panels():
    panel = simulate(Q3, None, 300, times=np.arange(30) * 0.5, noise=0.1, seed=6)
    fit = fit_panel(panel, misclassification=ANY)
    se = fit.rate_matrix_se
    assert np.all(np.abs(fit.rate_matrix - Q3)[ANY] < 4 * se[ANY])
    # Noise 0.1 spread over the two other states: E[i, j] = 0.05; standard
    # errors by the delta method through the softmax of the logits.
    model = fit.model
    out = fit.transform(lambda p: _emission(p["misclass_logit"], model.epairs, 3))
    np.testing.assert_allclose(out["estimate"], fit.emission_matrix, atol=1e-12)
    assert np.all(np.abs(out["estimate"] - 0.05)[ANY] < 4 * out["std_error"][ANY])
    # Ignoring the noise biases the rates upwards (spurious jumps).
    naive = fit_panel(panel).rate_matrix
    assert np.mean(naive[ANY] - Q3[ANY]) > 3 * np.mean(se[ANY])


def test_hidden_markov_likelihood_agrees_with_r_msm():
    import json
    from pathlib import Path

    import pandas as pd

    ref = json.loads(
        (Path(__file__).parent / "reference" / "msm_misclassification.json").read_text()
    )
    panel = PanelData.from_frame(pd.DataFrame(ref["data"]), 3)
    E = np.array(ref["e_fixed"])
    model = MisclassifiedPanelModel(panel, misclassification=ANY)
    ours = model.log_likelihood(np.array(ref["q_fixed"]), E)
    # msm does not condition on the first observation: add log P(y_0) under
    # a uniform law of the first true state.
    first = np.log(E[:, panel.first_states()].sum(axis=0) / 3).sum()
    assert ours + first == pytest.approx(ref["loglik_fixed_unconditional"], abs=1e-6)
