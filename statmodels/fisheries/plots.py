"""Figures: fitted maps, policies, value functions, trajectories, NPV ratios.

Every function draws on a given Matplotlib axes (or a new one) and returns
the axes.

Reference: Boettiger, C., Mangel, M. and Munch, S. (2015). Avoiding tipping
points in fisheries management through Gaussian process dynamic
programming. Proceedings of the Royal Society B 282: 20141631.
"""

from __future__ import annotations

import numpy as np


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(6, 4))
    return ax


def plot_fitted_map(fits: dict, true_model=None, *, grid=None, ax=None, level=0.95):
    """Fitted one-step maps with their uncertainty bands, the data, the truth.

    Parameters
    ----------
    fits : dict[str, Fit]
        Fits of ``GPDynamics`` or ``ParametricDynamics`` on the same data.
    true_model : GrowthModel, optional
        Drawn as a dashed black curve.
    grid : array_like, optional
        Escapements at which to draw (default 0 to 1.5 times the largest).
    ax : matplotlib.axes.Axes, optional
    level : float
        Level of the bands.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    model = None
    for name, fit in fits.items():
        model = fit.model
        pred = model.predict(fit, grid, level=level)
        (line,) = ax.plot(pred["S"], pred["mean"], label=name)
        ax.fill_between(
            pred["S"], pred["lower"], pred["upper"], color=line.get_color(), alpha=0.2
        )
    if true_model is not None:
        S = pred["S"] if fits else np.linspace(0, 15, 200)
        ax.plot(S, true_model.f(S), "k--", label="true")
    if model is not None:
        ax.plot(model.S, model.y, "k.", label="data")
    ax.set_xlabel("escapement $S_t = x_t - h_t$")
    ax.set_ylabel("next stock $x_{t+1}$")
    ax.legend()
    return ax


def plot_policies(policies, *, ax=None, tipping_point=None):
    """Escapement against stock for each policy.

    Parameters
    ----------
    policies : dict[str, Policy] or list of Policy
    ax : matplotlib.axes.Axes, optional
    tipping_point : float, optional
        Drawn as a horizontal dotted line.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    if not isinstance(policies, dict):
        policies = {p.label: p for p in policies}
    for name, pol in policies.items():
        ax.step(pol.grid, pol.escapement, where="mid", label=name)
    if tipping_point is not None:
        ax.axhline(tipping_point, color="grey", ls=":", label="tipping point")
    ax.set_xlabel("stock $x$")
    ax.set_ylabel("escapement $x - h(x)$")
    ax.legend()
    return ax


def plot_values(policies, *, ax=None):
    """Value functions of the policies (each under its own model).

    Parameters
    ----------
    policies : dict[str, Policy] or list of Policy
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    if not isinstance(policies, dict):
        policies = {p.label: p for p in policies}
    for name, pol in policies.items():
        if pol.value is not None:
            ax.plot(pol.grid, pol.value, label=name)
    ax.set_xlabel("stock $x$")
    ax.set_ylabel("value")
    ax.legend()
    return ax


def plot_trajectories(sims: dict, *, ax=None, quantiles=(0.05, 0.25)):
    """Fan plots of simulated stock trajectories: median and quantile bands.

    Parameters
    ----------
    sims : dict[str, PolicySimulation]
    ax : matplotlib.axes.Axes, optional
    quantiles : tuple of float
        Lower quantiles of the bands (each with its mirror image).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    for name, sim in sims.items():
        t = np.arange(sim.stock.shape[1])
        (line,) = ax.plot(t, np.median(sim.stock, axis=0), label=name)
        for q in quantiles:
            lo = np.quantile(sim.stock, q, axis=0)
            hi = np.quantile(sim.stock, 1 - q, axis=0)
            ax.fill_between(t, lo, hi, color=line.get_color(), alpha=0.15)
    ax.set_xlabel("time")
    ax.set_ylabel("stock")
    ax.legend()
    return ax


def plot_npv_ratio(sims: dict, reference: str = "reference", *, ax=None, bins=30):
    """Histograms of each policy's NPV relative to the reference policy.

    Parameters
    ----------
    sims : dict[str, PolicySimulation]
        Simulations on common random numbers, including ``reference``.
    reference : str
        Key of the reference simulation.
    ax : matplotlib.axes.Axes, optional
    bins : int

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    ref = sims[reference].profit
    for name, sim in sims.items():
        if name == reference:
            continue
        ax.hist(sim.profit / ref, bins=bins, alpha=0.5, label=name)
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xlabel("NPV / NPV of the optimal policy")
    ax.set_ylabel("replicates")
    ax.legend()
    return ax
