"""``conf``: django-cors-headers' settings object, with its attribute names, for code that imported it.

``from corsheaders.conf import conf`` becomes ``from crossorigin.conf import conf``. Each
attribute is read from the compiled settings (``registry.current()``), so it costs no
settings access, shows the values the middleware really uses (validated, origins in
normal form) and follows ``override_settings``.
"""

from __future__ import annotations

import re
from typing import Final

from crossorigin import registry
from crossorigin.settings import DEFAULT_URLS_REGEX


def _global() -> registry.PolicySet:
    return registry.current()


class Settings:
    """The global CORS settings under django-cors-headers' names (read-only)."""

    @property
    def CORS_ALLOW_HEADERS(self) -> tuple[str, ...]:
        """Request headers a preflight may ask for."""
        return _global().settings.options.allow_headers

    @property
    def CORS_ALLOW_METHODS(self) -> tuple[str, ...]:
        """Methods a preflight may ask for."""
        return _global().settings.options.allow_methods

    @property
    def CORS_ALLOW_CREDENTIALS(self) -> bool:
        """Whether credentials are allowed."""
        return _global().settings.options.allow_credentials

    @property
    def CORS_ALLOW_PRIVATE_NETWORK(self) -> bool:
        """Whether Private Network Access preflights are answered."""
        return _global().settings.options.allow_private_network

    @property
    def CORS_PREFLIGHT_MAX_AGE(self) -> int:
        """Seconds a browser may cache a preflight."""
        return _global().settings.options.preflight_max_age

    @property
    def CORS_ALLOW_ALL_ORIGINS(self) -> bool:
        """Whether every origin is allowed."""
        return _global().settings.options.allow_all_origins

    @property
    def CORS_ALLOWED_ORIGINS(self) -> tuple[str, ...]:
        """The allowed origins, in the normal form they are compared in."""
        return tuple(origin.serialize() for origin in _global().settings.options.allowed_origins)

    @property
    def CORS_ALLOWED_ORIGIN_REGEXES(self) -> tuple[re.Pattern[str], ...]:
        """The origin regexes, compiled."""
        return _global().settings.options.allowed_origin_regexes

    @property
    def CORS_EXPOSE_HEADERS(self) -> tuple[str, ...]:
        """Response headers scripts may read."""
        return _global().settings.options.expose_headers

    @property
    def CORS_URLS_REGEX(self) -> str | re.Pattern[str]:
        """The paths CORS applies to: the default string, or the compiled pattern."""
        pattern = _global().settings.urls_regex
        return DEFAULT_URLS_REGEX if pattern is None else pattern

    @property
    def CORS_REPLACE_HTTPS_REFERER(self) -> bool:
        """Whether the Referer is replaced for Django's CSRF check (django-cors-headers < 4)."""
        return _global().settings.replace_https_referer

    # The names from before django-cors-headers 3.5, as its conf also answered them.
    CORS_ORIGIN_WHITELIST = CORS_ALLOWED_ORIGINS
    CORS_ORIGIN_REGEX_WHITELIST = CORS_ALLOWED_ORIGIN_REGEXES
    CORS_ORIGIN_ALLOW_ALL = CORS_ALLOW_ALL_ORIGINS


conf: Final = Settings()
