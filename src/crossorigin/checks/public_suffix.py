"""The Public Suffix List, through the optional ``publicsuffixlist`` package.

Only the start-up checks use it (is ``*.github.io`` a wildcard over a public suffix?),
so it is not a runtime dependency: ``pip install django-crossorigin[security]`` (or
``publicsuffixlist``) turns the check on, and without it the check reports that it was
skipped. The list ships inside that package and is refreshed by its releases; nothing
here is hand-made.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any, Final

PACKAGE: Final = "publicsuffixlist"
INSTALL_HINT: Final = "pip install 'django-crossorigin[security]' (or: pip install publicsuffixlist)"


@functools.cache
def _list() -> Any:
    try:
        module = importlib.import_module(PACKAGE)
    except ImportError:
        return None
    # Unknown top-level names (an intranet's '.corp') are not treated as public: the
    # list's implicit '*' rule would otherwise make every made-up TLD public.
    return module.PublicSuffixList(accept_unknown=False)


def available() -> bool:
    """True when the Public Suffix List package is installed."""
    return _list() is not None


def is_public_suffix(domain: str) -> bool | None:
    """True if ``domain`` is a public suffix (``co.uk``, ``github.io``); None if unknown."""
    psl = _list()
    if psl is None:
        return None
    return bool(psl.is_public(domain))


def registrable_domain(host: str) -> str | None:
    """The site a host belongs to (``a.b.example.co.uk`` -> ``example.co.uk``), or None."""
    psl = _list()
    if psl is None:
        return None
    found = psl.privatesuffix(host)
    return str(found) if found else None
