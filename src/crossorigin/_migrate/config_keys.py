"""Old setting names in a project's configuration data (YAML, TOML, INI, JSON, .env files).

``--rename-settings`` never edits them: such a key is read by name by code of the
project's own (``env.list("CORS_ORIGIN_WHITELIST")``, a loader's ``getattr``), which the
command leaves reading that same name. They are reported so the two can be renamed
together, by hand, if that is wanted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from crossorigin._config.incumbent import RENAMED_SETTINGS
from crossorigin._migrate.report import Finding

DATA_SUFFIXES: Final = frozenset({".yml", ".yaml", ".toml", ".ini", ".cfg", ".json", ".env"})
_OLD_NAME: Final = re.compile(r"\b(" + "|".join(map(re.escape, RENAMED_SETTINGS)) + r")\b")


def is_config_data(path: Path) -> bool:
    """A configuration data file: by suffix, or named like ``.env`` / ``.env.production``."""
    return path.suffix in DATA_SUFFIXES or path.name == ".env" or path.name.startswith(".env.")


def config_key_findings(shown: str, text: str) -> list[Finding]:
    """One finding per line of configuration data naming an old setting."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for name in dict.fromkeys(_OLD_NAME.findall(line)):
            found.append(
                Finding(
                    shown,
                    number,
                    f"{name} in configuration data was left as it is: the code that reads it by this name was left "
                    f"too, so the value still arrives. To rename it {RENAMED_SETTINGS[name]}, rename it here and "
                    "where it is read, together.",
                )
            )
    return found
