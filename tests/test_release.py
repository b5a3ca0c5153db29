"""What a release needs from the source tree, checked on every run.

- the version is written once (``crossorigin.__version__``); a development version
  (``1.0.0.dev0``) has "Unreleased" at the top of CHANGELOG.md, a release has its dated
  entry there; until the first release the install pages say the package is not on
  PyPI yet and give no command that installs it from there (the changelog decides,
  never git tags, which a fresh clone or a read-only mount may lack);
- the README renders on the package index: every link in it is absolute, and the ones
  into the documentation use the documentation URL of ``[project.urls]``;
- the documentation site shows the changelog (docs/changelog.md includes the file).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final

import pytest

import crossorigin

ROOT: Final = Path(__file__).resolve().parents[1]
README: Final = ROOT / "README.md"
CHANGELOG: Final = ROOT / "CHANGELOG.md"
# "## [1.0.0] - 2026-11-30" (Keep a Changelog); "## [Unreleased]" has no date.
RELEASE_HEADING: Final = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.M)
# Inline links and images, [text](target), and reference definitions, [label]: target.
INLINE_LINK: Final = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
REFERENCE_LINK: Final = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?\s*$", re.M)
HTML_LINK: Final = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)""", re.I)
# A release ("1.0.0") or the development version leading to it ("1.0.0.dev0").
VERSION: Final = re.compile(r"(?P<release>\d+\.\d+\.\d+)(?P<dev>\.dev\d+)?")
# `pip install django-crossorigin`, `pip install -U django-crossorigin[extra]`: from the index.
INDEX_INSTALL: Final = re.compile(r"\bpip install (?:-U )?django-crossorigin(?![\w/.-])")
# What each page that tells a newcomer how to install says until the first release.
NOT_YET: Final = "not on PyPI yet"
INSTALL_PAGES: Final = (
    README,
    ROOT / "docs" / "index.md",
    ROOT / "docs" / "quickstart.md",
    ROOT / "docs" / "installation.md",
    ROOT / "docs" / "migrating.md",
)


def pyproject() -> dict[str, Any]:
    # Imported here: ruff's import order treats tomllib by the target version.
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    return data


def project() -> dict[str, object]:
    data: dict[str, object] = pyproject()["project"]
    return data


def markdown_links(text: str) -> list[str]:
    """Every link target in Markdown text, outside code blocks and code spans."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    return [*INLINE_LINK.findall(prose), *REFERENCE_LINK.findall(prose), *HTML_LINK.findall(prose)]


def relative_links(text: str) -> list[str]:
    return [link for link in markdown_links(text) if not re.match(r"^(https?:|mailto:)", link)]


# -- the version ----------------------------------------------------------------------


def test_version_is_read_from_the_package_by_the_build() -> None:
    assert "version" in project()["dynamic"]  # type: ignore[operator]
    dynamic = pyproject()["tool"]["setuptools"]["dynamic"]
    assert dynamic["version"] == {"attr": "crossorigin.__version__"}


def test_version_is_a_release_or_a_development_version() -> None:
    assert VERSION.fullmatch(crossorigin.__version__), crossorigin.__version__


def released() -> list[re.Match[str]]:
    """The changelog's dated entries, newest first: the releases made so far."""
    return [m for m in RELEASE_HEADING.finditer(CHANGELOG.read_text()) if m["version"] != "Unreleased"]


def test_changelog_top_section_is_the_package_version() -> None:
    top = RELEASE_HEADING.search(CHANGELOG.read_text())
    assert top, "CHANGELOG.md has no '## [...]' section"
    version = VERSION.fullmatch(crossorigin.__version__)
    assert version
    if version["dev"]:
        # Not released yet: what is coming sits under Unreleased, and no entry is dated
        # with the version this development version leads to.
        assert top["version"] == "Unreleased"
        assert version["release"] not in {m["version"] for m in released()}
    else:
        assert top["version"] == crossorigin.__version__
        assert top["date"], f"the {top['version']} entry has no release date"


def test_every_changelog_entry_links_to_its_tag() -> None:
    text = CHANGELOG.read_text()
    for match in released():
        assert re.search(rf"^\[{re.escape(match['version'])}\]: https://", text, re.M), match["version"]


def index_installs(text: str) -> list[str]:
    """The commands in Markdown code blocks that install the package from the package index."""
    blocks = re.findall(r"^```.*?$(.*?)^```", text, flags=re.M | re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if INDEX_INSTALL.search(line)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("```sh\npip install django-crossorigin\n```", ["pip install django-crossorigin"]),
        (
            "```sh\n$ python -m pip install -U django-crossorigin[security]\n```",
            ["$ python -m pip install -U django-crossorigin[security]"],
        ),
        ("```sh\npip install /path/to/django-crossorigin\n```", []),
        ("```sh\npip install dist/django_crossorigin-1.0.0-py3-none-any.whl\n```", []),
        ("Once released: `pip install django-crossorigin`.", []),
    ],
)
def test_the_index_install_reader(text: str, found: list[str]) -> None:
    assert index_installs(text) == found


@pytest.mark.parametrize("page", INSTALL_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_install_instructions_say_what_works_today(page: Path) -> None:
    """Until the first release, a command to copy never installs from the index: it would fail."""
    text = page.read_text()
    if released():
        assert NOT_YET not in text
    else:
        assert NOT_YET in text, f"{page.name} must say the package is {NOT_YET!r}"
        assert index_installs(text) == []


# -- the README on the package index ----------------------------------------------------


def test_readme_has_no_relative_link() -> None:
    assert markdown_links(README.read_text()), "the link reader found no link at all"
    assert relative_links(README.read_text()) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("See [settings](docs/settings.md).", ["docs/settings.md"]),
        ("![logo](img/logo.png)", ["img/logo.png"]),
        ("[docs]: docs/index.md", ["docs/index.md"]),
        ('<a href="docs/x.md">x</a>', ["docs/x.md"]),
        ("[ok](https://example.com/docs/) and [mail](mailto:a@example.com)", []),
        ("`[(r'^/api/', {})](x)` in code is not a link", []),
    ],
)
def test_the_relative_link_reader(text: str, found: list[str]) -> None:
    assert relative_links(text) == found


def test_readme_links_into_the_docs_use_the_documentation_url() -> None:
    urls: dict[str, str] = project()["urls"]  # type: ignore[assignment]
    assert set(urls) >= {"Documentation", "Changelog", "Source", "Issues"}
    docs, source = urls["Documentation"], urls["Source"]
    assert urls["Changelog"].startswith(docs)
    assert urls["Issues"].startswith(source)
    readme_links = markdown_links(README.read_text())
    ours = [link for link in readme_links if "django-crossorigin" in link]
    assert ours
    assert all(link.startswith((docs, source)) for link in ours), ours


# -- the metadata pip shows ----------------------------------------------------------------


def test_the_license_is_an_spdx_expression_only() -> None:
    """License-Expression (PEP 639), which pip >= 25.1 shows; setuptools refuses it beside a license classifier."""
    assert project()["license"] == "MIT"
    assert not [c for c in project()["classifiers"] if c.startswith("License ::")]  # type: ignore[attr-defined]
    assert project()["license-files"] == ["LICENSE"]


def test_pip_show_has_a_home_page() -> None:
    """pip show prints the Homepage URL as Home-page; without one the line is empty."""
    urls: dict[str, str] = project()["urls"]  # type: ignore[assignment]
    assert urls["Homepage"] == urls["Source"]


# -- the changelog in the docs site -----------------------------------------------------


def test_docs_site_includes_the_changelog() -> None:
    page = (ROOT / "docs" / "changelog.md").read_text()
    assert '--8<-- "CHANGELOG.md"' in page
    config = (ROOT / "mkdocs.yml").read_text()
    assert "pymdownx.snippets" in config
    assert re.search(r"^\s+- Changelog: changelog\.md$", config, re.M)
