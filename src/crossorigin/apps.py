"""The Django app: registers the system checks and recompiles policies on setting changes."""

from __future__ import annotations

from django.apps import AppConfig

# The public names (docs/api.md); everything else here is internal.
__all__ = ["CrossOriginConfig"]


class CrossOriginConfig(AppConfig):
    """``INSTALLED_APPS = [..., "crossorigin"]``."""

    name = "crossorigin"
    verbose_name = "Cross-origin resource sharing"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        from crossorigin import checks  # noqa: F401  (the checks register themselves)
