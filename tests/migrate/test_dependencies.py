"""Every file that can make an install bring django-cors-headers back is reported with the command that updates it."""

from __future__ import annotations

from pathlib import Path

from tests.migrate.test_cli import run

FILES = {
    "base_requirements.txt": "Django>=5.2\ndjango-cors-headers==4.9.0\n",
    "dependencies/pip/dev_requirements.txt": "-r ../../base_requirements.txt\ndjango_cors_headers[x]>=4 ; python_version>'3'\n",
    "constraints.in": "django-dcors\n",
    "pyproject.toml": (
        '[project]\ndependencies = [\n    "django-cors-headers>=4",\n]\n'
        '[tool.poetry.dependencies]\ndjango-cors-headers = "^4.9"\n'
    ),
    "setup.cfg": "[options]\ninstall_requires =\n    django-cors-headers\n",
    "Pipfile": '[packages]\ndjango-cors-headers = "*"\n',
    "tox.ini": "[testenv]\ndeps =\n    django-cors-headers\n",
    "environment.yml": "dependencies:\n  - pip:\n    - django-cors-headers==4.9.0\n",
    "uv.lock": 'version = 1\n\n[[package]]\nname = "django-cors-headers"\nversion = "4.9.0"\n\n[[package]]\nname = "x"\ndependencies = [{ name = "django-cors-headers" }]\n',
    "poetry.lock": '[[package]]\nname = "django-cors-headers"\nversion = "4.9.0"\n',
    "Pipfile.lock": '{\n    "default": {\n        "django-cors-headers": {\n            "version": "==4.9.0"\n        }\n    }\n}\n',
    "pdm.lock": '[[package]]\nname = "django-cors-headers"\n',
    # Prose that mentions the package is not a dependency.
    "docs/notes.txt": "We moved off django-cors-headers in 2026.\n",
    "README.txt": "django-cors-headers is what we used before.\n",
}


def test_every_dependency_file_with_the_command_that_updates_it(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    result = run(".", cwd=tmp_path)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("crossorigin-migrate:")]
    where = sorted(line.split(": ", 1)[0] for line in lines)
    assert where == sorted(
        [
            "Pipfile.lock:3",
            "Pipfile:2",
            "base_requirements.txt:2",
            "constraints.in:1",
            "dependencies/pip/dev_requirements.txt:2",
            "environment.yml:3",
            "pdm.lock:2",
            "poetry.lock:2",
            "pyproject.toml:3",
            "pyproject.toml:6",
            "setup.cfg:3",
            "tox.ini:3",
            "uv.lock:4",
        ]
    ), result.stderr
    said = dict(line.split(": ", 1) for line in lines)
    assert "run uv lock" in said["uv.lock:4"]
    assert "run poetry lock" in said["poetry.lock:2"]
    assert "run pipenv lock" in said["Pipfile.lock:3"]
    assert "run pdm lock" in said["pdm.lock:2"]
    assert "pipenv install django-crossorigin" in said["Pipfile:2"]
    assert "tox -r" in said["tox.ini:3"]
    assert "conda env update" in said["environment.yml:3"]
    assert "uv lock, poetry lock or pdm lock" in said["pyproject.toml:3"]
    assert "pip-compile" in said["base_requirements.txt:2"]
    assert all("django-crossorigin" in message for message in said.values())
    assert {p: (tmp_path / p).read_text() for p in FILES} == FILES  # reported, never rewritten
