"""URLconfs for tests/test_selection.py: a view with its own policy reached only under a
language prefix (``i18n_patterns``) or only through a per-host URLconf (django-hosts)."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from crossorigin.decorators import cors_policy
from tests import views

ADMIN = "https://admin.example.com"
PARTNER = "https://partner.example.net"

admin_only = cors_policy(allowed_origins=[ADMIN])(views.plain)

# ROOT_URLCONF for the i18n tests: /en/admin-only/ and /fr/admin-only/, each found only
# while its own language is active.
urlpatterns = [*i18n_patterns(path("admin-only/", admin_only)), path("open/", views.plain)]
