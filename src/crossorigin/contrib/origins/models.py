"""The table of allowed origins, each in the normal form the settings parser gives."""

from __future__ import annotations

from typing import Any

from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _

from .store import bump
from .validators import ORIGIN_MAX_LENGTH, checked_origin, credentials_in_use


class AllowedOriginQuerySet(models.QuerySet["AllowedOrigin"]):
    """Bulk writes skip the model's signals, so each one bumps the version itself, in its transaction."""

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            rows = super().update(**kwargs)
            if rows:
                bump(self.db)
        return rows

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            result = super().delete()
            if result[0]:
                bump(self.db)
        return result

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AllowedOrigin]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            if created:
                bump(self.db)
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            rows = super().bulk_update(objs, fields, *args, **kwargs)
            if rows:
                bump(self.db)
        return rows


AllowedOriginManager = models.Manager.from_queryset(AllowedOriginQuerySet)


class AllowedOrigin(models.Model):
    """An origin (or wildcard pattern) that may read responses across origins."""

    origin = models.CharField(
        _("origin"),
        max_length=ORIGIN_MAX_LENGTH,
        unique=True,
        help_text=_(
            "scheme://host[:port], e.g. https://app.example.com; https://*.example.com for the domain and "
            "its subdomains; http://localhost:* for any port. Stored in normal form."
        ),
    )
    enabled = models.BooleanField(_("enabled"), default=True, db_index=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Who asked for it, the customer, a ticket..."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AllowedOriginManager()

    class Meta:
        verbose_name = _("allowed origin")
        verbose_name_plural = _("allowed origins")
        ordering = ("origin",)

    def __str__(self) -> str:
        return self.origin

    @property
    def is_wildcard(self) -> bool:
        """True for ``*.domain`` and ``:*`` patterns."""
        return "://*." in self.origin or self.origin.endswith(":*")

    def clean(self) -> None:
        """Parse and check the origin with the settings' rules; store its normal form."""
        super().clean()
        self.origin = self._checked()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Also here, not only in clean(): an origin saved from code must meet the same
        # rules, and must be stored in the form requests are matched against.
        self.origin = self._checked()
        # One transaction for the row and its version (post_save bumps it), so a change
        # never commits without the version that tells the other processes.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self), instance=self)):
            return super().delete(*args, **kwargs)

    def _checked(self) -> str:
        from django.core.exceptions import ValidationError

        try:
            normal, _warnings = checked_origin(self.origin, credentials=credentials_in_use())
        except ValidationError as exc:
            raise ValidationError({"origin": exc.error_list}) from None
        return normal


class OriginsVersion(models.Model):
    """One row whose version is bumped in the same transaction as every change to the allowed origins.

    Each process reads it once per check interval and reloads the origins when it
    changed (see ``store``).
    """

    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("allowed origins version")
        verbose_name_plural = _("allowed origins versions")

    def __str__(self) -> str:
        return str(self.version)
