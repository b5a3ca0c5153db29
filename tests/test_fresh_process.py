"""Behaviour that only shows in a fresh worker process, before anything imported the URLconf."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A preflight is the first request a fresh gunicorn or uvicorn worker may see. It never
# reaches a view, so unless the policies load the URLconf themselves, the @cors_policy on
# /open/ would be unknown and the global policy (which refuses this origin) would answer.
FIRST_REQUEST_IS_A_PREFLIGHT = """
import json, django
django.setup()
from django.test import Client
response = Client().options(
    "/open/",
    headers={"Origin": "https://anyone.example", "Access-Control-Request-Method": "PATCH"},
)
print(json.dumps({"status": response.status_code, "acao": response.get("access-control-allow-origin")}))
"""


def test_a_preflight_to_a_decorated_view_is_answered_with_its_policy_in_a_fresh_process() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_REQUEST_IS_A_PREFLIGHT],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 200, "acao": "*"}
