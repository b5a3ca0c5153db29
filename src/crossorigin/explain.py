"""Explain what the site does with one cross-origin request, and why.

``explain()`` resolves the path as a request would, picks the policy the middleware
would pick (``decorators.view_overrides`` and ``PolicySet.select``), asks the same
``decide()`` the middleware asks (for the preflight, if a browser would send one, and
for the request itself), and turns the ``Decision``, the ``Policy`` and the headers the
middleware would set into steps, a verdict and hints for near misses. It never matches
an origin, a method or a header itself: everything it says about matching comes from
the ``Decision`` or from ``Policy`` methods. The ``cors_explain`` command prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import Resolver404, ResolverMatch, resolve

from crossorigin import browser, fetch, registry
from crossorigin.checks import middleware_problems
from crossorigin.decorators import view_overrides
from crossorigin.middleware import apply_decision, preflight_response
from crossorigin.options import TOKEN_RE
from crossorigin.origins import is_well_formed_request_origin
from crossorigin.policy import Decision, Policy, Reason, decide
from crossorigin.problems import Level, Problem
from crossorigin.registry import PolicySet, ViewOverrides
from crossorigin.signals import check_request_enabled

COMMON_MIDDLEWARE: Final = "django.middleware.common.CommonMiddleware"
# The version of the ``--json`` document; bumped only when a key changes meaning or goes.
JSON_VERSION: Final = 1


class ExplainArgumentError(ValueError):
    """An argument the explanation cannot be built from (the command exits with status 2)."""


@dataclass(frozen=True)
class Step:
    """One step of a decision: a stable ``check`` id, its outcome (None: not decisive), what it found."""

    check: str
    ok: bool | None
    detail: str


@dataclass(frozen=True)
class Hint:
    """A likely cause of a refusal, or a risk, with a stable ``code`` and the fix."""

    code: str
    message: str


@dataclass(frozen=True)
class RequestExplanation:
    """One request a browser would send (the preflight, or the request itself) and the answer."""

    kind: str  # "preflight" or "actual"
    method: str
    path: str
    request_headers: tuple[tuple[str, str], ...]
    decision: Decision
    steps: tuple[Step, ...]
    response_headers: tuple[tuple[str, str], ...]
    answered_by_middleware: bool
    failures: tuple[str, ...]

    @property
    def readable(self) -> bool:
        """True if the browser accepts this response."""
        return not self.failures


@dataclass(frozen=True)
class Explanation:
    """Everything ``cors_explain`` reports about one request."""

    origin: str
    path: str
    method: str
    headers: tuple[tuple[str, str | None], ...]
    credentials: bool
    view: str | None
    policy: str
    policy_source: str
    preflight: RequestExplanation | None
    actual: RequestExplanation
    middleware_installed: bool
    hints: tuple[Hint, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """True if a script on ``origin`` could make the request and read the response."""
        if not self.middleware_installed:
            return False
        return (self.preflight is None or self.preflight.readable) and self.actual.readable

    def as_dict(self) -> dict[str, Any]:
        """The stable machine-readable document printed by ``cors_explain --json``."""
        return {
            "version": JSON_VERSION,
            "allowed": self.allowed,
            "request": {
                "origin": self.origin,
                "path": self.path,
                "method": self.method,
                "headers": [{"name": n, "value": v} for n, v in self.headers],
                "credentials": self.credentials,
            },
            "view": self.view,
            "policy": {"name": self.policy, "source": self.policy_source},
            "middleware_installed": self.middleware_installed,
            "preflight": None if self.preflight is None else _request_dict(self.preflight),
            "actual": _request_dict(self.actual),
            "hints": [{"code": h.code, "message": h.message} for h in self.hints],
            "notes": list(self.notes),
        }


def _request_dict(item: RequestExplanation) -> dict[str, Any]:
    decision = item.decision
    return {
        "method": item.method,
        "path": item.path,
        "request_headers": dict(item.request_headers),
        "reason": decision.reason.value,
        "sentence": decision.reason.sentence,
        "policy": decision.policy,
        "enabled": decision.enabled,
        "allowed": decision.allowed,
        "matched": decision.matched,
        "refused": list(decision.refused),
        "answered_by_middleware": item.answered_by_middleware,
        "response_headers": dict(item.response_headers),
        "readable": item.readable,
        "failures": list(item.failures),
        "steps": [{"check": s.check, "ok": s.ok, "detail": s.detail} for s in item.steps],
    }


# -- arguments -------------------------------------------------------------------------


def parse_path(value: str) -> tuple[str, list[str]]:
    """The path_info to explain, from a path or a full URL; notes on what was dropped."""
    notes = []
    if not value:
        raise ExplainArgumentError("PATH is empty; give the path the request goes to, e.g. /api/items/.")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https"):
            raise ExplainArgumentError(f"PATH {value!r} is not a path; give it as /some/path/.")
        notes.append(f"Explaining the path {parts.path or '/'!r} of the URL {value!r}.")
    path = parts.path or "/"
    if not path.startswith("/"):
        raise ExplainArgumentError(f"PATH {value!r} should start with '/', e.g. /{value}.")
    if parts.query:
        notes.append("The query string does not take part in CORS decisions; it was ignored.")
    return path, notes


def parse_method(value: str) -> str:
    """The method as a browser would send it (fetch() upper-cases only the standard ones)."""
    if not TOKEN_RE.fullmatch(value):
        raise ExplainArgumentError(f"--method {value!r} is not a valid HTTP method name.")
    return value.upper() if value.upper() in fetch.NORMALISED_METHODS else value


def parse_headers(values: Iterable[str]) -> list[tuple[str, str | None]]:
    """``--header`` values: 'Name', 'Name: value', or comma-separated names."""
    found: dict[str, str | None] = {}
    for raw in values:
        name, sep, value = raw.partition(":")
        items = [(name.strip(), value.strip())] if sep else [(n.strip(), None) for n in raw.split(",")]
        for item_name, item_value in items:
            if not item_name:
                continue
            if not TOKEN_RE.fullmatch(item_name):
                raise ExplainArgumentError(f"--header {raw!r}: {item_name!r} is not a valid header name.")
            found[item_name.lower()] = item_value
    return list(found.items())


# -- resolving the view, as a request would --------------------------------------------


@dataclass(frozen=True)
class Resolved:
    """The view a path maps to: exactly, or only once APPEND_SLASH adds its slash."""

    match: ResolverMatch | None
    slash_match: ResolverMatch | None

    @property
    def actual(self) -> ResolverMatch | None:
        """The view an actual request reaches (process_view sees only an exact match)."""
        return self.match

    @property
    def preflight(self) -> ResolverMatch | None:
        """The view whose policy a preflight gets (the middleware also tries path + '/')."""
        return self.match or self.slash_match


def resolve_path(path: str) -> Resolved:
    """Resolve ``path`` with Django's resolver, then with a trailing slash as a fallback."""
    match = _resolve(path)
    slash = _resolve(path + "/") if match is None and not path.endswith("/") else None
    return Resolved(match, slash)


def _resolve(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


def view_name(match: ResolverMatch | None) -> str | None:
    """A dotted name for the view a match points at."""
    if match is None:
        return None
    func = match.func
    cls = getattr(func, "view_class", None) or getattr(func, "cls", None)
    target = cls or func
    module = getattr(target, "__module__", "")
    name = getattr(target, "__qualname__", None) or match._func_path
    return f"{module}.{name}" if module else str(name)


# -- the policy ------------------------------------------------------------------------


def describe_policy(policies: PolicySet, path: str, view: ViewOverrides | None) -> str:
    """Where the policy for a request comes from, in the words of the settings."""
    index, _policy, _enabled = policies.url_policy(path)
    base = "the global CORS_* settings" if index < 0 else _url_policy_name(policies, index)
    if view is None:
        return base
    if view.exempt:
        return f"@cors_exempt on {view.name}"
    return f"@cors_policy on {view.name}, over {base}"


def raw(pattern: str) -> str:
    """A regex as it is written in settings: r'...' (repr would double every backslash)."""
    return f"r'{pattern}'" if "'" not in pattern and not pattern.endswith("\\") else repr(pattern)


def _url_policy_name(policies: PolicySet, index: int) -> str:
    return f"CORS_URL_POLICIES[{index}] (path regex {raw(policies.url_policies[index][0].pattern)})"


def setting_name(policies: PolicySet, path: str, view: ViewOverrides | None, key: str) -> str:
    """How to name one option of the policy that applies, for a hint ('CORS_ALLOW_HEADERS'...)."""
    if view is not None:
        return f"{key}= in @cors_policy on {view.name}"
    index, _policy, _enabled = policies.url_policy(path)
    if index >= 0:
        return f"{key!r} in CORS_URL_POLICIES[{index}]"
    return "CORS_" + key.upper()


# -- deciding, the way the middleware does ---------------------------------------------


@dataclass
class _Asked:
    """What the origin checker and the signal said while deciding one request."""

    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Query:
    """The request being explained, as a browser would send it."""

    policies: PolicySet
    origin: str
    path: str
    method: str
    # The header names a browser lists in Access-Control-Request-Headers.
    unsafe: tuple[str, ...]
    credentials: bool
    host: str

    @property
    def request_headers(self) -> str | None:
        """Access-Control-Request-Headers as browsers send it: lower-case, sorted, no spaces."""
        return ",".join(self.unsafe) or None

    def sent(self, preflight: bool, headers: Sequence[tuple[str, str | None]] = ()) -> list[tuple[str, str]]:
        """The CORS-relevant headers of the preflight or of the request itself."""
        sent = [("Origin", self.origin)]
        if preflight:
            sent.append(("Access-Control-Request-Method", self.method))
            if self.request_headers:
                sent.append(("Access-Control-Request-Headers", self.request_headers))
        else:
            sent.extend((name, "..." if value is None else value) for name, value in headers)
        return sent

    def build_request(self, preflight: bool) -> HttpRequest:
        """A minimal real request, for the origin checker and signal receivers."""
        meta: dict[str, Any] = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in self.sent(preflight)}
        meta["HTTP_HOST"] = self.host
        return RequestFactory().generic("OPTIONS" if preflight else self.method, self.path, **meta)


def _decide(q: _Query, view: ViewOverrides | None, asked: _Asked, *, preflight: bool) -> Decision:
    """Call ``decide`` as the middleware does: ask the checker or signal when it is pending."""
    policies = q.policies
    if view is not None and view.exempt:
        return policies.exempt
    policy, enabled = policies.select(q.path, view)
    origin = q.origin
    checker: bool | None = None if policies.checker is not None else False
    signal: bool | None = None if check_request_enabled.receivers else False
    request: HttpRequest | None = None
    while True:
        decision = decide(
            policy,
            origin,
            preflight=preflight,
            request_method=q.method if preflight else None,
            request_headers=q.request_headers if preflight else None,
            url_enabled=enabled,
            checker=checker,
            signal=signal,
        )
        if not decision.pending:
            return decision
        if request is None:
            request = q.build_request(preflight)
            asked.notes.append(
                f"The origin checker and signal receivers were called with a minimal request built by "
                f"RequestFactory ({request.method} {request.path}, Host: {request.META['HTTP_HOST']}), "
                "not a real one: no session, user or cookies."
            )
        if decision.reason is Reason.PENDING_CHECKER and policies.checker is not None:
            checker = _ask_checker(policies, origin, request, asked)
        else:
            signal = _send_signal(request, asked)


def _ask_checker(policies: PolicySet, origin: str, request: HttpRequest, asked: _Asked) -> bool:
    checker = policies.checker
    assert checker is not None
    try:
        answer = checker.check(origin, request)
    except Exception as exc:
        asked.steps.append(
            Step("origin-checker", False, f"CORS_ORIGIN_CHECKER {checker.path} raised {exc!r}; the origin is refused.")
        )
        return False
    verb = "allowed" if answer else "refused"
    asked.steps.append(Step("origin-checker", answer, f"CORS_ORIGIN_CHECKER {checker.path} {verb} the origin."))
    return answer


def _send_signal(request: HttpRequest, asked: _Asked) -> bool:
    # As the middleware does: one send per request, any truthy answer enables, a raising
    # receiver counts as no.
    answer = False
    parts = []
    for receiver, result in check_request_enabled.send_robust(sender=None, request=request):
        name = f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', repr(receiver))}"
        if isinstance(result, Exception):
            parts.append(f"{name} raised {result!r} (counts as no)")
        else:
            parts.append(f"{name} returned {result!r}")
            answer = answer or bool(result)
    detail = "check_request_enabled was sent once: " + "; ".join(parts or ["no receiver answered"]) + "."
    asked.steps.append(Step("signal", answer, detail))
    return answer


# -- steps ------------------------------------------------------------------------------


def _steps(q: _Query, view: ViewOverrides | None, decision: Decision, asked: _Asked, *, preflight: bool) -> list[Step]:
    """The steps of one decision, in the order ``decide`` takes them, up to where it stopped."""
    policies, path, origin = q.policies, q.path, q.origin
    steps: list[Step] = []
    reason = decision.reason
    if view is not None and view.exempt:
        steps.append(Step("url-enabled", False, f"The view {view.name} is @cors_exempt: CORS is off for it."))
        return steps
    policy, enabled = policies.select(path, view)
    signal_steps = [s for s in asked.steps if s.check == "signal"]
    if view is not None:
        steps.append(Step("url-enabled", True, "CORS is on: the view has its own policy (@cors_policy)."))
    elif enabled:
        index, _p, _e = policies.url_policy(path)
        if index >= 0:
            detail = f"CORS is on: {_url_policy_name(policies, index)} matches the path."
        elif policies.urls_regex is None:
            detail = "CORS is on: CORS_URLS_REGEX is not set, so it covers every path."
        else:
            detail = f"CORS is on: CORS_URLS_REGEX {raw(policies.urls_regex.pattern)} matches the path."
        steps.append(Step("url-enabled", True, detail))
    else:
        pattern = policies.urls_regex.pattern if policies.urls_regex is not None else ""
        signal_on = bool(signal_steps) and bool(signal_steps[0].ok)
        steps.append(
            Step(
                "url-enabled",
                signal_on,
                f"CORS_URLS_REGEX {raw(pattern)} does not match {path!r} (matched with re.match on path_info), "
                "and no URL policy covers it"
                + (", but a check_request_enabled receiver enabled CORS for this request." if signal_on else "."),
            )
        )
        if not signal_on:
            steps.extend(signal_steps)
            return steps
        steps.extend(signal_steps)
        signal_steps = []
    if reason is Reason.PREFLIGHT_INVALID:
        steps.append(Step("preflight-valid", False, reason.sentence))
        return steps
    if reason is Reason.ORIGIN_INVALID:
        steps.append(
            Step(
                "origin-well-formed",
                False,
                f"{origin!r} is not an origin a browser sends (scheme://host[:port], or 'null'); it is refused.",
            )
        )
        return steps
    steps.append(Step("origin-well-formed", True, f"{origin!r} is a well-formed origin."))
    static, matched = policy.match_origin(origin)
    checker_steps = [s for s in asked.steps if s.check == "origin-checker"]
    # When the settings do not match, the checker or a receiver has the last word, so the
    # settings' answer alone is not a failure.
    listed: bool | None = static is not Reason.ORIGIN_NOT_ALLOWED or (None if checker_steps or signal_steps else False)
    steps.append(Step("origin-allowed", listed, _match_detail(policy, static, matched)))
    steps.extend(checker_steps)
    steps.extend(signal_steps)
    if reason is Reason.ORIGIN_NOT_ALLOWED:
        return steps
    if preflight:
        if reason is Reason.PREFLIGHT_METHOD_NOT_ALLOWED:
            steps.append(
                Step(
                    "method-allowed",
                    False,
                    f"Method {decision.refused[0]!r} is not in the allowed methods "
                    f"({', '.join(policy.options.allow_methods) or 'none'}).",
                )
            )
            return steps
        steps.append(Step("method-allowed", True, "The requested method is allowed."))
        if reason is Reason.PREFLIGHT_HEADERS_NOT_ALLOWED:
            steps.append(
                Step(
                    "headers-allowed",
                    False,
                    f"Header(s) {', '.join(decision.refused)} are not in the allowed headers "
                    f"({', '.join(policy.options.allow_headers) or 'none'}).",
                )
            )
            return steps
        steps.append(Step("headers-allowed", True, "Every requested header is allowed."))
    return steps


def _match_detail(policy: Policy, reason: Reason, matched: str | None) -> str:
    if reason is Reason.ALLOWED_ALL_ORIGINS:
        return "Every origin is allowed (allow all origins is on)."
    if reason is Reason.ALLOWED_EXACT:
        return f"The origin is listed in the allowed origins ({matched!r})."
    if reason is Reason.ALLOWED_WILDCARD:
        return f"The origin matches the wildcard {matched!r}."
    if reason is Reason.ALLOWED_REGEX:
        return f"The origin matches the regex {raw(matched or '')}."
    count = len(policy.options.allowed_origins) + len(policy.options.allowed_origin_regexes)
    return f"No allowed origin, wildcard or regex of policy {policy.name!r} matches ({count} configured)."


# -- the whole explanation -------------------------------------------------------------


def default_host() -> str:
    """A Host for the simulated request that ALLOWED_HOSTS accepts, if one is obvious."""
    for host in getattr(settings, "ALLOWED_HOSTS", None) or []:
        if isinstance(host, str) and host and not host.startswith(".") and "*" not in host:
            return host
    return "localhost"


def explain(
    origin: str,
    path: str,
    *,
    method: str = "GET",
    headers: Sequence[tuple[str, str | None]] = (),
    credentials: bool = False,
    host: str | None = None,
    middleware: Sequence[str] | None = None,
) -> Explanation:
    """Explain what the site does with a fetch() from ``origin`` to ``path``.

    ``headers`` are the (lower-case name, value or None) pairs the script sets;
    ``middleware`` defaults to settings.MIDDLEWARE.
    """
    if not origin:
        raise ExplainArgumentError("ORIGIN is empty; give it as a browser sends it, e.g. https://app.example.com.")
    path, notes = parse_path(path)
    method = parse_method(method)
    policies = registry.current()
    resolved = resolve_path(path)
    hints: list[Hint] = []

    unsafe = sorted({name for name, value in headers if not browser.is_safelisted_request_header(name, value)})
    for name, _value in headers:
        if fetch.is_forbidden_request_header(name):
            hints.append(
                Hint("header-forbidden", f"Browsers do not let scripts set {name!r}; it is never sent by fetch().")
            )
    is_preflighted = browser.needs_preflight(method, headers)
    if any(n == "content-type" and v is None for n, v in headers):
        notes.append(
            "Content-Type was given without a value, so it is taken as a non-simple type such as "
            "application/json (which needs a preflight); pass 'Content-Type: text/plain' for a simple one."
        )

    q = _Query(policies, origin, path, method, tuple(unsafe), credentials, host or default_host())
    preflight_item: RequestExplanation | None = None
    preflight_view: ViewOverrides | None = None
    asked_notes: list[str] = []
    if is_preflighted:
        preflight_view = view_overrides(resolved.preflight.func) if resolved.preflight else None
        asked = _Asked()
        decision = _decide(q, preflight_view, asked, preflight=True)
        asked_notes.extend(asked.notes)
        preflight_item = _request_explanation(q, preflight_view, decision, asked, q.sent(True), preflight=True)

    actual_view = view_overrides(resolved.actual.func) if resolved.actual else None
    asked = _Asked()
    decision = _decide(q, actual_view, asked, preflight=False)
    asked_notes.extend(asked.notes)
    actual_item = _request_explanation(q, actual_view, decision, asked, q.sent(False, headers), preflight=False)

    middleware_list = list(settings.MIDDLEWARE if middleware is None else middleware)
    problems = middleware_problems(middleware_list)
    installed = not any(p.id == "crossorigin.W004" for p in problems)
    for problem in problems:
        hints.append(Hint(problem.id, f"{problem.msg} {problem.hint or ''}".strip()))

    view = preflight_view if preflight_item is not None else actual_view
    match = resolved.preflight if preflight_item is not None else resolved.actual
    items = [i for i in (preflight_item, actual_item) if i is not None]
    if view is None or not view.exempt:
        hints.extend(near_miss_hints(q, view, items))
    if view is not None and view.exempt:
        hints.append(
            Hint(
                "view-exempt",
                f"The view {view.name} is @cors_exempt: no CORS headers, and its preflights reach the view. "
                "Remove @cors_exempt or give it @cors_policy(...).",
            )
        )
    notes.extend(_path_notes(path, resolved, middleware_list, problems))
    notes.extend(asked_notes)
    notes.extend(_settings_notes(policies, view))
    notes.extend(_request_notes(method, credentials, match, middleware_list, actual_item))
    return Explanation(
        origin=origin,
        path=path,
        method=method,
        headers=tuple(headers),
        credentials=credentials,
        view=view_name(match),
        policy=items[0].decision.policy,
        policy_source=describe_policy(policies, path, view),
        preflight=preflight_item,
        actual=actual_item,
        middleware_installed=installed,
        hints=tuple(_unique(hints)),
        notes=tuple(dict.fromkeys(notes)),
    )


def _unique(hints: Iterable[Hint]) -> list[Hint]:
    seen: set[tuple[str, str]] = set()
    found = []
    for hint in hints:
        key = (hint.code, hint.message)
        if key not in seen:
            seen.add(key)
            found.append(hint)
    return found


def _request_explanation(
    q: _Query,
    view: ViewOverrides | None,
    decision: Decision,
    asked: _Asked,
    sent: Sequence[tuple[str, str]],
    *,
    preflight: bool,
) -> RequestExplanation:
    credentials = q.credentials
    answered = preflight and decision.enabled
    response = preflight_response() if answered else HttpResponse()
    apply_decision(decision, response)
    headers = {name.lower(): value for name, value in response.items()}
    shown = tuple(
        (name, value)
        for name, value in response.items()
        if name.lower().startswith("access-control-") or name.lower() == "vary"
    )
    origin = q.origin
    if preflight:
        if answered:
            failures = browser.preflight_check(
                200, headers, origin, credentials=credentials, method=q.method, request_headers=q.unsafe
            )
        else:
            failures = [
                "CORS is off for this path, so the preflight is not answered by CorsMiddleware: "
                "it goes on to the view, and its response carries no CORS headers"
            ]
    else:
        failures = browser.cors_check(headers, origin, credentials)
    steps = _steps(q, view, decision, asked, preflight=preflight)
    steps.append(Step("result", decision.allowed, f"{decision.reason.value}: {decision.reason.sentence}"))
    if credentials:
        readable = not browser.cors_check(headers, origin, True)
        steps.append(
            Step(
                "credentials",
                readable,
                "A credentialed request can read the response (Access-Control-Allow-Origin is the exact origin "
                "and Access-Control-Allow-Credentials is true)."
                if readable
                else "A credentialed request cannot read the response: it needs Access-Control-Allow-Origin "
                "equal to the origin and Access-Control-Allow-Credentials: true.",
            )
        )
    return RequestExplanation(
        kind="preflight" if preflight else "actual",
        method="OPTIONS" if preflight else q.method,
        path=q.path,
        request_headers=tuple(sent),
        decision=decision,
        steps=tuple(steps),
        response_headers=shown,
        answered_by_middleware=answered,
        failures=tuple(failures),
    )


# -- hints for near misses ---------------------------------------------------------------


@dataclass(frozen=True)
class LooseOrigin:
    """An origin taken apart leniently, so near misses can be compared part by part."""

    scheme: str
    host: str
    port: int | str | None
    has_path: bool
    raw: str

    @property
    def effective_port(self) -> int | str | None:
        """The port, with the scheme's default filled in."""
        if self.port is not None:
            return self.port
        return {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(self.scheme.lower())


_LOOSE_RE: Final = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<host>\[[^\]]*\]|[^:/?#]*)(?::(?P<port>[^/?#]*))?(?P<rest>.*)"
)


def loose_origin(value: str) -> LooseOrigin | None:
    """Scheme, host, port and whether a path follows; None if it has no scheme://host."""
    found = _LOOSE_RE.fullmatch(value.strip())
    if found is None or not found["host"]:
        return None
    port_text = found["port"]
    port: int | str | None = None
    if port_text == "*":
        port = "*"
    elif port_text and port_text.isdigit():
        port = int(port_text)
    return LooseOrigin(found["scheme"], found["host"], port, bool(found["rest"]), value)


def origin_differences(origin: str, candidate: str) -> list[str] | None:
    """How a request origin differs from a configured one, if only by scheme, port, slash or case.

    Returns None when the hosts differ (not a near miss), [] when equal in every part compared.
    """
    got, want = loose_origin(origin), loose_origin(candidate)
    if got is None or want is None:
        return None
    want_host = want.host.lower()
    got_host = got.host.lower()
    if want_host.startswith("*."):
        parent = want_host[2:]
        if got_host != parent and not got_host.endswith("." + parent):
            return None
    elif got_host != want_host:
        return None
    found = []
    scheme_differs = got.scheme.lower() != want.scheme.lower()
    if scheme_differs:
        found.append("scheme")
    # Between http and https the default ports differ too; that is the scheme's doing.
    explicit = got.port is not None or want.port is not None
    if want.port != "*" and got.effective_port != want.effective_port and (explicit or not scheme_differs):
        found.append("port")
    if got.has_path or want.has_path:
        found.append("trailing slash" if got.raw.endswith("/") or candidate.endswith("/") else "path")
    if any(part != part.lower() for part in (got.scheme, got.host, want.scheme, want.host)):
        found.append("case")
    return found


def origin_candidates(policy: Policy) -> list[str]:
    """The origins a policy was configured with: as written, then in normal form."""
    written = list(policy.options.origin_sources)
    normal = [o.serialize() for o in policy.options.allowed_origins]
    return list(dict.fromkeys([*written, *normal]))


_DIFFERENCE_ADVICE: Final = {
    "scheme": "the scheme differs (http and https are different origins)",
    "port": "the port differs (a port is part of the origin; the default port is left out)",
    "trailing slash": "of a trailing slash (an origin has no path: scheme://host[:port])",
    "path": "of a path (an origin has no path: scheme://host[:port])",
    "case": "of letter case (browsers send the scheme and host in lower case)",
}


def near_miss_hints(q: _Query, view: ViewOverrides | None, items: Sequence[RequestExplanation]) -> list[Hint]:
    """Hints for what probably went wrong, from the decisions and the policy's configuration."""
    policies, path, origin, method = q.policies, q.path, q.origin, q.method
    policy = policies.select(path, view)[0]
    hints: list[Hint] = []
    reasons = {item.decision.reason for item in items}
    if Reason.URL_NOT_ENABLED in reasons:
        hints.extend(_url_hints(policies, path))
    if reasons & {Reason.ORIGIN_NOT_ALLOWED, Reason.ORIGIN_INVALID}:
        hints.extend(_origin_hints(policies, path, view, origin, policy))
    for item in items:
        if item.decision.reason is Reason.PREFLIGHT_METHOD_NOT_ALLOWED:
            hints.extend(_method_hints(policies, path, view, method, policy))
        if item.decision.reason is Reason.PREFLIGHT_HEADERS_NOT_ALLOWED:
            hints.extend(_header_hints(policies, path, view, item.decision.refused, policy))
    if q.credentials:
        hints.extend(_credential_hints(policies, path, view, items))
    return hints


def _url_hints(policies: PolicySet, path: str) -> list[Hint]:
    regex = policies.urls_regex
    if regex is None:
        return []
    message = (
        f"The path {path!r} is outside CORS_URLS_REGEX {raw(regex.pattern)}, so CORS is off for it. "
        "Widen CORS_URLS_REGEX or add a CORS_URL_POLICIES entry for it."
    )
    if regex.match(path.lstrip("/")) is not None:
        message += (
            " The regex matches the path without its leading '/': path_info starts with '/', so write it as r'^/...'."
        )
    return [Hint("url-outside-regex", message)]


def _origin_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, origin: str, policy: Policy
) -> list[Hint]:
    hints: list[Hint] = []
    compiled = {o.serialize() for o in policy.options.allowed_origins}
    for candidate in origin_candidates(policy):
        differences = origin_differences(origin, candidate)
        if differences is None:
            continue
        if not differences:
            if candidate not in compiled and origin not in compiled:
                hints.append(
                    Hint(
                        "origin-dropped",
                        f"{candidate!r} is in the settings but was dropped as invalid; run manage.py check.",
                    )
                )
            continue
        why = " and ".join(_DIFFERENCE_ADVICE[d] for d in differences)
        dropped = "" if candidate in compiled else " That entry was dropped as invalid; run manage.py check."
        hints.append(
            Hint(
                "origin-near-miss",
                f"The origin {origin!r} differs from the allowed {candidate!r} only because {why}.{dropped}",
            )
        )
    for pattern in policy.options.allowed_origin_regexes:
        if pattern.search(origin) is not None and pattern.fullmatch(origin) is None:
            hints.append(
                Hint(
                    "origin-regex-partial",
                    f"The regex {raw(pattern.pattern)} matches part of {origin!r} but not all of it; "
                    "origin regexes must match the whole origin.",
                )
            )
    if origin == "null":
        hints.append(
            Hint(
                "origin-null",
                "'null' is sent by sandboxed iframes, file: pages and some redirects; "
                "any site can produce it, so allowing it is as good as allowing everyone.",
            )
        )
    elif "://" not in origin and not is_well_formed_request_origin(origin):
        hints.append(
            Hint(
                "origin-no-scheme",
                f"{origin!r} has no scheme: a browser's Origin is scheme://host[:port], e.g. 'https://{origin}'.",
            )
        )
    if not hints:
        hints.append(
            Hint(
                "origin-not-listed",
                f"Add {origin!r} to {setting_name(policies, path, view, 'allowed_origins')} if it should be allowed.",
            )
        )
    return hints


def _method_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, method: str, policy: Policy
) -> list[Hint]:
    where = setting_name(policies, path, view, "allow_methods")
    if method != method.upper() and policy.refused_request(method.upper(), [])[0] is None:
        return [
            Hint(
                "method-case",
                f"Methods are case-sensitive and browsers upper-case only DELETE, GET, HEAD, OPTIONS, POST and PUT: "
                f"{method!r} is not allowed but {method.upper()!r} is; send {method.upper()!r} from the script.",
            )
        ]
    return [Hint("method-not-allowed", f"The method {method!r} is not allowed; add it to {where}.")]


def _header_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, refused: Sequence[str], policy: Policy
) -> list[Hint]:
    where = setting_name(policies, path, view, "allow_headers")
    hints = []
    star = "*" in policy.options.allow_headers
    for name in refused:
        if star and policy.options.allow_credentials:
            extra = " ('*' is read as a literal header name when credentials are allowed.)"
        elif star and name == "authorization":
            extra = " ('*' never covers Authorization; list it by name.)"
        else:
            extra = ""
        example = f"CORS_ALLOW_HEADERS = (*default_headers, {name!r})" if where.startswith("CORS_") else ""
        hints.append(
            Hint(
                "header-not-allowed",
                f"The header {name!r} is not allowed; add it to {where}"
                + (f", e.g. {example} (default_headers from crossorigin.defaults)" if example else "")
                + f".{extra}",
            )
        )
    return hints


def _credential_hints(
    policies: PolicySet, path: str, view: ViewOverrides | None, items: Sequence[RequestExplanation]
) -> list[Hint]:
    hints = []
    for item in items:
        headers = {name.lower(): value for name, value in item.response_headers}
        if "access-control-allow-origin" not in headers:
            continue
        if headers.get("access-control-allow-credentials") != "true":
            hints.append(
                Hint(
                    "credentials-not-allowed",
                    "The response does not allow credentials (no Access-Control-Allow-Credentials: true), so a "
                    "fetch() with credentials: 'include' cannot read it; set "
                    f"{setting_name(policies, path, view, 'allow_credentials')} = True, "
                    "with the origins listed explicitly.",
                )
            )
            break
    return hints


# -- notes ---------------------------------------------------------------------------------


def _path_notes(path: str, resolved: Resolved, middleware: Sequence[str], problems: Sequence[Problem]) -> list[str]:
    if resolved.match is not None:
        return []
    if resolved.slash_match is None:
        return [f"{path!r} does not resolve to a view (a 404); the CORS headers still apply to the 404 response."]
    note = f"{path!r} resolves only with a trailing slash ({path + '/'!r}). "
    if COMMON_MIDDLEWARE in middleware and getattr(settings, "APPEND_SLASH", True):
        below = any(p.id == "crossorigin.W005" and COMMON_MIDDLEWARE in p.msg for p in problems)
        note += "CommonMiddleware redirects the request there (APPEND_SLASH), " + (
            "and as CorsMiddleware sits below it the redirect has no CORS headers. "
            if below
            else "and the redirect carries the decision shown for the request. "
        )
        note += "Call the URL with the slash to avoid the redirect. "
    return [note + "A preflight to the path gets the policy of that view, as it is answered before any redirect."]


def _settings_notes(policies: PolicySet, view: ViewOverrides | None) -> list[str]:
    problems = list(policies.problems)
    if view is not None and not view.exempt:
        problems.extend(policies.view_problems(view))
    errors = [p for p in problems if p.level is Level.ERROR]
    return [f"Settings problem {p.id}: {p.msg} (bad entries are left out until fixed)" for p in errors]


_UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CSRF_MIDDLEWARE: Final = "django.middleware.csrf.CsrfViewMiddleware"


def _request_notes(
    method: str,
    credentials: bool,
    match: ResolverMatch | None,
    middleware: Sequence[str],
    actual: RequestExplanation,
) -> list[str]:
    notes = []
    if not actual.decision.enabled or not actual.readable:
        pass
    elif method.upper() in _UNSAFE_METHODS and _CSRF_MIDDLEWARE in middleware:
        exempt = match is not None and getattr(match.func, "csrf_exempt", False)
        if not exempt:
            notes.append(
                f"CORS allows this {method} but Django's CsrfViewMiddleware checks it as well: a cookie-"
                "authenticated request needs a CSRF token and the origin in CSRF_TRUSTED_ORIGINS, or it gets 403."
            )
    if credentials:
        notes.append(
            "Cookies are sent on a cross-site fetch() only if they are SameSite=None; Secure. Django's session "
            "and CSRF cookies are SameSite=Lax by default (SESSION_COOKIE_SAMESITE, CSRF_COOKIE_SAMESITE)."
        )
    return notes
