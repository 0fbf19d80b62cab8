"""A progress meter that callers can switch off.

Every long computation in the package reports progress through
:func:`meter`. The meter is on when standard error is a terminal and the
environment variable ``CI`` is unset; :func:`set_progress` or the
``STATMODELS_PROGRESS`` environment variable (``0`` or ``1``) override that,
and each fitting function takes ``progress=`` for a single call.
"""

import contextlib
import os
import sys

from tqdm.auto import tqdm

_STATE: dict[str, bool | None] = {"enabled": None}


def set_progress(enabled: bool | None) -> None:
    """Switch progress meters on or off for the whole session.

    Parameters
    ----------
    enabled
        ``True`` or ``False`` to force the meters on or off; ``None`` to return
        to the default (on at an interactive terminal, off under CI).
    """
    _STATE["enabled"] = enabled


def progress_enabled(progress: bool | None = None) -> bool:
    """Resolve whether a meter should be shown for one call."""
    if progress is not None:
        return bool(progress)
    if _STATE["enabled"] is not None:
        return bool(_STATE["enabled"])
    env = os.environ.get("STATMODELS_PROGRESS")
    if env is not None:
        return env.strip() not in ("0", "false", "no", "")
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def meter(total: int, desc: str, progress: bool | None = None):
    """A tqdm meter of ``total`` steps, or a silent stand-in when switched off.

    Yields an object with ``update(n=1)`` and ``set_postfix_str(text)``.
    """
    bar = tqdm(total=total, desc=desc, disable=not progress_enabled(progress))
    try:
        yield bar
    finally:
        bar.close()
