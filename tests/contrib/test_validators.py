"""The rules an origin meets before it is stored: the settings' parser and security rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from crossorigin.contrib.origins.validators import checked_origin, credentials_in_use, is_loopback, is_public_suffix


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://example.com", "https://example.com"),
        ("HTTPS://Example.COM:443", "https://example.com"),
        ("http://localhost:*", "http://localhost:*"),
        ("https://*.Example.com", "https://*.example.com"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
        ("null", "null"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_origins_are_stored_in_the_settings_normal_form(typed: str, stored: str) -> None:
    assert checked_origin(typed, credentials=False)[0] == stored


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("https://example.com/", "trailing slash"),
        ("example.com", "missing a scheme"),
        ("*", "CORS_ALLOW_ALL_ORIGINS"),
        ("https://*example.com", "not allowed"),
        ("https://user@example.com", "user information"),
        ("", "Enter an origin"),
        (" https://example.com", "white space"),
    ],
)
def test_malformed_origins_are_refused_with_the_parsers_reason(typed: str, words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        checked_origin(typed, credentials=False)
    assert words in " ".join(caught.value.messages)


@pytest.mark.parametrize("special", ["null", "file://"])
def test_null_and_file_are_refused_with_credentials_and_warned_without(special: str) -> None:
    with pytest.raises(ValidationError) as caught:
        checked_origin(special, credentials=True)
    assert "sandboxed iframe" in caught.value.messages[0]
    normal, warnings = checked_origin(special, credentials=False)
    assert normal == special
    assert [w.id for w in warnings] == ["crossorigin_origins.W101"]


@pytest.mark.parametrize("pattern", ["https://*.github.io", "https://*.co.uk", "https://*.com", "https://*.vercel.app"])
def test_wildcards_over_public_suffixes_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError) as caught:
        checked_origin(pattern, credentials=False)
    assert "public suffix" in caught.value.messages[0]


@pytest.mark.parametrize("pattern", ["https://*.corp", "https://*.com"])
def test_wildcards_over_a_single_label_are_refused_even_off_the_list(pattern: str) -> None:
    assert is_public_suffix(pattern.rpartition("*.")[2])
    with pytest.raises(ValidationError):
        checked_origin(pattern, credentials=False)
    assert not is_public_suffix("example.com")


@pytest.mark.parametrize("pattern", ["https://*.127.0.0.1", "https://*.10.0.0.1"])
def test_wildcards_over_ip_addresses_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError) as caught:
        checked_origin(pattern, credentials=False)
    assert "IP address" in caught.value.messages[0]


def test_own_domain_wildcards_and_localhost_wildcards_are_accepted() -> None:
    assert checked_origin("https://*.example.com", credentials=True) == ("https://*.example.com", [])
    assert checked_origin("http://*.localhost", credentials=True) == ("http://*.localhost", [])


def test_plain_http_with_credentials_is_a_warning_except_on_loopback() -> None:
    normal, warnings = checked_origin("http://shop.example", credentials=True)
    assert normal == "http://shop.example"
    assert [w.id for w in warnings] == ["crossorigin_origins.W104"]
    assert checked_origin("http://shop.example", credentials=False)[1] == []
    assert checked_origin("http://localhost:8000", credentials=True)[1] == []
    assert is_loopback("127.0.0.2")
    assert is_loopback("[::1]")
    assert not is_loopback("example.com")


def test_over_long_origins_are_refused() -> None:
    host = ".".join(["a" * 60] * 4)  # 243 characters: the longest names are accepted
    assert checked_origin(f"https://*.{host}:65535", credentials=False)[0] == f"https://*.{host}:65535"
    with pytest.raises(ValidationError) as caught:
        checked_origin(f"{'x' * 300}://example.com", credentials=False)
    assert "longer than 300" in caught.value.messages[0]


def test_credentials_in_use_follows_every_policy(settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.contrib.urls"
    settings.CORS_ALLOW_CREDENTIALS = False
    assert not credentials_in_use()
    settings.CORS_URL_POLICIES = [(r"^/api/", {"allow_credentials": True})]
    assert credentials_in_use()
    settings.CORS_URL_POLICIES = []
    settings.CORS_ALLOW_CREDENTIALS = True
    assert credentials_in_use()
    settings.CORS_ALLOW_CREDENTIALS = False
    settings.ROOT_URLCONF = "tests.contrib.credentials_urls"  # a @cors_policy(allow_credentials=True) view
    assert credentials_in_use()


@pytest.mark.parametrize("pattern", ["https://*.0.0.1", "https://*.1.2", "https://*.example.123"])
def test_wildcards_over_numeric_labels_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError) as caught:
        checked_origin(pattern, credentials=False)
    assert "numeric labels" in caught.value.messages[0]


def test_unicode_hosts_are_stored_in_uts46_non_transitional_form() -> None:
    assert checked_origin("https://faß.de", credentials=False)[0] == "https://xn--fa-hia.de"
