"""The table of allowed origins, each in the normal form the settings parser gives."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .store import bump
from .validators import ORIGIN_MAX_LENGTH, checked_origin, credentials_in_use


class AllowedOriginQuerySet(models.QuerySet["AllowedOrigin"]):
    """Bulk writes skip the model's signals, so each one publishes a new stamp itself."""

    def update(self, **kwargs: Any) -> int:
        rows = super().update(**kwargs)
        if rows:
            bump(self.db)
        return rows

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        if result[0]:
            bump(self.db)
        return result

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AllowedOrigin]:
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump(self.db)
        return created

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
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
        super().save(*args, **kwargs)

    def _checked(self) -> str:
        from django.core.exceptions import ValidationError

        try:
            normal, _warnings = checked_origin(self.origin, credentials=credentials_in_use())
        except ValidationError as exc:
            raise ValidationError({"origin": exc.error_list}) from None
        return normal
