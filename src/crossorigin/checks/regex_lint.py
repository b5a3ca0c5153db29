"""Reading configured regexes for the mistakes people make in them (B3, B4, B5, B6, B13).

The checks look at the pattern's source, so they are heuristics: each one looks for a
specific, well-known shape and says what it found. A pattern the heuristics cannot
read is left alone rather than guessed about.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Final, NamedTuple

# The standard library's regex parser (private, so imported by name for the type checker).
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

_QUANTIFIERS: Final = frozenset("*+?{")
_UNBOUNDED: Final = ("*", "+")
LOOPBACK_HOST_PREFIXES: Final = ("localhost", r"127\.", "127.", r"\[::1\]", "[::1]", "(localhost", "(?:localhost")


class Atom(NamedTuple):
    """One element of a pattern's source: its kind, its text and its quantifier."""

    kind: str  # literal, escape, class, any, open, close, alt, anchor
    text: str
    quantifier: str = ""


def tokenize(source: str) -> list[Atom]:
    """Split a (valid) pattern's source into atoms, enough to read its shape."""
    atoms: list[Atom] = []
    i, n = 0, len(source)
    while i < n:
        char = source[i]
        if char == "\\":
            atoms.append(Atom("escape", source[i : i + 2]))
            i += 2
        elif char == "[":
            j = i + 1
            if j < n and source[j] == "^":
                j += 1
            if j < n and source[j] == "]":
                j += 1
            while j < n and source[j] != "]":
                j += 2 if source[j] == "\\" else 1
            atoms.append(Atom("class", source[i : j + 1]))
            i = j + 1
        elif char == "(":
            j = _group_header_end(source, i)
            if j == 0:  # a comment or inline flags: nothing to match
                i = source.find(")", i) + 1 or n
                continue
            atoms.append(Atom("open", source[i:j]))
            i = j
            continue
        elif char == ")":
            atoms.append(Atom("close", char))
            i += 1
        elif char == "|":
            atoms.append(Atom("alt", char))
            i += 1
            continue
        elif char in "^$":
            atoms.append(Atom("anchor", char))
            i += 1
            continue
        elif char == ".":
            atoms.append(Atom("any", char))
            i += 1
        else:
            atoms.append(Atom("literal", char))
            i += 1
        if i < n and source[i] in _QUANTIFIERS:
            j = source.find("}", i) + 1 if source[i] == "{" else i + 1
            if j <= i:
                continue
            if j < n and source[j] in "?+":
                j += 1
            atoms[-1] = atoms[-1]._replace(quantifier=source[i:j])
            i = j
    return atoms


def _group_header_end(source: str, i: int) -> int:
    """Where a group's header ends: after '(' or '(?:', '(?P<name>', '(?<=' ...; 0 if not a group."""
    if source.startswith("(?P<", i):
        return source.index(">", i) + 1
    if source.startswith(("(?<=", "(?<!"), i):
        return i + 4
    if source.startswith(("(?:", "(?=", "(?!", "(?>"), i):
        return i + 3
    if source.startswith("(?", i):
        k = i + 2
        while k < len(source) and (source[k].isalpha() or source[k] == "-"):
            k += 1
        # (?i:...) opens a group; (?i) and (?#...) do not.
        return k + 1 if k < len(source) and source[k] == ":" else 0
    return i + 1


def _host_start(atoms: list[Atom]) -> int:
    """Index of the first atom after '://' (or 0 when the pattern has no scheme part)."""
    texts = [a.text.lstrip("\\") if a.kind in ("literal", "escape") else "" for a in atoms]
    for index in range(len(atoms) - 2):
        if texts[index : index + 3] == [":", "/", "/"]:
            return index + 3
    return 0


def is_anchored_at_end(pattern: re.Pattern[str]) -> bool:
    """True if every way through the pattern ends with ``$`` or ``\\Z``.

    A pattern that ends in an unbounded ``.*`` counts as anchored too: a prefix match
    and a whole match of it accept the same origins.
    """
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # pragma: no cover - the pattern compiled, so it parses
        return True
    return _ends_anchored(list(parsed))


def _ends_anchored(items: list[tuple[Any, Any]]) -> bool:
    if not items:
        return False
    op, arg = items[-1]
    c = _constants
    if op is c.AT:
        return arg in (c.AT_END, c.AT_END_STRING)
    if op is c.SUBPATTERN:
        return _ends_anchored(list(arg[-1]))
    if op is c.BRANCH:
        return all(_ends_anchored(list(branch)) for branch in arg[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        _low, high, body = arg
        return bool(high == c.MAXREPEAT and len(body) == 1 and body[0][0] is c.ANY)
    return False


def unescaped_host_dots(source: str) -> int:
    """How many single unescaped ``.`` stand in the host part (``api.example`` for ``api\\.example``)."""
    atoms = tokenize(source)
    return sum(1 for atom in atoms[_host_start(atoms) :] if atom.kind == "any" and not atom.quantifier)


def glued_wildcard(source: str) -> str | None:
    """The ``.*example`` in a host part where an open repeat runs straight into a name (B5)."""
    atoms = tokenize(source)
    start = _host_start(atoms)
    for index in range(start, len(atoms) - 1):
        atom, following = atoms[index], atoms[index + 1]
        open_repeat = atom.quantifier[:1] in _UNBOUNDED or (atom.quantifier.startswith("{") and "," in atom.quantifier)
        if (
            open_repeat
            and atom.kind in ("any", "class", "escape")
            and following.kind == "literal"
            and following.text.isalnum()
        ):
            rest = "".join(a.text + a.quantifier for a in atoms[index + 1 : index + 8])
            return atom.text + atom.quantifier + rest
    return None


def admits_http(source: str) -> bool:
    """True if the pattern's scheme part accepts ``http`` (``https?``, ``(http|https)``, ``.*``)."""
    for separator in ("://", r":\/\/", r"\:\/\/"):
        position = source.find(separator)
        if position != -1:
            break
    else:
        # No visible scheme part: assume any scheme can match, e.g. '.*\.example\.com$'.
        return not source.lstrip("^").startswith("https")
    scheme = source[:position]
    try:
        return re.fullmatch(scheme, "http") is not None
    except re.error:
        # The scheme part is not a pattern on its own (it opens a group that closes
        # later); fall back to reading it.
        return "http" in scheme.replace("https", "") or "?" in scheme or "." in scheme


def has_loopback_host(source: str) -> bool:
    """True if the host part of the pattern names a loopback host (localhost, 127.x, [::1])."""
    for separator in ("://", r":\/\/", r"\:\/\/"):
        position = source.find(separator)
        if position != -1:
            host = source[position + len(separator) :]
            return host.startswith(LOOPBACK_HOST_PREFIXES)
    return False


def never_matches_path(pattern: re.Pattern[str]) -> bool:
    """True if a path regex starts with a literal other than '/', so ``path_info`` (always '/...') never matches."""
    atoms = [a for a in tokenize(pattern.pattern) if a.kind != "anchor" or a.text != "^"]
    if not atoms:
        return False
    first = atoms[0]
    return first.kind == "literal" and not first.quantifier and first.text != "/" and first.text.isalnum()


def ends_mid_segment(pattern: re.Pattern[str]) -> bool:
    """True if a path regex ends in a letter with no ``$`` or ``/``: ``^/api`` also matches ``/apiary``."""
    if is_anchored_at_end(pattern):
        return False
    atoms = tokenize(pattern.pattern)
    if not atoms or any(a.kind == "alt" for a in atoms):
        return False
    last = atoms[-1]
    return last.kind == "literal" and not last.quantifier and last.text.isalnum()
