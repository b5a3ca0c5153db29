"""``conf``: django-cors-headers' settings object, with its attribute names, for code that imported it.

``from corsheaders.conf import conf`` becomes ``from crossorigin.conf import conf``. As
in django-cors-headers, each attribute is the setting as the project wrote it (a list
stays a list, so ``conf.CORS_ALLOWED_ORIGINS + [...]`` keeps working), read from the
settings on each access, so it follows ``override_settings``; a setting written only
under its pre-3.5 name is read there. Only where the project wrote nothing does an
attribute answer the value in effect, from the compiled settings: the default, or what
a django-dcors setting (``CORS_ALLOW_ORIGIN``, ``CORS_MAX_AGE``, ...) set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from django.conf import settings as django_settings

from crossorigin._config import registry
from crossorigin._config.settings import DEFAULT_URLS_REGEX, CorsSettings, old_name

# The public names (docs/api.md); everything else here is internal.
__all__ = ["conf"]

_MISSING: Final = object()


def _as_written(name: str, in_effect: Callable[[CorsSettings], object]) -> Any:
    """``name`` as the project wrote it (or its old name, if only that is set), else the value in effect."""
    for candidate in (name, old_name(name)):
        if candidate is not None:
            value = getattr(django_settings, candidate, _MISSING)
            if value is not _MISSING:
                return value
    return in_effect(registry.current().settings)


class Settings:
    """The global CORS settings under django-cors-headers' names (read-only)."""

    @property
    def CORS_ALLOW_HEADERS(self) -> Any:
        """Request headers a preflight may ask for."""
        return _as_written("CORS_ALLOW_HEADERS", lambda s: s.options.allow_headers)

    @property
    def CORS_ALLOW_METHODS(self) -> Any:
        """Methods a preflight may ask for."""
        return _as_written("CORS_ALLOW_METHODS", lambda s: s.options.allow_methods)

    @property
    def CORS_ALLOW_CREDENTIALS(self) -> Any:
        """Whether credentials are allowed."""
        return _as_written("CORS_ALLOW_CREDENTIALS", lambda s: s.options.allow_credentials)

    @property
    def CORS_ALLOW_PRIVATE_NETWORK(self) -> Any:
        """Whether Private Network Access preflights are answered."""
        return _as_written("CORS_ALLOW_PRIVATE_NETWORK", lambda s: s.options.allow_private_network)

    @property
    def CORS_PREFLIGHT_MAX_AGE(self) -> Any:
        """Seconds a browser may cache a preflight."""
        return _as_written("CORS_PREFLIGHT_MAX_AGE", lambda s: s.options.preflight_max_age)

    @property
    def CORS_ALLOW_ALL_ORIGINS(self) -> Any:
        """Whether every origin is allowed."""
        return _as_written("CORS_ALLOW_ALL_ORIGINS", lambda s: s.options.allow_all_origins)

    @property
    def CORS_ALLOWED_ORIGINS(self) -> Any:
        """The allowed origins; where none are written, those in effect, in normal form."""
        return _as_written(
            "CORS_ALLOWED_ORIGINS", lambda s: tuple(origin.serialize() for origin in s.options.allowed_origins)
        )

    @property
    def CORS_ALLOWED_ORIGIN_REGEXES(self) -> Any:
        """The origin regexes (strings or compiled patterns, as written)."""
        return _as_written("CORS_ALLOWED_ORIGIN_REGEXES", lambda s: s.options.allowed_origin_regexes)

    @property
    def CORS_EXPOSE_HEADERS(self) -> Any:
        """Response headers scripts may read."""
        return _as_written("CORS_EXPOSE_HEADERS", lambda s: s.options.expose_headers)

    @property
    def CORS_URLS_REGEX(self) -> Any:
        """The paths CORS applies to (default ``r"^.*$"``)."""
        return _as_written("CORS_URLS_REGEX", lambda s: DEFAULT_URLS_REGEX if s.urls_regex is None else s.urls_regex)

    @property
    def CORS_REPLACE_HTTPS_REFERER(self) -> Any:
        """Whether the Referer is replaced for Django's CSRF check (django-cors-headers < 4)."""
        return _as_written("CORS_REPLACE_HTTPS_REFERER", lambda s: s.replace_https_referer)

    # The names from before django-cors-headers 3.5, as its conf also answered them.
    CORS_ORIGIN_WHITELIST = CORS_ALLOWED_ORIGINS
    CORS_ORIGIN_REGEX_WHITELIST = CORS_ALLOWED_ORIGIN_REGEXES
    CORS_ORIGIN_ALLOW_ALL = CORS_ALLOW_ALL_ORIGINS


conf: Final = Settings()
