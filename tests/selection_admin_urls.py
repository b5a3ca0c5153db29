"""The URLconf django-hosts routes the admin host to (tests/selection_hosts.py)."""

from __future__ import annotations

from django.urls import path

from tests.selection_urls import admin_only

urlpatterns = [path("panel/", admin_only)]
