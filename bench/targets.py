"""The issue's speed targets, checked against one run's records (never in unit tests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.variants import FLOOR, INCUMBENT, OURS

# (scenario, the variant ours is compared with, the most ours may cost relative to it).
# The 1.25x-of-the-floor targets are retired (issue 19): every scenario stays within
# these fractions of django-cors-headers, and within +15% of the previous release.
AGAINST: tuple[tuple[str, str, float], ...] = (
    ("allowed origin", INCUMBENT, 0.10),
    ("disallowed origin", INCUMBENT, 0.10),
    ("preflight", INCUMBENT, 0.10),
    ("preflight, JSON API", INCUMBENT, 0.10),
    ("no Origin", INCUMBENT, 0.16),
    ("1,000 exact origins", INCUMBENT, 0.005),
)
# (family, largest size, smallest size, the most the largest may cost relative to the smallest).
FLAT: tuple[tuple[str, int, int, float], ...] = (
    ("exact", 10000, 1, 1.25),
    ("regex", 100, 1, 2.0),
    ("wildcard", 10000, 1, 1.25),
)
ASYNC_LIMIT = 1.5
ASYNC_SCENARIOS = ("no Origin", "allowed origin", "disallowed origin", "preflight")


def evaluate(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each target that the records can answer: name, measured value, limit, ok."""
    by_key = {(r["scenario"], r["mode"]): r for r in records}
    by_family = {(r["family"][0], r["family"][1], r["mode"]): r for r in records if r["family"]}
    found: list[dict[str, Any]] = []

    def add(name: str, value: float | None, limit: float) -> None:
        found.append({"name": name, "value": value, "limit": limit, "ok": value is not None and value <= limit})

    for mode in ("sync", "async"):
        for scenario, other, limit in AGAINST:
            rec = by_key.get((scenario, mode))
            if rec is not None:
                ratio = rec["ratios"].get(f"{OURS}/{other}", {}).get("median_per_round")
                add(f"{scenario} [{mode}]: ours / {other}", ratio, limit)
        for family, big, small, limit in FLAT:
            large, little = by_family.get((family, big, mode)), by_family.get((family, small, mode))
            if large is not None and little is not None:
                add(f"{family} {big:,} vs {small:,} [{mode}]: flat", _flat(large, little), limit)
                found[-1]["raw"] = _ratio(large, little)
    for scenario in ASYNC_SCENARIOS:
        sync, asyn = by_key.get((scenario, "sync")), by_key.get((scenario, "async"))
        if sync is not None and asyn is not None:
            add(f"{scenario}: ours async / ours sync", _ratio(asyn, sync), ASYNC_LIMIT)
    return found


def _flat(top: dict[str, Any], bottom: dict[str, Any]) -> float | None:
    """Our cost at the large size over our cost at the small one, each measured against the floor.

    The two sizes are different scenarios, run minutes apart, so on a shared machine the
    raw ratio carries the drift between them; the floor does the same work in both and
    was interleaved with ours, so dividing by it first cancels that drift.
    """
    a = top["ratios"].get(f"{OURS}/{FLOOR}", {}).get("median_per_round")
    b = bottom["ratios"].get(f"{OURS}/{FLOOR}", {}).get("median_per_round")
    return a / b if a is not None and b else None


def _ratio(top: dict[str, Any], bottom: dict[str, Any]) -> float | None:
    a, b = top["median_added_ns"][OURS], bottom["median_added_ns"][OURS]
    return a / b if b > 0 else None
