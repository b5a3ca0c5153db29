"""crossorigin.E040: a CorsMiddleware subclass overriding django-cors-headers methods we never call."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, run_checks

from crossorigin._checks.subclasses import ignored_overrides, subclass_problems
from crossorigin._config.incumbent import MIDDLEWARE_METHODS
from crossorigin.middleware import CorsMiddleware, CorsPostCsrfMiddleware
from tests.conftest import SettingsWrapper

HERE = __name__


class OverridesOld(CorsMiddleware):
    def origin_found_in_white_lists(self, origin: str, url: Any) -> bool:
        return True

    def add_response_headers(self, request: Any, response: Any) -> Any:
        return response


class InheritsTheOverride(OverridesOld):
    pass


class OverridesNothingOld(CorsMiddleware):
    def __call__(self, request: Any) -> Any:
        return super().__call__(request)


class OldPostCsrf(CorsPostCsrfMiddleware):
    def _https_referer_replace_reverse(self, request: Any) -> None:
        return None


def test_names_the_class_each_method_and_the_replacement() -> None:
    (problem,) = subclass_problems([f"{HERE}.OverridesOld"])
    assert problem.id == "crossorigin.E040"
    assert f"{HERE}.OverridesOld overrides origin_found_in_white_lists(), add_response_headers()" in problem.msg
    assert "CORS_ORIGIN_CHECKER" in (problem.hint or "")
    assert "@cors_policy" in (problem.hint or "")


def test_an_inherited_override_counts_and_our_own_methods_do_not() -> None:
    assert [p.id for p in subclass_problems([f"{HERE}.InheritsTheOverride"])] == ["crossorigin.E040"]
    assert subclass_problems([f"{HERE}.OverridesNothingOld", "crossorigin.middleware.CorsMiddleware"]) == []


def test_a_name_our_middleware_defines_is_never_reported() -> None:
    # "Never called" is decided from our MRO, whatever the middleware defines today.
    class Ours(CorsMiddleware):
        pass

    for name in MIDDLEWARE_METHODS:
        setattr(Ours, name, lambda self: None)

    class Sub(Ours):
        def is_enabled(self, request: Any) -> bool:
            return True

    assert ignored_overrides(Sub, Ours, MIDDLEWARE_METHODS) == []


def test_post_csrf_subclass() -> None:
    (problem,) = subclass_problems([f"{HERE}.OldPostCsrf"])
    assert "CSRF_TRUSTED_ORIGINS" in (problem.hint or "")


def test_unimportable_and_django_entries_are_skipped() -> None:
    assert subclass_problems(["nowhere.Middleware", "django.middleware.common.CommonMiddleware", 3]) == []


def test_run_checks_reports_it_as_an_error(settings: SettingsWrapper) -> None:
    settings.MIDDLEWARE = [f"{HERE}.OverridesOld", "django.middleware.common.CommonMiddleware"]
    found = [m for m in run_checks() if m.id == "crossorigin.E040"]
    assert len(found) == 1
    assert isinstance(found[0], Error)
