"""The ArviZ DataTree of a fit, and saving and loading it through netCDF.

A saved fit is one netCDF file (h5netcdf) holding the DataTree groups that
ArviZ reads (``posterior``, ``log_likelihood``, ``observed_data``,
``constant_data``, ``sample_stats``), the MLE's covariance or the ELBO trace,
and, in the root's ``statmodels`` attribute, a JSON record of the model's
class and configuration, the fitting information and the caveats. The data
the model was built from travel in ``constant_data``, so that :func:`load`
rebuilds the model exactly and predictions from a loaded fit equal those from
the original.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pandas as pd
import xarray as xr
from statmodels.inference.fit import MAX_POINTWISE, Fit

FORMAT_VERSION = 1


def _jsonable(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"cannot store {type(obj).__name__} in a saved fit")


def _frame_to_dataset(frame: pd.DataFrame) -> tuple[xr.Dataset, dict]:
    """Encode a data frame losslessly as netCDF-friendly variables."""
    variables, meta = {}, {"columns": [], "index_name": frame.index.name}
    for col in frame.columns:
        values = frame[col]
        entry = {"name": str(col), "dtype": str(values.dtype)}
        if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object:
            cat = values.astype("category")
            entry["categories"] = [
                c.item() if isinstance(c, np.generic) else c for c in cat.cat.categories
            ]
            entry["ordered"] = bool(cat.cat.ordered)
            entry["kind"] = "categorical" if values.dtype != object else "object"
            variables[f"col{len(meta['columns'])}"] = ("row", cat.cat.codes.to_numpy())
        elif values.dtype == bool:
            entry["kind"] = "bool"
            variables[f"col{len(meta['columns'])}"] = ("row", values.to_numpy(np.int8))
        else:
            entry["kind"] = "numeric"
            variables[f"col{len(meta['columns'])}"] = ("row", values.to_numpy())
        meta["columns"].append(entry)
    index = frame.index.to_numpy()
    if index.dtype == object:
        index = index.astype(str)
    ds = xr.Dataset(variables, coords={"row": index})
    return ds, meta


def _dataset_to_frame(ds: xr.Dataset, meta: dict) -> pd.DataFrame:
    """Inverse of :func:`_frame_to_dataset`."""
    columns = {}
    for i, entry in enumerate(meta["columns"]):
        raw = ds[f"col{i}"].values
        if entry["kind"] in ("categorical", "object"):
            cat = pd.Categorical.from_codes(
                raw.astype(int),
                categories=entry["categories"],
                ordered=entry["ordered"],
            )
            series = pd.Series(cat)
            if entry["kind"] == "object":
                series = series.astype(object).where(raw >= 0, np.nan)
            columns[entry["name"]] = series
        elif entry["kind"] == "bool":
            columns[entry["name"]] = pd.Series(raw.astype(bool))
        else:
            columns[entry["name"]] = pd.Series(raw.astype(entry["dtype"]))
    frame = pd.DataFrame(columns)
    frame.index = pd.Index(ds["row"].values, name=meta["index_name"])
    return frame


def _site_dims(fit: Fit) -> tuple[dict, dict]:
    dims, coords = {}, {}
    labels = fit.model.labels()
    for name in fit.draws:
        shape = fit.draws[name].shape[2:]
        entries = labels.get(name)
        if entries is not None and len(shape) == 1 and len(entries) == shape[0]:
            dims[name] = [f"{name}_term"]
            coords[f"{name}_term"] = list(entries)
    return dims, coords


def build_datatree(fit: Fit):
    """The ArviZ DataTree of ``fit`` (see :attr:`Fit.idata`)."""
    import arviz as az

    dims, coords = _site_dims(fit)
    groups = {"posterior": dict(fit.draws)}
    n_draws = int(np.prod(next(iter(fit.draws.values())).shape[:2]))
    if fit.is_bayesian and n_draws * fit.nobs <= MAX_POINTWISE:
        groups["log_likelihood"] = fit.pointwise_log_likelihood()
    elif not fit.is_bayesian:
        groups["log_likelihood"] = fit.pointwise_log_likelihood()
    observed = fit.model.observed_data()
    if observed:
        groups["observed_data"] = observed
    for name in groups.get("log_likelihood", {}):
        dims.setdefault(name, ["obs"])
    for name in observed:
        dims.setdefault(name, ["obs"])
    if fit.sample_stats:
        groups["sample_stats"] = dict(fit.sample_stats)
    tree = az.from_dict(groups, dims=dims, coords=coords)
    if not fit.is_bayesian:
        tree["posterior"].attrs["note"] = (
            "maximum likelihood estimate stored as one chain of one draw"
        )
        k = fit.cov_unconstrained.shape[0]
        tree["mle"] = xr.DataTree(
            xr.Dataset(
                {
                    "u_hat": ("u", np.asarray(fit.u_hat)),
                    "cov_unconstrained": (("u", "u_"), fit.cov_unconstrained),
                },
                coords={"u": np.arange(k), "u_": np.arange(k)},
            )
        )
    if fit.elbo is not None:
        tree["elbo"] = xr.DataTree(xr.Dataset({"elbo": ("step", fit.elbo)}))
    frame_ds, _ = _frame_to_dataset(fit.model.frame())
    tree["constant_data"] = xr.DataTree(frame_ds)
    return tree


def _record(fit: Fit) -> str:
    """The JSON record of model, configuration, fitting info and caveats."""
    model_cls = type(fit.model)
    _, frame_meta = _frame_to_dataset(fit.model.frame())
    record = {
        "format_version": FORMAT_VERSION,
        "method": fit.method,
        "model_class": f"{model_cls.__module__}:{model_cls.__qualname__}",
        "model_config": fit.model.config(),
        "frame": frame_meta,
        "sites": list(fit.draws),
        "info": fit.info,
        "backend_caveats": fit.backend_caveats,
    }
    return json.dumps(record, default=_jsonable)


def save(fit: Fit, path) -> None:
    """Write ``fit`` to ``path`` (netCDF); :func:`load` reads it back."""
    tree = fit.idata
    tree.attrs["statmodels"] = _record(fit)
    tree.to_netcdf(path, engine="h5netcdf")


def load(path) -> Fit:
    """Read a fit written by :meth:`Fit.save`.

    Parameters
    ----------
    path
        A netCDF file written by ``fit.save(path)``.

    Returns
    -------
    Fit
        Equal to the saved fit: same model, estimates, draws, covariance,
        caveats, summary and predictions.
    """
    tree = xr.open_datatree(path, engine="h5netcdf")
    tree.load()
    if "statmodels" not in tree.attrs:
        raise ValueError(f"{path} was not written by statmodels (Fit.save)")
    record = json.loads(tree.attrs["statmodels"])
    module, _, qualname = record["model_class"].partition(":")
    model_cls = importlib.import_module(module)
    for part in qualname.split("."):
        model_cls = getattr(model_cls, part)
    frame = _dataset_to_frame(tree["constant_data"].to_dataset(), record["frame"])
    model = model_cls.from_config(record["model_config"], frame)
    post = tree["posterior"]
    draws = {name: post[name].values for name in record["sites"]}
    cov = None
    if record["method"] in ("mle", "map"):
        cov = tree["mle"]["cov_unconstrained"].values
    stats = None
    if "sample_stats" in tree.children:
        ss = tree["sample_stats"]
        stats = {k: ss[k].values for k in ss.data_vars}
    elbo = tree["elbo"]["elbo"].values if "elbo" in tree.children else None
    fit = (model.fit_class or Fit)(
        model,
        record["method"],
        draws,
        record["info"],
        record["backend_caveats"],
        cov_unconstrained=cov,
        sample_stats=stats,
        elbo=elbo,
    )
    fit.__dict__["idata"] = tree
    return fit
