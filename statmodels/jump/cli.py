"""Command line for Markov jump processes: ``statmodels mjp ...``.

* ``simulate``: paths of the discrete flashing ratchet (or a rate matrix from
  a JSON file), in full or on a regular grid with optional noise, as CSV;
* ``fit``: the rate matrix from a CSV of ``id, time, state`` (panel data by
  default, complete paths with ``--complete``), with the R-like summary;
* ``dfr``: the ratchet's rate matrix and derived quantities for given
  ``V, r, b``.

``statmodels/cli.py`` calls :func:`register` on its subparsers.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

EPILOG = """examples:
  statmodels mjp dfr --V 1 --r 1 --b 1
  statmodels mjp simulate --V 1 -n 300 --t-max 9.9 --dt 0.1 --seed 1 -o obs.csv
  statmodels mjp fit obs.csv --pattern dfr
"""


def _rate_matrix(args):
    from statmodels.jump import dfr_rate_matrix, validate_rate_matrix

    if args.qmatrix:
        with open(args.qmatrix) as fh:
            return validate_rate_matrix(json.load(fh))
    return dfr_rate_matrix(args.V, args.r, args.b)


def _cmd_simulate(args) -> int:
    from statmodels.jump import simulate

    Q = _rate_matrix(args)
    if args.dt:
        grid = np.arange(0.0, args.t_max + 1e-12, args.dt)
        out = simulate(
            Q, None, args.n_paths, times=grid, noise=args.noise, seed=args.seed
        )
    else:
        out = simulate(Q, None, args.n_paths, t_max=args.t_max, seed=args.seed)
    frame = out.to_frame()
    if args.output:
        frame.to_csv(args.output, index=False)
        print(f"wrote {len(frame)} rows to {args.output}")
    else:
        frame.to_csv(sys.stdout, index=False)
    return 0


def _cmd_fit(args) -> int:
    import pandas as pd

    from statmodels.inference import set_progress
    from statmodels.jump import Paths, dfr_pattern, fit_complete, fit_panel

    if args.no_progress:
        set_progress(False)
    try:
        frame = pd.read_csv(args.csv)
    except FileNotFoundError:
        print(f"error: no such file: {args.csv}", file=sys.stderr)
        return 2
    pattern = dfr_pattern() if args.pattern == "dfr" else None
    try:
        if args.complete:
            fit = fit_complete(Paths.from_frame(frame, args.n_states), pattern)
        else:
            kwargs = {}
            if args.method == "nuts":
                kwargs = {
                    "num_warmup": args.warmup,
                    "num_samples": args.samples,
                    "num_chains": args.chains,
                    "seed": args.seed,
                }
            if args.misclassification:
                S = args.n_states or int(frame["state"].max()) + 1
                kwargs["misclassification"] = np.ones((S, S), bool)
            fit = fit_panel(
                frame, pattern, method=args.method, n_states=args.n_states, **kwargs
            )
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps(
                {
                    "rate_matrix": fit.rate_matrix.tolist(),
                    "std_error": fit.rate_matrix_se.tolist(),
                    "log_likelihood": fit.log_likelihood,
                    "method": fit.method,
                }
            )
        )
    else:
        print(fit.summary())
    if args.out:
        fit.save(args.out)
    return 0


def _cmd_dfr(args) -> int:
    from statmodels.jump import (
        dfr_rate_matrix,
        entropy_production,
        relaxation_times,
        stationary_distribution,
    )

    Q = dfr_rate_matrix(args.V, args.r, args.b)
    out = {
        "rate_matrix": Q.tolist(),
        "stationary_distribution": stationary_distribution(Q).tolist(),
        "relaxation_times": relaxation_times(Q).tolist(),
        "entropy_production": entropy_production(Q),
    }
    if args.json:
        print(json.dumps(out))
    else:
        np.set_printoptions(precision=4, suppress=True)
        print(f"discrete flashing ratchet V={args.V:g} r={args.r:g} b={args.b:g}")
        print("rate matrix:\n" + str(Q))
        print("stationary distribution:", np.asarray(out["stationary_distribution"]))
        print("relaxation times:", np.asarray(out["relaxation_times"]))
        print(f"entropy production rate: {out['entropy_production']:.6g}")
    return 0


def _dfr_args(p) -> None:
    p.add_argument("--V", type=float, default=1.0, help="potential strength")
    p.add_argument("--r", type=float, default=1.0, help="switching rate (> 0)")
    p.add_argument("--b", type=float, default=1.0, help="off-state jump rate (> 0)")


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``mjp`` command and its subcommands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``parser.add_subparsers()``.

    Returns
    -------
    argparse.ArgumentParser
        The ``mjp`` parser.
    """
    fmt = argparse.RawDescriptionHelpFormatter
    top = subparsers.add_parser(
        "mjp",
        help="Markov jump processes: simulate, fit rate matrices, the DFR benchmark",
        description="Continuous-time Markov chains on finite state spaces: "
        "exact simulation and rate-matrix estimation from complete paths or "
        "panel data.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    sub = top.add_subparsers(dest="mjp_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "simulate",
        help="simulate paths as CSV (id, time, state)",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    _dfr_args(p)
    p.add_argument(
        "--qmatrix",
        metavar="JSON",
        help="rate matrix from a JSON file instead of the DFR",
    )
    p.add_argument("-n", "--n-paths", type=int, default=100, help="number of paths")
    p.add_argument("--t-max", type=float, default=10.0, help="length of each path")
    p.add_argument(
        "--dt",
        type=float,
        default=None,
        help="observe on a grid of this spacing (default: full paths)",
    )
    p.add_argument(
        "--noise",
        type=float,
        default=0.0,
        help="probability of a mislabelled observation (with --dt)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("-o", "--output", metavar="FILE", help="CSV file (default stdout)")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser(
        "fit",
        help="estimate the rate matrix from a CSV",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    p.add_argument("csv", metavar="CSV", help="file with columns id, time, state")
    p.add_argument(
        "--n-states",
        type=int,
        default=None,
        help="size of the state space (default: largest state + 1)",
    )
    p.add_argument(
        "--pattern",
        choices=["all", "dfr"],
        default="all",
        help="allowed transitions (default all)",
    )
    p.add_argument(
        "--complete",
        action="store_true",
        help="the rows are complete paths (every jump, then the end)",
    )
    p.add_argument("--method", choices=["mle", "nuts"], default="mle")
    p.add_argument(
        "--misclassification",
        action="store_true",
        help="allow any state to be recorded as any other (hidden Markov model)",
    )
    p.add_argument("--warmup", type=int, default=500)
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--chains", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--out", metavar="FILE", help="save the fit (netCDF)")
    p.add_argument("--no-progress", action="store_true", help="hide progress meters")
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser(
        "dfr",
        help="the discrete flashing ratchet and its derived quantities",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    _dfr_args(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=_cmd_dfr)
    return top
