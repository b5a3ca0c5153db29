"""A path's URL policy is remembered: RE2 runs once per path, and the memo stays bounded."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from crossorigin._config import registry
from crossorigin._config.registry import MAX_REMEMBERED_PATH, PolicySet
from crossorigin._config.selection import select_policy
from crossorigin._core.policy import MEMO_MAX_ENTRIES, Policy


def route(policies: PolicySet, path: str) -> tuple[int, Policy, bool]:
    """The URL policy ``select_policy`` picks for a path with no view: (index, policy, CORS on)."""
    found = select_policy(policies, path, view=None)
    return found.url_index, found.policy, found.enabled


URL_POLICIES = [
    (r"^/api/public/", {"allow_all_origins": True}),
    (r"^/api/v[0-9]+/items/[0-9]+/$", {"allowed_origins": ["https://items.example.com"]}),
]
URLS_REGEX = r"^/api/.*$"


def expected(path: str) -> tuple[int, bool]:
    """What the settings say for ``path``, worked out with Python's re."""
    for index, (pattern, _overrides) in enumerate(URL_POLICIES):
        if re.match(pattern, path):
            return index, True
    return -1, re.match(URLS_REGEX, path) is not None


PATHS = ["/api/public/feed/", "/api/v2/items/7/", "/api/v2/items/7/x", "/api/other/", "/admin/", "/", "/api/"]


@override_settings(CORS_URL_POLICIES=URL_POLICIES, CORS_URLS_REGEX=URLS_REGEX)
def test_remembered_answers_are_the_ones_the_patterns_give() -> None:
    policies = registry.current()
    for _ in range(3):  # the first round computes, the later ones are served from the memo
        for path in PATHS:
            index, policy, enabled = route(policies, path)
            assert (index, enabled) == expected(path), path
            assert policy is (policies.global_policy if index < 0 else policies.url_policies[index][1])
    assert policies.remembered_paths() == len(PATHS)


@override_settings(CORS_URL_POLICIES=URL_POLICIES, CORS_URLS_REGEX=URLS_REGEX)
def test_a_flood_of_unique_paths_stays_bounded_and_answers_stay_right() -> None:
    policies = registry.current()
    for n in range(5 * MEMO_MAX_ENTRIES):
        route(policies, f"/api/v1/items/{n}/")
        assert route(policies, "/api/public/feed/")[0] == 0  # asked for all along
        if n % 1000 == 0:
            assert policies.remembered_paths() <= MEMO_MAX_ENTRIES
    assert policies.remembered_paths() <= MEMO_MAX_ENTRIES
    assert route(policies, "/api/v1/items/3/") == (1, policies.url_policies[1][1], True)


@pytest.mark.parametrize("length", [MAX_REMEMBERED_PATH + 1, 8192])
@override_settings(CORS_URLS_REGEX=URLS_REGEX)
def test_long_paths_are_routed_but_not_remembered(length: int) -> None:
    policies = registry.current()
    path = "/api/" + "a" * (length - 5)
    assert route(policies, path)[2] is True
    assert route(policies, "/x" + path)[2] is False
    assert policies.remembered_paths() == 0
