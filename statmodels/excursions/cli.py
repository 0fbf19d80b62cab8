"""Command line for zero-crossing intervals: ``statmodels excursions ...``.

Three subcommands, each taking a covariance name COV such as ``diffusion:2``,
``random-acceleration``, ``gaussian``, ``matern:2.5`` or ``sinc``:

* ``exponent COV``: persistence exponent by the classical and Slepian IIA,
  the validity verdict and, with ``--simulate N``, a simulation estimate;
* ``density COV``: the IIA density, survival function and CDF on a grid;
* ``simulate COV``: simulated excursion lengths with their mean and tail
  exponent, optionally saved to a file.

``statmodels/cli.py`` calls :func:`register` on its subparsers.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

import numpy as np

COV_HELP = (
    "covariance name: diffusion:D (diffusion equation in D dimensions, "
    "r = sech(t/2)^(D/2)), random-acceleration, gaussian[:ELL], "
    "matern:NU[,ELL] (NU > 1), sinc, damped-cosine[:A,B]"
)

EPILOG = """examples:
  statmodels excursions exponent diffusion:2
  statmodels excursions exponent random-acceleration --simulate 200000 --seed 1
  statmodels excursions density matern:2.5 --points 20 --csv density.csv
  statmodels excursions simulate gaussian -n 100000 --seed 3 --output lengths.npy
"""


def _cov(spec):
    from statmodels.excursions.covariance import parse_covariance

    try:
        return parse_covariance(spec)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``excursions`` command and its subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``parser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The ``excursions`` parser.
    """
    fmt = argparse.RawDescriptionHelpFormatter
    top = subparsers.add_parser(
        "excursions",
        help="zero-crossing intervals and persistence exponents of Gaussian "
        "processes (independent interval approximations vs exact)",
        description="Distribution of the time between zeros of a stationary "
        "Gaussian process: the Slepian-model independent interval approximation "
        "(Bengtsson & Podgorski 2024), the classical one (Majumdar et al. 1996), "
        "and simulation.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sub = top.add_subparsers(dest="excursions_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "exponent",
        help="persistence exponent theta (P(no zero for time t) ~ exp(-theta t))",
        description="Persistence exponent of the process by the classical and "
        "the Slepian independent interval approximation (they agree), the known "
        "exact value where there is one, and optionally a simulation estimate.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    p.add_argument("cov", type=_cov, metavar="COV", help=COV_HELP)
    p.add_argument(
        "--simulate",
        type=int,
        default=0,
        metavar="N",
        help="also estimate theta from N simulated excursions (e.g. 200000)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--no-progress", action="store_true", help="hide the progress meter")
    p.set_defaults(func=_cmd_exponent)

    p = sub.add_parser(
        "density",
        help="IIA density, survival function and CDF of the interval length",
        description="Tabulate the Slepian IIA density f(t), survival P(T > t) "
        "and CDF of the time between zeros, for t from 0 to --t-max.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    p.add_argument("cov", type=_cov, metavar="COV", help=COV_HELP)
    p.add_argument(
        "--t-max",
        type=float,
        default=None,
        help="largest t (default: 4 mean intervals, 4 pi / sqrt(lambda_2))",
    )
    p.add_argument("--points", type=int, default=21, help="number of t values")
    p.add_argument(
        "--method",
        choices=["renewal", "fft", "laplace"],
        default="renewal",
        help="renewal equation (default), lattice FFT of the geometric sum, or "
        "Laplace inversion (diffusion:2 only)",
    )
    p.add_argument("--csv", metavar="FILE", help="also write the table to FILE")
    p.set_defaults(func=_cmd_density)

    p = sub.add_parser(
        "simulate",
        help="simulate the process and measure its excursion lengths",
        description="Simulate paths by circulant embedding, extract the "
        "intervals between zero crossings (linear interpolation) and report "
        "their mean and the tail exponent with its standard error.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    p.add_argument("cov", type=_cov, metavar="COV", help=COV_HELP)
    p.add_argument(
        "-n",
        "--n-excursions",
        type=int,
        default=100_000,
        help="number of excursions (default 100000; ~1e6 for theta to ~1e-3)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--dt",
        type=float,
        default=None,
        help="sampling step (default 0.05 / sqrt(lambda_2))",
    )
    p.add_argument(
        "--output",
        metavar="FILE",
        help="save the lengths (.npy binary, otherwise one per line as text)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--no-progress", action="store_true", help="hide the progress meter")
    p.set_defaults(func=_cmd_simulate)
    return top


def _cmd_exponent(args) -> int:
    from statmodels.excursions.iia import SlepianIIA
    from statmodels.excursions.simulate import simulate_excursions

    cov = args.cov
    iia = SlepianIIA(cov)
    out = {"process": cov.name, "mean_interval": cov.mean_interval}
    try:
        out["theta_slepian"] = iia.persistence_exponent("slepian")
        out["theta_classical"] = iia.persistence_exponent("classical")
    except ValueError as err:
        out["theta_slepian"] = out["theta_classical"] = None
        out["exponent_note"] = str(err)
    report = iia.validity()
    out["valid"] = report.valid
    out["validity"] = report.reason
    out["theta_exact"] = cov.exact_exponent
    if args.simulate > 0:
        ex = simulate_excursions(
            cov, args.simulate, seed=args.seed, progress=not args.no_progress
        )
        est = ex.exponent()
        out.update(
            theta_sim=est.rate,
            theta_sim_se=est.se,
            n_excursions=ex.n,
            sim_mean=ex.mean(),
        )
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"process            {cov.name}")
    print(f"mean interval mu   {cov.mean_interval:.6f}  (pi / sqrt(lambda_2))")
    if out["theta_slepian"] is None:
        print(f"IIA exponent       none: {out['exponent_note']}")
    else:
        print(f"theta (Slepian)    {out['theta_slepian']:.6f}")
        print(f"theta (classical)  {out['theta_classical']:.6f}")
    if cov.exact_exponent is not None:
        print(f"theta (exact)      {cov.exact_exponent:.6f}")
    if args.simulate > 0:
        print(
            f"theta (simulated)  {out['theta_sim']:.5f} +/- {out['theta_sim_se']:.5f}"
            f"  ({out['n_excursions']} excursions, mean {out['sim_mean']:.4f})"
        )
    print(f"valid              {report.valid}: {report.reason}")
    return 0


def _cmd_density(args) -> int:
    from statmodels.excursions.iia import IIAValidityWarning, SlepianIIA

    cov = args.cov
    iia = SlepianIIA(cov)
    t_max = 4.0 * cov.mean_interval if args.t_max is None else args.t_max
    if not t_max > 0 or args.points < 2:
        print(
            "error: --t-max must be positive and --points at least 2", file=sys.stderr
        )
        return 2
    t = np.linspace(0.0, t_max, args.points)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IIAValidityWarning)
        try:
            pdf = iia.pdf(t, args.method)
            sf = iia.sf(t, args.method)
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    lines = ["t,pdf,sf,cdf"] + [
        f"{a:.6g},{b:.8g},{c:.8g},{1 - c:.8g}"
        for a, b, c in zip(t, pdf, sf, strict=True)
    ]
    print(f"# Slepian IIA of {cov.name} ({args.method}); mean {iia.mean():.6f}")
    print("\n".join(lines))
    if args.csv:
        with open(args.csv, "w") as fh:
            fh.write("\n".join(lines) + "\n")
    return 0


def _cmd_simulate(args) -> int:
    from statmodels.excursions.simulate import simulate_excursions

    cov = args.cov
    try:
        ex = simulate_excursions(
            cov,
            args.n_excursions,
            dt=args.dt,
            seed=args.seed,
            progress=not args.no_progress,
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    out = {
        "process": cov.name,
        "n_excursions": ex.n,
        "mean": ex.mean(),
        "mean_exact": cov.mean_interval,
        "seconds": ex.seconds,
        "min_eigenvalue": ex.min_eigenvalue,
    }
    try:
        est = ex.exponent()
        out.update(theta=est.rate, theta_se=est.se, threshold=est.threshold)
    except ValueError as err:
        out["theta_note"] = str(err)
    if args.output:
        if args.output.endswith(".npy"):
            np.save(args.output, ex.lengths)
        else:
            np.savetxt(args.output, ex.lengths)
        out["output"] = args.output
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"process        {cov.name}")
    print(f"excursions     {ex.n}  ({ex.n / ex.seconds:,.0f} per second)")
    print(f"mean length    {ex.mean():.5f}  (Rice: {cov.mean_interval:.5f})")
    if "theta" in out:
        print(f"tail exponent  {est}")
    if args.output:
        print(f"lengths saved  {args.output}")
    return 0
