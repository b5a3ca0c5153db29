"""The public import paths stay where users and Django find them.

Every name a project, a migration from django-cors-headers or our own documentation
imports is imported here from the module it is documented in, so moving code between
modules cannot break an import without failing this test. Only public names
(docs/api.md) are here: internals may move.
"""

from __future__ import annotations

import importlib

import pytest
from django.core import checks

PUBLIC = {
    "crossorigin.middleware": [
        "CorsMiddleware",
        "CorsPostCsrfMiddleware",
        # django-cors-headers' header constants, which tests and projects import.
        "ACCESS_CONTROL_ALLOW_ORIGIN",
        "ACCESS_CONTROL_ALLOW_CREDENTIALS",
        "ACCESS_CONTROL_ALLOW_HEADERS",
        "ACCESS_CONTROL_ALLOW_METHODS",
        "ACCESS_CONTROL_EXPOSE_HEADERS",
        "ACCESS_CONTROL_MAX_AGE",
        "ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK",
        "ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
    ],
    # django-cors-headers' corsheaders.checks.check_settings.
    "crossorigin.checks": ["check_settings"],
    "crossorigin.apps": ["CrossOriginConfig"],
    "crossorigin.conf": ["conf"],
    "crossorigin.defaults": ["default_headers", "default_methods"],
    "crossorigin.signals": ["check_request_enabled", "report_only_differs"],
    "crossorigin.decorators": ["cors_policy", "cors_exempt"],
    "crossorigin.testing": [
        "assert_cors_allowed",
        "assert_cors_denied",
        "cors_headers",
        "preflight",
        "request_headers_value",
    ],
    "crossorigin.explain": ["explain"],
    # docs/websockets.md
    "crossorigin.channels": ["CorsOriginValidator"],
    "crossorigin.websocket": ["Handshake", "HandshakeReason", "Verdict", "check_handshake", "acheck_handshake"],
    # docs/database-origins.md
    "crossorigin.contrib.origins.checker": ["is_allowed", "ais_allowed"],
    "crossorigin.contrib.origins.store": ["bump"],
}

CASES = [(module, name) for module, names in PUBLIC.items() for name in names]


@pytest.mark.parametrize(("module", "name"), CASES)
def test_public_name_is_importable_from_its_path(module: str, name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {module} import {name}", namespace)  # the statement users write
    assert namespace[name] is getattr(importlib.import_module(module), name)


def test_every_path_here_is_documented_in_the_public_api() -> None:
    # This list freezes paths independently of the page; it never freezes an internal one.
    from tests.test_public_api import MODULES

    assert [case for case in CASES if case[1] not in MODULES.get(case[0], [])] == []


def test_header_constants_keep_django_cors_headers_values() -> None:
    import corsheaders.middleware as theirs

    import crossorigin.middleware as ours

    for name in PUBLIC["crossorigin.middleware"]:
        if name.startswith("ACCESS_CONTROL_"):
            assert getattr(ours, name) == getattr(theirs, name), name


def test_django_finds_the_checks_through_the_app() -> None:
    # INSTALLED_APPS has "crossorigin": its AppConfig registers the checks of crossorigin.checks.
    from crossorigin.checks import check_settings

    assert check_settings in checks.registry.registry.get_checks()


@pytest.mark.parametrize(
    "module",
    [
        "crossorigin._core.origins",
        "crossorigin._core.options",
        "crossorigin._core.policy",
        "crossorigin._config.registry",
        "crossorigin._http.resolution",
        "crossorigin.middleware",
    ],
)
def test_the_request_path_never_imports_the_checks(module: str) -> None:
    # Lower layers know nothing of Django's request handling or of the start-up checks.
    source = importlib.import_module(module).__file__
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        text = handle.read()
    assert "crossorigin.checks" not in text
