"""The reason sentence names the policy that decided, not always the global setting.

The demo's per-view row once said "Every origin is allowed (CORS_ALLOW_ALL_ORIGINS)"
for a view whose ``@cors_policy(allow_all_origins=True)`` had done it: ``Reason``'s
sentence is one fixed text per reason code, shared by every scope. The explanation now
words the sentence itself, from the overrides the view and the URL policy set.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

from django.core.management import call_command

from crossorigin._core.policy import Reason
from crossorigin.explain import explain


def sentence(*args: str) -> str:
    out = StringIO()
    call_command("cors_explain", *args, "--json", stdout=out)
    value: str = json.loads(out.getvalue())["actual"]["sentence"]
    return value


def test_a_views_allow_all_is_named_as_the_views_decorator() -> None:
    text = sentence("https://anyone.example", "/open/")
    assert text == "Every origin is allowed (@cors_policy(allow_all_origins=True) on tests.views.open_view)."
    assert "CORS_ALLOW_ALL_ORIGINS" not in text


def test_a_url_policys_allow_all_is_named_as_the_url_policy(settings: Any) -> None:
    settings.CORS_URL_POLICIES = [(r"^/public/", {"allow_all_origins": True})]
    assert sentence("https://anyone.example", "/public/items/") == (
        "Every origin is allowed (CORS_URL_POLICIES[0]['allow_all_origins'])."
    )


def test_the_global_setting_is_named_when_it_decided(settings: Any) -> None:
    settings.CORS_ALLOW_ALL_ORIGINS = True
    assert sentence("https://anyone.example", "/api/items/") == "Every origin is allowed (CORS_ALLOW_ALL_ORIGINS)."


def test_a_view_that_sets_other_keys_leaves_the_origin_list_to_the_global_setting() -> None:
    # PolicyClassView sets allowed_origins itself: that is what its sentence names.
    text = sentence("https://class.example", "/class/")
    assert text == "The origin is listed in @cors_policy(allowed_origins=...) on tests.views.PolicyClassView."
    assert sentence("https://example.com", "/api/items/") == "The origin is listed in CORS_ALLOWED_ORIGINS."


def test_a_refusal_names_the_policy_that_applies() -> None:
    text = sentence("https://example.com", "/class/")
    assert "@cors_policy on tests.views.PolicyClassView" in text


def test_the_result_step_uses_the_same_sentence() -> None:
    result = explain("https://anyone.example", "/open/")
    (step,) = [s for s in result.actual.steps if s.check == "result"]
    assert step.detail == f"allowed-all-origins: {result.actual.sentence}"


def test_the_reason_code_sentence_no_longer_claims_a_global_setting() -> None:
    assert "CORS_ALLOW_ALL_ORIGINS" not in Reason.ALLOWED_ALL_ORIGINS.sentence
