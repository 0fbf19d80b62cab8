"""Pictures of survival fits: fitted survival against Kaplan-Meier, hazards.

The fitted curve for a group is the average of the fitted survival curves of
its members, which is what the group's Kaplan-Meier estimate estimates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.stats

from statmodels.formula import INTERVAL


def kaplan_meier(time, event, entry=None, weights=None, level=0.95) -> pd.DataFrame:
    """The Kaplan-Meier estimate with log-log (Greenwood) intervals.

    Parameters
    ----------
    time, event
        Follow-up times and event indicators (1 = event, 0 = right censored).
    entry
        Delayed-entry times (risk sets count a subject from ``entry`` on).
    weights
        Case weights.
    level
        Interval level.

    Returns
    -------
    pandas.DataFrame
        Columns ``time``, ``n_risk``, ``n_event``, ``survival``, ``lower``,
        ``upper`` at each distinct event time.
    """
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=float)
    entry = np.zeros_like(time) if entry is None else np.asarray(entry, dtype=float)
    weights = np.ones_like(time) if weights is None else np.asarray(weights, float)
    times = np.unique(time[event == 1])
    n_risk = np.array(
        [np.sum(weights[(entry < t) & (time >= t)]) for t in times], dtype=float
    )
    n_event = np.array([np.sum(weights[(time == t) & (event == 1)]) for t in times])
    surv = np.cumprod(1 - n_event / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        greenwood = np.cumsum(n_event / (n_risk * (n_risk - n_event)))
        z = scipy.stats.norm.ppf(1 - (1 - level) / 2)
        se = np.sqrt(greenwood) / np.abs(np.log(surv))
        loglog = np.log(-np.log(surv))
        lower = np.exp(-np.exp(loglog + z * se))
        upper = np.exp(-np.exp(loglog - z * se))
    done = surv == 0
    lower, upper = np.where(done, 0.0, lower), np.where(done, 0.0, upper)
    return pd.DataFrame(
        {
            "time": times,
            "n_risk": n_risk,
            "n_event": n_event,
            "survival": surv,
            "lower": lower,
            "upper": upper,
        }
    )


def plot_survival(fit, group: str | None = None, times=None, ax=None, ci=True):
    """Fitted survival against the Kaplan-Meier estimate, by group.

    Parameters
    ----------
    fit
        A survival fit on right-censored (possibly delayed-entry) data.
    group
        A column of the fitted data to split by (e.g. a treatment arm).
    times
        Times at which to draw the fitted curves (default: 200 points up to
        the largest follow-up time).
    ax
        A matplotlib axes; a new figure when omitted.
    ci
        Shade the Kaplan-Meier intervals.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    model = fit.model
    response = model.response
    if np.any(response.kind == INTERVAL):
        raise ValueError(
            "the Kaplan-Meier comparison needs right-censored data; this fit has "
            "interval- or left-censored rows"
        )
    frame = model.frame()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    t_max = float(np.nanmax(response.lower))
    grid = np.linspace(0, t_max, 200) if times is None else np.asarray(times, float)
    groups = [(None, np.ones(len(frame), bool))]
    if group is not None:
        if group not in frame:
            raise ValueError(
                f"group {group!r} is not a column of the fitted data; use one of "
                f"{', '.join(frame.columns)}"
            )
        column = frame[group]
        if isinstance(column.dtype, pd.CategoricalDtype):
            levels = [c for c in column.cat.categories if (column == c).any()]
        else:
            levels = sorted(pd.unique(column))
        groups = [(g, (column == g).to_numpy()) for g in levels]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (name, members) in enumerate(groups):
        colour = colours[i % len(colours)]
        km = kaplan_meier(
            response.lower[members],
            (response.kind[members] == 1).astype(float),
            entry=response.entry[members],
            weights=model.weights[members],
        )
        label = "all" if name is None else f"{group} = {name}"
        ax.step(
            np.r_[0, km["time"]],
            np.r_[1, km["survival"]],
            where="post",
            color=colour,
            lw=1,
            label=f"{label} (Kaplan-Meier)",
        )
        if ci:
            ax.fill_between(
                np.r_[0, km["time"]],
                np.r_[1, km["lower"]],
                np.r_[1, km["upper"]],
                step="post",
                color=colour,
                alpha=0.12,
                lw=0,
            )
        pred = fit.predict(frame.loc[members], type="survival", times=grid)
        mean = pred.groupby("time")["estimate"].mean()
        ax.plot(
            mean.index,
            mean.to_numpy(),
            color=colour,
            lw=2,
            ls="--",
            label=f"{label} (fitted)",
        )
    ax.set_xlabel("time")
    ax.set_ylabel("survival")
    ax.set_ylim(0, 1.02)
    ax.set_title(model.title)
    ax.legend(fontsize="small")
    return ax


def plot_hazard(fit, newdata=None, times=None, ax=None, labels=None):
    """Fitted hazard curves with pointwise intervals.

    Parameters
    ----------
    fit
        A survival fit.
    newdata
        Covariate rows, one curve each (default: the first fitted row).
    times
        Time grid (default: 200 points up to the largest follow-up time).
    ax
        A matplotlib axes; a new figure when omitted.
    labels
        Legend labels, one per row of ``newdata``.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    model = fit.model
    if newdata is None:
        newdata = model.frame().iloc[:1]
    newdata = pd.DataFrame(newdata)
    t_max = float(
        np.nanmax(
            np.where(
                np.isfinite(model.response.upper),
                model.response.upper,
                model.response.lower,
            )
        )
    )
    grid = np.linspace(t_max / 400, t_max, 200) if times is None else np.asarray(times)
    pred = fit.predict(newdata, type="hazard", times=grid)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    for i, (row, part) in enumerate(pred.groupby("row", sort=False)):
        label = labels[i] if labels is not None else f"row {row}"
        (line,) = ax.plot(part["time"], part["estimate"], lw=2, label=label)
        ax.fill_between(
            part["time"],
            part["lower"],
            part["upper"],
            color=line.get_color(),
            alpha=0.15,
            lw=0,
        )
    ax.set_xlabel("time")
    ax.set_ylabel("hazard")
    ax.set_title(f"Hazard: {model.title}")
    ax.legend(fontsize="small")
    return ax
