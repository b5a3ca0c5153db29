"""The table of allowed origins, each in the normal form the settings parser gives, and its version.

Every change to the origins bumps the version row in the change's own transaction
(``bump``); the store above reads both tables and never the other way round.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import models, router, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .changes import origins_committed
from .validators import ORIGIN_MAX_LENGTH, checked_origin, credentials_in_use

# The public names (docs/api.md); everything else here is internal.
__all__ = ["AllowedOrigin", "OriginsVersion", "bump"]


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


# The primary key of the one row of OriginsVersion.
VERSION_ROW: Final = 1


def origins_database() -> str:
    """The database the origins (and their version) are read from: where they are written.

    Not a read replica: a lagging one could hand back an old set that would then be kept
    under the new version until the next change.
    """
    return router.db_for_write(AllowedOrigin)


class _Committed:
    """Sends ``origins_committed`` once the transaction that bumped the version has committed."""

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        origins_committed.send(sender=OriginsVersion)


def bump(using: str | None = None) -> None:
    """Bump the version in the current transaction on ``using`` (now if there is none).

    Called by the model's signals and bulk query methods, inside the transaction of the
    change, so the change and its version commit together; call it yourself after
    changing the table with raw SQL. Several changes in one transaction bump once
    (deleting 10,000 rows sends 10,000 signals but updates the version row once).
    """
    db = using or origins_database()
    connection = transaction.get_connection(db)
    if connection.in_atomic_block:
        for entry in connection.run_on_commit:
            # A callback dropped by a rolled-back savepoint is no longer listed (nor is
            # the bump made with it), so a later change in the same transaction bumps again.
            if isinstance(entry[1], _Committed) and not entry[1].done:
                return
    versions = OriginsVersion.objects.using(db)
    if not versions.filter(pk=VERSION_ROW).update(version=F("version") + 1):
        # The migration creates the row; recreate it if someone deleted it.
        versions.get_or_create(pk=VERSION_ROW)
        versions.filter(pk=VERSION_ROW).update(version=F("version") + 1)
    transaction.on_commit(_Committed(), using=db)
