"""Reading configured regexes: the end anchor (I054), path regexes (B13), and samples for the probes.

The checks look at the pattern's source, so they are heuristics: each one looks for a
specific, well-known shape and says what it found. A pattern the heuristics cannot
read is left alone rather than guessed about.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Final, NamedTuple, Protocol

# The standard library's regex parser (private, so imported by name for the type checker).
_parser: Any = importlib.import_module("re._parser")
_constants: Any = importlib.import_module("re._constants")

_QUANTIFIERS: Final = frozenset("*+?{")


class PatternLike(Protocol):
    """A compiled pattern's source and flags: ``re.Pattern`` or a linear-time pattern."""

    @property
    def pattern(self) -> str: ...

    @property
    def flags(self) -> int: ...


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


def is_anchored_at_end(pattern: PatternLike) -> bool:
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


def never_matches_path(pattern: PatternLike) -> bool:
    """True if a path regex starts with a literal other than '/', so ``path_info`` (always '/...') never matches."""
    atoms = [a for a in tokenize(pattern.pattern) if a.kind != "anchor" or a.text != "^"]
    if not atoms:
        return False
    first = atoms[0]
    return first.kind == "literal" and not first.quantifier and first.text != "/" and first.text.isalnum()


def ends_mid_segment(pattern: PatternLike) -> bool:
    """True if a path regex ends in a letter with no ``$`` or ``/``: ``^/api`` also matches ``/apiary``."""
    if is_anchored_at_end(pattern):
        return False
    atoms = tokenize(pattern.pattern)
    if not atoms or any(a.kind == "alt" for a in atoms):
        return False
    last = atoms[-1]
    return last.kind == "literal" and not last.quantifier and last.text.isalnum()


def literal_host_suffix(source: str) -> str | None:
    """The fixed end of an origin regex's host (``partner.com`` in ``^https://.*\\.partner\\.com$``), if any."""
    atoms = tokenize(source)
    atoms = atoms[_host_start(atoms) :]
    while atoms and atoms[-1].kind in ("anchor", "close") and not atoms[-1].quantifier:
        if atoms[-1].kind == "close":
            return None  # the end is a group: the host's end is not one fixed text
        atoms = atoms[:-1]
    tail: list[str] = []
    for atom in reversed(atoms):
        if atom.quantifier or atom.kind not in ("literal", "escape"):
            break
        char = atom.text.removeprefix("\\")
        if not (char.isalnum() or char in ".-"):
            break
        tail.append(char)
    host = "".join(reversed(tail)).lstrip(".-").split(":")[0]
    return host if "." in host else None


def with_end_anchor(source: str, suffix: str = "") -> str:
    """The pattern with ``$`` at its end: ``^https://a\\.example\\.com`` -> ``^https://a\\.example\\.com$``.

    A pattern that is an alternation at its top level is wrapped first, so that the
    anchor (and ``suffix``, put before it) applies to every alternative, not only the last.
    """
    depth = 0
    for atom in tokenize(source):
        if atom.kind == "open":
            depth += 1
        elif atom.kind == "close":
            depth -= 1
        elif atom.kind == "alt" and depth == 0:
            return f"(?:{source}){suffix}$"
    return source + suffix + "$"


# -- strings a pattern matches, for the checks that need a path or an origin to try ----------

# What to emit for a class or category: a character most patterns accept.
_CATEGORY_SAMPLES: Final = {
    "DIGIT": "1",
    "WORD": "a",
    "SPACE": " ",
    "NOT_DIGIT": "a",
    "NOT_WORD": "-",
    "NOT_SPACE": "a",
}
# Characters tried, in order, for a negated class or a NOT_LITERAL.
_FILLERS: Final = "a1-_.xZ"


def sample_texts(
    source: str, flags: int = 0, *, minimal: bool = False, any_char: str = "a", limit: int = 16
) -> list[str]:
    """Short strings ``source`` matches, one per alternative of each ``|`` (the first always first).

    ``'^(null|https://a\\.example)$'`` -> ``['null', 'https://a.example']``. A repeat is
    taken once where it may be (``minimal``: as few times as it may be), and ``.`` stands
    for ``any_char``. Samples that do not match after all (lookaround, back-references)
    are left out.
    """
    style = _Style(minimal, any_char)
    try:
        parsed = list(_parser.parse(source, flags))
        branches: list[tuple[int, int]] = []
        _emit(parsed, {}, branches, style)
        variants: list[dict[int, int]] = [{}]
        variants += [{node: choice} for node, count in branches for choice in range(1, count)]
        texts = [_emit(parsed, variant, [], style) for variant in variants[:limit]]
    except Exception:  # an unreadable shape: no sample, the caller stays conservative
        return []
    # Samples are short and built to match, so checking them cannot backtrack for long.
    return [t for t in dict.fromkeys(texts) if len(t) <= 256 and re.match(source, t, flags)]


def sample_text(source: str, flags: int = 0) -> str | None:
    """A short string ``source`` matches from its start (the first branch, fewest repeats), or None.

    Used to derive a path a URL route serves, or an origin a regex accepts; None when
    the pattern cannot be read or the sample it yields does not match after all
    (lookaround, back-references).
    """
    try:
        parsed = _parser.parse(source, flags)
        text = _emit(list(parsed), {}, [], _Style())
        return text if re.match(source, text, flags) is not None else None
    except Exception:  # an unreadable shape: no sample, the caller stays conservative
        return None


def literal_prefix(source: str, flags: int = 0) -> tuple[str, bool]:
    """The fixed text a match must start with, and whether that is all the pattern matches.

    ``'^api/v2/(?P<pk>[0-9]+)/$'`` -> ``('api/v2/', False)``; ``'^about/$'`` -> ``('about/', True)``.
    """
    try:
        items = list(_parser.parse(source, flags))
    except Exception:
        return "", False
    c = _constants
    prefix: list[str] = []
    for op, arg in items:
        if op is c.LITERAL and not flags & re.IGNORECASE:
            prefix.append(chr(arg))
        elif op is c.AT and arg in (c.AT_BEGINNING, c.AT_BEGINNING_STRING):
            continue
        elif op is c.AT and arg in (c.AT_END, c.AT_END_STRING):
            return "".join(prefix), True
        else:
            return "".join(prefix), False
    return "".join(prefix), False


class _Style(NamedTuple):
    minimal: bool = False
    any_char: str = "a"


def _emit(items: list[tuple[Any, Any]], choices: dict[int, int], branches: list[tuple[int, int]], style: _Style) -> str:
    """A string the parsed ``items`` match: fewest repeats; at each ``|`` the branch in ``choices``.

    Every ``|`` met is recorded in ``branches`` as (its id, its number of branches).
    """
    c = _constants
    out: list[str] = []
    for op, arg in items:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append(next(ch for ch in _FILLERS if ord(ch) != arg))
        elif op is c.ANY:
            out.append(style.any_char)
        elif op is c.IN:
            out.append(_class_sample(arg))
        elif op is c.CATEGORY:
            out.append(_CATEGORY_SAMPLES.get(_category_name(arg), "a"))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
            # At least one repeat where one is allowed: '.*' stands for something, not nothing.
            low, high, body = arg
            times = low if style.minimal else max(low, min(high, 1))
            out.append(_emit(list(body), choices, branches, style) * times)
        elif op is c.SUBPATTERN:
            out.append(_emit(list(arg[-1]), choices, branches, style))
        elif op is getattr(c, "ATOMIC_GROUP", None):
            out.append(_emit(list(arg), choices, branches, style))
        elif op is c.BRANCH:
            node = id(arg)
            branches.append((node, len(arg[1])))
            out.append(_emit(list(arg[1][choices.get(node, 0)]), choices, branches, style))
        elif op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            continue
        else:  # group references, conditionals: not worth a guess
            raise ValueError(f"no sample for {op}")
    return "".join(out)


def _category_name(category: Any) -> str:
    """'DIGIT' for CATEGORY_DIGIT, 'NOT_WORD' for CATEGORY_NOT_WORD, ..."""
    return str(category).upper().removeprefix("CATEGORY_")


def _class_sample(members: list[tuple[Any, Any]]) -> str:
    c = _constants
    if members and members[0][0] is c.NEGATE:
        excluded = re.compile("[" + "".join(_member_source(m) for m in members[1:]) + "]")
        return next((ch for ch in _FILLERS if not excluded.match(ch)), "~")
    op, arg = members[0]
    if op is c.LITERAL:
        return chr(arg)
    if op is c.RANGE:
        return chr(arg[0])
    if op is c.CATEGORY:
        return _CATEGORY_SAMPLES.get(_category_name(arg), "a")
    return "a"


def _member_source(member: tuple[Any, Any]) -> str:
    c = _constants
    op, arg = member
    if op is c.LITERAL:
        return re.escape(chr(arg))
    if op is c.RANGE:
        return f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
    if op is c.CATEGORY:
        return {
            "DIGIT": r"\d",
            "NOT_DIGIT": r"\D",
            "WORD": r"\w",
            "NOT_WORD": r"\W",
            "SPACE": r"\s",
            "NOT_SPACE": r"\S",
        }.get(_category_name(arg), "")
    return ""
