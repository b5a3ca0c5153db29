"""``Policy`` and ``decide``: plain values in, a Decision out; no Django request needed."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crossorigin._core.options import PolicyOptions, validate_origins
from crossorigin._core.origins import ORIGIN_MAX_LENGTH
from crossorigin._core.policy import (
    MEMO_KEY_MAX_LENGTH,
    MEMO_MAX_ENTRIES,
    PROCESS_MEMO_BUDGET,
    REASON_SENTENCES,
    REQUEST_HEADERS_MAX_COUNT,
    REQUEST_HEADERS_MAX_LENGTH,
    Decision,
    Memo,
    MemoBudget,
    Policy,
    Reason,
    decide,
    parse_request_headers,
)

ALLOWED = "https://example.com"


def policy(**options: Any) -> Policy:
    has_checker = options.pop("has_checker", False)
    if "allowed_origins" in options:
        (options["allowed_origins"], _), _problems = validate_origins(options["allowed_origins"], "test")
    if "allowed_origin_regexes" in options:
        options["allowed_origin_regexes"] = tuple(re.compile(p) for p in options["allowed_origin_regexes"])
    return Policy(PolicyOptions(**options), "test", has_checker=has_checker)


def headers(decision: Decision) -> dict[str, str]:
    return dict(decision.headers)


BASIC = {"allowed_origins": [ALLOWED]}


def test_decide_needs_no_django_request() -> None:
    import crossorigin._core.policy as module

    with open(module.__file__, encoding="utf-8") as source:
        imports = [line for line in source if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "django" in line]


# -- reasons -----------------------------------------------------------------------------


def test_every_reason_has_a_sentence() -> None:
    assert set(REASON_SENTENCES) == set(Reason)
    for reason in Reason:
        assert reason.sentence.endswith(".")
        assert reason.value == reason.value.lower()


def test_explains_wording_fills_in_only_option_keys_and_the_policy() -> None:
    # crossorigin.explain fills each field with the setting or decorator that set it.
    from string import Formatter

    from crossorigin._core.options import OVERRIDE_KEYS

    explained = {reason: wording.explained for reason, wording in REASON_SENTENCES.items() if wording.explained}
    assert Reason.ALLOWED_EXACT in explained
    for reason, template in explained.items():
        fields = {name for _text, name, _spec, _conversion in Formatter().parse(template) if name is not None}
        assert fields, reason
        assert fields <= {*OVERRIDE_KEYS, "policy"}, reason
        assert template.endswith("."), reason


def test_allowed_exact() -> None:
    decision = decide(policy(**BASIC), ALLOWED)
    assert decision.reason is Reason.ALLOWED_EXACT
    assert (decision.enabled, decision.allowed, decision.matched) == (True, True, ALLOWED)
    assert decision.headers == (("access-control-allow-origin", ALLOWED),)
    assert decision.policy == "test"
    assert not decision.pending


def test_allowed_wildcard_and_regex() -> None:
    p = policy(allowed_origins=["https://*.example.org"], allowed_origin_regexes=[r"https://\d+\.example\.net"])
    wildcard = decide(p, "https://a.example.org")
    assert (wildcard.reason, wildcard.matched) == (Reason.ALLOWED_WILDCARD, "https://*.example.org")
    regex = decide(p, "https://42.example.net")
    assert (regex.reason, regex.matched) == (Reason.ALLOWED_REGEX, r"https://\d+\.example\.net")


def test_allow_all() -> None:
    decision = decide(policy(allow_all_origins=True), "https://anyone.example")
    assert decision.reason is Reason.ALLOWED_ALL_ORIGINS
    assert headers(decision) == {"access-control-allow-origin": "*"}


def test_refusals() -> None:
    p = policy(**BASIC)
    assert decide(p, None).reason is Reason.NO_ORIGIN
    assert decide(p, "").reason is Reason.NO_ORIGIN
    assert decide(p, "https://other.example").reason is Reason.ORIGIN_NOT_ALLOWED
    assert decide(p, "https://example.com]").reason is Reason.ORIGIN_INVALID
    assert decide(p, "https://" + "a" * 600).reason is Reason.ORIGIN_INVALID
    for decision in (decide(p, None), decide(p, "https://other.example"), decide(p, "https://example.com]")):
        assert decision.enabled
        assert not decision.allowed
        assert decision.headers == ()
    off = decide(p, ALLOWED, url_enabled=False)
    assert off.reason is Reason.URL_NOT_ENABLED
    assert not off.enabled


def test_invalid_origin_refused_even_when_all_are_allowed() -> None:
    decision = decide(policy(allow_all_origins=True), "https://example.com]")
    assert decision.reason is Reason.ORIGIN_INVALID
    assert decision.headers == ()


# -- preflight -----------------------------------------------------------------------------


def test_preflight_headers() -> None:
    p = policy(allowed_origins=[ALLOWED], allow_credentials=True, expose_headers=["X-A"], preflight_max_age=600)
    decision = decide(p, ALLOWED, preflight=True, request_method="PUT", request_headers="content-type")
    assert decision.allowed
    assert decision.preflight
    assert headers(decision) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "X-A",
        "access-control-allow-headers": "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with",
        "access-control-allow-methods": "DELETE, GET, OPTIONS, PATCH, POST, PUT",
        "access-control-max-age": "600",
    }


def test_preflight_refusals_still_list_what_is_allowed() -> None:
    p = policy(allowed_origins=[ALLOWED], allow_methods=["GET", "PUT"], allow_headers=["x-a"])
    method = decide(p, ALLOWED, preflight=True, request_method="DELETE")
    assert (method.reason, method.allowed, method.refused) == (Reason.PREFLIGHT_METHOD_NOT_ALLOWED, False, ("DELETE",))
    assert headers(method)["access-control-allow-methods"] == "GET, PUT"
    hdrs = decide(p, ALLOWED, preflight=True, request_method="PUT", request_headers="x-a,x-b, X-C")
    assert (hdrs.reason, hdrs.refused) == (Reason.PREFLIGHT_HEADERS_NOT_ALLOWED, ("x-b", "x-c"))
    # Safelisted methods never fail on method grounds; methods compare case-sensitively.
    assert decide(p, ALLOWED, preflight=True, request_method="POST").allowed
    assert not decide(p, ALLOWED, preflight=True, request_method="put").allowed


def test_headers_compare_case_insensitively() -> None:
    p = policy(allowed_origins=[ALLOWED], allow_headers=["X-Api-Key"])
    assert decide(p, ALLOWED, preflight=True, request_method="GET", request_headers="x-api-key").allowed


def test_star_methods_and_headers_are_wildcards_only_without_credentials() -> None:
    open_policy = policy(allowed_origins=[ALLOWED], allow_methods=["*"], allow_headers=["*"])
    assert decide(open_policy, ALLOWED, preflight=True, request_method="PURGE", request_headers="x-any").allowed
    # '*' never covers Authorization.
    auth = decide(open_policy, ALLOWED, preflight=True, request_method="GET", request_headers="authorization")
    assert auth.refused == ("authorization",)
    creds = policy(allowed_origins=[ALLOWED], allow_methods=["*"], allow_headers=["*"], allow_credentials=True)
    assert not decide(creds, ALLOWED, preflight=True, request_method="PURGE").allowed
    assert not decide(creds, ALLOWED, preflight=True, request_method="GET", request_headers="x-any").allowed


@pytest.mark.parametrize(
    ("method", "request_headers"),
    [
        (None, None),
        ("", None),
        ("GET PUT", None),
        ("G" * 65, None),
        ("GET", "x-a\r\nx-b"),
        ("GET", "x a"),
        ("GET", "x-a," * REQUEST_HEADERS_MAX_COUNT),
        ("GET", "x" * (REQUEST_HEADERS_MAX_LENGTH + 1)),
    ],
)
def test_malformed_or_oversized_preflight_is_refused_unread(method: str | None, request_headers: str | None) -> None:
    decision = decide(
        policy(allow_all_origins=True), ALLOWED, preflight=True, request_method=method, request_headers=request_headers
    )
    assert decision.reason is Reason.PREFLIGHT_INVALID
    assert decision.enabled
    assert not decision.allowed
    assert decision.headers == ()


def test_parse_request_headers() -> None:
    assert parse_request_headers(None) == []
    assert parse_request_headers("") == []
    assert parse_request_headers("Content-Type, X-A,,x-b ") == ["content-type", "x-a", "x-b"]
    assert parse_request_headers("x-a;") is None
    assert parse_request_headers(",".join(["x"] * (REQUEST_HEADERS_MAX_COUNT + 1))) is None
    assert parse_request_headers(",".join(["x"] * REQUEST_HEADERS_MAX_COUNT)) == ["x"] * REQUEST_HEADERS_MAX_COUNT


# -- django-dcors CORS_ALLOW_ALL_HEADERS ------------------------------------------------------------


def test_allow_all_requested_headers_reflects_validated_names() -> None:
    p = policy(allowed_origins=[ALLOWED], allow_all_requested_headers=True)
    decision = decide(p, ALLOWED, preflight=True, request_method="GET", request_headers="X-Custom, x-other")
    assert decision.allowed
    assert headers(decision)["access-control-allow-headers"] == "x-custom, x-other"
    # Nothing asked: the configured list goes out.
    plain = decide(p, ALLOWED, preflight=True, request_method="GET")
    assert headers(plain)["access-control-allow-headers"].startswith("accept, authorization")
    # Hostile values are refused, never echoed (B15, header injection).
    for hostile in ("x-a\r\nSet-Cookie: a=b", "x-a," * 100, "x" * 5000):
        bad = decide(p, ALLOWED, preflight=True, request_method="GET", request_headers=hostile)
        assert bad.reason is Reason.PREFLIGHT_INVALID
        assert bad.headers == ()


# -- private network -----------------------------------------------------------------------------


def test_private_network() -> None:
    on = policy(allowed_origins=[ALLOWED], allow_private_network=True)
    off = policy(**BASIC)
    key = "access-control-allow-private-network"
    assert headers(decide(on, ALLOWED, private_network=True))[key] == "true"
    assert key not in headers(decide(on, ALLOWED))
    assert key not in headers(decide(off, ALLOWED, private_network=True))
    assert headers(decide(on, ALLOWED, preflight=True, request_method="GET", private_network=True))[key] == "true"


# -- the checker and the signal: pending decisions ------------------------------------------------


def test_pending_checker_then_answer() -> None:
    p = policy(allowed_origins=[ALLOWED], has_checker=True)
    pending = decide(p, "https://dyn.example", checker=None)
    assert pending.reason is Reason.PENDING_CHECKER
    assert pending.pending
    allowed = decide(p, "https://dyn.example", checker=True)
    assert (allowed.reason, allowed.matched) == (Reason.ALLOWED_CHECKER, "https://dyn.example")
    assert decide(p, "https://dyn.example", checker=False).reason is Reason.ORIGIN_NOT_ALLOWED
    # Static answers never ask the checker.
    assert decide(p, ALLOWED, checker=None).reason is Reason.ALLOWED_EXACT


def test_pending_signal_on_a_disabled_url() -> None:
    p = policy(**BASIC)
    pending = decide(p, "https://other.example", url_enabled=False, signal=None)
    assert pending.reason is Reason.PENDING_SIGNAL
    assert not pending.enabled
    assert decide(p, "https://other.example", url_enabled=False, signal=False).reason is Reason.URL_NOT_ENABLED
    yes = decide(p, "https://other.example", url_enabled=False, signal=True)
    assert (yes.reason, yes.enabled, yes.allowed) == (Reason.ALLOWED_SIGNAL, True, True)
    # Enabled by the signal, a listed origin keeps its static reason.
    assert decide(p, ALLOWED, url_enabled=False, signal=True).reason is Reason.ALLOWED_EXACT
    assert decide(p, None, url_enabled=False, signal=True).reason is Reason.NO_ORIGIN


def test_pending_signal_for_an_unlisted_origin() -> None:
    p = policy(**BASIC)
    pending = decide(p, "https://other.example", signal=None)
    assert pending.reason is Reason.PENDING_SIGNAL
    assert pending.enabled
    assert decide(p, "https://other.example", signal=True).reason is Reason.ALLOWED_SIGNAL
    assert decide(p, ALLOWED, signal=None).reason is Reason.ALLOWED_EXACT


def test_checker_asked_before_the_signal() -> None:
    p = policy(allowed_origins=[ALLOWED], has_checker=True)
    assert decide(p, "https://x.example", checker=None, signal=None).reason is Reason.PENDING_CHECKER
    assert decide(p, "https://x.example", checker=False, signal=None).reason is Reason.PENDING_SIGNAL
    assert decide(p, "https://x.example", checker=False, signal=True).reason is Reason.ALLOWED_SIGNAL


def test_signal_answers_are_never_memoised() -> None:
    p = policy(**BASIC)
    assert decide(p, "https://other.example", signal=True).allowed
    assert not decide(p, "https://other.example", signal=False).allowed
    assert decide(p, ALLOWED, url_enabled=False, signal=True).allowed
    assert decide(p, ALLOWED, url_enabled=False, signal=False).reason is Reason.URL_NOT_ENABLED


# -- compiled once, bounded memory ----------------------------------------------------------------


def test_precomputed_headers_are_immutable_and_shared() -> None:
    p = policy(allowed_origins=[ALLOWED], expose_headers=["X-A"])
    first, second = decide(p, ALLOWED), decide(p, ALLOWED)
    assert first is second  # memoised: no per-request header building
    assert isinstance(first.headers, tuple)
    assert all(isinstance(pair, tuple) for pair in first.headers)  # B17: nothing to mutate
    with pytest.raises(AttributeError):
        first.reason = Reason.NO_ORIGIN  # type: ignore[misc]


def memo_sizes(p: Policy) -> list[int]:
    """How many answers each of the policy's memos holds."""
    return list(p.memo_sizes())


@pytest.mark.parametrize(
    "options", [{"allow_all_origins": True}, {"allowed_origin_regexes": [r"https://o\d+\.example"]}, BASIC]
)
def test_memo_is_bounded(options: dict[str, Any]) -> None:
    p = policy(**options)
    for i in range(MEMO_MAX_ENTRIES + 50):
        decide(p, f"https://o{i}.example")
        decide(p, f"https://o{i}.example", preflight=True, request_method="GET")
    assert max(memo_sizes(p)) <= MEMO_MAX_ENTRIES
    # Past the bound, answers are still right, just recomputed.
    assert decide(p, "https://o99999.example").allowed == ("allowed_origins" not in options)
    assert decide(p, "https://x.example").allowed == ("allow_all_origins" in options)


def test_memoised_preflight_matches_a_fresh_one() -> None:
    p = policy(**BASIC)
    first = decide(p, ALLOWED, preflight=True, request_method="PUT", request_headers="x-a")
    again = decide(p, ALLOWED, preflight=True, request_method="PUT", request_headers="x-a")
    assert first is again
    assert first.reason is Reason.PREFLIGHT_HEADERS_NOT_ALLOWED


def test_cost_does_not_depend_on_the_number_of_origins() -> None:
    many = policy(allowed_origins=[f"https://s{i}.example" for i in range(10_000)])
    assert "https://s9999.example" in many.exact_origins  # one frozenset lookup
    assert decide(many, "https://s9999.example").allowed
    assert repr(many) == "<Policy test>"


def test_long_requested_header_lists_are_answered_but_not_remembered() -> None:
    # Each distinct list is a new memo key; long ones would let a client fill the memo
    # with kilobytes per entry, so only short lists (what browsers send) are remembered.
    p = policy(allow_all_origins=True, allow_headers=["*"])
    long_list = ",".join(f"x-h{i:03}" for i in range(60))
    assert len(long_list) > MEMO_KEY_MAX_LENGTH
    decision = decide(p, "https://a.example", preflight=True, request_method="PUT", request_headers=long_list)
    assert decision.allowed
    assert max(memo_sizes(p)) == 0
    decide(p, "https://a.example", preflight=True, request_method="PUT", request_headers="x-a")
    assert max(memo_sizes(p)) == 1


# -- remembering: bounded, and what is in use stays remembered ------------------------------------

FLOOD = 3 * MEMO_MAX_ENTRIES
IN_USE = "https://app.example"


@pytest.mark.parametrize(
    "options", [{"allow_all_origins": True}, {"allowed_origin_regexes": [r"https://[a-z0-9]+\.example"]}]
)
def test_an_origin_in_use_stays_remembered_through_a_flood(options: dict[str, Any]) -> None:
    # Every flood origin is allowed, so each one is a new memo entry; the site's real
    # origin keeps being asked for meanwhile, as real traffic would.
    p = policy(**options)
    real = decide(p, IN_USE)
    for i in range(FLOOD):
        decide(p, f"https://flood{i}.example")
        if i % 500 == 0:
            assert decide(p, IN_USE) is real
    assert p.remembered(IN_USE) is real
    assert max(memo_sizes(p)) <= MEMO_MAX_ENTRIES


def test_an_origin_first_seen_after_a_flood_is_remembered() -> None:
    # With a memo that kept its first keys forever, a flood left no room for it.
    p = policy(allow_all_origins=True)
    for i in range(FLOOD):
        decide(p, f"https://flood{i}.example")
    first = decide(p, "https://late.example")
    assert p.remembered("https://late.example") is first


def test_what_is_no_longer_asked_for_is_forgotten_and_recomputed_the_same() -> None:
    p = policy(allow_all_origins=True)
    before = decide(p, "https://gone.example")
    for i in range(FLOOD):
        decide(p, f"https://flood{i}.example")
    assert p.remembered("https://gone.example") is None
    assert decide(p, "https://gone.example") == before


def test_a_flood_of_refused_origins_leaves_allowed_answers_alone() -> None:
    p = policy(**BASIC)
    allowed = decide(p, ALLOWED)
    for i in range(FLOOD):
        assert decide(p, f"https://refused{i}.example") is p.denied
    assert p.remembered(ALLOWED) is allowed
    assert p.remembered(f"https://refused{FLOOD - 1}.example") is p.denied
    assert p.memo_sizes().refused <= MEMO_MAX_ENTRIES


def test_preflights_in_use_stay_remembered_through_a_flood() -> None:
    p = policy(allow_all_origins=True)
    real = decide(p, IN_USE, preflight=True, request_method="PUT", request_headers="content-type")
    for i in range(FLOOD):
        decide(p, f"https://flood{i}.example", preflight=True, request_method="PUT")
        if i % 500 == 0:
            assert p.remembered_preflight(IN_USE, "PUT", "content-type", False) is real
    assert p.remembered_preflight(IN_USE, "PUT", "content-type", False) is real
    assert p.memo_sizes().preflights <= MEMO_MAX_ENTRIES


# -- one budget for every memo of the process ----------------------------------------------------


def test_every_memo_counts_against_the_process_budget() -> None:
    p = policy(allow_all_origins=True)
    before = PROCESS_MEMO_BUDGET.entries()
    decide(p, "https://budget.example")
    assert PROCESS_MEMO_BUDGET.entries() == before + 1
    assert Memo().budget is PROCESS_MEMO_BUDGET


def test_all_memos_together_stay_within_one_budget_whatever_their_number() -> None:
    budget = MemoBudget(1000)
    memos: list[Memo[str, int]] = [Memo(budget=budget) for _ in range(41)]
    for n, memo in enumerate(memos):
        for i in range(2000):  # each alone would keep up to MEMO_MAX_ENTRIES
            memo.put(f"https://{n}-{i}.example", i)
            assert budget.used <= budget.limit
    assert budget.entries() <= budget.limit
    assert budget.entries() >= budget.limit // 2  # and the budget is used, not emptied


def test_a_memo_in_use_keeps_its_answers_while_other_memos_flood() -> None:
    budget = MemoBudget(1000)
    in_use: Memo[str, int] = Memo(budget=budget)
    for i in range(10):
        in_use.put(f"https://app{i}.example", i)
    flooded: list[Memo[str, int]] = [Memo(budget=budget) for _ in range(40)]
    for n, memo in enumerate(flooded):
        for i in range(3000):
            memo.put(f"https://flood-{n}-{i}.example", i)
    # The flooded memos hold the most, so they gave way; the small one in use did not.
    assert [in_use.get(f"https://app{i}.example") for i in range(10)] == list(range(10))
    assert budget.entries() <= budget.limit


def longest_host() -> str:
    return ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])


def test_the_longest_valid_origin_is_accepted_and_one_character_more_is_refused_unremembered() -> None:
    host = longest_host()
    assert len(host) == 253
    longest = "s" * (ORIGIN_MAX_LENGTH - len(host) - len("://:65535")) + "://" + host + ":65535"
    assert len(longest) == ORIGIN_MAX_LENGTH
    p = policy(allow_all_origins=True)
    assert decide(p, longest).allowed
    assert decide(p, "https://" + host + ":443").allowed
    too_long = "s" + longest
    assert decide(p, too_long).reason is Reason.ORIGIN_INVALID
    assert p.memo_sizes().allowed == 2


def test_every_reason_an_origin_match_gives_has_explain_s_step_wording() -> None:
    # _explain/steps.py words the origin-allowed step from this table alone.
    from crossorigin._core.policy import REASON_SENTENCES

    for reason in (
        Reason.ALLOWED_ALL_ORIGINS,
        Reason.ALLOWED_EXACT,
        Reason.ALLOWED_WILDCARD,
        Reason.ALLOWED_REGEX,
        Reason.ORIGIN_NOT_ALLOWED,
    ):
        wording = REASON_SENTENCES[reason].matched
        assert wording is not None, reason
        assert wording.format(matched="'x'", policy="'global'", count=1)
