"""System checks: wiring between the app and CORS_ORIGIN_CHECKER, and the stamp cache."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import read_settings
from crossorigin.contrib.origins.checks import check_interval, check_wiring

from .conftest import ACHECKER, CHECKER


def ids(messages: list[Any]) -> list[str]:
    return [m.id for m in messages]


def test_installed_but_not_wired_is_a_warning(settings: Any) -> None:
    settings.CORS_ORIGIN_CHECKER = None
    messages = check_wiring()
    assert ids(messages) == ["crossorigin_origins.W001"]
    assert CHECKER in (messages[0].hint or "")


def test_the_warning_reaches_manage_py_check(settings: Any) -> None:
    settings.SILENCED_SYSTEM_CHECKS = []
    assert "crossorigin_origins.W001" in ids(run_checks(tags=["compatibility"]))
    settings.CORS_ORIGIN_CHECKER = CHECKER
    assert "crossorigin_origins.W001" not in ids(run_checks(tags=["compatibility"]))


@pytest.mark.parametrize("path", [CHECKER, ACHECKER])
def test_wired_is_quiet(settings: Any, path: str) -> None:
    settings.CORS_ORIGIN_CHECKER = path
    assert check_wiring() == []


def test_another_checker_is_noted(settings: Any) -> None:
    settings.CORS_ORIGIN_CHECKER = "myproject.cors.check"
    assert ids(check_wiring()) == ["crossorigin_origins.I001"]


def test_the_checker_cache_would_delay_removals(settings: Any) -> None:
    settings.CORS_ORIGIN_CHECKER = CHECKER
    settings.CORS_ORIGIN_CHECKER_CACHE_SIZE = 100
    assert ids(check_wiring()) == ["crossorigin_origins.W002"]


@pytest.fixture
def without_the_app() -> Iterator[None]:
    """The app is not in INSTALLED_APPS; the checker module is imported afresh."""
    from django.conf import settings

    apps_list = [a for a in settings.INSTALLED_APPS if a not in ("crossorigin.contrib.origins", "django.contrib.admin")]
    module = "crossorigin.contrib.origins.checker"
    saved = sys.modules.pop(module)
    try:
        with override_settings(INSTALLED_APPS=apps_list, CORS_ORIGIN_CHECKER=CHECKER):
            yield
    finally:
        sys.modules[module] = saved


@pytest.mark.usefixtures("without_the_app")
def test_wired_but_not_installed_is_crossorigins_checker_error() -> None:
    problems = PolicySet(read_settings()).problems
    found = [p for p in problems if p.id == "crossorigin.E016"]
    assert len(found) == 1
    assert "add 'crossorigin.contrib.origins' to INSTALLED_APPS" in found[0].msg


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.redis.RedisCache",
    ],
)
def test_no_cache_is_needed_so_none_is_warned_about(settings: Any, backend: str) -> None:
    # Changes spread through the version row in the database, whatever the cache: the
    # old W003 ("a change reaches only the process that made it") no longer holds, and
    # W004 neither, so no manage.py command prints them.
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.SILENCED_SYSTEM_CHECKS = []
    found = ids(run_checks())
    assert "crossorigin_origins.W001" in found  # the app's checks did run
    assert "crossorigin_origins.W003" not in found
    assert "crossorigin_origins.W004" not in found


def test_a_bad_interval_is_an_error(settings: Any) -> None:
    settings.CORS_DB_ORIGINS_CHECK_INTERVAL = "5"
    assert ids(check_interval()) == ["crossorigin_origins.E001"]
    settings.CORS_DB_ORIGINS_CHECK_INTERVAL = 2.5
    assert check_interval() == []
