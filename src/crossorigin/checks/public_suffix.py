"""The Public Suffix List, through the ``publicsuffixlist`` package (a dependency).

The start-up checks (is ``*.github.io`` a wildcard over a public suffix?) and the
database app's validators ask it. The list ships inside that package and is refreshed
by its releases; nothing here is hand-made.
"""

from __future__ import annotations

import functools

from publicsuffixlist import PublicSuffixList


@functools.cache
def _list() -> PublicSuffixList:
    # Unknown top-level names (an intranet's '.corp') are not treated as public: the
    # list's implicit '*' rule would otherwise make every made-up TLD public. A wildcard
    # over any single label is reported on its own (crossorigin.W025).
    return PublicSuffixList(accept_unknown=False)


def is_public_suffix(domain: str) -> bool:
    """True if ``domain`` is a public suffix (``co.uk``, ``github.io``)."""
    return bool(_list().is_public(domain))


def registrable_domain(host: str) -> str | None:
    """The site a host belongs to (``a.b.example.co.uk`` -> ``example.co.uk``), or None."""
    found = _list().privatesuffix(host)
    return str(found) if found else None
