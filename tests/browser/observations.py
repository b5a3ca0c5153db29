"""What the browser suite observed, engine by engine, written to a JSON artefact.

Tests call ``OBSERVATIONS.record(topic, engine, value)``; at the end of the session
``conftest.py`` writes everything recorded to ``build/browser-observations.json``
(``CROSSORIGIN_OBSERVATIONS`` names another file). ``docs/browser-behaviour.md`` is
generated from that file (``python -m tests.browser.behaviour_page``), and
``test_behaviour_page.py`` fails when the page and this run's observations disagree.

Each topic is one row of the page's table; ``TOPICS`` fixes the rows and their order.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
ARTEFACT_ENV: Final = "CROSSORIGIN_OBSERVATIONS"
DEFAULT_ARTEFACT: Final = ROOT / "build" / "browser-observations.json"

# topic -> the row's label on the page, in the page's order.
TOPICS: Final = {
    "version": "Browser version measured",
    "max_age_absent": "No `Access-Control-Max-Age`: four PUTs in a row",
    "max_age_zero": "`Access-Control-Max-Age: 0`: three PUTs in a row",
    "max_age_one": "`Access-Control-Max-Age: 1`: three PUTs 1.2 s apart",
    "max_age_day": "`Access-Control-Max-Age: 86400`: four PUTs in a row",
    "headers_star": "`Access-Control-Allow-Headers: *`, no credentials, `X-Custom`",
    "headers_star_credentials": "`Access-Control-Allow-Headers: *` with credentials, `X-Custom`",
    "headers_star_authorization": "`Access-Control-Allow-Headers: *`, no credentials, `Authorization`",
    "methods_star_credentials": "`Access-Control-Allow-Methods: *` with credentials, `PATCH`",
    "private_network": "Private Network Access: preflight from a loopback page to a loopback API",
    "blocked_error": "What the script sees for a blocked fetch",
    "console_origin": "Console: origin not allowed",
    "console_star_credentials": "Console: `Access-Control-Allow-Origin: *` with credentials",
    "console_no_credentials": "Console: credentials not allowed",
    "console_header": "Console: request header not allowed",
    "console_method": "Console: method not allowed",
    "console_redirect": "Console: preflight answered with a redirect",
    "console_null": "Console: `null` origin not allowed",
}


class Observations:
    """A thread-safe ``{topic: {engine: value}}`` map, filled by the tests of one session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, dict[str, str]] = {}

    def record(self, topic: str, engine: str, value: str) -> None:
        """Note what ``engine`` did for ``topic``; a different value for the same pair is a bug in the test."""
        if topic not in TOPICS:
            raise KeyError(f"unknown topic {topic!r}; add it to TOPICS")
        with self._lock:
            earlier = self._seen.setdefault(topic, {}).setdefault(engine, value)
        if earlier != value:
            raise AssertionError(f"{engine} observed {topic} as {earlier!r} and then as {value!r}")

    def record_version(self, engine: str, version: str) -> None:
        """The engine's version string (what the driver reports)."""
        self.record("version", engine, version)

    def as_dict(self) -> dict[str, dict[str, str]]:
        with self._lock:
            return {topic: dict(self._seen[topic]) for topic in TOPICS if topic in self._seen}

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._seen)


OBSERVATIONS: Final = Observations()


def artefact_path() -> Path:
    """Where the session's observations are written."""
    return Path(os.environ.get(ARTEFACT_ENV) or DEFAULT_ARTEFACT)


def write(observations: dict[str, dict[str, str]], path: Path) -> None:
    """Write the observations as JSON (sorted, so reruns diff cleanly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(observations, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read(path: Path) -> dict[str, dict[str, str]]:
    """Observations as ``write`` left them."""
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data
