"""Command line for the meningitis model: ``statmodels meningitis ...``.

* ``simulate``: a synthetic season of weekly reported cases, as CSV;
* ``r0``: R0 (numerical next-generation matrix and closed form) and the
  threshold quantities;
* ``sensitivity``: the ranked normalised sensitivity indices of R0;
* ``fit``: fit the model to a CSV of weekly counts (columns ``week``,
  ``cases``) by MLE, NUTS or SVI and print the summary.

``statmodels/cli.py`` calls :func:`register` on its subparsers.
"""

from __future__ import annotations

import argparse
import json
import sys

EPILOG = """examples:
  statmodels meningitis r0 --beta 0.2 --phi 0.1
  statmodels meningitis sensitivity --phi 0.3
  statmodels meningitis simulate --weeks 26 --population 100000 --output season.csv
  statmodels meningitis fit season.csv --population 100000 --estimate beta
"""


def _add_parameters(p):
    from statmodels.epidemics.meningitis import default_model

    base = default_model().params
    g = p.add_argument_group("model parameters (per day)")
    for name, value in base.items():
        g.add_argument(
            f"--{name.replace('_', '-')}",
            dest=name,
            type=float,
            default=value,
            help=f"default {value:g}",
        )
    g.add_argument(
        "--force",
        choices=["frequency", "mass_action"],
        default="frequency",
        help="force of infection (default frequency)",
    )
    g.add_argument(
        "--population",
        type=float,
        default=100_000.0,
        help="population (default 100000)",
    )


def _model(args):
    from statmodels.epidemics.meningitis import PARAMS, MeningitisModel

    return MeningitisModel(
        **{k: getattr(args, k) for k in PARAMS},
        force=args.force,
        population=args.population,
    )


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``meningitis`` command and its subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``parser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The ``meningitis`` parser.
    """
    fmt = argparse.RawDescriptionHelpFormatter
    top = subparsers.add_parser(
        "meningitis",
        help="carrier and two-stage meningitis model (Yaga & Saporu 2023)",
        description="The deterministic meningitis model of Yaga & Saporu (2023): "
        "simulation, R0, sensitivity indices and fits to weekly counts.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sub = top.add_subparsers(dest="meningitis_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("simulate", help="a synthetic season of weekly cases")
    _add_parameters(p)
    p.add_argument("--weeks", type=int, default=26, help="weeks (default 26)")
    p.add_argument(
        "--seed-fraction",
        type=float,
        default=1e-3,
        help="initial carrier proportion (default 0.001)",
    )
    p.add_argument(
        "--reporting", type=float, default=0.5, help="reporting fraction (default 0.5)"
    )
    p.add_argument("--likelihood", choices=["poisson", "negbin"], default="poisson")
    p.add_argument("--dispersion", type=float, default=20.0)
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--output", metavar="FILE", help="write the CSV here")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("r0", help="R0 and the threshold quantities")
    _add_parameters(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_r0)

    p = sub.add_parser("sensitivity", help="ranked sensitivity indices of R0")
    _add_parameters(p)
    p.add_argument("--csv", metavar="FILE", help="also write the table to FILE")
    p.set_defaults(func=_cmd_sensitivity)

    p = sub.add_parser(
        "fit",
        help="fit to a CSV of weekly counts (columns week, cases)",
        description="Fit the model to weekly stage-I1 case counts. Parameters "
        "not listed in --estimate stay at the values given.",
    )
    p.add_argument("data", metavar="CSV", help="file with columns week, cases")
    _add_parameters(p)
    p.add_argument(
        "--estimate",
        default="beta,epsilon,sigma",
        help="comma-separated parameters to estimate "
        "(default beta,epsilon,sigma; rho and seed always)",
    )
    p.add_argument("--method", choices=["mle", "nuts", "svi"], default="mle")
    p.add_argument("--likelihood", choices=["poisson", "negbin"], default="poisson")
    p.add_argument("--samples", type=int, default=1000, help="NUTS draws per chain")
    p.add_argument("--chains", type=int, default=4, help="NUTS chains")
    p.add_argument("--steps", type=int, default=5000, help="SVI steps")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--out", metavar="FILE", help="save the fit (netCDF)")
    p.set_defaults(func=_cmd_fit)
    return top


def _fail(err) -> int:
    print(f"error: {err}", file=sys.stderr)
    return 2


def _cmd_simulate(args) -> int:
    from statmodels.epidemics.fitting import simulate_outbreak

    try:
        out = simulate_outbreak(
            _model(args),
            args.population,
            args.weeks,
            seed_fraction=args.seed_fraction,
            reporting=args.reporting,
            likelihood=args.likelihood,
            dispersion=args.dispersion,
            rng=args.seed,
        )
    except ValueError as err:
        return _fail(err)
    if args.output:
        out["frame"].to_csv(args.output, index=False)
        print(f"wrote {len(out['frame'])} weeks to {args.output}")
    else:
        print(out["frame"].to_csv(index=False), end="")
    print(f"# true R0 {out['truth']['R0']:.6g}", file=sys.stderr)
    return 0


def _cmd_r0(args) -> int:
    try:
        model = _model(args)
    except ValueError as err:
        return _fail(err)
    out = model.thresholds()
    out["R0_closed_form"] = model.r0_closed_form()
    out = {k: (v if isinstance(v, bool) else float(v)) for k, v in out.items()}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    for key, value in out.items():
        print(f"{key:18s} {value}")
    return 0


def _cmd_sensitivity(args) -> int:
    try:
        table = _model(args).sensitivity()
    except ValueError as err:
        return _fail(err)
    print(table.to_string())
    if args.csv:
        table.to_csv(args.csv)
    return 0


def _cmd_fit(args) -> int:
    import pandas as pd

    from statmodels.epidemics.fitting import fit_incidence

    try:
        frame = pd.read_csv(args.data)
    except FileNotFoundError:
        return _fail(f"no such file: {args.data}")
    estimate = [s.strip() for s in args.estimate.split(",") if s.strip()]
    backend = {"seed": args.seed}
    if args.method == "nuts":
        backend.update(num_samples=args.samples, num_chains=args.chains)
    elif args.method == "svi":
        backend.update(num_steps=args.steps)
    else:
        backend = {}
    try:
        fit = fit_incidence(
            _model(args),
            frame,
            args.population,
            method=args.method,
            estimate=estimate,
            likelihood=args.likelihood,
            **backend,
        )
    except ValueError as err:
        return _fail(err)
    print(fit.summary())
    if args.out:
        fit.save(args.out)
    return 0
