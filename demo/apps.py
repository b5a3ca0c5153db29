"""The demo API as a Django app (it has one model, so ``migrate`` has work to do)."""

from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "django-crossorigin demo"
    default_auto_field = "django.db.models.AutoField"
