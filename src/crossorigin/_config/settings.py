"""Read the ``CORS_*`` settings once: new names, their old aliases, django-dcors' names.

This is the only module that reads ``django.conf.settings`` for CORS values. It returns
``CorsSettings``, plain validated values plus the problems found, which ``registry``
compiles into policies and ``checks`` reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings as django_settings

from crossorigin._config.incumbent import RENAMED_SETTINGS
from crossorigin._core.options import (
    PolicyOptions,
    validate_allow_headers,
    validate_bool,
    validate_expose_headers,
    validate_max_age,
    validate_methods,
    validate_origins,
    validate_regexes,
)
from crossorigin._core.problems import Problem, error, info, warning

_MISSING: Final = object()
# What a URL policy whose overrides cannot be read becomes: it allows no origin.
CLOSED_OVERRIDES: Final[Mapping[str, object]] = {
    "allowed_origins": (),
    "allowed_origin_regexes": (),
    "allow_all_origins": False,
}
DEFAULT_URLS_REGEX: Final = r"^.*$"
# What an invalid CORS_URLS_REGEX is read as: a pattern that matches nothing, already
# reported as crossorigin.E008. The registry recognises it and does not report it again.
NEVER_MATCHING_PATTERN: Final = r"(?!)"

# Old django-cors-headers names -> the name that replaced them: the migration command's
# table (incumbent, which imports no Django). This name stays for checks/typos.py only.
RENAMED: Final = RENAMED_SETTINGS
# django-dcors names -> the modern setting to use instead.
DCORS_NAMES: Final = {
    "CORS_ALLOW_ORIGIN": "CORS_ALLOWED_ORIGINS (or CORS_ALLOW_ALL_ORIGINS = True for '*')",
    "CORS_ALLOW_ALL_ORIGIN": "CORS_ALLOW_ALL_ORIGINS = True",
    "CORS_ALLOW_ALL_HEADERS": "CORS_ALLOW_HEADERS (list the headers your front end sends)",
    "CORS_MAX_AGE": "CORS_PREFLIGHT_MAX_AGE",
}

# Settings read by the optional crossorigin.contrib.origins app, not by read_settings().
CONTRIB_SETTING_NAMES: Final = ("CORS_DB_ORIGINS_CHECK_INTERVAL",)

# Names CORS_REPORT_ONLY does not read (crossorigin.W072): they change the request or
# ask code, not what the settings decide, so a shadow policy cannot evaluate them.
REPORT_ONLY_IGNORED: Final = (
    "CORS_ORIGIN_CHECKER",
    "CORS_ORIGIN_CHECKER_CACHE_SIZE",
    "CORS_ORIGIN_CHECKER_CACHE_TTL",
    "CORS_REPLACE_HTTPS_REFERER",
    "CORS_REPORT_ONLY",
    *CONTRIB_SETTING_NAMES,
)

# Every setting this package reads, for the docs test and the annotation check.
SETTING_NAMES: Final = (
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOWED_ORIGIN_REGEXES",
    "CORS_ALLOW_ALL_ORIGINS",
    "CORS_URLS_REGEX",
    "CORS_ALLOW_METHODS",
    "CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS",
    "CORS_PREFLIGHT_MAX_AGE",
    "CORS_ALLOW_CREDENTIALS",
    "CORS_ALLOW_PRIVATE_NETWORK",
    "CORS_REPLACE_HTTPS_REFERER",
    "CORS_URL_POLICIES",
    "CORS_ORIGIN_CHECKER",
    "CORS_ORIGIN_CHECKER_CACHE_SIZE",
    "CORS_ORIGIN_CHECKER_CACHE_TTL",
    "CORS_REPORT_ONLY",
    *RENAMED_SETTINGS,
    "CORS_URLCONF_MIDDLEWARE",
    *DCORS_NAMES,
    *CONTRIB_SETTING_NAMES,
)


@dataclass(frozen=True)
class CorsSettings:
    """The validated global settings and everything found wrong with them."""

    options: PolicyOptions
    urls_regex: re.Pattern[str] | None  # None: every path (the default r'^.*$')
    url_policies: tuple[tuple[re.Pattern[str], Mapping[str, object]], ...]
    replace_https_referer: bool
    origin_checker: str | None
    checker_cache_size: int
    checker_cache_ttl: float
    problems: tuple[Problem, ...] = field(default=(), compare=False)
    # CORS_REPORT_ONLY read as settings of their own (crossorigin._http.report_only); None: unset.
    report_only: CorsSettings | None = None


def old_name(name: str) -> str | None:
    """The name django-cors-headers used for ``name`` before 3.5, if it had another."""
    return next((old for old, new in RENAMED_SETTINGS.items() if new == name), None)


def read_settings(source: Any = None) -> CorsSettings:
    """Read and validate the CORS settings from ``source`` (Django's settings by default)."""
    return _Reader(django_settings if source is None else source).read()


class _ReportOnlySource:
    """CORS_REPORT_ONLY's dict seen as a settings object, without the names it ignores."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self.values = values

    def __getattr__(self, name: str) -> object:
        if name in REPORT_ONLY_IGNORED or name not in self.values:
            raise AttributeError(name)
        return self.values[name]


class _Reader:
    def __init__(self, source: Any, *, nested: bool = False) -> None:
        self.source = source
        self.problems: list[Problem] = []
        # Reading CORS_REPORT_ONLY's own dict: it holds no CORS_REPORT_ONLY of its own.
        self.nested = nested

    def get(self, name: str) -> object:
        return getattr(self.source, name, _MISSING)

    def first(self, name: str) -> tuple[str, object]:
        """The value under ``name``, or under its old alias if only that is set."""
        value = self.get(name)
        old = old_name(name)
        old_value = _MISSING if old is None else self.get(old)
        if old is not None and old_value is not _MISSING:
            if value is _MISSING:
                self.problems.append(
                    info(
                        40,
                        f"{old} is the old name of {name}.",
                        f"Rename the setting to {name}; the value keeps its meaning.",
                    )
                )
                return old, old_value
            self.problems.append(
                info(42, f"Both {name} and its old name {old} are set; {old} is ignored.", f"Remove {old}.")
            )
        return name, value

    def dcors(self, name: str) -> object:
        value = self.get(name)
        if value is not _MISSING:
            self.problems.append(
                info(
                    41,
                    f"{name} is a django-dcors setting; it still works but is deprecated.",
                    f"Use {DCORS_NAMES[name]} instead.",
                )
            )
        return value

    def read(self) -> CorsSettings:
        kwargs: dict[str, Any] = {}
        found: list[Problem] = self.problems

        name, value = self.first("CORS_ALLOWED_ORIGINS")
        legacy_origin = self.dcors("CORS_ALLOW_ORIGIN")
        legacy_allow_all = False
        if value is _MISSING and isinstance(legacy_origin, str) and legacy_origin.strip():
            if legacy_origin.strip() == "*":
                legacy_allow_all = True
            else:
                name, value = "CORS_ALLOW_ORIGIN", [legacy_origin]
        elif legacy_origin is not _MISSING and not isinstance(legacy_origin, str):
            found.append(error(1, f"CORS_ALLOW_ORIGIN should be one origin string, not {legacy_origin!r}."))
        if value is not _MISSING:
            (kwargs["allowed_origins"], kwargs["origin_sources"]), more = validate_origins(value, name)
            found.extend(more)

        name, value = self.first("CORS_ALLOWED_ORIGIN_REGEXES")
        if value is not _MISSING:
            kwargs["allowed_origin_regexes"], more = validate_regexes(value, name)
            found.extend(more)

        name, value = self.first("CORS_ALLOW_ALL_ORIGINS")
        legacy_all = self.dcors("CORS_ALLOW_ALL_ORIGIN")
        if value is not _MISSING:
            kwargs["allow_all_origins"], more = validate_bool(value, name)
            found.extend(more)
        elif legacy_all is not _MISSING:
            # django-dcors allowed every origin when the setting was present at all.
            kwargs["allow_all_origins"] = True
            if not legacy_all:
                found.append(
                    warning(
                        9,
                        f"CORS_ALLOW_ALL_ORIGIN is set to {legacy_all!r}, and as in django-dcors its mere presence allows every origin.",
                        "Remove CORS_ALLOW_ALL_ORIGIN, or set CORS_ALLOW_ALL_ORIGINS = True if that is what you want.",
                    )
                )
        elif legacy_allow_all:
            kwargs["allow_all_origins"] = True

        value = self.get("CORS_ALLOW_CREDENTIALS")
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            # django-dcors took the header's literal value.
            found.append(
                info(41, f"CORS_ALLOW_CREDENTIALS is the string {value!r} (a django-dcors form).", "Use True or False.")
            )
            kwargs["allow_credentials"] = value.strip().lower() == "true"
        elif value is not _MISSING:
            kwargs["allow_credentials"], more = validate_bool(value, "CORS_ALLOW_CREDENTIALS")
            found.extend(more)

        for setting, key, validator in (
            ("CORS_ALLOW_METHODS", "allow_methods", validate_methods),
            ("CORS_ALLOW_HEADERS", "allow_headers", validate_allow_headers),
            ("CORS_EXPOSE_HEADERS", "expose_headers", validate_expose_headers),
            ("CORS_ALLOW_PRIVATE_NETWORK", "allow_private_network", validate_bool),
        ):
            value = self.get(setting)
            if value is not _MISSING:
                kwargs[key], more = validator(value, setting)
                found.extend(more)

        value = self.get("CORS_PREFLIGHT_MAX_AGE")
        legacy_age = self.dcors("CORS_MAX_AGE")
        if value is not _MISSING:
            kwargs["preflight_max_age"], more = validate_max_age(value, "CORS_PREFLIGHT_MAX_AGE")
            found.extend(more)
        elif legacy_age is not _MISSING:
            if isinstance(legacy_age, str) and legacy_age.isdigit():
                legacy_age = int(legacy_age)
            kwargs["preflight_max_age"], more = validate_max_age(legacy_age, "CORS_MAX_AGE")
            found.extend(more)

        if self.dcors("CORS_ALLOW_ALL_HEADERS") is not _MISSING:
            kwargs["allow_all_requested_headers"] = True

        options = PolicyOptions(**kwargs)
        replace_referer = self.get("CORS_REPLACE_HTTPS_REFERER")
        if replace_referer is _MISSING:
            replace_referer = False
        else:
            replace_referer, more = validate_bool(replace_referer, "CORS_REPLACE_HTTPS_REFERER")
            found.extend(more)
        checker, size, ttl = self.checker()
        # Read before the problems are frozen below: its own findings about the dict go there.
        report_only = None if self.nested else self.report_only()
        return CorsSettings(
            options=options,
            urls_regex=self.urls_regex(),
            url_policies=self.url_policies(),
            replace_https_referer=bool(replace_referer),
            origin_checker=checker,
            checker_cache_size=size,
            checker_cache_ttl=ttl,
            problems=tuple(found),
            report_only=report_only,
        )

    def report_only(self) -> CorsSettings | None:
        """CORS_REPORT_ONLY read by this same reader, as if its dict were the whole of the settings."""
        value = self.get("CORS_REPORT_ONLY")
        if value is _MISSING or value is None:
            return None
        if not isinstance(value, Mapping):
            self.problems.append(
                warning(
                    73,
                    f"CORS_REPORT_ONLY should be a dict of CORS settings, not {type(value).__name__}; it is ignored.",
                    "Write CORS_REPORT_ONLY = {'CORS_ALLOWED_ORIGINS': ['https://app.example.com'], ...}.",
                )
            )
            return None
        nested = _Reader(_ReportOnlySource(value), nested=True)
        for name in value:
            if name in REPORT_ONLY_IGNORED:
                nested.problems.append(
                    warning(
                        72,
                        f"CORS_REPORT_ONLY[{name!r}] is ignored: the report-only policy is decided by its settings alone.",
                        f"Remove {name!r} from CORS_REPORT_ONLY.",
                    )
                )
            elif name not in SETTING_NAMES:
                nested.problems.append(
                    warning(
                        71,
                        f"CORS_REPORT_ONLY[{name!r}] is not a CORS setting, so it is ignored.",
                        "Use the names of the settings themselves, e.g. 'CORS_ALLOWED_ORIGINS'.",
                    )
                )
        return nested.read()

    def urls_regex(self) -> re.Pattern[str] | None:
        value = self.get("CORS_URLS_REGEX")
        if value is _MISSING or value == DEFAULT_URLS_REGEX:
            return None
        if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
            return value
        if isinstance(value, str):
            try:
                return re.compile(value)
            except re.error as exc:
                self.problems.append(error(8, f"CORS_URLS_REGEX {value!r} is not a valid regular expression: {exc}."))
        else:
            self.problems.append(error(8, f"CORS_URLS_REGEX should be a regular expression string, not {value!r}."))
        # Fail closed: a broken regex enables CORS nowhere.
        return re.compile(NEVER_MATCHING_PATTERN)

    def url_policies(self) -> tuple[tuple[re.Pattern[str], Mapping[str, object]], ...]:
        value = self.get("CORS_URL_POLICIES")
        if value is _MISSING or value is None:
            return ()
        hint = "Write CORS_URL_POLICIES = [(r'^/api/public/', {'allow_all_origins': True}), ...]."
        if not _is_list(value):
            self.problems.append(
                error(
                    14,
                    f"CORS_URL_POLICIES should be a list of (path_regex, overrides) pairs, not {type(value).__name__}.",
                    hint,
                )
            )
            return ()
        policies = []
        entries: list[object] = list(value)  # type: ignore[call-overload]
        for index, entry in enumerate(entries):
            where = f"CORS_URL_POLICIES[{index}]"
            if not (isinstance(entry, (list, tuple)) and len(entry) == 2):
                self.problems.append(
                    error(14, f"{where} should be a (path_regex, overrides) pair, not {entry!r}.", hint)
                )
                continue
            pattern, overrides = entry
            if not isinstance(overrides, Mapping):
                self.problems.append(
                    error(14, f"{where} overrides should be a dict, not {type(overrides).__name__}.", hint)
                )
                # Fail closed: its paths allow no origin rather than fall back to the
                # (possibly wider) global policy the entry was written to narrow.
                overrides = CLOSED_OVERRIDES
            try:
                compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
                if not isinstance(compiled.pattern, str):
                    # A bytes pattern would raise TypeError on every request's str path.
                    raise TypeError("it is a bytes pattern; use a str")
            except (re.error, TypeError) as exc:
                self.problems.append(
                    error(14, f"{where} path regex {pattern!r} is not a valid regular expression: {exc}.")
                )
                continue
            policies.append((compiled, overrides))
        return tuple(policies)

    def checker(self) -> tuple[str | None, int, float]:
        path = self.get("CORS_ORIGIN_CHECKER")
        size = self.get("CORS_ORIGIN_CHECKER_CACHE_SIZE")
        ttl = self.get("CORS_ORIGIN_CHECKER_CACHE_TTL")
        size = 0 if size is _MISSING else size
        ttl = 60.0 if ttl is _MISSING else ttl
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            self.problems.append(
                error(
                    17,
                    f"CORS_ORIGIN_CHECKER_CACHE_SIZE should be a whole number (0 turns the cache off), not {size!r}.",
                )
            )
            size = 0
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0:
            self.problems.append(
                error(17, f"CORS_ORIGIN_CHECKER_CACHE_TTL should be a number of seconds above 0, not {ttl!r}.")
            )
            ttl = 60.0
        if path is _MISSING or path is None:
            return None, size, float(ttl)
        if not isinstance(path, str) or not path.strip():
            self.problems.append(
                error(
                    16,
                    f"CORS_ORIGIN_CHECKER should be the dotted path of a callable, not {path!r}.",
                    "For example 'myapp.cors.is_allowed_origin'.",
                )
            )
            return None, size, float(ttl)
        return path, size, float(ttl)


def _is_list(value: object) -> bool:
    return isinstance(value, (list, tuple))
