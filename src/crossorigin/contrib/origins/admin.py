"""The admin: search, filters, bulk enable/disable, and the settings' rules as messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crossorigin._core.origins import OriginError, parse_origin

from .models import AllowedOrigin
from .validators import checked_origin, credentials_in_use

if TYPE_CHECKING:
    ModelAdminBase = admin.ModelAdmin[AllowedOrigin]
else:  # ModelAdmin is generic only in django-stubs
    ModelAdminBase = admin.ModelAdmin


class KindFilter(admin.SimpleListFilter):
    """Exact origins, subdomain wildcards, any-port patterns, or null / file://."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("exact", _("exact origin")),
            ("subdomains", _("subdomain wildcard (*.)")),
            ("any_port", _("any port (:*)")),
            ("special", _("null or file://")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        wildcard = Q(origin__contains="://*.") | Q(origin__endswith=":*")
        special = Q(origin__in=("null", "file://"))
        value = self.value()
        if value == "exact":
            return queryset.exclude(wildcard | special)
        if value == "subdomains":
            return queryset.filter(origin__contains="://*.")
        if value == "any_port":
            return queryset.filter(origin__endswith=":*")
        if value == "special":
            return queryset.filter(special)
        return queryset


class SchemeFilter(admin.SimpleListFilter):
    """https, http, or anything else (ws, wss, app schemes)."""

    title = _("scheme")
    parameter_name = "scheme"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("https", "https://"), ("http", "http://"), ("other", _("other"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value in ("https", "http"):
            return queryset.filter(origin__startswith=f"{value}://")
        if value == "other":
            return queryset.exclude(origin__startswith="https://").exclude(origin__startswith="http://")
        return queryset


@admin.register(AllowedOrigin)
class AllowedOriginAdmin(ModelAdminBase):
    """Allowed origins: changes reach every server within the check interval."""

    list_display = ("origin", "enabled", "short_note", "updated_at")
    list_display_links = ("origin",)
    list_filter = ("enabled", KindFilter, SchemeFilter, "updated_at")
    search_fields = ("origin", "note")
    readonly_fields = ("created_at", "updated_at")
    fields = ("origin", "enabled", "note", "created_at", "updated_at")
    ordering = ("origin",)
    list_per_page = 100
    actions = ("enable_selected", "disable_selected")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AllowedOrigin], search_term: str
    ) -> tuple[QuerySet[AllowedOrigin], bool]:
        """Also find an origin typed in another spelling (``HTTPS://Shop.Example:443``)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            normal = parse_origin(search_term.strip()).serialize()
        except OriginError:
            return found, may_have_duplicates
        return found | queryset.filter(origin=normal), may_have_duplicates

    @admin.display(description=_("note"))
    def short_note(self, obj: AllowedOrigin) -> str:
        """The first line of the note, cut to fit a column."""
        first = obj.note.splitlines()[0] if obj.note else ""
        return first if len(first) <= 80 else first[:79] + "…"

    def save_model(self, request: HttpRequest, obj: AllowedOrigin, form: ModelForm[Any], change: bool) -> None:
        typed = form.data.get("origin", obj.origin) if hasattr(form, "data") else obj.origin
        super().save_model(request, obj, form, change)
        if isinstance(typed, str) and typed.strip() != obj.origin:
            self.message_user(
                request,
                _("%(typed)s was saved in normal form as %(origin)s.") % {"typed": typed.strip(), "origin": obj.origin},
                messages.INFO,
            )
        _normal, warnings = checked_origin(obj.origin, credentials=credentials_in_use())
        for problem in warnings:
            self.message_user(request, f"{problem.msg} {problem.hint or ''}".strip(), messages.WARNING)

    @admin.action(description=_("Enable the selected origins"))
    def enable_selected(self, request: HttpRequest, queryset: QuerySet[AllowedOrigin]) -> None:
        """Bulk enable; the queryset's update() bumps the version once."""
        count = queryset.update(enabled=True, updated_at=timezone.now())
        self.message_user(request, ngettext("%d origin enabled.", "%d origins enabled.", count) % count)

    @admin.action(description=_("Disable the selected origins"))
    def disable_selected(self, request: HttpRequest, queryset: QuerySet[AllowedOrigin]) -> None:
        """Bulk disable; the queryset's update() bumps the version once."""
        count = queryset.update(enabled=False, updated_at=timezone.now())
        self.message_user(request, ngettext("%d origin disabled.", "%d origins disabled.", count) % count)
