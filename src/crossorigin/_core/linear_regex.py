"""Configured regexes, run by RE2: matching time grows with the input, never explodes.

Python's ``re`` backtracks, so a pattern such as ``^https://([a-z0-9]+-?)+\\.example\\.com$``
takes seconds on a 44-character Origin. Every regex the middleware runs on request data
(origin regexes, ``CORS_URLS_REGEX``, the path regexes of ``CORS_URL_POLICIES``) is
compiled once here with RE2 (the ``google-re2`` package), whose automaton matches in
time linear in the input.

RE2 never sees the pattern's own text: ``crossorigin._core.re2_spelling`` writes the RE2
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
from typing import Any, Final

import re2  # type: ignore[import-untyped]  # google-re2 ships no type information

from crossorigin._core.re2_spelling import UnsupportedRegex, re2_spelling


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

    @property
    def program_size(self) -> int:
        """How many instructions RE2 compiled the pattern to: what a new automaton state costs."""
        return int(self._compiled.programsize)

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


# RE2 builds a set's automaton state by state as text arrives and keeps the states it
# built. A pattern whose states rarely repeat (``[a-z]*a[a-z]{20}`` must remember where
# each of the last 21 letters was an 'a') makes it build a new state on almost every
# character, and each new state costs time in proportion to the program of the whole
# set: 200 cheap patterns beside three such ones cost 3-9 ms a request instead of 2 us.
# So patterns are packed, in order, into sets of at most SET_PROGRAM_BUDGET instructions
# (RE2's own count, decided at start-up: no clock involved), which bounds what one
# runaway pattern can cost to a small set's. A pattern over the budget runs alone
# (a single RE2 pattern falls back to its linear NFA when its automaton grows too big).
SET_PROGRAM_BUDGET: Final = 400
# Memory RE2 may use per set (program and automaton cache): fixed, so the start-up
# decision is the same on every machine. When the cache is full RE2 empties it and goes
# on; a small cache keeps that cheap (8 MiB caches cost up to 9 ms to empty). A set
# whose program does not fit falls back to its patterns one by one.
SET_MAX_MEM: Final = 1 << 20
# What all the origin regexes of one policy may add up to, in RE2 instructions. The
# worst text (an Origin of ORIGIN_MAX_LENGTH characters that makes every set build a new
# state on every character) costs time in proportion to it: at most 5.4 ms a request for
# a full budget on a busy 2-core machine (bench/regex_dos.py); about 700 typical origin
# regexes fit. Patterns past it are refused (E025).
TOTAL_PROGRAM_BUDGET: Final = 24_000


class LinearSet:
    """Several patterns each matched against the whole text in linear time.

    Each pattern keeps its own groups, flags and numbering (RE2's sets match them side
    by side, nothing is joined into one source), and ``match`` names the first
    configured pattern that matched. The patterns are packed into sets of bounded
    program size (see SET_PROGRAM_BUDGET).
    """

    __slots__ = ("_groups", "patterns")

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = tuple(patterns)
        # Each group: (index of its first pattern, RE2 set or None, patterns run one by one).
        self._groups: list[tuple[int, Any, tuple[LinearPattern, ...]]] = []
        compiled = [compile_linear(pattern) for pattern in self.patterns]  # raises for one RE2 refuses
        start, size = 0, 0
        for index, pattern in enumerate(compiled):
            cost = pattern.program_size
            if index > start and size + cost > SET_PROGRAM_BUDGET:
                self._add_group(start, compiled[start:index])
                start, size = index, 0
            size += cost
        if compiled:
            self._add_group(start, compiled[start:])

    def _add_group(self, first: int, members: Sequence[LinearPattern]) -> None:
        if len(members) == 1:
            self._groups.append((first, None, tuple(members)))
            return
        options = _options()
        options.max_mem = SET_MAX_MEM
        matcher = re2.Set.FullMatchSet(options)
        try:
            for member in members:
                matcher.Add(re2_source(member.source))
            matcher.Compile()
        except re2.error:
            self._groups.append((first, None, tuple(members)))
        else:
            self._groups.append((first, matcher, tuple(members)))

    def match(self, text: str) -> str | None:
        """The source of the first pattern that matches the whole text, or None."""
        for _first, matcher, members in self._groups:
            if matcher is None:
                found = next((m.pattern for m in members if m.fullmatch(text) is not None), None)
                if found is not None:
                    return found
                continue
            try:
                hits = matcher.Match(text)
            except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form for RE2: no match
                return None
            if hits:
                index: int = min(hits)  # RE2 numbers a set's patterns in the order they were added
                return members[index].pattern
        return None


def _explain(exc: BaseException) -> str:
    detail = exc.args[0] if exc.args else exc
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return (
        f"the linear-time engine (RE2) cannot run it ({detail}); back-references, lookahead/lookbehind, "
        "conditionals and atomic groups are not supported"
    )
