"""Configured regexes, run by RE2: matching time grows with the input, never explodes.

Python's ``re`` backtracks, so a pattern such as ``^https://([a-z0-9]+-?)+\\.example\\.com$``
takes seconds on a 44-character Origin. Every regex the middleware runs on request data
(origin regexes, ``CORS_URLS_REGEX``, the path regexes of ``CORS_URL_POLICIES``) is
compiled once here with RE2 (the ``google-re2`` package), whose automaton matches in
time linear in the input.

RE2 never sees the pattern's own text: ``crossorigin.re2_spelling`` writes the RE2
pattern from Python's parse of it, so each construct keeps Python's meaning (flags,
sets such as ``[[:graph:]]``, ``\\Z``, ``{,n}``, ``re.VERBOSE``). What RE2 cannot run
(back-references, lookaround, conditionals, atomic groups, possessive repeats) is
refused with ``LinearRegexError``: the settings report it as ``crossorigin.E025`` and
the pattern matches nothing (fail closed). Known narrowings, all safe: ``\\d``, ``\\w``
and ``\\b`` are ASCII-only and ``$`` never matches before a trailing newline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

from crossorigin.re2_spelling import UnsupportedRegex, re2_spelling


class LinearRegexError(ValueError):
    """A pattern RE2 cannot run; the message says what it uses that RE2 lacks."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the refusal is reported as a system check, not on stderr
    return options


def re2_source(pattern: re.Pattern[str]) -> str:
    """The RE2 spelling of a Python pattern; raises LinearRegexError if there is none."""
    try:
        return re2_spelling(pattern)
    except UnsupportedRegex as exc:
        raise LinearRegexError(str(exc)) from None


class LinearPattern:
    """One pattern compiled by RE2, with the ``re.Pattern`` methods the package uses."""

    __slots__ = ("_compiled", "flags", "groups", "pattern", "source")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern.pattern
        self.flags = pattern.flags
        self.groups = pattern.groups
        self.source = pattern
        try:
            self._compiled: Any = re2.compile(re2_source(pattern), _options())
        except re2.error as exc:
            raise LinearRegexError(_explain(exc)) from None

    def match(self, text: str) -> object | None:
        """A match anchored at the start of ``text`` (``re.match``), or None."""
        try:
            found: object | None = self._compiled.match(text)
        except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form for RE2: no match
            return None
        return found

    def fullmatch(self, text: str) -> object | None:
        """A match of the whole of ``text``, or None."""
        try:
            found: object | None = self._compiled.fullmatch(text)
        except UnicodeEncodeError:
            return None
        return found

    def __repr__(self) -> str:
        return f"<LinearPattern {self.pattern!r}>"


class NeverMatches:
    """Stands in for a pattern that was refused: it matches nothing (fail closed)."""

    __slots__ = ("flags", "groups", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.flags = 0
        self.groups = 0

    def match(self, text: str) -> None:
        """Never a match."""
        return

    def fullmatch(self, text: str) -> None:
        """Never a match."""
        return


def compile_linear(pattern: re.Pattern[str]) -> LinearPattern:
    """``pattern`` compiled for linear-time matching; raises LinearRegexError if RE2 cannot run it."""
    return LinearPattern(pattern)


class LinearSet:
    """Several patterns each matched against the whole text in one linear pass.

    Each pattern keeps its own groups, flags and numbering (RE2's set matches them
    side by side, nothing is joined into one source), and ``match`` names the first
    configured pattern that matched.
    """

    __slots__ = ("_each", "_set", "patterns")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = tuple(patterns)
        self._set: Any = None
        # Each pattern alone, when the set as a whole exceeds RE2's memory budget.
        self._each: tuple[LinearPattern, ...] = ()
        if not self.patterns:
            return
        compiled = [compile_linear(pattern) for pattern in self.patterns]  # raises for one RE2 refuses
        matcher = re2.Set.FullMatchSet(_options())
        try:
            for pattern in self.patterns:
                matcher.Add(re2_source(pattern))
            matcher.Compile()
        except re2.error:
            self._each = tuple(compiled)
        else:
            self._set = matcher

    def match(self, text: str) -> str | None:
        """The source of the first pattern that matches the whole text, or None."""
        if self._set is None:
            return next((p.pattern for p in self._each if p.fullmatch(text) is not None), None)
        try:
            found = self._set.Match(text)
        except UnicodeEncodeError:
            return None
        return self.patterns[min(found)].pattern if found else None


def _explain(exc: BaseException) -> str:
    detail = exc.args[0] if exc.args else exc
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return (
        f"the linear-time engine (RE2) cannot run it ({detail}); back-references, lookahead/lookbehind, "
        "conditionals and atomic groups are not supported"
    )
