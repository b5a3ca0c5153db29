"""Every saved or deleted row bumps the version, in the transaction of the change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from .models import bump


def origin_changed(sender: Any, using: str | None = None, **kwargs: Any) -> None:
    """``post_save`` / ``post_delete`` receiver."""
    bump(using)


def connect(model: Any) -> None:
    """Connect the receivers to the model (from ``AppConfig.ready``)."""
    post_save.connect(origin_changed, sender=model, dispatch_uid="crossorigin.contrib.origins.saved")
    post_delete.connect(origin_changed, sender=model, dispatch_uid="crossorigin.contrib.origins.deleted")
