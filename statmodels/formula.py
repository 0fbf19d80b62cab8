"""R-style formulas: ``Surv(...)`` responses and per-parameter design matrices.

The left-hand side of a survival formula is read here; the right-hand side
goes to formulaic, whose model specs carry categorical levels and stateful
transforms (centring, splines) over to new data. Responses, in R's forms:

``Surv(time, event)``
    Right censoring: ``event`` is 1 (or ``True``) for an observed event.
``Surv(time, event, type="left")``
    Left censoring: ``event`` 0 means the event happened before ``time``.
``Surv(entry, time, event)``
    Delayed entry (left truncation) at ``entry``, as R's counting form.
``Surv(lower, upper, type="interval2")``
    Interval censoring: the event lies in ``(lower, upper]``; ``lower`` equal
    to ``upper`` is an exact event, ``upper`` infinite (or NaN) is right
    censored, ``lower`` zero (or NaN) is left censored.
``Surv(time)``
    Every row is an event.

Arguments are column names or expressions of columns (``Surv(time / 365,
status == 2)``), evaluated with NumPy available as ``np``.
"""

from __future__ import annotations

import ast
import functools
import re
import warnings
from dataclasses import dataclass

import formulaic
import numpy as np
import pandas as pd

# Censoring codes of a response row.
RIGHT, EXACT, INTERVAL = 0, 1, 2


class FormulaError(ValueError):
    """A formula that cannot be read against the data."""


@dataclass
class SurvResponse:
    """A parsed survival response.

    Attributes
    ----------
    lower, upper
        The event lies in ``(lower, upper]``; ``lower == upper`` for an exact
        event time, ``upper = inf`` for right censoring.
    kind
        ``RIGHT``, ``EXACT`` or ``INTERVAL`` per row.
    entry
        Delayed-entry time (0 when none).
    variables
        Columns of the data used by the response.
    """

    lower: np.ndarray
    upper: np.ndarray
    kind: np.ndarray
    entry: np.ndarray
    variables: list[str]
    source: str

    @property
    def n_events(self) -> int:
        """Number of exactly observed events."""
        return int(np.sum(self.kind == EXACT))

    def subset(self, keep: np.ndarray) -> SurvResponse:
        """The response restricted to the rows where ``keep`` is true."""
        return SurvResponse(
            self.lower[keep],
            self.upper[keep],
            self.kind[keep],
            self.entry[keep],
            self.variables,
            self.source,
        )


def split_formula(formula: str) -> tuple[str, str]:
    """Split ``"lhs ~ rhs"`` into its sides (``lhs`` may be empty)."""
    if formula.count("~") != 1:
        raise FormulaError(
            f"formula {formula!r} must contain exactly one '~', as in "
            "'Surv(time, status) ~ x1 + x2'"
        )
    lhs, rhs = formula.split("~")
    rhs = rhs.strip() or "1"
    return lhs.strip(), rhs


class _Columns(dict):
    """Evaluation namespace that names the missing column in its error."""

    def __init__(self, data: pd.DataFrame, used: list[str]):
        super().__init__()
        self.data, self.used = data, used

    def __missing__(self, key):
        if key == "np":
            return np
        if key in self.data.columns:
            self.used.append(key)
            return self.data[key].to_numpy()
        raise FormulaError(
            f"column {key!r} named in the formula is not in the data; the data "
            f"have columns {', '.join(map(str, self.data.columns))}"
        )


def _evaluate(expr: str, data: pd.DataFrame, used: list[str]) -> np.ndarray:
    namespace = _Columns(data, used)
    try:
        value = eval(
            compile(expr, "<formula>", "eval"), {"__builtins__": {}}, namespace
        )
    except FormulaError:
        raise
    except Exception as exc:
        raise FormulaError(f"cannot evaluate {expr!r} on the data: {exc}") from exc
    value = np.asarray(value)
    if value.ndim == 0:
        value = np.full(len(data), value)
    return value


def _as_status(values: np.ndarray, expr: str) -> np.ndarray:
    if values.dtype == bool:
        return values.astype(float)
    try:
        numeric = values.astype(float)
    except (TypeError, ValueError) as exc:
        raise FormulaError(
            f"status {expr!r} must be 0/1 or boolean; it holds non-numeric values"
        ) from exc
    odd = np.isfinite(numeric) & (numeric != 0.0) & (numeric != 1.0)
    bad = np.unique(numeric[odd])
    if bad.size:
        shown = ", ".join(f"{v:g}" for v in bad[:5])
        raise FormulaError(
            f"status {expr!r} must be 0/1 or boolean; found {shown}. For R's 1/2 "
            f"coding write Surv(time, {expr} == 2)"
        )
    return numeric


def parse_surv(lhs: str, data: pd.DataFrame) -> SurvResponse:
    """Evaluate a ``Surv(...)`` left-hand side on ``data``.

    Rows with missing values are kept as NaN here; the caller decides whether
    to raise or drop (see :func:`missing_rows`). Impossible values raise
    :class:`FormulaError` naming the column and the first offending rows.
    """
    try:
        node = ast.parse(lhs, mode="eval").body
    except SyntaxError as exc:
        raise FormulaError(f"cannot read the response {lhs!r}: {exc.msg}") from exc
    if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Surv"):
        raise FormulaError(
            f"the response {lhs!r} must be Surv(time, event) (or another Surv form)"
        )
    args = [ast.get_source_segment(lhs, a) for a in node.args]
    kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
    unknown = set(kw) - {"type"}
    if unknown:
        raise FormulaError(f"Surv() takes only type=; got {', '.join(unknown)}")
    stype = kw.get("type")
    used: list[str] = []
    values = [_evaluate(a, data, used) for a in args]
    n = len(data)
    entry = np.zeros(n)

    def times(v, expr):
        try:
            return v.astype(float)
        except (TypeError, ValueError) as exc:
            raise FormulaError(f"time {expr!r} must be numeric") from exc

    if stype == "interval2":
        if len(args) != 2:
            raise FormulaError("Surv(lower, upper, type='interval2') takes two times")
        lower, upper = times(values[0], args[0]), times(values[1], args[1])
        lower = np.where(np.isnan(lower) & ~np.isnan(upper), 0.0, lower)
        upper = np.where(np.isnan(upper) & ~np.isnan(lower), np.inf, upper)
        _check_nonnegative(lower, args[0])
        _check_positive(upper, args[1])
        bad = np.flatnonzero(lower > upper)
        if bad.size:
            raise FormulaError(
                f"interval with lower {args[0]!r} > upper {args[1]!r} at rows "
                f"{_rows(data, bad)}; each interval must have lower <= upper"
            )
        kind = np.where(
            lower == upper, EXACT, np.where(np.isinf(upper), RIGHT, INTERVAL)
        )
        kind = np.where(np.isnan(lower) | np.isnan(upper), RIGHT, kind)
        return SurvResponse(lower, upper, kind, entry, used, lhs)
    if stype not in (None, "right", "left", "counting"):
        raise FormulaError(
            f"unknown Surv type {stype!r}; use 'right', 'left', 'counting' or "
            "'interval2'"
        )
    if len(args) == 3:
        entry, time = times(values[0], args[0]), times(values[1], args[1])
        status = _as_status(values[2], args[2])
        _check_nonnegative(entry, args[0])
        bad = np.flatnonzero(entry >= time)
        if bad.size:
            raise FormulaError(
                f"entry {args[0]!r} is not before time {args[1]!r} at rows "
                f"{_rows(data, bad)}; delayed entry needs entry < time"
            )
    elif len(args) in (1, 2):
        time = times(values[0], args[0])
        status = _as_status(values[1], args[1]) if len(args) == 2 else np.ones(n)
    else:
        raise FormulaError("Surv() takes one, two or three columns")
    time_expr = args[1] if len(args) == 3 else args[0]
    _check_positive(time, time_expr)
    if stype == "left":
        lower = np.where(status == 1, time, 0.0)
        kind = np.where(status == 1, EXACT, INTERVAL)
        kind = np.where(np.isnan(status), RIGHT, kind)
        return SurvResponse(lower, time.copy(), kind, entry, used, lhs)
    upper = np.where(status == 1, time, np.inf)
    upper = np.where(np.isnan(status), np.nan, upper)
    kind = np.where(status == 1, EXACT, RIGHT)
    return SurvResponse(time, upper, kind, entry, used, lhs)


def _rows(data: pd.DataFrame, idx: np.ndarray) -> str:
    labels = [str(data.index[i]) for i in idx[:5]]
    more = f" and {idx.size - 5} more" if idx.size > 5 else ""
    return ", ".join(labels) + more


def _check_positive(values: np.ndarray, expr: str) -> None:
    bad = np.flatnonzero(values <= 0)
    if bad.size:
        raise FormulaError(
            f"time {expr!r} must be positive; found {values[bad[0]]:g} in "
            f"{bad.size} row(s). Survival times of zero are impossible under a "
            "continuous model: correct them, or add a small offset knowingly"
        )


def _check_nonnegative(values: np.ndarray, expr: str) -> None:
    bad = np.flatnonzero(values < 0)
    if bad.size:
        raise FormulaError(
            f"time {expr!r} must not be negative; found {values[bad[0]]:g}"
        )


def required_variables(rhs: str) -> set[str]:
    """Variables a right-hand side names, with backtick-quoted names whole.

    formulaic reports only the part before the first dot of a quoted name such
    as `` `ph.ecog` ``; the quoted names are read here instead.
    """
    return set(_required_variables(rhs))


@functools.lru_cache(maxsize=256)
def _required_variables(rhs: str) -> frozenset[str]:
    quoted = set(re.findall(r"`([^`]+)`", rhs))
    found = _formula(rhs).required_variables
    found = {v for v in found if not any(q.startswith(f"{v}.") for q in quoted)}
    return frozenset(found | quoted)


@functools.lru_cache(maxsize=256)
def _formula(rhs: str) -> formulaic.Formula:
    """The parsed right-hand side (formulaic formulas are immutable)."""
    return formulaic.Formula(rhs)


def check_columns(rhs: str, data: pd.DataFrame) -> list[str]:
    """The data columns a right-hand side uses; a clear error for missing ones."""
    required = required_variables(rhs)
    missing = sorted(
        v
        for v in required
        if v not in data and v not in ("np", "C") and not _builtin(v)
    )
    if missing:
        name = missing[0]
        dotted = [c for c in data.columns if str(c).startswith(f"{name}.")]
        hint = (
            f"; a name with a dot must be quoted with backticks, e.g. `{dotted[0]}`"
            if dotted
            else ""
        )
        raise FormulaError(
            f"column {name!r} named in the formula is not in the data; the data "
            f"have columns {', '.join(map(str, data.columns))}{hint}"
        )
    return sorted(v for v in required if v in data)


class Design:
    """A right-hand side turned into a design matrix, reusable on new data.

    Parameters
    ----------
    rhs
        The right-hand side, e.g. ``"karno + celltype"`` or ``"1"``.
    data
        The (complete-case) data.
    """

    def __init__(self, rhs: str, data: pd.DataFrame):
        self.rhs = rhs
        if rhs.strip() == "1":
            # An intercept alone needs no formula machinery.
            self.spec, self.columns = None, ["(Intercept)"]
            self.matrix = np.ones((len(data), 1))
            self.variables, self.levels = [], {}
            return
        formula = _formula(rhs)
        check_columns(rhs, data)
        with warnings.catch_warnings():
            warnings.simplefilter("error", formulaic.errors.DataMismatchWarning)
            matrix = formula.get_model_matrix(data, na_action="raise")
        self.spec = matrix.model_spec
        self.columns = [
            "(Intercept)" if c == "Intercept" else c for c in matrix.columns
        ]
        self.matrix = np.asarray(matrix, dtype=float)
        self.variables = sorted(v for v in required_variables(rhs) if v in data)
        self.levels = {
            v: set(pd.Series(data[v]).dropna().unique())
            for v in self.variables
            if not pd.api.types.is_numeric_dtype(data[v])
            or pd.api.types.is_bool_dtype(data[v])
        }

    @property
    def intercept_only(self) -> bool:
        """Whether the design is a column of ones alone."""
        return self.columns == ["(Intercept)"]

    def transform(self, newdata: pd.DataFrame) -> np.ndarray:
        """The design matrix of ``newdata`` under the fitted spec."""
        absent = [v for v in self.variables if v not in newdata]
        if absent:
            raise FormulaError(
                f"newdata lacks column {absent[0]!r}, which the model uses"
            )
        for var, levels in self.levels.items():
            unseen = set(pd.Series(newdata[var]).dropna().unique()) - levels
            if unseen:
                raise FormulaError(
                    f"newdata column {var!r} has level(s) "
                    f"{', '.join(map(repr, sorted(map(str, unseen))))} not seen when "
                    f"fitting (levels: {', '.join(sorted(map(str, levels)))}); "
                    "predictions for an unseen level are undefined"
                )
        if self.spec is None:
            return np.ones((len(newdata), 1))
        with warnings.catch_warnings():
            warnings.simplefilter("error", formulaic.errors.DataMismatchWarning)
            try:
                matrix = self.spec.get_model_matrix(newdata, na_action="raise")
            except formulaic.errors.DataMismatchWarning as exc:
                raise FormulaError(f"newdata does not match the model: {exc}") from exc
        return np.asarray(matrix, dtype=float)


def _builtin(name: str) -> bool:
    import builtins

    return hasattr(builtins, name)


def missing_rows(data: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
    """For each column with missing values, the positions of those rows."""
    out = {}
    for col in columns:
        mask = pd.isna(data[col]).to_numpy()
        if mask.any():
            out[col] = np.flatnonzero(mask)
    return out
