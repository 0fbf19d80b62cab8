"""Test settings: float64 JAX, no progress meters, a persistent compile cache."""

import os
import pathlib

import matplotlib

matplotlib.use("Agg")

import jax  # noqa: E402
from statmodels.inference import set_progress  # noqa: E402

import statmodels  # noqa: E402, F401  (float64, CPU devices)

_CACHE = (
    pathlib.Path(
        os.environ.get("STATMODELS_TEST_CACHE", pathlib.Path.home() / ".cache")
    )
    / "statmodels-tests"
)
jax.config.update("jax_compilation_cache_dir", str(_CACHE))
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)
set_progress(False)
