"""Exponent tables and comparison plots for the interval approximations.

:func:`exponent_table` puts the classical and Slepian IIA exponents beside the
simulated ones and the known exact values; the plotting helpers draw the three
figures of the comparison: density overlays, log-survival curves with the
exponential slope, and the failure of the approximation for a non-monotone
covariance.
"""

from __future__ import annotations

import numpy as np

from statmodels.excursions.covariance import (
    Covariance,
    Diffusion,
    GaussianCovariance,
    Matern,
    RandomAcceleration,
)
from statmodels.excursions.iia import (
    SlepianIIA,
    classical_iia_exponent,
    slepian_iia_exponent,
)
from statmodels.excursions.simulate import Excursions, simulate_excursions

__all__ = [
    "default_processes",
    "exponent_table",
    "plot_density_overlay",
    "plot_failure",
    "plot_log_survival",
]


def default_processes() -> list[Covariance]:
    """The test processes of the comparison.

    Returns
    -------
    list of Covariance
        Diffusion in d = 1, 2, 3, random acceleration, Gaussian, Matérn 2.5.
    """
    return [
        Diffusion(1),
        Diffusion(2),
        Diffusion(3),
        RandomAcceleration(),
        GaussianCovariance(),
        Matern(2.5),
    ]


def exponent_table(
    covs=None,
    n_excursions: int = 0,
    seed=0,
    progress: bool = False,
    simulations: dict | None = None,
):
    """Persistence exponents: IIA (both equations), simulation, exact.

    Parameters
    ----------
    covs : list of Covariance, optional
        Processes; default :func:`default_processes`.
    n_excursions : int, optional
        Excursions to simulate per process (0: no simulation column values).
    seed : int, optional
        Base seed; process i uses seed + i.
    progress : bool, optional
        Show progress meters.
    simulations : dict, optional
        Already simulated :class:`Excursions` keyed by covariance name; used
        instead of simulating.

    Returns
    -------
    pandas.DataFrame
        Columns ``process``, ``theta_classical``, ``theta_slepian``,
        ``theta_sim``, ``theta_sim_se``, ``theta_exact``, ``n_excursions``.
    """
    import pandas as pd

    covs = default_processes() if covs is None else list(covs)
    simulations = dict(simulations or {})
    rows = []
    for i, cov in enumerate(covs):
        row = {
            "process": cov.name,
            "theta_classical": classical_iia_exponent(cov),
            "theta_slepian": slepian_iia_exponent(cov),
            "theta_sim": np.nan,
            "theta_sim_se": np.nan,
            "theta_exact": (
                np.nan if cov.exact_exponent is None else cov.exact_exponent
            ),
            "n_excursions": 0,
        }
        ex = simulations.get(cov.name)
        if ex is None and n_excursions > 0:
            ex = simulate_excursions(
                cov, n_excursions, seed=seed + i, progress=progress
            )
        if ex is not None:
            est = ex.exponent()
            row.update(theta_sim=est.rate, theta_sim_se=est.se, n_excursions=ex.n)
        rows.append(row)
    return pd.DataFrame(rows)


def plot_density_overlay(
    ax,
    cov: Covariance,
    iia: SlepianIIA | None = None,
    excursions: Excursions | None = None,
    rice=None,
    t_max: float | None = None,
):
    """Overlay the IIA density, the exact (Rice) one and a simulated histogram.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Target axes.
    cov : Covariance
        The process.
    iia : SlepianIIA, optional
        The approximation (built from ``cov`` when omitted).
    excursions : Excursions, optional
        Simulated lengths for the histogram.
    rice : RiceDensity, optional
        Exact density points with standard errors.
    t_max : float, optional
        Right end of the plot; default 4 mean intervals.

    Returns
    -------
    matplotlib.axes.Axes
        The axes.
    """
    iia = SlepianIIA(cov) if iia is None else iia
    t_max = 4.0 * cov.mean_interval if t_max is None else t_max
    if excursions is not None:
        ax.hist(
            excursions.lengths[excursions.lengths < t_max],
            bins=80,
            density=False,
            weights=np.full(
                int(np.sum(excursions.lengths < t_max)),
                80.0 / (t_max * excursions.n),
            ),
            color="0.8",
            label=f"simulated ({excursions.n:,} intervals)",
        )
    t = np.linspace(0.0, t_max, 400)
    ax.plot(t, iia.pdf(t), color="C0", lw=2, label="Slepian IIA")
    if rice is not None:
        ax.errorbar(
            rice.t,
            rice.pdf,
            yerr=2 * rice.se,
            fmt="o",
            color="C3",
            ms=4,
            label="exact (Rice, ±2 SE)",
        )
    ax.set_xlabel("interval length t")
    ax.set_ylabel("density")
    ax.set_title(cov.name)
    ax.legend(fontsize="small")
    return ax


def plot_log_survival(
    ax,
    cov: Covariance,
    iia: SlepianIIA | None = None,
    excursions: Excursions | None = None,
    t_max: float | None = None,
):
    """Log-survival of the IIA and simulated lengths with exponential slopes.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Target axes.
    cov : Covariance
        The process.
    iia : SlepianIIA, optional
        The approximation.
    excursions : Excursions, optional
        Simulated lengths.
    t_max : float, optional
        Right end; default 8 mean intervals.

    Returns
    -------
    matplotlib.axes.Axes
        The axes.
    """
    iia = SlepianIIA(cov) if iia is None else iia
    t_max = 8.0 * cov.mean_interval if t_max is None else t_max
    t = np.linspace(0.0, t_max, 400)
    sf = iia.sf(t)
    theta = iia.persistence_exponent()
    ax.semilogy(t, sf, color="C0", lw=2, label=f"Slepian IIA, θ = {theta:.4f}")
    ref = t_max / 2
    ax.semilogy(
        t,
        iia.sf(ref) * np.exp(-theta * (t - ref)),
        "--",
        color="C0",
        lw=1,
        label="exp(-θ t) slope",
    )
    if excursions is not None:
        emp = excursions.sf(t)
        keep = emp > 0
        ax.semilogy(t[keep], emp[keep], color="k", lw=1, label="simulated")
        est = excursions.exponent()
        if np.any(keep):
            tt = t[t >= 0.5 * est.threshold]
            ax.semilogy(
                tt,
                excursions.sf(est.threshold) * np.exp(-est.rate * (tt - est.threshold)),
                ":",
                color="k",
                label=f"tail fit θ = {est.rate:.4f} ± {est.se:.4f}",
            )
    if cov.exact_exponent is not None:
        ax.plot([], [], " ", label=f"exact θ = {cov.exact_exponent:g}")
    ax.set_ylim(max(1e-6, sf[-1] / 10), 1.5)
    ax.set_xlabel("t")
    ax.set_ylabel("P(T > t)")
    ax.set_title(cov.name)
    ax.legend(fontsize="small")
    return ax


def plot_failure(axes, cov: Covariance, t_max: float | None = None):
    """Show why the IIA fails for a non-monotone covariance.

    Left: r(t) and E0(t) (negative values of E0 rule out a distribution);
    right: the IIA 'density' with its negative parts shaded.

    Parameters
    ----------
    axes : sequence of two matplotlib.axes.Axes
        Target axes.
    cov : Covariance
        A non-monotone covariance such as ``Sinc()``.
    t_max : float, optional
        Right end; default 5 mean intervals.

    Returns
    -------
    float
        The negative mass of the IIA density.
    """
    import warnings

    from statmodels.excursions.iia import IIAValidityWarning

    t_max = 5.0 * cov.mean_interval if t_max is None else t_max
    iia = SlepianIIA(cov)
    t = np.linspace(0.0, t_max, 600)
    ax0, ax1 = axes
    ax0.plot(t, cov.r(t), label="r(t)")
    ax0.plot(t, iia.e0(t), label="E0(t)")
    ax0.axhline(0.0, color="0.5", lw=0.5)
    ax0.set_xlabel("t")
    ax0.set_title(f"{cov.name}: r and E0")
    ax0.legend(fontsize="small")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IIAValidityWarning)
        pdf = iia.pdf(t)
        neg = iia.negative_mass()
    ax1.plot(t, pdf, color="C0", label="IIA 'density'")
    ax1.fill_between(
        t,
        pdf,
        0.0,
        where=pdf < 0,
        color="C3",
        alpha=0.5,
        label=f"negative mass {neg:.3f}",
    )
    ax1.axhline(0.0, color="0.5", lw=0.5)
    ax1.set_xlabel("t")
    ax1.set_title("Slepian IIA is not a distribution")
    ax1.legend(fontsize="small")
    return neg
