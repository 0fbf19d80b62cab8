"""Warning classes of the package.

Every warning the package emits is a :class:`StatmodelsWarning`, so that
callers can filter them together; the subclasses say what kind of trouble it
is. The same sentences appear under "Caveats" in the fit's summary.
"""

import os
import sys
import warnings


class StatmodelsWarning(UserWarning):
    """Base class of the package's warnings."""


class ConvergenceWarning(StatmodelsWarning):
    """An optimiser or sampler did not converge, or its diagnostics are poor."""


class BoundaryWarning(StatmodelsWarning):
    """An estimate lies at, or runs towards, the boundary of the parameter space."""


class IdentifiabilityWarning(StatmodelsWarning):
    """The data do not pin a parameter down (a flat or singular likelihood)."""


class DataWarning(StatmodelsWarning):
    """The data were adjusted (rows dropped, values recoded)."""


def _package_dirs() -> tuple[str, ...]:
    names = ("statmodels", "statmodels.inference", "statmodels.datasets")
    dirs = []
    for name in names:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            dirs.append(os.path.dirname(os.path.abspath(module.__file__)) + os.sep)
    return tuple(dirs)


def warn(message: str, category: type[Warning] = StatmodelsWarning) -> None:
    """Issue ``message`` as ``category``, pointing at the user's line."""
    warnings.warn(message, category, skip_file_prefixes=_package_dirs())
