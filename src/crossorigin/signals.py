"""The ``check_request_enabled`` signal, with django-cors-headers' meaning.

A receiver is called as ``receiver(sender=None, request=request)``. If any receiver
returns a truthy value, CORS is enabled for that request *and* its origin is allowed,
whatever the settings say. The middleware sends it at most once per request, and only
when the settings alone do not already enable the URL and allow the origin.

Prefer ``CORS_ORIGIN_CHECKER`` for new code: it is asked about the origin only, it may
be async, and its answers can be cached.
"""

from django.dispatch import Signal

# The public names (docs/api.md); everything else here is internal.
__all__ = ["check_request_enabled", "report_only_differs"]

check_request_enabled = Signal()

report_only_differs = Signal()
"""Sent when the report-only policy (``CORS_REPORT_ONLY``) would answer a request otherwise.

Receivers are called as ``receiver(sender=None, request=..., origin=..., path=...,
enforced=Decision, report_only=Decision)`` on every difference (the log is rationed,
the signal is not), after the response has its headers; what they return is ignored
and an exception is logged, never raised. Wire it to a metrics counter.
"""
