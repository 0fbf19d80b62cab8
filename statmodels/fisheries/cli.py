"""Command line for harvest policies: ``statmodels fisheries ...``.

* ``simulate MODEL``: a stock series from a growth model, to CSV or stdout;
* ``policy CSV``: fit a Gaussian process or a parametric model to a stock
  series and write the policy table (stock, harvest, escapement, value);
* ``evaluate``: simulate policies (optimal for the true model, and any from
  ``policy`` tables) under a true model and print the comparison.

A growth model is written ``allen:r=2,K=8,C=5,sigma=0.05``,
``ricker:r=1,K=10,sigma=0.05`` or ``myers:r=1,theta=2,K=10,sigma=0.05``.

``statmodels/cli.py`` calls :func:`register` on its subparsers.
"""

from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

EPILOG = """examples:
  statmodels fisheries simulate allen:r=2,K=8,C=5,sigma=0.05 --x0 5.5 \\
      --steps 39 --seed 1 --output stock.csv
  statmodels fisheries policy stock.csv --method gp --output gp_policy.csv
  statmodels fisheries evaluate allen:r=2,K=8,C=5,sigma=0.05 \\
      --policy gp_policy.csv --x0 10 --replicates 100
"""

DEFAULTS = {
    "ricker": {"r": 1.0, "K": 10.0, "sigma": 0.05},
    "allen": {"r": 2.0, "K": 8.0, "C": 5.0, "sigma": 0.05},
    "myers": {"r": 1.0, "theta": 2.0, "K": 10.0, "sigma": 0.05},
}


def parse_model(spec: str):
    """A growth model from ``name:key=value,...`` (missing keys: defaults).

    Parameters
    ----------
    spec : str
        For example ``allen:r=2,K=8,C=5,sigma=0.05``; add ``form=text`` for
        the manuscript's Allen form.

    Returns
    -------
    GrowthModel
    """
    from statmodels.fisheries.growth import make_growth_model

    name, _, rest = spec.partition(":")
    name = name.strip().lower()
    if name not in DEFAULTS:
        raise argparse.ArgumentTypeError(
            f"unknown growth model {name!r}; use ricker, allen or myers"
        )
    values = dict(DEFAULTS[name])
    form = "code"
    for item in filter(None, rest.split(",")):
        key, eq, val = item.partition("=")
        key = key.strip()
        if not eq or (key not in values and key != "form"):
            raise argparse.ArgumentTypeError(
                f"bad parameter {item!r} for {name}; expected one of "
                f"{', '.join(values)} as key=value"
            )
        if key == "form":
            form = val.strip()
            continue
        try:
            values[key] = float(val)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"parameter {key} must be a number; got {val!r}"
            ) from None
    sigma = values.pop("sigma")
    try:
        return make_growth_model(name, values, sigma, form)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _grid(args):
    return np.linspace(args.grid_min, args.grid_max, args.grid_size)


def _add_grid(p):
    p.add_argument("--grid-min", type=float, default=0.0, help="lowest stock (0)")
    p.add_argument("--grid-max", type=float, default=15.0, help="top stock (15)")
    p.add_argument("--grid-size", type=int, default=50, help="grid points (50)")
    p.add_argument("--discount", type=float, default=0.99, help="discount (0.99)")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``fisheries`` command and its subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``parser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The ``fisheries`` parser.
    """
    fmt = argparse.RawDescriptionHelpFormatter
    top = subparsers.add_parser(
        "fisheries",
        help="harvest policies by Gaussian process dynamic programming "
        "(Boettiger, Mangel & Munch 2015)",
        description="Fit the stock dynamics of a fishery (Gaussian process or "
        "parametric growth model), solve the stochastic dynamic program for a "
        "harvest policy, and simulate policies under a true model.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sub = top.add_subparsers(dest="fisheries_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "simulate",
        help="simulate a stock series from a growth model",
        description="Simulate x_{t+1} = f(x_t - h) exp(sigma Z) from a growth model.",
    )
    p.add_argument("model", type=parse_model, help="e.g. allen:r=2,K=8,C=5")
    p.add_argument("--x0", type=float, default=5.5, help="initial stock (5.5)")
    p.add_argument("--steps", type=int, default=39, help="transitions (39)")
    p.add_argument("--harvest", type=float, default=0.0, help="constant harvest")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output", "-o", help="CSV file (default: stdout)")
    p.set_defaults(func=_simulate)

    p = sub.add_parser(
        "policy",
        help="fit dynamics to a stock series and write the harvest policy",
        description="Read a CSV with a column 'stock' (and optionally "
        "'harvest'), fit the chosen model, and write the optimal policy table.",
    )
    p.add_argument("data", help="CSV file with a 'stock' column")
    p.add_argument(
        "--method",
        choices=("gp", "ricker", "allen", "myers"),
        default="gp",
        help="dynamics model (default gp)",
    )
    p.add_argument(
        "--fit",
        choices=("nuts", "map", "mle"),
        default="mle",
        help="posterior by NUTS, its mode (map), or maximum likelihood (default mle)",
    )
    p.add_argument("--samples", type=int, default=500, help="NUTS draws per chain")
    p.add_argument("--chains", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--faithful-to-code", action="store_true")
    _add_grid(p)
    p.add_argument("--output", "-o", help="CSV file (default: stdout)")
    p.set_defaults(func=_policy)

    p = sub.add_parser(
        "evaluate",
        help="simulate policies under a true model and compare them",
        description="Simulate the true model's optimal policy and any policy "
        "tables (from 'policy') with common random numbers; print NPV, NPV "
        "ratio to optimal, probability of collapse and of falling below the "
        "tipping point.",
    )
    p.add_argument("model", type=parse_model, help="the true growth model")
    p.add_argument(
        "--policy",
        action="append",
        default=[],
        help="policy CSV (stock, harvest); repeat for several",
    )
    p.add_argument("--x0", type=float, default=10.0)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--replicates", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    _add_grid(p)
    p.set_defaults(func=_evaluate)
    return top


def _write(frame, path):
    if path:
        frame.to_csv(path, index=False)
        print(f"wrote {path}", file=sys.stderr)
    else:
        frame.to_csv(sys.stdout, index=False)


def _simulate(args) -> int:
    import pandas as pd

    x = args.model.simulate(args.x0, args.steps, harvest=args.harvest, seed=args.seed)
    h = np.minimum(args.harvest, x)
    _write(
        pd.DataFrame({"time": np.arange(len(x)), "stock": x, "harvest": h}), args.output
    )
    return 0


def _policy(args) -> int:
    import pandas as pd

    from statmodels.fisheries import GPDynamics, ParametricDynamics, optimal_policy
    from statmodels.inference import ConvergenceWarning

    try:
        frame = pd.read_csv(args.data)
    except FileNotFoundError:
        print(f"error: no such file: {args.data}", file=sys.stderr)
        return 2
    if "stock" not in frame:
        print(
            f"error: {args.data} has no 'stock' column (columns: "
            f"{', '.join(frame.columns)})",
            file=sys.stderr,
        )
        return 2
    harvest = frame["harvest"].to_numpy() if "harvest" in frame else None
    try:
        if args.method == "gp":
            model = GPDynamics.from_series(
                frame["stock"].to_numpy(),
                harvest,
                faithful_to_code=args.faithful_to_code,
            )
        else:
            model = ParametricDynamics.from_series(
                args.method, frame["stock"].to_numpy(), harvest
            )
        options = {}
        if args.fit == "nuts":
            options = dict(
                num_warmup=args.samples,
                num_samples=args.samples,
                num_chains=args.chains,
                seed=args.seed,
            )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            fit = model.fit(args.fit, **options)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        policy = optimal_policy(
            fit,
            _grid(args),
            args.discount,
            max_draws=300,
            faithful_to_code=args.faithful_to_code,
        )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(fit.params.to_string(), file=sys.stderr)
    _write(policy.table(), args.output)
    return 0


def _evaluate(args) -> int:
    import pandas as pd

    from statmodels.fisheries import Policy, compare_policies, optimal_policy

    grid = _grid(args)
    policies = {"optimal": optimal_policy(args.model, grid, args.discount)}
    for path in args.policy:
        try:
            table = pd.read_csv(path)
            policies[path] = Policy(table["stock"], table["harvest"], label=path)
        except (FileNotFoundError, KeyError, ValueError) as err:
            print(f"error: cannot read policy {path}: {err}", file=sys.stderr)
            return 2
    table, _ = compare_policies(
        policies,
        args.model,
        args.x0,
        args.steps,
        args.replicates,
        args.seed,
        discount=args.discount,
    )
    print(f"true model: {args.model.describe()}")
    print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    return 0
