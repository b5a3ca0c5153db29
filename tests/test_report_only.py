"""CORS_REPORT_ONLY: a second policy decided beside the enforced one, reported, never served."""

from __future__ import annotations

import logging
import re
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.checks import Error
from django.core.management import call_command

from crossorigin._config import registry
from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import read_settings
from crossorigin._core.policy import Decision, Reason
from crossorigin._http.report_only import ReportOnly, ReportWindow, for_policies
from crossorigin.checks import check_settings
from crossorigin.signals import report_only_differs
from tests.conftest import Send, SettingsWrapper

LOGGER = "crossorigin.report_only"
DOC = Path(__file__).resolve().parents[1] / "docs" / "report-only.md"
TRUSTED = "https://example.com"


class Clock:
    """A clock the test moves by hand, so windows end without waiting."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    return caplog


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER]


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in records(caplog)]


@pytest.fixture
def tightening(settings: SettingsWrapper) -> SettingsWrapper:
    """Allow-all enforced, an exact list in report-only: the recipe's middle step."""
    settings.CORS_ALLOWED_ORIGINS = []
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_REPORT_ONLY = {"CORS_ALLOWED_ORIGINS": [TRUSTED]}
    return settings


def window(clock: Clock, max_reports: int = 1000) -> ReportWindow:
    """Swap the compiled report-only policy's window for one on a hand-moved clock."""
    report_only = for_policies(registry.current())
    assert report_only is not None
    report_only.window = ReportWindow(60.0, max_reports, clock)
    return report_only.window


# -- reading and compiling --------------------------------------------------------------


def test_unset_compiles_nothing() -> None:
    assert read_settings(SimpleNamespace()).report_only is None
    assert for_policies(registry.current()) is None


def test_the_dict_is_read_by_the_same_reader_as_whole_settings() -> None:
    source = SimpleNamespace(
        CORS_ALLOW_ALL_ORIGINS=True,
        CORS_ALLOW_CREDENTIALS=True,
        CORS_REPORT_ONLY={"CORS_ORIGIN_WHITELIST": ["https://a.example"], "CORS_PREFLIGHT_MAX_AGE": 60},
    )
    shadow = read_settings(source).report_only
    assert shadow is not None
    assert [o.serialize() for o in shadow.options.allowed_origins] == ["https://a.example"]
    # Names the dict leaves out take their defaults, not the enforced values.
    assert shadow.options.allow_all_origins is False
    assert shadow.options.allow_credentials is False
    assert shadow.options.preflight_max_age == 60
    # The old name is noted as it would be in the enforced settings.
    assert [p.id for p in shadow.problems] == ["crossorigin.I040"]


def test_compiled_into_a_second_policy_set() -> None:
    policies = PolicySet(read_settings(SimpleNamespace(CORS_REPORT_ONLY={"CORS_ALLOWED_ORIGINS": [TRUSTED]})))
    assert isinstance(for_policies(policies), ReportOnly)
    shadow = for_policies(policies).policies
    assert shadow.report_only_policies is None
    assert shadow.global_policy.exact_origins == {TRUSTED}
    assert policies.global_policy.exact_origins == frozenset()


def test_never_closed_even_when_no_check_runs() -> None:
    # enforce_checks: the app is not installed, so a dangerous enforced policy is closed;
    # the report-only one never reaches a response and is left as written.
    dangerous = {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True}
    policies = PolicySet(read_settings(SimpleNamespace(**dangerous, CORS_REPORT_ONLY=dangerous)), enforce_checks=True)
    assert for_policies(policies) is not None
    assert policies.global_policy.options.allow_all_origins is False  # closed
    assert for_policies(policies).policies.global_policy.options.allow_all_origins is True


def test_check_findings_are_at_most_warnings_with_the_enforced_id(settings: SettingsWrapper) -> None:
    settings.CORS_REPORT_ONLY = {
        "CORS_ALLOWED_ORIGINS": ["example.com"],  # no scheme: an error when enforced
        "CORS_ALLOW_ALL_ORIGINS": True,
        "CORS_ALLOW_CREDENTIALS": True,  # with allow-all: a security error when enforced
    }
    messages = check_settings()
    shadow = [m for m in messages if "CORS_REPORT_ONLY" in m.msg]
    assert shadow
    assert {m.id for m in shadow} == {"crossorigin.W070"}
    assert not any(isinstance(m, Error) for m in messages)
    assert any(m.msg.startswith("CORS_REPORT_ONLY (crossorigin.E") for m in shadow)


def test_names_it_cannot_use_are_reported() -> None:
    source = SimpleNamespace(
        CORS_REPORT_ONLY={"CORS_ORIGIN_CHECKER": "app.check", "CORS_ALLOWED_ORIGNS": [], "CORS_ALLOWED_ORIGINS": []}
    )
    shadow = read_settings(source).report_only
    assert shadow is not None
    assert [p.id for p in shadow.problems] == ["crossorigin.W072", "crossorigin.W071"]
    assert shadow.origin_checker is None  # ignored, not read
    wrong = read_settings(SimpleNamespace(CORS_REPORT_ONLY=["https://a.example"]))
    assert wrong.report_only is None
    assert [p.id for p in wrong.problems] == ["crossorigin.W073"]


# -- beside the enforced policy -----------------------------------------------------------


@pytest.mark.parametrize("origin", [TRUSTED, "https://other.example"])
def test_the_response_is_the_enforced_one_header_for_header(send: Send, settings: SettingsWrapper, origin: str) -> None:
    settings.CORS_ALLOWED_ORIGINS = []
    settings.CORS_ALLOW_ALL_ORIGINS = True
    settings.CORS_EXPOSE_HEADERS = ["x-total"]
    without = send("GET", "/api/items/", {"origin": origin})
    settings.CORS_REPORT_ONLY = {"CORS_ALLOWED_ORIGINS": [TRUSTED], "CORS_ALLOW_CREDENTIALS": True}
    with_report_only = send("GET", "/api/items/", {"origin": origin})
    assert for_policies(registry.current()) is not None
    assert sorted(with_report_only.items()) == sorted(without.items())
    assert with_report_only.content == without.content
    assert with_report_only.status_code == without.status_code


def test_a_difference_is_logged_with_both_reasons(
    send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    response = send("GET", "/api/items/", {"origin": "https://other.example"})
    assert response["access-control-allow-origin"] == "*"  # served as enforced
    [record] = records(log)
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        "cors-report-only would-refuse origin=https://other.example path=/api/items/ policy=global "
        "reason=origin-not-allowed enforced_policy=global enforced_reason=allowed-all-origins"
    )
    fields: dict[str, Any] = record.__dict__
    assert fields["cors_origin"] == "https://other.example"
    assert fields["cors_reason"] == "origin-not-allowed"
    assert fields["cors_enforced_reason"] == "allowed-all-origins"


def test_a_preflight_the_stricter_methods_would_refuse_is_reported(
    send: Send, settings: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    # Same origins, fewer methods: only the preflight can show the difference.
    settings.CORS_ALLOWED_ORIGINS = [TRUSTED]
    settings.CORS_ALLOW_METHODS = ["GET", "POST", "DELETE"]
    settings.CORS_REPORT_ONLY = {"CORS_ALLOWED_ORIGINS": [TRUSTED], "CORS_ALLOW_METHODS": ["GET", "POST"]}
    response = send.preflight("/api/items/", TRUSTED, "DELETE")
    assert response["access-control-allow-origin"] == TRUSTED  # served as enforced
    assert "DELETE" in response["access-control-allow-methods"]
    [record] = records(log)
    assert record.getMessage().startswith(
        f"cors-report-only would-refuse origin={TRUSTED} path=/api/items/ policy=global "
        "reason=preflight-method-not-allowed"
    )
    send.preflight("/api/items/", TRUSTED, "POST")
    assert len(records(log)) == 1  # a method both allow: nothing more


def test_agreeing_decisions_are_not_reported(
    send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    send("GET", "/api/items/", {"origin": TRUSTED})
    send("GET", "/api/items/")  # no Origin: nothing to compare
    send("GET", "/exempt/", {"origin": "https://other.example"})  # @cors_exempt: the code decided
    send("GET", "/open/", {"origin": "https://other.example"})  # @cors_policy(allow_all) in both
    assert records(log) == []


def test_a_response_the_view_switched_off_is_not_compared(
    send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    tightening.ROOT_URLCONF = "tests.test_cors_enabled"
    tightening.CORS_REPORT_ONLY = {"CORS_ALLOW_ALL_ORIGINS": True}  # would allow: the view said no
    tightening.CORS_ALLOW_ALL_ORIGINS = False
    send("GET", "/api/off/", {"origin": "https://other.example"})
    assert records(log) == []
    send("GET", "/api/seen/", {"origin": "https://other.example"})
    assert "would-allow origin=https://other.example path=/api/seen/ " in lines(log)[0]


def test_a_looser_report_only_policy_reports_what_it_would_allow(
    send: Send, settings: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    settings.CORS_REPORT_ONLY = {"CORS_ALLOWED_ORIGINS": [TRUSTED, "https://new.example"]}
    response = send("GET", "/api/items/", {"origin": "https://new.example"})
    assert "access-control-allow-origin" not in response
    assert lines(log) == [
        "cors-report-only would-allow origin=https://new.example path=/api/items/ policy=global "
        "reason=allowed-exact enforced_policy=global enforced_reason=origin-not-allowed"
    ]


def test_url_policies_of_the_report_only_settings_are_selected(
    send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    tightening.CORS_REPORT_ONLY = {
        "CORS_ALLOWED_ORIGINS": [TRUSTED],
        "CORS_URL_POLICIES": [(r"^/public/", {"allow_all_origins": True})],
    }
    send("GET", "/public/items/", {"origin": "https://other.example"})
    assert records(log) == []
    send("GET", "/api/items/", {"origin": "https://other.example"})
    assert len(records(log)) == 1


def test_request_values_are_escaped(send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture) -> None:
    send("GET", "/api/items/\u2028 x=1/", {"origin": "https://other.example"})
    [line] = lines(log)
    # The separator and the space are escaped (ASGI hands the path on as bytes read as
    # latin-1, so its escape differs), so no field can be forged.
    assert "\u2028" not in line
    assert re.search(r" path=/api/items/\\\S+\\x20x=1/ policy=global ", line), line


# -- rationed reports and the window's counts ---------------------------------------------


def test_each_origin_is_named_once_a_window_with_the_counts(
    sync_send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    window(clock)
    for _ in range(3):
        sync_send("GET", "/api/items/", {"origin": "https://a.example"})
        sync_send("GET", "/", {"origin": "https://b.example"})
    sync_send("GET", "/api/items/", {"origin": TRUSTED})  # allowed by both: not counted
    named = [re.search(r"origin=(\S+)", line).group(1) for line in lines(log)]  # type: ignore[union-attr]
    assert named == ["https://a.example", "https://b.example"]

    log.clear()
    clock.now = 61.0  # the window ends; the next difference sums it up and opens a new one
    sync_send("GET", "/api/items/", {"origin": "https://a.example"})
    summary, again = records(log)
    assert summary.getMessage() == (
        "cors-report-only summary seconds=61 differences=6 reported=2 repeats_left_out=4 over_budget_left_out=0 "
        "top=https://a.example/global/origin-not-allowed:2,https://b.example/global/origin-not-allowed:2"
    )
    assert summary.__dict__["cors_report_repeats"] == {
        "https://a.example/global/origin-not-allowed": 2,
        "https://b.example/global/origin-not-allowed": 2,
    }
    assert "origin=https://a.example " in again.getMessage()


def test_invented_origins_cannot_flood_the_log(
    sync_send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    limited = window(clock, max_reports=2)
    for n in range(50):
        sync_send("GET", "/api/items/", {"origin": f"https://x{n}.example"})
    messages = lines(log)
    assert len(messages) == 3
    assert messages[2].startswith("cors-report-only budget-reached max=2:")
    assert len(limited._repeats) == 2  # memory: the logged keys only
    log.clear()
    clock.now = 60.0
    sync_send("GET", "/api/items/", {"origin": "https://x0.example"})
    assert "differences=50 reported=2 repeats_left_out=0 over_budget_left_out=48" in lines(log)[0]


def test_a_window_without_differences_sums_up_nothing() -> None:
    clock = Clock()
    limited = ReportWindow(10.0, 5, clock)
    clock.now = 100.0
    assert limited.admit(("https://a.example", "global", "origin-not-allowed")) == (True, False, None)


# -- the signal ---------------------------------------------------------------------------


def test_the_signal_is_sent_on_every_difference(
    send: Send, tightening: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    seen: list[tuple[str, str, Decision, Decision]] = []

    def count(
        *, sender: Any, request: Any, origin: str, path: str, enforced: Decision, report_only: Decision, **kw: Any
    ) -> None:
        seen.append((origin, path, enforced, report_only))

    def broken(**kw: Any) -> None:
        raise RuntimeError("metrics are down")

    report_only_differs.connect(count)
    report_only_differs.connect(broken)
    try:
        for _ in range(2):
            response = send("GET", "/api/items/", {"origin": "https://other.example"})
            assert response.status_code == 200
        send("GET", "/api/items/", {"origin": TRUSTED})
    finally:
        report_only_differs.disconnect(count)
        report_only_differs.disconnect(broken)
    assert [(o, p) for o, p, _e, _r in seen] == [("https://other.example", "/api/items/")] * 2
    assert seen[0][2].reason is Reason.ALLOWED_ALL_ORIGINS
    assert seen[0][3].reason is Reason.ORIGIN_NOT_ALLOWED
    assert sum("metrics are down" in line for line in lines(log)) == 2


# -- the documented example -----------------------------------------------------------------


def documented_settings() -> dict[str, Any]:
    """The copy-paste example of docs/report-only.md, run as a settings module."""
    block = re.search(r"<!-- example: settings -->\s*```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block, "docs/report-only.md lost its settings example"
    namespace: dict[str, Any] = {}
    exec(block.group(1), namespace)
    return {k: v for k, v in namespace.items() if k.startswith("CORS_")}


def test_the_documented_example_reports_the_origins_it_would_cut_off(
    send: Send, settings: SettingsWrapper, log: pytest.LogCaptureFixture
) -> None:
    example = documented_settings()
    assert example["CORS_ALLOW_ALL_ORIGINS"] is True
    for name, value in example.items():
        setattr(settings, name, value)
    assert [m for m in check_settings() if "CORS_REPORT_ONLY" in m.msg] == []
    kept = example["CORS_REPORT_ONLY"]["CORS_ALLOWED_ORIGINS"][0]
    # Both are served as allow-all serves them; only the log tells them apart.
    assert send("GET", "/api/items/", {"origin": kept})["access-control-allow-origin"] == "*"
    assert send("GET", "/api/items/", {"origin": "https://old-partner.example"})["access-control-allow-origin"] == "*"
    [line] = lines(log)
    assert "would-refuse origin=https://old-partner.example " in line


# -- cors_explain -------------------------------------------------------------------------


def explain_text(*args: str) -> str:
    out = StringIO()
    call_command("cors_explain", *args, stdout=out, no_color=True)
    return out.getvalue()


def test_explain_shows_both_decisions_when_they_differ(tightening: SettingsWrapper) -> None:
    text = explain_text("https://other.example", "/api/items/")
    assert (
        "Report-only (CORS_REPORT_ONLY): policy global would refuse the request (origin-not-allowed: "
        "The origin matches no allowed origin, wildcard or regex.); that differs: the response is served as "
        "enforced (allowed, allowed-all-origins, policy global) and the difference is logged on "
        "crossorigin.report_only."
    ) in " ".join(text.split())


def test_explain_says_when_they_agree(tightening: SettingsWrapper) -> None:
    text = " ".join(explain_text(TRUSTED, "/api/items/").split())
    assert "policy global would allow the request (allowed-exact: " in text
    assert "the same answer as the enforced policy (allowed, allowed-all-origins)." in text


def test_explain_says_nothing_of_it_when_unset() -> None:
    assert "CORS_REPORT_ONLY" not in explain_text("https://other.example", "/api/items/")
