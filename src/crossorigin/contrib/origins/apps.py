"""The app: ``INSTALLED_APPS = [..., "crossorigin.contrib.origins"]``."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OriginsConfig(AppConfig):
    """Allowed origins kept in the database."""

    name = "crossorigin.contrib.origins"
    label = "crossorigin_origins"
    verbose_name = _("CORS allowed origins")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (the checks register themselves)
        from .models import AllowedOrigin

        signals.connect(AllowedOrigin)
