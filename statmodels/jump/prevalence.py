"""Observed against expected prevalence, as R msm's ``prevalence.msm``.

At each time ``t`` of a common grid, the observed prevalence is the share
of subjects seen in each state; the expected prevalence is
``p(t) = p(t_0) expm(Q (t - t_0))`` started from the observed share at the
first time (Gentleman, Lawless, Lindsey & Yan 1994, "Multi-state Markov
models for analysing incomplete disease history data with illustrations for
HIV disease"). A poor fit shows as a systematic gap between the two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.linalg

from statmodels.jump.data import PanelData
from statmodels.jump.rates import validate_rate_matrix


def prevalence(panel: PanelData, Q, times=None) -> pd.DataFrame:
    """Observed and expected shares of subjects in each state over time.

    Parameters
    ----------
    panel : PanelData
        Observations; subjects must share the observation times used.
    Q : array_like, shape (S, S)
        Rate matrix (e.g. ``fit.rate_matrix``).
    times : array_like, optional
        Times to tabulate (default: every distinct observation time seen for
        all subjects).

    Returns
    -------
    pandas.DataFrame
        Indexed by time, with columns ``observed_i``, ``expected_i`` and the
        number of subjects ``n`` at that time.

    Raises
    ------
    ValueError
        If a requested time is not an observation time of every subject.
    """
    Q = validate_rate_matrix(Q)
    S = panel.n_states
    if Q.shape != (S, S):
        raise ValueError(f"Q must be {S} x {S} for these data; got {Q.shape}")
    n = panel.n_subjects
    values, counts = np.unique(panel.time, return_counts=True)
    common = values[counts == n]
    times = common if times is None else np.asarray(times, dtype=float)
    missing = np.setdiff1d(times, common)
    if missing.size:
        # Known shortcoming: msm interpolates states between irregular
        # observation times; here only times seen for every subject are used.
        raise ValueError(
            f"time {missing[0]:g} is not an observation time of every subject; "
            "tabulate at shared observation times"
        )
    observed = np.array(
        [np.bincount(panel.state[panel.time == t], minlength=S) / n for t in times]
    )
    expected = np.array(
        [observed[0] @ scipy.linalg.expm(Q * (t - times[0])) for t in times]
    )
    frame = pd.DataFrame(
        np.hstack([observed, expected]),
        index=pd.Index(times, name="time"),
        columns=[f"observed_{i}" for i in range(S)]
        + [f"expected_{i}" for i in range(S)],
    )
    frame["n"] = n
    return frame


def plot_prevalence(table: pd.DataFrame, ax=None):
    """Plot observed (points) against expected (lines) prevalence.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`prevalence`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    S = sum(c.startswith("observed_") for c in table.columns)
    for i in range(S):
        line = ax.plot(table.index, table[f"expected_{i}"], label=f"state {i}")[0]
        ax.plot(table.index, table[f"observed_{i}"], "o", ms=3, color=line.get_color())
    ax.set_xlabel("time")
    ax.set_ylabel("prevalence")
    ax.legend(fontsize="small")
    return ax
