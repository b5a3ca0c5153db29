"""Django system checks: every problem the compiler found, plus where the middleware sits.

The settings are validated by the same code that compiles them (``settings``,
``options``, ``registry``); this module only reports, at the level the level rule
(``crossorigin._core.problems.as_seen``) gives. Security findings come from
``crossorigin._checks.security``. Errors can be silenced only through Django's own
``SILENCED_SYSTEM_CHECKS``. ``CrossOriginConfig.ready()`` registers the checks.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Final

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Warning
from django.utils.module_loading import import_string

from crossorigin._config import registry
from crossorigin._config.registry import PolicySet, ViewOverrides
from crossorigin._config.settings import read_settings
from crossorigin._config.urlconfs import setting_urlconf
from crossorigin._core.problems import Level, Problem, as_seen, is_silenced, warning

from .views import decorated_views

CORS_MIDDLEWARE: Final = "crossorigin.middleware.CorsMiddleware"
POST_CSRF_MIDDLEWARE: Final = "crossorigin.middleware.CorsPostCsrfMiddleware"
CSRF_MIDDLEWARE: Final = "django.middleware.csrf.CsrfViewMiddleware"

# Middleware that can send a response without passing it through what sits below it
# (redirects, static files, cached or rewritten responses). CorsMiddleware must sit
# above them or those responses go out without CORS headers.
ANSWERING_MIDDLEWARE: Final = {
    "django.middleware.common.CommonMiddleware": "it redirects (APPEND_SLASH, PREPEND_WWW)",
    "django.middleware.locale.LocaleMiddleware": "it redirects to language-prefixed URLs",
    "django.middleware.gzip.GZipMiddleware": "it rewrites responses",
    "django.middleware.http.ConditionalGetMiddleware": "it answers 304 Not Modified",
    "django.middleware.cache.FetchFromCacheMiddleware": "it serves cached responses",
    "django.middleware.cache.UpdateCacheMiddleware": "it caches responses",
    "django.middleware.cache.CacheMiddleware": "it serves cached responses",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware": "it answers 404s with flat pages",
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware": "it redirects 404s",
    "whitenoise.middleware.WhiteNoiseMiddleware": "it serves static files itself",
}
SECURITY_MIDDLEWARE: Final = "django.middleware.security.SecurityMiddleware"

_LEVELS: Final = {Level.ERROR: Error, Level.WARNING: Warning, Level.INFO: Info}


def to_message(problem: Problem) -> CheckMessage:
    """A Django check message for a problem, as it is seen in this process (DEBUG, ``check --deploy``)."""
    seen = as_seen(problem, debug=bool(getattr(settings, "DEBUG", False)), deploy=deploy_requested())
    return _LEVELS[seen.level](seen.msg, hint=seen.hint, id=seen.id)


def to_messages(problems: list[Problem]) -> list[CheckMessage]:
    """The messages for ``problems``, less those silenced through an old id (Django silences the current ones)."""
    silenced = getattr(settings, "SILENCED_SYSTEM_CHECKS", None) or ()
    messages = [to_message(p) for p in problems]
    return [m for m in messages if not (m.id and is_silenced(m.id, silenced) and m.id not in silenced)]


def deploy_requested() -> bool:
    """True while Django runs the checks for ``check --deploy``.

    A check function is not told, so the frame of Django's ``CheckRegistry.run_checks``
    is read for its ``include_deployment_checks`` argument (unchanged since Django 1.8).
    Outside a check run (a test calling a check function directly) it is False.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "run_checks" and "include_deployment_checks" in frame.f_locals:
            return bool(frame.f_locals["include_deployment_checks"])
        frame = frame.f_back  # type: ignore[assignment]
    return False


def check_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Report every CORS setting problem and security risk."""
    from .report_only import report_only_problems  # both heavy: loaded when the check runs
    from .security import security_problems

    policies = PolicySet(read_settings())
    problems = list(policies.problems)
    problems.extend(_view_problems(policies))
    problems.extend(security_problems(policies, settings))
    problems.extend(report_only_problems(policies, settings))
    return to_messages(problems)


def _view_problems(policies: PolicySet) -> list[Problem]:
    found: list[Problem] = []
    seen: set[ViewOverrides] = set()
    for overrides in decorated_views():
        if overrides in seen or overrides.exempt:
            continue
        seen.add(overrides)
        found.extend(policies.view_problems(overrides))
    return found


def _is_class(entry: str, dotted: str) -> bool:
    if entry == dotted:
        return True
    if entry.startswith("django.") or "." not in entry:
        return False
    try:
        wanted = import_string(dotted)
        found = import_string(entry)
        return isinstance(found, type) and issubclass(found, wanted)
    except Exception:
        return False


def check_middleware(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when CorsMiddleware is missing or below a middleware that answers on its own."""
    return to_messages(middleware_problems(list(getattr(settings, "MIDDLEWARE", None) or [])))


def middleware_problems(middleware: list[str]) -> list[Problem]:
    """What is wrong with where the CORS middleware sits in ``middleware``."""
    found: list[Problem] = []
    position = next((i for i, entry in enumerate(middleware) if _is_class(entry, CORS_MIDDLEWARE)), None)
    if position is None:
        found.append(
            warning(
                44,
                f"{CORS_MIDDLEWARE} is not in MIDDLEWARE, so no CORS headers are sent.",
                f"Add '{CORS_MIDDLEWARE}' to MIDDLEWARE, as high as possible.",
            )
        )
        return found
    above = middleware[:position]
    for entry in above:
        why = ANSWERING_MIDDLEWARE.get(entry)
        if entry == SECURITY_MIDDLEWARE and getattr(settings, "SECURE_SSL_REDIRECT", False):
            why = "it redirects to HTTPS (SECURE_SSL_REDIRECT), and a redirected preflight fails"
        if why:
            found.append(
                warning(
                    45,
                    f"{CORS_MIDDLEWARE} is below {entry}; {why}, and those responses go out without CORS headers.",
                    f"Move '{CORS_MIDDLEWARE}' above '{entry}' in MIDDLEWARE.",
                )
            )
    for entry in setting_urlconf(middleware[position + 1 :]):
        found.append(
            warning(
                66,
                f"{entry} sets request.urlconf but is below {CORS_MIDDLEWARE}: preflights are answered before it "
                "runs, so they get the policy of the view ROOT_URLCONF routes to, not of the one it routes to.",
                f"Move '{entry}' above '{CORS_MIDDLEWARE}' in MIDDLEWARE.",
            )
        )
    cors_settings = registry.current().settings
    if cors_settings.replace_https_referer:
        found.append(
            warning(
                6,
                "CORS_REPLACE_HTTPS_REFERER is on: the CSRF check is made to trust every allowed origin.",
                "Prefer listing the origins that may send unsafe requests in CSRF_TRUSTED_ORIGINS and turning CORS_REPLACE_HTTPS_REFERER off.",
            )
        )
        csrf = next((i for i, e in enumerate(middleware) if e == CSRF_MIDDLEWARE), None)
        post = next((i for i, e in enumerate(middleware) if _is_class(e, POST_CSRF_MIDDLEWARE)), None)
        if csrf is None or post is None or post < csrf or position > csrf:
            found.append(
                warning(
                    7,
                    "CORS_REPLACE_HTTPS_REFERER needs CorsMiddleware above CsrfViewMiddleware and CorsPostCsrfMiddleware below it.",
                    f"Put '{CORS_MIDDLEWARE}' above '{CSRF_MIDDLEWARE}' and '{POST_CSRF_MIDDLEWARE}' right after it.",
                )
            )
    return found
