"""The demo: an API on one loopback origin, a trusted page on a second, an untrusted one on a third.

Run it with ``make demo`` (or ``python -m demo``); see ``demo/README.md``.
"""
