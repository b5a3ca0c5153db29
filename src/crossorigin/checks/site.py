"""Checks on the Django settings around CORS: cookies, CSRF, the settings module, path regexes.

The per-policy checks live in ``crossorigin.checks.security``, which calls these once per
site: a cookie or CSRF setting is reported once, whichever policies need it.
"""

from __future__ import annotations

import sys
from typing import Any, Final
from urllib.parse import urlsplit

from django.utils.http import is_same_domain

from crossorigin.checks import public_suffix, regex_lint
from crossorigin.options import PolicyOptions
from crossorigin.origins import ANY_PORT, ParsedOrigin
from crossorigin.problems import Problem, info, warning
from crossorigin.registry import PolicySet

from .typos import READ_NAMES, modern_name, near_miss

CSRF_MIDDLEWARE: Final = "django.middleware.csrf.CsrfViewMiddleware"


def _credentialed(all_options: list[PolicyOptions]) -> list[PolicyOptions]:
    return [o for o in all_options if o.allow_credentials]


def _allowed_hosts_sites(django_settings: Any) -> set[str]:
    sites = set()
    for host in getattr(django_settings, "ALLOWED_HOSTS", None) or ():
        if not isinstance(host, str) or host in ("*", ""):
            continue
        site = public_suffix.registrable_domain(host.lstrip(".").split(":")[0].lower())
        if site:
            sites.add(site)
    return sites


def _all_same_site(credentialed: list[PolicyOptions], django_settings: Any) -> bool:
    """True if every credentialed origin is provably same-site with one of ALLOWED_HOSTS."""
    sites = _allowed_hosts_sites(django_settings)
    if not sites:
        return False
    for options in credentialed:
        if options.allow_all_origins or options.allowed_origin_regexes:
            return False
        for origin in options.allowed_origins:
            if origin.special or public_suffix.registrable_domain(origin.host) not in sites:
                return False
    return True


def cookie_problems(all_options: list[PolicyOptions], django_settings: Any) -> list[Problem]:
    """Credentials are on, but the session or CSRF cookie will never go cross-site."""
    credentialed = _credentialed(all_options)
    if not credentialed:
        return []
    found: list[Problem] = []
    lax = []
    insecure = []
    for cookie in ("SESSION", "CSRF"):
        if cookie == "CSRF" and getattr(django_settings, "CSRF_USE_SESSIONS", False):
            continue  # the CSRF token lives in the session, so there is no CSRF cookie
        samesite = getattr(django_settings, f"{cookie}_COOKIE_SAMESITE", "Lax")
        if not (isinstance(samesite, str) and samesite.lower() == "none"):
            lax.append((f"{cookie}_COOKIE_SAMESITE", samesite))
        elif not getattr(django_settings, f"{cookie}_COOKIE_SECURE", False):
            insecure.append(f"{cookie}_COOKIE_SECURE")
    if lax and not _all_same_site(credentialed, django_settings):
        settings_text = ", ".join(f"{name} = {value!r}" for name, value in lax)
        found.append(
            info(
                46,
                f"CORS credentials are on, but {settings_text}: browsers do not send those cookies on cross-site "
                "requests, so credentialed calls from other sites arrive logged out.",
                "If other sites must call with the user's session, set "
                + " and ".join(f"{name} = 'None'" for name, _ in lax)
                + " (with the matching *_COOKIE_SECURE = True); if your origins are subdomains of this site, "
                "SameSite does not apply and you can silence this warning.",
            )
        )
    if insecure:
        found.append(
            info(
                47,
                f"SameSite=None cookies without {' and '.join(insecure)} = True are refused by browsers.",
                f"Set {' and '.join(f'{name} = True' for name in insecure)} (and serve the site over HTTPS).",
            )
        )
    return found


def _csrf_trusted(django_settings: Any) -> tuple[set[str], dict[str, list[str]]]:
    """CSRF_TRUSTED_ORIGINS as Django's CsrfViewMiddleware reads it."""
    trusted = [o for o in getattr(django_settings, "CSRF_TRUSTED_ORIGINS", None) or () if isinstance(o, str)]
    exact = {o for o in trusted if "*" not in o}
    subdomains: dict[str, list[str]] = {}
    for origin in trusted:
        if "*" in origin:
            parts = urlsplit(origin)
            subdomains.setdefault(parts.scheme, []).append(parts.netloc.lstrip("*"))
    return exact, subdomains


def _csrf_accepts(origin: str, exact: set[str], subdomains: dict[str, list[str]]) -> bool:
    if origin in exact:
        return True
    scheme, _, netloc = origin.partition("://")
    return any(is_same_domain(netloc, host) for host in subdomains.get(scheme, ()))


def _csrf_probes(origin: ParsedOrigin) -> list[str]:
    """Request origins a configured origin or wildcard stands for, to test against CSRF."""
    port = "" if origin.port is None else f":{origin.port}"
    base = f"{origin.scheme}://{origin.host}{port}"
    if origin.subdomains:
        return [base, f"{origin.scheme}://sub.{origin.host}{port}"]
    return [base]


def csrf_problems(policies: PolicySet, all_options: list[PolicyOptions], django_settings: Any) -> list[Problem]:
    """Credentialed origins that Django's CSRF check will refuse on POST (an Info)."""
    middleware = list(getattr(django_settings, "MIDDLEWARE", None) or ())
    if CSRF_MIDDLEWARE not in middleware or policies.settings.replace_https_referer:
        return []
    exact, subdomains = _csrf_trusted(django_settings)
    missing: list[str] = []
    for options in _credentialed(all_options):
        for origin in options.allowed_origins:
            if origin.special or origin.port == ANY_PORT:
                continue
            text = origin.serialize()
            if text not in missing and not all(_csrf_accepts(p, exact, subdomains) for p in _csrf_probes(origin)):
                missing.append(text)
    if not missing:
        return []
    listed = ", ".join(repr(m) for m in missing)
    return [
        info(
            21,
            f"Credentialed CORS origins missing from CSRF_TRUSTED_ORIGINS: {listed}. Their POST, PUT, PATCH and "
            "DELETE requests to CSRF-protected views will fail Django's CSRF check with 403.",
            f"Add them to CSRF_TRUSTED_ORIGINS (CSRF_TRUSTED_ORIGINS = [{listed}]) if they may send unsafe requests.",
        )
    ]


def settings_module_problems(django_settings: Any) -> list[Problem]:
    """CORS_* names written as annotations (never set) and near misses of the names this package reads."""
    found: list[Problem] = []
    module_name = getattr(django_settings, "SETTINGS_MODULE", None)
    module = sys.modules.get(module_name) if isinstance(module_name, str) else None
    annotations = getattr(module, "__annotations__", None) or {}
    for name in annotations:
        if isinstance(name, str) and name.startswith("CORS_") and not hasattr(django_settings, name):
            found.append(
                info(
                    48,
                    f"{name} is written as an annotation in {module_name} ('{name}: ...'), so it is never set.",
                    f"Use '=' instead of ':': {name} = ...",
                )
            )
    for name in sorted(n for n in dir(django_settings) if n.startswith("CORS_") and n not in READ_NAMES):
        meant = near_miss(name)
        if meant is not None:
            found.append(
                info(
                    49,
                    f"{name} is not a setting crossorigin reads, so it has no effect; it looks like a typo.",
                    f"Did you mean {modern_name(meant)}?",
                )
            )
    return found


def path_regex_problems(policies: PolicySet) -> list[Problem]:
    """B13: path regexes that can never match, or that match more paths than they seem to."""
    found: list[Problem] = []
    patterns = []
    if policies.urls_regex is not None:
        patterns.append(("CORS_URLS_REGEX", policies.urls_regex))
    patterns.extend((f"CORS_URL_POLICIES[{i}]", pattern) for i, (pattern, _p, _o) in enumerate(policies.url_policies))
    for name, pattern in patterns:
        source = pattern.pattern
        if regex_lint.never_matches_path(pattern):
            found.append(
                warning(
                    33,
                    f"{name} {source!r} never matches: it is matched against request.path_info, which always "
                    "starts with '/'.",
                    f"Start it with '^/': {'^/' + source.lstrip('^')!r}.",
                )
            )
        elif regex_lint.ends_mid_segment(pattern):
            found.append(
                warning(
                    34,
                    f"{name} {source!r} matches a prefix that ends inside a path segment, so it also covers paths "
                    f"such as {source.lstrip('^') + 'x/'!r}.",
                    f"End it with '/' or '$': {source + '/'!r}.",
                )
            )
    return found
