"""Refuse to start, in one line, where ``google-re2`` (the regex engine) cannot be imported.

google-re2 publishes wheels for manylinux, macOS and Windows only. Elsewhere (Alpine's
musl, free-threaded CPython) pip builds it from source, and a failed or missing build
would otherwise surface as a compiler log at install time or a traceback deep in the
first request that compiles a regex. ``import crossorigin`` calls :func:`require_re2`,
so the site stops at start-up with the package, the platform and the page that says
what to install. There is deliberately no fallback engine: a second engine would need
its own proof of Python's meaning and of bounded matching time.
"""

from __future__ import annotations

import importlib
import platform
import sys
import sysconfig
from typing import Final

INSTALLATION_PAGE: Final = "https://django-crossorigin.readthedocs.io/en/latest/installation/"


def describe_platform() -> str:
    """This interpreter and platform as the installation page names them: 'CPython 3.13t on linux-x86_64 (musl)'."""
    threading = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    where = sysconfig.get_platform()
    if sys.platform == "linux":
        libc, version = platform.libc_ver()
        # platform.libc_ver() recognises glibc only; musl (Alpine) answers ('', '').
        where += f" (glibc {version})" if libc == "glibc" else " (not glibc: musl?)"
    python = f"{platform.python_implementation()} {sys.version_info.major}.{sys.version_info.minor}{threading}"
    return f"{python} on {where}"


def require_re2() -> None:
    """Import ``re2`` or raise an ImportError whose message is one line saying what to do."""
    try:
        importlib.import_module("re2")
    except ImportError as exc:
        cause = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ImportError(
            f"django-crossorigin needs the google-re2 package, which cannot be imported on "
            f"{describe_platform()} ({cause}); {INSTALLATION_PAGE} says what to install."
        ) from None
