"""A URLconf whose API lives under a language prefix (``/en/api/items/``), for LocaleMiddleware's redirect."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from tests import views

urlpatterns = i18n_patterns(path("api/items/", views.plain))
