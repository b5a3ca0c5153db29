"""``manage.py cors_explain ORIGIN PATH``: why a cross-origin request is allowed or refused.

Exit status: 0 when a script on ORIGIN could make the request and read the response,
1 when it could not, 2 on bad arguments. The logic lives in ``crossorigin.explain``.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crossorigin._explain import ExplainArgumentError, Explanation, RequestExplanation, explain
from crossorigin._explain.query import parse_headers
from crossorigin._explain.serving import CORS, VIEW, ServerAnswer
from crossorigin._explain.websocket import explain_websocket

EXIT_ALLOWED = 0
EXIT_REFUSED = 1
EXIT_BAD_ARGUMENTS = 2


class Command(BaseCommand):
    help = (
        "Explain whether a fetch() from ORIGIN to PATH is allowed by the CORS settings, "
        "step by step, with the headers the site would send and hints for near misses."
    )
    # Broken CORS settings are what this command is for; it reports them itself.
    requires_system_checks: list[str] = []

    exit_code = EXIT_ALLOWED

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse's own errors (a missing PATH, an unknown option) exit with 2 on the
        # command line already; make them 2 under call_command too.
        original = parser.error

        def error(message: str) -> NoReturn:
            if parser.called_from_command_line:
                original(message)
            raise CommandError(f"Error: {message}", returncode=EXIT_BAD_ARGUMENTS)

        parser.error = error  # type: ignore[method-assign]
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "origin", metavar="ORIGIN", help="the Origin the browser sends, e.g. https://app.example.com"
        )
        parser.add_argument("path", metavar="PATH", help="the path requested, e.g. /api/items/ (or a full URL)")
        parser.add_argument("--method", "-X", default="GET", help="the request method (default GET)")
        parser.add_argument(
            "--header",
            "-H",
            action="append",
            default=[],
            metavar="HEADER",
            help="a header the script sets: 'X-Api-Key' or 'Content-Type: application/json'; repeatable",
        )
        parser.add_argument(
            "--credentials",
            action="store_true",
            help="explain a credentialed request (fetch(..., {credentials: 'include'}))",
        )
        parser.add_argument("--json", action="store_true", help="print a machine-readable JSON document")
        parser.add_argument(
            "--host", default=None, help="the Host of the simulated request (default: from ALLOWED_HOSTS)"
        )
        parser.add_argument(
            "--websocket",
            action="store_true",
            help="explain a WebSocket handshake to PATH instead (CorsOriginValidator); with --credentials, "
            "for a socket that authenticates by cookie; with --secure, over wss",
        )
        parser.add_argument("--secure", action="store_true", help="with --websocket: the socket is wss://")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["websocket"]:
            self.handle_websocket(options)
            return
        try:
            result = explain(
                options["origin"],
                options["path"],
                method=options["method"],
                headers=parse_headers(options["header"]),
                credentials=options["credentials"],
                host=options["host"],
            )
        except ExplainArgumentError as exc:
            raise CommandError(str(exc), returncode=EXIT_BAD_ARGUMENTS) from None
        self.exit_code = EXIT_ALLOWED if result.allowed else EXIT_REFUSED
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, sort_keys=True))
        else:
            self.stdout.write(self.render(result))

    def handle_websocket(self, options: dict[str, Any]) -> None:
        """``--websocket``: explain a handshake (crossorigin._explain.websocket)."""
        result = explain_websocket(
            options["origin"],
            options["path"],
            host=options["host"],
            secure=options["secure"],
            cookies=options["credentials"],
        )
        self.exit_code = EXIT_ALLOWED if result.verdict.accepted else EXIT_REFUSED
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, sort_keys=True))
        else:
            self.stdout.write("\n".join(result.lines()))

    def run_from_argv(self, argv: list[str]) -> None:
        super().run_from_argv(argv)
        if self.exit_code:
            sys.exit(self.exit_code)

    # -- text output -------------------------------------------------------------------

    def render(self, result: Explanation) -> str:
        """The explanation as text for a terminal."""
        style = self.style
        lines = [
            style.MIGRATE_HEADING(f"fetch() from {result.origin} to {result.method} {result.path}"),
            f"  view:    {result.view or '(none: the path does not resolve)'}",
            f"  policy:  {result.policy} - {result.policy_source}",
        ]
        if result.headers:
            shown = ", ".join(name if value is None else f"{name}: {value}" for name, value in result.headers)
            lines.append(f"  headers: {shown}")
        if result.credentials:
            lines.append("  credentials: include")
        if result.preflight is None:
            lines.extend(["", "No preflight: a browser sends this request directly (safelisted method and headers)."])
        else:
            lines.extend(["", *self._render_request("Preflight", result.preflight)])
        title = "Request"
        if result.preflight is not None and not result.preflight.readable:
            title = "Request (a browser does not send it, as the preflight fails; shown for completeness)"
        lines.extend(["", *self._render_request(title, result.actual)])
        if result.redirected is not None:
            followed = result.redirected
            lines.extend(["", style.MIGRATE_HEADING("The browser follows the redirect:")])
            body = self.render(followed).splitlines()[:-2]  # its own verdict is this one's
            lines.extend(f"  | {line}" if line else "  |" for line in body)
        if not result.middleware_installed:
            lines.extend(["", style.ERROR("CorsMiddleware is not in MIDDLEWARE: none of these headers are sent.")])
        if result.hints:
            lines.extend(["", style.WARNING("Hints:")])
            lines.extend(f"  - [{hint.code}] {hint.message}" for hint in result.hints)
        if result.notes:
            lines.extend(["", "Notes:"])
            lines.extend(f"  - {note}" for note in result.notes)
        failed = _server_error(result)
        if result.allowed:
            verdict = style.SUCCESS("ALLOWED: a script on the origin can make this request and read the response.")
        elif failed is not None:
            raised = (failed.raised or "").split(":", 1)[0]
            verdict = style.ERROR(
                f"FAILS: the server answers {failed.status} from {failed.answered_by}, which raised {raised}, "
                "before the view: a script on the origin gets that error, not the view's response."
            )
        else:
            verdict = style.ERROR(
                "REFUSED: the browser will not let a script on the origin read the response." + _why(result)
            )
        lines.extend(["", verdict])
        return "\n".join(lines)

    def _render_request(self, title: str, item: RequestExplanation) -> list[str]:
        style = self.style
        lines = [style.MIGRATE_HEADING(f"{title}: {item.method} {item.path}")]
        lines.extend(f"  > {name}: {value}" for name, value in item.request_headers)
        if item.failures and any(step.ok for step in item.steps):
            # The decision passed, but the browser still blocks what the server sends: no
            # "ok" may stand above a refusal, so the passed steps are shown as not deciding.
            lines.append("  CorsMiddleware's decision, which is not what the browser gets (see 'browser:' below):")
        for step in item.steps:
            ok = None if item.failures and step.ok else step.ok
            mark = {True: style.SUCCESS("ok  "), False: style.ERROR("FAIL"), None: "--  "}[ok]
            lines.append(f"  [{mark}] {step.check}: {step.detail}")
        answer = item.answer
        if answer is not None and answer.answered_by not in (CORS, VIEW):
            # Another middleware's response is what the browser gets.
            carries = "with" if answer.cors_headers else "without"
            lines.append(f"  < {answer.describe()}, {carries} CORS headers")
        if item.kind == "preflight" and not item.answered_by_middleware:
            lines.append("  < (not answered by CorsMiddleware: the preflight goes on to the view)")
        else:
            if item.kind == "preflight" and (answer is None or answer.answered_by == CORS):
                lines.append("  < 200 OK, Content-Length: 0 (answered by CorsMiddleware)")
            if not item.response_headers:
                lines.append("  < (no CORS headers)")
            lines.extend(f"  < {name}: {value}" for name, value in item.response_headers)
        if item.failures:
            # A middleware that raised fails the request itself; the browser blocks the rest.
            label = "fails" if answer is not None and answer.raised is not None and answer.status >= 500 else "blocked"
            lines.extend(f"  browser: {style.ERROR(label)}: {failure}" for failure in item.failures)
        else:
            lines.append(f"  browser: {style.SUCCESS('passes')} the CORS check")
        return lines


def _server_error(result: Explanation) -> ServerAnswer | None:
    """The error the server answers the request with, when a middleware raised before the view."""
    while result.redirected is not None:
        result = result.redirected
    if result.preflight is not None and not result.preflight.readable:
        return None
    answer = result.actual.answer
    return answer if answer is not None and answer.raised is not None and answer.status >= 500 else None


def _why(result: Explanation) -> str:
    """Why it is refused, when the site's own answer or a redirect is the cause."""
    if result.redirected is not None and not result.redirected.allowed:
        return " The browser follows the redirect, and the request it leads to is refused." + _why(result.redirected)
    failed = result.preflight if result.preflight is not None and not result.preflight.readable else result.actual
    answer = failed.answer
    if answer is None or answer.answered_by in (CORS, VIEW) or not failed.failures:
        return ""
    carries = "with" if answer.cors_headers else "without"
    return f" The server answers {answer.describe()}, {carries} CORS headers."
