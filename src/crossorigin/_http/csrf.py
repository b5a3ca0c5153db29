"""CORS_REPLACE_HTTPS_REFERER: an allowed secure cross-origin request past Django's CSRF check.

Django's ``CsrfViewMiddleware`` refuses an unsafe request whose Origin (or, failing
that, Referer) is not this site or a trusted origin. With the setting on, CorsMiddleware
replaces both with this site's for a request whose origin CORS allows, before the
CSRF check; ``CorsPostCsrfMiddleware`` (in ``crossorigin.middleware``), placed after
``CsrfViewMiddleware``, puts them back before the view (CorsMiddleware also does on the
way out). ``CSRF_TRUSTED_ORIGINS`` is the modern way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from crossorigin._core.constants import META_ORIGIN, META_REFERER

# The replaced headers' original values, kept on the request until they are put back.
REPLACED: Final = "_crossorigin_replaced"


def replace_for_csrf(request: HttpRequest, origin: str) -> None:
    """Make Django's CSRF check see this site as the origin of an allowed secure request.

    Django 4+ checks the Origin header before the Referer, so both are replaced;
    CorsPostCsrfMiddleware (or CorsMiddleware, on the way out) puts them back.
    """
    if hasattr(request, REPLACED):
        return
    try:
        host = request.get_host()
    except DisallowedHost:
        return
    meta = request.META
    replaced = {META_ORIGIN: origin}
    meta[META_ORIGIN] = f"https://{host}"
    if META_REFERER in meta:
        replaced[META_REFERER] = meta[META_REFERER]
        meta[META_REFERER] = f"https://{host}/"
    setattr(request, REPLACED, replaced)


def restore_replaced_headers(request: HttpRequest) -> None:
    """Put back the Origin and Referer that CORS_REPLACE_HTTPS_REFERER replaced."""
    replaced = getattr(request, REPLACED, None)
    if replaced:
        request.META.update(replaced)
        delattr(request, REPLACED)


GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]


class CorsPostCsrfMiddleware:
    """Restores the headers CORS_REPLACE_HTTPS_REFERER replaced; place it after CsrfViewMiddleware."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        # Django adapts a sync process_view for an async stack with a thread hop, so the
        # hook is bound per instance in the mode this instance runs in.
        self.process_view: Callable[..., Any]
        if self.async_mode:
            markcoroutinefunction(self)
            self.process_view = self._process_view_async
        else:
            self.process_view = self._process_view_sync

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def _process_view_sync(self, request: HttpRequest, *args: Any) -> None:
        restore_replaced_headers(request)

    async def _process_view_async(self, request: HttpRequest, *args: Any) -> None:
        restore_replaced_headers(request)
