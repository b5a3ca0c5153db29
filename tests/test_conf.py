"""crossorigin.conf.conf answers django-cors-headers' attribute names from the compiled settings."""

from __future__ import annotations

import re

from django.test import override_settings

from crossorigin import registry
from crossorigin.conf import Settings, conf
from crossorigin.defaults import default_headers, default_methods
from tests.conftest import SettingsWrapper


def test_defaults_match_the_incumbents() -> None:
    with override_settings():
        assert default_headers == conf.CORS_ALLOW_HEADERS
        assert default_methods == conf.CORS_ALLOW_METHODS
        assert conf.CORS_PREFLIGHT_MAX_AGE == 86400
        assert conf.CORS_URLS_REGEX == r"^.*$"
        assert conf.CORS_EXPOSE_HEADERS == ()


def test_every_attribute_follows_override_settings(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOWED_ORIGINS = ["https://A.example:443", "http://localhost:3000"]
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\w+\.b\.example$"]
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOW_CREDENTIALS = True
    settings.CORS_ALLOW_PRIVATE_NETWORK = True
    settings.CORS_ALLOW_METHODS = ["GET"]
    settings.CORS_ALLOW_HEADERS = ["x-api-key"]
    settings.CORS_EXPOSE_HEADERS = ["x-total"]
    settings.CORS_PREFLIGHT_MAX_AGE = 60
    settings.CORS_URLS_REGEX = r"^/api/"
    settings.CORS_REPLACE_HTTPS_REFERER = True
    # Origins in the normal form they are compared in.
    assert conf.CORS_ALLOWED_ORIGINS == ("https://a.example", "http://localhost:3000")
    assert [p.pattern for p in conf.CORS_ALLOWED_ORIGIN_REGEXES] == [r"^https://\w+\.b\.example$"]
    assert conf.CORS_ALLOW_ALL_ORIGINS is False
    assert conf.CORS_ALLOW_CREDENTIALS is True
    assert conf.CORS_ALLOW_PRIVATE_NETWORK is True
    assert conf.CORS_ALLOW_METHODS == ("GET",)
    assert conf.CORS_ALLOW_HEADERS == ("x-api-key",)
    assert conf.CORS_EXPOSE_HEADERS == ("x-total",)
    assert conf.CORS_PREFLIGHT_MAX_AGE == 60
    urls = conf.CORS_URLS_REGEX
    assert isinstance(urls, re.Pattern)
    assert urls.match("/api/items")
    assert conf.CORS_REPLACE_HTTPS_REFERER is True


def test_old_names_answer_too(settings: SettingsWrapper) -> None:
    for name in ("CORS_ALLOWED_ORIGINS", "CORS_ALLOW_ALL_ORIGINS", "CORS_ALLOWED_ORIGIN_REGEXES"):
        if hasattr(settings, name):
            delattr(settings, name)
    settings.CORS_ORIGIN_WHITELIST = ["https://a.example"]
    settings.CORS_ORIGIN_ALLOW_ALL = True
    assert conf.CORS_ORIGIN_WHITELIST == conf.CORS_ALLOWED_ORIGINS == ("https://a.example",)
    assert conf.CORS_ORIGIN_ALLOW_ALL is conf.CORS_ALLOW_ALL_ORIGINS is True
    assert conf.CORS_ORIGIN_REGEX_WHITELIST == ()


def test_values_come_from_the_compiled_policy_not_from_settings(settings: SettingsWrapper) -> None:
    settings.CORS_ALLOW_HEADERS = ["x-one"]
    compiled = registry.current().settings.options
    assert conf.CORS_ALLOW_HEADERS is compiled.allow_headers
    assert Settings().CORS_ALLOW_METHODS is compiled.allow_methods
