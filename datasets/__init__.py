"""Small survival data sets shipped with statmodels.

The data live as CSV files in the ``data/`` folder of this package. Their origin,
licence, column coding and the commands that extracted them are described in
``data/README.md``.

Examples
--------
>>> from statmodels import datasets
>>> datasets.list()["name"].tolist()
['e1684', 'lung', 'veteran']
>>> veteran = datasets.load("veteran")
>>> veteran.shape
(137, 8)
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from importlib.resources import files

import pandas as pd

__all__ = ["list", "load"]


@dataclass(frozen=True)
class _Spec:
    """What is needed to read one data set and to describe it."""

    description: str
    source: str
    licence: str
    rows: int
    dtypes: dict[str, str]
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)


_SPECS: dict[str, _Spec] = {
    "e1684": _Spec(
        description=(
            "ECOG E1684 melanoma trial of adjuvant interferon alfa-2b: "
            "relapse-free survival in years (complete cases)"
        ),
        source="SurvSet 0.2.11 (PyPI), from the R package smcure",
        licence="GPL-2 (smcure), redistributed by SurvSet under GPL-3",
        rows=284,
        dtypes={
            "trt": "int64",
            "time": "float64",
            "status": "int64",
            "age": "float64",
            "sex": "int64",
        },
    ),
    "lung": _Spec(
        description=(
            "NCCTG advanced lung cancer: survival in days, with missing values"
        ),
        source="R package survival 3.5-3 (survival::lung)",
        licence="LGPL (>= 2) (R package survival)",
        rows=228,
        dtypes={
            "inst": "float64",
            "time": "int64",
            "status": "int64",
            "age": "int64",
            "sex": "int64",
            "ph.ecog": "float64",
            "ph.karno": "float64",
            "pat.karno": "float64",
            "meal.cal": "float64",
            "wt.loss": "float64",
        },
    ),
    "veteran": _Spec(
        description="Veterans' Administration lung cancer trial: survival in days",
        source="R package survival 3.5-3 (survival::veteran)",
        licence="LGPL (>= 2) (R package survival)",
        rows=137,
        dtypes={
            "trt": "int64",
            "celltype": "category",
            "time": "int64",
            "status": "int64",
            "karno": "int64",
            "diagtime": "int64",
            "age": "int64",
            "prior": "int64",
        },
        categories={"celltype": ("squamous", "smallcell", "adeno", "large")},
    ),
}


def _names() -> builtins.list[str]:
    return sorted(_SPECS)


def load(name: str) -> pd.DataFrame:
    """Load one of the shipped data sets.

    Parameters
    ----------
    name : str
        Name of the data set, one of the names returned by :func:`list`.

    Returns
    -------
    pandas.DataFrame
        The data, one row per subject. Integer-coded columns are ``int64``,
        measurements that may be missing are ``float64`` with missing values as
        ``NaN``, and factors are :class:`pandas.Categorical` with the level order
        of the source.

    Raises
    ------
    ValueError
        If `name` is not a known data set; the message lists the known names.

    Examples
    --------
    >>> from statmodels import datasets
    >>> df = datasets.load("veteran")
    >>> df["celltype"].cat.categories.tolist()
    ['squamous', 'smallcell', 'adeno', 'large']
    """
    spec = _SPECS.get(name)
    if spec is None:
        raise ValueError(f"unknown data set {name!r}; available: {', '.join(_names())}")
    numeric = {col: dt for col, dt in spec.dtypes.items() if dt != "category"}
    path = files(__package__).joinpath("data", f"{name}.csv")
    with path.open("r", encoding="utf-8") as handle:
        df = pd.read_csv(
            handle,
            dtype={**numeric, **dict.fromkeys(spec.categories, "str")},
            float_precision="round_trip",
        )
    for col, levels in spec.categories.items():
        df[col] = pd.Categorical(df[col], categories=builtins.list(levels))
    return df[builtins.list(spec.dtypes)]


def list() -> pd.DataFrame:  # noqa: A001 - the public name mirrors R's data()
    """Describe the shipped data sets.

    Returns
    -------
    pandas.DataFrame
        One row per data set, sorted by name, with columns ``name``,
        ``description`` (one line), ``rows`` (number of rows), ``source`` (the
        registry package the data were taken from) and ``licence``.

    Examples
    --------
    >>> from statmodels import datasets
    >>> int(datasets.list().set_index("name").loc["veteran", "rows"])
    137
    """
    records = [
        {
            "name": name,
            "description": _SPECS[name].description,
            "rows": _SPECS[name].rows,
            "source": _SPECS[name].source,
            "licence": _SPECS[name].licence,
        }
        for name in _names()
    ]
    return pd.DataFrame.from_records(
        records, columns=["name", "description", "rows", "source", "licence"]
    )
