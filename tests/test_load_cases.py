"""The load test's expected answers (load/cases.py) are what the middleware answers.

``make load`` counts a response as wrong when it differs from load/cases.py. This keeps
that table honest: every case, sent through the middleware under load/settings.py,
gets exactly the expected answer, so a load failure always means a real regression.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings
from load import settings as load_settings
from load.cases import CASES, Case
from load.run import check_answer, lua_cases

from crossorigin.middleware import CorsMiddleware

LOAD_CORS: dict[str, Any] = {
    name: getattr(load_settings, name) for name in dir(load_settings) if name.startswith("CORS_")
}


def echo(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok")
    response["x-load-case"] = request.headers.get("x-load-case", "")
    return response


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES, 1)), ids=[c.name for c in CASES])
def test_each_load_case_gets_its_expected_answer(index: int, case: Case) -> None:
    headers = dict(case.headers)
    if not case.preflight:
        headers["X-Load-Case"] = str(index)
    request = RequestFactory().generic(case.method, case.path)
    for name, value in headers.items():
        request.META["HTTP_" + name.upper().replace("-", "_")] = value
    with override_settings(**LOAD_CORS):
        response = CorsMiddleware(echo)(request)
    answer = {name.lower(): value for name, value in response.items()}
    assert check_answer(case, index, response.status_code, answer) is None


def test_the_mix_has_every_kind_of_request() -> None:
    assert {c.kind for c in CASES} == {"allowed", "disallowed", "preflight", "hostile"}
    assert sum(c.granted is not None for c in CASES) >= 4


def test_the_generated_lua_escapes_every_non_ascii_byte() -> None:
    script = lua_cases()
    assert script.isascii()
    assert "\\228" in script  # the Latin-1 'ä' of the latin1 case
