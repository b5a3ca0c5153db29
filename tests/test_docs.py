"""The documentation stays in step with the code.

- every setting the package reads has its own entry in docs/settings.md, with the
  default the code really uses;
- every system check id the code can report is documented somewhere under docs/, and
  every id the docs mention exists;
- every decision reason code and every policy key is documented;
- each ``# check: <id>`` example in the docs, run as settings, is reported with that id.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Final

import pytest

from crossorigin import defaults
from crossorigin._checks import middleware_problems
from crossorigin._checks.report_only import report_only_problems
from crossorigin._checks.security import security_problems
from crossorigin._config.incumbent import RENAMED_SETTINGS, UNREAD_SETTINGS
from crossorigin._config.registry import PolicySet
from crossorigin._config.settings import CONTRIB_SETTING_NAMES, DEFAULT_URLS_REGEX, SETTING_NAMES, read_settings
from crossorigin._core.options import OVERRIDE_KEYS, PolicyOptions
from crossorigin._core.policy import Reason

ROOT: Final = Path(__file__).resolve().parents[1]
DOCS: Final = ROOT / "docs"
SRC: Final = ROOT / "src" / "crossorigin"
SETTINGS_PAGE: Final = DOCS / "settings.md"
CHECK_ID: Final = re.compile(r"\bcrossorigin(?:_\w+)?\.[EWI]\d{3}\b")
SETTING_LITERAL: Final = re.compile(r"CORS_[A-Z0-9_]+")
PROBLEM_FACTORIES: Final = {"error": "E", "danger": "E", "warning": "W", "info": "I"}


def docs_text() -> str:
    return "\n".join(page.read_text() for page in sorted(DOCS.glob("*.md")))


def source_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def settings_sections() -> dict[str, str]:
    """docs/settings.md's ``### `CORS_X` `` sections: name -> text of the section."""
    text = SETTINGS_PAGE.read_text()
    parts = re.split(r"^###? `(CORS_[A-Z0-9_]+)`\s*$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


# -- settings -------------------------------------------------------------------------------


class RecordingSettings:
    """A settings object that records every attribute the reader asks for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        self.asked.add(name)
        raise AttributeError(name)


def settings_read_by_reader() -> set[str]:
    recorder = RecordingSettings()
    read_settings(recorder)
    return {name for name in recorder.asked if name.startswith("CORS_")}


def settings_named_in_source() -> set[str]:
    """Every string constant in the package that is exactly a CORS_* name: a setting it reads.

    Old settings named only to say they are not read (``CORS_MODEL``) are left out.
    """
    found = set()
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SETTING_LITERAL.fullmatch(node.value):
                found.add(node.value)
    return found - set(UNREAD_SETTINGS)


def test_the_reader_reads_only_listed_settings() -> None:
    read = settings_read_by_reader()
    assert "CORS_ALLOWED_ORIGINS" in read
    assert read <= set(SETTING_NAMES), sorted(read - set(SETTING_NAMES)) - set(CONTRIB_SETTING_NAMES)


def test_every_setting_read_anywhere_is_listed_in_setting_names() -> None:
    # A setting read outside settings.py (the contrib app, say) must be known too, or the
    # unknown-setting check (crossorigin.I049) reports it as a typo.
    unlisted = settings_named_in_source() - set(SETTING_NAMES)
    assert not unlisted, f"read but missing from crossorigin._config.settings.SETTING_NAMES: {sorted(unlisted)}"


def test_every_setting_is_documented_in_the_settings_reference() -> None:
    text = SETTINGS_PAGE.read_text()
    every = set(SETTING_NAMES) | settings_read_by_reader() | settings_named_in_source()
    missing = sorted(name for name in every if f"`{name}`" not in text)
    assert not missing, f"settings missing from docs/settings.md: {missing}"


def test_every_current_setting_has_its_own_section() -> None:
    old = set(RENAMED_SETTINGS) | {
        "CORS_ALLOW_ORIGIN",
        "CORS_ALLOW_ALL_ORIGIN",
        "CORS_ALLOW_ALL_HEADERS",
        "CORS_MAX_AGE",
    }
    current = (set(SETTING_NAMES) | settings_named_in_source()) - old
    missing = sorted(current - set(settings_sections()))
    assert not missing, f"no '### `NAME`' section in docs/settings.md for: {missing}"


def documented_default(name: str) -> Any:
    section = settings_sections()[name]
    found = re.search(r"^\*\*Default:\*\* `([^`]+)`", section, flags=re.MULTILINE)
    assert found, f"the section of {name} has no '**Default:** `...`' line"
    written = found.group(1)
    names = {"default_headers": defaults.default_headers, "default_methods": defaults.default_methods}
    if written in names:
        return names[written]
    value = ast.literal_eval(written)
    return tuple(value) if isinstance(value, list) else value


POLICY_SETTINGS: Final = {
    "CORS_ALLOWED_ORIGINS": "allowed_origins",
    "CORS_ALLOWED_ORIGIN_REGEXES": "allowed_origin_regexes",
    "CORS_ALLOW_ALL_ORIGINS": "allow_all_origins",
    "CORS_ALLOW_CREDENTIALS": "allow_credentials",
    "CORS_ALLOW_METHODS": "allow_methods",
    "CORS_ALLOW_HEADERS": "allow_headers",
    "CORS_EXPOSE_HEADERS": "expose_headers",
    "CORS_PREFLIGHT_MAX_AGE": "preflight_max_age",
    "CORS_ALLOW_PRIVATE_NETWORK": "allow_private_network",
}


@pytest.mark.parametrize(("setting", "key"), POLICY_SETTINGS.items())
def test_documented_policy_defaults_are_the_real_ones(setting: str, key: str) -> None:
    assert documented_default(setting) == getattr(read_settings(SimpleNamespace()).options, key)
    assert key in OVERRIDE_KEYS
    assert f"`{key}`" in settings_sections()[setting] or f"`{key}`" in SETTINGS_PAGE.read_text()


def test_policy_settings_cover_every_policy_option() -> None:
    fields = set(PolicyOptions.__dataclass_fields__) - {"origin_sources", "allow_all_requested_headers"}
    assert set(POLICY_SETTINGS.values()) == fields == set(OVERRIDE_KEYS)


def test_documented_other_defaults_are_the_real_ones() -> None:
    unset = read_settings(SimpleNamespace())
    assert documented_default("CORS_URLS_REGEX") == DEFAULT_URLS_REGEX
    assert unset.urls_regex is None  # the default regex means "every path"
    assert documented_default("CORS_URL_POLICIES") == unset.url_policies == ()
    assert documented_default("CORS_ORIGIN_CHECKER") is unset.origin_checker is None
    assert documented_default("CORS_ORIGIN_CHECKER_CACHE_SIZE") == unset.checker_cache_size
    assert documented_default("CORS_ORIGIN_CHECKER_CACHE_TTL") == unset.checker_cache_ttl
    assert documented_default("CORS_REPLACE_HTTPS_REFERER") is unset.replace_https_referer is False


def test_the_default_lists_are_spelled_out() -> None:
    sections = settings_sections()
    for name, values in (
        ("CORS_ALLOW_HEADERS", defaults.default_headers),
        ("CORS_ALLOW_METHODS", defaults.default_methods),
    ):
        assert repr(tuple(values)).replace("'", '"') in sections[name], name


# -- check ids ------------------------------------------------------------------------------


def ids_in_source() -> set[str]:
    """Ids made by error(N)/warning(N)/info(N) with a literal N, and ids written out in full."""
    found = set()
    for path in source_files():
        text = path.read_text()
        found.update(CHECK_ID.findall(text))
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in PROBLEM_FACTORIES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, int)
            ):
                found.add(f"crossorigin.{PROBLEM_FACTORIES[node.func.id]}{node.args[0].value:03}")
    return found


# Origin regexes with the mistakes the probes find: W021-W023, W025, W063 (E055-E058, E064 with credentials).
REGEX_MISTAKES: Final = [
    r"^https://app\.example\.com.*$",
    r"^https://api.example\.com$",
    r"^https://.*example\.org$",
    r"^https://[a-z]+\.github\.io$",
    r"^https://app\.mycompany\.[a-z]+$",
]

# Settings that make the checks whose number is computed rather than written.
PROBES: Final[list[dict[str, Any]]] = [
    {"CORS_ALLOWED_ORIGINS": "https://a.example"},
    {"CORS_ALLOWED_ORIGINS": ["example.com", "https://a.example/", "https://*a.example", "https://a.example:99999"]},
    {"CORS_ALLOW_METHODS": ["GE T"], "CORS_ALLOW_HEADERS": ["x y"], "CORS_EXPOSE_HEADERS": ["a,b"]},
    {
        "CORS_ALLOWED_ORIGINS": ["https://a.example"],
        "CORS_ALLOW_CREDENTIALS": True,
        "CORS_ALLOW_HEADERS": ["*"],
        "CORS_EXPOSE_HEADERS": ["*"],
    },
    # The regex mistakes, whose id depends on credentials, and the other dangers.
    {"CORS_ALLOWED_ORIGIN_REGEXES": REGEX_MISTAKES},
    {
        "CORS_ALLOWED_ORIGIN_REGEXES": [*REGEX_MISTAKES, r"^(null|https://b\.example)$"],
        "CORS_ALLOWED_ORIGINS": ["http://localhost:*"],
        "CORS_ALLOW_CREDENTIALS": True,
    },
    {"CORS_ALLOW_ALL_ORIGINS": True, "CORS_ALLOW_CREDENTIALS": True, "CORS_ALLOW_PRIVATE_NETWORK": True},
]


def problems_for(values: dict[str, Any]) -> list[str]:
    """The ids every check reports for these settings (settings, compile, security, middleware)."""
    namespace = SimpleNamespace(**values)
    policies = PolicySet(read_settings(namespace))
    ids = [p.id for p in policies.problems]
    ids += [p.id for p in security_problems(policies, namespace)]
    ids += [p.id for p in report_only_problems(policies, namespace)]
    if "MIDDLEWARE" in values:
        ids += [p.id for p in middleware_problems(list(values["MIDDLEWARE"]))]
    return ids


def ids_reported_by_probes() -> set[str]:
    return {found for values in PROBES for found in problems_for(values)}


def dangers_reported_by_probes() -> set[str]:
    """The ids of the dangers among what the probes find (their level depends on DEBUG)."""
    found = set()
    for values in PROBES:
        namespace = SimpleNamespace(**values)
        found |= {p.id for p in security_problems(PolicySet(read_settings(namespace)), namespace) if p.danger}
    return found


def test_every_check_id_is_documented() -> None:
    text = docs_text()
    every = ids_in_source() | ids_reported_by_probes()
    missing = sorted(found for found in every if found not in text)
    assert not missing, f"check ids missing from docs/: {missing}"


def development_ids(ids: set[str]) -> set[str]:
    """The Warning id each danger (an Error with ``danger=True``) has under DEBUG."""
    from crossorigin._core.problems import development_id

    return {development_id(found) for found in ids if found in dangers_reported_by_probes()}


def test_every_documented_check_id_exists() -> None:
    known = ids_in_source() | ids_reported_by_probes()
    known |= development_ids(known)
    stale = sorted(set(CHECK_ID.findall(docs_text())) - known)
    assert not stale, f"docs/ mention check ids the code never reports: {stale}"


def test_the_probes_reach_the_computed_ids() -> None:
    # The probes exist for ids whose number is not a literal; make sure they still hit them.
    assert {
        "crossorigin.E001",
        "crossorigin.E002",
        "crossorigin.E003",
        "crossorigin.E004",
        "crossorigin.E005",
        "crossorigin.E009",
        "crossorigin.E010",
        "crossorigin.E011",
        "crossorigin.W052",
        "crossorigin.W053",
        "crossorigin.W021",
        "crossorigin.W022",
        "crossorigin.W023",
        "crossorigin.W025",
        "crossorigin.W063",
        "crossorigin.E055",
        "crossorigin.E056",
        "crossorigin.E057",
        "crossorigin.E058",
        "crossorigin.E064",
    } <= ids_reported_by_probes()
    assert {"crossorigin.E020", "crossorigin.E024", "crossorigin.E060", "crossorigin.E062"} <= (
        dangers_reported_by_probes()
    )


# -- reasons and keys -----------------------------------------------------------------------


def test_every_reason_code_is_documented() -> None:
    text = docs_text()
    missing = sorted(reason.value for reason in Reason if f"`{reason.value}`" not in text)
    assert not missing, f"decision reason codes missing from docs/: {missing}"


def test_every_policy_key_is_documented_in_the_settings_reference() -> None:
    text = SETTINGS_PAGE.read_text()
    assert all(f"`{key}`" in text for key in OVERRIDE_KEYS)


# -- examples that claim a check id ---------------------------------------------------------


def check_examples() -> Iterator[tuple[str, str, list[str]]]:
    """(page, code, ids) for every ```python block whose first line is '# check: <ids>'."""
    for page in sorted(DOCS.glob("*.md")):
        for block in re.findall(r"^```python\n(.*?)^```", page.read_text(), flags=re.MULTILINE | re.DOTALL):
            first, _, _ = block.partition("\n")
            if first.startswith("# check:"):
                yield page.name, block, first.removeprefix("# check:").split()


EXAMPLES: Final = list(check_examples())


def test_the_docs_have_check_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("page", "code", "ids"), EXAMPLES, ids=[f"{p}:{i[0]}" for p, _c, i in EXAMPLES])
def test_each_check_example_is_reported_with_its_id(
    page: str, code: str, ids: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A module of its own, so checks that read the settings module (annotations) see it.
    name = f"docs_example_{abs(hash(code))}"
    (tmp_path / f"{name}.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module(name)
    try:
        values = {key: getattr(module, key) for key in dir(module) if key.isupper()}
        values["SETTINGS_MODULE"] = name
        reported = problems_for(values)
    finally:
        sys.modules.pop(name, None)
    for wanted in ids:
        assert wanted in reported, f"{page}: the example\n{code}\nis reported as {reported}, not {wanted}"
