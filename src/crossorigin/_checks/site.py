"""Checks on the Django settings around CORS: cookies, CSRF, the settings module, path regexes.

The per-policy checks live in ``crossorigin._checks.security``, which calls these once per
site: a cookie or CSRF setting is reported once, whichever policies need it.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Any, Final
from urllib.parse import urlsplit

from django.utils.http import is_same_domain
from django.utils.module_loading import import_string

from crossorigin._config.registry import PolicySet
from crossorigin._core import public_suffix, regex_lint
from crossorigin._core.options import PolicyOptions
from crossorigin._core.origins import ANY_PORT, NULL_ORIGIN, ParsedOrigin, is_well_formed_request_origin
from crossorigin._core.problems import Problem, info, warning

from .typos import READ_NAMES, modern_name, near_miss

CSRF_MIDDLEWARE: Final = "django.middleware.csrf.CsrfViewMiddleware"


def _credentialed(all_options: list[PolicyOptions]) -> list[PolicyOptions]:
    return [o for o in all_options if o.allow_credentials]


SESSION_MIDDLEWARE: Final = "django.contrib.sessions.middleware.SessionMiddleware"
# What Django lets in when DEBUG is on and ALLOWED_HOSTS is empty.
DEBUG_HOSTS: Final = ("localhost", "127.0.0.1", "[::1]")


def site_of(host: str) -> str:
    """The site a host belongs to: its registrable domain, or the host itself (localhost, an IP).

    Without the Public Suffix List every host is its own site, which errs on the side
    of warning.
    """
    host = host.lower().strip(".")
    return public_suffix.registrable_domain(host) or host


def own_sites(django_settings: Any) -> set[str]:
    """The sites this Django site is served from, as far as the settings say.

    ALLOWED_HOSTS and the cookie domains name the site itself. CSRF_TRUSTED_ORIGINS is
    left out on purpose: it lists the *other* origins that may post here, which are
    exactly the front ends this check is about.
    """
    hosts = [h for h in getattr(django_settings, "ALLOWED_HOSTS", None) or () if isinstance(h, str)]
    if not hosts and getattr(django_settings, "DEBUG", False):
        hosts = list(DEBUG_HOSTS)
    for name in ("SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN"):
        domain = getattr(django_settings, name, None)
        if isinstance(domain, str) and domain:
            hosts.append(domain)
    return {site_of(_without_port(host)) for host in hosts if host and "*" not in host}


def _without_port(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.rsplit(":", 1)[0]


def _origin_sites(options: PolicyOptions) -> dict[str, str]:
    """Configured origin (as written) -> the site it belongs to, for origins and wildcards whose host is known."""
    found = {}
    for origin in options.allowed_origins:
        if not origin.special:
            found[origin.serialize()] = site_of(origin.host)
    for pattern in options.allowed_origin_regexes:
        host = regex_lint.literal_host_suffix(pattern.pattern)
        if host:
            found[pattern.pattern] = site_of(host)
    return found


def _uses(django_settings: Any, dotted: str) -> bool:
    """True if MIDDLEWARE has ``dotted`` or a subclass of it."""
    for entry in getattr(django_settings, "MIDDLEWARE", None) or ():
        if entry == dotted:
            return True
        if isinstance(entry, str) and not entry.startswith("django."):
            try:
                found, wanted = import_string(entry), import_string(dotted)
            except Exception:
                continue
            if isinstance(found, type) and issubclass(found, wanted):
                return True
    return False


def _cookies_in_use(django_settings: Any) -> list[str]:
    """The Django cookies this site sets: SESSION with SessionMiddleware, CSRF with CsrfViewMiddleware."""
    cookies = []
    if _uses(django_settings, SESSION_MIDDLEWARE):
        cookies.append("SESSION")
    # With CSRF_USE_SESSIONS the token lives in the session: there is no CSRF cookie.
    if _uses(django_settings, CSRF_MIDDLEWARE) and not getattr(django_settings, "CSRF_USE_SESSIONS", False):
        cookies.append("CSRF")
    return cookies


def _cross_site_origins(credentialed: list[PolicyOptions], django_settings: Any) -> tuple[list[str], set[str]]:
    """Credentialed origins on another site than this one, and this site's sites (empty: unknown)."""
    sites = own_sites(django_settings)
    found: list[str] = []
    for options in credentialed:
        for written, site in _origin_sites(options).items():
            if site not in sites and written not in found:
                found.append(written)
    return found, sites


def cookie_problems(all_options: list[PolicyOptions], django_settings: Any) -> list[Problem]:
    """Credentials are on, but the session or CSRF cookie will never go cross-site."""
    credentialed = _credentialed(all_options)
    if not credentialed:
        return []
    found: list[Problem] = []
    lax = []
    insecure = []
    in_use = _cookies_in_use(django_settings)
    for cookie in ("SESSION", "CSRF"):
        if cookie == "CSRF" and getattr(django_settings, "CSRF_USE_SESSIONS", False):
            continue  # the CSRF token lives in the session, so there is no CSRF cookie
        samesite = getattr(django_settings, f"{cookie}_COOKIE_SAMESITE", "Lax")
        if not (isinstance(samesite, str) and samesite.lower() == "none"):
            if cookie in in_use:
                lax.append((f"{cookie}_COOKIE_SAMESITE", samesite))
        elif not getattr(django_settings, f"{cookie}_COOKIE_SECURE", False):
            insecure.append(f"{cookie}_COOKIE_SECURE")
    cross_site, sites = _cross_site_origins(credentialed, django_settings) if lax else ([], set())
    if cross_site:
        settings_text = ", ".join(f"{name} = {value!r}" for name, value in lax)
        listed = ", ".join(repr(o) for o in cross_site[:3]) + (
            f" and {len(cross_site) - 3} more" if len(cross_site) > 3 else ""
        )
        where = (
            f"on another site than this one ({', '.join(sorted(sites))})"
            if sites
            else "possibly on another site (ALLOWED_HOSTS names no host of this site, so the check cannot tell)"
        )
        found.append(
            info(
                46,
                f"CORS credentials are on and {settings_text}, but the credentialed origin(s) {listed} are {where}: "
                "browsers do not send SameSite=Lax or Strict cookies with their requests, so cookie-authenticated "
                "calls from there arrive logged out.",
                "If those pages call with the user's session, set "
                + " and ".join(f"{name} = 'None'" for name, _ in lax)
                + " with the matching *_COOKIE_SECURE = True. How to tell: a client that sends a bearer token "
                "(Authorization header) needs no cookies, nor CORS_ALLOW_CREDENTIALS, so silence this note; "
                "an origin on the same site as the API (app.example.com calling api.example.com) sends Lax "
                "cookies, so list the API's host in ALLOWED_HOSTS and the check will see that.",
            )
        )
    if insecure:
        found.append(
            warning(
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


# A port a dev server commonly uses, to show what an any-port origin sends.
SAMPLE_PORT: Final = 5173


def csrf_problems(policies: PolicySet, all_options: list[PolicyOptions], django_settings: Any) -> list[Problem]:
    """Credentialed origins whose unsafe requests Django's CSRF check will refuse with 403 (Warnings).

    Each credentialed origin, wildcard and regex (through origins it accepts) is compared
    with CSRF_TRUSTED_ORIGINS by Django's own rules: exact origins, and ``*.`` subdomain
    wildcards with an exact port. An any-port origin has no CSRF_TRUSTED_ORIGINS form.
    """
    if not _uses(django_settings, CSRF_MIDDLEWARE) or policies.settings.replace_https_referer:
        return []
    exact, subdomains = _csrf_trusted(django_settings)
    missing: list[str] = []
    any_port: list[tuple[str, str]] = []
    for options in _credentialed(all_options):
        for origin in options.allowed_origins:
            if origin.special:
                continue
            text = origin.serialize()
            if origin.port == ANY_PORT:
                sample = _csrf_probes(replace(origin, port=SAMPLE_PORT))[-1]
                if not _csrf_accepts(sample, exact, subdomains) and text not in dict(any_port):
                    any_port.append((text, sample))
            elif text not in missing and not all(_csrf_accepts(p, exact, subdomains) for p in _csrf_probes(origin)):
                missing.append(text)
        for pattern in options.allowed_origin_regexes:
            for sample in regex_lint.sample_texts(pattern.pattern, pattern.flags):
                origin_like = is_well_formed_request_origin(sample) and sample != NULL_ORIGIN
                if origin_like and sample not in missing and not _csrf_accepts(sample, exact, subdomains):
                    missing.append(sample)
    found: list[Problem] = []
    if missing:
        listed = ", ".join(repr(m) for m in missing)
        found.append(
            warning(
                61,
                f"Credentialed CORS origins that CSRF_TRUSTED_ORIGINS does not cover, as Django's CSRF check reads "
                f"it: {listed}. Their POST, PUT, PATCH and DELETE requests to CSRF-protected views get 403, even "
                "with a valid CSRF token.",
                f"Add them to CSRF_TRUSTED_ORIGINS ({listed}; a regex's other origins too, or a '*.' wildcard "
                "for its subdomains) if they send unsafe requests; silence crossorigin.W061 if they only read.",
            )
        )
    for text, sample in any_port:
        found.append(
            warning(
                65,
                f"{text!r} is allowed with credentials, but CSRF_TRUSTED_ORIGINS has no any-port form, so no entry "
                f"can cover it: a POST from {sample!r} with a valid CSRF token gets 403.",
                f"List each port your dev servers use in both CORS_ALLOWED_ORIGINS and CSRF_TRUSTED_ORIGINS "
                f"(e.g. {sample!r}); silence crossorigin.W065 if those pages only read.",
            )
        )
    return found


def settings_module_problems(django_settings: Any) -> list[Problem]:
    """CORS_* names written as annotations (never set) and near misses of the names this package reads."""
    found: list[Problem] = []
    module_name = getattr(django_settings, "SETTINGS_MODULE", None)
    module = sys.modules.get(module_name) if isinstance(module_name, str) else None
    annotations = getattr(module, "__annotations__", None) or {}
    for name in annotations:
        if isinstance(name, str) and name.startswith("CORS_") and not hasattr(django_settings, name):
            found.append(
                warning(
                    48,
                    f"{name} is written as an annotation in {module_name} ('{name}: ...'), so it is never set.",
                    f"Use '=' instead of ':': {name} = ...",
                )
            )
    for name in sorted(n for n in dir(django_settings) if n.startswith("CORS_") and n not in READ_NAMES):
        meant = near_miss(name)
        if meant is not None:
            found.append(
                warning(
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
