"""What the command cannot rewrite safely is reported with its file, line and what to do."""

from __future__ import annotations

import textwrap
from pathlib import Path

from crossorigin._migrate.report import Finding
from crossorigin._migrate.requirements import requirement_findings
from crossorigin._migrate.rewrite import migrate_source


def findings(source: str, rename_settings: bool = False) -> list[Finding]:
    return list(migrate_source(textwrap.dedent(source).encode(), "app/x.py", rename_settings).findings)


def only(found: list[Finding]) -> Finding:
    assert len(found) == 1, found
    return found[0]


def test_a_subclass_override_names_class_method_line_and_replacement() -> None:
    found = findings(
        """\
        from corsheaders.middleware import CorsMiddleware as Base

        class SiteCors(Base):
            def __init__(self, get_response):
                super().__init__(get_response)

            def origin_found_in_white_lists(self, origin, url):
                return True
        """
    )
    finding = only(found)
    assert (finding.path, finding.line) == ("app/x.py", 7)
    assert "SiteCors.origin_found_in_white_lists" in finding.message
    assert "CORS_ORIGIN_CHECKER" in finding.message
    assert str(finding).startswith("app/x.py:7: ")


def test_a_subclass_through_the_package_name_and_after_migration() -> None:
    source = "import corsheaders.middleware\nclass C(corsheaders.middleware.CorsMiddleware):\n    def is_enabled(self, r): ...\n"
    first = only(findings(source))
    again = migrate_source(source.encode(), "x.py").new_source.decode()
    second = only(findings(again))
    assert first.line == second.line == 3
    assert "CORS_URL_POLICIES" in first.message


def test_a_post_csrf_subclass() -> None:
    found = findings(
        "from corsheaders.middleware import CorsPostCsrfMiddleware\n"
        "class P(CorsPostCsrfMiddleware):\n    def _https_referer_replace_reverse(self, r): ...\n"
    )
    assert "CSRF_TRUSTED_ORIGINS" in only(found).message


def test_signal_receivers_by_decorator_and_connect() -> None:
    found = findings(
        """\
        from django.dispatch import receiver
        from corsheaders import signals
        from corsheaders.signals import check_request_enabled

        @receiver(check_request_enabled)
        def allow(sender, request, **kwargs):
            return True

        signals.check_request_enabled.connect(allow)
        other_signal.connect(allow)
        """
    )
    assert [f.line for f in found] == [5, 9]
    assert all("at most once per request" in f.message for f in found)


def test_settings_we_do_not_read_and_dcors_values() -> None:
    found = findings(
        """\
        CORS_MODEL = "app.Origin"
        CORS_ALLOW_ORIGIN = "https://a.example"
        CORS_ALLOW_CREDENTIALS = "true"
        CORS_ORIGIN_DOMAINS = ["a.example"]
        """
    )
    assert [f.line for f in found] == [1, 2, 3]
    assert "CORS_ORIGIN_CHECKER" in found[0].message
    assert "CORS_ALLOWED_ORIGINS = ['<origin>']" in found[1].message
    assert "True or False" in found[2].message


def test_old_names_are_pointed_at_rename_settings() -> None:
    assert "--rename-settings" in only(findings("CORS_ORIGIN_WHITELIST = []\n")).message
    assert findings("CORS_ORIGIN_WHITELIST = []\n", rename_settings=True) == []


def test_both_names_in_one_module_are_reported() -> None:
    found = findings("CORS_ALLOWED_ORIGINS = []\nCORS_ORIGIN_WHITELIST = []\n", rename_settings=True)
    assert "was not renamed" in only(found).message


def test_names_we_do_not_provide() -> None:
    found = findings(
        'from corsheaders.checks import is_sequence\npatch("corsheaders.middleware.CorsMiddleware.process_response")\n'
    )
    assert [f.line for f in found] == [1, 2]
    assert "is_sequence" in found[0].message
    assert "check_settings" in found[0].message  # what we do provide


def test_dcors_middleware_asks_for_the_app() -> None:
    assert "INSTALLED_APPS" in only(findings('MIDDLEWARE = ["dcors.dcorsmiddleware.CorsMiddleware"]\n')).message


def test_dependency_strings_in_setup_py() -> None:
    assert "django-crossorigin" in only(findings('install_requires = ["django-cors-headers>=3.0"]\n')).message


def test_requirement_files(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text(
        "Django==5.2\n# django-cors-headers was here\ndjango-cors-headers==4.9.0 --hash=sha256:00\nDjango_CORS_Headers\n"
    )
    found = requirement_findings(path, "requirements.txt")
    assert [f.line for f in found] == [3, 4]
    assert "depend on django-crossorigin" in found[0].message


def test_duplicates_removed_are_reported_on_their_line() -> None:
    found = findings('INSTALLED_APPS = [\n    "crossorigin",\n    "corsheaders",\n]\n')
    assert (only(found).line, "removed" in only(found).message) == (3, True)


def test_a_setting_whose_meaning_changes() -> None:
    assert "CSRF_TRUSTED_ORIGINS" in only(findings("CORS_REPLACE_HTTPS_REFERER = True\n")).message
