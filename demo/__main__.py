"""``python -m demo``: migrate the SQLite database, start three servers, stop on Ctrl-C.

* the API (this Django project, with CorsMiddleware) on http://127.0.0.1:8101
* the trusted front-end page on http://localhost:8102 (allowed by the settings)
* an untrusted page on http://127.0.0.1:8103 (allowed nowhere, except public views)

``localhost`` and ``127.0.0.1`` are different origins to a browser, so all three are
cross-origin to each other while every server listens on loopback only.
"""

from __future__ import annotations

import argparse
import os
import signal
import socketserver
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

LOOPBACK = "127.0.0.1"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--api-port", type=int, default=8101)
    parser.add_argument("--front-port", type=int, default=8102)
    parser.add_argument("--untrusted-port", type=int, default=8103)
    parser.add_argument("--database", help="SQLite file (default demo/demo.sqlite3)")
    return parser.parse_args(argv)


def configure(args: argparse.Namespace) -> dict[str, str]:
    """Put the three origins (and the database) where demo/settings.py reads them."""
    origins = {
        "api": f"http://127.0.0.1:{args.api_port}",
        "front": f"http://localhost:{args.front_port}",
        "untrusted": f"http://127.0.0.1:{args.untrusted_port}",
    }
    os.environ["DEMO_API_ORIGIN"] = origins["api"]
    os.environ["DEMO_FRONT_ORIGIN"] = origins["front"]
    os.environ["DEMO_UNTRUSTED_ORIGIN"] = origins["untrusted"]
    if args.database:
        os.environ["DEMO_DATABASE"] = args.database
    os.environ["DJANGO_SETTINGS_MODULE"] = "demo.settings"
    return origins


def prepare_django() -> None:
    """Set Django up, report system check findings, migrate the database."""
    import django
    from django.core import checks
    from django.core.management import call_command

    django.setup()
    messages = checks.run_checks(include_deployment_checks=False)
    for message in messages:
        print(f"  check {message}", file=sys.stderr)
    if any(message.is_serious() for message in messages):
        raise SystemExit("The demo's settings fail the system checks above.")
    call_command("migrate", interactive=False, verbosity=0, skip_checks=True)


def api_server(port: int) -> socketserver.BaseServer:
    """The Django project, served by Django's own threaded WSGI server (as runserver does)."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application

    server = ThreadedWSGIServer((LOOPBACK, port), WSGIRequestHandler, ipv6=False)
    server.set_app(get_internal_wsgi_application())
    return server


def start(servers: list[socketserver.BaseServer]) -> list[threading.Thread]:
    threads = [threading.Thread(target=s.serve_forever, name=f"demo-{i}", daemon=True) for i, s in enumerate(servers)]
    for thread in threads:
        thread.start()
    return threads


def stop(servers: list[socketserver.BaseServer], threads: list[threading.Thread]) -> None:
    # shutdown() waits for serve_forever to return, so only for servers whose thread runs.
    for server, thread in zip(servers, threads, strict=False):
        if thread.is_alive():
            server.shutdown()
    for server in servers:
        server.server_close()
    for thread in threads:
        thread.join(timeout=5)


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
BANNER = (
    "\n"
    "django-crossorigin demo\n"
    "  Open the front-end page:  {front}/    (trusted: in CORS_ALLOWED_ORIGINS)\n"
    "  The untrusted page:       {untrusted}/    (allowed by no setting)\n"
    "  The API:                  {api}/    (Django + SQLite, CorsMiddleware)\n"
    "Each page runs real fetch() calls against the API and shows the browser's result\n"
    "beside the server's explanation. The API logs one 'cors <reason>' line per decision.\n"
    "Press Ctrl-C to stop all three servers.\n"
)


def block_stop_signals() -> None:
    """Hold Ctrl-C and SIGTERM for ``wait_for_stop_signal`` (no-op where unsupported)."""
    # A shell may start background jobs with SIGINT ignored; undo that first.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)


def wait_for_stop_signal() -> None:
    """Return once Ctrl-C (SIGINT) or SIGTERM arrives."""
    if hasattr(signal, "sigwait"):
        signal.sigwait(STOP_SIGNALS)
        return
    try:  # Windows: no signal masks; Ctrl-C raises KeyboardInterrupt in the main thread
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        return


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    origins = configure(args)
    prepare_django()

    from demo.pageserver import PageServer

    config: dict[str, Any] = {"origins": origins}
    servers: list[socketserver.BaseServer] = []
    factories: list[tuple[str, int, Callable[[], socketserver.BaseServer]]] = [
        ("API", args.api_port, lambda: api_server(args.api_port)),
        ("front-end page", args.front_port, lambda: PageServer((LOOPBACK, args.front_port), "trusted", config)),
        (
            "untrusted page",
            args.untrusted_port,
            lambda: PageServer((LOOPBACK, args.untrusted_port), "untrusted", config),
        ),
    ]
    for what, port, factory in factories:
        try:
            servers.append(factory())
        except OSError as exc:
            for server in servers:
                server.server_close()
            print(f"Cannot start the {what} on port {port}: {exc.strerror}.", file=sys.stderr)
            print(
                "Pick other ports: ./scripts/demo.sh --api-port 9101 --front-port 9102 --untrusted-port 9103",
                file=sys.stderr,
            )
            return 1

    threads: list[threading.Thread] = []
    # The stop signals are blocked before the server threads start (threads inherit the
    # mask), so they reach only the main thread's sigwait, wherever they are sent from,
    # and one that arrives while the banner prints waits for it.
    block_stop_signals()
    try:
        threads = start(servers)
        print(BANNER.format(**origins), flush=True)
        wait_for_stop_signal()
        print("\nStopping the demo...", flush=True)
    finally:
        stop(servers, threads)
    print("Demo stopped.", flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # Ctrl-C while migrating, before any server started
        sys.exit(130)
