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
        # Registered here, never as a side effect of an import: compiling the policies
        # without the app (fail-closed) must not register checks that will not run.
        from django.core.checks import Tags, register

        from crossorigin._checks import check_middleware, check_middleware_subclasses, check_settings, check_websockets

        register(check_settings, Tags.security, "crossorigin")
        register(check_middleware, Tags.compatibility, "crossorigin")
        register(check_middleware_subclasses, Tags.compatibility, "crossorigin")
        register(check_websockets, Tags.security, "crossorigin")
