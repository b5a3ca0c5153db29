"""How the command recognises a settings module: DJANGO_SETTINGS_MODULE, then star imports both ways."""

from __future__ import annotations

from pathlib import Path

from crossorigin._migrate import settings_modules
from crossorigin._migrate.files import discover

FILES = {
    "manage.py": 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")\n',
    "config/__init__.py": "",
    "config/settings/__init__.py": "",
    "config/settings/base.py": "from .components.cors import *\n",
    "config/settings/components/cors.py": "CORS_ORIGIN_WHITELIST = []\n",
    "config/settings/test.py": "from .base import *\n",
    "config/settings/production.py": "from config.settings.base import *  # noqa\n",
    "config/wsgi.py": 'os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.production"\n',
    "myapp/settings.py": 'CORS_ORIGIN_WHITELIST = getattr(settings, "CORS_ORIGIN_WHITELIST", [])  # app defaults\n',
    "myapp/configuration.py": "CORS_ORIGIN_WHITELIST = []\n",
}


def found(tmp_path: Path, files: dict[str, str]) -> tuple[set[str], bool]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    tree = discover([tmp_path])
    modules, declared = settings_modules.find(tree.python, tree.configs)
    return {path.relative_to(tmp_path).as_posix() for path in modules}, declared


def test_named_modules_and_their_star_imports_both_ways(tmp_path: Path) -> None:
    assert found(tmp_path, FILES) == (
        {
            "config/settings/base.py",
            "config/settings/components/cors.py",
            "config/settings/test.py",
            "config/settings/production.py",
        },
        True,
    )


def test_pytest_and_tox_configuration_name_it_too(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "site_app.conf"\n',
        "tox.ini": "[testenv]\nsetenv =\n    DJANGO_SETTINGS_MODULE = site_app.ci\n",
        "site_app/conf.py": "",
        "site_app/ci.py": "",
        "site_app/settings.py": "",
    }
    assert found(tmp_path, files) == ({"site_app/conf.py", "site_app/ci.py"}, True)


def test_without_any_declaration_files_named_settings(tmp_path: Path) -> None:
    files = {"proj/settings.py": "", "proj/urls.py": "", "other/settings/local.py": ""}
    assert found(tmp_path, files) == ({"proj/settings.py", "other/settings/local.py"}, False)
