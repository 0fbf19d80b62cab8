"""JAX settings the package relies on.

Importing :mod:`statmodels` switches JAX to float64, which every likelihood in
the package needs, and asks for one CPU device per core (up to eight) so that
MCMC chains run in parallel. The device count can only be set before JAX
creates its backend; when the caller has already used JAX, the existing
devices are kept and chains that do not fit run one after another.
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


_request_cpu_devices()
