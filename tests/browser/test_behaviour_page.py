"""docs/browser-behaviour.md is generated from the observations, and agrees with this run's."""

from __future__ import annotations

import pytest

from tests.browser.behaviour_page import NOT_OBSERVED, PAGE, render, table_cells
from tests.browser.engines import ENGINES
from tests.browser.observations import OBSERVATIONS, TOPICS


def test_page_is_what_the_generator_renders_from_its_own_table() -> None:
    """No hand edits: the page is exactly the generator's output for the values it shows."""
    page = PAGE.read_text(encoding="utf-8")

    assert page == render(table_cells(page)), "run: python -m tests.browser.behaviour_page"


def test_page_shows_every_topic_for_every_engine() -> None:
    cells = table_cells(PAGE.read_text(encoding="utf-8"))

    assert set(cells) == set(TOPICS)
    missing = [(topic, engine) for topic, row in cells.items() for engine in ENGINES if row[engine] == NOT_OBSERVED]
    assert missing == [], "regenerate the page from a run of all three engines"


def test_table_round_trips_a_cell_with_a_pipe() -> None:
    observations = {topic: dict.fromkeys(ENGINES, "x") for topic in TOPICS} | {"version": {"chromium": "a | b"}}

    cells = table_cells(render(observations))

    assert cells["version"] == {"chromium": "a | b", "firefox": NOT_OBSERVED, "webkit": NOT_OBSERVED}
    assert cells["blocked_error"] == dict.fromkeys(ENGINES, "x")


@pytest.mark.browser
@pytest.mark.after_all_engines
def test_page_agrees_with_this_runs_observations() -> None:
    """Runs last: what the engines did in this session is what the page says they do."""
    observed = OBSERVATIONS.as_dict()
    if not observed:
        pytest.skip("no browser engine ran in this session, so there is nothing to compare")
    cells = table_cells(PAGE.read_text(encoding="utf-8"))

    differences = {
        (topic, engine): (value, cells.get(topic, {}).get(engine))
        for topic, by_engine in observed.items()
        for engine, value in by_engine.items()
        if cells.get(topic, {}).get(engine) != value
    }
    assert differences == {}, (
        "docs/browser-behaviour.md disagrees with this run (observed, page); after a full "
        "`pytest -m browser`, run: python -m tests.browser.behaviour_page"
    )
