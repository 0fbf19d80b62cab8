"""Tests for the shipped survival data sets (``statmodels.datasets``)."""

import numpy as np
import pandas as pd
import pytest

from statmodels import datasets

VETERAN_COLUMNS = [
    "trt",
    "celltype",
    "time",
    "status",
    "karno",
    "diagtime",
    "age",
    "prior",
]
LUNG_COLUMNS = [
    "inst",
    "time",
    "status",
    "age",
    "sex",
    "ph.ecog",
    "ph.karno",
    "pat.karno",
    "meal.cal",
    "wt.loss",
]
E1684_COLUMNS = ["trt", "time", "status", "age", "sex"]


def test_veteran_shape_columns_dtypes():
    df = datasets.load("veteran")
    assert df.shape == (137, 8)
    assert list(df.columns) == VETERAN_COLUMNS
    for col in VETERAN_COLUMNS:
        if col != "celltype":
            assert df[col].dtype == np.int64, col
    assert isinstance(df["celltype"].dtype, pd.CategoricalDtype)
    assert list(df["celltype"].cat.categories) == [
        "squamous",
        "smallcell",
        "adeno",
        "large",
    ]
    assert not df["celltype"].cat.ordered
    assert not df.isna().any().any()


def test_veteran_values():
    df = datasets.load("veteran")
    assert int(df["status"].sum()) == 128
    assert set(df["status"]) == {0, 1}
    assert set(df["trt"]) == {1, 2}
    assert set(df["prior"]) == {0, 10}
    assert df["celltype"].value_counts().to_dict() == {
        "squamous": 35,
        "smallcell": 48,
        "adeno": 27,
        "large": 27,
    }
    # First row of survival::veteran.
    first = df.iloc[0]
    assert (first["trt"], first["celltype"], first["time"]) == (1, "squamous", 72)
    assert int(df["time"].sum()) == 16663


def test_e1684_shape_columns_dtypes():
    df = datasets.load("e1684")
    assert df.shape == (284, 5)
    assert list(df.columns) == E1684_COLUMNS
    for col in ("trt", "status", "sex"):
        assert df[col].dtype == np.int64, col
    for col in ("time", "age"):
        assert df[col].dtype == np.float64, col
    assert not df.isna().any().any()


def test_e1684_values():
    df = datasets.load("e1684")
    assert int(df["status"].sum()) == 196
    assert df["trt"].value_counts().to_dict() == {0: 140, 1: 144}
    assert df.groupby("trt")["status"].sum().to_dict() == {0: 105, 1: 91}
    assert df["sex"].value_counts().to_dict() == {0: 171, 1: 113}
    assert (df["time"] > 0).all()
    # Age is centred at the mean of these 284 patients.
    assert abs(df["age"].mean()) < 1e-10


def test_lung_keeps_missing_values():
    df = datasets.load("lung")
    assert df.shape == (228, 10)
    assert list(df.columns) == LUNG_COLUMNS
    for col in ("time", "status", "age", "sex"):
        assert df[col].dtype == np.int64, col
    assert df.isna().sum().to_dict() == {
        "inst": 1,
        "time": 0,
        "status": 0,
        "age": 0,
        "sex": 0,
        "ph.ecog": 1,
        "ph.karno": 1,
        "pat.karno": 3,
        "meal.cal": 47,
        "wt.loss": 14,
    }
    # R's coding: status 1 = censored, 2 = dead.
    assert df["status"].value_counts().to_dict() == {2: 165, 1: 63}


def test_list_contents():
    table = datasets.list()
    assert list(table.columns) == ["name", "description", "rows", "source", "licence"]
    assert table["name"].tolist() == ["e1684", "lung", "veteran"]
    for _, row in table.iterrows():
        assert "\n" not in row["description"]
        assert row["source"] and row["licence"]
        assert row["rows"] == len(datasets.load(row["name"]))


def test_unknown_name_lists_available():
    with pytest.raises(ValueError, match="veteran") as info:
        datasets.load("no-such-data")
    for name in ("e1684", "lung", "veteran"):
        assert name in str(info.value)


def test_load_returns_fresh_copies():
    a = datasets.load("veteran")
    a.loc[0, "time"] = -1
    assert datasets.load("veteran").loc[0, "time"] == 72


def test_veteran_matches_sksurv():
    sksurv_datasets = pytest.importorskip("sksurv.datasets")
    x, y = sksurv_datasets.load_veterans_lung_cancer()
    ours = datasets.load("veteran")
    assert len(x) == len(ours)
    np.testing.assert_array_equal(y["Survival_in_days"], ours["time"])
    np.testing.assert_array_equal(y["Status"].astype(int), ours["status"])
    np.testing.assert_array_equal(x["Age_in_years"], ours["age"])
    np.testing.assert_array_equal(x["Karnofsky_score"], ours["karno"])
    np.testing.assert_array_equal(x["Months_from_Diagnosis"], ours["diagtime"])
    np.testing.assert_array_equal(
        x["Celltype"].astype(str).to_numpy(), ours["celltype"].astype(str).to_numpy()
    )
    trt = x["Treatment"].astype(str).map({"standard": 1, "test": 2})
    np.testing.assert_array_equal(trt, ours["trt"])
    prior = x["Prior_therapy"].astype(str).map({"no": 0, "yes": 10})
    np.testing.assert_array_equal(prior, ours["prior"])
