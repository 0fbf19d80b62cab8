"""The ``statmodels`` command.

``statmodels fit``
    Fit a survival regression to a bundled data set or a CSV file and print
    the R-like summary; ``--out`` writes the fit to a netCDF file.
``statmodels compare``
    The model-comparison table over presets and special cases.
``statmodels datasets``
    The bundled data sets, with their sources and licences.

Other model families add their own subcommands.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

EXAMPLE = (
    'statmodels fit "Surv(time, status) ~ karno + celltype" --data veteran '
    "--dist weibull --out veteran.nc"
)

#: Model families that add subcommands through a ``register(subparsers)``.
FAMILY_CLIS = (
    "statmodels.epidemics.cli",
    "statmodels.excursions.cli",
    "statmodels.fisheries.cli",
    "statmodels.jump.cli",
    "statmodels.sparse.cli",
)


def _read_data(source: str):
    import pandas as pd

    from statmodels import datasets

    if source.lower().endswith(".csv"):
        try:
            return pd.read_csv(source), source
        except FileNotFoundError:
            raise SystemExit(f"error: no such file: {source}") from None
    names = datasets.list()["name"].tolist()
    if source not in names:
        raise SystemExit(
            f"error: {source!r} is neither a CSV file nor a bundled data set "
            f"({', '.join(names)})"
        )
    return datasets.load(source), source


def _fit(args) -> int:
    import statmodels
    from statmodels.inference import set_progress

    if args.no_progress:
        set_progress(False)
    data, name = _read_data(args.data)
    options = {}
    if args.method == "nuts":
        options = {
            "num_samples": args.draws,
            "num_warmup": args.warmup,
            "num_chains": args.chains,
        }
    elif args.method == "svi":
        options = {"num_samples": args.draws, "num_steps": args.steps}
    formulas = {}
    for item in args.param_formula or []:
        param, _, rhs = item.partition("=")
        formulas[param.strip()] = rhs.strip()
    fixed = {}
    for item in args.fix or []:
        param, _, value = item.partition("=")
        fixed[param.strip()] = float(value)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = statmodels.survreg(
            args.formula,
            data,
            dist=args.dist,
            preset=args.preset,
            formulas=formulas or None,
            fixed=fixed or None,
            method=args.method,
            na_action="drop" if args.drop_missing else "raise",
            seed=args.seed,
            **options,
        )
    fit.model.data_name = name
    print(fit.summary())
    others = [w for w in caught if str(w.message) not in fit.caveats]
    for w in others:
        print(f"warning: {w.message}", file=sys.stderr)
    if args.out:
        fit.save(args.out)
        print(f"\nFit written to {args.out} (read it with statmodels.load).")
    return 0


def _compare(args) -> int:
    import pandas as pd

    from statmodels.survival import compare_models

    data, _ = _read_data(args.data)
    table = compare_models(args.formula, data)
    with pd.option_context("display.width", 120, "display.precision", 2):
        print(table.to_string(index=False))
    return 0


def _datasets(args) -> int:
    import pandas as pd

    from statmodels import datasets

    with pd.option_context("display.width", 200, "display.max_colwidth", 70):
        print(datasets.list().to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``statmodels`` command."""
    parser = argparse.ArgumentParser(
        prog="statmodels",
        description=(
            "Fit scientific models from R-style formulas by maximum likelihood "
            "or Bayesian inference."
        ),
        epilog=f"Example:\n  {EXAMPLE}\n\nRun 'statmodels COMMAND --help' for more.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    fit = sub.add_parser(
        "fit",
        help="fit a parametric survival regression and print its summary",
        description=(
            "Fit a flexible parametric survival model (APGW family) and print an "
            "R-like summary."
        ),
        epilog=f"Example:\n  {EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fit.add_argument(
        "formula", help='e.g. "Surv(time, status) ~ x1 + x2" (quote it in the shell)'
    )
    fit.add_argument(
        "--data",
        required=True,
        help="a bundled data set name (see 'statmodels datasets') or a CSV file",
    )
    fit.add_argument(
        "--dist",
        default="weibull",
        help="apgw, weibull, exponential, loglogistic, burr, gompertz or lognormal "
        "(default: weibull)",
    )
    fit.add_argument(
        "--preset",
        default="aft",
        help="where covariates go: aft, ph, aft-gamma, ph-gamma or general "
        "(default: aft)",
    )
    fit.add_argument(
        "--param-formula",
        action="append",
        metavar="PARAM=RHS",
        help='covariates for one parameter, e.g. --param-formula "gamma=~ trt" '
        "(repeatable)",
    )
    fit.add_argument(
        "--fix",
        action="append",
        metavar="PARAM=VALUE",
        help="hold a parameter at a value, e.g. --fix kappa=1 (repeatable)",
    )
    fit.add_argument(
        "--method",
        choices=("mle", "nuts", "svi"),
        default="mle",
        help="maximum likelihood (default), NUTS, or variational inference",
    )
    fit.add_argument("--out", help="write the fit to this netCDF file")
    fit.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    fit.add_argument(
        "--draws", type=int, default=1000, help="posterior draws per chain"
    )
    fit.add_argument("--warmup", type=int, default=1000, help="NUTS warm-up steps")
    fit.add_argument("--chains", type=int, default=4, help="NUTS chains")
    fit.add_argument("--steps", type=int, default=5000, help="SVI optimisation steps")
    fit.add_argument(
        "--drop-missing",
        action="store_true",
        help="drop rows with missing values (the summary says how many)",
    )
    fit.add_argument("--no-progress", action="store_true", help="no progress meter")
    fit.set_defaults(func=_fit)

    compare = sub.add_parser(
        "compare",
        help="compare survival presets and distributions by AIC and BIC",
        description="Fit the presets and special cases by MLE; print a table.",
    )
    compare.add_argument("formula", help='e.g. "Surv(time, status) ~ trt"')
    compare.add_argument("--data", required=True, help="data set name or CSV file")
    compare.set_defaults(func=_compare)

    data = sub.add_parser("datasets", help="list the bundled data sets")
    data.set_defaults(func=_datasets)

    for module in FAMILY_CLIS:
        try:
            family = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not module.startswith(exc.name):
                raise
            continue
        family.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except (ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
