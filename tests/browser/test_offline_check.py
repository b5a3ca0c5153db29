"""The strace reader that backs the "no traffic off the machine" claim of docs/browser-behaviour.md."""

from __future__ import annotations

from tests.browser.offline_check import analyse

TRACE = """\
100 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 5
100 connect(5, {sa_family=AF_INET, sin_port=htons(8101), sin_addr=inet_addr("127.0.0.1")}, 16) = 0
100 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP <unfinished ...>
101 sendmsg(9, {msg_name=NULL, msg_namelen=0}, 0) = 8
100 <... socket resumed>) = 6
100 connect(6, {sa_family=AF_INET6, sin6_port=htons(443), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr)}, 28) = 0
"""
LOOKUP = """\
200 socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_IP) = 7
200 connect(7, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.0.0.53")}, 16) = 0
200 sendto(8, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("192.0.2.9")}, 16) = 1
200 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 9
200 connect(9, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("192.0.2.10")}, 16) = -1 EINPROGRESS
"""


def test_loopback_traffic_and_a_bare_udp_connect_stay_on_the_machine() -> None:
    left, silent = analyse(TRACE.splitlines())

    assert left == {}
    assert silent == {"UDP connect() to 2001:4860:4860::8888:443": 1}


def test_lookups_sends_and_connections_off_loopback_are_reported() -> None:
    left, _silent = analyse(LOOKUP.splitlines())

    assert left == {
        "DNS lookup (connect to 10.0.0.53:53)": 1,
        "send to 192.0.2.9:443": 1,
        "connect() (SOCK_STREAM) to 192.0.2.10:80": 1,
    }
