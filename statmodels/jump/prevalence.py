"""Observed against expected prevalence, as R msm's ``prevalence.msm``.

At each time ``t`` of a common grid, the observed prevalence is the share
of subjects seen in each state; the expected prevalence is
``p(t) = p(t_0) expm(Q (t - t_0))`` started from the observed share at the
first time (Gentleman, Lawless, Lindsey & Yan 1994, "Multi-state Markov
models for analysing incomplete disease history data with illustrations for
HIV disease"). A poor fit shows as a systematic gap between the two.

Subjects seen at times of their own are placed on the common grid as msm
places them: at a time ``t`` within a subject's follow-up its state is the
one last observed at or before ``t`` (``interp="start"``), or the one
observed nearest in time, the earlier on a tie (``interp="midpoint"``).
Before its first observation a subject is not counted; after its last it is
counted only if that state is absorbing. The expected counts at ``t`` are
the number counted at ``t`` times ``p(t_0) expm(Q (t - t_0))``, with
``p(t_0)`` the observed shares at the earliest observation time ``t_0``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.linalg

from statmodels.jump.data import PanelData
from statmodels.jump.rates import validate_rate_matrix


def prevalence(panel: PanelData, Q, times=None, *, interp=None) -> pd.DataFrame:
    """Observed and expected shares of subjects in each state over time.

    Parameters
    ----------
    panel : PanelData
        Observations.
    Q : array_like, shape (S, S)
        Rate matrix (e.g. ``fit.rate_matrix``).
    times : array_like, optional
        Times to tabulate. Default: with ``interp=None`` every observation
        time shared by all subjects; otherwise 11 equally spaced times from
        the first to the last observation time (as msm).
    interp : {None, "start", "midpoint"}
        ``None``: tabulate only at observation times every subject shares.
        ``"start"`` or ``"midpoint"``: place each subject's state at the
        requested times from its own observations, as msm's
        ``prevalence.msm`` does (module docstring).

    Returns
    -------
    pandas.DataFrame
        Indexed by time, with columns ``observed_i``, ``expected_i`` (shares)
        and the number of subjects ``n`` counted at that time.

    Raises
    ------
    ValueError
        With ``interp=None``, if a requested time is not an observation time
        of every subject.
    """
    Q = validate_rate_matrix(Q)
    S = panel.n_states
    if Q.shape != (S, S):
        raise ValueError(f"Q must be {S} x {S} for these data; got {Q.shape}")
    if interp is None:
        n = panel.n_subjects
        values, counts = np.unique(panel.time, return_counts=True)
        common = values[counts == n]
        times = common if times is None else np.asarray(times, dtype=float)
        missing = np.setdiff1d(times, common)
        if missing.size:
            raise ValueError(
                f"time {missing[0]:g} is not an observation time of every "
                "subject; tabulate at shared observation times, or pass "
                "interp='start' (or 'midpoint') to place each subject's state "
                "at common times from its own observations"
            )
        observed = np.array(
            [np.bincount(panel.state[panel.time == t], minlength=S) for t in times]
        )
        t0, p0 = times[0], observed[0] / n
    else:
        if interp not in ("start", "midpoint"):
            raise ValueError(
                f"interp must be None, 'start' or 'midpoint'; got {interp!r}"
            )
        if times is None:
            times = np.linspace(panel.time.min(), panel.time.max(), 11)
        times = np.asarray(times, dtype=float)
        absorbing = np.flatnonzero(np.diag(Q) == 0)
        t0 = panel.time.min()
        observed = _placed_counts(panel, times, interp, absorbing)
        first = _placed_counts(panel, np.array([t0]), interp, absorbing)[0]
        p0 = first / first.sum()
    n_at = observed.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = observed / n_at[:, None]
    expected = np.array([p0 @ scipy.linalg.expm(Q * (t - t0)) for t in times])
    frame = pd.DataFrame(
        np.hstack([shares, expected]),
        index=pd.Index(times, name="time"),
        columns=[f"observed_{i}" for i in range(S)]
        + [f"expected_{i}" for i in range(S)],
    )
    frame["n"] = n_at.astype(int)
    return frame


def _placed_counts(panel, times, interp, absorbing) -> np.ndarray:
    """Counts of subjects per state at ``times`` (shape (T, S)), msm's rules."""
    S = panel.n_states
    counts = np.zeros((len(times), S), dtype=int)
    starts = np.flatnonzero(np.r_[True, panel.id[1:] != panel.id[:-1]])
    stops = np.r_[starts[1:], len(panel.id)]
    for a, z in zip(starts, stops, strict=True):
        t, s = panel.time[a:z], panel.state[a:z]
        inside = (times >= t[0]) & (times <= t[-1])
        tt = times[inside]
        prev = np.searchsorted(t, tt, side="right") - 1
        if interp == "midpoint":
            nxt = np.searchsorted(t, tt, side="left")
            later = tt > (t[prev] + t[nxt]) / 2
            idx = np.where(later, nxt, prev)
        else:
            idx = prev
        np.add.at(counts, (np.flatnonzero(inside), s[idx]), 1)
        if s[-1] in absorbing:
            counts[times > t[-1], s[-1]] += 1
    return counts


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
