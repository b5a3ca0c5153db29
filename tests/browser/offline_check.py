"""Read an ``strace -f -e trace=network`` log: did anything talk to a non-loopback address?

    strace -f -qq -e trace=network,close -o net.trace pytest -m browser ...
    python -m tests.browser.offline_check net.trace

Reports every DNS lookup, connection and addressed send to an address off loopback.
A UDP ``connect()`` alone sends nothing (the kernel only picks a route), so it is
listed apart: Chromium does one to 2001:4860:4860::8888 to learn whether IPv6 is
reachable. Exit status 1 if anything left the machine.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Final

LOOPBACK: Final = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "(::1|::ffff:127\.)')
SOCKET: Final = re.compile(r"^(\d+) +socket\((AF_INET6?), (SOCK_\w+)[^)]*\) += (\d+)")
CLOSE: Final = re.compile(r"^(\d+) +close\((\d+)\)")
DESTINATION: Final = re.compile(r"\{sa_family=AF_INET6?,[^}]*\}")
CONNECT: Final = re.compile(r"^(\d+) +connect\((\d+), (\{sa_family=AF_INET6?,.*?\}), \d+")
SEND: Final = re.compile(r"^(\d+) +(sendto|sendmsg|sendmmsg|write)\((\d+),")
ADDRESS: Final = re.compile(r'(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')
PORT: Final = re.compile(r"port=htons\((\d+)\)")


def joined(lines: list[str]) -> list[str]:
    """strace's lines with each ``<unfinished ...>`` call joined to its ``resumed>`` end."""
    pending: dict[str, str] = {}
    whole: list[str] = []
    for line in lines:
        pid = line.split(" ", 1)[0]
        if line.endswith("<unfinished ...>"):
            pending[pid] = line[: -len("<unfinished ...>")].rstrip()
        elif "resumed>" in line and pid in pending:
            whole.append(pending.pop(pid) + line.split("resumed>", 1)[1])
        else:
            whole.append(line)
    return whole


def analyse(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    """(what left the machine, UDP connects that sent nothing), each counted by description.

    Conservative: every connect() to an address off loopback counts as leaving, except
    a UDP connect() (a socket the same thread made as SOCK_DGRAM) to a port other than
    53, which sends nothing by itself; a DNS lookup shows as a connect() to port 53 (or
    a send with port 53 as its destination). Every send with an explicit destination
    off loopback counts too.
    """
    kinds: dict[tuple[str, str], str] = {}  # (thread, fd) -> socket type
    left: Counter[str] = Counter()
    silent: Counter[str] = Counter()
    for line in joined(lines):
        if found := SOCKET.match(line):
            pid, _family, kind, fd = found.groups()
            kinds[(pid, fd)] = kind
        elif found := CLOSE.match(line):
            kinds.pop((found.group(1), found.group(2)), None)
        elif found := CONNECT.match(line):
            pid, fd, address = found.groups()
            peer = _peer(address)
            if peer is None:
                continue
            kind = kinds.get((pid, fd), "unknown socket")
            if kind.startswith("SOCK_DGRAM") and not peer.endswith(":53"):
                silent[f"UDP connect() to {peer}"] += 1
            elif peer.endswith(":53"):
                left[f"DNS lookup (connect to {peer})"] += 1
            else:
                left[f"connect() ({kind}) to {peer}"] += 1
        elif SEND.match(line) and (found := DESTINATION.search(line)):
            peer = _peer(found.group(0))
            if peer is not None:
                left[f"send to {peer}"] += 1
    return left, silent


def _peer(address: str) -> str | None:
    """``host:port`` of a sockaddr strace printed, or None for loopback."""
    if LOOPBACK.search(address):
        return None
    found = ADDRESS.search(address)
    if found is None:
        return None
    host = found.group(1) or found.group(2)
    port = PORT.search(address)
    return f"{host}:{port.group(1) if port else '?'}"


def main(argv: list[str]) -> int:
    left, silent = analyse(Path(argv[0]).read_text(errors="replace").splitlines())
    for what, count in sorted(silent.items()):
        print(f"  (nothing sent) {what}: {count}")
    for what, count in sorted(left.items()):
        print(f"LEFT THE MACHINE {what}: {count}")
    print("nothing left the machine" if not left else f"{sum(left.values())} sends off loopback")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
