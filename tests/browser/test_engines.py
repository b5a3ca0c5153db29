"""How a missing browser engine is reported: a skip that says how to install it, or under CI a failure."""

from __future__ import annotations

import pytest

from tests.browser import engines
from tests.browser.conftest import REQUIRE_ENV, unavailable


@pytest.mark.parametrize(
    ("engine", "package"),
    [("chromium", "chromium"), ("firefox", "firefox-esr"), ("webkit", "wpewebkit-driver cog")],
)
def test_a_missing_engine_names_the_debian_package(monkeypatch: pytest.MonkeyPatch, engine: str, package: str) -> None:
    monkeypatch.delenv(engines.EXECUTABLE_ENVS[engine], raising=False)
    monkeypatch.setitem(engines.DEBIAN_EXECUTABLES, engine, "/nonexistent/" + engine)
    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(engines.EngineUnavailable, match=f"sudo apt-get install -y {package}$"):
        engines.launch(engine)


def test_an_executable_named_in_the_environment_must_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSORIGIN_FIREFOX", "/nonexistent/firefox")

    with pytest.raises(
        engines.EngineUnavailable, match="CROSSORIGIN_FIREFOX='/nonexistent/firefox' is not an executable"
    ):
        engines.launch("firefox")


def test_without_ci_an_unavailable_engine_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)

    with pytest.raises(pytest.skip.Exception, match="apt-get install -y firefox-esr"):
        unavailable("firefox is not installed; install it with: sudo apt-get install -y firefox-esr")


def test_under_ci_an_unavailable_engine_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")

    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_ENV} is set"):
        unavailable("firefox is not installed")
