"""cors_import_origins and cors_export_origins: one origin per line, round trip, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from crossorigin.contrib.origins.models import AllowedOrigin

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.contrib.urls")]

FILE = """\
# customers onboarded in March
https://acme.example # Acme, ticket 12
HTTPS://Globex.Example:443

https://*.initech.example
http://localhost:*
https://acme.example
"""


def run(*args: str, stdin: str | None = None, monkeypatch: Any = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored() -> dict[str, tuple[bool, str]]:
    return {o.origin: (o.enabled, o.note) for o in AllowedOrigin.objects.all()}


def test_import_adds_each_line_in_normal_form_with_its_note(tmp_path: Path) -> None:
    source = tmp_path / "origins.txt"
    source.write_text(FILE)
    out, _ = run("cors_import_origins", str(source), "--note", "imported")
    assert stored() == {
        "https://acme.example": (True, "Acme, ticket 12"),
        "https://globex.example": (True, "imported"),
        "https://*.initech.example": (True, "imported"),
        "http://localhost:*": (True, "imported"),
    }
    assert "4 origins read: 4 were added" in out
    out, _ = run("cors_import_origins", str(source))
    assert "0 were added" in out
    assert "4 already present" in out


def test_one_bad_line_imports_nothing_and_names_every_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "origins.txt"
    source.write_text("https://good.example\nhttps://bad.example/\nhttps://*.github.io\nexample.org\n")
    with pytest.raises(CommandError) as caught:
        run("cors_import_origins", str(source))
    message = str(caught.value)
    assert f"{source}:2:" in message
    assert "trailing slash" in message
    assert f"{source}:3:" in message
    assert "public suffix" in message
    assert f"{source}:4:" in message
    assert not AllowedOrigin.objects.exists()


def test_import_warns_but_imports_what_settings_would_warn_about(tmp_path: Path) -> None:
    source = tmp_path / "origins.txt"
    source.write_text("null\n")
    _, err = run("cors_import_origins", str(source))
    assert "warning" in err
    assert "sandboxed iframe" in err
    assert "null" in stored()


def test_disabled_dry_run_enable_existing_and_replace(tmp_path: Path) -> None:
    AllowedOrigin.objects.create(origin="https://old.example")
    AllowedOrigin.objects.create(origin="https://paused.example", enabled=False)
    source = tmp_path / "origins.txt"
    source.write_text("https://new.example\nhttps://paused.example\n")
    out, _ = run("cors_import_origins", str(source), "--replace", "--enable-existing", "--dry-run")
    assert "1 would be added, 1 would be enabled, 1 would be deleted" in out
    assert set(stored()) == {"https://old.example", "https://paused.example"}
    run("cors_import_origins", str(source), "--disabled")
    assert stored()["https://new.example"] == (False, "")
    run("cors_import_origins", str(source), "--replace", "--enable-existing")
    assert stored() == {"https://new.example": (True, ""), "https://paused.example": (True, "")}


def test_import_from_standard_input(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("https://piped.example\n"))
    run("cors_import_origins", "-")
    assert "https://piped.example" in stored()


def test_an_unreadable_file_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run("cors_import_origins", str(tmp_path / "missing.txt"))


def test_export_writes_enabled_origins_one_per_line_sorted() -> None:
    AllowedOrigin.objects.create(origin="https://b.example", note="B corp\nsecond line")
    AllowedOrigin.objects.create(origin="https://a.example")
    AllowedOrigin.objects.create(origin="https://off.example", enabled=False)
    out, _ = run("cors_export_origins")
    assert out == "https://a.example\nhttps://b.example\n"
    out, _ = run("cors_export_origins", "--all", "--notes")
    assert out == "https://a.example\nhttps://b.example # B corp\nhttps://off.example\n"


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    for origin, note in (("https://a.example", "first"), ("https://*.b.example", ""), ("http://localhost:*", "dev")):
        AllowedOrigin.objects.create(origin=origin, note=note)
    target = tmp_path / "export.txt"
    run("cors_export_origins", "--notes", "-o", str(target))
    before = stored()
    AllowedOrigin.objects.all().delete()
    run("cors_import_origins", str(target))
    assert stored() == before


def test_export_to_an_unwritable_place_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot write"):
        run("cors_export_origins", "-o", str(tmp_path / "no" / "such" / "dir.txt"))
