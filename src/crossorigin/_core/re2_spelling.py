"""Python's reading of a regex, written out for RE2.

The two engines share most syntax but not all of it: ``[[:graph:]]`` is a set followed
by ``]`` for Python and a POSIX class for RE2, ``\\Z`` and ``{,n}`` differ, and so on.
Translating the text would mean knowing every such corner. Instead the pattern is
parsed by Python's own parser (``re._parser``, the one ``re.compile`` uses) and the RE2
pattern is written from that parse in a small, unambiguous subset of RE2's syntax:

- every character as ``\\x{...}`` (ASCII letters and digits as themselves);
- every set as explicit code-point ranges (``\\d``, ``\\s``, ``\\w`` expanded here);
- every group non-capturing, every repeat as ``(?:...){m,n}``;
- every anchor and flag-dependent piece with its flag spelled at that place
  (``(?m:^)``, ``(?s:.)``, ``(?i:...)``), so scoped and global flags mean what Python means.

Whatever the parse contains that RE2 cannot run (back-references, lookaround,
conditionals, atomic groups, possessive repeats) raises ``UnsupportedRegex``.

Known narrowings, documented and safe for an allow list: ``\\d``, ``\\w`` and ``\\b``
are ASCII (as under ``re.ASCII``), and a ``$`` without ``re.MULTILINE`` matches only
at the very end (never before a trailing newline). Case-insensitive matching of
non-ASCII text follows Unicode simple case folding.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, Final

# re._parser is the parser re.compile itself runs (3.11+); typeshed has no stub for it.
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

_MAX_CODE: Final = 0x10FFFF
Ranges = list[tuple[int, int]]

_DIGIT: Final[Ranges] = [(0x30, 0x39)]
_WORD: Final[Ranges] = [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
# The letters outside ASCII whose simple case folding reaches an ASCII letter.
_FOLD_TO_ASCII: Final[Ranges] = [(0x17F, 0x17F), (0x212A, 0x212A)]
_ASCII_SPACE: Final[Ranges] = [(0x09, 0x0D), (0x20, 0x20)]
# What str.isspace() accepts, as Python's re reads \s in a str pattern without re.ASCII
# (tests/test_re2_spelling.py checks it against every code point).
_UNICODE_SPACE: Final[Ranges] = [
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
]

# What each construct RE2 lacks is called in the refusal.
_REFUSED: Final = {
    "GROUPREF": "a back-reference",
    "GROUPREF_EXISTS": "a conditional (?(group)...)",
    "ASSERT": "a lookahead or lookbehind",
    "ASSERT_NOT": "a negative lookahead or lookbehind",
    "ATOMIC_GROUP": "an atomic group (?>...)",
    "POSSESSIVE_REPEAT": "a possessive repeat (*+, ++, ?+)",
}


class UnsupportedRegex(ValueError):
    """Python's parse of the pattern contains a construct RE2 cannot run."""


def re2_spelling(pattern: re.Pattern[str]) -> str:
    """RE2 text that means what ``pattern`` means to Python; raises UnsupportedRegex otherwise."""
    with warnings.catch_warnings():
        # re.compile already warned about "possible nested set"; the parse here repeats it.
        warnings.simplefilter("ignore", FutureWarning)
        tree = _parser.parse(pattern.pattern, pattern.flags)
    return _sequence(tree, tree.state.flags)


def _sequence(items: Iterable[tuple[Any, Any]], flags: int) -> str:
    return "".join(_piece(op.name, value, flags) for op, value in items)


def _piece(name: str, value: Any, flags: int) -> str:
    if name == "LITERAL":
        return _set([(value, value)], False, flags) if _folds(value, flags) else _char(value)
    if name == "NOT_LITERAL":
        return _set([(value, value)], True, flags)
    if name == "IN":
        return _in(value, flags)
    if name == "ANY":
        return r"(?s:.)" if flags & re.DOTALL else r"[^\n]"
    if name == "AT":
        return _anchor(value.name, flags)
    if name == "BRANCH":
        return "(?:" + "|".join(_sequence(branch, flags) for branch in value[1]) + ")"
    if name == "SUBPATTERN":
        _group, add, remove, body = value
        return "(?:" + _sequence(body, (flags | add) & ~remove) + ")"
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        low, high, body = value
        upper = "" if high == _constants.MAXREPEAT else str(high)
        lazy = "?" if name == "MIN_REPEAT" else ""
        return f"(?:{_sequence(body, flags)}){{{low},{upper}}}{lazy}"
    raise UnsupportedRegex(f"it uses {_REFUSED.get(name, name)}, which the linear-time engine (RE2) cannot run")


def _anchor(name: str, flags: int) -> str:
    multiline = flags & re.MULTILINE
    spelled = {
        "AT_BEGINNING": r"(?m:^)" if multiline else r"\A",
        "AT_BEGINNING_STRING": r"\A",
        "AT_END": r"(?m:$)" if multiline else r"\z",
        "AT_END_STRING": r"\z",
        "AT_BOUNDARY": r"\b",
        "AT_NON_BOUNDARY": r"\B",
    }.get(name)
    if spelled is None:
        raise UnsupportedRegex(f"it uses the anchor {name}, which the linear-time engine (RE2) cannot run")
    return spelled


def _in(members: Sequence[tuple[Any, Any]], flags: int) -> str:
    negate = False
    ranges: Ranges = []
    for op, value in members:
        kind = op.name
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL":
            ranges.append((value, value))
        elif kind == "RANGE":
            ranges.append((value[0], value[1]))
        elif kind == "CATEGORY":
            ranges.extend(_category(value.name, flags))
        else:
            raise UnsupportedRegex(f"it uses {kind} in a set, which the linear-time engine (RE2) cannot run")
    return _set(ranges, negate, flags)


def _category(name: str, flags: int) -> Ranges:
    space = _ASCII_SPACE if flags & re.ASCII else _UNICODE_SPACE
    found = {"DIGIT": _DIGIT, "WORD": _WORD, "SPACE": space}.get(name.removeprefix("CATEGORY_").removeprefix("NOT_"))
    if found is None:
        raise UnsupportedRegex(f"it uses {name}, which the linear-time engine (RE2) cannot run")
    if "_NOT_" not in name:
        return list(found)
    if found is _WORD and not flags & re.ASCII:
        # \W is narrowed to "not an ASCII word character", but two letters outside ASCII
        # fold to ASCII ones (U+017F to s, U+212A to k). Left in, a negated set such as
        # (?i)[^\W_] would lose s and k in RE2's folding; Python's \W never holds them.
        return _complement(found + _FOLD_TO_ASCII)
    return _complement(found)


def _complement(ranges: Ranges) -> Ranges:
    out: Ranges = []
    start = 0
    for low, high in sorted(ranges):
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= _MAX_CODE:
        out.append((start, _MAX_CODE))
    return out


def _folds(code: int, flags: int) -> bool:
    """Whether a literal matches more than itself under the flags in force."""
    return bool(flags & re.IGNORECASE) and chr(code).lower() != chr(code).upper()


def _set(ranges: Ranges, negate: bool, flags: int) -> str:
    if flags & re.IGNORECASE and flags & re.ASCII:
        # re.ASCII | re.IGNORECASE folds ASCII letters only: add their other case here,
        # since RE2's (?i) would also fold non-ASCII characters such as U+212A (Kelvin).
        overlaps = [(max(low, a), min(high, z)) for low, high in ranges for a, z in ((65, 90), (97, 122))]
        ranges = ranges + [(low ^ 0x20, high ^ 0x20) for low, high in overlaps if low <= high]
    body = "".join(_char(low) if low == high else f"{_char(low)}-{_char(high)}" for low, high in _merged(ranges))
    spelled = f"[^{body}]" if negate else f"[{body}]"
    if not body:  # an empty set (e.g. [^\s\S]): nothing matches it, and RE2 rejects "[]"
        spelled = r"(?s:.)" if negate else r"[^\x00-\x{10ffff}]"
    if flags & re.IGNORECASE and not flags & re.ASCII:
        return f"(?i:{spelled})"
    return spelled


def _merged(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return out


def _char(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else f"\\x{{{code:x}}}"
