"""Origin regexes judged by what they accept: probe origins run through the compiled matcher.

Reading a pattern's text (``regex_lint``) misses shapes such as ``^https://app\\.example\\.com.*$``
(anchored, yet it accepts ``https://app.example.com.attacker.net``). So each pattern
is also tried, at start-up, with the matcher the middleware uses, against origins
derived from it: each alternative's literal host with an attacker's domain appended,
the host's dots replaced, an attacker's name glued to the site's domain, a stranger's
site under the same public suffix, the ``http://`` form, an unrelated site and ``null``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crossorigin._core import public_suffix, regex_lint
from crossorigin._core.linear_regex import LinearRegexError, compile_linear
from crossorigin._core.origins import FILE_ORIGIN, NULL_ORIGIN, is_well_formed_request_origin, split_request_origin

ATTACKER_DOMAIN = "attacker.net"
# Top-level names anyone can register under. A pattern that accepts the sample host under
# both (in place of its own last label) accepts any TLD; an enumeration such as
# '(com|net)' names the project's own domains and accepts neither.
OTHER_TLDS = ("xyz", "top")
UNRELATED_ORIGINS = ("https://attacker.net", "http://attacker.net")


@dataclass(frozen=True)
class ProbeResults:
    """Which probe origin (if any) the pattern accepted, per kind of mistake."""

    attacker_suffix: str | None = None  # B3: '<host>.attacker.net'
    any_character_dot: str | None = None  # B4: 'appxexample.com'
    glued_name: str | None = None  # B5: 'attackerexample.com'
    sibling_site: str | None = None  # B7: 'attacker.github.io' next to 'a.github.io'
    plain_http: str | None = None  # B6: 'http://<host>'
    unrelated: str | None = None  # B1: 'https://attacker.net'
    null: bool = False  # B2
    file: bool = False  # B2: 'file://'
    other_tld: str | None = None  # 'app.mycompany.xyz' next to 'app.mycompany.com'


def probe(pattern: re.Pattern[str]) -> ProbeResults:
    """Run the probe origins derived from ``pattern`` through its compiled (RE2) matcher."""
    try:
        matcher = compile_linear(pattern)
    except LinearRegexError:
        return ProbeResults()  # refused (crossorigin.E025): it matches nothing at run time

    def first(candidates: list[str]) -> str | None:
        return next((c for c in candidates if matcher.fullmatch(c) is not None), None)

    suffixed: list[str] = []
    dotted: list[str] = []
    glued: list[str] = []
    strangers: list[str] = []
    siblings: list[str] = []
    plain: list[str] = []
    other_tlds: list[list[str]] = []
    samples = regex_lint.sample_texts(pattern.pattern, pattern.flags, minimal=True, any_char=".")
    samples += regex_lint.sample_texts(pattern.pattern, pattern.flags, any_char=".")
    samples += regex_lint.sample_texts(pattern.pattern, pattern.flags)
    for sample in dict.fromkeys(samples):
        parts = split_request_origin(sample) if is_well_formed_request_origin(sample) else None
        if parts is None or not parts[1] or parts[1].startswith("["):
            continue
        scheme, host, port = parts
        tail = "" if port is None else f":{port}"
        for each in dict.fromkeys((scheme, "https", "http")):
            suffixed.append(f"{each}://{host}.{ATTACKER_DOMAIN}{tail}")
        dotted.extend(f"{scheme}://{host[:i]}x{host[i + 1 :]}{tail}" for i, ch in enumerate(host) if ch == ".")
        site = public_suffix.registrable_domain(host)
        if site:
            label, _, suffix = site.partition(".")
            above = host[: len(host) - len(site)]
            glued.append(f"{scheme}://{above}attacker{site}{tail}")
            strangers.append(f"{scheme}://{above}attacker.{suffix}{tail}")
            siblings.extend(f"{scheme}://{above}{other}.{suffix}{tail}" for other in (label + label, label[:1] * 3))
        below, dot, _last = host.rpartition(".")
        if dot and not below.replace(".", "").isdigit():
            other_tlds.append([f"{scheme}://{below}.{tld}{tail}" for tld in OTHER_TLDS])
        # Whatever the sample's scheme ('https', or 'a' from '[a-z]+'), try the plain-HTTP form.
        plain.append(f"http://{host}{tail}")
    # A stranger's site under the public suffix is B7; a name glued to the site's own
    # domain is B5; a sibling made of the label's own characters is B7 again, for
    # patterns whose label class excludes the word 'attacker' (such as [0-9]+).
    null = matcher.fullmatch(NULL_ORIGIN) is not None
    file = matcher.fullmatch(FILE_ORIGIN) is not None
    unrelated = first(list(UNRELATED_ORIGINS))
    if unrelated:  # it accepts any site: that is the finding, the narrower ones are noise
        return ProbeResults(unrelated=unrelated, plain_http=first(plain), null=null, file=file)
    other_tld = next((tlds[0] for tlds in other_tlds if all(matcher.fullmatch(o) is not None for o in tlds)), None)
    stranger = first(strangers)
    glued_name = None if stranger else first(glued)
    sibling = stranger or (None if glued_name else first(siblings))
    return ProbeResults(
        attacker_suffix=first(suffixed),
        any_character_dot=first(dotted),
        glued_name=glued_name,
        sibling_site=sibling,
        plain_http=first(plain),
        null=null,
        file=file,
        other_tld=other_tld,
    )
