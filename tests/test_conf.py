"""crossorigin.conf.conf answers django-cors-headers' attribute names with the settings as written."""

from __future__ import annotations

from django.test import override_settings

from crossorigin.conf import conf
from crossorigin.defaults import default_headers, default_methods
from tests.conftest import SettingsWrapper


def test_defaults_match_the_incumbents() -> None:
    with override_settings():
        assert default_headers == conf.CORS_ALLOW_HEADERS
        assert default_methods == conf.CORS_ALLOW_METHODS
        assert conf.CORS_PREFLIGHT_MAX_AGE == 86400
        assert conf.CORS_URLS_REGEX == r"^.*$"
        assert conf.CORS_EXPOSE_HEADERS == ()


def test_a_list_stays_a_list_so_code_that_extends_it_keeps_working(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://a.example"]
    settings.CORS_ALLOW_HEADERS = [*default_headers, "x-api-key"]
    # Concatenation, as project code wrote it against django-cors-headers' conf.
    extended = conf.CORS_ALLOWED_ORIGINS + ["https://b.example"]  # noqa: RUF005
    assert extended == ["https://a.example", "https://b.example"]
    headers = conf.CORS_ALLOW_HEADERS + ["x-more"]  # noqa: RUF005
    assert headers == [*default_headers, "x-api-key", "x-more"]


def test_every_attribute_is_the_setting_as_written_and_follows_override_settings(settings: SettingsWrapper) -> None:
    written = {
        "CORS_ALLOWED_ORIGINS": ["https://A.example:443", "http://localhost:3000"],
        "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://\w+\.b\.example$"],
        "CORS_ALLOW_ALL_ORIGINS": False,
        "CORS_ALLOW_CREDENTIALS": True,
        "CORS_ALLOW_PRIVATE_NETWORK": True,
        "CORS_ALLOW_METHODS": ["GET"],
        "CORS_ALLOW_HEADERS": ("x-api-key",),
        "CORS_EXPOSE_HEADERS": ["x-total"],
        "CORS_PREFLIGHT_MAX_AGE": 60,
        "CORS_URLS_REGEX": r"^/api/",
        "CORS_REPLACE_HTTPS_REFERER": True,
    }
    for name, value in written.items():
        setattr(settings, name, value)
    for name, value in written.items():
        # The very object the project wrote: origins not normalised, regexes not compiled.
        assert getattr(conf, name) is value, name


def test_old_names_answer_too(settings: SettingsWrapper) -> None:
    for name in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"):
        if hasattr(settings, name):
            delattr(settings, name)
    settings.CORS_ORIGIN_WHITELIST = ["https://a.example"]
    settings.CORS_ORIGIN_ALLOW_ALL = True
    assert conf.CORS_ORIGIN_WHITELIST == conf.CORS_ALLOWED_ORIGINS == ["https://a.example"]
    assert conf.CORS_ORIGIN_ALLOW_ALL is conf.CORS_ALLOW_ALL_ORIGINS is True
    assert conf.CORS_ORIGIN_REGEX_WHITELIST == ()


def test_the_new_name_wins_over_the_old_one(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://new.example"]
    settings.CORS_ORIGIN_WHITELIST = ["https://old.example"]
    assert conf.CORS_ALLOWED_ORIGINS == ["https://new.example"]


def test_where_nothing_is_written_a_django_dcors_setting_gives_the_value_in_effect(settings: SettingsWrapper) -> None:
    for name in ("CORS_ALLOWED_ORIGINS", "CORS_ORIGIN_WHITELIST", "CORS_PREFLIGHT_MAX_AGE"):
        if hasattr(settings, name):
            delattr(settings, name)
    settings.CORS_ALLOW_ORIGIN = "https://Legacy.example"
    settings.CORS_MAX_AGE = 120
    assert conf.CORS_ALLOWED_ORIGINS == ("https://legacy.example",)
    assert conf.CORS_PREFLIGHT_MAX_AGE == 120
