"""The Public Suffix List, through the ``publicsuffixlist`` package, and hosts it lacks.

The start-up checks (is ``*.github.io`` a wildcard over a public suffix?) and the
database app's validators ask it. The list ships inside that package and is refreshed
by its releases. It is loaded on first use only (about 80 ms): most projects' checks
never need it, and every ``manage.py`` command runs the checks.

``USER_CONTENT_HOSTS`` is the one hand-made part: services where anyone can publish a
site under a subdomain, but which are not on the Public Suffix List (checked against
publicsuffixlist 1.1.2.20261023). docs/checks.md says where each comes from and how
to propose one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

# Each hands out subdomains of the name to anyone (its own documentation says so).
USER_CONTENT_HOSTS: Final = frozenset(
    {
        "loca.lt",  # localtunnel
        "localtunnel.me",  # localtunnel's former domain
        "stackblitz.io",  # StackBlitz projects
        "webcontainer.io",  # StackBlitz WebContainers previews
        "codesandbox.io",  # CodeSandbox sandboxes
        "glitch.me",  # Glitch projects
        "gitpod.io",  # Gitpod workspaces' ports
        "app.github.dev",  # GitHub Codespaces forwarded ports
        "serveo.net",  # Serveo tunnels
        "lhr.life",  # localhost.run tunnels
        "loophole.site",  # Loophole tunnels
        "pinggy.link",  # Pinggy tunnels
        "neocities.org",  # Neocities sites
        "cdpn.io",  # CodePen's pen previews
    }
)


@functools.cache
def _list() -> PublicSuffixList:
    from publicsuffixlist import PublicSuffixList

    # Unknown top-level names (an intranet's '.corp') are not treated as public: the
    # list's implicit '*' rule would otherwise make every made-up TLD public. A wildcard
    # over any single label is reported on its own (crossorigin.W025).
    return PublicSuffixList(accept_unknown=False)


def is_public_suffix(domain: str) -> bool:
    """True if ``domain`` is a public suffix (``co.uk``, ``github.io``)."""
    return bool(_list().is_public(domain))


def is_user_content_host(domain: str) -> bool:
    """True if anyone can publish a site under ``domain`` though it is not a public suffix (``loca.lt``)."""
    return domain.lower().strip(".") in USER_CONTENT_HOSTS


def registrable_domain(host: str) -> str | None:
    """The site a host belongs to (``a.b.example.co.uk`` -> ``example.co.uk``), or None."""
    found = _list().privatesuffix(host)
    return str(found) if found else None
