"""JAX settings the package relies on.

Importing :mod:`statmodels` switches JAX to float64, which every likelihood in
the package needs, and asks for one CPU device per core (up to eight) so that
MCMC chains run in parallel. The device count can only be set before JAX
creates its backend; when the caller has already used JAX, the existing
devices are kept and chains that do not fit run one after another.

Compiled log-densities and samplers are kept in JAX's persistent compilation
cache (``$XDG_CACHE_HOME/statmodels``, else ``~/.cache/statmodels``), so that
a second fit of a model of the same shape, in this process or a later one,
does not compile again. ``STATMODELS_COMPILE_CACHE=0`` switches this off; a
cache directory the caller configured is left alone.
"""

import os

import jax

jax.config.update("jax_enable_x64", True)


def _request_cpu_devices() -> None:
    wanted = int(os.environ.get("STATMODELS_CPU_DEVICES", min(os.cpu_count() or 1, 8)))
    try:
        jax.config.update("jax_num_cpu_devices", wanted)
    except RuntimeError:
        # The backend already exists (the caller ran JAX code first): keep it.
        pass


def _compile_cache() -> None:
    if os.environ.get("STATMODELS_COMPILE_CACHE", "1") == "0":
        return
    if jax.config.jax_compilation_cache_dir:
        return
    root = os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache"))
    jax.config.update("jax_compilation_cache_dir", os.path.join(root, "statmodels"))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.1)


_request_cpu_devices()
_compile_cache()
