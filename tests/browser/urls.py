"""The API the browser calls (``tests.browser.settings.ROOT_URLCONF``)."""

from __future__ import annotations

from django.urls import path

from tests.browser import views

urlpatterns = [
    path("api/items/", views.items),
    path("api/async/", views.async_items),
    path("api/headers/", views.with_headers),
    path("api/broken/", views.broken),
    path("api/slash/", views.items),  # only with the slash: APPEND_SLASH redirects /api/slash
    path("api/csrf/token/", views.csrf_token),
    path("api/csrf/submit/", views.csrf_submit),
    path("public/items/", views.items),
]
