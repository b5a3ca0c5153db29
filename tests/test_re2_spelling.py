"""Issue 21 item 3: an origin regex means what Python means, or is refused (crossorigin.E025).

The RE2 pattern is written from Python's own parse (``crossorigin._core.re2_spelling``). The
differential property generates patterns from a grammar rich in the corners where the
two engines' syntaxes differ (nested and POSIX-looking sets, escapes, inline and scoped
flags, ``{,n}``, ``\\Z``, alternations, groups) and well-formed ASCII origins, and
compares Python's ``re.fullmatch`` with what a policy allows: they must agree, unless
the pattern is refused.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from crossorigin._core.linear_regex import LinearRegexError, compile_linear, re2_source
from crossorigin._core.options import PolicyOptions, validate_regexes
from crossorigin._core.policy import Policy, Reason, decide
from crossorigin._core.re2_spelling import _UNICODE_SPACE

POSIX_LOOKING = ["[[:alpha:]]", "[[:graph:]]*", "[[:graph:]", "[[.a.]]", "[[=a=]]", "[[:digit:]]+", "[^[:space:]]"]
SETS = [
    "[a-z]",
    "[^a-z]",
    "[]a]",
    "[^]a]",
    "[a-]",
    "[-.]",
    "[\\d]",
    "[\\w.-]+",
    "[^\\W_]",
    "[\\s\\S]",
    "[^\\D]",
    "[A-Z]",
    "[Z-b]",
    "[[]",
    "[\\]]",
    "[\\[a]]",
]
ESCAPES = [
    "\\.",
    "\\-",
    "\\/",
    "\\:",
    "\\d",
    "\\D",
    "\\w",
    "\\W",
    "\\s",
    "\\S",
    "\\x2e",
    "\\u002f",
    "\\N{COLON}",
    "\\141",
]
ANCHORS = ["^", "$", "\\A", "\\Z", "\\b", "\\B"]
QUANTIFIERS = ["*", "+", "?", "{2}", "{,2}", "{1,3}", "{2,}", "{,}", "*?", "+?", "??", "{,3}?"]
FLAGS = ["i", "m", "s", "a", "x"]
ORIGIN_CHARS = "abcdefhlmnopstxz0189.-:/"


class _Choices:
    """Choices read from a byte string hypothesis draws once (one draw per example is fast)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def number(self, count: int) -> int:
        byte = self.data[self.at % len(self.data)] if self.data else 0
        self.at += 1
        return byte % count

    def pick(self, options: Sequence[str]) -> str:
        return options[self.number(len(options))]


def _rendering(choices: _Choices, char: str) -> str:
    """A pattern piece that matches ``char`` (so generated patterns often match the origin)."""
    options = [re.escape(char), ".", f"[{re.escape(char)}]", "[^Q]"]
    if char.isalnum():
        options += ["\\w", char.upper(), f"[{char}{char.upper()}]"]
    if char.isdigit():
        options.append("\\d")
    return choices.pick(options)


def _origin(choices: _Choices) -> str:
    """A well-formed ASCII origin: scheme, lower-case host, optional port."""
    labels = []
    for _ in range(1 + choices.number(3)):
        label = "".join(choices.pick("abcdefhlmnopstxz0189-") for _ in range(1 + choices.number(8)))
        labels.append(label.strip("-") or "a")
    return f"{choices.pick(['http', 'https'])}://{'.'.join(labels)}{choices.pick(['', ':8000', ':1'])}"


def _pieces(choices: _Choices, origin: str, depth: int, repeats: list[int]) -> str:
    """A pattern for (roughly) ``origin``: matching renderings mixed with the grammar's corners."""
    out: list[str] = []
    simple: list[bool] = []  # whether each piece of out is one unrepeated atom
    i = 0
    while i < len(origin):
        kind = choices.number(40)
        if kind <= 28:
            out.append(_rendering(choices, origin[i]))
            simple.append(True)
            i += 1
        elif kind <= 30:
            atom = choices.pick(POSIX_LOOKING + SETS + ESCAPES + ANCHORS)
            if atom[-1] in "*+":
                if repeats:
                    repeats.pop()
                else:
                    atom = atom[:-1]
            out.append(atom)
            simple.append(atom[-1] not in "*+" and atom not in ANCHORS)
            i += choices.number(3)
        elif kind <= 33 and out and repeats and simple[-1]:
            # Few repeats, never nested: Python's backtracking must finish quickly.
            repeats.pop()
            out[-1] = f"(?:{out[-1]})" + choices.pick(QUANTIFIERS)
            simple[-1] = False
        elif kind <= 36 and depth < 2:
            span = 1 + choices.number(6)
            inner = _pieces(choices, origin[i : i + span], depth + 1, repeats)
            other = _pieces(choices, origin[i : i + choices.number(span + 1)], depth + 1, repeats)
            opener = choices.pick(["(", "(?:", "(?i:", "(?-i:", "(?s:", "(?m:", "(?x:", "(?a:", "(?ai:"])
            out.append(f"{opener}{inner}|{other})" if choices.number(2) else f"{opener}{inner})")
            simple.append(False)
            i += span
        elif kind == 37:
            out.append(choices.pick([" ", "\\ ", "#", "|", "\\Z", "$", "[[:alpha:]]?"]))
            simple.append(False)
        else:
            out.append(re.escape(origin[i]))
            simple.append(True)
            i += 1
    return "".join(out)


def _case(data: bytes) -> tuple[str, str]:
    choices = _Choices(data)
    origin = _origin(choices)
    target = origin if choices.number(4) else _origin(choices)
    flags = "".join(sorted({choices.pick(FLAGS) for _ in range(choices.number(3))}))
    prefix = (f"(?{flags})" if flags else "") + choices.pick(["^", "", "\\A"])
    return prefix + _pieces(choices, target, 0, [1, 2, 3]) + choices.pick(["$", "", "\\Z", "$\\Z"]), origin


patterns_and_origins = st.binary(min_size=64, max_size=400).map(_case)


def _allowed(source: str, origin: str) -> bool | None:
    """Whether a policy with this one origin regex allows ``origin``; None if it is refused."""
    compiled, problems = validate_regexes([source], "CORS_ALLOWED_ORIGIN_REGEXES")
    if problems:
        assert [problem.id for problem in problems] == ["crossorigin.E025"]
        return None
    decision = decide(Policy(PolicyOptions(allowed_origin_regexes=compiled)), origin)
    return decision.reason is Reason.ALLOWED_REGEX


ISSUE_CASE = r"^https://app\.example\.com[[:graph:]]*$"


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(patterns_and_origins)
@example((ISSUE_CASE, "https://app.example.com.attacker.net"))
@example((ISSUE_CASE, "https://app.example.com[:graph:]]]"))
@example((r"^https://[[.a.]]\.example$", "https://a.example"))
@example((r"(?i)^HTTPS://A\.EXAMPLE$", "https://a.example"))
@example((r"^https://a{,2}\.example\Z", "https://aa.example"))
# \W narrowed to ASCII held U+017F and U+212A, which RE2's (?i) folds to s and k.
@example((r"(?i)^http://(a)(as|a)[^\W_]aaaaa\.a[aA]aa\.a.aaaaa$", "http://aasaaaaa.aaaa.aaaaaaa"))
@example((r"(?i)^https://[^\W]\.example$", "https://k.example"))
def test_the_middleware_allows_what_python_fullmatches(case: tuple[str, str]) -> None:
    source, origin = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "possible nested set", "bad escape" deprecations
        try:
            expected = re.fullmatch(source, origin) is not None
        except re.error:
            assume(False)
            return
    got = _allowed(source, origin)
    assert got is None or got == expected, (source, origin, re2_source(re.compile(source)))


def test_the_issue_posix_looking_set_is_python_s_set_then_a_bracket() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        compiled = re.compile(ISSUE_CASE)
    # RE2 reading the text itself sees a POSIX class and allows the attacker's host.
    assert _allowed(ISSUE_CASE, "https://app.example.com.attacker.net") is False
    assert compile_linear(compiled).fullmatch("https://app.example.com.attacker.net") is None
    # Python's reading: one of '[', ':', 'g', 'r', 'a', 'p', 'h', then any number of ']'.
    assert compile_linear(compiled).fullmatch("https://app.example.com:]]") is not None
    assert _allowed(ISSUE_CASE, "https://app.example.coma") is True
    assert _allowed(ISSUE_CASE, "https://app.example.com") is False


@pytest.mark.parametrize(
    ("source", "construct"),
    [
        (r"^https://(\w)\1\.example$", "back-reference"),
        (r"^https://(?!evil)\w+\.example$", "lookahead"),
        (r"^https://\w+(?<=a)\.example$", "lookbehind"),
        (r"^(a)?(?(1)b|c)$", "conditional"),
        (r"^(?>a+)$", "atomic group"),
        (r"^https://a++\.example$", "possessive"),
    ],
)
def test_constructs_re2_lacks_are_refused_by_name(source: str, construct: str) -> None:
    with pytest.raises(LinearRegexError, match=construct):
        compile_linear(re.compile(source))


def test_verbose_patterns_are_read_as_python_reads_them() -> None:
    pattern = compile_linear(re.compile(r"^https:// a \. example  # the host", re.VERBOSE))
    assert pattern.fullmatch("https://a.example") is not None
    assert pattern.fullmatch("https:// a . example") is None


def test_scoped_flags_apply_to_their_group_only() -> None:
    pattern = compile_linear(re.compile(r"^https://(?i:API)\.example(?-i:)$"))
    assert pattern.fullmatch("https://api.example") is not None
    assert compile_linear(re.compile(r"(?i)^https://A(?-i:B)$")).fullmatch("https://ab") is None
    assert compile_linear(re.compile(r"(?i)^https://A(?-i:B)$")).fullmatch("https://aB") is not None


def test_ascii_case_folding_leaves_non_ascii_letters_alone() -> None:
    # Under re.ASCII | re.IGNORECASE, Python folds ASCII letters only; RE2's (?i) would
    # also fold U+212A KELVIN SIGN into 'k'.
    assert compile_linear(re.compile(r"(?ai)^k$")).fullmatch("\u212a") is None
    assert compile_linear(re.compile(r"(?ai)^k$")).fullmatch("K") is not None
    assert compile_linear(re.compile(r"(?ai)^[^k]$")).fullmatch("K") is None


@pytest.mark.parametrize("source", [r"^\s$", r"^[\s]$", r"^[^\S]$"])
def test_whitespace_is_python_s_whitespace(source: str) -> None:
    pattern = compile_linear(re.compile(source))
    assert pattern.fullmatch("\x0b") is not None  # RE2's own \s lacks the vertical tab
    assert pattern.fullmatch("\x1c") is not None
    assert pattern.fullmatch("a") is None


def test_the_space_table_is_str_isspace() -> None:
    table = {code for low, high in _UNICODE_SPACE for code in range(low, high + 1)}
    assert table == {code for code in range(sys.maxunicode + 1) if chr(code).isspace()}


def test_an_empty_set_matches_nothing() -> None:
    assert compile_linear(re.compile(r"^a[^\s\S]?$")).fullmatch("a") is not None
    assert compile_linear(re.compile(r"^a[^\s\S]$")).fullmatch("ab") is None
