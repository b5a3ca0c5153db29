"""What django-cors-headers and django-dcors named, and what each name is here.

Plain tables, shared by the ``crossorigin-migrate`` command (which rewrites the names)
and the system check on middleware subclasses (which reports overrides we never call).
Nothing here imports Django or the incumbent.
"""

from __future__ import annotations

from typing import Final

# Dotted names (apps, middleware, modules) -> ours. Longer names are looked up first,
# then a module prefix: "corsheaders.middleware.ACCESS_CONTROL_MAX_AGE" maps through
# "corsheaders.middleware".
DOTTED_NAMES: Final[dict[str, str]] = {
    "corsheaders": "crossorigin",
    "corsheaders.apps.CorsHeadersAppConfig": "crossorigin.apps.CrossOriginConfig",
    "corsheaders.middleware.CorsMiddleware": "crossorigin.middleware.CorsMiddleware",
    "corsheaders.middleware.CorsPostCsrfMiddleware": "crossorigin.middleware.CorsPostCsrfMiddleware",
    "dcors": "crossorigin",
    "dcors.dcorsmiddleware.CorsMiddleware": "crossorigin.middleware.CorsMiddleware",
}

# Modules of the incumbent -> ours, with the public names each provides here. A name
# mapped to another name is imported under its old name (``import X as Old``).
MODULES: Final[dict[str, tuple[str, dict[str, str]]]] = {
    "corsheaders": (
        "crossorigin",
        {name: name for name in ("apps", "checks", "conf", "defaults", "middleware", "signals")},
    ),
    "corsheaders.apps": ("crossorigin.apps", {"CorsHeadersAppConfig": "CrossOriginConfig"}),
    "corsheaders.checks": ("crossorigin.checks", {"check_settings": "check_settings"}),
    "corsheaders.conf": ("crossorigin.conf", {"conf": "conf", "Settings": "Settings"}),
    "corsheaders.defaults": (
        "crossorigin.defaults",
        {"default_headers": "default_headers", "default_methods": "default_methods"},
    ),
    "corsheaders.signals": ("crossorigin.signals", {"check_request_enabled": "check_request_enabled"}),
    "corsheaders.middleware": (
        "crossorigin.middleware",
        {
            name: name
            for name in (
                "CorsMiddleware",
                "CorsPostCsrfMiddleware",
                "ACCESS_CONTROL_ALLOW_ORIGIN",
                "ACCESS_CONTROL_EXPOSE_HEADERS",
                "ACCESS_CONTROL_ALLOW_CREDENTIALS",
                "ACCESS_CONTROL_ALLOW_HEADERS",
                "ACCESS_CONTROL_ALLOW_METHODS",
                "ACCESS_CONTROL_MAX_AGE",
                "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
                "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK",
            )
        },
    ),
    "dcors": ("crossorigin", {}),
    "dcors.dcorsmiddleware": ("crossorigin.middleware", {"CorsMiddleware": "CorsMiddleware"}),
}

# django-cors-headers' system check ids -> ours (docs/migrating.md has the table).
CHECK_IDS: Final[dict[str, str]] = {
    "corsheaders.E001": "crossorigin.E010",
    "corsheaders.E002": "crossorigin.E009",
    "corsheaders.E003": "crossorigin.E013",
    "corsheaders.E004": "crossorigin.E012",
    "corsheaders.E005": "crossorigin.E013",
    "corsheaders.E006": "crossorigin.E001",
    "corsheaders.E007": "crossorigin.E006",
    "corsheaders.E008": "crossorigin.E011",
    "corsheaders.E009": "crossorigin.E008",
    "corsheaders.E013": "crossorigin.E002",
    "corsheaders.E014": "crossorigin.E003",
    "corsheaders.E015": "crossorigin.E013",
}

# Old setting names that keep their value's meaning under the new name.
RENAMED_SETTINGS: Final[dict[str, str]] = {
    "CORS_ORIGIN_WHITELIST": "CORS_ALLOWED_ORIGINS",
    "CORS_ORIGIN_REGEX_WHITELIST": "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ORIGIN_ALLOW_ALL": "CORS_ALLOW_ALL_ORIGINS",
}

# Settings the incumbent (or django-dcors) read that nothing here reads, with what to do.
UNREAD_SETTINGS: Final[dict[str, str]] = {
    "CORS_MODEL": (
        "CORS_MODEL (django-cors-headers < 3.0) is not read: keep the origins in "
        "crossorigin.contrib.origins, or point CORS_ORIGIN_CHECKER at a function that queries your model"
    ),
    # Ours, from development versions: the database origins now carry their version in the database.
    "CORS_DB_ORIGINS_CACHE": (
        "CORS_DB_ORIGINS_CACHE is no longer read: crossorigin.contrib.origins keeps its version in the "
        "database, so remove the setting"
    ),
}

# Settings whose meaning changes on the switch from django-cors-headers 4.x, with what to check.
CHANGED_SETTINGS: Final[dict[str, str]] = {
    "CORS_REPLACE_HTTPS_REFERER": (
        "CORS_REPLACE_HTTPS_REFERER is ignored by django-cors-headers 4.x but honoured here: it makes Django's "
        "CSRF check trust every allowed origin (crossorigin.W006). Delete it unless you relied on it with "
        "django-cors-headers 3.x, and list the origins that may send unsafe requests in CSRF_TRUSTED_ORIGINS"
    ),
}

_ORIGIN_HOOK: Final = "set CORS_ORIGIN_CHECKER to a callable (origin, request) -> bool (it may be async)"
_ENABLE_HOOK: Final = "use CORS_URLS_REGEX or CORS_URL_POLICIES for paths, or @cors_exempt / @cors_policy on views"
_HEADERS_HOOK: Final = (
    "give the views their own policy with @cors_policy or CORS_URL_POLICIES, or change the response "
    "in a middleware of your own listed above CorsMiddleware"
)

# Methods django-cors-headers' CorsMiddleware had (2.x to 4.x) -> what replaces an override.
MIDDLEWARE_METHODS: Final[dict[str, str]] = {
    "origin_found_in_white_lists": _ORIGIN_HOOK,
    "origin_not_found_in_white_lists": _ORIGIN_HOOK,
    "regex_domain_match": _ORIGIN_HOOK,
    "origin_found_in_model": _ORIGIN_HOOK,
    "_url_in_whitelist": _ORIGIN_HOOK,
    "check_signal": f"connect a receiver to crossorigin.signals.check_request_enabled, or {_ORIGIN_HOOK}",
    "is_enabled": _ENABLE_HOOK,
    "add_response_headers": _HEADERS_HOOK,
    "process_response": _HEADERS_HOOK,
    "check_preflight": _HEADERS_HOOK,
    "process_request": _HEADERS_HOOK,
    "process_view": _HEADERS_HOOK,
    "_https_referer_replace": "set CORS_REPLACE_HTTPS_REFERER, or better list the origins in CSRF_TRUSTED_ORIGINS",
}

# Methods django-cors-headers' CorsPostCsrfMiddleware had (2.x, 3.x).
POST_CSRF_MIDDLEWARE_METHODS: Final[dict[str, str]] = {
    "process_request": "list the origins in CSRF_TRUSTED_ORIGINS",
    "_https_referer_replace_reverse": "list the origins in CSRF_TRUSTED_ORIGINS",
}
