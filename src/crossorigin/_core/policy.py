"""A compiled policy and the one function that decides a request: ``decide``.

``Policy`` is built once from ``PolicyOptions``: exact origins become a frozenset,
wildcards a suffix dict, regexes one joined pattern, and every header value that does
not depend on the request is a precomputed, immutable tuple. ``decide`` takes plain
values (the Origin header, the method, the preflight headers) and returns a
``Decision`` saying which headers to send and why. It knows nothing of Django's
request or response classes; the middleware, the explain command, logging and the
test helpers all call it.

Two inputs are not static: the origin checker (``CORS_ORIGIN_CHECKER``) and the
``check_request_enabled`` signal. ``decide`` takes their answers as arguments
(``None`` meaning "not asked yet"), and when it needs one it has not been given it
returns a pending decision; the caller asks and decides again. So each is asked at
most once per request and only when the static settings do not already decide.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Hashable
from enum import StrEnum
from typing import Any, Final, Generic, NamedTuple, TypeVar

from crossorigin._core.constants import (
    ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK,
    ACCESS_CONTROL_EXPOSE_HEADERS,
    ACCESS_CONTROL_MAX_AGE,
)
from crossorigin._core.options import TOKEN_RE, PolicyOptions
from crossorigin._core.origins import RegexMatcher, WildcardMatcher, is_well_formed_request_origin

# Bounds on what a preflight may ask for; beyond them it is refused unread (B15).
REQUEST_HEADERS_MAX_LENGTH: Final = 4096
REQUEST_HEADERS_MAX_COUNT: Final = 64
REQUEST_METHOD_MAX_LENGTH: Final = 64
# Answers that follow from the settings alone are remembered per policy, at most this many
# each for allowed origins, refused origins and preflights (see ``Memo``), so a flood of
# distinct origins can neither grow memory nor keep the origins in real use out.
MEMO_KEY_MAX_LENGTH: Final = 256
MEMO_MAX_ENTRIES: Final = 4096
# And at most this many in all, for every memo of the process together (every policy's,
# and the paths'), whatever the number of policies (see ``MemoBudget``). An entry holds
# at most an origin of ORIGIN_MAX_LENGTH, a header list of MEMO_KEY_MAX_LENGTH and its
# decision, about 1.2 KB, so all memos stay within about 20 MiB under any flood.
MEMO_BUDGET_ENTRIES: Final = 16384

# Browsers never fail a preflight on these (Fetch: CORS-safelisted methods).
SAFELISTED_METHODS: Final = frozenset({"GET", "HEAD", "POST"})

Headers = tuple[tuple[str, str], ...]


# A StrEnum: str() and f-strings give the code on every Python (with a plain str mixin
# they give "Reason.X" from Python 3.12 on, but the code on 3.11).
class Reason(StrEnum):
    """Why a decision came out as it did; the value is a stable code for logs."""

    URL_NOT_ENABLED = "url-not-enabled"
    VIEW_EXEMPT = "view-exempt"
    REQUEST_DISABLED = "request-disabled"
    NO_ORIGIN = "no-origin"
    ORIGIN_INVALID = "origin-invalid"
    ORIGIN_NOT_ALLOWED = "origin-not-allowed"
    ALLOWED_ALL_ORIGINS = "allowed-all-origins"
    ALLOWED_EXACT = "allowed-exact"
    ALLOWED_WILDCARD = "allowed-wildcard"
    ALLOWED_REGEX = "allowed-regex"
    ALLOWED_CHECKER = "allowed-checker"
    ALLOWED_SIGNAL = "allowed-signal"
    PREFLIGHT_INVALID = "preflight-invalid"
    PREFLIGHT_METHOD_NOT_ALLOWED = "preflight-method-not-allowed"
    PREFLIGHT_HEADERS_NOT_ALLOWED = "preflight-headers-not-allowed"
    PENDING_CHECKER = "pending-checker"
    PENDING_SIGNAL = "pending-signal"

    @property
    def sentence(self) -> str:
        """A human sentence for the reason."""
        return REASON_SENTENCES[self].sentence


class Wording(NamedTuple):
    """How one reason reads, in the one table every reader of reasons uses.

    ``sentence`` stands alone (logs, the test helpers, the checks). ``explained`` is for
    ``crossorigin.explain``, which knows which setting or decorator decided: each
    ``{option}`` field (an option key such as ``allowed_origins``) is filled with where
    that option's value came from, ``{policy}`` with the policy that applies. None: the
    sentence serves explain too. ``matched`` is explain's step on the origin's match, for
    the reasons that one decides: ``{matched}`` is what matched (quoted), ``{policy}`` and
    ``{count}`` the policy and how many origins and regexes it lists.
    """

    sentence: str
    explained: str | None = None
    matched: str | None = None


REASON_SENTENCES: Final = {
    Reason.URL_NOT_ENABLED: Wording("The path is outside CORS_URLS_REGEX and every URL policy, so CORS is off for it."),
    Reason.VIEW_EXEMPT: Wording("The view is marked @cors_exempt, so CORS is off for it."),
    Reason.REQUEST_DISABLED: Wording(
        "The view or a later middleware set request._cors_enabled to false, so CORS is off for the response."
    ),
    Reason.NO_ORIGIN: Wording(
        "The request has no Origin header (same-origin, or a tool such as curl), so no CORS headers are needed."
    ),
    Reason.ORIGIN_INVALID: Wording("The Origin header is malformed or too long, so it is refused."),
    Reason.ORIGIN_NOT_ALLOWED: Wording(
        "The origin matches no allowed origin, wildcard or regex.",
        "The origin matches no allowed origin, wildcard or regex of the policy that applies ({policy}).",
        "No allowed origin, wildcard or regex of policy {policy} matches ({count} configured).",
    ),
    Reason.ALLOWED_ALL_ORIGINS: Wording(
        "Every origin is allowed (the policy allows all origins).",
        "Every origin is allowed ({allow_all_origins}).",
        "Every origin is allowed (allow all origins is on).",
    ),
    Reason.ALLOWED_EXACT: Wording(
        "The origin is listed in the allowed origins.",
        "The origin is listed in {allowed_origins}.",
        "The origin is listed in the allowed origins ({matched}).",
    ),
    Reason.ALLOWED_WILDCARD: Wording(
        "The origin matches an allowed wildcard pattern.",
        "The origin matches a wildcard in {allowed_origins}.",
        "The origin matches the wildcard {matched}.",
    ),
    Reason.ALLOWED_REGEX: Wording(
        "The origin matches an allowed origin regex.",
        "The origin matches a regex in {allowed_origin_regexes}.",
        "The origin matches the regex {matched}.",
    ),
    Reason.ALLOWED_CHECKER: Wording("The origin checker (CORS_ORIGIN_CHECKER) allowed the origin."),
    Reason.ALLOWED_SIGNAL: Wording("A check_request_enabled receiver allowed the request."),
    Reason.PREFLIGHT_INVALID: Wording(
        "The preflight's Access-Control-Request-Method or -Headers is malformed or too long."
    ),
    Reason.PREFLIGHT_METHOD_NOT_ALLOWED: Wording("The preflight asks for a method that is not in the allowed methods."),
    Reason.PREFLIGHT_HEADERS_NOT_ALLOWED: Wording(
        "The preflight asks for headers that are not in the allowed headers."
    ),
    Reason.PENDING_CHECKER: Wording("The origin checker must be asked."),
    Reason.PENDING_SIGNAL: Wording("The check_request_enabled signal must be sent."),
}


class Decision(NamedTuple):
    """What to do with one response, and why. Immutable, so it may be shared.

    ``enabled`` means CORS applies to the URL (``Vary: Origin`` goes out); ``allowed``
    means the browser will let the script proceed; ``headers`` are the
    ``Access-Control-*`` headers to set; ``matched`` is the setting entry that allowed
    the origin; ``refused`` the preflight's method or header names that are not allowed.
    """

    reason: Reason
    policy: str
    enabled: bool
    allowed: bool
    headers: Headers = ()
    matched: str | None = None
    refused: tuple[str, ...] = ()
    preflight: bool = False

    @property
    def pending(self) -> bool:
        """True when the caller must ask the checker or send the signal, then decide again."""
        return self.reason is Reason.PENDING_CHECKER or self.reason is Reason.PENDING_SIGNAL


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class MemoBudget:
    """How many entries all the memos that share it may hold together.

    Each ``put`` counts one entry; when the count passes the limit, the entries are
    counted again exactly and, while they are still over, the memo that holds the most
    drops its old generation. So a flood against some policies makes their memos give
    way, and the memos in real use elsewhere keep what they hold. The count between two
    recounts is approximate (threads may race on it); the recount makes it exact again.
    """

    __slots__ = ("_lock", "_memos", "limit", "used")

    def __init__(self, limit: int = MEMO_BUDGET_ENTRIES) -> None:
        self.limit = limit
        self.used = 0
        # Weak: a memo goes with its policy when new settings build new policies.
        self._memos: weakref.WeakSet[Memo[Any, Any]] = weakref.WeakSet()
        self._lock = threading.Lock()

    def join(self, memo: Memo[Any, Any]) -> None:
        """Count ``memo``'s entries against this budget."""
        with self._lock:
            self._memos.add(memo)

    def entries(self) -> int:
        """How many entries the memos on this budget hold now, counted exactly."""
        with self._lock:
            return sum(len(memo) for memo in list(self._memos))

    def reclaim(self) -> None:
        """Bring the memos back within the limit, taking from the one that holds the most."""
        with self._lock:
            memos = list(self._memos)
            total = sum(len(memo) for memo in memos)
            while total >= self.limit:
                largest = max(memos, key=len)
                freed = largest.drop_oldest()
                if not freed and not len(largest):
                    break  # nothing left to drop anywhere
                total -= freed
            self.used = total


# Every memo of the process shares this one, unless told otherwise (tests).
PROCESS_MEMO_BUDGET: Final = MemoBudget()


class Memo(Generic[K, V]):
    """Remembered answers (decisions, or a path's URL policy), bounded, that forget what stops being asked for.

    Two generations of at most ``max_entries // 2`` each: new answers go into the young
    one; when it is full it becomes the old one and the previous old one is dropped. An
    answer found in the old generation is copied back into the young one, so whatever is
    asked for at least once a generation stays remembered however many other keys flood
    past, and what is no longer asked for is forgotten within two generations. A hit in
    the young generation costs one dict lookup, and nothing is ever scanned. Every memo
    also counts against one budget for the whole process (``MemoBudget``).
    """

    __slots__ = ("__weakref__", "budget", "generation_size", "old", "young")

    def __init__(self, max_entries: int = MEMO_MAX_ENTRIES, budget: MemoBudget = PROCESS_MEMO_BUDGET) -> None:
        self.generation_size = max(1, max_entries // 2)
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}
        self.budget = budget
        budget.join(self)

    def __len__(self) -> int:
        return len(self.young) + len(self.old)

    def drop_oldest(self) -> int:
        """Forget the old generation (or, with none, make the young one old); how many entries went."""
        old = self.old
        if old:
            self.old = {}
            return len(old)
        self.old, self.young = self.young, {}
        return 0

    def get(self, key: K) -> V | None:
        """The remembered answer for ``key``, if any."""
        found = self.young.get(key)
        if found is None:
            found = self.old.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: K, decision: V) -> None:
        """Remember ``decision`` for ``key``, starting a new generation when this one is full."""
        young = self.young
        budget = self.budget
        if len(young) >= self.generation_size:
            # Two threads may both swap here; one generation is then lost, which only
            # means a few answers are computed again.
            budget.used -= len(self.old)
            self.old = young
            self.young = young = {}
        budget.used += 1
        if budget.used > budget.limit:
            budget.reclaim()
            young = self.young  # reclaim may have taken this memo's generations
        young[key] = decision


class MemoSizes(NamedTuple):
    """How many answers a policy remembers now, per memo (for tests and diagnostics)."""

    allowed: int
    refused: int
    preflights: int


PreflightKey = tuple[str, str, str | None, bool]


class Policy:
    """One compiled policy. Build it once; it never changes afterwards."""

    __slots__ = (
        "_actual_tail",
        "_allow_header_star",
        "_allow_method_star",
        "_allowed_memo",
        "_has_checker",
        "_preflight_memo",
        "_preflight_tail",
        "_refused_memo",
        "_star",
        "allowed_header_names",
        "allowed_methods",
        "denied",
        "denied_preflight",
        "disabled",
        "exact_origins",
        "invalid",
        "invalid_preflight",
        "name",
        "no_origin",
        "options",
        "private_network",
        "regexes",
        "wildcards",
    )

    def __init__(self, options: PolicyOptions, name: str = "global", has_checker: bool = False) -> None:
        self.name = name
        self.options = options
        exact = [o for o in options.allowed_origins if not o.is_wildcard]
        self.exact_origins: frozenset[str] = frozenset(o.serialize() for o in exact)
        self.wildcards = WildcardMatcher(o for o in options.allowed_origins if o.is_wildcard)
        self.regexes = RegexMatcher(options.allowed_origin_regexes)
        self._has_checker = has_checker
        credentials = options.allow_credentials
        # With credentials a browser reads '*' in these lists as a literal name (Fetch).
        self._allow_method_star = "*" in options.allow_methods and not credentials
        self._allow_header_star = "*" in options.allow_headers and not credentials
        self.allowed_methods = frozenset(options.allow_methods)
        self.allowed_header_names = frozenset(h.lower() for h in options.allow_headers)
        # Whether Access-Control-Request-Private-Network changes an answer of this policy.
        self.private_network = options.allow_private_network
        self._star = options.allow_all_origins and not credentials

        tail: list[tuple[str, str]] = []
        if credentials:
            tail.append((ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
        if options.expose_headers:
            tail.append((ACCESS_CONTROL_EXPOSE_HEADERS, ", ".join(options.expose_headers)))
        self._actual_tail: Headers = tuple(tail)
        preflight = list(tail)
        preflight.append((ACCESS_CONTROL_ALLOW_HEADERS, ", ".join(options.allow_headers)))
        preflight.append((ACCESS_CONTROL_ALLOW_METHODS, ", ".join(options.allow_methods)))
        # 0 (or None) sends no header, as django-cors-headers documents (issue 2); the
        # browser then uses its own default (Chromium: 5 s).
        if options.preflight_max_age:
            preflight.append((ACCESS_CONTROL_MAX_AGE, str(options.preflight_max_age)))
        self._preflight_tail: Headers = tuple(preflight)

        # Decisions that do not depend on the origin's text are built here, once.
        self.disabled = Decision(Reason.URL_NOT_ENABLED, name, False, False)
        self.no_origin = Decision(Reason.NO_ORIGIN, name, True, False)
        self.denied = Decision(Reason.ORIGIN_NOT_ALLOWED, name, True, False)
        self.denied_preflight = self.denied._replace(preflight=True)
        self.invalid = Decision(Reason.ORIGIN_INVALID, name, True, False)
        self.invalid_preflight = self.invalid._replace(preflight=True)
        # What decide() remembers (its docstring says what and why it is safe); read
        # through ``remembered`` and ``remembered_preflight``, written only by decide().
        self._allowed_memo: Memo[str, Decision] = Memo()
        self._refused_memo: Memo[str, Decision] = Memo()
        self._preflight_memo: Memo[PreflightKey, Decision] = Memo()

    def __repr__(self) -> str:
        return f"<Policy {self.name}>"

    def remembered(self, origin: str) -> Decision | None:
        """decide()'s remembered answer for an actual request from ``origin`` without private network access.

        An allowed answer is final. A refusal (``self.denied``) is final only while no
        check_request_enabled receiver could still let the origin in: decide() uses it
        only when told ``signal=False``, and so must any other caller.
        """
        allowed = self._allowed_memo
        found = allowed.young.get(origin)  # the common hit: one dict lookup
        if found is not None:
            return found
        # Refusals and misses are common too (an origin only a checker or a signal lets
        # in is never remembered), so each generation is looked at without a call.
        found = allowed.old.get(origin)
        if found is not None:
            allowed.put(origin, found)
            return found
        refused = self._refused_memo
        found = refused.young.get(origin)
        if found is None:
            found = refused.old.get(origin)
            if found is not None:
                refused.put(origin, found)
        return found

    def remembered_preflight(
        self, origin: str, method: str, request_headers: str | None, private_network: bool
    ) -> Decision | None:
        """decide()'s remembered answer for a preflight with exactly these headers, if any."""
        key = (origin, method, request_headers, private_network)
        found = self._preflight_memo.young.get(key)  # the common hit: one dict lookup
        return found if found is not None else self._preflight_memo.get(key)

    def memo_sizes(self) -> MemoSizes:
        """How many answers are remembered now, per memo; each stays within MEMO_MAX_ENTRIES."""
        return MemoSizes(len(self._allowed_memo), len(self._refused_memo), len(self._preflight_memo))

    def match_origin(self, origin: str) -> tuple[Reason, str | None]:
        """Which static rule allows a well-formed origin, if any."""
        if self.options.allow_all_origins:
            return Reason.ALLOWED_ALL_ORIGINS, "*"
        if origin in self.exact_origins:
            return Reason.ALLOWED_EXACT, origin
        matched = self.wildcards.match(origin) if self.wildcards else None
        if matched is not None:
            return Reason.ALLOWED_WILDCARD, matched
        matched = self.regexes.match(origin) if self.regexes else None
        if matched is not None:
            return Reason.ALLOWED_REGEX, matched
        return Reason.ORIGIN_NOT_ALLOWED, None

    def allowed_headers(self, origin: str, preflight: bool, requested: list[str] | None) -> Headers:
        """The Access-Control-* headers for an allowed origin."""
        first = ((ACCESS_CONTROL_ALLOW_ORIGIN, "*" if self._star else origin),)
        if not preflight:
            return first + self._actual_tail
        if self.options.allow_all_requested_headers and requested:
            # django-dcors' CORS_ALLOW_ALL_HEADERS: echo what was asked for, once validated.
            tail = tuple(
                (ACCESS_CONTROL_ALLOW_HEADERS, ", ".join(requested))
                if name == ACCESS_CONTROL_ALLOW_HEADERS
                else (name, value)
                for name, value in self._preflight_tail
            )
            return first + tail
        return first + self._preflight_tail

    def refused_request(self, method: str, requested: list[str]) -> tuple[Reason | None, tuple[str, ...]]:
        """What a valid preflight asks for that the browser will be refused."""
        if not (method in SAFELISTED_METHODS or method in self.allowed_methods or self._allow_method_star):
            return Reason.PREFLIGHT_METHOD_NOT_ALLOWED, (method,)
        if self.options.allow_all_requested_headers:
            return None, ()
        refused = tuple(
            name
            for name in requested
            if name not in self.allowed_header_names and not (self._allow_header_star and name != "authorization")
        )
        if refused:
            return Reason.PREFLIGHT_HEADERS_NOT_ALLOWED, refused
        return None, ()


def parse_request_headers(value: str | None) -> list[str] | None:
    """The names in Access-Control-Request-Headers, lower-cased; None if malformed or too big."""
    if not value:
        return []
    if len(value) > REQUEST_HEADERS_MAX_LENGTH or value.count(",") >= REQUEST_HEADERS_MAX_COUNT:
        return None
    names = []
    for part in value.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if TOKEN_RE.fullmatch(name) is None:
            return None
        names.append(name)
    return names


def decide(
    policy: Policy,
    origin: str | None,
    *,
    preflight: bool = False,
    request_method: str | None = None,
    request_headers: str | None = None,
    private_network: bool = False,
    url_enabled: bool = True,
    checker: bool | None = False,
    signal: bool | None = False,
) -> Decision:
    """Decide one request under ``policy``.

    ``origin`` is the Origin header as received (None if absent). ``preflight`` is
    True for an OPTIONS request that carries Origin and Access-Control-Request-Method
    (``request_method``); ``request_headers`` is its Access-Control-Request-Headers.
    ``private_network`` is True when Access-Control-Request-Private-Network is "true".
    ``url_enabled`` says whether CORS applies to the path. ``checker`` and ``signal``
    are the answers of the origin checker and the check_request_enabled signal:
    False when there is nothing to ask, None when not asked yet.

    What it remembers, on the policy (``Policy.remembered`` and
    ``Policy.remembered_preflight`` read it back), and why that cannot change an answer:

    - only answers that follow from the settings alone: an origin allowed by
      ``allowed_origins``, a wildcard, a regex or ``allow_all_origins``, or refused by
      all of them; never an answer that the origin checker or the signal gave, nor one
      on a path that only the signal enabled;
    - keyed by every input the answer depends on once the path is enabled: the origin,
      for actual requests that do not ask for private network access; (origin, method,
      requested headers, private network) for valid preflights whose header list is
      at most MEMO_KEY_MAX_LENGTH characters;
    - a refusal only when the policy has no origin checker, and it is used only when
      ``signal`` is False (no receiver could let the origin in); an allowance is used
      whatever ``checker`` and ``signal`` say, because the settings answer before
      either is asked.

    A ``Policy`` never changes after it is built (new settings build new policies), so
    the same key always gets the same answer; forgetting (see ``Memo``) only means it
    is computed again.
    """
    enabled_by_signal = False
    if not url_enabled:
        if signal is None:
            return Decision(Reason.PENDING_SIGNAL, policy.name, False, False)
        if not signal:
            return policy.disabled
        enabled_by_signal = True
    if not origin:
        return policy.no_origin

    requested: list[str] | None = None
    if preflight:
        # Only valid preflights are remembered, so a remembered key needs no parsing.
        if request_method is not None and not enabled_by_signal:
            found = policy.remembered_preflight(origin, request_method, request_headers, private_network)
            if found is not None:
                return found
        requested = parse_request_headers(request_headers)
        if (
            requested is None
            or request_method is None
            or len(request_method) > REQUEST_METHOD_MAX_LENGTH
            or TOKEN_RE.fullmatch(request_method) is None
        ):
            return Decision(Reason.PREFLIGHT_INVALID, policy.name, True, False, preflight=True)
    elif not enabled_by_signal and not private_network:
        found = policy.remembered(origin)
        if found is not None and (signal is False or found is not policy.denied):
            return found

    if not is_well_formed_request_origin(origin):
        return policy.invalid_preflight if preflight else policy.invalid
    reason, matched = policy.match_origin(origin)
    static = reason is not Reason.ORIGIN_NOT_ALLOWED
    if not static:
        if checker is None:
            return Decision(Reason.PENDING_CHECKER, policy.name, True, False, preflight=preflight)
        if checker:
            reason, matched = Reason.ALLOWED_CHECKER, origin
        elif enabled_by_signal or signal:
            reason, matched = Reason.ALLOWED_SIGNAL, origin
        elif signal is None:
            return Decision(Reason.PENDING_SIGNAL, policy.name, True, False, preflight=preflight)
        elif preflight:
            return policy.denied_preflight
        else:
            if not policy._has_checker:
                policy._refused_memo.put(origin, policy.denied)
            return policy.denied

    headers = policy.allowed_headers(origin, preflight, requested)
    if private_network and policy.private_network:
        headers = (*headers, (ACCESS_CONTROL_ALLOW_PRIVATE_NETWORK, "true"))
    refusal, refused = (None, ()) if not preflight else policy.refused_request(request_method or "", requested or [])
    decision = Decision(
        refusal or reason,
        policy.name,
        True,
        refusal is None,
        headers,
        matched,
        refused,
        preflight,
    )
    if static and not enabled_by_signal:
        if preflight:
            # A long header list is valid but rare: not remembering it keeps the memo
            # small even when a client sends many distinct 4 KB lists (B15).
            if len(request_headers or "") <= MEMO_KEY_MAX_LENGTH:
                policy._preflight_memo.put((origin, request_method or "", request_headers, private_network), decision)
        elif not private_network:
            policy._allowed_memo.put(origin, decision)
    return decision
