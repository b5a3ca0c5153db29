"""One selection: a preflight gets the policy its actual request will get (issue 19).

Real ``LocaleMiddleware`` with ``i18n_patterns``, and the real django-hosts middleware,
above and then below ours. Global settings allow a partner origin with credentials and
``DELETE``; a view reached only under ``/fr/`` or only on the admin host allows only the
admin origin. The partner's preflight must not be allowed for it, and the admin's must.
"""

from __future__ import annotations

import ast
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation

from crossorigin._checks.startup import check_middleware, check_settings
from crossorigin._config import registry
from crossorigin._config.selection import UNRESOLVED, select_for_request, select_policy
from crossorigin._core.policy import Reason
from crossorigin._http.recording import decision_for
from tests.selection_urls import ADMIN, PARTNER, admin_only

OURS = "crossorigin.middleware.CorsMiddleware"
LOCALE = "django.middleware.locale.LocaleMiddleware"
HOSTS = "django_hosts.middleware.HostsRequestMiddleware"
GLOBAL = {"CORS_ALLOWED_ORIGINS": [PARTNER], "CORS_ALLOW_CREDENTIALS": True}
I18N = {
    **GLOBAL,
    "ROOT_URLCONF": "tests.selection_urls",
    "USE_I18N": True,
    "LANGUAGE_CODE": "en",
    "LANGUAGES": [("en", "English"), ("fr", "French")],
}
HOSTED = {**GLOBAL, "ROOT_HOSTCONF": "tests.selection_hosts", "DEFAULT_HOST": "www", "ROOT_URLCONF": "tests.urls"}


def preflight(client: Client, path: str, origin: str, **extra: Any) -> Any:
    return client.options(path, headers={"origin": origin, "access-control-request-method": "DELETE"}, **extra)


@pytest.mark.parametrize("leftover", ["en", "fr"])
def test_i18n_preflight_is_selected_under_the_language_its_path_names(leftover: str) -> None:
    with override_settings(**I18N, MIDDLEWARE=[OURS, LOCALE, "django.middleware.common.CommonMiddleware"]):
        client = Client()
        # A previous request on this thread leaves its language active, as LocaleMiddleware does.
        assert client.get(f"/{leftover}/open/").status_code in {200, 302, 404}
        translation.activate(leftover)
        refused = preflight(client, "/fr/admin-only/", PARTNER)
        assert refused.status_code == 200
        assert "Access-Control-Allow-Origin" not in refused
        allowed = preflight(client, "/fr/admin-only/", ADMIN)
        assert allowed["Access-Control-Allow-Origin"] == ADMIN
        assert decision_for(allowed.wsgi_request).policy == "view:" + admin_only.__module__ + ".plain"
        # The actual request gets the same policy as its preflight.
        actual = client.delete("/fr/admin-only/", headers={"origin": ADMIN})
        assert actual["Access-Control-Allow-Origin"] == ADMIN
        assert "Access-Control-Allow-Origin" not in client.delete("/fr/admin-only/", headers={"origin": PARTNER})
    translation.deactivate()


@pytest.mark.parametrize("host", ["admin.example.com"])
def test_per_host_urlconf_set_above_ours_selects_the_hosts_view(host: str) -> None:
    with override_settings(**HOSTED, MIDDLEWARE=[HOSTS, OURS, "django.middleware.common.CommonMiddleware"]):
        client = Client()
        refused = preflight(client, "/panel/", PARTNER, HTTP_HOST=host)
        assert "Access-Control-Allow-Origin" not in refused
        allowed = preflight(client, "/panel/", ADMIN, HTTP_HOST=host)
        assert allowed["Access-Control-Allow-Origin"] == ADMIN
        actual = client.delete("/panel/", headers={"origin": ADMIN}, HTTP_HOST=host)
        assert actual["Access-Control-Allow-Origin"] == ADMIN
        # The other host's URLconf has no such view: the global policy answers there.
        other = preflight(client, "/api/items/", PARTNER, HTTP_HOST="www.example.com")
        assert other["Access-Control-Allow-Origin"] == PARTNER


def test_per_host_urlconf_set_below_ours_is_reported_at_start_up_and_at_run_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    middleware = [OURS, HOSTS, "django.middleware.common.CommonMiddleware"]
    with override_settings(**HOSTED, MIDDLEWARE=middleware):
        assert any(m.id == "crossorigin.W066" and HOSTS in m.msg for m in check_middleware())
        client = Client()
        with caplog.at_level(logging.ERROR, logger="crossorigin"):
            client.delete("/panel/", headers={"origin": ADMIN}, HTTP_HOST="admin.example.com")
            client.delete("/panel/", headers={"origin": ADMIN}, HTTP_HOST="admin.example.com")
        moved = [
            r for r in caplog.records if "request.urlconf" in r.getMessage() or "routed by URLconf" in r.getMessage()
        ]
        assert len(moved) == 1  # once
        assert HOSTS in moved[0].getMessage()
    with override_settings(**HOSTED, MIDDLEWARE=[HOSTS, OURS]):
        assert not [m for m in check_middleware() if m.id == "crossorigin.W066"]


@override_settings(CORS_URLCONF_MIDDLEWARE=["myproject.routing.TenantMiddleware"])
def test_a_project_names_its_own_urlconf_middleware() -> None:
    with override_settings(MIDDLEWARE=[OURS, "myproject.routing.TenantMiddleware"]):
        assert [m.id for m in check_middleware() if m.id == "crossorigin.W066"] == ["crossorigin.W066"]


def test_select_policy_takes_plain_values() -> None:
    with override_settings(**HOSTED):
        policies = registry.current()
        found = select_policy(policies, "/panel/", urlconf="tests.selection_admin_urls")
        assert (found.source, found.url_index, found.urlconf) == ("view", -1, "tests.selection_admin_urls")
        assert found.view is not None
        assert found.enabled
        # No view (a WebSocket path, say): the URL or global policy only.
        plain = select_policy(policies, "/panel/", urlconf="tests.selection_admin_urls", view=None)
        assert (plain.source, plain.view) == ("global", None)
        assert plain.policy is policies.global_policy
        # Not found in ROOT_URLCONF: the global policy.
        assert select_policy(policies, "/panel/").source == "global"


def test_the_request_adapter_uses_the_view_that_ran() -> None:
    with override_settings(**HOSTED, MIDDLEWARE=[HOSTS, OURS]):
        response = Client().get("/panel/", headers={"origin": ADMIN}, HTTP_HOST="admin.example.com")
        request = response.wsgi_request
        assert select_for_request(request).source == "view"
        assert select_for_request(request, view=UNRESOLVED).view == select_for_request(request).view


def test_decision_for_reads_what_the_middleware_applied() -> None:
    with override_settings(**HOSTED, MIDDLEWARE=[HOSTS, OURS]):
        client = Client()
        response = preflight(client, "/panel/", PARTNER, HTTP_HOST="admin.example.com")
        decision = decision_for(response.wsgi_request)
        assert decision.reason is Reason.ORIGIN_NOT_ALLOWED
        assert decision.preflight
    from django.test import RequestFactory

    with pytest.raises(LookupError):
        decision_for(RequestFactory().get("/"))


def test_decisions_are_recorded_only_once_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    import crossorigin._http.recording

    monkeypatch.setitem(crossorigin._http.recording.RECORD, "on", False)  # as in a server: nothing imported testing
    with override_settings(**GLOBAL):
        response = Client().get("/api/items/", headers={"origin": PARTNER})
        assert response["Access-Control-Allow-Origin"] == PARTNER
        with pytest.raises(LookupError):
            decision_for(response.wsgi_request)
        crossorigin._http.recording.record_decisions()
        response = Client().get("/api/items/", headers={"origin": PARTNER})
        assert decision_for(response.wsgi_request).allowed


@pytest.mark.registered_views
def test_checks_see_a_view_routed_only_by_a_urlconf_they_cannot_find() -> None:
    # No URLconf the checks know routes to this view; the decorators registered it.
    from crossorigin.decorators import cors_policy
    from tests import views

    reflected = cors_policy(allow_all_origins=True)(views.plain)
    with override_settings(CORS_ALLOW_CREDENTIALS=True, CORS_ALLOWED_ORIGINS=[PARTNER]):
        errors = [m for m in check_settings() if m.id == "crossorigin.E020" and "views.plain" in m.msg]
    assert errors, "the view's allow-all with credentials was not reported"
    assert reflected is not views.plain


def test_explain_agrees_with_the_i18n_preflight(capsys: pytest.CaptureFixture[str]) -> None:
    with override_settings(**I18N, MIDDLEWARE=[OURS, LOCALE]):
        translation.activate("en")
        real = preflight(Client(), "/fr/admin-only/", PARTNER)
        translation.activate("en")
        call_command("cors_explain", "--method", "DELETE", "--json", PARTNER, "/fr/admin-only/")
        said = json.loads(capsys.readouterr().out)
        translation.activate("en")
        call_command("cors_explain", "--method", "DELETE", "--json", ADMIN, "/fr/admin-only/")
        admin_said = json.loads(capsys.readouterr().out)
    translation.deactivate()
    assert "Access-Control-Allow-Origin" not in real
    assert said["allowed"] is False
    assert admin_said["allowed"] is True
    assert any("the one the actual request gets" in note for note in admin_said["notes"])


@override_settings(ROOT_URLCONF="tests.policy_urls", CORS_ALLOWED_ORIGINS=[PARTNER])
def test_explain_says_when_the_actual_request_gets_another_policy(capsys: pytest.CaptureFixture[str]) -> None:
    # /fn reaches the decorated view only with the slash APPEND_SLASH adds: the preflight
    # is answered under the view's policy, the actual request is a redirect under the global one.
    from tests.policy_views import FN_ORIGIN

    real = preflight(Client(), "/fn", FN_ORIGIN)
    call_command("cors_explain", "--method", "DELETE", "--json", FN_ORIGIN, "/fn")
    said = json.loads(capsys.readouterr().out)
    assert real["Access-Control-Allow-Origin"] == FN_ORIGIN
    assert any("but the actual request gets the global policy" in note for note in said["notes"]), said["notes"]


# -- no other module selects ------------------------------------------------------------------

SRC = Path(__file__).resolve().parent.parent / "src" / "crossorigin"
# What only crossorigin._config.selection may call: Django's resolver, and the compiled
# policies' building blocks of a selection.
SELECTING = {"url_selection", "view_selection", "url_selection_at", "routed_by", "select"}


def selecting_code(tree: ast.AST) -> list[str]:
    """What in a module resolves a view or picks a policy itself."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.urls":
            found += [f"imports {a.name}" for a in node.names if a.name == "resolve"]
        elif isinstance(node, ast.Attribute) and node.attr in SELECTING | {"resolve"}:
            base = node.value
            if node.attr != "resolve" or (isinstance(base, ast.Name) and base.id == "urls"):
                found.append(f"uses .{node.attr} (line {node.lineno})")
    return found


def test_only_the_selection_module_resolves_views_or_picks_a_policy() -> None:
    allowed = {SRC / "_config" / "selection.py", SRC / "_config" / "registry.py"}  # registry: the building blocks
    offenders = {
        str(path.relative_to(SRC)): found
        for path in sorted(SRC.rglob("*.py"))
        if path not in allowed and (found := selecting_code(ast.parse(path.read_text())))
    }
    assert offenders == {}


def test_the_scan_sees_a_module_that_resolves() -> None:
    assert selecting_code(ast.parse("from django.urls import resolve\n")) == ["imports resolve"]
    assert selecting_code(ast.parse("p.url_selection('/x')\n"))


@pytest.mark.parametrize(("origin", "readable"), [(ADMIN, True), (PARTNER, False)])
def test_explain_follows_the_host_s_urlconf_as_the_middleware_does(origin: str, readable: bool) -> None:
    from crossorigin.explain import explain

    with override_settings(**HOSTED, MIDDLEWARE=[HOSTS, OURS, "django.middleware.common.CommonMiddleware"]):
        explained = explain(origin, "/panel/", method="DELETE", host="admin.example.com")
        real_preflight = preflight(Client(), "/panel/", origin, HTTP_HOST="admin.example.com")
        real = Client().delete("/panel/", headers={"origin": origin}, HTTP_HOST="admin.example.com")
    assert explained.preflight is not None
    assert explained.preflight.decision.allowed is readable
    assert ("Access-Control-Allow-Origin" in real_preflight) is readable
    assert explained.actual.decision.allowed is readable
    assert ("Access-Control-Allow-Origin" in real) is readable
    assert explained.preflight.decision.policy == "view:" + admin_only.__module__ + ".plain"
    assert any("tests.selection_admin_urls" in note for note in explained.notes)
