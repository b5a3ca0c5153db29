"""The checks of WebSocket routes (crossorigin._checks.websockets): cookie sockets behind allow-all."""

from __future__ import annotations

import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import path, re_path

from crossorigin._checks.websockets import check_websockets, route_paths
from tests.conftest import SettingsWrapper
from tests.ws_routing import EchoConsumer


def ids(settings: SettingsWrapper) -> list[str]:
    return [message.id or "" for message in check_websockets()]


@pytest.mark.parametrize("credentials", [True, False])
def test_a_cookie_socket_behind_allow_all_is_an_error_when_deployed(
    settings: SettingsWrapper, credentials: bool
) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.application"
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_ALLOW_CREDENTIALS = credentials
    settings.DEBUG = False

    assert ids(settings) == ["crossorigin.E080"]


def test_under_debug_it_is_a_warning(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.application"
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.DEBUG = True

    assert ids(settings) == ["crossorigin.W180"]


def test_an_allow_all_url_policy_over_the_sockets_path_counts_too(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.application"
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example"]
    settings.CORS_URL_POLICIES = [[r"^/public/", {"allow_all_origins": True}], [r"^/ws/", {"allow_all_origins": True}]]

    [message] = check_websockets()

    assert message.id == "crossorigin.E080"
    assert "'url:^/ws/'" in message.msg


def test_an_allow_all_policy_elsewhere_is_not_the_sockets(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.application"
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example"]
    settings.CORS_URL_POLICIES = [[r"^/public/", {"allow_all_origins": True}]]

    assert ids(settings) == []


def test_a_regex_route_could_be_any_path(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.regex_routes"
    settings.CORS_ALLOWED_ORIGINS = ["https://front.example"]
    settings.CORS_URL_POLICIES = [[r"^/public/", {"allow_all_origins": True}]]

    assert ids(settings) == ["crossorigin.E080"]


def test_route_paths_write_out_converters_and_nested_routers() -> None:
    nested = URLRouter([path("rooms/<int:pk>/", URLRouter([path("<slug:name>/", EchoConsumer.as_asgi())]))])

    assert route_paths(AuthMiddlewareStack(nested)) == ["/rooms/1/x/"]
    assert route_paths(URLRouter([re_path(r"^ws/(?P<room>\w+)/$", EchoConsumer.as_asgi())])) is None


def test_the_cookie_middleware_around_the_validator_counts_too(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.stack_outside"
    settings.CORS_ALLOW_ALL_ORIGINS = True

    assert ids(settings) == ["crossorigin.E080"]


@pytest.mark.parametrize(
    ("application", "allow_all"),
    [("tests.ws_routing.cookieless", True), ("tests.ws_routing.application", False)],
    ids=["socket-without-cookies", "listed-origins"],
)
def test_nothing_to_report(settings: SettingsWrapper, application: str, allow_all: bool) -> None:
    settings.ASGI_APPLICATION = application
    settings.CORS_ALLOW_ALL_ORIGINS = allow_all
    settings.CORS_ALLOWED_ORIGINS = [] if allow_all else ["https://front.example"]

    assert ids(settings) == []


def test_an_application_that_cannot_be_imported_is_noted_not_guessed(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.no_such_module.application"
    settings.CORS_ALLOW_ALL_ORIGINS = True

    [message] = check_websockets()

    assert message.id == "crossorigin.I080"
    assert "ModuleNotFoundError" in message.msg


def test_no_asgi_application_no_finding(settings: SettingsWrapper) -> None:
    del settings.ASGI_APPLICATION
    settings.CORS_ALLOW_ALL_ORIGINS = True

    assert ids(settings) == []


def test_the_check_runs_with_the_others(settings: SettingsWrapper) -> None:
    settings.ASGI_APPLICATION = "tests.ws_routing.application"
    settings.CORS_ALLOW_ALL_ORIGINS = True

    with pytest.raises(SystemCheckError, match=r"crossorigin\.E080"):
        call_command("check")
