"""Each form a project names django-cors-headers or django-dcors in, rewritten one at a time."""

from __future__ import annotations

import textwrap

import pytest

from crossorigin._migrate.rewrite import migrate_source


def migrated(source: str, rename_settings: bool = False) -> str:
    return migrate_source(textwrap.dedent(source).encode(), "settings.py", rename_settings).new_source.decode()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('INSTALLED_APPS = ["a", "corsheaders"]\n', 'INSTALLED_APPS = ["a", "crossorigin"]\n'),
        ("INSTALLED_APPS = ('a', 'corsheaders',)\n", "INSTALLED_APPS = ('a', 'crossorigin',)\n"),
        ('INSTALLED_APPS += ["corsheaders"]\n', 'INSTALLED_APPS += ["crossorigin"]\n'),
        ('INSTALLED_APPS.append("corsheaders")\n', 'INSTALLED_APPS.append("crossorigin")\n'),
        ('INSTALLED_APPS.insert(2, "corsheaders")\n', 'INSTALLED_APPS.insert(2, "crossorigin")\n'),
        ('INSTALLED_APPS.remove("corsheaders")\n', 'INSTALLED_APPS.remove("crossorigin")\n'),
        ('i = INSTALLED_APPS.index("corsheaders")\n', 'i = INSTALLED_APPS.index("crossorigin")\n'),
        (
            'INSTALLED_APPS = [a for a in INSTALLED_APPS if a != "corsheaders"]\n',
            'INSTALLED_APPS = [a for a in INSTALLED_APPS if a != "crossorigin"]\n',
        ),
        (
            'INSTALLED_APPS = ["corsheaders.apps.CorsHeadersAppConfig"]\n',
            'INSTALLED_APPS = ["crossorigin.apps.CrossOriginConfig"]\n',
        ),
        ('INSTALLED_APPS = ["dcors"]\n', 'INSTALLED_APPS = ["crossorigin"]\n'),
    ],
)
def test_installed_apps_in_every_form(before: str, after: str) -> None:
    assert migrated(before) == after


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("corsheaders.middleware.CorsMiddleware", "crossorigin.middleware.CorsMiddleware"),
        ("corsheaders.middleware.CorsPostCsrfMiddleware", "crossorigin.middleware.CorsPostCsrfMiddleware"),
        ("dcors.dcorsmiddleware.CorsMiddleware", "crossorigin.middleware.CorsMiddleware"),
    ],
)
def test_middleware_paths(old: str, new: str) -> None:
    assert migrated(f"MIDDLEWARE = [\n    {old!r},  # first\n]\n") == f"MIDDLEWARE = [\n    {new!r},  # first\n]\n"


def test_dotted_strings_anywhere() -> None:
    before = """\
        @modify_settings(MIDDLEWARE={"remove": "corsheaders.middleware.CorsMiddleware"})
        @mock.patch("corsheaders.middleware.ACCESS_CONTROL_MAX_AGE", "x")
        def test(): ...
        SILENCED_SYSTEM_CHECKS = ["corsheaders.E013", "admin.E408"]
        """
    after = migrated(before)
    assert '"remove": "crossorigin.middleware.CorsMiddleware"' in after
    assert '"crossorigin.middleware.ACCESS_CONTROL_MAX_AGE"' in after
    assert '["crossorigin.E002", "admin.E408"]' in after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "from corsheaders.defaults import default_headers, default_methods\n",
            "from crossorigin.defaults import default_headers, default_methods\n",
        ),
        (
            "from corsheaders.signals import check_request_enabled\n",
            "from crossorigin.signals import check_request_enabled\n",
        ),
        (
            "from corsheaders.middleware import (\n    ACCESS_CONTROL_ALLOW_ORIGIN,  # the header\n    CorsMiddleware,\n)\n",
            "from crossorigin.middleware import (\n    ACCESS_CONTROL_ALLOW_ORIGIN,  # the header\n    CorsMiddleware,\n)\n",
        ),
        ("from corsheaders.conf import conf\n", "from crossorigin.conf import conf\n"),
        ("from corsheaders.checks import check_settings\n", "from crossorigin.checks import check_settings\n"),
        ("from corsheaders import signals as s\n", "from crossorigin import signals as s\n"),
        ("from corsheaders.defaults import *\n", "from crossorigin.defaults import *\n"),
        (
            "from corsheaders.apps import CorsHeadersAppConfig\n",
            "from crossorigin.apps import CrossOriginConfig as CorsHeadersAppConfig\n",
        ),
        ("from dcors.dcorsmiddleware import CorsMiddleware\n", "from crossorigin.middleware import CorsMiddleware\n"),
        ("import corsheaders.signals as sig\n", "import crossorigin.signals as sig\n"),
    ],
)
def test_imports(before: str, after: str) -> None:
    assert migrated(before) == after


def test_plain_import_renames_the_package_in_code() -> None:
    before = "import corsheaders.defaults\nH = corsheaders.defaults.default_headers  # keep\nx.corsheaders = 1\n"
    after = "import crossorigin.defaults\nH = crossorigin.defaults.default_headers  # keep\nx.corsheaders = 1\n"
    assert migrated(before) == after


def test_an_import_of_a_name_we_lack_is_left_alone() -> None:
    source = "from corsheaders.checks import is_sequence\n"
    assert migrated(source) == source


def test_settings_are_renamed_only_when_asked() -> None:
    source = 'CORS_ORIGIN_WHITELIST = ["https://a.example"]\n'
    assert migrated(source) == source
    assert migrated(source, rename_settings=True) == 'CORS_ALLOWED_ORIGINS = ["https://a.example"]\n'


def test_setting_names_in_every_form() -> None:
    before = """\
        CORS_ORIGIN_ALLOW_ALL: bool = False
        CORS_ORIGIN_REGEX_WHITELIST = [r"^https://\\w+\\.example\\.com$"]
        CORS_ORIGIN_WHITELIST += ["https://b.example"]  # staging
        origins = getattr(settings, "CORS_ORIGIN_WHITELIST", [])
        origins = settings.CORS_ORIGIN_WHITELIST
        environ_name = env.list("CORS_ORIGIN_WHITELIST")
        @override_settings(CORS_ORIGIN_ALLOW_ALL=True)
        def test(): ...
        """
    after = migrated(before, rename_settings=True)
    assert "CORS_ALLOW_ALL_ORIGINS: bool = False" in after
    assert 'CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://\\w+\\.example\\.com$"]' in after
    assert 'CORS_ALLOWED_ORIGINS += ["https://b.example"]  # staging' in after
    assert 'getattr(settings, "CORS_ALLOWED_ORIGINS", [])' in after
    assert "origins = settings.CORS_ALLOWED_ORIGINS" in after
    # An environment variable's name is the deployment's, not a setting: it stays.
    assert 'env.list("CORS_ORIGIN_WHITELIST")' in after
    assert "@override_settings(CORS_ALLOW_ALL_ORIGINS=True)" in after


def test_a_module_setting_both_names_keeps_the_old_one() -> None:
    # Renaming would make the old value, written later, win over the new one.
    source = 'CORS_ALLOWED_ORIGINS = ["https://a.example"]\nCORS_ORIGIN_WHITELIST = ["https://b.example"]\n'
    assert migrated(source, rename_settings=True) == source


def test_comments_strings_and_unrelated_code_survive() -> None:
    source = '''\
        """Docstring that mentions corsheaders stays."""
        # corsheaders.middleware.CorsMiddleware in a comment stays
        NAME = "corsheaders-like"
        LOGGING = {"loggers": {"django": {}}}
        b = b"corsheaders"
        f = f"corsheaders"
        '''
    assert migrated(source) == textwrap.dedent(source)


def test_a_second_run_changes_nothing() -> None:
    source = """\
        import corsheaders.middleware
        from corsheaders.apps import CorsHeadersAppConfig
        INSTALLED_APPS = ["corsheaders"]
        CORS_ORIGIN_WHITELIST = []
        """
    once = migrated(source, rename_settings=True)
    assert once != textwrap.dedent(source)
    assert migrated(once, rename_settings=True) == once


def test_encoding_and_line_endings_survive() -> None:
    source = '# -*- coding: latin-1 -*-\r\nNAME = "caf\xe9"\r\nAPPS = ["corsheaders"]\r\n'.encode("latin-1")
    result = migrate_source(source, "s.py").new_source
    assert result == '# -*- coding: latin-1 -*-\r\nNAME = "caf\xe9"\r\nAPPS = ["crossorigin"]\r\n'.encode("latin-1")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('APPS = ["corsheaders", "crossorigin"]\n', 'APPS = ["crossorigin"]\n'),
        ('APPS = ("crossorigin", "corsheaders")\n', 'APPS = ("crossorigin",)\n'),
        ('APPS = ("x", "crossorigin", "corsheaders.apps.CorsHeadersAppConfig")\n', 'APPS = ("x", "crossorigin")\n'),
        (
            'M = [\n    "corsheaders.middleware.CorsMiddleware",\n    "dcors.dcorsmiddleware.CorsMiddleware",\n    "b",\n]\n',
            'M = [\n    "crossorigin.middleware.CorsMiddleware",\n    "b",\n]\n',
        ),
    ],
)
def test_a_list_naming_both_packages_names_ours_once(before: str, after: str) -> None:
    # Django refuses two apps with the label "crossorigin".
    assert migrated(before) == after


def test_outside_a_settings_module_only_the_settings_object_is_renamed() -> None:
    source = """\
        CORS_ORIGIN_WHITELIST = ["https://a.example"]
        origins = settings.CORS_ORIGIN_WHITELIST + django.conf.settings.CORS_ORIGIN_REGEX_WHITELIST
        has = hasattr(settings, "CORS_ORIGIN_ALLOW_ALL")
        mine = getattr(configuration, "CORS_ORIGIN_WHITELIST", [])
        theirs = configuration.CORS_ORIGIN_WHITELIST
        data = dict(CORS_ORIGIN_WHITELIST=1)
        @override_settings(CORS_ORIGIN_WHITELIST=[])
        @modify_settings(CORS_ORIGIN_REGEX_WHITELIST={"append": "x"})
        def test(self):
            with self.settings(CORS_ORIGIN_ALLOW_ALL=True): ...
        """
    after = migrate_source(textwrap.dedent(source).encode(), "app/x.py", True, settings_module=False)
    assert after.new_source.decode() == textwrap.dedent(
        """\
        CORS_ORIGIN_WHITELIST = ["https://a.example"]
        origins = settings.CORS_ALLOWED_ORIGINS + django.conf.settings.CORS_ALLOWED_ORIGIN_REGEXES
        has = hasattr(settings, "CORS_ALLOW_ALL_ORIGINS")
        mine = getattr(configuration, "CORS_ORIGIN_WHITELIST", [])
        theirs = configuration.CORS_ORIGIN_WHITELIST
        data = dict(CORS_ORIGIN_WHITELIST=1)
        @override_settings(CORS_ALLOWED_ORIGINS=[])
        @modify_settings(CORS_ALLOWED_ORIGIN_REGEXES={"append": "x"})
        def test(self):
            with self.settings(CORS_ALLOW_ALL_ORIGINS=True): ...
        """
    )
    # Everything left is reported on its line: the assignment, the string, the attribute, the keyword.
    assert sorted(f.line for f in after.findings) == [1, 4, 5, 6]


def test_in_a_settings_module_a_name_imported_from_another_module_keeps_its_name() -> None:
    source = "from configuration import CORS_ORIGIN_WHITELIST\nCORS_ORIGIN_ALLOW_ALL = False\n"
    after = migrate_source(source.encode(), "settings.py", True)
    assert (
        after.new_source.decode() == "from configuration import CORS_ORIGIN_WHITELIST\nCORS_ALLOW_ALL_ORIGINS = False\n"
    )
    assert ["imports it from configuration" in f.message for f in after.findings] == [True]
