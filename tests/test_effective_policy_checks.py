"""Issue 13 items 1 and 10: the checks see, per route, the policy a request to it really gets.

A ``@cors_policy`` view inside a ``CORS_URL_POLICIES`` prefix gets the URL policy with
the view's overrides laid over it. The checks walk the URLconf and run the security
checks on exactly that merge, naming the route and the view.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from crossorigin._checks.security import url_policy_indexes
from crossorigin._checks.views import routes
from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import read_settings
from crossorigin.checks import check_settings
from tests.conftest import Send
from tests.cors_asserts import allowed

pytestmark = pytest.mark.urls("tests.effective_policy_urls")

ATTACKER = "https://attacker.example"
ALLOW_ALL_UNDER_API = [(r"^/api/", {"allow_all_origins": True})]


def messages(**cors: Any) -> list[Any]:
    with override_settings(**cors):
        return check_settings()


def with_id(found: list[Any], wanted: str) -> list[Any]:
    return [m for m in found if m.id == wanted]


def test_a_narrowing_view_with_credentials_under_an_allow_all_url_policy_is_e020(send: Send) -> None:
    with override_settings(CORS_URL_POLICIES=ALLOW_ALL_UNDER_API):
        # Merged, the view's policy would reflect any origin with credentials; as an Error
        # it is closed when compiled (fail-closed guards every view policy), so nothing is.
        response = send("GET", "/api/partner/", {"Origin": ATTACKER})
        assert "access-control-allow-origin" not in response.headers
    with override_settings(CORS_URL_POLICIES=ALLOW_ALL_UNDER_API, SILENCED_SYSTEM_CHECKS=["crossorigin.E020"]):
        # Silenced, it does what the settings say: that is what the check warns of.
        response = send("GET", "/api/partner/", {"Origin": ATTACKER})
        assert allowed(response, ATTACKER, credentials=True) == ATTACKER
    (message,) = with_id(messages(CORS_URL_POLICIES=ALLOW_ALL_UNDER_API), "crossorigin.E020")
    assert "'/api/partner/'" in message.msg
    assert "tests.effective_policy_urls.document" in message.msg
    assert "CORS_URL_POLICIES[0]['allow_all_origins']" in message.msg
    assert "@cors_policy(allow_credentials=...)" in message.msg


def test_null_from_a_url_policy_with_credentials_from_the_view_is_e024() -> None:
    policies = [(r"^/embed/", {"allowed_origins": ["null"]})]
    (message,) = with_id(messages(CORS_URL_POLICIES=policies), "crossorigin.E024")
    assert "'/embed/credentialed/'" in message.msg
    assert "CORS_URL_POLICIES[0]['allowed_origins']" in message.msg


def test_a_route_with_a_variable_part_is_checked_under_every_url_policy_it_can_reach() -> None:
    # /pages/<str:section>/ serves /pages/public/, which the allow-all policy covers.
    policies = [(r"^/pages/public/", {"allow_all_origins": True})]
    found = with_id(messages(CORS_URL_POLICIES=policies), "crossorigin.E020")
    assert any("'/pages/<str:section>/'" in m.msg for m in found)
    # /other/<int:pk>/ never starts with /pages/: not reported for it.
    assert not any("/other/" in m.msg for m in found)


def test_a_view_under_a_safe_url_policy_is_not_reported_for_the_global_settings() -> None:
    # Globally every origin is allowed (public data, no credentials). Under ^/api/ a URL
    # policy turns that off, so the credentialed partner view there is safe.
    safe = [(r"^/api/", {"allowed_origins": ["https://partner.example"], "allow_all_origins": False})]
    found = messages(CORS_ALLOW_ALL_ORIGINS=True, CORS_URL_POLICIES=safe)
    assert not any("/api/partner/" in m.msg for m in with_id(found, "crossorigin.E020"))
    # The same view reached through /v1/ has no URL policy: over the global allow-all it is E020.
    assert any("'/v1/partner/'" in m.msg for m in with_id(found, "crossorigin.E020"))


def test_literal_routes_get_exactly_the_middlewares_url_policy() -> None:
    policies = [(r"^/api/", {"allow_all_origins": True}), (r"^/", {"allow_credentials": True})]
    with override_settings(CORS_URL_POLICIES=policies):
        compiled = PolicySet(read_settings())
        by_route = {r.route: r for r in routes()}
        assert url_policy_indexes(compiled, by_route["/api/partner/"]) == [0]
        assert url_policy_indexes(compiled, by_route["/embed/credentialed/"]) == [1]
        # ^/ is a plain prefix of every path: nothing after it, not even the global, applies.
        assert url_policy_indexes(compiled, by_route["/pages/<str:section>/"]) == [1]


def test_one_finding_per_view_and_url_policy_not_per_route() -> None:
    found = with_id(messages(CORS_ALLOW_ALL_ORIGINS=True), "crossorigin.E020")
    # Two decorated views (partner on two routes, credentialed on three), both over the
    # global settings: one message each, naming the first route that showed it.
    assert sorted(m.msg.split("'")[1] for m in found if "for requests to route" in m.msg) == [
        "/api/partner/",
        "/embed/credentialed/",
    ]


# -- item 10: narrowing that does nothing ---------------------------------------------------------


def test_a_url_policy_listing_origins_under_a_global_allow_all_is_w041() -> None:
    policies = [(r"^/api/", {"allowed_origins": ["https://partner.example"]})]
    found = with_id(messages(CORS_ALLOW_ALL_ORIGINS=True, CORS_URL_POLICIES=policies), "crossorigin.W041")
    (message,) = [m for m in found if m.msg.startswith("CORS_URL_POLICIES[0] lists allowed_origins")]
    assert "CORS_ALLOW_ALL_ORIGINS allows every origin" in message.msg
    assert "'allow_all_origins': False" in message.hint
    turned_off = [(r"^/api/", {"allowed_origins": ["https://partner.example"], "allow_all_origins": False})]
    found = with_id(messages(CORS_ALLOW_ALL_ORIGINS=True, CORS_URL_POLICIES=turned_off), "crossorigin.W041")
    assert not [m for m in found if m.msg.startswith("CORS_URL_POLICIES[0]")]
    assert not with_id(messages(CORS_URL_POLICIES=policies), "crossorigin.W041")


def test_a_view_listing_origins_under_an_allow_all_url_policy_is_w041() -> None:
    found = with_id(messages(CORS_URL_POLICIES=ALLOW_ALL_UNDER_API), "crossorigin.W041")
    assert len(found) == 1
    assert "'/api/partner/'" in found[0].msg
    assert "CORS_URL_POLICIES[0]" in found[0].msg


def test_a_policy_on_a_viewset_action_sharing_its_route_is_w042() -> None:
    (message,) = with_id(messages(), "crossorigin.W042")
    assert "NotesViewSet.create" in message.msg
    assert "'/notes/$'" in message.msg
