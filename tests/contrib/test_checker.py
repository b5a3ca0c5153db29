"""The checker through the real middleware: allowed from the database, no query per request."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossorigin.contrib.origins import checker
from crossorigin.contrib.origins.models import AllowedOrigin
from crossorigin.testing import assert_cors_allowed, assert_cors_denied
from tests.conftest import Send

from .conftest import ACHECKER, CHECKER

pytestmark = [pytest.mark.django_db, pytest.mark.redis, pytest.mark.urls("tests.contrib.urls")]

ORIGINS = ("https://tenant-1.example", "https://*.white-label.example", "http://localhost:*")


@pytest.fixture
def origins() -> None:
    AllowedOrigin.objects.bulk_create([AllowedOrigin(origin=o) for o in ORIGINS])
    AllowedOrigin.objects.create(origin="https://disabled.example", enabled=False)


def allow_origin(response: Any) -> str | None:
    value = response.headers.get("Access-Control-Allow-Origin")
    return value if isinstance(value, str) else None


@pytest.mark.parametrize("path", [CHECKER, ACHECKER])
@pytest.mark.usefixtures("origins")
def test_origins_in_the_database_are_allowed_and_others_are_not(wired: Any, send: Send, path: str) -> None:
    wired.CORS_ORIGIN_CHECKER = path
    for origin in ("https://tenant-1.example", "https://shop.white-label.example", "http://localhost:5173"):
        response = send("GET", "/api/", {"origin": origin})
        assert_cors_allowed(response, origin)
        assert allow_origin(response) == origin
    for origin in ("https://disabled.example", "https://tenant-2.example", "https://white-label.example.evil"):
        response = send("GET", "/api/", {"origin": origin})
        assert_cors_denied(response)
        assert allow_origin(response) is None
        assert response.status_code == 200
    response = send("GET", "/api/", {"origin": "https://example.com"})  # allowed by the settings
    assert_cors_allowed(response, "https://example.com")
    assert allow_origin(response) == "https://example.com"


@pytest.mark.usefixtures("origins")
def test_a_preflight_from_a_database_origin_is_answered(wired: Any, send: Send) -> None:
    response = send.preflight("/api/", "https://tenant-1.example", "PUT")
    assert response.status_code == 200
    assert_cors_allowed(response, "https://tenant-1.example")
    assert allow_origin(response) == "https://tenant-1.example"
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("path", [CHECKER, ACHECKER])
@pytest.mark.usefixtures("origins")
def test_no_query_and_no_cache_read_per_request_after_warm_up(
    wired: Any, send: Send, path: str, redis_cache: Any
) -> None:
    wired.CORS_ORIGIN_CHECKER = path
    assert allow_origin(send("GET", "/api/", {"origin": "https://tenant-1.example"}))  # warm-up: one load
    calls_before = redis_cache.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
    with CaptureQueriesContext(connection) as queries:
        for n in range(20):
            send("GET", "/api/", {"origin": "https://tenant-1.example"})
            send("GET", "/api/", {"origin": f"https://t{n}.white-label.example"})
            send("GET", "/api/", {"origin": f"https://stranger-{n}.example"})
    assert [q["sql"] for q in queries.captured_queries] == []
    calls_after = redis_cache.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
    assert calls_after == calls_before


@pytest.mark.django_db(transaction=True)  # each change commits, as in production
@pytest.mark.usefixtures("origins")
def test_a_change_is_used_at_the_next_check(wired: Any, send: Send) -> None:
    wired.CORS_DB_ORIGINS_CHECK_INTERVAL = 3600  # only the change itself makes this process reload
    assert allow_origin(send("GET", "/api/", {"origin": "https://tenant-1.example"}))
    AllowedOrigin.objects.filter(origin="https://tenant-1.example").update(enabled=False)
    AllowedOrigin.objects.create(origin="https://tenant-2.example")
    disabled = send("GET", "/api/", {"origin": "https://tenant-1.example"})
    assert_cors_denied(disabled)
    assert allow_origin(disabled) is None
    added = send("GET", "/api/", {"origin": "https://tenant-2.example"})
    assert_cors_allowed(added, "https://tenant-2.example")
    assert allow_origin(added) == "https://tenant-2.example"


@pytest.mark.urls("tests.contrib.credentials_urls")
@pytest.mark.usefixtures("origins")
def test_credentials_come_from_the_policy_not_the_database(wired: Any, send: Send) -> None:
    response = send("GET", "/api/private/", {"origin": "https://tenant-1.example"})
    assert_cors_allowed(response, "https://tenant-1.example", credentials=True)
    assert allow_origin(response) == "https://tenant-1.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.usefixtures("origins")
def test_the_checker_functions_can_be_called_directly(wired: Any) -> None:
    assert checker.is_allowed("https://tenant-1.example")
    assert not checker.is_allowed("https://tenant-1.example/")
    assert checker.matching_origin("https://a.white-label.example") == "https://*.white-label.example"
    assert checker.matching_origin("https://nobody.example") is None


@pytest.mark.usefixtures("origins")
def test_cors_explain_reports_the_database_answer(wired: Any) -> None:
    out = io.StringIO()
    call_command("cors_explain", "https://tenant-1.example", "/api/", stdout=out)
    assert "crossorigin.contrib.origins.checker.is_allowed allowed the origin" in out.getvalue()
