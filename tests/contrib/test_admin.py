"""The real admin, logged in as a superuser: validation messages, search, filters, actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from crossorigin.contrib.origins.models import AllowedOrigin
from crossorigin.contrib.origins.store import read_version

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.contrib.urls")]

ADD = "/admin/crossorigin_origins/allowedorigin/add/"
LIST = "/admin/crossorigin_origins/allowedorigin/"


def add(client: Any, origin: str, **fields: Any) -> Any:
    data = {"origin": origin, "enabled": "on", "note": "", **fields}
    return client.post(ADD, data, follow=True)


def texts(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_origin_is_saved_in_normal_form_with_a_message(admin_client: Any) -> None:
    response = add(admin_client, "HTTPS://Shop.Example:443", note="customer 42")
    assert response.status_code == 200
    row = AllowedOrigin.objects.get()
    assert (row.origin, row.note, row.enabled) == ("https://shop.example", "customer 42", True)
    assert any("saved in normal form as https://shop.example" in t for t in texts(response))


@pytest.mark.parametrize(
    ("origin", "words"),
    [
        ("https://shop.example/", "remove the trailing slash"),
        ("shop.example", "missing a scheme"),
        ("https://*.github.io", "public suffix"),
        ("*", "CORS_ALLOW_ALL_ORIGINS"),
    ],
)
def test_invalid_origins_are_refused_with_the_reason_on_the_field(admin_client: Any, origin: str, words: str) -> None:
    response = add(admin_client, origin)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert words in " ".join(form.errors["origin"])
    assert words in response.content.decode()
    assert not AllowedOrigin.objects.exists()


def test_a_duplicate_in_another_spelling_is_refused(admin_client: Any) -> None:
    AllowedOrigin.objects.create(origin="https://shop.example")
    response = add(admin_client, "https://SHOP.example:443")
    assert "already exists" in " ".join(response.context["adminform"].form.errors["origin"])
    assert AllowedOrigin.objects.count() == 1


def test_null_is_refused_while_credentials_are_allowed(admin_client: Any, settings: Any) -> None:
    settings.CORS_ALLOW_CREDENTIALS = True
    response = add(admin_client, "null")
    assert "sandboxed iframe" in " ".join(response.context["adminform"].form.errors["origin"])
    assert not AllowedOrigin.objects.exists()


@pytest.mark.urls("tests.contrib.credentials_urls")
def test_a_view_that_allows_credentials_counts_too(admin_client: Any) -> None:
    response = add(admin_client, "null")
    assert "sandboxed iframe" in " ".join(response.context["adminform"].form.errors["origin"])


def test_null_without_credentials_is_saved_with_a_warning(admin_client: Any) -> None:
    response = add(admin_client, "null")
    assert AllowedOrigin.objects.filter(origin="null").exists()
    assert any("sandboxed iframe" in t for t in texts(response))


def test_plain_http_with_credentials_is_saved_with_a_warning_message(admin_client: Any, settings: Any) -> None:
    settings.CORS_ALLOW_CREDENTIALS = True
    response = add(admin_client, "http://plain.example")
    assert AllowedOrigin.objects.filter(origin="http://plain.example").exists()
    assert any("plain http://" in t for t in texts(response))


@pytest.fixture
def rows(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        AllowedOrigin.objects.bulk_create(
            [
                AllowedOrigin(origin="https://acme.example", note="Acme Corp, ticket 12"),
                AllowedOrigin(origin="https://*.globex.example", note="Globex white label"),
                AllowedOrigin(origin="http://localhost:*", note="developers"),
                AllowedOrigin(origin="wss://socket.example", enabled=False, note="old\nsecond line"),
                AllowedOrigin(origin="null", enabled=False),
            ]
        )


def listed(response: Any) -> list[str]:
    return sorted(str(row) for row in response.context["cl"].result_list)


@pytest.mark.usefixtures("rows")
def test_search_and_filters(admin_client: Any) -> None:
    assert len(listed(admin_client.get(LIST))) == 5
    assert listed(admin_client.get(LIST, {"q": "ticket"})) == ["https://acme.example"]
    assert listed(admin_client.get(LIST, {"q": "GLOBEX"})) == ["https://*.globex.example"]
    assert listed(admin_client.get(LIST, {"q": "HTTPS://Acme.Example:443"})) == ["https://acme.example"]
    assert listed(admin_client.get(LIST, {"q": "HTTPS://Acme.Example:443", "enabled__exact": "0"})) == []
    assert listed(admin_client.get(LIST, {"enabled__exact": "0"})) == ["null", "wss://socket.example"]
    assert listed(admin_client.get(LIST, {"kind": "subdomains"})) == ["https://*.globex.example"]
    assert listed(admin_client.get(LIST, {"kind": "any_port"})) == ["http://localhost:*"]
    assert listed(admin_client.get(LIST, {"kind": "special"})) == ["null"]
    assert listed(admin_client.get(LIST, {"kind": "exact"})) == ["https://acme.example", "wss://socket.example"]
    assert listed(admin_client.get(LIST, {"scheme": "http"})) == ["http://localhost:*"]
    assert listed(admin_client.get(LIST, {"scheme": "https"})) == ["https://*.globex.example", "https://acme.example"]
    assert listed(admin_client.get(LIST, {"scheme": "other"})) == ["null", "wss://socket.example"]
    page = admin_client.get(LIST).content.decode()
    assert "Acme Corp, ticket 12" in page
    assert "second line" not in page


@pytest.mark.usefixtures("rows")
def test_bulk_actions_enable_and_disable_and_bump_the_version(
    admin_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ids = list(AllowedOrigin.objects.filter(origin__startswith="https").values_list("pk", flat=True))
    before = read_version()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            LIST, {"action": "disable_selected", "_selected_action": [str(i) for i in ids]}, follow=True
        )
    assert "2 origins disabled." in texts(response)
    assert not AllowedOrigin.objects.filter(pk__in=ids, enabled=True).exists()
    assert read_version() not in (None, before)
    response = admin_client.post(LIST, {"action": "enable_selected", "_selected_action": [str(ids[0])]}, follow=True)
    assert "1 origin enabled." in texts(response)


@pytest.mark.usefixtures("rows")
def test_the_change_page_shows_the_timestamps(admin_client: Any) -> None:
    row = AllowedOrigin.objects.get(origin="https://acme.example")
    page = admin_client.get(f"{LIST}{row.pk}/change/").content.decode()
    assert "Created" in page
    assert "Updated" in page


def test_only_staff_may_edit(client: Any) -> None:
    response = client.post(ADD, {"origin": "https://sneaky.example", "enabled": "on"})
    assert response.status_code == 302
    assert not AllowedOrigin.objects.exists()
